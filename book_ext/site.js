/* Every page: formulas, tables, code and outputs that are wider than the column scroll, and say so.

   An element that overflows gets the class `scrolls-x` (site.css draws a shadow at an edge that
   can still scroll) and becomes a named, focusable region, so a keyboard can scroll it too (this
   replaces the theme's own load-time scan, which book_ext/offline_vega.py removes: it laid the
   whole page out once per code block). Nothing far from the screen is measured at load: an
   IntersectionObserver hands the elements of each of the chapter's sections to a ResizeObserver
   as the section comes within a screen of the viewport, which measures them then and on every
   later size change, in one batch of reads followed by one batch of writes; an element inside a
   block that content-visibility skips is measured when that block is rendered. Formulas are
   typeset when the site is built.
*/
(() => {
  "use strict";
  const WIDE = "div.math, .pst-scrollable-table-container, .table-wrapper, div.cell_output .output, pre";
  const KINDS = [["MJX-CONTAINER", "formula"], ["PRE", "code"], ["TABLE", "table"]];

  // The theme makes a display formula's own box (MathJax's mjx-container) the one that scrolls.
  // A formula's typeset width is that of its mjx-math child, which grows as fonts and styles apply.
  function target(element) {
    if (element.tagName === "MJX-MATH") return element.closest("mjx-container") || element;
    return (element.matches("div.math") && element.querySelector("mjx-container")) || element;
  }

  function kind(element) {
    for (const [tag, name] of KINDS) if (element.tagName === tag || element.querySelector(`:scope > ${tag.toLowerCase()}`)) return name;
    return element.matches(".pst-scrollable-table-container, .table-wrapper") ? "table" : "output";
  }

  function mark(element, scrollsX, scrollsY) {
    // A code block keeps its own background (the cue is drawn with the page's); it still scrolls.
    if (element.tagName !== "PRE") element.classList.toggle("scrolls-x", scrollsX);
    if ((scrollsX || scrollsY) && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "0");
      if (!element.hasAttribute("role")) element.setAttribute("role", "region");
      if (!element.hasAttribute("aria-label")) {
        element.setAttribute("aria-label", `${kind(element)}, scrolls ${scrollsX ? "sideways" : "down"}`);
      }
    }
  }

  // Inside a block that content-visibility skips (site.css) nothing is laid out, so an element
  // there measures as fitting: leave it until the block is rendered (the event below).
  const skipped = element => element.checkVisibility && !element.checkVisibility({contentVisibilityAuto: true});

  function markOverflow(...elements) {
    const measured = elements.map(target).filter(element => !skipped(element)).map(element => [element,
      element.scrollWidth > element.clientWidth + 1, element.scrollHeight > element.clientHeight + 1]);
    measured.forEach(([element, scrollsX, scrollsY]) => mark(element, scrollsX, scrollsY));
  }

  const resized = new ResizeObserver(entries => markOverflow(...entries.map(entry => entry.target)));
  function observe(element) {
    if (element.tagName === "MJX-CONTAINER") {
      resized.observe(element);
      const glyphs = element.querySelector(":scope > mjx-math");
      if (glyphs) resized.observe(glyphs);
    } else {
      resized.observe(element);
    }
  }
  // A section, not each element: an element in a collapsed solution is clipped out of sight,
  // yet takes room that the reader's opening it shows.
  const SECTION = ".bd-article > section > section";
  const near = new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      near.unobserve(entry.target);
      entry.target.querySelectorAll(`${WIDE}, mjx-container`).forEach(observe);
    }
  }, {rootMargin: "100% 0px"});

  function markAll() {
    document.querySelectorAll(`${WIDE}, mjx-container`).forEach(element => {
      if (!element.closest(SECTION)) observe(element);
    });
    document.querySelectorAll(SECTION).forEach(section => near.observe(section));
  }

  // A formula or table in a closed dropdown (a solution) is measured when a reader opens it.
  document.addEventListener("toggle", event => {
    if (event.target.open) markOverflow(...event.target.querySelectorAll(`${WIDE}, mjx-container`));
  }, true);

  // A skipped block keeps its size when it is rendered (contain-intrinsic-size: auto), so no resize
  // reports it: measure its wide elements when it is.
  document.addEventListener("contentvisibilityautostatechange", event => {
    if (event.skipped) return;
    const block = event.target;
    markOverflow(...(block.matches(`${WIDE}, mjx-container`) ? [block] : []),
      ...block.querySelectorAll(`${WIDE}, mjx-container`));
  }, true);

  window.bookSite = {markOverflow, markAll};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
  else markAll();
})();
