/* Every page: formulas and tables that are wider than the column scroll, and say so.

   An element that overflows gets the class `scrolls-x` (site.css draws a shadow at an edge that
   can still scroll) and becomes a named, focusable region, so a keyboard can scroll it too.
   A ResizeObserver does the measuring (once when observed, again on every size change), in one
   batch of reads followed by one batch of writes. Formulas are typeset when the site is built.
*/
(() => {
  "use strict";
  const WIDE = "div.math, .pst-scrollable-table-container, .table-wrapper, div.cell_output .output";
  const FORMULA = "MJX-CONTAINER";

  // The theme makes a display formula's own box (MathJax's mjx-container) the one that scrolls.
  // A formula's typeset width is that of its mjx-math child, which grows as fonts and styles apply.
  function target(element) {
    if (element.tagName === "MJX-MATH") return element.closest("mjx-container") || element;
    return (element.matches("div.math") && element.querySelector("mjx-container")) || element;
  }

  function observeFormula(box) {
    resized.observe(box);
    const glyphs = box.querySelector(":scope > mjx-math");
    if (glyphs) resized.observe(glyphs);
  }

  function mark(element, scrolls) {
    element.classList.toggle("scrolls-x", scrolls);
    if (scrolls && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "0");
      if (!element.hasAttribute("role")) element.setAttribute("role", "region");
      if (!element.hasAttribute("aria-label")) {
        element.setAttribute("aria-label", element.tagName === FORMULA ? "formula, scrolls sideways" : "table, scrolls sideways");
      }
    }
  }

  function markOverflow(...elements) {
    const measured = elements.map(target).map(element => [element, element.scrollWidth > element.clientWidth + 1]);
    measured.forEach(([element, scrolls]) => mark(element, scrolls));
  }

  const resized = new ResizeObserver(entries => markOverflow(...entries.map(entry => entry.target)));
  function markAll() {
    document.querySelectorAll(WIDE).forEach(element => resized.observe(element));
    document.querySelectorAll("mjx-container").forEach(observeFormula);
  }

  // A formula or table in a closed dropdown (a solution) is measured when a reader opens it.
  document.addEventListener("toggle", event => {
    if (event.target.open) markOverflow(...event.target.querySelectorAll(`${WIDE}, mjx-container`));
  }, true);

  window.bookSite = {markOverflow, markAll};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
  else markAll();
})();
