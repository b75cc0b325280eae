/* Draw the book's Altair charts lazily, fitted to their column, in the page's light or dark theme.

   The build (book_ext/offline_vega.py) moves each chart's spec and data out of the page into a
   script of its own (_static/charts/<page>-<hash>.js, which calls bookCharts.define(id, spec,
   options)) and names it in the chart's div (data-chart), so a page carries no chart data.
   Altair output left inline calls the global vegaEmbed(div, spec, options) while the page is
   parsed; the page head defines a stand-in vegaEmbed that only queues the call. This deferred
   script

   * loads a chart's script and the three Vega bundles (about 800 KB, in order, once) when the
     chart comes near the viewport, and draws it only then (IntersectionObserver); classic
     script tags, so this works from file:// as well as from a server;
   * fits each chart to its column: a single or layered view takes the column width (Vega's
     fit-x), concatenated panels stack, faceted panels wrap, widths shrink, long titles and axis
     titles wrap, long labels of a discrete y axis and of legends wrap onto lines (measured, so
     none is cut short with an ellipsis), notes at a fixed x wrap at the plot's right edge,
     legends start at the chart's left edge, so that nothing is cut off at 320 px; whatever
     still does not fit scrolls with a visible cue (tests/test_site.py checks every chart's text
     against its box at 320 px, 390 px and on a desktop);
   * follows the theme's data-theme (light/dark): transparent background, light text and greys
     on dark, and redraws on a theme switch or a change of column width, keeping control values;
   * names each radio group after its label, hides dense mark layers from screen readers (the
     chart's description speaks for them) and marks overflowing formulas and tables.
*/
(() => {
  "use strict";
  const queue = window.bookCharts;
  if (!queue) return;
  const MIN_PANEL = 140;  // narrowest plot area worth drawing, px
  const DENSE = 24;  // a mark layer with more items than this is hidden from screen readers
  const charts = new Map();  // element -> {src or spec, options, view, width, theme}
  const defined = new Map();  // chart id -> {spec, options}, from the charts' own scripts
  let bundles = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(script);
    });
  }

  function loadBundles() {
    if (!bundles) {
      bundles = queue.bundles.reduce((done, src) => done.then(() => loadScript(src)), Promise.resolve())
        .then(() => window.vegaEmbed);
    }
    return bundles;
  }

  const theme = () => (document.documentElement.dataset.theme === "dark" ? "dark" : "light");
  const clone = value => JSON.parse(JSON.stringify(value));

  function luminance(color) {
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
    if (!hex) return color === "black" ? 0 : null;
    const digits = hex[1].length === 3 ? hex[1].replace(/./g, c => c + c) : hex[1];
    const [r, g, b] = [0, 2, 4].map(i => parseInt(digits.slice(i, i + 2), 16) / 255);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  // Dark colours written into a spec (black lines, grey notes) would vanish on a dark page.
  function lightenDarkColours(node) {
    if (Array.isArray(node)) { node.forEach(lightenDarkColours); return; }
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "datasets" || key === "data") continue;
      if (typeof value === "string" && /^(color|fill|stroke)$/.test(key)) {
        const l = luminance(value);
        if (l !== null && l < 0.35) node[key] = l < 0.1 ? "#e6e6e6" : "#b4b4b4";
      } else if (key === "range" && value && Array.isArray(value.category)) {
        value.category = value.category.map(c => (luminance(c) !== null && luminance(c) < 0.1 ? "#e6e6e6" : c));
      } else {
        lightenDarkColours(value);
      }
    }
  }

  const DARK = {
    text: "#e6e6e6", muted: "#b4b4b4", grid: "#3d4148", domain: "#8a8f98",
  };

  function themed(spec, mode) {
    const config = spec.config || (spec.config = {});
    const merge = (key, values) => { config[key] = Object.assign({}, values, config[key] || {}); };
    config.background = "transparent";
    // Vega-Lite's defaults for facet headers and text marks are 10-11 px; the book's floor is 11.
    merge("header", {labelFontSize: 12, titleFontSize: 12});
    // Tick labels closer than this are thinned out: "10" just touching "20" would read "1020".
    merge("axis", {labelSeparation: 4});
    if (mode === "dark") {
      lightenDarkColours(spec);
      const force = (key, values) => { config[key] = Object.assign({}, config[key] || {}, values); };
      force("axis", {labelColor: DARK.text, titleColor: DARK.text, gridColor: DARK.grid,
        domainColor: DARK.domain, tickColor: DARK.domain});
      force("legend", {labelColor: DARK.text, titleColor: DARK.text});
      force("title", {color: DARK.text, subtitleColor: DARK.muted});
      force("header", {labelColor: DARK.text, titleColor: DARK.text});
      force("text", {color: DARK.text});
      force("rule", {color: DARK.muted});
      force("view", {stroke: null});
      if (!config.mark || !config.mark.color) force("mark", {color: "#7cc4f4"});
    }
    return spec;
  }

  // Concatenated/faceted views: parts of a spec that hold views of their own.
  const VIEW_KEYS = ["layer", "hconcat", "vconcat", "concat", "spec"];

  function forEachView(spec, visit) {
    visit(spec);
    for (const key of VIEW_KEYS) {
      const inner = spec[key];
      if (Array.isArray(inner)) inner.forEach(v => forEachView(v, visit));
      else if (inner && typeof inner === "object") forEachView(inner, visit);
    }
  }

  function wrapText(text, chars) {
    if (typeof text !== "string" || text.length <= chars) return text;
    const lines = [];
    let line = "";
    for (const word of text.split(" ")) {
      if (line && (line + " " + word).length > chars) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    }
    return lines.concat(line ? [line] : []);
  }

  function wrapTitles(spec, width) {
    forEachView(spec, view => {
      if (!view.title) return;
      const title = typeof view.title === "string" ? {text: view.title} : view.title;
      const size = title.fontSize || 15;
      // Average glyph widths of the bold title and the plain subtitle, in font sizes.
      title.text = wrapText(title.text, Math.max(12, Math.floor(width / (size * 0.62))));
      if (title.subtitle) title.subtitle = wrapText(title.subtitle, Math.max(12, Math.floor(width / ((title.subtitleFontSize || 12) * 0.58))));
      view.title = title;
    });
  }

  const isSingle = spec => !VIEW_KEYS.slice(1).some(key => key in spec) && !spec.facet && !spec.repeat;

  // One step towards fitting `excess` px more into the column; false when nothing is left to try.
  function narrower(spec, excess) {
    if (spec.hconcat) {
      spec.vconcat = spec.hconcat;
      delete spec.hconcat;
      return true;
    }
    if (spec.facet && spec.facet.column && !spec.facet.row) {
      spec.facet = spec.facet.column;
      spec.columns = 1;
      return true;
    }
    let changed = false;
    forEachView(spec, view => {
      if (typeof view.width === "number" && view.width > MIN_PANEL) {
        view.width = Math.max(MIN_PANEL, Math.floor(view.width - excess));
        changed = true;
      }
    });
    return changed;
  }

  // Width the drawing needs: the svg's, or more where marks (end labels, notes) run past it.
  function drawnWidth(element) {
    const svg = element.querySelector("svg.marks, canvas.marks");
    if (!svg) return 0;
    let width = svg.getBoundingClientRect().width;
    if (svg.getBBox) {
      const box = svg.getBBox();
      width = Math.max(width, box.x + box.width);
    }
    return width;
  }

  // On a narrow column, legends list their entries one under another instead of in a long row, and
  // (see legendsFromEdge) start at the chart's left edge, so a label may take the column's width.
  const LEGEND_INDENT = 40;  // a legend entry's symbol and padding, px
  function stackLegends(spec, column) {
    const config = spec.config || (spec.config = {});
    const limit = column - LEGEND_INDENT;
    config.legend = Object.assign({}, config.legend, {columns: 1, labelLimit: limit});
    forEachView(spec, view => {
      for (const channel of Object.values(view.encoding || {})) {
        if (channel && typeof channel === "object" && channel.legend && typeof channel.legend === "object") {
          channel.legend.columns = 1;
          if (channel.legend.orient === "right" || channel.legend.orient === "left") channel.legend.orient = "bottom";
          if (!(channel.legend.labelLimit <= limit)) channel.legend.labelLimit = limit;
        }
      }
    });
  }

  // On a narrow column, long legend labels wrap onto lines as wide as the column leaves them (see
  // wrapAxisLabels) instead of being cut short with an ellipsis. The labels are the channel's scale
  // domain or sort order when the spec gives one, else its field's values in the view's data.
  function wrapLegendLabels(spec, column) {
    const config = spec.config || {};
    const legend = config.legend || {};
    const size = legend.labelFontSize || 10;
    const measure = text => textWidth(text, size, legend.labelFont || config.font || "sans-serif", legend.labelFontWeight);
    const limit = column - LEGEND_INDENT;
    walkViews(spec, (view, chain) => {
      for (const channel of Object.values(view.encoding || {})) {
        if (!channel || typeof channel !== "object" || !channel.field || channel.legend === null) continue;
        if (!/^(nominal|ordinal)$/.test(channel.type)) continue;
        const own = channel.legend || {};
        if (own.labelExpr) continue;
        const domain = channel.scale && Array.isArray(channel.scale.domain) ? channel.scale.domain.map(String) : null;
        const values = domain || discreteValues(spec, chain, channel);
        const wrapped = {};
        for (const value of values) {
          if (measure(value) > limit) wrapped[value] = wrapWidth(value, limit, measure);
        }
        if (!Object.keys(wrapped).length) continue;
        channel.legend = Object.assign({}, own, {
          labelExpr: `${JSON.stringify(wrapped)}[datum.label] || datum.label`,
          labelLineHeight: size + 2,
        });
      }
    });
  }

  // Text marks placed at a fixed x (notes, captions) wrap onto lines that end at the plot's right
  // edge, measured when drawn: the note's text is often computed from the data, and the plot's
  // width is known only once Vega has fitted the chart to its column.
  function wrapNotes(vgSpec) {
    const config = vgSpec.config || {};
    const fixed = (encode, key) => {
      for (const set of [encode.update, encode.enter]) {
        const entry = set && set[key];
        if (entry && typeof entry === "object" && !Array.isArray(entry) && "value" in entry) return entry.value;
      }
      return undefined;
    };
    const visit = marks => (marks || []).forEach(mark => {
      if (mark.type === "group") visit(mark.marks);
      const encode = mark.encode;
      if (mark.type !== "text" || !encode || !encode.update) return;
      const text = encode.update.text;
      const x = fixed(encode, "x");
      if (typeof x !== "number" || !text || Array.isArray(text) || !("signal" in text || "field" in text)) return;
      const expression = "signal" in text ? `(${text.signal})` : `datum[${JSON.stringify(text.field)}]`;
      const textConfig = Object.assign({}, config.mark, config.text);
      const font = fixed(encode, "font") || textConfig.font || "sans-serif";
      const size = fixed(encode, "fontSize") || textConfig.fontSize || 11;
      const weight = fixed(encode, "fontWeight") || textConfig.fontWeight || "normal";
      const lineBreak = fixed(encode, "lineBreak") || textConfig.lineBreak || "";
      const room = `width - ${x + (fixed(encode, "dx") || 0)}`;
      const wrapped = `bookWrapNote(${expression}, ${room}, ${JSON.stringify([size, font, weight, lineBreak])})`;
      encode.update.text = {signal: wrapped};
      // Vega draws the lines of any text downwards from its y: a note that sits above its anchor (a
      // label over a line) grows upwards when it wraps, one centred on it grows both ways.
      const baseline = fixed(encode, "baseline") || textConfig.baseline || "alphabetic";
      const dy = fixed(encode, "dy") || 0;
      const share = /top$/.test(baseline) ? 0 : dy < 0 || /bottom|alphabetic/.test(baseline) ? 1 : 0.5;
      if (share) {
        const lineHeight = fixed(encode, "lineHeight") || textConfig.lineHeight || size + 2;
        encode.update.dy = {signal: `${dy} - (isArray(${wrapped}) ? (length(${wrapped}) - 1) * ${lineHeight * share} : 0)`};
      }
    });
    visit(vgSpec.marks);
    return vgSpec;
  }

  function registerNoteWrapper(vega) {
    if (!vega || registerNoteWrapper.done) return;
    registerNoteWrapper.done = true;
    vega.expressionFunction("bookWrapNote", (text, room, [size, font, weight, lineBreak]) => {
      if (typeof text !== "string" || !(room > 0)) return text;
      const measure = line => textWidth(line, size, font, weight);
      const lines = lineBreak ? text.split(lineBreak) : [text];
      if (lines.every(line => measure(line) <= room)) return text;
      return lines.flatMap(line => (measure(line) <= room ? [line] : wrapWidth(line, room, measure)));
    });
  }

  // Vega (not Vega-Lite) configuration: bottom legends are laid out from the left edge of the whole
  // chart (y labels included) rather than the plot's, one under another.
  function legendsFromEdge(vgSpec) {
    const config = vgSpec.config || (vgSpec.config = {});
    config.legend = Object.assign({}, config.legend);
    config.legend.layout = Object.assign({}, config.legend.layout,
      {bottom: {anchor: "start", frame: "bounds", direction: "vertical", margin: 8}});
    return vgSpec;
  }

  // Text widths as the browser draws them, for wrapping labels and titles before Vega lays them out.
  const measurer = document.createElement("canvas").getContext("2d");
  function textWidth(text, size, font, weight) {
    measurer.font = `${weight || "normal"} ${size}px ${font}`;
    return measurer.measureText(text).width;
  }

  // `text` in lines no wider than `limit` px, broken after a comma where the clauses fit, else
  // between words (a word wider than the limit gets a line of its own).
  function wrapWidth(text, limit, measure) {
    const pack = (pieces, lines) => {
      let line = "";
      for (const piece of pieces) {
        const next = line ? `${line} ${piece}` : piece;
        if (line && measure(next) > limit) { lines.push(line); line = piece; }
        else line = next;
      }
      return line ? lines.concat([line]) : lines;
    };
    const clauses = String(text).split(/(?<=,) /);
    if (clauses.every(clause => measure(clause) <= limit)) return pack(clauses, []);
    return pack(String(text).split(" "), []);
  }

  // A view's own height, or that of the nearest enclosing view that sets one (a layer's).
  function heightOwner(chain) {
    for (let i = chain.length - 1; i >= 0; i--) if (typeof chain[i].height === "number") return chain[i];
    return null;
  }

  function walkViews(spec, visit, chain = []) {
    const here = chain.concat([spec]);
    visit(spec, here);
    for (const key of VIEW_KEYS) {
      const inner = spec[key];
      if (Array.isArray(inner)) inner.forEach(v => walkViews(v, visit, here));
      else if (inner && typeof inner === "object") walkViews(inner, visit, here);
    }
  }

  // The values a discrete y channel labels: its explicit sort order, else its field in the view's data.
  function discreteValues(spec, chain, channel) {
    if (Array.isArray(channel.sort)) return channel.sort.map(String);
    for (let i = chain.length - 1; i >= 0; i--) {
      const data = chain[i].data;
      if (!data) continue;
      const rows = data.values || (data.name && spec.datasets && spec.datasets[data.name]);
      if (!Array.isArray(rows)) return [];
      return [...new Set(rows.map(row => row && row[channel.field]).filter(v => v != null).map(String))];
    }
    return [];
  }

  // Long labels of a discrete y axis wrap onto lines that fit its label width (the spec's labelLimit,
  // and on a narrow column at most 45% of it) instead of being cut short with an
  // ellipsis or squeezing the plot to nothing; a fixed height grows so wrapped labels keep apart.
  function wrapAxisLabels(spec, column) {
    const config = spec.config || {};
    const axis = Object.assign({}, config.axis, config.axisY);
    const font = axis.labelFont || config.font || "sans-serif";
    const size = axis.labelFontSize || 10;
    const measure = text => textWidth(text, size, font, axis.labelFontWeight);
    walkViews(spec, (view, chain) => {
      const channel = view.encoding && view.encoding.y;
      if (!channel || !channel.field || !/^(nominal|ordinal)$/.test(channel.type) || channel.axis === null) return;
      const own = channel.axis || {};
      if (own.labelExpr || own.labelAngle) return;
      let limit = own.labelLimit || axis.labelLimit || 180;
      if (column < 600) limit = Math.min(limit, Math.max(90, Math.floor(column * 0.45)));
      const values = discreteValues(spec, chain, channel);
      const wrapped = {};
      let lines = 1;
      let widest = 0;
      for (const value of values) {
        const parts = measure(value) > limit ? wrapWidth(value, limit, measure) : [value];
        if (parts.length > 1) wrapped[value] = parts;
        lines = Math.max(lines, parts.length);
        widest = Math.max(widest, ...parts.map(measure));
      }
      if (lines === 1) return;
      channel.axis = Object.assign({}, own, {
        labelExpr: `${JSON.stringify(wrapped)}[datum.label] || datum.label`,
        labelLimit: Math.ceil(widest) + 2,
        labelLineHeight: size + 2,
      });
      const owner = heightOwner(chain);
      const need = values.length * (lines * (size + 2) + 4);
      if (owner && owner.height < need) owner.height = need;
    });
  }

  // On a narrow column, axis titles longer than the room they have wrap onto lines: an x title
  // (anchored at the plot's right end) has the column, a y title the plot's height.
  function wrapAxisTitles(spec, column) {
    const config = spec.config || {};
    walkViews(spec, (view, chain) => {
      for (const name of ["x", "y"]) {
        const channel = view.encoding && view.encoding[name];
        if (!channel || typeof channel !== "object" || channel.axis === null) continue;
        const axis = Object.assign({}, config.axis, name === "x" ? config.axisX : config.axisY, channel.axis || {});
        const key = channel.axis && typeof channel.axis.title === "string" ? "axis" : "channel";
        const title = key === "axis" ? channel.axis.title : channel.title;
        if (typeof title !== "string") continue;
        const owner = name === "y" ? heightOwner(chain) : null;
        const limit = name === "x" ? column - 24 : owner ? owner.height - 8 : Infinity;
        const measure = text => textWidth(text, axis.titleFontSize || 11, axis.titleFont || config.font || "sans-serif",
          axis.titleFontWeight || "bold");
        if (measure(title) <= limit) continue;
        const lines = wrapWidth(title, limit, measure);
        if (key === "axis") channel.axis.title = lines; else channel.title = lines;
      }
    });
  }

  function bindValues(record) {
    const values = {};
    if (!record.view) return values;
    for (const param of record.spec.params || []) {
      if (param.bind) {
        try { values[param.name] = record.view.signal(param.name); } catch (e) { /* not a signal */ }
      }
    }
    return values;
  }

  function label(element) {
    element.querySelectorAll(".vega-bind").forEach((bind, index) => {
      const name = bind.querySelector(".vega-bind-name");
      if (name && !name.id) name.id = `${element.id}-control-${index}`;
      if (bind.querySelector("input[type=radio]")) {
        bind.setAttribute("role", "radiogroup");
        if (name) bind.setAttribute("aria-labelledby", name.id);
      }
    });
    // Dense layers, and layers whose items Vega left unnamed, are hidden from screen readers:
    // the chart's description speaks for them.
    element.querySelectorAll("svg.marks g.role-mark").forEach(layer => {
      const items = layer.querySelectorAll(":scope > [role]");
      const unnamed = [...items, layer].some(item => item.getAttribute("role") === "graphics-symbol"
        && !item.getAttribute("aria-label"));
      if (items.length > DENSE || unnamed) layer.setAttribute("aria-hidden", "true");
    });
    if (window.bookSite) window.bookSite.markOverflow(element);
  }

  // A chart's spec, from its script when the page names one (loaded once, when first needed).
  function loadSpec(element, record) {
    if (record.spec) return Promise.resolve();
    if (!record.loading) {
      record.loading = loadScript(record.src).then(() => {
        const found = defined.get(element.id);
        if (!found) throw new Error(`${record.src} did not define chart ${element.id}`);
        Object.assign(record, found);
      });
      record.loading.catch(() => { record.loading = null; });  // a later scroll tries again
    }
    return record.loading;
  }

  function showError(element, error) {
    console.error(error);
    const box = document.createElement("div");
    box.className = "error";
    box.setAttribute("role", "alert");
    box.textContent = `This chart could not be drawn: ${error.message || error}`;
    element.replaceChildren(box);
  }

  async function draw(element) {
    const record = charts.get(element);
    const [embed] = await Promise.all([loadBundles(), loadSpec(element, record)]);
    const column = Math.floor(element.parentElement.getBoundingClientRect().width) || 320;
    const mode = theme();
    const values = bindValues(record);
    let spec = clone(record.spec);
    for (const param of spec.params || []) if (param.name in values) param.value = values[param.name];
    themed(spec, mode);
    wrapAxisLabels(spec, column);
    if (column < 600) {
      wrapTitles(spec, column - 8);
      wrapAxisTitles(spec, column);
      stackLegends(spec, column);
      wrapLegendLabels(spec, column);
      // An x-axis title ends at the plot's right edge and grows left, over the y labels' space.
      spec.config.axisX = Object.assign({titleAnchor: "end"}, spec.config.axisX);
    }
    if (isSingle(spec) && typeof spec.width === "number" && spec.width + 80 > column) {
      spec.width = column;
      spec.autosize = {type: "fit-x", contains: "padding"};
    }
    const options = Object.assign({}, record.options, {renderer: "svg", actions: false});
    if (column < 600) {
      registerNoteWrapper(window.vega);
      const patch = options.patch;
      options.patch = vgSpec => wrapNotes(legendsFromEdge(typeof patch === "function" ? patch(vgSpec) : vgSpec));
    }
    let result = null;
    let excess = Infinity;
    let before = null;  // the spec drawn before the last narrowing step
    for (let attempt = 0; attempt < 6; attempt++) {
      if (result) result.finalize();
      result = await embed(element, spec, options);
      const now = drawnWidth(element) - column;
      if (before && now > 0 && now >= excess - 0.5) {  // that step did not help (a note longer than any width): undo it
        spec = before;
        result.finalize();
        result = await embed(element, spec, options);
        break;
      }
      excess = now;
      before = clone(spec);
      if (excess <= 0 || !narrower(spec, excess)) break;
    }
    // Notes wrap once Vega knows the plot's width (wrapNotes): lay the chart out again around them.
    if (column < 600) await result.view.resize().runAsync();
    Object.assign(record, {view: result.view, result, width: column, theme: mode});
    label(element);
    return result;
  }

  const observer = new IntersectionObserver(entries => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      const record = charts.get(entry.target);
      draw(entry.target).then(record.resolve, error => { console.error(error); record.reject(error); });
    }
  }, {rootMargin: "300px 0px"});

  function schedule(call) {
    const [element, spec, options, resolve, reject] = call;
    charts.set(element, {spec, options, resolve, reject});
    observer.observe(element);
  }

  // A chart whose spec lives in its own script: an error is shown in its place.
  function scheduleFile(element) {
    if (charts.has(element)) return;
    charts.set(element, {src: element.dataset.chart, resolve: () => {}, reject: error => showError(element, error)});
    observer.observe(element);
  }
  queue.define = (id, spec, options) => defined.set(id, {spec, options: options || {}});

  // Redraw drawn charts when the theme or their column width changes.
  function redrawChanged() {
    for (const [element, record] of charts) {
      if (!record.view) continue;
      const column = Math.floor(element.parentElement.getBoundingClientRect().width);
      if (record.theme !== theme() || Math.abs(column - record.width) > 4) draw(element).catch(console.error);
    }
  }
  let pending = null;
  const later = () => { clearTimeout(pending); pending = setTimeout(redrawChanged, 150); };
  new MutationObserver(later).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});
  window.addEventListener("resize", later);

  queue.calls.forEach(schedule);
  queue.calls = {push: schedule};
  document.querySelectorAll("div[data-chart]").forEach(scheduleFile);
  // Draw a chart now, whether or not it is near the viewport (the browser test, the print edition),
  // settling the promise its vegaEmbed call returned as a scrolled-to chart does.
  window.bookCharts.draw = element => {
    observer.unobserve(element);
    const record = charts.get(element);
    const drawn = draw(element);
    if (record) drawn.then(record.resolve, record.reject);
    return drawn;
  };
})();
