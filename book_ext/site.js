/* Every page: formulas and tables that are wider than the column scroll, and say so.

   An element that overflows gets the class `scrolls-x` (site.css draws a fade at the edge that
   can still scroll) and becomes a named, focusable region, so a keyboard can scroll it too.
*/
(() => {
  "use strict";
  const WIDE = "mjx-container[display='true'], .pst-scrollable-table-container, .table-wrapper, div.math, div.cell_output .output";

  function markOverflow(element) {
    const scrolls = element.scrollWidth > element.clientWidth + 1;
    element.classList.toggle("scrolls-x", scrolls);
    if (scrolls && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "0");
      if (!element.hasAttribute("role")) element.setAttribute("role", "region");
      if (!element.hasAttribute("aria-label")) {
        element.setAttribute("aria-label", element.matches("mjx-container, div.math") ? "formula, scrolls sideways" : "table, scrolls sideways");
      }
    }
  }

  function markAll() {
    document.querySelectorAll(WIDE).forEach(markOverflow);
  }

  window.bookSite = {markOverflow, markAll};
  window.addEventListener("load", () => {
    markAll();
    // MathJax typesets after load; mark the formulas once it has.
    const mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) mathjax.startup.promise.then(markAll);
  });
  let pending = null;
  window.addEventListener("resize", () => { clearTimeout(pending); pending = setTimeout(markAll, 200); });
})();
