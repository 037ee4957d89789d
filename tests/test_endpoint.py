"""Remote endpoints: push with the Graph Store Protocol, query over HTTP, `kg serve`, failures."""

from __future__ import annotations

import base64
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import catalog
from kg.cli import app
from kg.engines.remote import RemoteEngine
from kg.errors import EndpointError
from tests._serving import base_url, running

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

pytestmark = pytest.mark.skipif(not Path(OXIGRAPH).is_file(), reason="oxigraph server missing")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, proc: subprocess.Popen[bytes] | None = None, seconds: float = 30) -> None:
    """Wait until something listens on 127.0.0.1:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real, empty, in-memory Oxigraph server in its default set-up on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def pushed(server: str, out_dir: Path) -> str:
    """The server after `kg push`: its query URL."""
    code, _out, err = run("push", "--endpoint", f"{server}/store", "--data", str(out_dir))
    assert code == 0, err
    return f"{server}/query"


def _quads(out_dir: Path) -> int:
    return len(set(ox.parse(path=str(out_dir / "scs-kg.nq"), format=ox.RdfFormat.N_QUADS)))


def _count(url: str) -> int:
    row = RemoteEngine(url).run(COUNT).rows[0]
    return int(str(row[0]))


def test_push_is_idempotent(server: str, pushed: str, out_dir: Path) -> None:
    assert _count(pushed) == _quads(out_dir)
    code, _out, err = run("push", "--endpoint", f"{server}/store", "--data", str(out_dir))
    assert code == 0, err
    assert "PUT https://w3id.org/scs-kg/graph/source/us-china-military-channels" in err
    assert _count(pushed) == _quads(out_dir)


def test_cli_over_endpoint(pushed: str, out_dir: Path) -> None:
    args = ["query", "cq3-events-of-actor", "-p", "actor=dong-jun", "-f", "tsv"]
    code, remote, err = run(*args, "--endpoint", pushed)
    assert code == 0, err
    assert remote == run(*args, "--data", str(out_dir))[1]
    code, _out, err = run("query", "cq2-allies", "-p", "actor=chna", "--endpoint", pushed)
    assert code == 2 and "did you mean: china" in err


def test_hostile_value_over_endpoint(pushed: str, tmp_path: Path) -> None:
    path = tmp_path / "by-label.rq"
    path.write_text(
        "#+ summary: s\n#+ params:\n#+   - label: string\n"
        "SELECT ?label ?st WHERE { ?st <https://w3id.org/scs-kg/ontology#label> ?label }\n",
        encoding="utf-8",
    )
    query = catalog.load_query(path)
    engine = RemoteEngine(pushed)
    before = _count(pushed)
    for value in ['x" } } ; DROP ALL ; #', "x> } ; CLEAR ALL"]:
        assert engine.run(query.text, catalog.bind(query, {"label": value})).rows == []
    assert _count(pushed) == before
    assert len(engine.run(query.text, catalog.bind(query, {"label": "troublemaker"})).rows) == 2


def test_update_refused_without_allow_update(pushed: str) -> None:
    code, _out, err = run("sparql", "CLEAR ALL", "--endpoint", pushed)
    assert code == 2 and "refused without --allow-update" in err
    assert _count(pushed) > 0


def test_down_endpoint_is_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = run("query", "cq2-allies", "--endpoint", url)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {url}: endpoint unreachable") and err.count("\n") == 1
    code, _out, err = run("push", "--endpoint", url, "--data", "nowhere")
    assert code == 2 and err.count("\n") == 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with a fixed status and records the Authorization headers."""

    status = 500
    seen: list[str | None] = []  # noqa: RUF012

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(self.headers.get("Authorization"))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"internal failure\nsecond line")

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def failing() -> Iterator[str]:
    """A tiny local HTTP server that answers 500 to everything."""
    _Recorder.seen = []
    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder), daemon=True) as h:
        yield base_url(h)


def test_server_error_is_one_line(failing: str, out_dir: Path) -> None:
    code, out, err = run("query", "cq4-quoted-statements", "--endpoint", f"{failing}/query")
    assert (code, out) == (2, "")
    assert err == f"error: {failing}/query: HTTP 500 Internal Server Error: internal failure\n"
    code, _out, err = run("push", "--endpoint", f"{failing}/store", "--data", str(out_dir))
    assert code == 2 and "HTTP 500" in err and err.count("\n") == 1
    with pytest.raises(EndpointError):
        RemoteEngine(f"{failing}/query").run("ASK {}")


def test_basic_credentials_come_from_the_environment(
    failing: str, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    run("push", "--endpoint", f"{failing}/store", "--data", str(out_dir))
    token = base64.b64encode(b"analyst:s3cret").decode("ascii")
    assert _Recorder.seen[0] == f"Basic {token}"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_is_read_only_and_stops_cleanly(
    stop: signal.Signals, out_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    kg = str(Path(sys.executable).parent / "kg")
    proc = subprocess.Popen(
        [kg, "serve", "--data", str(out_dir), "--port", str(port), "--store", str(tmp_path / "s")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "KG_ENDPOINT_USER": ""},
    )
    try:
        wait_for(port, proc)
        url = f"http://127.0.0.1:{port}/query"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.headers.get_content_type() == "text/html"  # the query page
        assert _count(url) == _quads(out_dir)
        query = catalog.get("cq1-states-contesting-claims")
        rows = RemoteEngine(url).run(query.text, catalog.bind(query, {})).dicts()
        assert {r["stateLabel"] for r in rows} == {"Philippines", "Vietnam", "Malaysia", "Brunei"}
        with pytest.raises(EndpointError):
            RemoteEngine(f"http://127.0.0.1:{port}/update").update("CLEAR ALL")
        assert _count(url) == _quads(out_dir)
    finally:
        proc.send_signal(stop)
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert b"stopped" in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5)


class _Digest(http.server.BaseHTTPRequestHandler):
    """Asks for HTTP digest credentials, then accepts anything; records what it was sent."""

    seen: list[str | None] = []  # noqa: RUF012

    def do_PUT(self) -> None:
        """Challenge a request without credentials; accept one with them."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization")
        type(self).seen.append(auth)
        if auth is None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="kg", nonce="abc123", qop="auth"')
        else:
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


def test_digest_credentials_come_from_the_environment(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _Digest.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Digest)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret")
    monkeypatch.setenv("KG_ENDPOINT_AUTH", "digest")
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/store"
        code, _out, err = run("push", "--endpoint", url, "--data", str(out_dir))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert code == 0, err
    assert _Digest.seen[0] is None
    assert _Digest.seen[1] is not None and _Digest.seen[1].startswith('Digest username="analyst"')
    assert "s3cret" not in "".join(s or "" for s in _Digest.seen)
