"""YASGUI (the npm package `@zazuko/yasgui`, the SPARQL editor many endpoints offer) runs a
catalog query against `kg serve` in Debian's Chromium. The page comes from a second loopback
server, so every request YASGUI sends to /query crosses origins and passes only with the
endpoint's CORS answers; every request outside the two loopback servers is aborted.

The package comes from scripts/install-interop.sh (`make test` runs it) into .venv/interop;
without it, or without Chromium, the test is skipped, except in CI, where that is a failure.
"""

from __future__ import annotations

import http.server
import json
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg import catalog
from kg.api import KnowledgeGraph
from kg.serve import Handler
from tests._serving import base_url, running, serving
from tests.test_interop import NODE_DIR, need
from tests.test_viz_browser import ARTIFACTS, CHROMIUM, _require_browser

pytestmark = pytest.mark.slow  # drives Chromium

BUILD = NODE_DIR / "@zazuko" / "yasgui" / "build"
QUERY = "events"  # a catalog query without parameters: its text runs as it is
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>YASGUI</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/yasgui.min.css">
<script src="/yasgui.min.js"></script></head>
<body><div id="yasgui"></div>
<script>
window.yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: ENDPOINT, method: "POST" },
  copyEndpointOnNewTab: false,
  persistenceId: null,
  yasqe: { autocompleters: [] },
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[Any]:
    """Debian's Chromium with every connection outside the loopback interface refused.

    The block is a proxy that refuses connections (loopback never goes through a proxy), not
    Playwright's request interception, which would answer CORS preflights itself.
    """
    _require_browser()
    from playwright.sync_api import sync_playwright

    with socket.socket() as dead, sync_playwright() as pw:
        dead.bind(("127.0.0.1", 0))  # bound, never listening: every connection is refused
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--proxy-server=http://127.0.0.1:{dead.getsockname()[1]}",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def endpoint(out_dir: Path) -> Iterator[str]:
    """`kg serve` over the article's build on a free port: its /query URL."""
    with serving(out_dir) as httpd:
        yield base_url(httpd) + "/query"


@pytest.fixture(scope="module")
def yasgui_page(endpoint: str) -> Iterator[str]:
    """A second loopback server (another origin) serving a YASGUI page set to the endpoint."""
    need("@zazuko/yasgui", (BUILD / "yasgui.min.js").is_file())
    files = {
        "/": (PAGE.replace("ENDPOINT", json.dumps(endpoint)).encode(), "text/html"),
        "/yasgui.min.js": ((BUILD / "yasgui.min.js").read_bytes(), "text/javascript"),
        "/yasgui.min.css": ((BUILD / "yasgui.min.css").read_bytes(), "text/css"),
    }

    class Files(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, ctype = files.get(self.path, (b"not found\n", "text/plain"))
            self.send_response(200 if self.path in files else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)) as httpd:
        yield base_url(httpd) + "/"


def test_yasgui_runs_a_catalog_query_against_kg_serve(
    offline_browser: Any,
    endpoint: str,
    yasgui_page: str,
    out_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = KnowledgeGraph.open(out_dir).query(QUERY)
    assert len(expected.rows) > 5
    # what kg serve receives: (method, path, Origin); the browser's own CORS checks decide
    sent: list[tuple[str, str, str]] = []

    def recording(method: str) -> None:  # http.server calls `do_<METHOD>` for each request
        real = getattr(Handler, method)

        def recorded(handler: Handler) -> None:
            path = urllib.parse.urlsplit(handler.path).path
            sent.append((handler.command, path, handler.headers.get("Origin") or ""))
            real(handler)

        monkeypatch.setattr(Handler, method, recorded)

    for method in ("do_GET", "do_POST", "do_OPTIONS"):
        recording(method)
    context = offline_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    loopback = (yasgui_page, endpoint.removesuffix("query"))

    def seen(request: Any) -> None:
        if not request.url.startswith(loopback):
            outside.append(request.url)

    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", seen)
    page.goto(yasgui_page)
    page.wait_for_selector(".yasqe .CodeMirror")
    text = catalog.get(QUERY).text
    page.evaluate("text => { window.yasgui.getTab().setQuery(text); }", text)
    page.click(".yasqe_queryButton")
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=30_000)
    assert rows.count() == len(expected.rows)
    label = expected.vars.index("eventLabel")
    for n, row in enumerate(expected.rows):
        assert str(row[label]) in rows.nth(n).inner_text()
    heads = page.locator(".yasr table.dataTable thead th").all_inner_texts()
    assert [h.strip() for h in heads if h.strip() and h.strip() != "#"] == expected.vars
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "yasgui-kg-serve.png"), full_page=True)
    # the query crossed origins: sent from the page's origin, answered with CORS
    origin = yasgui_page.rstrip("/")
    assert ("POST", "/query", origin) in sent and origin not in endpoint
    # a request that needs a preflight (a direct SPARQL POST) passes too; the page's API does not
    answer = page.evaluate(
        """async ([url, api]) => {
             const r = await fetch(url, {method: "POST", body: "ASK {}",
               headers: {"Content-Type": "application/sparql-query",
                         "Accept": "application/sparql-results+json"}});
             let shared = "read";
             try { await fetch(api); } catch (e) { shared = "refused"; }
             return [r.status, await r.json(), shared];
           }""",
        [endpoint, endpoint.removesuffix("query") + "api/catalog"],
    )
    assert answer == [200, {"head": {}, "boolean": True}, "refused"]
    assert sent.count(("OPTIONS", "/query", origin)) == 1  # the preflight, from Chromium
    assert ("GET", "/api/catalog", origin) in sent  # sent, but its answer is not shared
    assert outside == []
    # the only errors: Chromium refusing the page's API to another origin
    assert len(errors) == 2 and "has been blocked by CORS policy" in errors[0], errors
    assert "No 'Access-Control-Allow-Origin' header" in errors[0] and "/api/catalog" in errors[0]
    assert errors[1] == "Failed to load resource: net::ERR_FAILED"
    assert urllib.parse.urlsplit(endpoint).hostname == "127.0.0.1"
    context.close()
