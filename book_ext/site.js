/* Every page: formulas and tables that are wider than the column scroll, and say so.

   An element that overflows gets the class `scrolls-x` (site.css draws a shadow at an edge that
   can still scroll) and becomes a named, focusable region, so a keyboard can scroll it too.
   Formulas are typeset lazily (MathJax's ui/lazy), so each box is checked again whenever its
   size changes.
*/
(() => {
  "use strict";
  const WIDE = "div.math, .pst-scrollable-table-container, .table-wrapper, div.cell_output .output";

  function markOverflow(element) {
    // The theme makes a display formula's own box (MathJax's mjx-container) the one that scrolls.
    if (element.matches("div.math")) element = element.querySelector("mjx-container") || element;
    const scrolls = element.scrollWidth > element.clientWidth + 1;
    element.classList.toggle("scrolls-x", scrolls);
    if (scrolls && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "0");
      if (!element.hasAttribute("role")) element.setAttribute("role", "region");
      if (!element.hasAttribute("aria-label")) {
        element.setAttribute("aria-label", element.matches("div.math, mjx-container") ? "formula, scrolls sideways" : "table, scrolls sideways");
      }
    }
  }

  const resized = new ResizeObserver(entries => entries.forEach(entry => markOverflow(entry.target)));

  function markAll() {
    document.querySelectorAll(WIDE).forEach(element => {
      markOverflow(element);
      resized.observe(element);
    });
  }

  // MathJax replaces a formula's placeholder by its typeset box: watch the new boxes too.
  const FORMULA = "mjx-container[display='true']";
  const added = new MutationObserver(records => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        const boxes = node.matches(FORMULA) ? [node] : node.querySelectorAll(FORMULA);
        boxes.forEach(box => { markOverflow(box); resized.observe(box); });
      }
    }
  });

  window.bookSite = {markOverflow, markAll};
  added.observe(document.documentElement, {childList: true, subtree: true});
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
  else markAll();
})();
