"""`kg new URL`: the only fetch, bounded in size and time, never redirected to another scheme.

Every request goes to a server on the loopback interface started by the test; pages FICTIONAL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.sources import discover, parse_turtle

from .ingest_fixtures import ARTICLE, PAGE

runner = CliRunner()
SCHEMA = "https://schema.org/"
PAV = "http://purl.org/pav/"


class _Handler(BaseHTTPRequestHandler):
    seen: list[str] = []  # noqa: RUF012 (the paths asked for, shared by every request)

    def log_message(self, *_args: object) -> None:
        pass

    def _send(self, body: bytes, kind: str = "text/html; charset=utf-8", **extra: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.path == "/article":
            self._send(PAGE.read_bytes())
        elif self.path == "/moved":
            self._redirect("/article")
        elif self.path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/article")
        elif self.path == "/to-https":
            self._redirect(f"https://127.0.0.1:{self.server.server_port}/article")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/endless":  # no length given, and it never stops
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!DOCTYPE html><html><body>")
            try:
                for _ in range(10_000):
                    self.wfile.write(b"<p>FICTIONAL filler</p>" * 100)
            except OSError:
                pass
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"<p>FICTIONAL</p>")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif self.path == "/gzip":
            self._send(b"\x1f\x8b" + b"\0" * 100, Content_Encoding="gzip")
        else:
            self.send_error(404)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def _new(sources: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["new", *args, "--sources", str(sources)])
    return result.exit_code, result.output


def test_an_address_is_fetched_and_its_page_kept_with_where_and_when(
    server: str, sources_copy: Path
) -> None:
    code, output = _new(sources_copy, f"{server}/moved")  # a redirect on the same scheme
    assert code == 0, output
    folder = sources_copy / "article"
    assert (folder / "text.txt").read_text(encoding="utf-8") == ARTICLE.read_text("utf-8")
    assert (folder / "original.html").read_bytes() == PAGE.read_bytes()
    facts = parse_turtle(folder / "facts.ttl")
    source = URIRef(str(next(facts.subjects(URIRef(PAV + "retrievedOn"), None))))
    retrieved = facts.value(source, URIRef(PAV + "retrievedOn"))
    assert isinstance(retrieved, Literal) and str(retrieved.datatype).endswith("dateTime")
    original = URIRef(f"{source}#original")
    assert facts.value(original, URIRef(SCHEMA + "contentUrl")) == URIRef(f"{server}/article")
    # the page names its own address: that is the article's URL
    assert facts.value(source, URIRef(SCHEMA + "url")) == URIRef(
        "https://courier.example/world/2026/03/coastguards-hotline"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-ftp", "redirected to ftp address"),
        ("/to-https", "redirected to https address"),
        ("/loop", "redirect"),
        ("/endless", "larger than the limit of 1.0 MiB"),
        ("/slow", "not fetched within 1 s"),
        ("/gzip", "gzip-compressed: refused"),
        ("/missing", "HTTP 404"),
    ],
)
def test_a_fetch_out_of_bounds_is_refused_in_one_line_and_nothing_is_written(
    server: str, sources_copy: Path, monkeypatch: pytest.MonkeyPatch, path: str, message: str
) -> None:
    monkeypatch.setattr("kg.ingest.fetch.LIMIT", 2**20)
    monkeypatch.setattr("kg.ingest.fetch.TIMEOUT", 1.0)
    before = discover(sources_copy)
    start = time.monotonic()
    code, output = _new(sources_copy, f"{server}{path}")
    assert time.monotonic() - start < 4.5  # the slow server needs 4 s to finish: cut at 1
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {server}"), lines
    assert message in lines[0], lines[0]
    assert discover(sources_copy) == before
    assert not [p for p in sources_copy.iterdir() if p.name.startswith(".")]


def test_an_address_of_another_scheme_is_not_fetched(sources_copy: Path) -> None:
    code, output = _new(sources_copy, "file:///etc/hostname")
    assert code == 2 and "only http and https addresses are fetched" in output


def test_a_saved_feed_naming_an_external_dtd_fetches_nothing(
    server: str, sources_copy: Path, tmp_path: Path
) -> None:
    _Handler.seen.clear()
    feed = tmp_path / "old.rss"
    feed.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{server}/dtd">\n'
        '<rss version="0.91"><channel><title>The Karvos Gazette</title>'
        "<item><title>FICTIONAL: a harbour reopens</title><link>https://gazette.example/1</link>"
        "<description>The invented harbour of Karvos reopened on Monday.</description></item>"
        "</channel></rss>\n",
        encoding="utf-8",
    )
    code, output = _new(sources_copy, str(feed))
    assert code == 0, output
    assert _Handler.seen == []  # the DTD was not asked for
