// Typeset every formula of the built pages once, at build time, with MathJax's own TeX and
// CommonHTML code (npm mathjax-full, the version of the site's mathjax): a reader's browser then
// downloads and runs no MathJax, and formulas are drawn with the first paint.
//
// Usage: node prerender_math.js PAGE.html FONT_URL [PAGE.html FONT_URL ...]
// Each page is rewritten in place: the TeX inside Sphinx's math spans and divs becomes
// MathJax's CommonHTML, with a hidden MathML copy for screen readers (as MathJax's assistive-mml
// extension makes in the browser), and the page's head gets the stylesheet for the glyphs used.
// FONT_URL is the MathJax woff-v2 font folder relative to that page.
'use strict';
const fs = require('fs');
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {CHTML} = require('mathjax-full/js/output/chtml.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');
const {SerializedMmlVisitor} = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');

const MATH = /<(span|div) class="math notranslate nohighlight">\s*\\([[(])([\s\S]*?)\\([\])])\s*<\/\1>/g;
const ENTITIES = {amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: '\u00a0'};
const unescape = text => text.replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_, name) => ENTITIES[name]);

const SCALE = 1.273;
const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const packages = AllPackages.filter(name => !['bussproofs', 'autoload', 'require'].includes(name));

function typesetPage(path, fontURL) {
  // A TeX error fails the build instead of printing red text on the page.
  const tex = new TeX({packages, formatError: (jax, error) => { throw new Error(`${path}: ${error.message}`); }});
  // The browser's MathJax scales formulas to the x-height of the page's text (127% with the
  // theme's fonts, measured in Chromium); without a browser to measure, the same scale is set.
  const chtml = new CHTML({fontURL, adaptiveCSS: true, scale: SCALE});
  const doc = mathjax.document('', {InputJax: tex, OutputJax: chtml});
  const visitor = new SerializedMmlVisitor();
  const page = fs.readFileSync(path, 'utf8');
  let count = 0;
  const body = page.replace(MATH, (whole, tag, open, source, close) => {
    const display = open === '[';
    const text = unescape(source);
    const mml = visitor.visitTree(doc.convert(text, {display, end: STATE.COMPILED}));
    const node = doc.convert(text, {display});
    const math = adaptor.firstChild(node);
    adaptor.setAttribute(math, 'aria-hidden', 'true');
    const assistive = `<mjx-assistive-mml unselectable="on" display="${display ? 'block' : 'inline'}">${mml}</mjx-assistive-mml>`;
    const container = adaptor.outerHTML(node).replace(/<\/mjx-container>$/, assistive + '</mjx-container>');
    count += 1;
    return `<${tag} class="math notranslate nohighlight">${container}</${tag}>`;
  });
  if (!count) return 0;
  const css = adaptor.textContent(chtml.styleSheet(doc))
    + '\nmjx-assistive-mml { position: absolute !important; top: 0; left: 0; clip: rect(1px, 1px, 1px, 1px);'
    + ' padding: 1px 0 0 0 !important; border: 0 !important; display: block !important; width: auto !important;'
    + ' overflow: hidden !important; user-select: none; }'
    + '\nmjx-assistive-mml[display="block"] { width: 100% !important; }'
    + '\nmjx-container[jax="CHTML"] { position: relative; }';
  fs.writeFileSync(path, body.replace('</head>', `<style id="MJX-CHTML-styles">\n${css}\n</style>\n</head>`));
  return count;
}

const args = process.argv.slice(2);
if (!args.length || args.length % 2) {
  console.error('usage: node prerender_math.js PAGE.html FONT_URL [PAGE.html FONT_URL ...]');
  process.exit(2);
}
for (let i = 0; i < args.length; i += 2) {
  const count = typesetPage(args[i], args[i + 1]);
  if (count) console.log(`${args[i]}: ${count} formulas`);
}
