"""`kg ontology-doc`: the ontology's HTML reference, complete, escaped, offline, deterministic."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from rdflib import Graph
from typer.testing import CliRunner

from kg import resources
from kg.cli import app
from kg.namespaces import KG
from kg.ontodoc import render
from kg.sources import declared_terms, parse_turtle

from .conftest import run_kg

runner = CliRunner()


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name in ("href", "src") and value:
                self.links.append(value)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


def test_every_declared_term_has_a_section_and_internal_links_resolve(tmp_path: Path) -> None:
    out = tmp_path / "out" / "ontology"
    result = runner.invoke(app, ["ontology-doc", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    page = _parse(html)
    assert len(page.ids) == len(set(page.ids)), "anchors are unique"
    ns = str(KG._NS)
    for term in declared_terms(parse_turtle(resources.ontology_file())):
        assert term[len(ns) :] in page.ids, term
    for link in page.links:
        if link.startswith("#"):
            assert link[1:] in page.ids, link
    assert "<title>The scs-kg ontology of South China Sea diplomacy</title>" in html
    assert 'kg:Fact</code></a> or <a href="#Instrument">' in html  # a union, in list order


def test_nothing_is_fetched_or_run() -> None:
    page = _parse(render(parse_turtle(resources.ontology_file())))
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags


def test_labels_and_definitions_are_escaped() -> None:
    g = Graph().parse(
        data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/scs-kg/ontology#Evil> a owl:Class ;
            rdfs:label "<script>alert(1)</script>"@en ;
            skos:definition "a & b <i>"@en .
        """,
        format="turtle",
    )
    html = render(g)
    assert "<script>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a &amp; b &lt;i&gt;" in html


def test_the_same_ontology_gives_the_same_bytes_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"doc-{seed}.html"
        run_kg(["ontology-doc", "--out", str(target)], seed)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert re.search(rb"<h1>The scs-kg ontology", outputs[0])
