"""A remote SPARQL 1.1 endpoint as an engine, and `kg push`, over the client of `kg.engines.http`.

The dataset travels with the query. Every query names the build's graphs with the SPARQL 1.1
Protocol's `default-graph-uri` (their merge is the default graph, as the embedded engines'
union) and `named-graph-uri` (what `GRAPH ?g` ranges over), so a server in its default set-up
answers exactly the build's graphs: an Oxigraph server without `--union-default-graph`, a
Virtuoso whose default graph holds its own system graphs. The build's graphs are the project's
graphs (`https://w3id.org/scs-kg/graph/...`) found on the server, or those the caller names.
Parameters travel as a `VALUES` block written from the terms' N-Triples form (`with_values`).

Every request is a form-encoded POST (`query=...`; Virtuoso 7.2 never answers a direct
`application/sparql-query` POST). Answers in the forms real servers send are read: Virtuoso's
ASK (a `__ASK_RETVAL` binding) and its `typed-literal` values.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from kg.engines.base import Bindings, Converter, Engine, QueryDataset, from_ox
from kg.engines.http import check_url, first_line, http, max_response, redact
from kg.engines.timeout import check_timeout
from kg.errors import EndpointError, InputError
from kg.namespaces import GRAPH
from kg.results import Result
from kg.sandbox import TOKENS, tokens

if TYPE_CHECKING:
    from kg.build import Built


PROJECT_GRAPHS = str(GRAPH)


_FORM = "application/x-www-form-urlencoded"


# The triples formats read from a CONSTRUCT or DESCRIBE answer, told by pyoxigraph from the
# media type (which knows `text/plain`, as Virtuoso names N-Triples, and `application/x-turtle`).
_GRAPH_FORMATS = ("nt", "turtle", "xml")


def accept(form: str) -> str:
    """The `Accept` header of a query of this form (`query_form`), media types from
    `kg.formats`: SPARQL JSON results; for CONSTRUCT and DESCRIBE triples alone, in
    `_GRAPH_FORMATS`' order of preference (Virtuoso answers a graph query that accepts JSON
    results with its own JSON form of triples).

    >>> accept("SELECT")
    'application/sparql-results+json'
    >>> accept("CONSTRUCT")
    'application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5'
    """
    from kg import formats

    if form in ("CONSTRUCT", "DESCRIBE"):
        weights = zip(_GRAPH_FORMATS, ("", ";q=0.8", ";q=0.5"), strict=True)
        return ", ".join(formats.media_type(f) + q for f, q in weights)
    return formats.media_type("json", results=True)


# The server's graphs: `GRAPH ?g {}` lists them without reading them (Oxigraph); a server that
# answers it with nothing is asked again, by its quads.
_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


_SCAN_GRAPHS = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER (STRSTARTS(STR(?g), "{PROJECT_GRAPHS}")) }}'
)


def values_block(bindings: Bindings) -> str:
    """Write bindings as a SPARQL `VALUES` block from the terms' N-Triples form (escaped)."""
    if not bindings:
        return ""
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"bad parameter name {name!r}")
    terms = []
    for name in names:
        term = bindings[name]
        if not isinstance(term, URIRef | Literal):
            raise InputError(f"cannot bind {term!r}")
        terms.append(term.n3())
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}"


def with_values(text: str, bindings: Bindings) -> str:
    """Insert a VALUES block at the start of the query's top-level WHERE group."""
    block = values_block(bindings)
    if not block:
        return text
    # Find the `{` that opens the WHERE group: after the WHERE keyword, or for SELECT/ASK
    # without WHERE the first `{` after the query form.
    pos = 0
    form = None
    for m in TOKENS.finditer(text):
        tok = m.group(0)
        if tok.startswith("#"):
            continue
        word = tok.upper()
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
        elif form is not None and word == "WHERE":
            form = "WHERE"
        elif tok == "{" and form in ("WHERE", "SELECT", "ASK"):
            pos = m.end()
            break
    if not pos:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    return f"{text[:pos]}\n  {block}\n{text[pos:]}"


def _media_type(ctype: str) -> str:
    return ctype.split(";", 1)[0].strip().lower()


def read_answer(url: str, data: bytes, ctype: str) -> Result:
    """Read an endpoint's answer: SPARQL JSON results, or triples; one line if malformed."""
    import pyoxigraph as ox

    from kg import formats

    media = _media_type(ctype)
    fmt = formats.rdf_name(media) if media else None
    if fmt is not None and fmt in _GRAPH_FORMATS:
        if fmt == "xml":  # pyoxigraph expands internal entities: refuse them first
            from kg.xmlguard import check_bytes

            check_bytes(data, redact(url))
        try:
            items = list(ox.parse(data, format=formats.RDF[fmt]))
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(
                f"{redact(url)}: unreadable {media} answer ({first_line(exc)})"
            ) from None
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in items]
        return Result("graph", triples=triples)  # type: ignore[arg-type]
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        shown = media or "no content type"
        raise EndpointError(
            f"{redact(url)}: unreadable answer ({shown}, not SPARQL JSON results: "
            f"{first_line(exc)})"
        ) from None
    if not isinstance(doc, dict):
        raise EndpointError(f"{redact(url)}: malformed SPARQL JSON results (not a JSON object)")
    try:
        boolean = _boolean(doc)
        if boolean is not None:
            return Result("ask", boolean=boolean)
        parsed = ox.parse_query_results(
            json.dumps(_standard(doc)).encode("utf-8"), format=ox.QueryResultsFormat.JSON
        )
        if isinstance(parsed, ox.QueryBoolean):
            return Result("ask", boolean=bool(parsed))
        names = [v.value for v in parsed.variables]
        rows = [tuple(solution) for solution in parsed]
    except (SyntaxError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise EndpointError(
            f"{redact(url)}: malformed SPARQL JSON results ({first_line(exc)})"
        ) from None
    return Result("select", vars=names, terms=rows, convert=Converter())


def _boolean(doc: dict[str, Any]) -> bool | None:
    """The answer of an ASK: the standard `boolean`, or Virtuoso's `__ASK_RETVAL` binding."""
    if isinstance(doc.get("boolean"), bool):
        return bool(doc["boolean"])
    head = doc.get("head")
    if isinstance(head, dict) and head.get("vars") == ["__ASK_RETVAL"]:
        bindings = (doc.get("results") or {}).get("bindings") or []
        if not bindings:
            return False
        value = bindings[0].get("__ASK_RETVAL", {}).get("value", "0")
        return str(value).strip().lower() not in ("0", "false", "")
    return None


def _standard(doc: dict[str, Any]) -> dict[str, Any]:
    """SPARQL 1.1 JSON results from what a server sent: `typed-literal` becomes `literal`."""
    head = doc.get("head")
    results = doc.get("results")
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise ValueError("no head or results")
    bindings = results.get("bindings")
    if not isinstance(bindings, list):
        raise ValueError("no bindings list")
    fixed = []
    for row in bindings:
        if not isinstance(row, dict):
            raise ValueError("a binding that is not an object")
        fixed.append(
            {
                name: {**term, "type": "literal"}
                if isinstance(term, dict) and term.get("type") == "typed-literal"
                else term
                for name, term in row.items()
            }
        )
    return {"head": {"vars": head.get("vars", [])}, "results": {"bindings": fixed}}


def query_form(text: str) -> str:
    """The query's form: the first of SELECT, ASK, CONSTRUCT or DESCRIBE among its tokens."""
    forms = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    return next((t.upper() for t in tokens(text) if t.upper() in forms), "")


class RemoteEngine(Engine):
    """A SPARQL 1.1 endpoint over HTTP, queried over exactly the build's graphs."""

    name = "endpoint"

    def __init__(
        self,
        url: str,
        timeout: float | None = None,
        graphs: Sequence[str] | None = None,
        *,
        limit: int | str | None = None,
    ) -> None:
        self.url = check_url(url)
        check_timeout(timeout)
        self.timeout = timeout
        self.limit = max_response(limit)  # bytes of one answer
        self._graphs = sorted(graphs) if graphs is not None else None

    def graphs(self) -> list[str]:
        """The graphs each query names: given, or the project's graphs on the server."""
        if self._graphs is None:
            found = self.server_graphs()
            if not found:
                raise EndpointError(
                    f"{redact(self.url)}: no scs-kg graphs ({PROJECT_GRAPHS}...) on this "
                    "endpoint: push a build first (`kg push`)"
                )
            self._graphs = found
        return self._graphs

    def server_graphs(self) -> list[str]:
        """The project's graphs (`https://w3id.org/scs-kg/graph/...`) the server holds."""
        for query in (_LIST_GRAPHS, _SCAN_GRAPHS):
            rows = self._post({"query": query}).rows
            found = sorted({str(r[0]) for r in rows if r and str(r[0]).startswith(PROJECT_GRAPHS)})
            if found:
                return found
        return []

    def _post(self, form: dict[str, str | list[str]], wants: str | None = None) -> Result:
        body = urllib.parse.urlencode(form, doseq=True).encode("ascii")
        wants = wants or accept("SELECT")
        data, ctype = http("POST", self.url, body, _FORM, wants, self.timeout, self.limit)
        return read_answer(self.url, data, ctype)

    def run(
        self, text: str, bindings: Bindings | None = None, dataset: QueryDataset | None = None
    ) -> Result:
        """POST the query with the build's graphs as its dataset (or the one given); parameters
        as a VALUES block."""
        graphs = self.graphs()
        query = with_values(text, bindings or {})
        form = query_form(text)
        fields: dict[str, str | list[str]] = {
            "default-graph-uri": graphs if dataset is None else [str(g) for g in dataset.default],
            "named-graph-uri": graphs if dataset is None else [str(g) for g in dataset.named],
        }
        return self._post({"query": query, **fields}, accept(form))

    def update(self, text: str) -> None:
        """POST a SPARQL Update (form-encoded) to the endpoint URL."""
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        http("POST", self.url, body, _FORM, "*/*", self.timeout, self.limit)
        self._graphs = None  # an update may add or drop graphs


@dataclass
class PushReport:
    """What `push` did: graphs replaced (name, triples) and graphs removed (--prune)."""

    replaced: list[tuple[str, int]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _graph_target(url: str, name: str) -> str:
    sep = "&" if "?" in url else "?"
    if not name:
        return f"{url}{sep}default"
    return f"{url}{sep}graph={urllib.parse.quote(name, safe='')}"


def _read_graphs(built: Built) -> dict[str, list[Any]]:
    """Return the graph's triples by graph name ("" for the default graph), from its parts."""
    import pyoxigraph as ox
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graphs: dict[str, list[Any]] = {}
    for part in built.parts():
        name = "" if part.name == DATASET_DEFAULT_GRAPH_ID else str(part.name)
        triples = [q.triple for q in ox.parse(part.nt(), format=ox.RdfFormat.N_TRIPLES)]
        if triples:
            graphs.setdefault(name, []).extend(triples)
    return graphs


def push(
    built: Built,
    url: str,
    timeout: float | None = None,
    *,
    prune: bool = False,
    query_url: str | None = None,
    limit: int | str | None = None,
) -> PushReport:
    """Replace every graph of a build on a Graph Store Protocol endpoint with PUT (idempotent).

    With `prune`, the project's graphs on the server that the build no longer has (those of
    removed sources) are deleted afterwards; `query_url`, the server's SPARQL query endpoint,
    lists them. A failure names the graphs already replaced.
    """
    import pyoxigraph as ox

    from kg import formats

    check_url(url)
    check_timeout(timeout)
    most = max_response(limit)
    if prune and not query_url:
        raise InputError("--prune needs --query-endpoint (the SPARQL query URL that lists graphs)")
    if query_url:
        check_url(query_url, "--query-endpoint")
    graphs = _read_graphs(built)
    report = PushReport()
    names = sorted(graphs)
    for name in names:
        triples = sorted(set(graphs[name]), key=str)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert body is not None
        try:
            target = _graph_target(url, name)
            http("PUT", target, body, formats.media_type("nt"), "*/*", timeout, most)
        except EndpointError as exc:
            raise EndpointError(_partial(str(exc), report, len(names))) from None
        report.replaced.append((name, len(triples)))
    if prune:
        assert query_url is not None
        on_server = RemoteEngine(query_url, timeout, limit=most).server_graphs()
        for name in sorted(set(on_server) - set(graphs)):
            try:
                http("DELETE", _graph_target(url, name), None, "text/plain", "*/*", timeout, most)
            except EndpointError as exc:
                raise EndpointError(_partial(str(exc), report, len(names))) from None
            report.removed.append(name)
    return report


def _partial(message: str, report: PushReport, total: int) -> str:
    first = message.splitlines()[0] if message else "failed"
    done = [name or "(default graph)" for name, _count in report.replaced]
    if not done:
        return f"{first}; no graph was replaced"
    return f"{first}; already replaced {len(done)} of {total} graph(s): {', '.join(done)}" + (
        f"; removed: {', '.join(report.removed)}" if report.removed else ""
    )
