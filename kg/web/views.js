// The workbench's result views: a SELECT answer drawn as a graph (vis-network), a timeline
// (vis-timeline) or a map (the offline Natural Earth basemap of `kg viz map`) when its
// variables allow, as Wikidata Query Service's result views do. The libraries and the basemap
// come from the server that served the page, loaded the first time a view needs them; every
// label is written as text (DOM textContent, canvas text), never parsed as HTML.
"use strict";

(function () {
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const WKT = "http://www.opengis.net/ont/geosparql#wktLiteral";
  const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
  const TIMES = new Set(["date", "dateTime", "dateTimeStamp", "gYear", "gYearMonth"].map((t) => XSD + t));
  const VIEWS = ["table", "graph", "timeline", "map"];
  const MAX_EDGES = 3000;  // a graph view draws at most this many edges (the table has them all)
  const MAX_ITEMS = 5000;  // and a timeline or map at most this many rows
  const NUMBER = "[+-]?\\d{1,3}(?:\\.\\d{1,15})?";
  const POINT = new RegExp("^\\s*(?:<([^<>\\s]{1,200})>\\s*)?POINT\\s*\\(\\s*(" + NUMBER +
                           ")\\s+(" + NUMBER + ")\\s*\\)\\s*$", "i");
  const DATE = /^(-?\d{4,})(?:-(\d\d))?(?:-(\d\d))?(?:T(\d\d):(\d\d):(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)?$/;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svgEl(tag, attrs, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // --- what the page loads once, from its own server -----------------------------------------
  const loaded = {};
  function script(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise((resolve, reject) => {
        const node = el("script", { src: src });
        node.addEventListener("load", resolve);
        node.addEventListener("error", () => reject(new Error("cannot load " + src)));
        document.head.append(node);
      });
    }
    return loaded[src];
  }
  function style(href) {
    if (!loaded[href]) {
      loaded[href] = new Promise((resolve) => {
        const node = el("link", { rel: "stylesheet", href: href });
        node.addEventListener("load", resolve);
        node.addEventListener("error", resolve);  // a view without its stylesheet still draws
        document.head.append(node);
      });
    }
    return loaded[href];
  }
  let basemap = null;
  function getBasemap() {
    if (!basemap) {
      basemap = fetch("/static/basemap.json").then((r) => {
        if (!r.ok) throw new Error("cannot load the basemap");
        return r.json();
      });
    }
    return basemap;
  }

  // --- which views a query asks for and its answer allows ------------------------------------

  // `#defaultView:Graph` (Wikidata Query Service's comment) anywhere in the query, as a comment.
  function defaultView(text) {
    const found = /(?:^|\s)#\s*defaultView\s*:\s*([A-Za-z]+)/m.exec(String(text || ""));
    if (!found) return null;
    const name = found[1].toLowerCase();
    return VIEWS.includes(name) ? name : null;
  }

  function isNode(cell) { return cell !== null && (cell.type === "uri" || cell.type === "bnode"); }
  function isTime(cell) { return cell !== null && cell.type === "literal" && TIMES.has(cell.datatypeIri); }
  function shown(cell) {
    if (cell === null) return "";
    return cell.label || cell.short || cell.value;
  }
  function column(doc, ...names) {
    for (const name of names) {
      const at = doc.vars.indexOf(name);
      if (at >= 0) return at;
    }
    return -1;
  }
  // The columns every bound value of which passes `test` (and that have one at least).
  function columnsWhere(doc, test) {
    return doc.vars.map((v, i) => i).filter((i) => {
      let any = false;
      for (const row of doc.rows) {
        if (row[i] === null) continue;
        if (!test(row[i])) return false;
        any = true;
      }
      return any;
    });
  }
  // The label of a row's thing: ?label, else the first IRI column's label, else `fallback`.
  function rowLabel(doc, row, skip) {
    const at = column(doc, "label", "itemLabel");
    if (at >= 0 && row[at] !== null) return row[at].value;
    for (let i = 0; i < row.length; i++) {
      if (!skip.includes(i) && isNode(row[i])) return shown(row[i]);
    }
    for (let i = 0; i < row.length; i++) {
      if (!skip.includes(i) && row[i] !== null && row[i].type === "literal") return row[i].value;
    }
    return "";
  }

  function graphPlan(doc) {
    const pairs = [["source", "target"], ["s", "o"], ["subject", "object"], ["from", "to"]];
    let from = -1, to = -1;
    for (const [a, b] of pairs) {
      const i = doc.vars.indexOf(a), j = doc.vars.indexOf(b);
      if (i >= 0 && j >= 0 && doc.rows.some((r) => isNode(r[i]) && isNode(r[j]))) { from = i; to = j; break; }
    }
    if (from < 0) {
      const nodes = columnsWhere(doc, isNode);
      if (nodes.length < 2) return { why: "a graph needs two columns of IRIs (?source ?target, or ?s ?o)" };
      [from, to] = nodes;
    }
    const edgeAt = column(doc, "edgeLabel");
    const predAt = column(doc, "p", "predicate", "property");
    const labelOf = (i, extra) => column(doc, doc.vars[i] + "Label", ...extra);
    return { from: from, to: to, edge: edgeAt >= 0 ? edgeAt : predAt,
             fromLabel: labelOf(from, ["label"]), toLabel: labelOf(to, []) };
  }

  // A time literal as [start, end) in milliseconds: a year or a month is the span it names.
  function span(cell) {
    const m = DATE.exec(cell.value);
    if (!m) return null;
    const year = Number(m[1]), month = m[2] ? Number(m[2]) - 1 : 0, day = m[3] ? Number(m[3]) : 1;
    const at = (y, mo, d) => { const t = new Date(Date.UTC(2000, mo, d)); t.setUTCFullYear(y); return t.getTime(); };
    const kind = cell.datatypeIri.slice(XSD.length);
    if (kind === "gYear") return [at(year, 0, 1), at(year + 1, 0, 1)];
    if (kind === "gYearMonth") return [at(year, month, 1), at(year, month + 1, 1)];
    if (kind === "date") return [at(year, month, day), at(year, month, day + 1)];
    const parsed = Date.parse(cell.value);
    return Number.isNaN(parsed) ? null : [parsed, null];
  }

  function timelinePlan(doc) {
    let start = column(doc, "time", "start", "date");
    if (start >= 0 && !doc.rows.some((r) => isTime(r[start]))) start = -1;
    if (start < 0) {
      const times = columnsWhere(doc, isTime);
      if (!times.length) return { why: "a timeline needs a column of xsd:date, xsd:dateTime or xsd:gYear values (?time, or ?start ?end)" };
      start = times[0];
    }
    const end = column(doc, "end");
    return { start: start, end: end >= 0 && end !== start ? end : -1 };
  }

  function point(cell) {
    if (cell === null || cell.type !== "literal" || cell.value.length > 400) return null;
    const m = POINT.exec(cell.value);
    if (!m || (m[1] && m[1] !== CRS84)) return null;
    const lon = Number(m[2]), lat = Number(m[3]);
    return Math.abs(lon) <= 180 && Math.abs(lat) <= 90 ? [lon, lat] : null;
  }
  function number(cell) {
    if (cell === null || cell.type !== "literal") return null;
    const n = Number(cell.value);
    return cell.value.trim() !== "" && Number.isFinite(n) ? n : null;
  }

  function mapPlan(doc) {
    const wkts = columnsWhere(doc, (c) => c.type === "literal" && c.datatypeIri === WKT);
    if (wkts.length && doc.rows.some((r) => point(r[wkts[0]]))) return { wkt: wkts[0] };
    const lat = column(doc, "lat", "latitude"), lon = column(doc, "lon", "long", "lng", "longitude");
    if (lat >= 0 && lon >= 0 && doc.rows.some((r) => number(r[lat]) !== null && number(r[lon]) !== null)) {
      return { lat: lat, lon: lon };
    }
    return { why: "a map needs a geo:wktLiteral POINT column, or ?lat ?lon" };
  }

  // Which views this answer allows: each a plan, or { why } it is not drawn.
  function plans(doc) {
    if (doc.kind !== "select" || !doc.rows.length) {
      const why = "only a SELECT answer with rows is drawn";
      return { table: {}, graph: { why: why }, timeline: { why: why }, map: { why: why } };
    }
    return { table: {}, graph: graphPlan(doc), timeline: timelinePlan(doc), map: mapPlan(doc) };
  }

  // --- drawing -------------------------------------------------------------------------------

  // Details of a row, as text, under the drawing.
  function details(box, doc, row) {
    box.replaceChildren();
    if (!row) return;
    const dl = el("dl");
    doc.vars.forEach((v, i) => {
      if (row[i] === null) return;
      dl.append(el("dt", {}, "?" + v));
      const dd = el("dd", {}, shown(row[i]));
      if (isNode(row[i]) && row[i].short && row[i].label) dd.append(" ", el("code", {}, row[i].short));
      dl.append(dd);
    });
    box.append(dl);
  }

  async function drawGraph(box, doc, plan, info) {
    await style("/static/vendor/vis-network.css");
    await script("/static/vendor/vis-network.min.js");
    const nodes = new Map(), edges = [];
    let kept = 0;
    doc.rows.forEach((row, n) => {
      const a = row[plan.from], b = row[plan.to];
      if (!isNode(a) || !isNode(b) || kept >= MAX_EDGES) return;
      kept++;
      const name = (cell, at) => (at >= 0 && row[at] !== null ? row[at].value : shown(cell));
      if (!nodes.has(a.value)) nodes.set(a.value, { id: a.value, label: name(a, plan.fromLabel), row: n });
      if (!nodes.has(b.value)) nodes.set(b.value, { id: b.value, label: name(b, plan.toLabel), row: n });
      const edge = { id: "e" + n, from: a.value, to: b.value, arrows: "to", row: n };
      if (plan.edge >= 0 && row[plan.edge] !== null) edge.label = shown(row[plan.edge]);
      edges.push(edge);
    });
    const canvas = el("div", { id: "view-graph", class: "view-drawing" });
    box.append(canvas);
    const data = { nodes: new vis.DataSet([...nodes.values()]), edges: new vis.DataSet(edges) };
    const network = new vis.Network(canvas, data, {
      layout: { randomSeed: 20251125, improvedLayout: nodes.size <= 150 },
      nodes: { shape: "dot", size: 10, color: { background: "#1f77b4", border: "#174a7c" },
               font: { size: 13, color: "#1d2330" } },
      edges: { color: "#8a93a3", font: { size: 11, color: "#5a6272", strokeWidth: 3, align: "middle" },
               smooth: { type: "continuous" } },
      physics: { stabilization: { iterations: 300 }, barnesHut: { springLength: 140 } },
      interaction: { hover: true },
    });
    network.on("click", (ev) => {
      const id = ev.nodes[0] !== undefined ? nodes.get(ev.nodes[0]) : data.edges.get(ev.edges[0]);
      details(info, doc, id ? doc.rows[id.row] : null);
    });
    await new Promise((resolve) => network.once("afterDrawing", resolve));
    return { network: network, nodes: nodes.size, edges: edges.length,
             note: nodes.size + " nodes, " + edges.length + " edges" +
                   (kept >= MAX_EDGES ? " (the first " + MAX_EDGES + " rows)" : "") };
  }

  async function drawTimeline(box, doc, plan, info) {
    // its stylesheet comes with the script (the server's CSP allows exactly those styles)
    await script("/static/vendor/vis-timeline-graph2d.min.js");
    const items = [];
    let undated = 0;
    doc.rows.forEach((row, n) => {
      const a = isTime(row[plan.start]) ? span(row[plan.start]) : null;
      if (!a || items.length >= MAX_ITEMS) { undated += a ? 0 : 1; return; }
      const b = plan.end >= 0 && isTime(row[plan.end]) ? span(row[plan.end]) : null;
      const end = b ? (b[1] || b[0]) : a[1];
      const item = { id: n, start: new Date(a[0]), text: rowLabel(doc, row, [plan.start, plan.end]) || row[plan.start].value };
      if (end && end > a[0]) { item.end = new Date(end); item.type = "range"; } else { item.type = "point"; }
      items.push(item);
    });
    const canvas = el("div", { id: "view-timeline", class: "view-drawing" });
    box.append(canvas);
    const timeline = new vis.Timeline(canvas, new vis.DataSet(items), {
      moment: (date) => vis.moment(date).utc(),
      stack: true, orientation: "top", showCurrentTime: false, height: "100%",
      verticalScroll: true, zoomKey: "ctrlKey", showTooltips: false,
      template: (item) => el("span", {}, item.text),  // labels as text, never as HTML
    });
    timeline.on("select", (ev) => details(info, doc, ev.items.length ? doc.rows[ev.items[0]] : null));
    if (items.length) {  // every item in sight, with a margin for the last one's label
      const from = Math.min(...items.map((i) => i.start.getTime()));
      const to = Math.max(...items.map((i) => (i.end || i.start).getTime()));
      const pad = Math.max((to - from) * 0.08, 3600e3);
      timeline.setWindow(new Date(from - pad), new Date(to + pad), { animation: false });
    }
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return { timeline: timeline, items: items.length, undated: undated,
             note: items.length + " dated" + (undated ? ", " + undated + " with no time (in the table)" : "") };
  }

  async function drawMap(box, doc, plan, info) {
    const base = await getBasemap();
    const project = (lon, lat) => {
      const r = Math.PI / 180;
      return [lon, -Math.log(Math.tan(Math.PI / 4 + Math.max(-85, Math.min(85, lat)) * r / 2)) / r];
    };
    const points = [];
    doc.rows.forEach((row, n) => {
      if (points.length >= MAX_ITEMS) return;
      let at = null;
      if (plan.wkt !== undefined) at = point(row[plan.wkt]);
      else {
        const lon = number(row[plan.lon]), lat = number(row[plan.lat]);
        if (lon !== null && lat !== null && Math.abs(lon) <= 180 && Math.abs(lat) <= 90) at = [lon, lat];
      }
      if (at) points.push({ row: n, lon: at[0], lat: at[1], label: rowLabel(doc, row, [plan.wkt, plan.lat, plan.lon]) });
    });
    // The region's box, grown to hold every point.
    let [w, s, e, nth] = base.box;
    for (const p of points) { w = Math.min(w, p.lon - 1); e = Math.max(e, p.lon + 1); s = Math.min(s, p.lat - 1); nth = Math.max(nth, p.lat + 1); }
    const nw = project(w, nth), se = project(e, s);
    const full = { x: nw[0], y: nw[1], w: se[0] - nw[0], h: se[1] - nw[1] };
    const frame = el("div", { id: "view-map", class: "view-drawing" });
    box.append(frame);
    const svg = svgEl("svg", { xmlns: "http://www.w3.org/2000/svg", preserveAspectRatio: "xMidYMid meet",
                               role: "img", "aria-label": "Map of the answer's points" });
    svg.append(svgEl("rect", { x: full.x, y: full.y, width: full.w, height: full.h, fill: "#dbe9f4" }));
    const land = svgEl("g", { class: "land" });
    for (const c of base.countries) {
      const d = c.rings.map((ring) => "M" + ring.map((p) => {
        const q = project(p[0], p[1]); return q[0].toFixed(3) + " " + q[1].toFixed(3);
      }).join("L") + "Z").join("");
      const path = svgEl("path", { d: d, fill: "#efe9dc", stroke: "#9a9a9a", "stroke-width": 0.6,
                                   "vector-effect": "non-scaling-stroke", "fill-rule": "evenodd" });
      path.append(svgEl("title", {}, c.name));
      land.append(path);
    }
    svg.append(land);
    const marks = svgEl("g", { class: "points" });
    const placed = points.map((p) => {
      const q = project(p.lon, p.lat);
      const g = svgEl("g", { class: "point", "data-row": p.row });
      g.append(svgEl("title", {}, p.label));
      g.append(svgEl("circle", { r: 6, fill: "#d62728", stroke: "#ffffff", "stroke-width": 1.5 }));
      g.append(svgEl("text", { x: 9, y: 4, "font-size": 12, "font-family": "sans-serif", fill: "#222222",
                               stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" }, p.label));
      g.addEventListener("click", () => {
        for (const other of marks.children) other.classList.toggle("chosen", other === g);
        details(info, doc, doc.rows[p.row]);
      });
      marks.append(g);
      return { g: g, x: q[0], y: q[1] };
    });
    svg.append(marks);
    frame.append(svg);
    frame.append(el("p", { class: "hint" }, "Basemap: Natural Earth 1:50m countries (public domain), via world-atlas. Wheel to zoom, drag to pan."));
    const view = { cx: full.x + full.w / 2, cy: full.y + full.h / 2, w: full.w };
    function place() {
      const rect = svg.getBoundingClientRect();
      const width = Math.max(rect.width, 1), h = view.w * rect.height / width;
      svg.setAttribute("viewBox", [view.cx - view.w / 2, view.cy - h / 2, view.w, h].map((v) => v.toFixed(4)).join(" "));
      const k = view.w / width;
      for (const p of placed) p.g.setAttribute("transform", "translate(" + p.x.toFixed(4) + " " + p.y.toFixed(4) + ") scale(" + k.toPrecision(6) + ")");
    }
    const rect = svg.getBoundingClientRect();
    view.w = Math.max(full.w, full.h * rect.width / Math.max(rect.height, 1));
    place();
    svg.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      view.w = Math.min(Math.max(view.w * (ev.deltaY > 0 ? 1.25 : 0.8), 0.05), 400);
      place();
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (ev) => { drag = [ev.clientX, ev.clientY]; });
    svg.addEventListener("pointerup", () => { drag = null; });
    svg.addEventListener("pointerleave", () => { drag = null; });
    svg.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      const k = view.w / Math.max(svg.getBoundingClientRect().width, 1);
      view.cx -= (ev.clientX - drag[0]) * k; view.cy -= (ev.clientY - drag[1]) * k;
      drag = [ev.clientX, ev.clientY];
      place();
    });
    return { svg: svg, points: points.length, note: points.length + " points" };
  }

  const DRAW = { graph: drawGraph, timeline: drawTimeline, map: drawMap };

  // Draw `name` for `doc` in `box` (with its details panel); resolves to what was drawn.
  async function draw(box, doc, name, plan) {
    box.replaceChildren();
    const info = el("div", { class: "view-details" });
    const drawn = await DRAW[name](box, doc, plan, info);
    box.append(info);
    return drawn;
  }

  window.kgViews = { VIEWS: VIEWS, defaultView: defaultView, plans: plans, draw: draw };
}());
