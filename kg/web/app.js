// The scs-kg workbench page. Everything it shows is written with textContent or DOM nodes,
// never as HTML; it talks only to the server that served it (the CSP forbids anything else).
"use strict";

const state = { catalog: null, chosen: null, last: null, doc: null, plans: null, view: "table", drawn: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function $(id) { return document.getElementById(id); }

function entityHref(iri) {
  return "/entity?" + new URLSearchParams({ iri: iri }).toString();
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let doc;
  try { doc = await response.json(); } catch (e) { doc = { error: response.statusText }; }
  if (!response.ok) throw new Error(doc.error || response.statusText);
  return doc;
}

function setStatus(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = kind || "";
}

// --- the catalog ---------------------------------------------------------------------------

function showCatalog() {
  const list = $("queries");
  list.replaceChildren();
  const word = $("filter").value.trim().toLowerCase();
  for (const q of state.catalog.queries) {
    const hay = (q.name + " " + q.summary + " " + q.tags.join(" ")).toLowerCase();
    if (word && !hay.includes(word)) continue;
    const button = el("button", { type: "button", class: "query", "data-name": q.name },
      el("span", { class: "name", text: q.name }),
      el("span", { class: "summary", text: q.summary }));
    button.addEventListener("click", () => choose(q.name));
    list.append(el("li", {}, button));
  }
}

const datalists = {};

async function choicesFor(type) {
  if (!(type in datalists)) {
    datalists[type] = getJSON("/api/choices?" + new URLSearchParams({ type: type })).then((items) => {
      const list = el("datalist", { id: "choices-" + type });
      for (const item of items) {
        list.append(el("option", { value: item.name, label: item.label || item.name }));
        if (item.label) list.append(el("option", { value: item.label, label: item.name }));
      }
      document.body.append(list);
      return list.id;
    }).catch(() => null);
  }
  return datalists[type];
}

async function choose(name) {
  const q = state.catalog.queries.find((x) => x.name === name);
  if (!q) return;
  state.chosen = q;
  for (const b of document.querySelectorAll("#queries button")) {
    b.classList.toggle("selected", b.dataset.name === name);
  }
  $("chosen").hidden = false;
  $("chosen-name").textContent = q.name;
  $("chosen-summary").textContent = q.summary;
  $("chosen-description").textContent = q.description;
  const fields = $("param-fields");
  fields.replaceChildren();
  if (!q.params.length) fields.append(el("p", { class: "hint", text: "No parameters." }));
  for (const p of q.params) {
    const id = "param-" + p.name;
    const input = el("input", {
      id: id, name: "p." + p.name, type: "text",
      placeholder: p.default !== null ? p.default : (p.optional ? "(optional)" : "(required)"),
      required: p.required, title: p.help,
    });
    const when = p.default !== null ? "default " + p.default : (p.optional ? "optional" : "required");
    fields.append(el("div", { class: "field" },
      el("label", { for: id }, el("span", { class: "pname", text: p.name }),
        el("span", { class: "ptype", text: " " + p.type + ", " + when })),
      input,
      el("small", { text: p.doc })));
    if (p.type === "entity" || p.type === "statement-type") {
      choicesFor(p.type).then((listId) => { if (listId) input.setAttribute("list", listId); });
    }
  }
}

function catalogFields() {
  const fields = { name: state.chosen.name };
  for (const input of $("param-fields").querySelectorAll("input")) {
    if (input.value.trim() !== "") fields[input.name] = input.value;
  }
  return fields;
}

// --- running and showing results ----------------------------------------------------------

// `fields` are /api/run's (`name` and `p.NAME`, or `query`); `text` the query's SPARQL (for its
// `#defaultView:`); `view` the view asked for by a link, if any.
async function run(fields, what, text, view) {
  setStatus("running " + what + " …", "busy");
  $("downloads").hidden = true;
  $("share").hidden = true;
  $("view-tabs").hidden = true;
  $("view").hidden = true;
  $("view").replaceChildren();
  $("results").replaceChildren();
  $("results").hidden = false;
  document.body.dataset.kgState = "running";
  try {
    const doc = await getJSON("/api/run?" + new URLSearchParams({ ...fields, format: "page" }));
    state.last = fields;
    showResult(doc, what);
    state.doc = doc;
    state.plans = kgViews.plans(doc);
    const wanted = [view, kgViews.defaultView(text)].find((v) => v && !state.plans[v].why);
    showTabs();
    await showView(wanted || "table");
    if (view && view !== "table" && view !== wanted) {  // a link asked for a view it cannot have
      const why = kgViews.VIEWS.includes(view) ? state.plans[view].why : "no such view";
      setStatus($("status").textContent + " · no " + view + " view: " + why, "ok");
    }
    const base = new URLSearchParams(fields);
    if (doc.kind !== "graph") {
      base.set("format", "csv");
      $("dl-csv").href = "/api/run?" + base.toString();
      base.set("format", "json");
      $("dl-json").href = "/api/run?" + base.toString();
      $("downloads").hidden = false;
    }
  } catch (err) {
    state.last = null;
    setStatus("error: " + err.message, "error");
  }
  document.body.dataset.kgState = "ready";
}

function cellNode(cell) {
  if (cell === null) return el("span", { class: "unbound" });
  if (cell.type === "uri") {
    // an IRI the graph does not describe (a Wikidata owl:sameAs) opens its own page, apart
    const link = cell.external
      ? el("a", { href: cell.external, title: cell.value, class: "external",
                  target: "_blank", rel: "noopener noreferrer" })
      : el("a", { href: entityHref(cell.value), title: cell.value });
    if (cell.label) {
      link.append(el("span", { class: "label", text: cell.label }), " ");
    }
    link.append(el("code", { text: cell.short }));
    return link;
  }
  const node = el("span", { class: cell.type, text: cell.value });
  if (cell.lang) node.append(el("sup", { class: "lang", text: "@" + cell.lang }));
  if (cell.datatype) node.append(el("sup", { class: "datatype", text: cell.datatype }));
  return node;
}

function showResult(doc, what) {
  const box = $("results");
  if (doc.kind === "ask") {
    setStatus(what + ": " + (doc.boolean ? "yes" : "no"), "ok");
    box.append(el("p", { class: "ask", text: doc.boolean ? "yes" : "no" }));
    return;
  }
  if (doc.kind === "graph") {
    setStatus(what + ": " + doc.count + " triples", "ok");
    box.append(el("pre", { class: "turtle", text: doc.turtle }));
    return;
  }
  const n = doc.rows.length;
  setStatus(what + ": " + (n === 0 ? "no rows" : n + (n === 1 ? " row" : " rows")), "ok");
  if (n === 0) return;
  const head = el("tr", {}, ...doc.vars.map((v) => el("th", { scope: "col", text: v })));
  const body = el("tbody");
  for (const row of doc.rows) {
    body.append(el("tr", {}, ...row.map((c) => el("td", {}, cellNode(c)))));
  }
  box.append(el("table", { class: "results" }, el("thead", {}, head), body));
}

// --- result views and the link to them ----------------------------------------------------

const VIEW_NAMES = { table: "Table", graph: "Graph", timeline: "Timeline", map: "Map" };

function showTabs() {
  const tabs = $("view-tabs");
  tabs.replaceChildren();
  if (state.doc.kind !== "select" || !state.doc.rows.length) return;
  for (const name of kgViews.VIEWS) {
    const plan = state.plans[name];
    const tab = el("button", { type: "button", role: "tab", class: "view-tab", "data-view": name,
                               disabled: Boolean(plan.why), title: plan.why || null,
                               text: VIEW_NAMES[name] });
    tab.addEventListener("click", () => showView(name));
    tabs.append(tab);
  }
  tabs.hidden = false;
}

async function showView(name) {
  state.view = name;
  for (const tab of $("view-tabs").querySelectorAll("button")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  share();
  const box = $("view");
  box.dataset.drawn = "";
  $("results").hidden = name !== "table";
  box.hidden = name === "table";
  state.drawn = null;
  if (name === "table") { box.replaceChildren(); return; }
  try {
    state.drawn = await kgViews.draw(box, state.doc, name, state.plans[name]);
    if (state.view !== name) return;  // another view was asked for meanwhile
    box.dataset.drawn = name;
    const status = $("status").textContent.replace(/ · .*$/, "");
    setStatus(status + " · " + VIEW_NAMES[name].toLowerCase() + ": " + state.drawn.note, "ok");
  } catch (err) {
    setStatus("error: cannot draw the " + name + ": " + err.message, "error");
  }
}

// The link that opens this page with the last query (and its parameters and view) and runs it.
function linkTo(fields, view) {
  const params = new URLSearchParams(fields);
  if (view && view !== "table") params.set("view", view);
  return location.origin + location.pathname + "?" + params.toString();
}

function share() {
  if (!state.last) return;
  const link = linkTo(state.last, state.view);
  $("share-link").value = link;
  $("share").hidden = false;
  history.replaceState(null, "", link);
}

async function copyLink() {
  const input = $("share-link");
  input.focus();
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    $("copy-link").textContent = "Copied";
  } catch (err) {
    $("copy-link").textContent = "Selected: copy it";  // no clipboard here: the text is selected
  }
  setTimeout(() => { $("copy-link").textContent = "Copy link"; }, 1500);
}

// --- SPARQL highlighting (CodeMirror 5's SPARQL mode, run over the text) -------------------

const MAX_HIGHLIGHT = 200000;  // characters; a longer query is shown plain

function highlight() {
  const text = $("editor").value;
  const pre = $("editor-highlight");
  const out = document.createDocumentFragment();
  if (window.CodeMirror && CodeMirror.runMode && text.length <= MAX_HIGHLIGHT) {
    CodeMirror.runMode(text, "sparql", (token, style) => {
      out.append(style ? el("span", { class: "cm-" + style.replace(/ +/g, " cm-"), text: token }) : token);
    });
  } else {
    out.append(text);
  }
  out.append("\n");  // the textarea's last line, even when empty
  pre.replaceChildren(out);
  syncScroll();
}

function syncScroll() {
  const pre = $("editor-highlight"), editor = $("editor");
  pre.scrollTop = editor.scrollTop;
  pre.scrollLeft = editor.scrollLeft;
}

function setEditor(text) {
  $("editor").value = text;
  highlight();
}

// --- start ---------------------------------------------------------------------------------

async function start() {
  try {
    state.catalog = await getJSON("/api/catalog");
  } catch (err) {
    setStatus("error: cannot read the catalog: " + err.message, "error");
    return;
  }
  const names = Object.keys(state.catalog.prefixes);
  $("prefix-list").textContent = names.map((p) => p + ":").join(" ");
  const main = ["kg", "ent", "rdfs", "skos"];
  setEditor(main.map((p) => "PREFIX " + p + ": <" + state.catalog.prefixes[p] + ">").join("\n") +
    "\n\nSELECT ?state ?label WHERE {\n  ?state a kg:State ; rdfs:label ?label .\n}\nORDER BY ?label\n");
  showCatalog();
  $("filter").addEventListener("input", showCatalog);
  $("params").addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.chosen) run(catalogFields(), state.chosen.name, state.chosen.sparql);
  });
  $("to-editor").addEventListener("click", () => {
    if (state.chosen) { setEditor(state.chosen.sparql); $("editor").focus(); }
  });
  $("run-sparql").addEventListener("click", () => {
    const text = $("editor").value;
    run({ query: text }, "SPARQL", text);
  });
  $("editor").addEventListener("input", highlight);
  $("editor").addEventListener("scroll", syncScroll);
  $("copy-link").addEventListener("click", copyLink);
  $("editor").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("run-sparql").click();
    }
  });
  // A link: `?q=NAME` chooses a catalog query; `?name=NAME&p.PARAM=VALUE` runs it with those
  // parameters, `?query=SPARQL` runs that SPARQL; `&view=graph|timeline|map|table` shows a view.
  const asked = new URLSearchParams(location.search);
  const view = (asked.get("view") || "").toLowerCase();
  const name = asked.get("name") || asked.get("q");
  if (name) await choose(name);
  if (asked.has("name") && state.chosen) {
    for (const input of $("param-fields").querySelectorAll("input")) {
      const value = asked.get(input.name);
      if (value !== null) input.value = value;
    }
    await run(catalogFields(), state.chosen.name, state.chosen.sparql, view);
  } else if (asked.has("name")) {
    setStatus("error: no catalog query named " + asked.get("name"), "error");
  } else if (asked.get("query")) {
    setEditor(asked.get("query"));
    await run({ query: asked.get("query") }, "SPARQL", asked.get("query"), view);
  }
  document.body.dataset.kgState = "ready";
}

window.kgWorkbenchDrawn = () => state.drawn;  // what the shown view drew (for tests)
document.addEventListener("DOMContentLoaded", start);
