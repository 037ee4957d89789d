"""`kg serve` bounded and closed: request framing, idle connections, deadlines, client errors.

Every test talks to a workbench server in this process on a free loopback port, often over a
raw socket, since what is checked is what a client that misbehaves can make the server do:
read a body as the next request, hold a connection, outlast a timeout, or get a 500.
"""

from __future__ import annotations

import json
import socket
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.serve import MAX_BODY, Server
from tests._serving import serving

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[Server]:
    """One server with a short idle timeout and a query timeout (queries run forked)."""
    with serving(out_dir, timeout=30, idle_timeout=2.0) as httpd:
        yield httpd


def exchange(port: int, data: bytes, wait: float = 10.0) -> tuple[bytes, bool]:
    """Send raw bytes; read until the server closes (True) or `wait` passes (False)."""
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        end = time.monotonic() + wait
        while time.monotonic() < end:
            s.settimeout(max(end - time.monotonic(), 0.01))
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                return got, False
            except ConnectionResetError:
                return got, True
            if not chunk:
                return got, True
            got += chunk
    return got, False


def responses(raw: bytes, to_head: bool = False) -> list[tuple[int, bytes, bytes]]:
    """The responses in a raw byte stream (status, head, body), each framed by its length
    (none for the answer `to_head` a HEAD request)."""
    found = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        assert sep and head.startswith(b"HTTP/1.1 "), raw[:200]
        status = int(head.split()[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _colon, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if status == 100 or to_head:
            length = 0
        found.append((status, head, rest[:length]))
        raw = rest[length:]
    return found


def statuses(raw: bytes) -> list[int]:
    """The status codes of the responses in a raw byte stream, in order."""
    return [status for status, _head, _body in responses(raw)]


def request(port: int, head: str, body: bytes = b"") -> bytes:
    """A request's bytes: the request line and headers given, the Host header added."""
    lines = head.strip("\n").split("\n")
    lines.insert(1, f"Host: 127.0.0.1:{port}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


SMUGGLED = b"GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


# --- bodies: never read as the next request ---------------------------------------------------


def test_a_body_refused_413_is_never_read_as_the_next_request(server: Server) -> None:
    port = server.server_address[1]
    smuggled = request(port, "GET /api/catalog HTTP/1.1")
    head = "POST /query HTTP/1.1\nContent-Type: application/sparql-query\n"
    head += f"Content-Length: {MAX_BODY + 1}"
    raw, closed = exchange(port, request(port, head, smuggled))
    assert statuses(raw) == [413] and closed
    assert b"Connection: close" in raw and b'"queries"' not in raw


def test_a_get_with_a_body_is_refused_and_the_body_never_runs(server: Server) -> None:
    port = server.server_address[1]
    smuggled = request(port, "GET /api/catalog HTTP/1.1")
    raw, closed = exchange(
        port, request(port, f"GET / HTTP/1.1\nContent-Length: {len(smuggled)}", smuggled)
    )
    assert statuses(raw) == [400] and closed and b'"queries"' not in raw
    assert raw.endswith(b"a GET request carries no body\n")


@pytest.mark.parametrize(
    ("headers", "status", "line"),
    [
        (
            "Transfer-Encoding: chunked",
            411,
            b"a chunked request body is not read: send Content-Length\n",
        ),
        ("Transfer-Encoding: gzip", 501, b"Transfer-Encoding 'gzip' is not supported\n"),
        (
            "Transfer-Encoding: chunked\nContent-Length: 5",
            400,
            b"both Transfer-Encoding and Content-Length: refused\n",
        ),
        ("Content-Length: 5\nContent-Length: 6", 400, b"more than one Content-Length: refused\n"),
        ("Content-Length: +5", 400, b"bad Content-Length\n"),
    ],
)
def test_a_body_framed_otherwise_is_refused_in_one_line_and_closed(
    server: Server, headers: str, status: int, line: bytes
) -> None:
    port = server.server_address[1]
    body = b"5\r\nASK{}\r\n0\r\n\r\n" + SMUGGLED
    head = f"POST /query HTTP/1.1\nContent-Type: application/sparql-query\n{headers}"
    raw, closed = exchange(port, request(port, head, body))
    assert statuses(raw) == [status] and closed
    assert raw.endswith(line)


def test_an_unsupported_method_with_a_body_is_one_line_and_closed(server: Server) -> None:
    port = server.server_address[1]
    smuggled = request(port, "GET /api/catalog HTTP/1.1")
    raw, closed = exchange(
        port, request(port, f"PUT /query HTTP/1.1\nContent-Length: {len(smuggled)}", smuggled)
    )
    # 405 with `Allow` (the protocol's answer for a method the route does not serve)
    assert statuses(raw) == [405] and closed and b'"queries"' not in raw
    assert b"\r\nAllow: GET, HEAD, POST, OPTIONS\r\n" in raw
    assert raw.endswith(b"PUT is not served at /query: use GET, HEAD, POST, OPTIONS\n")
    assert b"<html" not in raw.lower()


def test_keep_alive_still_answers_requests_one_after_another(server: Server) -> None:
    port = server.server_address[1]
    ask = urllib.parse.quote("ASK {}")
    two = request(port, f"GET /query?query={ask} HTTP/1.1") + request(
        port, "GET /api/catalog HTTP/1.1"
    )
    raw, _closed = exchange(port, two, wait=3)
    assert statuses(raw) == [200, 200] and b'"queries"' in raw


# --- idle and partial requests ------------------------------------------------------------------


def test_an_idle_connection_is_closed(server: Server) -> None:
    started = time.monotonic()
    raw, closed = exchange(server.server_address[1], b"", wait=10)
    assert closed and raw == b""
    assert time.monotonic() - started < server.idle_timeout + 3


def test_a_request_trickled_a_byte_at_a_time_cannot_hold_the_connection(server: Server) -> None:
    port = server.server_address[1]
    started = time.monotonic()
    closed = False
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\n")
        for _ in range(100):  # one header byte every 0.2 s: each read alone is quick
            try:
                s.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.2)
            s.settimeout(0.01)
            try:
                if s.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
            except ConnectionResetError:
                closed = True
                break
    assert closed
    assert time.monotonic() - started < server.idle_timeout + 3


def test_a_body_shorter_than_its_length_is_closed_at_the_idle_timeout(server: Server) -> None:
    port = server.server_address[1]
    head = "POST /query HTTP/1.1\nContent-Type: application/sparql-query\nContent-Length: 100"
    started = time.monotonic()
    raw, closed = exchange(port, request(port, head, b"ASK {"), wait=10)
    assert closed and statuses(raw) == []
    assert time.monotonic() - started < server.idle_timeout + 3


# --- client errors are 400, with the query in its forked process ------------------------------


@pytest.mark.parametrize(
    ("query", "start"),
    [
        ("SELECT * WHERE { ?s ?p }", b"syntax error"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", b"SERVICE"),
        ("SELECT * WHERE { ?s a foo:Bar }", b"unknown prefix 'foo:'"),
    ],
)
def test_a_client_error_is_400_not_500(server: Server, query: str, start: bytes) -> None:
    port = server.server_address[1]
    q = urllib.parse.quote(query)
    raw, _closed = exchange(
        port, request(port, f"GET /query?query={q} HTTP/1.1\nConnection: close")
    )
    assert statuses(raw) == [400]
    body = raw.split(b"\r\n\r\n", 1)[1]
    assert body.count(b"\n") == 1 and start in body, body
    raw, _closed = exchange(
        port,
        request(
            port,
            f"POST /api/run HTTP/1.1\nConnection: close\nContent-Type: application/"
            f"x-www-form-urlencoded\nContent-Length: {len('query=' + q)}",
            ("query=" + q).encode(),
        ),
    )
    assert statuses(raw) == [400]
    assert list(json.loads(raw.split(b"\r\n\r\n", 1)[1])) == ["error"]


# --- timeouts run from the request's arrival ----------------------------------------------------


def test_queued_queries_are_answered_within_their_timeout(out_dir: Path) -> None:
    """One query slot, six slow queries at once: each is answered 503 within its 1 s (plus a
    margin for a shared machine), the five waiting ones without ever running."""
    with serving(out_dir, timeout=1.0, max_queries=1) as httpd:
        port = httpd.server_address[1]
        q = urllib.parse.quote(SLOW)
        data = request(port, f"GET /query?query={q} HTTP/1.1\nConnection: close")

        def one(_i: int) -> tuple[list[int], float]:
            started = time.monotonic()
            raw, _closed = exchange(port, data, wait=30)
            return statuses(raw), time.monotonic() - started

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(one, range(6)))
        assert [s for s, _t in answers] == [[503]] * 6
        assert max(t for _s, t in answers) < 1.0 + 3.0, answers
        ask = urllib.parse.quote("ASK {}")
        raw, _closed = exchange(
            port, request(port, f"GET /query?query={ask} HTTP/1.1\nConnection: close")
        )
        assert statuses(raw) == [200]  # the slot is free again


# --- any request at all: a well-formed answer or a closed connection ------------------------

METHODS = st.sampled_from(
    ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "G\x00T", ""]
)
PRINTABLE = st.characters(min_codepoint=33, max_codepoint=126)
PATHS = st.one_of(
    st.sampled_from(
        ["/", "/query", "/api/run", "/api/catalog", "/api/choices", "/entity", "/static/app.js"]
    ),
    st.text(PRINTABLE, max_size=30).map(lambda t: "/" + t),
    st.text(PRINTABLE, max_size=30),
)
QUERIES = st.sampled_from(
    [
        "",
        "?query=ASK%7B%7D",
        "?query=SELECT",
        "?name=who-said-what",
        "?iri=%00",
        "?type=entity",
        "?query=" + urllib.parse.quote(SLOW[:40]),
        "?%ff%fe=%c0",
    ]
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "Content-Type: application/sparql-query",
            "Content-Type: application/x-www-form-urlencoded",
            "Content-Type: application/sparql-update",
            "Content-Length: 4",
            "Content-Length: -1",
            "Content-Length: 99999999999999999999999",
            "Transfer-Encoding: chunked",
            "Expect: 100-continue",
            "Connection: keep-alive",
            "Accept: text/csv",
            "Accept: \x00",
            "X-Long: " + "a" * 70000,
            "Bad header line",
        ]
    )
    | st.builds(
        "{}: {}".format,
        st.text(PRINTABLE, min_size=1, max_size=20),
        st.text(st.characters(min_codepoint=1, max_codepoint=255, exclude_characters="\r\n")),
    ),
    max_size=4,
)
BODIES = st.binary(max_size=64)


@pytest.fixture(scope="module")
def quick_server(out_dir: Path) -> Iterator[Server]:
    """A server that drops a partial request after half a second (many examples are partial);
    `failures` lists what escaped a request's handling (http.server would log it)."""
    with serving(out_dir, timeout=30, idle_timeout=0.5) as httpd:
        failures: list[str] = []
        httpd.failures = failures  # type: ignore[attr-defined]
        httpd.handle_error = lambda _r, _a: failures.append(repr(sys.exc_info()[1]))  # type: ignore[method-assign]
        yield httpd


@pytest.mark.slow
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=METHODS,
    path=PATHS,
    query=QUERIES,
    version=st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/x", ""]),
    headers=HEADERS,
    host=st.booleans(),
    body=BODIES,
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
)
def test_any_request_gets_a_well_formed_answer_or_a_closed_connection(
    quick_server: Server,
    method: str,
    path: str,
    query: str,
    version: str,
    headers: list[str],
    host: bool,
    body: bytes,
    cut: int | None,
) -> None:
    server = quick_server
    port = server.server_address[1]
    lines = [f"{method} {path}{query} {version}".strip()]
    if host:
        lines.append(f"Host: 127.0.0.1:{port}")
    lines += [*headers, "Connection: close"]
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    if cut is not None:
        data = data[:cut]
    started = time.monotonic()
    raw, closed = exchange(port, data, wait=server.idle_timeout + 5)
    assert closed, "the connection was left open"
    assert time.monotonic() - started < server.idle_timeout + 5
    assert b"Traceback" not in raw
    assert server.failures == []  # type: ignore[attr-defined]
    for status, head, answer in responses(raw, method == "HEAD"):  # each framed by its length
        assert 100 <= status < 600 and status != 500, raw[:300]
        if b"text/plain" in head and method != "HEAD":
            assert answer.count(b"\n") == 1, raw[:300]


# --- the query's forked process: what it hands back is bounded too ----------------------------


def test_an_answer_too_large_to_hand_back_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.engines import timeout
    from kg.engines.timeout import run_with_timeout
    from kg.errors import KgError

    monkeypatch.setattr(timeout, "MAX_ANSWER_BYTES", 1 << 20)
    with pytest.raises(KgError, match=r"^the query's answer is over 1 MiB: narrow it \(LIMIT\)$"):
        run_with_timeout(lambda: "x" * (2 << 20), 10)  # type: ignore[arg-type,return-value]
    assert run_with_timeout(lambda: "x" * 10, 10) == "x" * 10  # type: ignore[arg-type,comparison-overlap]


def test_an_answer_over_the_servers_size_is_400_and_the_server_goes_on(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.serve

    monkeypatch.setattr(kg.serve, "MAX_ANSWER", 256 << 10)
    port = server.server_address[1]
    q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    raw, _closed = exchange(
        port, request(port, f"GET /query?query={q} HTTP/1.1\nConnection: close")
    )
    assert responses(raw)[0][::2] == (
        400,
        b"the query's answer is over 0.25 MiB: narrow it (LIMIT)\n",
    )
    q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    raw, _closed = exchange(
        port, request(port, f"GET /query?query={q} HTTP/1.1\nConnection: close")
    )
    assert statuses(raw) == [200]


def test_a_query_process_that_dies_is_one_line() -> None:
    import os

    from kg.engines.timeout import run_with_timeout
    from kg.errors import KgError

    with pytest.raises(
        KgError, match=r"^the query's process ended without an answer \(exit status 3\)$"
    ):
        run_with_timeout(lambda: os._exit(3), 10)


def test_a_deadline_shortens_the_timeout_and_a_passed_one_runs_nothing(tmp_path: Path) -> None:
    from kg.engines.timeout import deadline, run_with_timeout
    from kg.errors import QueryTimeout

    started = time.monotonic()
    with deadline(started + 0.5), pytest.raises(QueryTimeout):
        run_with_timeout(lambda: time.sleep(30), 30)  # type: ignore[arg-type,return-value]
    assert time.monotonic() - started < 5
    mark = tmp_path / "ran"
    with deadline(time.monotonic() - 1), pytest.raises(QueryTimeout):
        run_with_timeout(lambda: mark.write_text("ran"), 30)  # type: ignore[arg-type,return-value]
    time.sleep(0.2)
    assert not mark.exists()  # no process was started


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--idle-timeout", "0"], "error: --idle-timeout 0: want a positive number of seconds\n"),
        (
            ["--idle-timeout", "nan"],
            "error: --idle-timeout nan: want a positive number of seconds\n",
        ),
        (["--max-queries", "0"], "error: --max-queries 0: want an integer from 1 to 256\n"),
        (["--max-queries", "1000"], "error: --max-queries 1000: want an integer from 1 to 256\n"),
    ],
)
def test_bad_serve_bounds_are_one_line(args: list[str], line: str) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["serve", "--port", "65000", *args])
    assert (result.exit_code, result.stderr) == (2, line)
