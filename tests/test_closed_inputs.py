"""Data files that expand or fetch nothing: no XML entity is expanded and no JSON-LD context or
import is fetched or read, on every command that reads `--data` and on every engine; each is
refused in one line naming the file, with a non-zero exit (kg.xmlguard, kg.jsonld)."""

from __future__ import annotations

import http.server
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from kg import jsonld, xmlguard
from kg.errors import InputError
from kg.graph import open as open_graph

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SECRET = "the-secret-word-in-a-local-file"


def _paths(data: Path, tmp_path: Path) -> list[list[str]]:
    """Every command that reads a --data file, with each engine that parses it."""
    d = str(data)
    return [
        ["sparql", "--data", d, "ASK { ?s ?p ?o }"],
        ["sparql", "-e", "rdflib", "--data", d, "ASK { ?s ?p ?o }"],
        ["describe", "a", "--data", d],
        ["describe", "a", "-e", "rdflib", "--data", d],
        ["viz", "actors", "--data", d, "--out", str(tmp_path / "v.graphml"), "-f", "graphml"],
        ["views", "--data", d, "--out", str(tmp_path / "views")],
    ]


def _limit_memory() -> None:  # an expansion fails at 2 GB instead of taking the machine
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _kg(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )


def _refused(result: subprocess.CompletedProcess[str], path: Path, *words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and all(w in lines[0] for w in words), lines[0]
    return lines[0]


# --- XML entities ------------------------------------------------------------------------------


def laughs() -> str:
    """A 'billion laughs' RDF/XML file: nine nested entities, about 950 bytes, 3e9 characters."""
    ents = ['<!ENTITY lol "lol">']
    ents += [
        f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(ents) + "]>\n"
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">\n'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p>'
        "</rdf:Description>\n</rdf:RDF>\n"
    )


def _rdf(prolog: str, value: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{prolog}\n<rdf:RDF xmlns:rdf="{RDF}" '
        'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a">'
        f"<ex:p>{value}</ex:p></rdf:Description>\n</rdf:RDF>\n"
    )


def test_the_laughs_file_is_the_one_the_review_used() -> None:
    text = laughs()
    assert text.count("<!ENTITY") == 10 and 900 < len(text.encode()) < 1000


@pytest.mark.parametrize("command", range(6))
def test_a_billion_laughs_is_refused_on_every_path(command: int, tmp_path: Path) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs(), encoding="utf-8")
    args = _paths(path, tmp_path)[command]
    _refused(_kg(args, tmp_path), path, "XML entity lol")
    assert not list(tmp_path.glob("v*"))  # nothing written


XXE = {
    "external entity": _rdf(
        '<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>', "&x;"
    ),
    "parameter entity": _rdf(
        '<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "file:///etc/passwd"> %p; ]>', "a"
    ),
    "external DTD": _rdf('<!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd">', "a"),
    "unparsed entity": _rdf(
        '<!DOCTYPE rdf:RDF [ <!NOTATION n SYSTEM "x"> <!ENTITY u SYSTEM "y" NDATA n> ]>', "a"
    ),
}


@pytest.mark.parametrize("kind", sorted(XXE))
@pytest.mark.parametrize("command", [0, 1, 4])
def test_an_external_entity_is_refused(kind: str, command: int, tmp_path: Path) -> None:
    path = tmp_path / "xxe.rdf"
    path.write_text(XXE[kind], encoding="utf-8")
    line = _refused(_kg(_paths(path, tmp_path)[command], tmp_path), path, "refused")
    assert "root:" not in line


def test_the_loader_refuses_entities_whether_asked_for_a_store_or_a_dataset(
    tmp_path: Path,
) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs(), encoding="utf-8")
    for read in (lambda g: g.store(), lambda g: g.dataset, lambda g: g.parts()):
        with pytest.raises(InputError, match="declares the XML entity lol"):
            read(open_graph(path))


def test_a_document_type_without_entities_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(_rdf("<!DOCTYPE rdf:RDF>", "café"), encoding="utf-8")
    assert len(open_graph(path).store()) == 1
    assert len(open_graph(path).dataset) == 1


def test_a_malformed_prolog_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rdf"
    path.write_text('<?xml version="1.0"?>\n\n<!DOCTYPE rdf:RDF [ <!ELEMENT >]>\n<a/>\n')
    with pytest.raises(InputError, match=rf"^{path}:3: malformed XML"):
        xmlguard.check(path)


# --- JSON-LD that would fetch or read ----------------------------------------------------------


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        body = b'{"@context": {"name": "http://example.org/' + SECRET.encode() + b'"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A loopback HTTP server that counts the requests it gets."""
    _Counter.hits = 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/context.jsonld"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _documents(url: str, local: Path) -> dict[str, str]:
    body = '"@id": "http://example.org/a", "name": "x", "http://example.org/p": "y"'
    return {
        "remote context": f'{{"@context": "{url}", {body}}}',
        "remote context in a list": f'{{"@context": [{{"@vocab": "http://v/"}}, "{url}"], {body}}}',
        "remote import": f'{{"@context": {{"@import": "{url}"}}, {body}}}',
        "scoped remote context": (
            f'{{"@context": {{"p": {{"@id": "http://example.org/p", "@context": "{url}"}}}}, '
            f'"@id": "http://example.org/a", "p": {{"name": "x"}}}}'
        ),
        "local file": f'{{"@context": "{local.as_uri()}", {body}}}',
        "bare path": f'{{"@context": "{local.name}", {body}}}',
        "local import": f'{{"@context": {{"@import": "{local}"}}, {body}}}',
    }


@pytest.fixture
def local(tmp_path: Path) -> Path:
    """A local context file whose content would show in the results if it were read."""
    path = tmp_path / "secret-context.jsonld"
    path.write_text(f'{{"@context": {{"name": "http://example.org/{SECRET}"}}}}')
    return path


@pytest.mark.parametrize("kind", sorted(_documents("u", Path("/x"))))
@pytest.mark.parametrize("command", range(6))
def test_a_json_ld_context_is_neither_fetched_nor_read(
    kind: str, command: int, server: str, local: Path, tmp_path: Path
) -> None:
    path = tmp_path / "data.jsonld"
    path.write_text(_documents(server, local)[kind], encoding="utf-8")
    result = _kg(_paths(path, tmp_path)[command], tmp_path)
    line = _refused(result, path, "JSON-LD context names", "refused")
    assert _Counter.hits == 0
    assert SECRET not in result.stdout + line
    assert not list(tmp_path.glob("v*"))


def test_rdflib_s_own_reader_is_given_the_loader_that_refuses(server: str, local: Path) -> None:
    """Whatever path reaches rdflib's JSON-LD reader, its only fetch is `refuse_fetch`."""
    jsonld.close_rdflib()
    for kind, doc in _documents(server, local).items():
        with pytest.raises(InputError, match="JSON-LD context names"):
            Graph().parse(data=doc, format="json-ld", publicID=local.parent.as_uri() + "/")
        assert _Counter.hits == 0, kind


def test_a_json_literal_holding_a_context_is_data(tmp_path: Path) -> None:
    path = tmp_path / "json-literal.jsonld"
    value = '{"@context": "http://example.org/c"}'
    path.write_text(
        '{"@id": "http://example.org/a", "http://example.org/p": '
        f'{{"@value": {value}, "@type": "@json"}}}}'
    )
    assert len(open_graph(path).store()) == 1
    assert len(open_graph(path).dataset) == 1


def test_an_inline_context_is_read(tmp_path: Path) -> None:
    path = tmp_path / "inline.jsonld"
    path.write_text(
        '{"@context": {"name": "http://example.org/name"}, "@id": "http://example.org/a", '
        '"name": "x"}'
    )
    assert len(open_graph(path).dataset) == len(open_graph(path).store()) == 1


# --- nesting: bounded before a parser recurses or goes quadratic -------------------------------


def _deep_rdf(levels: int) -> str:
    return (
        f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">\n'
        + "<rdf:Description><ex:p>" * levels
        + "x"
        + "</ex:p></rdf:Description>" * levels
        + "\n</rdf:RDF>\n"
    )


def _deep_jsonld(levels: int) -> str:
    inner = '{"http://example.org/p": ' * levels + '"x"' + "}" * levels
    return f'{{"@id": "http://example.org/a", "http://example.org/p": {inner}}}'


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        # pyoxigraph takes minutes on 100,000 levels of RDF/XML (quadratic in the depth)
        ("deep.rdf", _deep_rdf(100_000), ["XML elements nested more than 256 deep"]),
        # pyoxigraph's JSON-LD parser overflows its stack (a segmentation fault) at 5,000
        ("deep.jsonld", _deep_jsonld(5_000), ["JSON nested 5001 levels deep"]),
        ("deeper.jsonld", "[" * 100_000 + "]" * 100_000, ["JSON nested 100000 levels deep"]),
    ],
)
@pytest.mark.parametrize("command", [0, 1])
def test_deep_nesting_is_refused_on_every_engine(
    name: str, text: str, words: list[str], command: int, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _refused(_kg(_paths(path, tmp_path)[command], tmp_path), path, *words)


def test_nesting_within_the_bound_is_read(tmp_path: Path) -> None:
    rdf, doc = tmp_path / "nested.rdf", tmp_path / "nested.jsonld"
    rdf.write_text(_deep_rdf(100), encoding="utf-8")
    doc.write_text(_deep_jsonld(100), encoding="utf-8")
    for path, triples in ((rdf, 100), (doc, 101)):  # JSON-LD's outer node adds one
        assert len(open_graph(path).store()) == triples
        assert len(open_graph(path).dataset) == triples


def test_malformed_xml_anywhere_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rdf"
    path.write_text(_rdf("", "a").replace("</ex:p>", "</ex:q>"), encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:4: malformed XML: mismatched tag"):
        xmlguard.check(path)
