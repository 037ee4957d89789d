"""`kg serve`: the workbench page, the SPARQL 1.1 Protocol endpoint, and how the server starts
and stops. The page is tested in Debian's Chromium."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg import catalog
from kg.cli import app
from kg.errors import InputError
from kg.serve import CSP, parse_port
from tests._serving import base_url, serving
from tests.test_viz_browser import ARTIFACTS, browser  # noqa: F401  # the Chromium fixture

KG = str(Path(sys.executable).parent / "kg")
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "viz" / "hostile.trig"
STATES = "SELECT ?s WHERE { ?s a kg:State }"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[str]:
    """The workbench over the article's build, in this process on a free port: its base URL."""
    with serving(out_dir) as httpd:
        yield base_url(httpd)


def get(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, str, Any]:
    """One request: status, content type, body text and headers (errors too)."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return (
                resp.status,
                resp.headers.get("Content-Type", ""),
                resp.read().decode(),
                resp.headers,
            )
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode(), exc.headers


# --- ports, binding, stopping ---------------------------------------------------------------


@pytest.mark.parametrize("port", ["abc", "0", "65536", "-1", "80.5", " "])
def test_a_bad_port_is_one_line(port: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", port])
    assert result.exit_code == 2
    assert result.stderr == f"error: --port {port!r}: want an integer from 1 to 65535\n"
    assert parse_port("65535") == 65535 and parse_port("1") == 1
    with pytest.raises(InputError):
        parse_port(port)


def test_a_port_in_use_is_one_line_and_never_says_serving(out_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [KG, "serve", "--data", str(out_dir), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert "serving" not in proc.stderr and "panicked" not in proc.stderr


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
def test_serving_is_said_once_bound_and_a_killed_server_leaves_nothing(
    stop: signal.Signals, out_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen(
        [KG, "serve", "--data", str(out_dir), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line.startswith(f"serving the workbench at http://127.0.0.1:{port}/")
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # listening at the moment it says so
        assert _children(proc.pid) == []  # no server child: the engine runs in kg itself
        status, _ctype, body, _h = get(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
        assert (status, body) == (200, '{"head":{},"boolean":true}\n')
    finally:
        proc.send_signal(stop)
        proc.wait(20)
    rest = proc.stderr.read() if proc.stderr else ""
    if stop == signal.SIGTERM:
        assert proc.returncode == 0 and rest == "stopped\n"
    assert list(tmp.iterdir()) == []  # no temporary store left
    time.sleep(0.2)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5)


# --- the SPARQL 1.1 Protocol at /query ----------------------------------------------------------


def test_protocol_get_form_post_and_direct_post(server: str) -> None:
    q = urllib.parse.urlencode({"query": STATES})
    status, ctype, body, headers = get(f"{server}/query?{q}")
    assert status == 200 and ctype == "application/sparql-results+json"
    assert len(json.loads(body)["results"]["bindings"]) == 9
    assert headers["Content-Security-Policy"] == CSP
    form = get(
        f"{server}/query",
        q.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    assert form[0] == 200 and form[1].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(form[2])))) == 10
    direct = get(
        f"{server}/query",
        STATES.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"},
    )
    assert direct[0] == 200 and "<sparql" in direct[2]
    construct = "CONSTRUCT { ?s a kg:State } WHERE { ?s a kg:State }"
    status, ctype, body, _h = get(f"{server}/query?{urllib.parse.urlencode({'query': construct})}")
    assert status == 200 and ctype == "application/n-triples" and body.count("\n") == 9


def test_protocol_dataset_names_exactly_the_graphs_to_query(server: str) -> None:
    """`default-graph-uri` / `named-graph-uri` (SPARQL 1.1 Protocol), repeatable, as the stores'
    client sends them: they replace the union default graph."""
    ontology, entities = (f"https://w3id.org/scs-kg/graph/{g}" for g in ("ontology", "entities"))
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    graphs = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"

    def ask(query: str, pairs: list[tuple[str, str]]) -> list[str]:
        q = urllib.parse.urlencode([("query", query), *pairs])
        status, _ct, body, _h = get(f"{server}/query?{q}")
        assert status == 200, body
        rows = json.loads(body)["results"]["bindings"]
        return [next(iter(r.values()))["value"] for r in rows]

    union = int(ask(count, [])[0])
    one = int(ask(count, [("default-graph-uri", ontology)])[0])
    two = int(ask(count, [("default-graph-uri", ontology), ("default-graph-uri", entities)])[0])
    assert 0 < one < two < union
    assert ask(graphs, [("named-graph-uri", entities)]) == [entities]
    assert ask(graphs, [("default-graph-uri", ontology)]) == []  # no named graphs then
    posted = get(
        f"{server}/query",
        urllib.parse.urlencode([("query", count), ("default-graph-uri", ontology)]).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert json.loads(posted[2])["results"]["bindings"][0]["n"]["value"] == str(one)
    bad = urllib.parse.urlencode([("query", count), ("default-graph-uri", "not an iri")])
    status, _ct, body, _h = get(f"{server}/query?{bad}")
    assert status == 400 and "not an IRI" in body


def test_protocol_is_read_only(server: str) -> None:
    update = "DELETE WHERE { ?s ?p ?o }"
    for url, data, ctype in [
        (f"{server}/query?{urllib.parse.urlencode({'query': update})}", None, None),
        (f"{server}/query", urllib.parse.urlencode({"update": update}).encode(), "form"),
        (f"{server}/query", update.encode(), "application/sparql-update"),
        (f"{server}/update", update.encode(), "application/sparql-update"),
    ]:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded" if ctype == "form" else ctype
        }
        status, _ct, body, _h = get(url, data, headers if ctype else None)
        assert status == 403, (url, body)
        assert "read-only" in body
    q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert json.loads(get(f"{server}/query?{q}")[2])["results"]["bindings"][0]["n"]["value"] != "0"


def test_protocol_errors_are_one_line(server: str) -> None:
    q = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s a foo:Bar }"})
    status, ctype, body, _h = get(f"{server}/query?{q}")
    assert status == 400 and ctype.startswith("text/plain")
    assert body.startswith("unknown prefix 'foo:'") and body.count("\n") == 1
    assert get(f"{server}/nothing")[0] == 404
    wrong_host = get(f"{server}/query?{q}", headers={"Host": "evil.example:80"})
    assert wrong_host[0] == 403  # no DNS rebinding onto the loopback server


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_query_over_the_timeout_is_answered_503_and_the_server_goes_on(out_dir: Path) -> None:
    """pyoxigraph cannot be interrupted: the query's forked process is ended at the deadline."""
    with serving(out_dir, timeout=0.5) as httpd:
        base = base_url(httpd)
        q = urllib.parse.urlencode({"query": SLOW})
        status, ctype, body, _h = get(f"{base}/query?{q}")  # a cross product of four scans
        assert status == 503 and ctype.startswith("text/plain")
        assert body == "query stopped after its --timeout of 0.5 s\n"
        status, ctype, body, _h = get(f"{base}/api/run", data=q.encode())
        assert status == 503 and ctype.startswith("application/json")
        assert json.loads(body) == {"error": "query stopped after its --timeout of 0.5 s"}
        quick = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
        status, _c, body, _h = get(f"{base}/query?{quick}")  # the server goes on
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] != "0"


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_bad_serve_timeout_is_one_line(value: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--timeout", value, "--port", str(free_port())])
    assert result.exit_code == 2
    want = f"error: --timeout {float(value):g}: want a positive number of seconds\n"
    assert result.stderr == want


# --- the page's API and entity pages --------------------------------------------------------


def test_catalog_api_lists_every_query_with_its_form(server: str) -> None:
    doc = json.loads(get(f"{server}/api/catalog")[2])
    names = [q["name"] for q in doc["queries"]]
    assert "cq2-allies" in names and names == list(catalog.load_catalog())
    cq3 = next(q for q in doc["queries"] if q["name"] == "cq3-events-of-actor")
    assert cq3["params"][0] | {"help": ""} == {
        "name": "actor",
        "type": "entity",
        "default": "pete-hegseth",
        "optional": False,
        "required": False,
        "doc": "the participant",
        "help": "",
    }
    assert doc["prefixes"]["kg"] == "https://w3id.org/scs-kg/ontology#"


def test_run_api_binds_labels_as_terms_and_downloads(server: str) -> None:
    fields = {"name": "cq2-allies", "p.actor": "United States", "format": "page"}
    doc = json.loads(get(f"{server}/api/run?{urllib.parse.urlencode(fields)}")[2])
    assert doc["vars"] == ["actor", "ally", "allyLabel", "quote"]
    first = doc["rows"][0][1]
    assert first == {
        "type": "uri",
        "value": "https://w3id.org/scs-kg/id/philippines",
        "short": "ent:philippines",
        "label": "Philippines",
    }
    status, ctype, body, headers = get(
        f"{server}/api/run?{urllib.parse.urlencode({**fields, 'format': 'csv'})}"
    )
    assert status == 200 and ctype.startswith("text/csv")
    assert headers["Content-Disposition"] == 'attachment; filename="cq2-allies.csv"'
    assert body.splitlines()[0] == "actor,ally,allyLabel,quote"
    hostile = {"name": "cq2-allies", "p.actor": "<script>alert(1)</script>"}
    status, ctype, body, _h = get(f"{server}/api/run?{urllib.parse.urlencode(hostile)}")
    assert status == 400 and ctype.startswith("application/json")
    assert json.loads(body)["error"].startswith("parameter actor: unknown entity")


def test_entity_page_lists_facts_with_quotes(server: str) -> None:
    status, ctype, body, _h = get(f"{server}/entity?{urllib.parse.urlencode({'iri': 'Dong Jun'})}")
    assert status == 200 and ctype.startswith("text/html")
    assert "<h1>Dong Jun</h1>" in body and "<blockquote>" in body
    assert '<a href="/entity?iri=https%3A%2F%2Fw3id.org%2Fscs-kg%2Fid%2Fchina">' in body


def test_hostile_labels_are_escaped_on_entity_pages() -> None:
    with serving(HOSTILE) as httpd:
        base = base_url(httpd)
        status, _ct, body, _h = get(f"{base}/entity?iri=img-state")
        assert status == 200
        assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
        status, _ct, body, _h = get(f"{base}/entity?iri=script-person")
        assert "<script>" not in body and "&lt;/script&gt;&lt;script&gt;" in body


# --- the page in Chromium -----------------------------------------------------------------------


def _open(chromium: Any, url: str, width: int = 1400) -> tuple[Any, list[str], list[str]]:
    """Open the page with every request outside the server aborted and recorded."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    parts = urllib.parse.urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def on_route(route: Any) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    context.route("**/*", on_route)
    page.goto(url)
    page.wait_for_selector("body[data-kg-state=ready]", state="attached", timeout=30_000)
    return page, errors, outside


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"serve-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_workbench_page_in_chromium(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside = _open(browser, server + "/")
    items = page.locator("#queries button.query")
    assert items.count() == len(json.loads(get(f"{server}/api/catalog")[2])["queries"])
    _shot(page, "catalog")
    page.click("#queries button[data-name=cq2-allies]")
    assert page.inner_text("#chosen-summary") == "CQ2. Which actors are allies of an actor?"
    assert page.get_attribute("#param-actor", "placeholder") == "united-states"
    page.fill("#param-actor", "United States")  # a label, bound as a term by the server
    page.click("#run-catalog")
    page.wait_for_selector("table.results")
    assert page.inner_text("#status") == "cq2-allies: 1 row"
    link = page.locator("table.results a", has_text="Philippines")
    assert link.count() == 1 and link.inner_text() == "Philippines ent:philippines"
    _shot(page, "results")
    with page.expect_download() as download:
        page.click("#dl-csv")
    saved = download.value.path()
    assert Path(saved).read_text(encoding="utf-8").splitlines()[0] == "actor,ally,allyLabel,quote"
    assert download.value.suggested_filename == "cq2-allies.csv"
    # the editor: the project's prefixes declared, an undeclared one added by the server
    assert page.input_value("#editor").startswith("PREFIX kg: <https://w3id.org/scs-kg/ontology#>")
    page.fill("#editor", "SELECT ?s ?label WHERE { ?s a kg:Person ; rdfs:label ?label }")
    page.click("#run-sparql")
    page.locator("#status.ok", has_text="rows").wait_for()
    assert "Dong Jun" in page.inner_text("#results")
    page.fill("#editor", "SELECT * WHERE { ?s a foo:Bar }")
    page.click("#run-sparql")
    page.wait_for_selector("#status.error")
    assert page.inner_text("#status").startswith("error: unknown prefix 'foo:'")
    page.fill("#editor", "SELECT ?s WHERE { ?s a kg:Nothing }")
    page.click("#run-sparql")
    page.locator("#status.ok", has_text="no rows").wait_for()
    # an entity page, from a link in the results
    page.fill("#editor", "SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p")
    page.click("#run-sparql")
    page.wait_for_selector("table.results")
    page.click("table.results a:has-text('Dong Jun')")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Dong Jun"
    assert page.locator("blockquote").count() >= 1
    _shot(page, "entity")
    # the one error: the browser logs the 400 that answered the unknown prefix
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    assert outside == []
    page.context.close()


def test_workbench_page_fits_a_narrow_window(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside = _open(browser, server + "/?q=cq3-events-of-actor", width=700)
    assert page.inner_text("#chosen-name") == "cq3-events-of-actor"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 700
    _shot(page, "narrow")
    assert errors == [] and outside == []
    page.context.close()


def test_hostile_text_is_shown_as_text_in_the_page(browser: Any) -> None:  # noqa: F811
    with serving(HOSTILE) as httpd:
        base = base_url(httpd)
        page, errors, outside = _open(browser, base + "/")
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.fill("#editor", "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l")
        page.click("#run-sparql")
        page.wait_for_selector("table.results")
        text = page.inner_text("#results")
        assert "<img src=x onerror=alert(1)>" in text
        assert page.locator("#results img, #results script, #results svg").count() == 0
        assert dialogs == [] and errors == [] and outside == []
        page.context.close()


def test_a_malformed_request_is_answered_and_the_server_goes_on(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            b"POST /query HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: abc\r\n"
            b"Content-Type: application/sparql-query\r\n\r\n" % port
        )
        assert s.recv(200).startswith(b"HTTP/1.1 400")
    big = get(
        f"{server}/query",
        b"x",
        {"Content-Type": "application/sparql-query", "Content-Length": str(1 << 30)},
    )
    assert big[0] == 413
    assert get(f"{server}/query?query=ASK%7B%7D")[0] == 200
