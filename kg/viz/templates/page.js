(function () {
  "use strict";
  // pyvis's nodes, edges and options, and the rest of the page's data (kg/viz/html.py `render`).
  var parsed = JSON.parse(document.getElementById("kg-data").textContent);
  var data = parsed.view;
  data.nodes = parsed.nodes; data.edges = parsed.edges; data.options = parsed.options;
  // A large page comes compact (kg/viz/html.py `compact`): fill in what it left out.
  function expand() {
    var titles = {}, legend = {}, quads = {}, ids = {};
    data.nodes.forEach(function (n, i) { ids[n.id] = i; });
    data.sources.forEach(function (s) { if (s.title !== s.iri) { titles[s.iri] = s.title; } });
    data.legend.forEach(function (c) { legend[c.cls] = c; });
    data.edgeLegend.forEach(function (q) { quads[q.quad] = q.color; });
    function sourceTitle(item) {
      return item.sources ? item.sources.split(" ").map(function (s) { return titles[s] || ""; }).join("; ") : "";
    }
    function fill(item, defaults) {
      Object.keys(defaults).forEach(function (k) { if (item[k] === undefined) { item[k] = defaults[k]; } });
    }
    data.nodes.forEach(function (n) {
      var c = legend[n.cls];
      fill(n, { wikidata: "", quote: "", sources: "", status: "", focus: false, start: "", end: "",
                full: n.label, iri: n.id, clsLabel: c.label, color: c.color, shape: c.shape });
      if (n.sourceTitle === undefined) { n.sourceTitle = sourceTitle(n); }
    });
    data.edges.forEach(function (e) {
      e.from = data.nodes[e.from].id; e.to = data.nodes[e.to].id;
      fill(e, { statementType: "", symmetric: false, arrows: "", quad: 0, cameo: "", fact: e.from, start: "", end: "",
                timed: false });
      var own = e.fact === e.from ? data.nodes[ids[e.from]] : null;
      fill(e, { label: e.relation, color: quads[e.quad],
                quote: own ? own.quote : "", sources: own ? own.sources : "" });
      if (e.sourceTitle === undefined) { e.sourceTitle = sourceTitle(e); }
    });
  }
  if (data.compact) { expand(); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  // Incident edges of each node; isolated nodes wait outside the layout (see settled()).
  var incident = {};
  data.nodes.forEach(function (n) { incident[n.id] = []; });
  data.edges.forEach(function (e) {
    if (incident[e.from]) { incident[e.from].push(e); }
    if (incident[e.to] && e.to !== e.from) { incident[e.to].push(e); }
  });
  var isolated = data.nodes.filter(function (n) { return incident[n.id].length === 0; })
    .map(function (n) { return n.id; });
  // A large view comes laid out (positions computed in Python, isolated nodes placed there).
  if (isolated.length === data.nodes.length || data.positioned) { isolated = []; }
  var waiting = {};
  isolated.forEach(function (id) { waiting[id] = true; });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var node = {
      id: n.id, label: n.label, shape: n.shape, hidden: !!waiting[n.id],
      size: n.focus ? 28 : 16, borderWidth: n.focus ? 4 : 1,
      font: n.focus ? { size: 20 } : undefined,
      color: { background: n.color, border: "#333333",
               highlight: { background: n.color, border: "#000000" } },
      title: n.full + "\n" + n.clsLabel + (n.quote ? "\n\u201c" + n.quote + "\u201d" : "")
    };
    if (data.positioned) { node.x = n.x; node.y = n.y; }
    return node;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return {
      id: e.id, from: e.from, to: e.to, label: data.positioned ? undefined : e.label,
      arrows: e.arrows,
      dashes: e.symmetric,
      color: { color: e.color, highlight: e.color, hover: e.color },
      title: e.relation + (e.quote ? "\n\u201c" + e.quote + "\u201d" : "")
    };
  }));
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var status = document.getElementById("kg-status");
  var state = { nodes: nodes.length, edges: edges.length, stabilized: false,
                network: network, nodeData: nodes, edgeData: edges, hiddenClasses: [],
                data: data };
  window.kgGraph = state;
  // When the page first drew the network and when it drew the settled layout (ms from the
  // start of navigation): what `make bench` reports as "opens" and "settles".
  network.on("afterDrawing", function () {
    var now = performance.now();
    if (state.drawnMs === undefined) { state.drawnMs = now; }
    if (state.stabilized && state.settledMs === undefined) { state.settledMs = now; }
  });
  // Isolated nodes in a row under the laid-out graph, so that they do not shrink the fit.
  function placeIsolated() {
    if (!isolated.length) { return; }
    var shown = data.nodes.filter(function (n) { return !waiting[n.id]; }).map(function (n) { return n.id; });
    var pos = network.getPositions(shown);
    var xs = [], ys = [];
    Object.keys(pos).forEach(function (k) { xs.push(pos[k].x); ys.push(pos[k].y); });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs), maxY = Math.max.apply(null, ys);
    var step = 160, perRow = Math.max(1, Math.floor((maxX - minX) / step) + 1);
    nodes.update(isolated.map(function (id) { return { id: id, hidden: false }; }));
    isolated.forEach(function (id, i) {
      network.moveNode(id, minX + (i % perRow) * step, maxY + 120 + Math.floor(i / perRow) * 90);
    });
    waiting = {};
  }
  // Labels at least 9 px on screen once fitted: larger fonts when the fit zooms out.
  var FONT = { node: 14, edge: 10, min: 9.5 };
  function legible() {
    var scale = network.getScale();
    if (!(scale > 0)) { return; }
    if (data.nodes.length > 500) {  // a corpus-scale view is read by zooming in, not by huge fonts
      state.fontSizes = { node: FONT.node, edge: FONT.edge, scale: scale, capped: true };
      return;
    }
    var nodeSize = Math.max(FONT.node, Math.ceil(FONT.min / scale));
    var edgeSize = Math.max(FONT.edge, Math.ceil(FONT.min / scale));
    network.setOptions({ nodes: { font: { size: nodeSize } }, edges: { font: { size: edgeSize } } });
    state.fontSizes = { node: nodeSize, edge: edgeSize, scale: scale };
  }
  function settled() {
    if (state.stabilized) { return; }
    if (!data.positioned) { network.setOptions({ physics: { enabled: false } }); }
    placeIsolated();
    network.fit({ animation: false });
    legible();
    restore();
    state.stabilized = true;
    status.textContent = "layout settled";
    document.body.setAttribute("data-kg-state", "settled");
  }
  if (data.positioned) {
    // Nothing to simulate: settle (fit, place, label sizes) once the first frame is drawn.
    network.once("afterDrawing", function () {
      window.setTimeout(function () { settled(); network.redraw(); }, 0);
    });
  } else {
    network.on("stabilizationIterationsDone", settled);
    network.once("stabilized", settled);
  }
  // The view's state lives in the URL's hash (filters, selection, zoom, the facts table), so
  // that a view can be shared and reopened as it was; restored once the layout has settled.
  var S = window.kgShare, row = S.row, saved = S.readState(), restoring = true;
  var FILTERS = [["hc", "#kg-legend", "data-class"], ["hq", "#kg-edge-legend", "data-quad"],
                 ["ht", "#kg-types", "data-type"], ["hs", "#kg-sources", "data-source"],
                 ["hst", "#kg-statuses", "data-status"]];
  function save() {
    if (restoring) { return; }
    var out = {}, view = state.viewMoved ? network.getViewPosition() : null;
    FILTERS.forEach(function (f) {
      out[f[0]] = Array.prototype.map.call(
        document.querySelectorAll(f[1] + " input[" + f[2] + "]:not(:checked)"),
        function (box) { return box.getAttribute(f[2]); }).sort();
    });
    out.sel = state.selected || null;
    out.x = view ? view.x.toFixed(2) : null;
    out.y = view ? view.y.toFixed(2) : null;
    out.z = view ? network.getScale().toPrecision(6) : null;
    out.t0 = range.from || null;
    out.t1 = range.to || null;
    out.nd = range.undated ? null : "1";
    out.t = table.hidden ? null : "1";
    out.tf = tableFilter.value || null;
    S.writeState(out);
  }
  state.save = save;
  function restore() {
    FILTERS.forEach(function (f) {
      var off = {};
      S.list(saved, f[0]).forEach(function (k) { off[k] = true; });
      document.querySelectorAll(f[1] + " input[" + f[2] + "]").forEach(function (box) {
        if (off[box.getAttribute(f[2])] && box.checked) {
          box.checked = false;
          box.dispatchEvent(new Event("change"));
        }
      });
    });
    var t0 = S.value(saved, "t0"), t1 = S.value(saved, "t1");
    if (t0 || t1 || S.value(saved, "nd") === "1") {
      timeFrom.value = t0 || ""; timeTo.value = t1 || "";
      timeUndated.checked = S.value(saved, "nd") !== "1";
      applyTime();
    }
    var filterText = S.value(saved, "tf");
    if (filterText) { tableFilter.value = filterText; }
    if (S.value(saved, "t") === "1") { tableToggle.click(); }
    var sel = S.value(saved, "sel") || "";
    var id = sel.slice(2);
    if (sel.indexOf("n:") === 0 && byId[id]) {
      network.selectNodes([id]); show("node", byId[id]); markRows(id);
    } else if (sel.indexOf("e:") === 0 && edgeById[id]) {
      network.selectEdges([id]); show("edge", edgeById[id]); markRows(null, id);
    }
    var x = parseFloat(S.value(saved, "x")), y = parseFloat(S.value(saved, "y"));
    var z = parseFloat(S.value(saved, "z"));
    if (isFinite(x) && isFinite(y) && z > 0) {
      network.moveTo({ position: { x: x, y: y }, scale: z, animation: false });
      state.viewMoved = true;
    }
    restoring = false;
    save();
  }
  network.on("zoom", function () { state.viewMoved = true; save(); });
  network.on("dragEnd", function () { state.viewMoved = true; save(); });
  document.getElementById("kg-panel").addEventListener("change", save);

  // Exports: the drawing as PNG (the canvas, on white) and SVG (the same drawing as vectors), the
  // facts table as CSV; each handed over as a blob download.
  function png(done) {
    var canvas = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = canvas.width; out.height = canvas.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    out.toBlob(done, "image/png");
  }
  var POLYGONS = {
    triangle: [[0, -1.15], [1, 0.6], [-1, 0.6]], diamond: [[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]],
    hexagon: [[-0.5, -0.87], [0.5, -0.87], [1, 0], [0.5, 0.87], [-0.5, 0.87], [-1, 0]],
    square: [[-1, -1], [1, -1], [1, 1], [-1, 1]],
    star: [[0, -1.2], [0.3, -0.4], [1.15, -0.4], [0.45, 0.15], [0.7, 1], [0, 0.5], [-0.7, 1],
           [-0.45, 0.15], [-1.15, -0.4], [-0.3, -0.4]]
  };
  function svg() {
    var box = container.getBoundingClientRect();
    var root = S.svgRoot(Math.round(box.width), Math.round(box.height));
    var scale = network.getScale(), pos = network.getPositions();
    var shownNodes = {};
    nodes.get({ filter: function (n) { return !n.hidden; } }).forEach(function (n) { shownNodes[n.id] = n; });
    var edgeLayer = S.svgEl("g", { "class": "edges" }), nodeLayer = S.svgEl("g", { "class": "nodes" });
    root.appendChild(edgeLayer); root.appendChild(nodeLayer);
    edges.get({ filter: function (e) { return !e.hidden; } }).forEach(function (e) {
      if (!shownNodes[e.from] || !shownNodes[e.to]) { return; }
      var a = network.canvasToDOM(pos[e.from]), b = network.canvasToDOM(pos[e.to]);
      var g = S.svgEl("g", { "class": "edge" });
      var line = S.svgEl("line", { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1),
        y2: b.y.toFixed(1), stroke: e.color.color, "stroke-width": Math.max(0.5, 1.2 * scale).toFixed(2) });
      if (e.dashes) { line.setAttribute("stroke-dasharray", "5 5"); }
      g.appendChild(line);
      if (e.label) {
        g.appendChild(S.svgEl("text", { x: ((a.x + b.x) / 2).toFixed(1), y: ((a.y + b.y) / 2).toFixed(1),
          "font-size": Math.max(6, (state.fontSizes ? state.fontSizes.edge : 10) * scale).toFixed(1),
          "font-family": "sans-serif", fill: "#444444", "text-anchor": "middle" }, e.label));
      }
      edgeLayer.appendChild(g);
    });
    Object.keys(shownNodes).sort().forEach(function (id) {
      var n = shownNodes[id], p = network.canvasToDOM(pos[id]), r = (n.size || 16) * scale;
      var g = S.svgEl("g", { "class": "node" }), paint = { fill: n.color.background, stroke: "#333333" };
      g.appendChild(S.svgEl("title", {}, byId[id].full));
      var pts = POLYGONS[n.shape];
      if (pts) {
        paint.points = pts.map(function (q) { return (p.x + q[0] * r).toFixed(1) + "," + (p.y + q[1] * r).toFixed(1); }).join(" ");
        g.appendChild(S.svgEl("polygon", paint));
      } else {
        paint.cx = p.x.toFixed(1); paint.cy = p.y.toFixed(1); paint.r = r.toFixed(1);
        g.appendChild(S.svgEl("circle", paint));
      }
      var size = (state.fontSizes ? state.fontSizes.node : 14) * scale;
      if (size >= 3) {
        g.appendChild(S.svgEl("text", { x: p.x.toFixed(1), y: (p.y + r + size).toFixed(1),
          "font-size": size.toFixed(1), "font-family": "sans-serif", fill: "#222222",
          "text-anchor": "middle" }, n.label));
      }
      nodeLayer.appendChild(g);
    });
    return root;
  }
  state.svg = function () { return S.serialise(svg()); };
  function tableRows() {
    var q = tableFilter.value.trim().toLowerCase();
    return facts.filter(function (f) {
      return !q || [f.relation, f.who, f.whom, f.type, f.quote, f.sourceTitle].join(" ").toLowerCase().indexOf(q) >= 0;
    }).map(function (f) {
      return [f.relation, f.who, f.whom, f.type, f.edge.cameo, f.quote, f.sourceTitle, f.edge.fact];
    });
  }
  document.getElementById("kg-export-png").addEventListener("click", function () {
    png(function (blob) { if (blob) { S.download(S.stem() + ".png", blob); } });
  });
  document.getElementById("kg-export-svg").addEventListener("click", function () {
    S.download(S.stem() + ".svg", new Blob([state.svg()], { type: "image/svg+xml" }));
  });
  document.getElementById("kg-export-csv").addEventListener("click", function () {
    var header = ["kind", "who", "whom", "type", "CAMEO", "quote", "source", "fact"];
    S.download(S.stem() + ".csv", new Blob([S.csv(header, tableRows())], { type: "text/csv;charset=utf-8" }));
  });

  // Details panel.
  var details = document.getElementById("kg-details");
  function link(dl, name, url) {
    if (!url || !/^https?:\/\//.test(url)) { return; }
    dl.appendChild(el("dt", name));
    var dd = el("dd"); var a = el("a", url);
    a.setAttribute("href", url); a.setAttribute("rel", "noreferrer noopener"); a.setAttribute("target", "_blank");
    dd.appendChild(a); dl.appendChild(dd);
  }
  function show(kind, item) {
    details.replaceChildren();
    var dl = el("dl");
    if (kind === "node") {
      row(dl, "Label", item.full); row(dl, "Class", item.clsLabel); row(dl, "Status", item.status);
      row(dl, "IRI", item.iri);
      link(dl, "Wikidata", item.wikidata);
      row(dl, "Evidence", item.quote, true); row(dl, "Source", item.sourceTitle); row(dl, "Source IRI", item.sources);
    } else {
      var from = byId[item.from], to = byId[item.to];
      row(dl, "Relation", item.relation);
      row(dl, "From", from ? from.full : item.from); row(dl, "To", to ? to.full : item.to);
      row(dl, "Predicate", item.predicate); row(dl, "Statement type", item.statementType);
      row(dl, "CAMEO", item.cameo); row(dl, "Fact", item.fact);
      row(dl, "Evidence", item.quote, true); row(dl, "Source", item.sourceTitle); row(dl, "Source IRI", item.sources);
    }
    details.appendChild(dl);
    if (kind === "node") { details.appendChild(factsOf(item)); }
  }
  // An entity's facts, each with its quote (as `kg describe` lists them).
  function factsOf(item) {
    var box = el("div", null, "kg-facts");
    var edgesHere = incident[item.id] || [];
    box.appendChild(el("h3", "Facts (" + edgesHere.length + ")"));
    var list = el("ol");
    edgesHere.forEach(function (e) {
      var other = e.from === item.id ? byId[e.to] : byId[e.from];
      var li = el("li");
      li.setAttribute("data-edge", e.id);
      var head = el("div");
      var arrow = e.symmetric ? e.relation + " \u2014 " :
        e.from === item.id ? e.relation + " \u2192 " : "\u2190 " + e.relation + " ";
      head.appendChild(el("span", arrow, "rel"));
      head.appendChild(el("span", other ? other.full : "", "other"));
      li.appendChild(head);
      if (e.quote) { li.appendChild(el("blockquote", e.quote)); }
      li.addEventListener("click", function () { network.selectEdges([e.id]); show("edge", e); markRows(null, e.id); });
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }
  network.on("click", function (p) {
    if (p.nodes.length) { show("node", byId[p.nodes[0]]); markRows(p.nodes[0]); }
    else if (p.edges.length) { show("edge", edgeById[p.edges[0]]); markRows(null, p.edges[0]); }
    else if (state.selected) { markRows(null, null); }
  });

  // The facts table: one row per edge, sortable and filterable, linked both ways with the graph.
  var table = document.getElementById("kg-table");
  var tbody = document.getElementById("kg-table-body");
  var tableFilter = document.getElementById("kg-table-filter");
  var tableCount = document.getElementById("kg-table-count");
  var facts = data.edges.map(function (e) {
    var from = byId[e.from], to = byId[e.to];
    return { edge: e, relation: e.relation, who: from ? from.full : e.from, whom: to ? to.full : e.to,
             type: e.statementType || "", quote: e.quote, sourceTitle: e.sourceTitle };
  });
  var sortKey = null, sortDir = 1, rowsByEdge = {};
  function renderTable() {
    var q = tableFilter.value.trim().toLowerCase();
    var shown = facts.filter(function (f) {
      if (!q) { return true; }
      return [f.relation, f.who, f.whom, f.type, f.quote, f.sourceTitle].join(" ").toLowerCase().indexOf(q) >= 0;
    });
    if (sortKey) {
      shown.sort(function (a, b) {
        var x = String(a[sortKey]).toLowerCase(), y = String(b[sortKey]).toLowerCase();
        return (x < y ? -1 : x > y ? 1 : (a.edge.id < b.edge.id ? -1 : 1)) * sortDir;
      });
    }
    rowsByEdge = {};
    tbody.replaceChildren();
    shown.forEach(function (f) {
      var tr = el("tr");
      tr.setAttribute("data-edge", f.edge.id);
      [f.relation, f.who, f.whom, f.type, f.quote, f.sourceTitle].forEach(function (v) { tr.appendChild(el("td", v)); });
      tr.addEventListener("click", function () {
        network.selectEdges([f.edge.id]);
        show("edge", f.edge);
        markRows(null, f.edge.id);
      });
      rowsByEdge[f.edge.id] = tr;
      tbody.appendChild(tr);
    });
    tableCount.textContent = shown.length + " of " + facts.length + " facts";
    state.tableRows = shown.length;
  }
  // A large view draws edge labels and arrows only around what is selected: thousands of them,
  // even too small to be seen, cost seconds per frame.
  var labelled = [];
  function labelAround(nodeId, edgeId) {
    if (!data.positioned) { return; }
    var ids = (nodeId !== null && nodeId !== undefined ? incident[nodeId] || [] : [])
      .map(function (e) { return e.id; });
    if (edgeId) { ids.push(edgeId); }
    var keep = {};
    ids.forEach(function (id) { keep[id] = true; });
    var updates = labelled.filter(function (id) { return !keep[id]; })
      .map(function (id) { return { id: id, label: "", arrows: "" }; });
    ids.forEach(function (id) {
      var e = edgeById[id];
      updates.push({ id: id, label: e.label, arrows: e.symmetric ? "" : "to" });
    });
    edges.update(updates);
    labelled = ids;
    state.labelledEdges = ids.length;
  }
  function markRows(nodeId, edgeId) {
    state.selected = nodeId !== null && nodeId !== undefined ? "n:" + nodeId : edgeId ? "e:" + edgeId : null;
    save();
    labelAround(nodeId, edgeId);
    var first = null;
    Object.keys(rowsByEdge).forEach(function (id) {
      var e = edgeById[id], tr = rowsByEdge[id];
      var marked = nodeId !== null && nodeId !== undefined && (e.from === nodeId || e.to === nodeId);
      tr.classList.toggle("mark", marked);
      tr.classList.toggle("chosen", id === edgeId);
      if (!first && (marked || id === edgeId)) { first = tr; }
    });
    state.markedRows = tbody.querySelectorAll("tr.mark").length;
    if (first && !table.hidden) { first.scrollIntoView({ block: "nearest" }); }
  }
  state.markRows = markRows;
  document.querySelectorAll("#kg-table th").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      document.querySelectorAll("#kg-table th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      renderTable();
    });
  });
  tableFilter.addEventListener("input", function () { renderTable(); save(); });
  var tableToggle = document.getElementById("kg-table-toggle");
  tableToggle.addEventListener("click", function () {
    table.hidden = !table.hidden;
    tableToggle.setAttribute("aria-expanded", table.hidden ? "false" : "true");
    if (!table.hidden && !tbody.childElementCount) { renderTable(); }
    network.redraw();
    save();
  });

  // Legend with class filters.
  var legend = document.getElementById("kg-legend");
  var hidden = {};
  data.legend.forEach(function (c) {
    var label = el("label");
    var box = el("input"); box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-class", c.cls);
    var sw = el("span", null, "swatch " + c.shape); sw.style.background = c.color;
    label.appendChild(box); label.appendChild(sw);
    label.appendChild(el("span", c.label + " (" + c.count + ")"));
    box.addEventListener("change", function () {
      hidden[c.cls] = !box.checked;
      applyNodeFilters();
      state.hiddenClasses = Object.keys(hidden).filter(function (k) { return hidden[k]; }).sort();
    });
    legend.appendChild(label);
  });
  // Edge legend: every colour explained, each a filter (statement QuadClass); source filters.
  var edgeLegend = document.getElementById("kg-edge-legend");
  var hiddenQuads = {}, hiddenSources = {}, hiddenTypes = {};
  // The time filter: a dated event or statement (node or edge) is shown when its span meets
  // [from, to] (days, both included); an undated one when "undated" is checked.
  var range = { from: "", to: "", undated: true };
  function inTime(item, timed) {
    if (!timed) { return true; }
    if (!item.start) { return range.undated; }
    var after = "";
    if (range.to) {
      var d = new Date(range.to + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + 1);
      after = d.toISOString().slice(0, 10);
    }
    return (!range.from || item.end > range.from) && (!after || item.start < after);
  }
  function nodeVisible(n) {
    return !hidden[n.cls] && !(n.status && hiddenStatus[n.status]) &&
      inTime(n, n.category === "Event" || n.category === "Statement");
  }
  function applyNodeFilters() {
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: !nodeVisible(n) }; }));
  }
  function edgeVisible(e) {
    if (!inTime(e, e.timed)) { return false; }
    if (hiddenQuads[e.quad]) { return false; }
    var types = e.statementType ? e.statementType.split(", ") : [];
    if (types.length && types.every(function (t) { return hiddenTypes[t]; })) { return false; }
    var srcs = e.sources ? e.sources.split(" ") : [];
    return !srcs.length || srcs.some(function (s) { return !hiddenSources[s]; });
  }
  function applyEdgeFilters() {
    edges.update(data.edges.map(function (e) { return { id: e.id, hidden: !edgeVisible(e) }; }));
    state.hiddenQuads = Object.keys(hiddenQuads).filter(function (k) { return hiddenQuads[k]; }).sort();
    state.hiddenTypes = Object.keys(hiddenTypes).filter(function (k) { return hiddenTypes[k]; }).sort();
    state.hiddenSources = Object.keys(hiddenSources).filter(function (k) { return hiddenSources[k]; }).sort();
  }
  data.edgeLegend.forEach(function (q) {
    var label = el("label");
    var box = el("input"); box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-quad", String(q.quad));
    var sw = el("span", null, "line"); sw.style.background = q.color;
    label.appendChild(box); label.appendChild(sw);
    label.appendChild(el("span", q.label + " (" + q.count + ")"));
    box.addEventListener("change", function () { hiddenQuads[q.quad] = !box.checked; applyEdgeFilters(); });
    edgeLegend.appendChild(label);
  });
  var note = el("div", "dashed: symmetric relation; arrow: subject \u2192 object" +
    (data.positioned ? " (labels and arrows around the selected node)" : ""), "muted");
  edgeLegend.appendChild(note);
  var typeBox = document.getElementById("kg-types");
  var quadColour = {};
  data.edgeLegend.forEach(function (q) { quadColour[q.quad] = q.color; });
  if (!(data.statementTypes || []).length) {
    typeBox.hidden = true;
    document.getElementById("kg-types-heading").hidden = true;
  }
  (data.statementTypes || []).forEach(function (t) {
    var label = el("label");
    var box = el("input"); box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-type", t.label);
    var sw = el("span", null, "line"); sw.style.background = quadColour[t.quad] || "#9a9a9a";
    label.appendChild(box); label.appendChild(sw); label.appendChild(el("span", t.label));
    box.addEventListener("change", function () { hiddenTypes[t.label] = !box.checked; applyEdgeFilters(); });
    typeBox.appendChild(label);
  });
  var sourceBox = document.getElementById("kg-sources");
  (data.sources || []).forEach(function (src) {
    var label = el("label");
    var box = el("input"); box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-source", src.iri);
    label.appendChild(box); label.appendChild(el("span", src.title));
    label.title = src.iri;
    box.addEventListener("change", function () { hiddenSources[src.iri] = !box.checked; applyEdgeFilters(); });
    sourceBox.appendChild(label);
  });
  // Event status (planned, past ...): hide the events of a status.
  var statusBox = document.getElementById("kg-statuses");
  var hiddenStatus = {};
  if (!(data.statuses || []).length) {
    statusBox.hidden = true;
    document.getElementById("kg-status-heading").hidden = true;
  }
  (data.statuses || []).forEach(function (st) {
    var label = el("label");
    var box = el("input"); box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-status", st);
    var count = data.nodes.filter(function (n) { return n.status === st; }).length;
    label.appendChild(box); label.appendChild(el("span", st + " (" + count + ")"));
    box.addEventListener("change", function () {
      hiddenStatus[st] = !box.checked;
      applyNodeFilters();
      state.hiddenStatuses = Object.keys(hiddenStatus).filter(function (k) { return hiddenStatus[k]; }).sort();
    });
    statusBox.appendChild(label);
  });
  // Time: from, to, and whether undated events and statements are shown.
  var timeFrom = document.getElementById("kg-time-from"), timeTo = document.getElementById("kg-time-to");
  var timeUndated = document.getElementById("kg-time-undated");
  if (!data.timed) {
    document.getElementById("kg-time").hidden = true;
    document.getElementById("kg-time-heading").hidden = true;
  }
  function applyTime() {
    var ok = /^\d{4}-\d{2}-\d{2}$/;
    range.from = ok.test(timeFrom.value) ? timeFrom.value : "";
    range.to = ok.test(timeTo.value) ? timeTo.value : "";
    range.undated = timeUndated.checked;
    applyNodeFilters();
    applyEdgeFilters();
    state.timeRange = [range.from, range.to, range.undated];
    state.shownNodes = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    state.shownEdges = edges.get({ filter: function (e) { return !e.hidden; } }).length;
  }
  state.applyTime = applyTime;
  [timeFrom, timeTo, timeUndated].forEach(function (input) { input.addEventListener("change", applyTime); });
  // On a narrow window the panel folds away; the button opens and closes it.
  var toggle = document.getElementById("kg-panel-toggle");
  toggle.addEventListener("click", function () {
    var open = document.body.classList.toggle("kg-panel-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Search.
  var form = document.getElementById("kg-search-form");
  var input = document.getElementById("kg-search");
  var result = document.getElementById("kg-search-result");
  function find(query) {
    var q = String(query).trim().toLowerCase();
    if (!q) { result.textContent = ""; return null; }
    var hits = data.nodes.filter(function (n) {
      return n.full.toLowerCase().indexOf(q) >= 0 || n.iri.toLowerCase().indexOf(q) >= 0;
    });
    // Best first: the exact label, a label that starts with the query, then shorter labels.
    function rank(n) {
      var l = n.full.toLowerCase();
      return l === q ? 0 : l.indexOf(q) === 0 ? 1 : l.indexOf(q) >= 0 ? 2 : 3;
    }
    hits.sort(function (a, b) {
      return rank(a) - rank(b) || a.full.length - b.full.length ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    if (!hits.length) { result.textContent = "no match"; network.unselectAll(); return null; }
    var hit = hits[0];
    if (hidden[hit.cls]) { nodes.update({ id: hit.id, hidden: false }); }
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    show("node", hit);
    markRows(hit.id);
    result.textContent = hits.length + (hits.length === 1 ? " match: " : " matches, first: ") + hit.full;
    return hit.id;
  }
  state.find = find;
  form.addEventListener("submit", function (ev) { ev.preventDefault(); find(input.value); });
  if (data.nodes.length === 0) { settled(); }  // after every part of the page is set up
})();
