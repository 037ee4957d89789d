(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, shape: n.shape,
      size: n.focus ? 28 : 16, borderWidth: n.focus ? 4 : 1,
      font: n.focus ? { size: 20 } : undefined,
      color: { background: n.color, border: "#333333",
               highlight: { background: n.color, border: "#000000" } },
      title: n.full + "\n" + n.cls + (n.quote ? "\n\u201c" + n.quote + "\u201d" : "")
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.label,
      arrows: e.symmetric ? "" : "to",
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
                network: network, nodeData: nodes, edgeData: edges, hiddenClasses: [] };
  window.kgGraph = state;
  function settled() {
    if (state.stabilized) { return; }
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    state.stabilized = true;
    status.textContent = "layout settled";
    document.body.setAttribute("data-kg-state", "settled");
  }
  network.on("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (data.nodes.length === 0) { settled(); }

  // Details panel.
  var details = document.getElementById("kg-details");
  function row(dl, name, value, asQuote) {
    if (!value) { return; }
    dl.appendChild(el("dt", name));
    var dd = el("dd");
    if (asQuote) { dd.appendChild(el("blockquote", value)); } else { dd.textContent = value; }
    dl.appendChild(dd);
  }
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
      row(dl, "Label", item.full); row(dl, "Class", item.cls); row(dl, "IRI", item.iri);
      link(dl, "Wikidata", item.wikidata);
      row(dl, "Evidence", item.quote, true); row(dl, "Source", item.sourceTitle); row(dl, "Source IRI", item.source);
    } else {
      var from = byId[item.from], to = byId[item.to];
      row(dl, "Relation", item.relation);
      row(dl, "From", from ? from.full : item.from); row(dl, "To", to ? to.full : item.to);
      row(dl, "Predicate", item.predicate); row(dl, "CAMEO", item.cameo); row(dl, "Fact", item.fact);
      row(dl, "Evidence", item.quote, true); row(dl, "Source", item.sourceTitle); row(dl, "Source IRI", item.source);
    }
    details.appendChild(dl);
  }
  network.on("click", function (p) {
    if (p.nodes.length) { show("node", byId[p.nodes[0]]); }
    else if (p.edges.length) { show("edge", edgeById[p.edges[0]]); }
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
      var updates = data.nodes.filter(function (n) { return n.cls === c.cls; })
        .map(function (n) { return { id: n.id, hidden: !box.checked }; });
      nodes.update(updates);
      state.hiddenClasses = Object.keys(hidden).filter(function (k) { return hidden[k]; }).sort();
    });
    legend.appendChild(label);
  });
  var edgeLegend = document.getElementById("kg-edge-legend");
  data.edgeLegend.forEach(function (q) {
    var row = el("div"); var sw = el("span", null, "line"); sw.style.background = q.color;
    row.appendChild(sw); row.appendChild(el("span", q.label)); edgeLegend.appendChild(row);
  });
  var note = el("div", "dashed: symmetric relation; arrow: subject \u2192 object", "muted");
  edgeLegend.appendChild(note);

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
    result.textContent = hits.length + (hits.length === 1 ? " match: " : " matches, first: ") + hit.full;
    return hit.id;
  }
  state.find = find;
  form.addEventListener("submit", function (ev) { ev.preventDefault(); find(input.value); });
})();
