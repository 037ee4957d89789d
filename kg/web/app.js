// The scs-kg workbench page. Everything it shows is written with textContent or DOM nodes,
// never as HTML; it talks only to the server that served it (the CSP forbids anything else).
"use strict";

const state = { catalog: null, chosen: null, last: null };

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

async function run(fields, what) {
  setStatus("running " + what + " …", "busy");
  $("downloads").hidden = true;
  $("results").replaceChildren();
  document.body.dataset.kgState = "running";
  try {
    const doc = await getJSON("/api/run?" + new URLSearchParams({ ...fields, format: "page" }));
    state.last = fields;
    showResult(doc, what);
    const base = new URLSearchParams(fields);
    if (doc.kind !== "graph") {
      base.set("format", "csv");
      $("dl-csv").href = "/api/run?" + base.toString();
      base.set("format", "json");
      $("dl-json").href = "/api/run?" + base.toString();
      $("downloads").hidden = false;
    }
  } catch (err) {
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
  $("editor").value = main.map((p) => "PREFIX " + p + ": <" + state.catalog.prefixes[p] + ">").join("\n") +
    "\n\nSELECT ?state ?label WHERE {\n  ?state a kg:State ; rdfs:label ?label .\n}\nORDER BY ?label\n";
  showCatalog();
  $("filter").addEventListener("input", showCatalog);
  $("params").addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.chosen) run(catalogFields(), state.chosen.name);
  });
  $("to-editor").addEventListener("click", () => {
    if (state.chosen) { $("editor").value = state.chosen.sparql; $("editor").focus(); }
  });
  $("run-sparql").addEventListener("click", () => run({ query: $("editor").value }, "SPARQL"));
  $("editor").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("run-sparql").click();
    }
  });
  const wanted = new URLSearchParams(location.search).get("q");
  if (wanted) choose(wanted);
  document.body.dataset.kgState = "ready";
}

document.addEventListener("DOMContentLoaded", start);
