"""Hostile and broken endpoints: redirects, credentials, trickling servers, malformed answers.

Each test starts a tiny local HTTP server on a free loopback port (stopped afterwards) that
misbehaves in one way, and checks that the client stays safe, bounded in time and says what
went wrong in one line.
"""

from __future__ import annotations

import base64
import http.server
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.engines import http as client

GRAPHS = (
    b'{"head":{"vars":["g"]},"results":{"bindings":['
    b'{"g":{"type":"uri","value":"https://w3id.org/scs-kg/graph/entities"}}]}}'
)
ONE_ROW = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"a"}}]}}'
SELECT = "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1"


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


class Hostile(http.server.BaseHTTPRequestHandler):
    """Calls the server's `behave(handler, method, form)`; records what each request carried."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        server: Any = self.server
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        server.seen.append((self.command, self.path, self.headers.get("Authorization"), form))
        server.behave(self, form)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def send(
        self, status: int, body: bytes, ctype: str = "application/sparql-results+json"
    ) -> None:
        """Answer with a status, a content type and a body."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


Behaviour = Callable[[Hostile, dict[str, list[str]]], None]


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], tuple[str, Any]]]:
    """Start tiny servers with a behaviour; returns (base URL, server); all stopped afterwards."""
    started: list[http.server.ThreadingHTTPServer] = []

    def start(behave: Behaviour) -> tuple[str, Any]:
        httpd: Any = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
        httpd.daemon_threads = True
        httpd.behave = behave
        httpd.seen = []
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}", httpd

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def answering(payload: bytes, ctype: str = "application/sparql-results+json") -> Behaviour:
    """A server that lists one project graph, then answers every query with `payload`."""

    def behave(h: Hostile, form: dict[str, list[str]]) -> None:
        if "GRAPH ?g" in "".join(form.get("query", [])):  # the client asks for the graphs
            h.send(200, GRAPHS)
        else:
            h.send(200, payload, ctype)

    return behave


def _credentials(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    monkeypatch.delenv("KG_ENDPOINT_AUTH", raising=False)
    return "Basic " + base64.b64encode(b"analyst:s3cret").decode("ascii")


# --- redirects and credentials --------------------------------------------------------


def test_a_cross_origin_redirect_gets_no_credentials(
    serve: Callable[[Behaviour], tuple[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _credentials(monkeypatch)
    other, other_server = serve(answering(ONE_ROW))

    def redirect(h: Hostile, form: dict[str, list[str]]) -> None:
        h.send_response(307)
        h.send_header("Location", f"{other}/elsewhere")
        h.send_header("Content-Length", "0")
        h.end_headers()

    first, first_server = serve(redirect)
    code, out, err = run("sparql", SELECT, "--endpoint", f"{first}/query", "-f", "tsv")
    assert code == 0, err
    assert out == '?x\n"a"\n'
    assert first_server.seen[0][2] == token  # the endpoint itself had them
    assert other_server.seen, "the 307 was followed, with its method and body"
    assert all(method == "POST" and auth is None for method, _p, auth, _f in other_server.seen)
    assert all(form.get("query") for _m, _p, _a, form in other_server.seen)


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirect_that_changes_the_method_is_an_error(
    status: int, serve: Callable[[Behaviour], tuple[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _credentials(monkeypatch)
    other, other_server = serve(answering(ONE_ROW))

    def redirect(h: Hostile, form: dict[str, list[str]]) -> None:
        h.send_response(status)
        h.send_header("Location", f"{other}/elsewhere")
        h.send_header("Content-Length", "0")
        h.end_headers()

    first, _server = serve(redirect)
    code, out, err = run("sparql", SELECT, "--endpoint", f"{first}/query")
    assert (code, out) == (2, "")
    assert f"HTTP {status} redirect" in err and "into a GET" in err and err.count("\n") == 1
    assert other_server.seen == []  # nothing went to the other origin


def test_a_password_in_the_url_is_refused_and_never_printed(
    serve: Callable[[Behaviour], tuple[str, Any]], out_dir: Path
) -> None:
    base, server = serve(answering(ONE_ROW))
    url = base.replace("http://", "http://analyst:s3cret@") + "/query"
    for args in (
        ["sparql", SELECT, "--endpoint", url],
        ["query", "cq2-allies", "--endpoint", url],
        ["push", "--endpoint", url, "--data", str(out_dir)],
    ):
        code, _out, err = run(*args)
        assert code == 2 and err.count("\n") == 1, err
        assert "s3cret" not in err and "analyst:***@" in err and "KG_ENDPOINT_PASSWORD" in err
    assert server.seen == []
    assert client.redact(url) == url.replace("s3cret", "***")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:abc/query", "ftp://127.0.0.1/query", "http://[::1/query"]
)
def test_a_bad_endpoint_url_is_one_line(url: str, out_dir: Path) -> None:
    for args in (["sparql", SELECT, "--endpoint", url], ["push", "--endpoint", url]):
        code, _out, err = run(*args, "--data", str(out_dir)) if args[0] == "push" else run(*args)
        assert code == 2 and err.startswith("error: --endpoint") and err.count("\n") == 1, err


# --- deadlines -------------------------------------------------------------------------


def _trickle(in_headers: bool) -> Behaviour:
    def behave(h: Hostile, form: dict[str, list[str]]) -> None:
        wire = h.wfile
        try:
            if in_headers:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 40:
                    wire.write(bytes([byte]))
                    wire.flush()
                    time.sleep(0.3)
            else:
                h.send_response(200)
                h.send_header("Content-Type", "application/sparql-results+json")
                h.end_headers()
                for byte in ONE_ROW * 2:
                    wire.write(bytes([byte]))
                    wire.flush()
                    time.sleep(0.3)
        except OSError:
            pass  # the client gave up, as it should

    return behave


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_trickling_server_cannot_hold_the_client(
    in_headers: bool,
    serve: Callable[[Behaviour], tuple[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --timeout every request has a total deadline (shortened here to 1.5 s)."""
    monkeypatch.setattr(client, "DEFAULT_DEADLINE", 1.5)
    base, _server = serve(_trickle(in_headers))
    start = time.monotonic()
    code, out, err = run("sparql", SELECT, "--endpoint", f"{base}/query")
    elapsed = time.monotonic() - start
    assert (code, out) == (2, "")
    assert "no complete answer within 1.5 s" in err and err.count("\n") == 1
    assert elapsed < 5


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_timeout_must_be_a_positive_number(value: str) -> None:
    code, _out, err = run(
        "sparql", SELECT, "--endpoint", "http://127.0.0.1:9/q", "--timeout", value
    )
    assert code == 2 and "--timeout" in err and err.count("\n") == 1


# --- malformed answers -----------------------------------------------------------------

MALFORMED = {
    "not-json": (b"<html><body>It works!</body></html>", "text/html"),
    "cut-json": (ONE_ROW[:30], "application/sparql-results+json"),
    "json-array": (b"[1, 2, 3]", "application/sparql-results+json"),
    "no-value": (
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri"}}]}}',
        "application/sparql-results+json",
    ),
    "bad-iri": (
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"a b"}}]}}',
        "application/sparql-results+json",
    ),
    "bindings-not-a-list": (
        b'{"head":{"vars":["x"]},"results":{"bindings":{"x":1}}}',
        "application/sparql-results+json",
    ),
    "bad-ask": (
        b'{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[7]}}',
        "application/json",
    ),
    "not-utf8": (b'{"head":{"vars":["x"]},"results":\xff\xfe}', "application/sparql-results+json"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_answer_is_one_line(
    case: str, serve: Callable[[Behaviour], tuple[str, Any]]
) -> None:
    payload, ctype = MALFORMED[case]
    base, _server = serve(answering(payload, ctype))
    code, out, err = run("sparql", SELECT, "--endpoint", f"{base}/query")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {base}/query: ") and err.count("\n") == 1, err


def test_malformed_triples_are_one_line(serve: Callable[[Behaviour], tuple[str, Any]]) -> None:
    base, _server = serve(answering(b"<a> <b> this is not turtle", "text/turtle"))
    code, out, err = run("sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", f"{base}/q")
    assert (code, out) == (2, "")
    assert "unreadable text/turtle answer" in err and err.count("\n") == 1


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaa">\n'
    + b"".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">\n'.encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="http://example.org/s"><rdf:value>&i;</rdf:value>'
    b"</rdf:Description></rdf:RDF>\n"
)


def test_an_rdf_xml_answer_declaring_entities_is_refused_unexpanded(
    serve: Callable[[Behaviour], tuple[str, Any]],
) -> None:
    base, _server = serve(answering(LAUGHS, "application/rdf+xml"))
    code, out, err = run("sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", f"{base}/q")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {base}/q: ") and "entit" in err and err.count("\n") == 1, err


def test_virtuoso_answer_forms_are_read(serve: Callable[[Behaviour], tuple[str, Any]]) -> None:
    """Virtuoso's ASK (`__ASK_RETVAL`, "1" or no row) and its `typed-literal`."""
    yes = (
        b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "distinct": false,'
        b' "bindings": [ { "__ASK_RETVAL": { "type": "typed-literal", "datatype":'
        b' "http://www.w3.org/2001/XMLSchema#integer", "value": "1" }} ] } }'
    )
    no = b'{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "bindings": [ ] } }'
    typed = (
        b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"typed-literal",'
        b'"datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"2582"}}]}}'
    )
    for payload, args, expected in (
        (yes, ["ASK { ?s ?p ?o }"], "yes\n"),
        (no, ["ASK { ?s ?p ?o }"], "no\n"),
        (typed, ["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "tsv"], "?n\n2582\n"),
    ):
        base, server = serve(answering(payload))
        code, out, err = run("sparql", *args, "--endpoint", f"{base}/sparql")
        assert code == 0, err
        assert out.endswith(expected), out
        # the form-encoded POST, with the project's graphs as the dataset
        _method, _path, _auth, form = server.seen[-1]
        assert form["default-graph-uri"] == form["named-graph-uri"]
        assert form["default-graph-uri"] == ["https://w3id.org/scs-kg/graph/entities"]


# --- push -----------------------------------------------------------------------------


def test_a_push_that_fails_partway_names_the_graphs_already_replaced(
    serve: Callable[[Behaviour], tuple[str, Any]], out_dir: Path
) -> None:
    count = {"puts": 0}

    def flaky(h: Hostile, form: dict[str, list[str]]) -> None:
        count["puts"] += 1
        if count["puts"] <= 2:
            h.send(204, b"", "text/plain")
        else:
            h.send(500, b"disk full", "text/plain")

    base, server = serve(flaky)
    code, _out, err = run("push", "--endpoint", f"{base}/store", "--data", str(out_dir))
    assert code == 2 and err.count("\n") == 1, err
    replaced = [urllib.parse.unquote(p.split("graph=")[1]) for _m, p, _a, _f in server.seen[:2]]
    assert "HTTP 500" in err and "disk full" in err
    assert f"already replaced 2 of 4 graph(s): {', '.join(replaced)}" in err


def test_push_help_states_the_prune_default() -> None:
    code, out, _err = run("push", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "--prune" in text and "Default: they are left on the server" in text


# --- what a server sends that is not HTTP, or never ends ------------------------------------


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """Start tiny socket servers that answer every connection with `reply(conn)` (after
    reading what the client sent); returns the base URL; all stopped afterwards."""
    started: list[socket.socket] = []

    def start(reply: Callable[[socket.socket], None]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        started.append(listener)

        def answer(conn: socket.socket) -> None:
            with conn:
                try:
                    conn.settimeout(5)
                    conn.recv(1 << 20)
                    reply(conn)
                except OSError:
                    pass  # the client hung up, as it should

        def accept() -> None:
            while True:
                try:
                    conn, _addr = listener.accept()
                except OSError:
                    return
                threading.Thread(target=answer, args=(conn,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener in started:
        listener.close()


def sending(data: bytes) -> Callable[[socket.socket], None]:
    """A reply of these very bytes."""
    return lambda conn: conn.sendall(data)


NOT_HTTP = {
    "bad-status": (b"HTTP/1.1 abc\r\n\r\n", "bad status line: 'HTTP/1.1 abc'"),
    "garbage": (b"\x00\x01garbage\r\n\r\n", "bad status line"),
    "long-header": (
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
        "a line too long",
    ),
    "150-headers": (
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n",
        "got more than 100 headers",
    ),
    "bad-chunk-size": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
        "the body ended early or a chunk is malformed",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_HTTP))
@pytest.mark.parametrize("command", ["sparql", "push"])
def test_an_answer_that_is_not_http_is_one_line_in_every_command(
    case: str,
    command: str,
    raw_server: Callable[[Callable[[socket.socket], None]], str],
    out_dir: Path,
) -> None:
    data, said = NOT_HTTP[case]
    base = raw_server(sending(data))
    if command == "sparql":
        code, out, err = run("sparql", SELECT, "--endpoint", f"{base}/query")
    else:
        code, out, err = run("push", "--endpoint", f"{base}/store", "--data", str(out_dir))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {base}/") and err.count("\n") == 1, err
    assert f"not a valid HTTP answer ({said}" in err
    assert "Traceback" not in err


def endless(conn: socket.socket) -> None:
    """An answer whose body never ends (as fast as the client reads)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
    block = b" " * 65536
    while True:
        conn.sendall(block)


@pytest.mark.parametrize("command", ["sparql", "query", "push"])
def test_an_endless_answer_stops_at_the_size_limit(
    command: str,
    raw_server: Callable[[Callable[[socket.socket], None]], str],
    out_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = raw_server(endless)
    if command == "sparql":  # the option
        args = ["sparql", SELECT, "--endpoint", f"{base}/query", "--max-response", "2M"]
        limit = "2,097,152"
    elif command == "query":
        args = ["query", "cq2-allies", "--endpoint", f"{base}/query", "--max-response", "1K"]
        limit = "1,024"
    else:  # the environment variable
        monkeypatch.setenv("KG_MAX_RESPONSE", "3MiB")
        args = ["push", "--endpoint", f"{base}/store", "--data", str(out_dir)]
        limit = "3,145,728"
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1, err
    assert f"answer over the size limit of {limit} bytes, read no further" in err


def test_the_default_size_limit_is_256_mib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_MAX_RESPONSE", raising=False)
    assert client.max_response() == 256 << 20
    assert client.max_response("64K") == 65536
    monkeypatch.setenv("KG_MAX_RESPONSE", "1g")
    assert client.max_response() == 1 << 30


@pytest.mark.parametrize("value", ["0", "-1", "lots", "1T", "1.5M"])
def test_a_bad_size_limit_is_one_line(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, err = run(
        "sparql", SELECT, "--endpoint", "http://127.0.0.1:9/q", "--max-response", value
    )
    assert code == 2 and err == (
        f"error: --max-response {value!r}: want a positive number of bytes (suffix K, M or G "
        "allowed)\n"
    )
    monkeypatch.setenv("KG_MAX_RESPONSE", value)
    code, _out, err = run("sparql", SELECT, "--endpoint", "http://127.0.0.1:9/q")
    assert code == 2 and err.startswith(f"error: KG_MAX_RESPONSE {value!r}: ")
