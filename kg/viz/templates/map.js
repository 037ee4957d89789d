(function () {
  "use strict";
  var S = window.kgShare, el = S.el, svgEl = S.svgEl, row = S.row;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var base = JSON.parse(document.getElementById("kg-basemap").textContent);
  var saved = S.readState();
  var colour = {}, label = data.labels, points = {}, byId = {};
  data.claimants.forEach(function (c) { colour[c.iri] = c.color; });
  data.points.forEach(function (p) { points[p.id] = p; });
  data.places.concat(data.unplaced).forEach(function (p) { byId[p.id] = p; });
  var hidden = {};
  S.list(saved, "hc").forEach(function (k) { hidden[k] = true; });
  // Web Mercator, in degrees: x is the longitude, y grows southward.
  function project(lon, lat) {
    var r = Math.PI / 180;
    return [lon, -Math.log(Math.tan(Math.PI / 4 + lat * r / 2)) / r];
  }
  var box = base.box, nw = project(box[0], box[3]), se = project(box[2], box[1]);
  var full = { x: nw[0], y: nw[1], w: se[0] - nw[0], h: se[1] - nw[1] };
  var view = { cx: full.x + full.w / 2, cy: full.y + full.h / 2, w: full.w };
  var container = document.getElementById("kg-map");
  var svg = svgEl("svg", { xmlns: "http://www.w3.org/2000/svg", preserveAspectRatio: "xMidYMid meet" });
  svg.appendChild(svgEl("rect", { x: full.x, y: full.y, width: full.w, height: full.h, fill: "#dbe9f4" }));
  var land = svgEl("g", { "class": "land" });
  base.countries.forEach(function (c) {
    var d = c.rings.map(function (ring) {
      return "M" + ring.map(function (p) {
        var q = project(p[0], p[1]); return q[0].toFixed(3) + " " + q[1].toFixed(3);
      }).join("L") + "Z";
    }).join("");
    var path = svgEl("path", { d: d, fill: "#efe9dc", stroke: "#9a9a9a", "stroke-width": 0.6,
                               "vector-effect": "non-scaling-stroke", "fill-rule": "evenodd" });
    path.appendChild(svgEl("title", {}, c.name));
    land.appendChild(path);
  });
  svg.appendChild(land);
  var lines = svgEl("g", { "class": "claims" }), marks = svgEl("g", { "class": "features" });
  svg.appendChild(lines); svg.appendChild(marks);
  container.appendChild(svg);
  var state = { svg: svg, data: data, view: view, placed: data.places.length,
                unplaced: data.unplaced.length };
  window.kgMap = state;

  function shownPlace(p) {
    return !p.claimants.length || p.claimants.some(function (c) { return !hidden[c]; });
  }
  function at(id) { var p = points[id]; return p ? project(p.lon, p.lat) : null; }
  // Claims and contests as lines, from a claimant or contester that has a point.
  function drawLines() {
    lines.replaceChildren();
    data.claims.forEach(function (c) {
      c.places.forEach(function (place) {
        var to = at(place);
        if (!to) { return; }
        c.claimants.forEach(function (who) {
          var from = at(who);
          if (!from || hidden[who]) { return; }
          lines.appendChild(svgEl("line", { x1: from[0], y1: from[1], x2: to[0], y2: to[1],
            stroke: colour[who], "stroke-width": 2, "vector-effect": "non-scaling-stroke",
            "class": "claim" }));
        });
        c.contesters.forEach(function (who) {
          var from = at(who);
          if (!from) { return; }
          lines.appendChild(svgEl("line", { x1: from[0], y1: from[1], x2: to[0], y2: to[1],
            stroke: "#c00000", "stroke-width": 1.5, "stroke-dasharray": "6 4",
            "vector-effect": "non-scaling-stroke", "class": "contest" }));
        });
      });
    });
  }
  // A feature: a disc split among its claimants' colours, ringed when contested, its events
  // as small squares under it, its name beside it. Drawn in pixels (scaled with the zoom).
  var features = {}, EVENT_MARKS = 5;
  function slice(r, a0, a1, fill) {
    if (a1 - a0 >= 2 * Math.PI - 1e-9) { return svgEl("circle", { r: r, fill: fill }); }
    var x0 = r * Math.sin(a0), y0 = -r * Math.cos(a0), x1 = r * Math.sin(a1), y1 = -r * Math.cos(a1);
    return svgEl("path", { fill: fill, d: "M0 0L" + x0.toFixed(2) + " " + y0.toFixed(2) + "A" + r + " " + r +
      " 0 " + (a1 - a0 > Math.PI ? 1 : 0) + " 1 " + x1.toFixed(2) + " " + y1.toFixed(2) + "Z" });
  }
  function drawFeatures() {
    marks.replaceChildren();
    features = {};
    data.places.forEach(function (p) {
      if (!shownPlace(p)) { return; }
      var q = project(p.lon, p.lat), g = svgEl("g", { "class": "feature", "data-id": p.id });
      g.appendChild(svgEl("title", {}, p.label));
      var who = p.claimants.filter(function (c) { return !hidden[c]; });
      if (p.contesters.length) {
        g.appendChild(svgEl("circle", { r: 11, fill: "none", stroke: "#c00000", "stroke-width": 1.5,
                                        "stroke-dasharray": "3 2" }));
      }
      g.appendChild(svgEl("circle", { r: 8, fill: "#ffffff", stroke: "#333333", "stroke-width": 1, "class": "halo" }));
      if (!who.length) { g.appendChild(svgEl("circle", { r: 7, fill: "#777777" })); }
      who.forEach(function (c, i) {
        var step = 2 * Math.PI / who.length;
        g.appendChild(slice(7, i * step, (i + 1) * step, colour[c]));
      });
      // Up to EVENT_MARKS events a square each; more, one badge with their count (the details
      // list each): a corpus with dozens of events at a place would bury the map in squares.
      if (p.events.length <= EVENT_MARKS) {
        p.events.forEach(function (e, i) {
          g.appendChild(svgEl("rect", { x: -3 + (i % 5) * 7 - 14, y: 12 + Math.floor(i / 5) * 7, width: 6,
                                        height: 6, fill: "#9467bd", stroke: "#333333", "stroke-width": 0.5,
                                        "class": "event" }));
        });
      } else {
        var badge = svgEl("g", { "class": "events", "data-count": p.events.length });
        badge.appendChild(svgEl("rect", { x: -17, y: 12, width: 34, height: 13, rx: 3, fill: "#9467bd",
                                          stroke: "#333333", "stroke-width": 0.5 }));
        badge.appendChild(svgEl("text", { x: 0, y: 22, "text-anchor": "middle", "font-size": 10,
          "font-family": "sans-serif", fill: "#ffffff" }, p.events.length + " ev."));
        g.appendChild(badge);
      }
      g.appendChild(svgEl("text", { x: 13, y: 4, "font-size": 12, "font-family": "sans-serif",
        fill: "#222222", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" }, p.label));
      g.addEventListener("click", function (ev) { ev.stopPropagation(); select(p.id); save(); });
      features[p.id] = { g: g, x: q[0], y: q[1] };
      marks.appendChild(g);
    });
    place();
  }
  // Apply the view: the viewBox, and each feature scaled to stay the same size on screen.
  function place() {
    var rect = container.getBoundingClientRect(), aspect = rect.height / Math.max(rect.width, 1);
    var h = view.w * aspect;
    svg.setAttribute("viewBox", [view.cx - view.w / 2, view.cy - h / 2, view.w, h]
      .map(function (v) { return v.toFixed(4); }).join(" "));
    var k = view.w / Math.max(rect.width, 1);
    state.unitsPerPixel = k;
    Object.keys(features).forEach(function (id) {
      var f = features[id];
      f.g.setAttribute("transform", "translate(" + f.x.toFixed(4) + " " + f.y.toFixed(4) + ") scale(" + k.toPrecision(6) + ")");
    });
  }
  function fit() {
    var rect = container.getBoundingClientRect();
    view.cx = full.x + full.w / 2; view.cy = full.y + full.h / 2;
    view.w = Math.max(full.w, full.h * rect.width / Math.max(rect.height, 1));
    place();
  }
  state.fit = fit;

  // Details.
  var details = document.getElementById("kg-details");
  function names(list) { return list.map(function (a) { return label[a] || a; }).join("; "); }
  function select(id) {
    var p = byId[id];
    state.selected = p ? id : null;
    Object.keys(features).forEach(function (k) { features[k].g.classList.toggle("chosen", k === id); });
    unplacedRows.forEach(function (li) { li.classList.toggle("chosen", li.getAttribute("data-id") === id); });
    details.replaceChildren();
    if (!p) { return; }
    var dl = el("dl");
    row(dl, "Label", p.label); row(dl, "Class", p.clsLabel);
    row(dl, "Point", p.wkt || "none: " + p.why);
    row(dl, "Claimed by", names(p.claimants)); row(dl, "Contested by", names(p.contesters));
    row(dl, "IRI", p.id); row(dl, "Wikidata", p.wikidata);
    details.appendChild(dl);
    data.claims.forEach(function (c) {
      if (c.places.indexOf(id) < 0) { return; }
      var d2 = el("dl");
      row(d2, "Claim", c.label); row(d2, "Evidence", c.quote, true); row(d2, "Source", c.source);
      details.appendChild(d2);
    });
    data.events.forEach(function (e) {
      if (e.places.indexOf(id) < 0) { return; }
      var d3 = el("dl");
      row(d3, e.clsLabel, e.label); row(d3, "Evidence", e.quote, true); row(d3, "Source", e.source);
      details.appendChild(d3);
    });
  }
  state.select = function (id) { select(id); save(); };

  function save() {
    if (state.restoring) { return; }
    S.writeState({
      hc: Object.keys(hidden).filter(function (k) { return hidden[k]; }).sort(),
      sel: state.selected || null,
      cx: state.moved ? view.cx.toFixed(4) : null,
      cy: state.moved ? view.cy.toFixed(4) : null,
      w: state.moved ? view.w.toPrecision(6) : null
    });
  }
  // Zoom with the wheel around the pointer; pan by dragging.
  function toMap(ev) {
    var rect = container.getBoundingClientRect(), k = view.w / rect.width;
    return [view.cx + (ev.clientX - rect.left - rect.width / 2) * k,
            view.cy + (ev.clientY - rect.top - rect.height / 2) * k];
  }
  container.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var before = toMap(ev), f = Math.exp(ev.deltaY * 0.0015);
    view.w = Math.min(full.w * 4, Math.max(full.w / 200, view.w * f));
    place();
    var after = toMap(ev);
    view.cx += before[0] - after[0]; view.cy += before[1] - after[1];
    place(); state.moved = true; save();
  }, { passive: false });
  var drag = null;
  container.addEventListener("pointerdown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, moved: false }; });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var k = view.w / container.getBoundingClientRect().width;
    view.cx -= (ev.clientX - drag.x) * k; view.cy -= (ev.clientY - drag.y) * k;
    if (ev.clientX !== drag.x || ev.clientY !== drag.y) { drag.moved = true; }
    drag.x = ev.clientX; drag.y = ev.clientY;
    place();
  });
  window.addEventListener("pointerup", function () {
    if (drag && drag.moved) { state.moved = true; save(); }
    drag = null;
  });
  document.getElementById("kg-fit").addEventListener("click", function () { fit(); state.moved = false; save(); });

  // Legend: each claimant's colour, a filter.
  var legend = document.getElementById("kg-legend");
  if (!data.claimants.length) { legend.appendChild(el("p", "No claim in the graph.", "muted")); }
  data.claimants.forEach(function (c) {
    var lab = el("label"), boxEl = el("input");
    boxEl.type = "checkbox"; boxEl.checked = !hidden[c.iri]; boxEl.setAttribute("data-claimant", c.iri);
    var sw = el("span", null, "swatch"); sw.style.background = c.color;
    lab.appendChild(boxEl); lab.appendChild(sw); lab.appendChild(el("span", c.label));
    boxEl.addEventListener("change", function () {
      hidden[c.iri] = !boxEl.checked; drawLines(); drawFeatures(); select(state.selected); save();
    });
    legend.appendChild(lab);
  });
  // Places with no point: listed apart, with why, never placed by guess.
  document.getElementById("kg-unplaced-count").textContent = "(" + data.unplaced.length + ")";
  if (!data.places.length) {
    document.getElementById("kg-status").textContent = "no place has a verified point";
  }
  var list = document.getElementById("kg-unplaced"), unplacedRows = [];
  data.unplaced.forEach(function (p) {
    var li = el("li");
    li.setAttribute("data-id", p.id);
    li.appendChild(el("span", p.label));
    li.appendChild(el("span", " \u2014 " + p.why, "why"));
    li.addEventListener("click", function () { state.select(p.id); });
    unplacedRows.push(li);
    list.appendChild(li);
  });

  // Exports: the map as SVG (the drawing, at its size on screen) and PNG, the places as CSV.
  function picture() {
    var rect = container.getBoundingClientRect(), copy = svg.cloneNode(true);
    copy.setAttribute("width", Math.round(rect.width)); copy.setAttribute("height", Math.round(rect.height));
    return copy;
  }
  state.svgText = function () { return S.serialise(picture()); };
  S.pictureExports(picture);
  document.getElementById("kg-export-csv").addEventListener("click", function () {
    var rows = data.places.concat(data.unplaced).map(function (p) {
      return [p.label, p.clsLabel, p.lon === undefined ? "" : p.lon, p.lat === undefined ? "" : p.lat,
              p.wkt || "", p.why || "", names(p.claimants), names(p.contesters), p.events.length, p.id];
    });
    var header = ["place", "class", "longitude", "latitude", "WKT", "why no point", "claimed by",
                  "contested by", "events", "IRI"];
    S.download(S.stem() + ".csv", new Blob([S.csv(header, rows)], { type: "text/csv;charset=utf-8" }));
  });
  var toggle = document.getElementById("kg-panel-toggle");
  toggle.addEventListener("click", function () {
    var open = document.body.classList.toggle("kg-panel-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  state.restoring = true;
  drawLines(); drawFeatures(); fit();
  var cx = parseFloat(S.value(saved, "cx")), cy = parseFloat(S.value(saved, "cy")), w = parseFloat(S.value(saved, "w"));
  if (isFinite(cx) && isFinite(cy) && w > 0) {
    view.cx = cx; view.cy = cy; view.w = Math.min(full.w * 4, Math.max(full.w / 200, w)); place(); state.moved = true;
  }
  var first = S.value(saved, "sel");
  if (first && byId[first]) { select(first); }
  state.restoring = false;
  window.addEventListener("resize", place);
  state.drawnMs = state.settledMs = performance.now();
  if (data.places.length) { document.getElementById("kg-status").textContent = "drawn"; }
  document.body.setAttribute("data-kg-state", "settled");
})();
