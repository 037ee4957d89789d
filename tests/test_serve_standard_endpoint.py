"""`kg serve`'s /query as a SPARQL 1.1 endpoint that standard tools accept: CORS for the
read-only endpoint (and only there), an OPTIONS preflight, 405 with `Allow` for a method a
route does not serve, a SPARQL 1.1 Service Description at `GET /query`, a malformed query
answered 400 in one line at the CLI's position, and IRIs outside the graph (Wikidata's
`owl:sameAs`) linked to their own pages."""

from __future__ import annotations

import json
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from typer.testing import CliRunner

from kg.api import KnowledgeGraph
from kg.cli import app
from kg.errors import InputError
from kg.serve import own_page
from tests._serving import base_url, serving
from tests.test_serve import _open, get
from tests.test_viz_browser import browser  # noqa: F401  # the Chromium fixture

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
ORIGIN = "http://localhost:8080"  # another origin, as a browser names it
# `kg:` is declared by the project (a PREFIX line is prepended); the error is on line 3
BAD = "SELECT ?s WHERE {\n  ?s a kg:State .\n  ?s <not an iri> ?o .\n}\n"


@pytest.fixture(scope="module")
def served(out_dir: Path) -> Iterator[str]:
    """The workbench over the article's build on a free port: its base URL."""
    with serving(out_dir) as httpd:
        yield base_url(httpd)


def raw(base: str, request: bytes) -> bytes:
    """Send one request as bytes; return the whole answer (the server closes or answers)."""
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.replace(b"PORT", str(port).encode()))
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- CORS ---------------------------------------------------------------------------------


def test_query_answers_and_errors_are_readable_from_any_origin(served: str) -> None:
    ok = get(f"{served}/query?query=ASK%7B%7D", headers={"Origin": ORIGIN})
    assert ok[0] == 200 and ok[3]["Access-Control-Allow-Origin"] == "*"
    bad = get(f"{served}/query?query=SELECT", headers={"Origin": ORIGIN})
    assert bad[0] == 400 and bad[3]["Access-Control-Allow-Origin"] == "*"
    refused = get(f"{served}/query?query=CLEAR%20ALL", headers={"Origin": ORIGIN})
    assert refused[0] == 403 and refused[3]["Access-Control-Allow-Origin"] == "*"
    posted = get(
        f"{served}/query",
        b"ASK {}",
        {"Origin": ORIGIN, "Content-Type": "application/sparql-query"},
    )
    assert posted[0] == 200 and posted[3]["Access-Control-Allow-Origin"] == "*"


def test_only_the_read_only_endpoint_is_shared_across_origins(served: str) -> None:
    for path in ["/", "/api/catalog", "/api/run?query=ASK%7B%7D", "/entity?iri=china"]:
        status, _ct, _body, headers = get(served + path, headers={"Origin": ORIGIN})
        assert status == 200, path
        assert "Access-Control-Allow-Origin" not in headers, path
    status, _ct, _body, headers = get(f"{served}/update", b"CLEAR ALL", {"Origin": ORIGIN})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_a_preflight_answers_the_methods_and_headers_allowed(served: str) -> None:
    answer = raw(
        served,
        b"OPTIONS /query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nOrigin: http://localhost:8080\r\n"
        b"Access-Control-Request-Method: POST\r\n"
        b"Access-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 204 No Content" and body == b""
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type, Accept"
    assert headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert "Content-Length" not in headers and "Content-Type" not in headers
    assert "Access-Control-Allow-Private-Network" not in headers
    # a public page asking for this loopback server (Chromium's Private Network Access)
    answer = raw(
        served,
        b"OPTIONS /query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nOrigin: https://yasgui.example\r\n"
        b"Access-Control-Request-Method: GET\r\n"
        b"Access-Control-Request-Private-Network: true\r\nConnection: close\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 204 ")
    assert b"\r\nAccess-Control-Allow-Private-Network: true\r\n" in answer
    # the page's own routes say what they serve, and share nothing across origins
    answer = raw(served, b"OPTIONS /api/run HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 204 ") and b"\r\nAllow: GET, HEAD, POST, OPTIONS" in answer
    assert b"Access-Control-" not in answer


# --- 405 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/query", "GET, HEAD, POST, OPTIONS"),
        ("DELETE", "/query", "GET, HEAD, POST, OPTIONS"),
        ("PATCH", "/api/run", "GET, HEAD, POST, OPTIONS"),
        ("POST", "/", "GET, HEAD, OPTIONS"),
        ("DELETE", "/static/app.js", "GET, HEAD, OPTIONS"),
        ("BREW", "/query", "GET, HEAD, POST, OPTIONS"),
        ("B\x01REW", "/query", "GET, HEAD, POST, OPTIONS"),
    ],
)
def test_a_method_a_route_does_not_serve_is_405_with_allow(
    served: str, method: str, path: str, allow: str
) -> None:
    answer = raw(
        served,
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nContent-Length: 9\r\n"
        "Content-Type: application/sparql-query\r\n\r\nASK { }\r\n".encode(),
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 405 Method Not Allowed"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Allow"] == allow
    assert headers["Connection"] == "close"  # the body was not read: never a next request
    line = f"{method.replace(chr(1), '?')} is not served at {path}: use {allow}"
    if path.startswith("/api/"):
        assert json.loads(body) == {"error": line}
    else:
        assert body.decode() == line + "\n"
    assert (headers.get("Access-Control-Allow-Origin") == "*") == (path == "/query")


def test_writing_routes_stay_refused_whatever_the_method(served: str) -> None:
    for method in ("PUT", "DELETE", "POST", "GET"):
        answer = raw(served, f"{method} /store HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 403 "), method
        assert answer.endswith(b"\r\n\r\nthis server is read-only\n")
    assert raw(served, b"PUT /nothing HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n\r\n").startswith(
        b"HTTP/1.1 404 "
    )


# --- the service description ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "ctype", "fmt"),
    [
        (None, "text/turtle; charset=utf-8", "turtle"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle; charset=utf-8", "turtle"),
        ("text/turtle", "text/turtle; charset=utf-8", "turtle"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/turtle;q=0.5, application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json;q=0, application/rdf+xml;q=0.1", "application/rdf+xml", "xml"),
    ],
)
def test_get_query_without_a_query_is_the_service_description(
    served: str, out_dir: Path, accept: str | None, ctype: str, fmt: str
) -> None:
    status, got, body, headers = get(
        f"{served}/query", headers={"Accept": accept} if accept else {}
    )
    assert status == 200 and got == ctype, body
    assert headers["Access-Control-Allow-Origin"] == "*"
    sd = Graph().parse(data=body, format=fmt)
    service = URIRef(f"{served}/query")
    assert (service, RDF.type, SD.Service) in sd
    assert sd.value(service, SD.endpoint) == service
    assert set(sd.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert set(sd.objects(service, SD.resultFormat)) == {
        FORMATS[f]
        for f in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "N-Triples",
            "Turtle",
            "JSON-LD",
        )
    }
    assert set(sd.objects(service, SD.feature)) == {SD.UnionDefaultGraph}
    # the default dataset: the union and each named graph, with their sizes, as the graph says
    kg = KnowledgeGraph.open(out_dir)
    dataset = sd.value(service, SD.defaultDataset)
    default = sd.value(dataset, SD.defaultGraph)
    total = kg.sparql("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert total is not None
    assert sd.value(default, VOID.triples) == Literal(int(str(total.rows[0][0])))
    named = {
        sd.value(g, SD.name): sd.value(sd.value(g, SD.graph), VOID.triples)
        for g in sd.objects(dataset, SD.namedGraph)
    }
    sizes = kg.sparql("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert sizes is not None
    assert named == {g: Literal(int(str(n)), datatype=XSD.integer) for g, n in sizes.rows}
    assert URIRef("https://w3id.org/scs-kg/graph/ontology") in named
    assert get(f"{served}/query", headers={"Accept": accept} if accept else {})[2] == body


def test_a_post_without_a_query_is_still_a_client_error(served: str) -> None:
    status, _ct, body, headers = get(
        f"{served}/query", b"", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (status, body) == (400, "no query: give the `query` parameter\n")
    assert headers["Access-Control-Allow-Origin"] == "*"


# --- malformed queries: 400, one line, the CLI's position ------------------------------------


def test_a_malformed_query_is_400_in_one_line_at_the_clis_position(
    served: str, out_dir: Path, tmp_path: Path
) -> None:
    query = tmp_path / "bad.rq"
    query.write_text(BAD, encoding="utf-8")
    cli = CliRunner().invoke(app, ["sparql", "--data", str(out_dir), "--file", str(query)])
    assert cli.exit_code == 2
    line = cli.stderr.removeprefix("error: ").rstrip("\n")
    assert line.startswith("SPARQL syntax error: line 3 column ")  # the user's line 3
    answers = [
        get(f"{served}/query?{urllib.parse.urlencode({'query': BAD})}"),
        get(
            f"{served}/query",
            urllib.parse.urlencode({"query": BAD}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        get(f"{served}/query", BAD.encode(), {"Content-Type": "application/sparql-query"}),
    ]
    for status, ctype, body, _h in answers:
        assert (status, ctype) == (400, "text/plain; charset=utf-8")
        assert body == line + "\n"
    status, _ct, body, _h = get(f"{served}/api/run?{urllib.parse.urlencode({'query': BAD})}")
    assert status == 400 and json.loads(body) == {"error": line}
    # kg sparql --endpoint sends the text with the prefix declared: the server says line 3 too
    remote = CliRunner().invoke(
        app, ["sparql", "--endpoint", f"{served}/query", "--file", str(query)]
    )
    assert remote.exit_code == 2
    assert remote.stderr == f"error: {served}/query: HTTP 400: {line}\n"
    # the same text with its prefix declared by the user: the same line, one further down
    declared = "PREFIX kg: <https://w3id.org/scs-kg/ontology#>\n" + BAD
    status, _ct, body, _h = get(f"{served}/query?{urllib.parse.urlencode({'query': declared})}")
    assert status == 400 and body.startswith("SPARQL syntax error: line 4 column ")


def test_a_column_on_the_first_line_is_the_users_too(served: str, out_dir: Path) -> None:
    """The declarations go before the query's first line: its columns are put back."""
    query = "SELECT ?s WHERE { ?s a kg:State . ?s <not an iri> ?o }"
    same_length = query.replace("kg:State", "<urn:St>")  # nothing to declare: the engine's own
    kg = KnowledgeGraph.open(out_dir)
    with pytest.raises(InputError) as plain:
        kg.sparql(same_length)
    with pytest.raises(InputError) as declared:
        kg.sparql(query)
    assert str(plain.value).startswith("SPARQL syntax error: line 1 column ")
    assert str(declared.value) == str(plain.value)
    status, _ct, body, _h = get(f"{served}/query?{urllib.parse.urlencode({'query': query})}")
    assert (status, body) == (400, str(plain.value) + "\n")


# --- IRIs outside the graph open their own pages -----------------------------------------------


def test_wikidata_links_open_wikidata(served: str) -> None:
    assert own_page("http://www.wikidata.org/entity/Q148") == "https://www.wikidata.org/wiki/Q148"
    assert (
        own_page("http://www.wikidata.org/entity/P31")
        == "https://www.wikidata.org/wiki/Property:P31"
    )
    assert own_page("urn:x:y") is None and own_page("https://example.org/a b") is None
    assert own_page("https://example.org/a>b") is None and own_page("javascript:alert(1)") is None
    assert own_page("https://example.org/a") == "https://example.org/a"
    query = "SELECT ?s ?w WHERE { ?s owl:sameAs ?w } ORDER BY ?s"
    doc = json.loads(get(f"{served}/api/run?{urllib.parse.urlencode({'query': query})}")[2])
    china = next(r for r in doc["rows"] if r[0]["value"] == "https://w3id.org/scs-kg/id/china")
    assert "external" not in china[0]  # the graph's own entity: its entity page
    assert china[1] == {
        "type": "uri",
        "value": "http://www.wikidata.org/entity/Q148",
        "short": "<http://www.wikidata.org/entity/Q148>",
        "external": "https://www.wikidata.org/wiki/Q148",
    }
    assert all(
        r[1].get("external", "").startswith("https://www.wikidata.org/wiki/Q") for r in doc["rows"]
    )
    status, _ct, page, _h = get(f"{served}/entity?iri=china")
    assert status == 200
    assert (
        '<a class="external" href="https://www.wikidata.org/wiki/Q148" target="_blank" '
        'rel="noopener noreferrer">'
    ) in page
    assert "/entity?iri=http%3A%2F%2Fwww.wikidata.org" not in page


def test_a_wikidata_link_in_the_workbench_opens_wikidata_in_a_new_tab(
    browser: Any,  # noqa: F811
    served: str,
) -> None:
    page, errors, outside = _open(browser, served + "/")
    page.fill("#editor", "SELECT ?s ?w WHERE { ?s owl:sameAs ?w } ORDER BY ?s")
    page.click("#run-sparql")
    page.wait_for_selector("table.results")
    link = page.locator("table.results a.external", has_text="Q148")
    assert link.count() == 1
    assert link.get_attribute("href") == "https://www.wikidata.org/wiki/Q148"
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    china = "/entity?iri=" + urllib.parse.quote("https://w3id.org/scs-kg/id/china", safe="")
    local = page.locator(f'table.results a[href="{china}"]')  # the graph's own: its page
    assert local.count() == 1 and local.get_attribute("target") is None
    before = page.url  # the run put its query in the address (a link that reruns it)
    assert before.startswith(served + "/?query=")
    with page.context.expect_page() as opened:
        link.click()
    opened.value.wait_for_load_state()
    assert page.url == before  # the workbench stays where it was
    assert outside == ["https://www.wikidata.org/wiki/Q148"]  # asked for (and blocked here)
    assert errors == []
    page.context.close()
