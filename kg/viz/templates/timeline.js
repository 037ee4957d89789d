(function () {
  "use strict";
  var S = window.kgShare, el = S.el, row = S.row;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var actorLabel = {}, sourceTitle = {}, byId = {};
  data.actors.forEach(function (a) { actorLabel[a.iri] = a.label; });
  data.sources.forEach(function (s) { sourceTitle[s.iri] = s.title; });
  data.items.concat(data.undated).forEach(function (i) { byId[i.id] = i; });
  var saved = S.readState();
  var mode = S.value(saved, "g") === "source" ? "source" : "actor";
  var hiddenKeys = {}, hiddenSources = {};
  S.list(saved, "hk").forEach(function (k) { hiddenKeys[k] = true; });
  S.list(saved, "hs").forEach(function (k) { hiddenSources[k] = true; });
  var NONE = "\u0000none";
  // A calendar day "YYYY-MM-DD" as midnight UTC (the axis is drawn in UTC: no time zone shifts it).
  function day(text) {
    var p = text.split("-"), d = new Date(Date.UTC(2000, +p[1] - 1, +p[2]));
    d.setUTCFullYear(+p[0]);
    return d;
  }
  function groupOf(item) {
    var keys = mode === "actor" ? item.actors : item.source;
    return keys.length ? keys[0] : NONE;
  }
  function groupLabel(key) {
    if (key === NONE) { return mode === "actor" ? "(no actor)" : "(no source)"; }
    return (mode === "actor" ? actorLabel[key] : sourceTitle[key]) || key;
  }
  function visible(item) {
    if (hiddenKeys[item.key]) { return false; }
    return !item.source.length || item.source.some(function (s) { return !hiddenSources[s]; });
  }
  var items = new vis.DataSet(data.items.map(function (i) {
    return { id: i.id, start: day(i.start), end: day(i.end), type: "range", group: groupOf(i),
             text: i.label, className: i.kind === "Statement" ? "kg-statement" : "kg-event",
             style: "background-color: " + i.color + "; border-color: " + i.color + ";" };
  }));
  var groups = new vis.DataSet();
  function regroup() {
    var keys = {};
    data.items.forEach(function (i) { if (visible(i)) { keys[groupOf(i)] = true; } });
    var rows = Object.keys(keys).map(function (k) { return { id: k, text: groupLabel(k) }; });
    rows.sort(function (a, b) {
      return (a.id === NONE) - (b.id === NONE) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0) ||
        (a.id < b.id ? -1 : 1);
    });
    rows.forEach(function (r, n) { r.order = n; });
    groups.clear();
    groups.add(rows);
  }
  var shown = new vis.DataView(items, { filter: function (it) { return visible(byId[it.id]); } });
  regroup();
  var options = {
    moment: function (date) { return vis.moment(date).utc(); },
    stack: true, orientation: "top", verticalScroll: true, horizontalScroll: false,
    zoomKey: "", showCurrentTime: false, selectable: true, multiselect: false,
    margin: { item: { horizontal: 2, vertical: 4 } }, height: "100%",
    groupOrder: "order", showTooltips: false,  // its tooltip parses HTML: ours below is text
    // Labels are set as text: never parsed as HTML.
    template: function (item) { return el("span", item.text); },
    groupTemplate: function (group) { return group ? el("span", group.text) : el("span", ""); }
  };
  // The window that holds every item the filters keep, with a margin, read from the data.
  // vis-timeline's own fit draws and measures every item first (twice when the page opens: it
  // fits again on its first drawing), and a window given in its options at construction makes
  // it measure them again at each redraw: with thousands of items, seconds. So the page sets
  // the window itself before the first drawing and tells the library its fit is done.
  function extent() {
    var lo = null, hi = null;
    data.items.forEach(function (i) {
      if (!visible(i)) { return; }
      if (lo === null || i.start < lo) { lo = i.start; }
      if (hi === null || i.end > hi) { hi = i.end; }
    });
    if (lo === null) { return null; }
    var a = day(lo).valueOf(), b = day(hi).valueOf(), pad = Math.max((b - a) * 0.03, 864e5);
    return { start: new Date(a - pad), end: new Date(b + pad) };
  }
  var from = +S.value(saved, "from"), to = +S.value(saved, "to");
  var windowed = from && to && from < to;
  var container = document.getElementById("kg-timeline");
  var timeline = new vis.Timeline(container, shown, groups, options);
  var opening = windowed ? { start: new Date(from), end: new Date(to) } : extent();
  if (opening) { timeline.setWindow(opening.start, opening.end, { animation: false }); }
  timeline.initialFitDone = true;  // vis-timeline 8.5.4 (vendored): no fit of its own
  var status = document.getElementById("kg-status");
  var state = { timeline: timeline, items: items, shown: shown, groups: groups, data: data,
                dated: data.items.length, undated: data.undated.length, mode: mode };
  window.kgTimeline = state;
  var groupBy = document.getElementById("kg-group-by");
  groupBy.value = mode;

  function save() {
    var w = timeline.getWindow(), sel = state.selected || null;
    S.writeState({
      g: mode === "actor" ? null : mode,
      hk: Object.keys(hiddenKeys).filter(function (k) { return hiddenKeys[k]; }).sort(),
      hs: Object.keys(hiddenSources).filter(function (k) { return hiddenSources[k]; }).sort(),
      sel: sel,
      from: state.windowSet ? String(w.start.valueOf()) : null,
      to: state.windowSet ? String(w.end.valueOf()) : null
    });
  }
  state.save = save;
  state.windowSet = !!windowed;

  // Details.
  var details = document.getElementById("kg-details");
  function show(item) {
    details.replaceChildren();
    var dl = el("dl");
    row(dl, "Label", item.full); row(dl, "Class", item.clsLabel);
    row(dl, "When", item.start ? (item.when ? item.when + ": " : "") + item.precision + " " +
        item.start + " \u2026 " + item.end + " (end excluded)" : (item.when || "no time") + " (undated)");
    row(dl, "Status", item.status);
    row(dl, "Actors", item.actors.map(function (a) { return actorLabel[a] || a; }).join("; "));
    row(dl, "Also involves", item.others.join("; "));
    row(dl, "Statement type", item.statementType); row(dl, "CAMEO", item.cameo);
    row(dl, "IRI", item.id);
    row(dl, "Evidence", item.quote, true);
    row(dl, "Source", item.source.map(function (s) { return sourceTitle[s] || s; }).join("; "));
    row(dl, "Source IRI", item.source.join(" "));
    details.appendChild(dl);
  }
  function select(id) {
    var item = byId[id];
    state.selected = item ? id : null;
    undatedRows.forEach(function (li) { li.classList.toggle("chosen", li.getAttribute("data-id") === id); });
    if (!item) { timeline.setSelection([]); return; }
    timeline.setSelection(item.start && visible(item) ? [id] : []);
    show(item);
  }
  state.select = function (id) { select(id); save(); };
  timeline.on("select", function (p) { select(p.items.length ? p.items[0] : null); save(); });
  timeline.on("rangechanged", function (p) { if (p.byUser) { state.windowSet = true; save(); } });
  // The tooltip of an item: its label, time and span, as text.
  var tip = el("div", null, "kg-tip");
  tip.hidden = true;
  document.body.appendChild(tip);
  timeline.on("itemover", function (p) {
    var i = byId[p.item];
    if (!i) { return; }
    tip.textContent = i.full + "\n" + (i.when ? i.when + " \u2014 " : "") + i.start + " \u2026 " + i.end;
    tip.style.left = (p.event.clientX + 12) + "px"; tip.style.top = (p.event.clientY + 12) + "px";
    tip.hidden = false;
  });
  timeline.on("itemout", function () { tip.hidden = true; });

  // Legend: what each colour means, each a filter.
  function refilter() {
    shown.refresh();
    regroup();
    listUndated(true);
    counted();
  }
  var legend = document.getElementById("kg-legend");
  data.legend.forEach(function (c) {
    var label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = !hiddenKeys[c.key]; box.setAttribute("data-key", c.key);
    var sw = el("span", null, "swatch"); sw.style.background = c.color;
    label.appendChild(box); label.appendChild(sw); label.appendChild(el("span", c.label + " (" + c.count + ")"));
    box.addEventListener("change", function () { hiddenKeys[c.key] = !box.checked; refilter(); save(); });
    legend.appendChild(label);
  });
  // One box per source. Past SOURCES_SHOWN sources (a corpus of thousands of articles) the
  // boxes sit in a folded list, made when it is first opened: laid out at once, they would hold
  // the first drawing back.
  var SOURCES_SHOWN = 50;
  var sources = document.getElementById("kg-sources");
  function sourceBoxes(into) {
    data.sources.forEach(function (s) {
      var label = el("label"), box = el("input");
      box.type = "checkbox"; box.checked = !hiddenSources[s.iri]; box.setAttribute("data-source", s.iri);
      label.appendChild(box); label.appendChild(el("span", s.title)); label.title = s.iri;
      box.addEventListener("change", function () { hiddenSources[s.iri] = !box.checked; refilter(); save(); });
      into.appendChild(label);
    });
  }
  if (data.sources.length <= SOURCES_SHOWN) { sourceBoxes(sources); } else {
    var fold = el("details"), hiddenCount = Object.keys(hiddenSources).length;
    fold.id = "kg-sources-fold";
    fold.appendChild(el("summary", data.sources.length + " sources" +
                        (hiddenCount ? " (" + hiddenCount + " hidden)" : "")));
    fold.addEventListener("toggle", function () {
      if (fold.open && !fold.querySelector("label")) { sourceBoxes(fold); }
    });
    sources.appendChild(fold);
  }
  groupBy.addEventListener("change", function () {
    mode = state.mode = groupBy.value === "source" ? "source" : "actor";
    items.update(data.items.map(function (i) { return { id: i.id, group: groupOf(i) }; }));
    regroup();
    save();
  });
  document.getElementById("kg-fit").addEventListener("click", function () {
    var all = extent();
    if (all) { timeline.setWindow(all.start, all.end, { animation: false }); }
    state.windowSet = false; save();
  });

  // What has no date: listed apart, with its count (of those the filters keep). The list
  // shows them UNDATED_PAGE at a time (a button adds the next ones): thousands of rows laid out
  // at once would hold the page's first drawing for seconds.
  var UNDATED_PAGE = 500;
  var list = document.getElementById("kg-undated"), undatedRows = [], listed = 0;
  var more = el("button", null, "kg-more");
  more.type = "button"; more.id = "kg-undated-more";
  list.parentNode.insertBefore(more, list.nextSibling);
  function undatedRow(i) {
    var li = el("li");
    li.setAttribute("data-id", i.id);
    li.appendChild(el("span", i.full));
    if (i.when) { li.appendChild(el("span", " \u2014 " + i.when, "when")); }
    li.addEventListener("click", function () { state.select(i.id); });
    if (i.id === state.selected) { li.classList.add("chosen"); }
    return li;
  }
  // List the next page of the undated facts the filters keep (from the first, if `restart`).
  function listUndated(restart) {
    if (restart) { list.replaceChildren(); undatedRows = []; listed = 0; }
    var keep = data.undated.filter(visible), rows = [];
    keep.slice(listed, listed + UNDATED_PAGE).forEach(function (i) { rows.push(undatedRow(i)); });
    list.append.apply(list, rows);
    undatedRows = undatedRows.concat(rows);
    listed += rows.length;
    var left = keep.length - listed;
    more.hidden = left <= 0;
    more.textContent = "Show " + Math.min(left, UNDATED_PAGE) + " more (" + left + " not listed)";
    state.listedUndated = listed;
  }
  more.addEventListener("click", function () { listUndated(false); });
  listUndated(true);

  // Exports: the drawing as SVG and PNG, the facts as CSV.
  function svg() { return S.domToSvg(container); }
  state.svg = function () { return S.serialise(svg()); };
  S.pictureExports(svg);
  document.getElementById("kg-export-csv").addEventListener("click", function () {
    var rows = data.items.concat(data.undated).filter(visible).map(function (i) {
      return [i.start || "", i.end || "", i.precision || "", i.when, i.clsLabel, i.full,
              i.actors.map(function (a) { return actorLabel[a] || a; }).join("; "),
              i.statementType, i.cameo, i.quote,
              i.source.map(function (s) { return sourceTitle[s] || s; }).join("; "), i.id];
    });
    var header = ["start", "end (excluded)", "precision", "time as given", "class", "label",
                  "actors", "statement type", "CAMEO", "quote", "source", "IRI"];
    S.download(S.stem() + ".csv", new Blob([S.csv(header, rows)], { type: "text/csv;charset=utf-8" }));
  });
  var toggle = document.getElementById("kg-panel-toggle");
  toggle.addEventListener("click", function () {
    var open = document.body.classList.toggle("kg-panel-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  function counted() {
    var left = data.undated.filter(visible).length;
    document.getElementById("kg-undated-count").textContent = "(" +
      (left === data.undated.length ? left : left + " of " + data.undated.length) + ")";
    state.shownUndated = left;
    state.hiddenKeys = Object.keys(hiddenKeys).filter(function (k) { return hiddenKeys[k]; }).sort();
    state.hiddenSources = Object.keys(hiddenSources).filter(function (k) { return hiddenSources[k]; }).sort();
    state.shownItems = shown.length;
  }
  counted();  // the view was built with the saved filters: nothing to draw again
  var first = S.value(saved, "sel");
  if (first && byId[first]) { select(first); }
  function settled() {
    if (state.settledMs !== undefined) { return; }
    state.drawnMs = state.settledMs = performance.now();
    status.textContent = data.items.length ? "drawn" : "nothing dated to draw";
    document.body.setAttribute("data-kg-state", "settled");
  }
  timeline.on("changed", function () { window.setTimeout(settled, 0); });
  if (!data.items.length) { settled(); }
})();
