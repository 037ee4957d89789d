"""`kg serve`: the project's own query page and a read-only SPARQL 1.1 Protocol endpoint.

One `http.server.ThreadingHTTPServer` on the loopback interface answers through the project's
own engine (the embedded Oxigraph of `kg.engines.embedded`, so every check the engine makes
applies here). Each query runs in a forked process (`kg.engines.timeout.run_with_timeout`),
ended at its request's deadline; there is no temporary store: a killed `kg serve` leaves no
file behind (a query's process running at that moment runs on until its query ends).

- `/` the workbench page: the catalog with each query's summary and a form for its parameters,
  a SPARQL editor that knows the project's prefixes and highlights SPARQL, results as a table
  of labels linked to entity pages or drawn as a graph, a timeline or a map when their
  variables allow, CSV and JSON downloads, a link that reopens a query and its view (`kg/web/`).
  Its scripts, stylesheets, libraries and basemap come from this server (`_STATIC`) and a
  strict Content-Security-Policy forbids every other request.
- `/query` the SPARQL 1.1 Protocol (GET, form POST, `application/sparql-query` POST), read-only.
- `/api/catalog`, `/api/run`, `/api/choices` what the page asks; `/entity?iri=...` what the
  graph knows about an entity, each fact with its quote, as `kg describe` prints it.

What a user sends is never pasted into HTML or SPARQL: parameters are bound as RDF terms by
`kg.catalog`, pages are built with `textContent` or `html.escape`.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import io
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterator
from importlib import resources
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import catalog, formats, prefixes
from kg.api import KnowledgeGraph
from kg.engines.base import QueryDataset, is_update
from kg.engines.timeout import deadline
from kg.errors import InputError, KgError, QueryTimeout
from kg.namespaces import BASE
from kg.results import Result, short, write
from kg.sandbox import MAX_QUERY_BYTES

# The stylesheets vis-timeline's standalone build (kg/viz/vendor/) writes into the page as
# <style> elements when the timeline view loads: allowed by their SHA-256 and nothing else (a
# test in Chromium fails on any style the policy blocks, so a new vis-timeline shows here). The
# first is the empty text each element has when it is put in the page, before its rules.
TIMELINE_STYLES = (
    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "ATJNJCL6Wpn/tPBpNaKy3Ig13EdPxHee6ABd7iI5mws=",
    "4cgFR0//m8/eHo2G/esYsuZetUHlzCUWYM59sfgE9zY=",
    "gGUn/VMBXCeWm86qX/pOf+4ZDSbe0JcaXXb4rJjw1mA=",
    "QuPewnJYr+SnQiTnCNHFBw99ExTsz9f8w5320PimEPw=",
    "v0QGAkPIWT/V4bfkkxL6vDfyRDULSXZUBrHxAFR30lY=",
    "c5RgAgDBfjnEymw+IboUyFPkkpdh8YEBSEryb+t1dMk=",
    "Pp9TeUBeLNGvSpG/WQNr6F3PYBi3hh26KmQ3FkCtS/s=",
    "JpD3E+Z6xKRloIXUfvynO2x74VKoQhS46cmzKyphJl4=",
    "XBP/Oxjt3ECoRQDQ/Oy5mLhrX1dQxCIiptFACGjUcTs=",
    "q+AlK1feXh8YLw+gxDqtezQZl8UqsWOM3W5c0pt//tg=",
    "w0Te9S8PSkCwFxTBObrIR3XmcxltdxckbplgXIG85qk=",
    "U3cY7+F4GcTGxjocx4JSltmifCzwxxzq20dqKX4Tpyc=",
    "baaZQ3ax85WnC7GoHJg/b0c0Mc2RCKGK73AZ1RkuJn8=",
    "w6U1+htdQc1k4FTNbX5Rk8gOIBBM7jVgmCKvXCQklGE=",
)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' "
    + " ".join(f"'sha256-{h}'" for h in TIMELINE_STYLES)
    + "; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
MAX_BODY = MAX_QUERY_BYTES  # a request body (a query) of more than 1 MiB is refused
IDLE_TIMEOUT = 20.0
"""Seconds a connection may take to send a whole request (or stay idle between requests)."""
BACKLOG = 128  # connections the system queues while every handler is busy
MAX_CONNECTIONS = 64  # connections answered at once; more wait in the backlog
MAX_ANSWER = 64 << 20  # bytes a query's process hands back (about 150,000 rows), else 400
_QUERYING = {"/query", "/api/run", "/entity"}  # the routes that run forked queries
MAX_LABELS = 5000  # labels are looked up for at most this many IRIs of one answer
_JS, _CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
_STATIC = {  # path: (package, file in it, media type)
    "/": ("kg.web", "index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("kg.web", "app.js", _JS),
    "/static/views.js": ("kg.web", "views.js", _JS),
    "/static/app.css": ("kg.web", "app.css", _CSS),
    # SPARQL highlighting: CodeMirror 5's run-mode and SPARQL mode (kg/web/vendor/, MIT)
    "/static/vendor/codemirror-runmode.js": (
        "kg.web",
        "vendor/codemirror-5.65.21/runmode-standalone.js",
        _JS,
    ),
    "/static/vendor/codemirror-sparql.js": ("kg.web", "vendor/codemirror-5.65.21/sparql.js", _JS),
    # the result views: the libraries and the basemap the views of `kg viz` inline
    "/static/vendor/vis-network.min.js": (
        "pyvis",
        "templates/lib/vis-9.1.2/vis-network.min.js",
        _JS,
    ),
    "/static/vendor/vis-network.css": ("pyvis", "templates/lib/vis-9.1.2/vis-network.css", _CSS),
    "/static/vendor/vis-timeline-graph2d.min.js": (
        "kg.viz",
        "vendor/vis-timeline-8.5.4/vis-timeline-graph2d.min.js",
        _JS,
    ),
    "/static/basemap.json": (  # kg.viz.map.BASEMAP (not imported: the server starts light)
        "kg.viz",
        "vendor/natural-earth/south-china-sea-50m.json",
        "application/json",
    ),
}
# What /query answers in (`kg.formats` names -> Content-Type, from pyoxigraph's formats); an
# `Accept` header is read as pyoxigraph reads media types (`formats.results_name`, `rdf_name`).
_RESULT_TYPES = {name: formats.content_type(name, results=True) for name in formats.RESULTS}
_GRAPH_TYPES = {name: formats.content_type(name) for name in ("nt", "turtle", "json-ld")}


# Which methods each route serves (any other is 405 with `Allow`); /query also answers CORS.
_PAGE_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
_ALLOW: dict[str, tuple[str, ...]] = {
    "/query": _PAGE_METHODS,
    "/api/catalog": _PAGE_METHODS,
    "/api/choices": _PAGE_METHODS,
    "/api/run": _PAGE_METHODS,
    "/entity": _PAGE_METHODS,
    **{path: ("GET", "HEAD", "OPTIONS") for path in _STATIC},
}
_READ_ONLY = {"/update", "/store"}  # what a writing client asks for: refused whatever the method
CORS = {"Access-Control-Allow-Origin": "*"}
"""The header every answer of the read-only /query endpoint carries (errors too), so that a
page from any origin (a browser-hosted YASGUI) may read it; nothing else is shared so."""
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "600",
}
"""What an OPTIONS preflight to /query answers besides CORS: the methods and headers allowed."""

# --- the SPARQL 1.1 Service Description of /query -----------------------------------------
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {  # https://www.w3.org/ns/formats/ for each format /query answers in
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "nt": "N-Triples",
    "turtle": "Turtle",
    "json-ld": "JSON-LD",
}
_DESCRIPTION_TYPES = {  # the service description's formats (`kg.formats` names) -> Content-Type
    name: formats.content_type(name) for name in ("turtle", "xml", "json-ld", "nt")
}
_DESCRIPTION_PREFIXES = {
    "sd": SD,
    "formats": FORMATS,
    "void": "http://rdfs.org/ns/void#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


# An IRI outside the graph opens its own page: these on the address people read (https).
_OWN_PAGES = (
    (
        re.compile(r"https?://www\.wikidata\.org/entity/(Q[1-9][0-9]*)"),
        "https://www.wikidata.org/wiki/",
    ),
    (
        re.compile(r"https?://www\.wikidata\.org/(?:entity|prop/direct)/(P[1-9][0-9]*)"),
        "https://www.wikidata.org/wiki/Property:",
    ),
)


_NOT_IN_IRI = set('<>"{}|^`\\ ')


def own_page(iri: str) -> str | None:
    """The web page of an IRI the graph does not describe: Wikidata's for a Wikidata item or
    property, the IRI itself for another http(s) IRI, else None (nothing to open)."""
    for pattern, page in _OWN_PAGES:
        m = pattern.fullmatch(iri)
        if m:
            return page + m.group(1)
    if re.match(r"https?://[^/?#]", iri) and iri.isprintable() and not _NOT_IN_IRI & set(iri):
        return iri
    return None


class Refused(KgError):
    """A request the server will not answer: its HTTP status, one line saying why, and the
    headers that go with it (a 405's `Allow`)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def parse_port(value: str) -> int:
    """Return a TCP port from text: an integer from 1 to 65535, else a one-line InputError."""
    text = value.strip()
    if not re.fullmatch(r"\d{1,5}", text) or not 1 <= int(text) <= 65535:
        raise InputError(f"--port {value!r}: want an integer from 1 to 65535")
    return int(text)


@functools.cache
def _asset(package: str, name: str) -> bytes:
    """A file the page loads, as served: a library's without its source map comment (the page
    asks for nothing the server does not have)."""
    try:
        data = resources.files(package).joinpath(name).read_bytes()
    except (OSError, ModuleNotFoundError) as exc:
        raise KgError(f"the workbench's file {package}/{name} is missing: {exc}") from None
    return re.sub(rb"\n(?://# sourceMappingURL=\S*|/\*# sourceMappingURL=\S* \*/)\s*$", b"\n", data)


class Workbench:
    """What the server answers with: the graph behind the project's engine, and its catalog."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph
        self._lock = threading.Lock()
        self._sizes: tuple[int, list[tuple[str, int]]] | None = None

    # --- the page's API --------------------------------------------------------------

    def catalog(self) -> dict[str, Any]:
        """The catalog for the page: every query with its header, parameters and SPARQL."""
        return {
            "prefixes": dict(prefixes.KNOWN),
            "queries": [
                {
                    "name": q.name,
                    "summary": q.summary,
                    "description": q.description,
                    "tags": list(q.tags),
                    "params": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "default": p.default,
                            "optional": p.optional,
                            "required": p.required,
                            "doc": p.doc,
                            "help": catalog.TYPES[p.type],
                        }
                        for p in q.params
                    ],
                    "sparql": q.text,
                }
                for q in self.graph.catalog().values()
            ],
        }

    def choices(self, kind: str) -> list[dict[str, str]]:
        """The values of a parameter type, by short name and label, for the form's suggestions."""
        if kind not in catalog.CHOICES:
            raise Refused(400, f"no choices for type {kind!r}")
        with self._lock:
            options = self.graph.choices(kind)
        return [
            {"name": catalog.local_name(v), "label": labels[0] if labels else ""}
            for v, labels in sorted(options.items())
        ]

    def run(self, fields: dict[str, str]) -> Result:
        """Run a catalog query (`name` and `p.NAME` fields) or ad-hoc SPARQL (`query`)."""
        name = fields.get("name", "")
        if name:
            values = {k[2:]: v for k, v in fields.items() if k.startswith("p.") and v != ""}
            return self.graph.query(name, values)
        text = fields.get("query", "")
        if not text.strip():
            raise Refused(400, "no query: give `name` (a catalog query) or `query` (SPARQL)")
        return self.sparql(text)

    def sparql(self, text: str, dataset: QueryDataset | None = None) -> Result:
        """Run read-only SPARQL (over the protocol's `dataset`, if given); an Update is refused."""
        if is_update(text):
            raise Refused(403, "this server is read-only: SPARQL Update is refused")
        result = self.graph.sparql(text, dataset=dataset)
        assert result is not None
        return result

    def labels(self, iris: list[URIRef]) -> dict[str, str]:
        """Return a label for each IRI that has one (rdfs:label, then skos:prefLabel)."""
        if not iris:
            return {}
        values = " ".join(i.n3() for i in iris[:MAX_LABELS])
        text = (
            "SELECT ?s ?l ?rank WHERE { VALUES ?s { " + values + " } "
            "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l BIND(0 AS ?rank) } UNION "
            "{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l BIND(1 AS ?rank) } }"
        )
        best: dict[str, tuple[int, int, str]] = {}
        for s, label, rank in self.graph.engine.run(text).rows:
            if not isinstance(label, Literal):
                continue
            lang = label.language or ""
            key = (int(str(rank)), 0 if lang in ("", "en") else 1, str(label))
            if str(s) not in best or key < best[str(s)]:
                best[str(s)] = key
        return {s: k[2] for s, k in sorted(best.items())}

    def outside(self, iris: list[URIRef]) -> dict[str, str]:
        """Of these IRIs, those the graph does not describe (never the project's own), with the
        page each opens instead of an empty entity page (Wikidata's for `owl:sameAs` links)."""
        pages = {str(i): own_page(str(i)) for i in iris if not str(i).startswith(BASE)}
        candidates = sorted(URIRef(i) for i, page in pages.items() if page)[:MAX_LABELS]
        if not candidates:
            return {}
        text = (
            "SELECT DISTINCT ?s WHERE { VALUES ?s { "
            + " ".join(i.n3() for i in candidates)
            + " } ?s ?p ?o }"
        )
        described = {str(row[0]) for row in self.graph.engine.run(text).rows}
        return {
            str(i): page
            for i in candidates
            if str(i) not in described and (page := pages[str(i)]) is not None
        }

    def page_result(self, result: Result) -> dict[str, Any]:
        """A result for the page: cells with short names and labels; triples as Turtle."""
        if result.kind == "ask":
            return {"kind": "ask", "boolean": bool(result.boolean)}
        if result.kind == "graph":
            return {
                "kind": "graph",
                "turtle": write(result, "turtle"),
                "count": len(result.triples),
            }
        rows = result.rows
        iris = sorted({t for row in rows for t in row if isinstance(t, URIRef)})
        labels = self.labels(iris)
        outside = self.outside(iris)
        return {
            "kind": "select",
            "vars": result.vars,
            "rows": [[_cell(t, labels, outside) for t in row] for row in rows],
        }

    # --- the endpoint's service description ---------------------------------------------

    def graph_sizes(self) -> tuple[int, list[tuple[str, int]]]:
        """The triples of the default graph (the union) and of each named graph, by name."""
        with self._lock:
            if self._sizes is None:
                engine = self.graph.engine
                total = engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
                named = engine.run(
                    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                    "GROUP BY ?g ORDER BY ?g"
                ).rows
                self._sizes = (
                    int(str(total)),
                    [(str(g), int(str(n))) for g, n in named if isinstance(g, URIRef)],
                )
            return self._sizes

    def description(self, endpoint: str, fmt: str) -> bytes:
        """The SPARQL 1.1 Service Description of the endpoint at `endpoint`, written in `fmt`
        (a key of `_DESCRIPTION_TYPES`): its language, result formats, features and dataset."""
        import pyoxigraph as ox

        def sd(name: str) -> Any:
            return ox.NamedNode(SD + name)

        a = ox.NamedNode(_DESCRIPTION_PREFIXES["rdf"] + "type")
        triples_of = ox.NamedNode(_DESCRIPTION_PREFIXES["void"] + "triples")
        service = ox.NamedNode(endpoint)
        dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
        offered = [*_RESULT_TYPES, *_GRAPH_TYPES]
        features = ["UnionDefaultGraph"]
        if self.graph.engine.allow_service:
            features.append("BasicFederatedQuery")

        def count(n: int) -> Any:
            return ox.Literal(str(n), datatype=ox.NamedNode(str(XSD.integer)))

        total, named = self.graph_sizes()
        triples: list[tuple[Any, Any, Any]] = [
            (service, a, sd("Service")),
            (service, sd("endpoint"), service),
            (service, sd("supportedLanguage"), sd("SPARQL11Query")),
            *[
                (service, sd("resultFormat"), ox.NamedNode(FORMATS + _FORMAT_IRIS[f]))
                for f in offered
            ],
            *[(service, sd("feature"), sd(f)) for f in features],
            (
                service,
                sd("defaultEntailmentRegime"),
                ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
            ),
            (service, sd("defaultDataset"), dataset),
            (dataset, a, sd("Dataset")),
            (dataset, sd("defaultGraph"), default),
            (default, a, sd("Graph")),
            (default, triples_of, count(total)),
        ]
        for n, (name, size) in enumerate(named, start=1):
            node, graph = ox.BlankNode(f"namedGraph{n}"), ox.BlankNode(f"graph{n}")
            triples += [
                (dataset, sd("namedGraph"), node),
                (node, a, sd("NamedGraph")),
                (node, sd("name"), ox.NamedNode(name)),
                (node, sd("graph"), graph),
                (graph, a, sd("Graph")),
                (graph, triples_of, count(size)),
            ]
        data = ox.serialize(
            [ox.Triple(*t) for t in triples],
            format=formats.RDF[fmt],
            prefixes=None if fmt in ("nt", "json-ld") else _DESCRIPTION_PREFIXES,
        )
        assert data is not None
        return data

    # --- entity pages ----------------------------------------------------------------

    def entity_page(self, value: str) -> str:
        """What the graph knows about an entity, as an HTML page (every text escaped)."""
        iri = self.graph.entity(value)
        profile, facts = self.graph.describe(str(iri))
        terms = sorted(
            {t for row in [*profile.rows, *facts.rows] for t in row if isinstance(t, URIRef)}
            | {iri}
        )
        labels = self.labels(terms)
        outside = self.outside(terms)
        title = labels.get(str(iri), short(iri))
        parts = [
            "<h1>" + _e(title) + "</h1>",
            f'<p class="iri"><code>{_e(short(iri))}</code> <code>{_e(str(iri))}</code></p>',
            "<h2>Properties</h2>",
            '<table class="results"><thead><tr><th>property</th><th>value</th></tr></thead><tbody>',
        ]
        for _entity, prop, val in profile.rows:
            prop_name = f"<code>{_e(short(prop))}</code>"
            parts.append(f"<tr><td>{prop_name}</td><td>{_term_html(val, labels, outside)}")
            parts.append("</td></tr>")
        parts.append("</tbody></table>")
        by_fact: dict[str, list[tuple[Any, ...]]] = {}
        for row in facts.rows:
            by_fact.setdefault(str(row[1]), []).append(row)
        parts.append(f"<h2>Facts ({len(by_fact)})</h2><ol class=facts>")
        for rows in by_fact.values():
            _entity, fact, kind, _prop, quote, source = rows[0]
            via = ", ".join(_e(short(r[3])) for r in rows)
            said, where = _term_html(fact, labels, outside), _term_html(source, labels, outside)
            parts.append(
                f"<li><div>{said} <span class=kind>{_e(short(kind))}</span>"
                f" in {where} <span class=via>via {via}</span></div>"
                f"<blockquote>{_e(str(quote or ''))}</blockquote></li>"
            )
        parts.append("</ol>")
        return _page(f"scs-kg: {title}", "".join(parts))


def _negotiate(accept: str, offered: Collection[str], results: bool = False) -> str | None:
    """The format of `offered` (`kg.formats` names) that an `Accept` header prefers, or None.

    A media type names the format pyoxigraph reads it as (a results format's when `results`).

    Media types are taken by their quality (`q`), then in the order given; a type of quality 0
    is refused, a wildcard chooses nothing (the caller's default).
    """
    ranked = []
    for n, item in enumerate(accept.split(",")[:64]):
        mime, *params = (part.strip().lower() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        fmt = (formats.results_name if results else formats.rdf_name)(mime) if mime else None
        if fmt is not None and fmt in offered and quality > 0:
            ranked.append((-quality, n, fmt))
    return min(ranked)[2] if ranked else None


def _token(text: str) -> str:
    """A method or other token from a request, for a message: short, and printable only."""
    return re.sub(r"[^A-Za-z0-9_.-]", "?", text[:20])


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def entity_link(iri: str) -> str:
    """The workbench URL of an entity page."""
    return "/entity?" + urllib.parse.urlencode({"iri": iri})


def _term_html(term: Node | None, labels: dict[str, str], outside: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        label = labels.get(text)
        name = short(term)
        inner = f"{_e(label)} <code>{_e(name)}</code>" if label else f"<code>{_e(name)}</code>"
        if text in outside:  # its own page, in a new tab; the workbench's URL not sent
            return (
                f'<a class="external" href="{_e(outside[text])}" target="_blank" '
                f'rel="noopener noreferrer">{inner}</a>'
            )
        return f'<a href="{_e(entity_link(text))}">{inner}</a>'
    return _e(short(term))


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>"
        '<link rel="stylesheet" href="/static/app.css"></head>'
        '<body class="entity-page"><header><a href="/">scs-kg workbench</a></header>'
        f"<main>{body}</main></body></html>\n"
    )


def _cell(
    term: Node | None, labels: dict[str, str], outside: dict[str, str]
) -> dict[str, str] | None:
    """One result cell for the page's table (`external`: the page an IRI outside opens)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        cell = {"type": "uri", "value": str(term), "short": short(term)}
        if str(term) in labels:
            cell["label"] = labels[str(term)]
        if str(term) in outside:
            cell["external"] = outside[str(term)]
        return cell
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        cell["datatype"] = short(term.datatype)
        cell["datatypeIri"] = str(term.datatype)  # what the result views read
    return cell


class _Reader(io.RawIOBase):
    """A connection's reading side with a deadline: each request must arrive whole in time.

    A socket timeout alone bounds one read, so a client sending a byte now and then would
    hold its connection forever; here every read waits only for what is left of the time the
    request may take (`until`, set when the server starts waiting for the request).
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        super().__init__()
        self.sock = sock
        self.until = time.monotonic() + seconds

    def readable(self) -> bool:
        """A reading side."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read what the client sent, within what is left of the request's time."""
        left = self.until - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers the workbench's routes; everything else is 404, every error one line."""

    server: Server
    graphs: dict[str, list[str]]  # the protocol dataset of the request being answered
    server_version = "scs-kg"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    _reader: _Reader
    _unread = False  # the request carries a body that was not read: close after answering
    _cors = False  # the answer is one of /query's: readable from any origin (CORS)

    def setup(self) -> None:
        """Read the connection through a deadline; writes time out after the idle timeout."""
        super().setup()
        self.connection.settimeout(self.server.idle_timeout)
        self._reader = _Reader(self.connection, self.server.idle_timeout)
        self.rfile = io.BufferedReader(self._reader, 65536)

    def handle_one_request(self) -> None:
        """Answer one request; it (and the wait for it) must arrive within the idle timeout."""
        self._reader.until = time.monotonic() + self.server.idle_timeout
        self._unread = False
        self._cors = False
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError):  # the client went away: nothing to say
            self.close_connection = True

    def parse_request(self) -> bool:
        """Read the request line and headers; an HTTP/0.9 request (no headers) is refused."""
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 is not served: send HTTP/1.0 or HTTP/1.1")
            return False
        if not hasattr(self, "do_" + self.command):  # a method no route serves: 405 (or 404)
            self._route()
            return False
        return True

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests only when the server is verbose."""
        if self.server.verbose:
            super().log_message(format, *args)

    # --- plumbing ----------------------------------------------------------------------

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The errors http.server finds itself (a bad request line, header or method): one line
        of text, and the connection closed."""
        self.log_error("code %d, message %s", code, message)
        self._unread = True  # what follows on this connection cannot be trusted
        if self.request_version == "HTTP/0.9":  # not parsed: answer with a status line too
            self.request_version = self.protocol_version
        if not self.command and getattr(self, "raw_requestline", b"").startswith(b"HEAD "):
            self.command = "HEAD"  # a HEAD whose line was refused still gets no body
        try:
            short_message, _long = self.responses[http.HTTPStatus(code)]
        except (KeyError, ValueError):
            short_message = "error"
        self._error(code, message or short_message, as_json=False)

    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.connection.settimeout(self.server.idle_timeout)  # a client that never reads
        self.send_response(status)
        if status != 204:  # No Content: neither a type nor a length
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for key, value in {**(CORS if self._cors else {}), **(extra or {})}.items():
            self.send_header(key, value)
        if self._unread:  # an unread body would be read as the next request: never
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def _json(self, status: int, doc: Any, extra: dict[str, str] | None = None) -> None:
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", extra)

    def _error(
        self, status: int, message: str, as_json: bool, extra: dict[str, str] | None = None
    ) -> None:
        line = message.splitlines()[0] if message else "error"
        if as_json:
            self._json(status, {"error": line}, extra)
        else:
            body = (line + "\n").encode("utf-8")
            self._send(status, body, "text/plain; charset=utf-8", extra)

    def _host_ok(self) -> bool:
        """Answer only requests addressed to this loopback server (no DNS rebinding)."""
        host = (self.headers.get("Host") or "").lower()
        port = self.server.server_address[1]
        return host in {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def _length(self) -> int:
        """The length of the request's body (0: none); a body framed any other way is refused.

        The connection is closed after any refusal, so that nothing of the body is read as
        the next request.
        """
        coding = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if coding or lengths:
            self._unread = True
        if coding and lengths:
            raise Refused(400, "both Transfer-Encoding and Content-Length: refused")
        if coding:
            if ",".join(coding).strip().lower() == "chunked":
                raise Refused(411, "a chunked request body is not read: send Content-Length")
            raise Refused(501, f"Transfer-Encoding {','.join(coding)[:40]!r} is not supported")
        if len(set(lengths)) > 1:
            raise Refused(400, "more than one Content-Length: refused")
        text = lengths[0].strip() if lengths else "0"
        if not re.fullmatch(r"\d{1,19}", text):
            raise Refused(400, "bad Content-Length")
        length = int(text)
        if length > MAX_BODY:
            raise Refused(413, f"request body over {MAX_BODY} bytes")
        if length == 0:
            self._unread = False
        return length

    def _fields(self) -> tuple[dict[str, str], str | None]:
        """The request's fields (query string and form body) and a direct SPARQL body."""
        url = urllib.parse.urlsplit(self.path)
        pairs = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        direct = None
        length = self._length()
        if self.command == "POST":
            raw = self.rfile.read(length)
            if len(raw) < length:
                raise Refused(400, "the request body ended early")
            self._unread = False
            body = raw.decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                pairs += urllib.parse.parse_qsl(body, keep_blank_values=True)
            elif ctype == "application/sparql-query":
                direct = body
            elif ctype == "application/sparql-update":
                raise Refused(403, "this server is read-only: SPARQL Update is refused")
            else:
                raise Refused(415, f"unsupported content type {ctype or 'none'!r}")
        elif length:
            raise Refused(400, f"a {self.command} request carries no body")
        # the protocol's dataset: each of these may be given many times
        self.graphs = {
            name: [v for k, v in pairs if k == name]
            for name in ("default-graph-uri", "named-graph-uri")
        }
        return dict(pairs), direct

    def do_HEAD(self) -> None:
        """Answer as GET, without the body."""
        self.do_GET()

    def do_GET(self) -> None:
        """Route a GET."""
        self._route()

    def do_POST(self) -> None:
        """Route a POST."""
        self._route()

    def do_OPTIONS(self) -> None:
        """Say which methods a route serves (and, for /query, answer a CORS preflight)."""
        self._route()

    def _route(self) -> None:
        arrived = time.monotonic()
        path = urllib.parse.urlsplit(self.path).path
        as_json = path.startswith("/api/")
        self._cors = path == "/query"
        try:
            if not self._host_ok():
                self._length()  # a body is not read: the connection is closed
                raise Refused(403, "wrong Host header: use http://127.0.0.1:PORT/")
            if path in _READ_ONLY:
                self._length()
                raise Refused(403, "this server is read-only")
            allowed = _ALLOW.get(path)
            if allowed is not None and self.command not in allowed:
                self._length()
                raise Refused(
                    405,
                    f"{_token(self.command)} is not served at {path}: use {', '.join(allowed)}",
                    {"Allow": ", ".join(allowed)},
                )
            fields, direct = self._fields()
            if self.command == "OPTIONS" and allowed is not None:
                self._send(204, b"", "", {"Allow": ", ".join(allowed)} | self._preflight())
            elif path in _QUERYING:
                with self.server.query_slot(arrived):
                    self._answer(path, fields, direct)
            else:
                self._answer(path, fields, direct)
        except Refused as exc:
            self._error(exc.status, str(exc), as_json, exc.headers)
        except InputError as exc:
            self._error(400, str(exc), as_json)
        except QueryTimeout as exc:  # the query's process was ended; the server goes on
            self._error(503, str(exc), as_json)
        except KgError as exc:
            self._error(500, str(exc), as_json)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _answer(self, path: str, fields: dict[str, str], direct: str | None) -> None:
        if path in _STATIC and self.command != "POST":
            package, name, ctype = _STATIC[path]
            self._send(200, _asset(package, name), ctype)
        elif path == "/query":
            self._protocol(fields, direct)
        elif path == "/api/catalog":
            self._json(200, self.server.workbench.catalog())
        elif path == "/api/choices":
            self._json(200, self.server.workbench.choices(fields.get("type", "")))
        elif path == "/api/run":
            self._api_run(fields)
        elif path == "/entity":
            page = self.server.workbench.entity_page(fields.get("iri", ""))
            self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
        else:
            raise Refused(404, f"no such page: {path}")

    def _api_run(self, fields: dict[str, str]) -> None:
        bench = self.server.workbench
        result = bench.run(fields)
        fmt = fields.get("format", "page")
        if fmt == "page":
            self._json(200, bench.page_result(result))
            return
        self._result(result, fmt, download=fields.get("name") or "query")

    def _protocol(self, fields: dict[str, str], direct: str | None) -> None:
        """The SPARQL 1.1 Protocol: `query` from the URL, the form or the body."""
        if "update" in fields:
            raise Refused(403, "this server is read-only: SPARQL Update is refused")
        text = direct if direct is not None else fields.get("query")
        if text is None and self.command in ("GET", "HEAD"):
            self._describe()
            return
        if text is None:
            raise Refused(400, "no query: give the `query` parameter")
        result = self.server.workbench.sparql(text, self._dataset())
        self._result(result, fields.get("format") or self._accepted(result), download=None)

    def _preflight(self) -> dict[str, str]:
        """The headers a CORS preflight to /query is answered with (none elsewhere); a page on
        a public site asking for this loopback server (Private Network Access) is let in too,
        as any other origin is."""
        if not self._cors:
            return {}
        asked = self.headers.get("Access-Control-Request-Private-Network", "").lower()
        return PREFLIGHT | (
            {"Access-Control-Allow-Private-Network": "true"} if asked == "true" else {}
        )

    def _describe(self) -> None:
        """The endpoint's SPARQL 1.1 Service Description, in Turtle unless `Accept` asks for
        RDF/XML, JSON-LD or N-Triples."""
        fmt = _negotiate(self.headers.get("Accept") or "", _DESCRIPTION_TYPES) or "turtle"
        host = (self.headers.get("Host") or "").lower()  # one of the loopback names (_host_ok)
        body = self.server.workbench.description(f"http://{host}/query", fmt)
        self._send(200, body, _DESCRIPTION_TYPES[fmt], {"Vary": "Accept"})

    def _dataset(self) -> QueryDataset | None:
        """The dataset the request names (`default-graph-uri`, `named-graph-uri`), or None."""
        default, named = self.graphs["default-graph-uri"], self.graphs["named-graph-uri"]
        if not default and not named:
            return None
        for iri in [*default, *named]:
            parts = urllib.parse.urlsplit(iri)
            if not parts.scheme or any(c in iri for c in '<>"{}|^`\\ ') or not iri.isprintable():
                raise Refused(400, f"default-graph-uri / named-graph-uri {iri!r}: not an IRI")
        return QueryDataset(tuple(map(URIRef, default)), tuple(map(URIRef, named)))

    def _accepted(self, result: Result) -> str:
        """The format the client accepts best for this kind of result (JSON / N-Triples)."""
        graph = result.kind == "graph"
        offered = _GRAPH_TYPES if graph else _RESULT_TYPES
        found = _negotiate(self.headers.get("Accept") or "", offered, results=not graph)
        return found or ("nt" if result.kind == "graph" else "json")

    def _result(self, result: Result, fmt: str, download: str | None) -> None:
        graph = result.kind == "graph"
        offered = _GRAPH_TYPES if graph else _RESULT_TYPES
        if fmt not in offered:
            raise Refused(406, f"format {fmt!r}: this result is written as {', '.join(offered)}")
        body = write(result, fmt).encode("utf-8")
        extra = {}
        if download:
            ext = formats.extension(fmt) if graph else fmt  # results: .json, .csv as people know
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", download) or "query"
            extra["Content-Disposition"] = f'attachment; filename="{safe}.{ext}"'
        self._send(200, body, offered[fmt], extra)


class Server(http.server.ThreadingHTTPServer):
    """The workbench's HTTP server on the loopback interface.

    Bounded everywhere: `BACKLOG` connections wait in the system's queue while
    `MAX_CONNECTIONS` are answered, each request must arrive whole within `idle_timeout`
    seconds, and at most `max_queries` queries run at once (each in its forked process); a
    request waits for a query slot only as long as its timeout, which runs from its arrival,
    and a query's process hands back at most `MAX_ANSWER` bytes.
    """

    daemon_threads = True
    allow_reuse_address = False  # a port in use is an error, not shared
    request_queue_size = BACKLOG

    def __init__(
        self,
        workbench: Workbench,
        port: int,
        verbose: bool = False,
        *,
        idle_timeout: float = IDLE_TIMEOUT,
        max_queries: int | None = None,
    ) -> None:
        self.workbench = workbench
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        self.max_queries = max_queries or default_max_queries()
        self._queries = threading.BoundedSemaphore(self.max_queries)
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._stopping = threading.Event()
        super().__init__(("127.0.0.1", port), Handler)

    @contextlib.contextmanager
    def query_slot(self, arrived: float) -> Iterator[None]:
        """Hold one of the query slots, waited for no longer than the request's timeout; every
        query run meanwhile ends by the request's deadline (`arrived` + the timeout)."""
        timeout = self.workbench.graph.timeout
        until = arrived + timeout if timeout else None
        wait = None if until is None else max(until - time.monotonic(), 0.0)
        if not self._queries.acquire(timeout=wait):
            raise QueryTimeout(
                f"the server is busy: the query did not start within its --timeout of {timeout:g} s"
            )
        try:
            with deadline(until, max_answer=MAX_ANSWER):
                yield
        finally:
            self._queries.release()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer the connection in a thread once fewer than MAX_CONNECTIONS are answered."""
        while not self._connections.acquire(timeout=0.2):
            if self._stopping.is_set():
                self.shutdown_request(request)
                return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Answer one connection, then free its place."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def shutdown(self) -> None:
        """Stop serving (a connection waiting for a place is closed)."""
        self._stopping.set()
        super().shutdown()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """An unexpected failure while answering: one line on stderr, the server goes on."""
        import sys

        exc = sys.exc_info()[1]
        first = str(exc).splitlines()[0] if exc is not None and str(exc) else ""
        print(f"error: request failed: {type(exc).__name__}: {first}", file=sys.stderr)

    @property
    def url(self) -> str:
        """The workbench page's URL (with the port the system gave, for port 0)."""
        return f"http://127.0.0.1:{self.server_address[1]}/"


def default_max_queries() -> int:
    """How many queries run at once by default: one per processor, at least 2."""
    return max(2, os.cpu_count() or 2)


def run(server: Server, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C or SIGTERM, then free the port; `say` reports to people.

    While serving, SIGTERM stops the server as Ctrl-C does (a clean stop, exit status 0); the
    handler it had is put back afterwards. A SIGKILL leaves no file behind (a query running in
    its forked process at that moment runs on until it ends).
    """
    import signal

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    url = server.url
    say(f"serving the workbench at {url} (SPARQL endpoint {url}query, read-only); Ctrl-C stops")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()


def make_server(
    graph: KnowledgeGraph,
    port: int,
    verbose: bool = False,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    max_queries: int | None = None,
) -> Server:
    """Bind the workbench to 127.0.0.1:PORT (0: any free port); a failure is one InputError."""
    try:
        return Server(
            Workbench(graph), port, verbose, idle_timeout=idle_timeout, max_queries=max_queries
        )
    except OSError as exc:
        why = exc.strerror or str(exc)
        if isinstance(exc, socket.gaierror):
            why = str(exc)
        raise InputError(f"cannot listen on 127.0.0.1:{port}: {why}") from None
