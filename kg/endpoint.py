"""Remote SPARQL 1.1 endpoints: queries over the Protocol, Graph Store Protocol push, safe HTTP.

The dataset travels with the query. Every query names the build's graphs with the SPARQL 1.1
Protocol's `default-graph-uri` (their merge is the default graph, as the embedded engines'
union) and `named-graph-uri` (what `GRAPH ?g` ranges over), so a server in its default set-up
answers exactly the build's graphs: an Oxigraph server without `--union-default-graph`, a
Virtuoso whose default graph holds its own system graphs. The build's graphs are the project's
graphs (`https://w3id.org/scs-kg/graph/...`) found on the server, or those the caller names.

Every request is a form-encoded POST (`query=...`; Virtuoso 7.2 never answers a direct
`application/sparql-query` POST) with a total deadline (60 s unless `--timeout`), even against
a server that trickles its answer, and a size limit on the answer (256 MiB unless
`--max-response` or `KG_MAX_RESPONSE`), even against a server that never ends it. `kg sparql
--endpoint`, `kg query --endpoint` and `kg push` share this one client (`http`), so whatever a
server sends (a bad status line, endless headers, a bad chunk) is one line in every command.
Credentials come from the environment, go only to the endpoint's own origin, and a URL
carrying them is refused; a redirect that would turn the POST or PUT into a GET is an error.
Answers in the forms real servers send are read: Virtuoso's ASK (a `__ASK_RETVAL` binding)
and its `typed-literal` values.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.client import HTTPException, IncompleteRead
from typing import TYPE_CHECKING, Any, TypeVar

from kg.errors import InputError
from kg.namespaces import GRAPH
from kg.results import Result
from kg.store import (
    Bindings,
    Converter,
    EndpointError,
    Engine,
    QueryDataset,
    from_ox,
    tokens,
    with_values,
)

if TYPE_CHECKING:
    from kg.build import Built

DEFAULT_DEADLINE = 60.0  # seconds for one whole request when no --timeout is given
DEFAULT_MAX_RESPONSE = 256 << 20  # bytes of one answer when neither option nor variable says
MAX_RESPONSE_VARIABLE = "KG_MAX_RESPONSE"
_SIZE = re.compile(r"(\d{1,15})\s*([kmg]?)(?:i?b)?", re.IGNORECASE)
MAX_REDIRECTS = 5
PROJECT_GRAPHS = str(GRAPH)
_FORM = "application/x-www-form-urlencoded"
_ACCEPT_RESULTS = "application/sparql-results+json"
# for CONSTRUCT and DESCRIBE: asked for triples alone (Virtuoso answers a graph query that
# accepts JSON results with its own JSON form of triples)
_ACCEPT_TRIPLES = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
# The triples formats read from a CONSTRUCT or DESCRIBE answer, told by pyoxigraph from the
# media type (which knows `text/plain`, as Virtuoso names N-Triples, and `application/x-turtle`).
_GRAPH_FORMATS = ("nt", "turtle", "xml")
# The server's graphs: `GRAPH ?g {}` lists them without reading them (Oxigraph); a server that
# answers it with nothing is asked again, by its quads.
_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
_SCAN_GRAPHS = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER (STRSTARTS(STR(?g), "{PROJECT_GRAPHS}")) }}'
)

T = TypeVar("T")


# --- URLs ------------------------------------------------------------------------------


def redact(url: str) -> str:
    """Return the URL with any password in it replaced by `***`, for messages."""
    return re.sub(r"^([A-Za-z][\w+.-]*://[^/@:]*):[^@?#]*@", r"\1:***@", url)


def check_url(url: str, option: str = "--endpoint") -> str:
    """Return the URL if it is http(s) without credentials in it; else a one-line InputError."""
    if not re.match(r"^https?://", url, flags=re.IGNORECASE):
        raise InputError(f"{option} {redact(url)!r}: want an http:// or https:// URL")
    if redact(url) != url or re.match(r"^[^:]+://[^/?#]*@", url):
        raise InputError(
            f"{option} {redact(url)!r}: credentials in a URL are not used (they end up in "
            "shell history and logs); give KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError on a non-numeric port
    except ValueError:
        raise InputError(f"{option} {redact(url)!r}: not a valid host and port") from None
    if not parts.hostname:
        raise InputError(f"{option} {redact(url)!r}: no host")
    return url


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme.lower() == "https" else 80
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default)


def check_timeout(timeout: float | None) -> float:
    """Return the total deadline of one request: `timeout`, or 60 s; refuse nan, inf, <= 0."""
    if timeout is None:
        return DEFAULT_DEADLINE
    if not math.isfinite(timeout) or timeout <= 0:
        raise InputError(f"--timeout {timeout}: want a positive number of seconds")
    return float(timeout)


def parse_size(text: str, option: str = "--max-response") -> int:
    """Bytes from text such as `1048576`, `512K`, `256M`, `1GiB`; else a one-line InputError."""
    m = _SIZE.fullmatch(text.strip())
    if not m or int(m.group(1)) <= 0:
        raise InputError(
            f"{option} {text!r}: want a positive number of bytes (suffix K, M or G allowed)"
        )
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


def max_response(limit: int | str | None = None) -> int:
    """The most bytes one answer may have: `limit`, else $KG_MAX_RESPONSE, else 256 MiB."""
    if isinstance(limit, int):
        if limit <= 0:
            raise InputError(f"--max-response {limit}: want a positive number of bytes")
        return limit
    if limit is not None:
        return parse_size(limit)
    value = os.environ.get(MAX_RESPONSE_VARIABLE)
    if value:
        return parse_size(value, MAX_RESPONSE_VARIABLE)
    return DEFAULT_MAX_RESPONSE


class ResponseTooLarge(OSError):
    """An answer longer than the size limit (turned into one EndpointError line)."""


# --- HTTP ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to `http`, which decides what may follow it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Follow nothing here."""
        return None


def _opener(url: str, with_credentials: bool) -> urllib.request.OpenerDirector:
    """An opener that follows no redirect, with digest credentials for this URL if asked."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    user = os.environ.get("KG_ENDPOINT_USER")
    if with_credentials and user and _auth() == "digest":
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, user, os.environ.get("KG_ENDPOINT_PASSWORD", ""))
        handlers.append(urllib.request.HTTPDigestAuthHandler(mgr))
    return urllib.request.build_opener(*handlers)


def _auth() -> str:
    return os.environ.get("KG_ENDPOINT_AUTH", "basic").lower()


def _within(seconds: float, what: str, func: Callable[[], T]) -> T:
    """Run `func` in a thread and give up after `seconds`, whatever the server does."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["ok"] = func()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=work, name="kg-http", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise EndpointError(
            f"{what}: no complete answer within {seconds:g} s (every request has this "
            "deadline; --timeout sets it)"
        )
    if "error" in box:
        raise box["error"]
    return box["ok"]


def _send(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    with_credentials: bool,
    limit: int,
) -> tuple[bytes, str]:
    """One exchange, the body read in pieces until it ends, the deadline passes or it grows
    over `limit` bytes."""
    req = urllib.request.Request(url, data=body, method=method)
    for name, value in headers.items():
        req.add_header(name, value)
    user = os.environ.get("KG_ENDPOINT_USER")
    if with_credentials and user and _auth() != "digest":
        token = f"{user}:{os.environ.get('KG_ENDPOINT_PASSWORD', '')}".encode()
        req.add_header("Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
    remaining = max(deadline - time.monotonic(), 0.001)
    with _opener(url, with_credentials).open(req, timeout=remaining) as resp:
        chunks = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("deadline passed")
            chunk = resp.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(limit)
            chunks.append(chunk)
        return b"".join(chunks), resp.headers.get("Content-Type", "")


def http(
    method: str,
    url: str,
    body: bytes | None,
    content_type: str,
    accept: str,
    timeout: float | None = None,
    limit: int | str | None = None,
    *,
    credentials: bool = True,
) -> tuple[bytes, str]:
    """Send one request; return the body and content type, or raise a one-line EndpointError.

    The whole exchange, redirects included, ends within `timeout` seconds (60 by default);
    an answer over `limit` bytes (see `max_response`) is an error, read no further.
    A 307/308 redirect is followed with the same method and body, with credentials only to
    the original origin; a 301/302/303 (which turns a POST or PUT into a GET) is an error.
    With `credentials` false (a server that is not the SPARQL endpoint) none are ever sent.
    """
    check_url(url)
    seconds = check_timeout(timeout)
    most = max_response(limit)
    deadline = time.monotonic() + seconds
    headers = {"Content-Type": content_type, "Accept": accept}
    origin = _origin(url)

    def exchange() -> tuple[bytes, str]:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                same = credentials and _origin(current) == origin
                return _send(method, current, body, headers, deadline, same, most)
            except urllib.error.HTTPError as exc:
                target = _redirect(exc, method, current)
                if target is None:
                    raise _http_error(exc, current) from None
                current = target
            except ResponseTooLarge:
                raise EndpointError(
                    f"{redact(current)}: answer over the size limit of {most:,} bytes, read no "
                    f"further (--max-response or {MAX_RESPONSE_VARIABLE} sets it)"
                ) from None
            except HTTPException as exc:  # what the server sent is not HTTP
                raise EndpointError(
                    f"{redact(current)}: not a valid HTTP answer ({_what(exc)})"
                ) from None
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                    raise EndpointError(
                        f"{redact(current)}: no complete answer within {seconds:g} s (every "
                        "request has this deadline; --timeout sets it)"
                    ) from None
                raise EndpointError(f"{redact(current)}: endpoint unreachable ({reason})") from None
        raise EndpointError(f"{redact(url)}: more than {MAX_REDIRECTS} redirects")

    return _within(seconds, redact(url), exchange)


def _what(exc: HTTPException) -> str:
    """What was wrong with an HTTP answer, in a few words (never the server's whole line)."""
    names = {
        "BadStatusLine": "bad status line",
        "LineTooLong": "a line too long",
        "IncompleteRead": "the body ended early or a chunk is malformed",
        "RemoteDisconnected": "the server closed the connection without answering",
    }
    said = names.get(type(exc).__name__)
    detail = "" if isinstance(exc, IncompleteRead) else _first(exc)[:80]
    if said is None:
        return detail or type(exc).__name__
    return f"{said}: {detail!r}" if detail and detail != type(exc).__name__ else said


def _redirect(exc: urllib.error.HTTPError, method: str, current: str) -> str | None:
    """The URL a 307/308 redirect points to; an error for one that would change the method."""
    if exc.code not in (301, 302, 303, 307, 308):
        return None
    location = exc.headers.get("Location")
    exc.close()
    if not location:
        raise EndpointError(f"{redact(current)}: HTTP {exc.code} redirect without a Location")
    target = urllib.parse.urljoin(current, location)
    if exc.code in (301, 302, 303):
        raise EndpointError(
            f"{redact(current)}: HTTP {exc.code} redirect to {redact(target)} would turn the "
            f"{method} into a GET: refused (give the URL it points to)"
        )
    if not re.match(r"^https?://", target, flags=re.IGNORECASE):
        raise EndpointError(f"{redact(current)}: redirect to a non-HTTP URL {redact(target)}")
    return target


def _http_error(exc: urllib.error.HTTPError, url: str) -> Exception:
    try:
        detail = exc.read(4096).decode("utf-8", "replace").strip().splitlines()
    except OSError:
        detail = []
    exc.close()
    why = f": {detail[0][:200]}" if detail else ""
    if exc.code == 400 and why:
        return InputError(f"{redact(url)}: HTTP 400{why}")
    return EndpointError(f"{redact(url)}: HTTP {exc.code} {exc.reason}{why}")


# --- answers ---------------------------------------------------------------------------


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
                f"{redact(url)}: unreadable {media} answer ({_first(exc)})"
            ) from None
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in items]
        return Result("graph", triples=triples)  # type: ignore[arg-type]
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        shown = media or "no content type"
        raise EndpointError(
            f"{redact(url)}: unreadable answer ({shown}, not SPARQL JSON results: {_first(exc)})"
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
            f"{redact(url)}: malformed SPARQL JSON results ({_first(exc)})"
        ) from None
    return Result("select", vars=names, terms=rows, convert=Converter())


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


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


# --- the engine ------------------------------------------------------------------------


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

    def _post(self, form: dict[str, str | list[str]], accept: str = _ACCEPT_RESULTS) -> Result:
        body = urllib.parse.urlencode(form, doseq=True).encode("ascii")
        data, ctype = http("POST", self.url, body, _FORM, accept, self.timeout, self.limit)
        return read_answer(self.url, data, ctype)

    def run(
        self, text: str, bindings: Bindings | None = None, dataset: QueryDataset | None = None
    ) -> Result:
        """POST the query with the build's graphs as its dataset (or the one given); parameters
        as a VALUES block."""
        graphs = self.graphs()
        query = with_values(text, bindings or {})
        form = query_form(text)
        accept = _ACCEPT_TRIPLES if form in ("CONSTRUCT", "DESCRIBE") else _ACCEPT_RESULTS
        fields: dict[str, str | list[str]] = {
            "default-graph-uri": graphs if dataset is None else [str(g) for g in dataset.default],
            "named-graph-uri": graphs if dataset is None else [str(g) for g in dataset.named],
        }
        return self._post({"query": query, **fields}, accept)

    def update(self, text: str) -> None:
        """POST a SPARQL Update (form-encoded) to the endpoint URL."""
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        http("POST", self.url, body, _FORM, "*/*", self.timeout, self.limit)
        self._graphs = None  # an update may add or drop graphs


# --- push ------------------------------------------------------------------------------


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
            http(
                "PUT", _graph_target(url, name), body, "application/n-triples", "*/*", timeout, most
            )
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
