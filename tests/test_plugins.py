"""Tables of engines, views and view formats (`kg.plugins`); one shortener, one prefixes function
(`kg.prefixes`); `kg serve`'s serving loop in `kg.serve`."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, URIRef
from typer.testing import CliRunner

from kg import diff, graph, ontodoc, plugins, results
from kg.api import KnowledgeGraph
from kg.cli import app
from kg.engines.base import Engine
from kg.engines.open import open_engine
from kg.errors import InputError
from kg.namespaces import ENT, FACT, KG, PREFIXES, SRC, source_graph
from kg.prefixes import curie, local_name, prefixed_graph, short_iri, slug, split, with_sources
from kg.viz import title_for, write_view
from kg.viz.projection import Projector, project

runner = CliRunner()
TABLES = [plugins.ENGINES, plugins.VIEWS, plugins.VIEW_FORMATS]


# --- the tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.kind)
def test_every_row_loads_its_implementation(table: plugins.Table) -> None:
    assert table.names and table.default == table.names[0]
    for row in table:
        assert callable(row.load()), row
        assert row.title and row.name in table


def test_an_engine_row_is_an_engine_class_of_that_name() -> None:
    for row in plugins.ENGINES:
        cls = row.load()
        assert issubclass(cls, Engine) and cls.name == row.name


@pytest.mark.parametrize(
    ("table", "name", "message"),
    [
        (plugins.ENGINES, "virtuoso", "--engine 'virtuoso': want oxigraph or rdflib"),
        (
            plugins.VIEWS,
            "globe",
            "unknown view 'globe' (choose one of: all, actors, claims, timeline, map, ego)",
        ),
        (plugins.VIEW_FORMATS, "pdf", "unknown format 'pdf' (choose one of: html, graphml, gexf)"),
    ],
)
def test_an_unknown_name_is_one_line_listing_the_rows(
    table: plugins.Table, name: str, message: str
) -> None:
    with pytest.raises(InputError) as err:
        table.get(name)
    assert str(err.value) == message


def test_help_and_completion_come_from_the_tables() -> None:
    viz_help = runner.invoke(app, ["viz", "--help"], terminal_width=200).output
    assert f"The view: {plugins.VIEWS.spoken()}." in viz_help
    assert plugins.VIEWS.spoken() == "all, actors, claims, timeline, map or ego"
    assert "Output format: html, graphml or gexf." in viz_help
    sparql_help = runner.invoke(app, ["sparql", "--help"], terminal_width=200).output
    assert "Embedded engine: oxigraph (default) or rdflib." in sparql_help
    views_help = runner.invoke(app, ["views", "--help"], terminal_width=200).output
    assert (
        "Write every view (all, actors, claims, timeline, map and one ego view per --focus)"
        in views_help
    )
    assert plugins.VIEWS.complete("a") == [
        ("all", "Actors, claims and events"),
        ("actors", "Actor network"),
    ]
    assert [n for n, _t in plugins.ENGINES.complete("")] == ["oxigraph", "rdflib"]


def test_the_shell_completes_a_view_and_an_engine_from_the_tables() -> None:
    def complete(words: str) -> list[str]:
        env = {"_KG_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "2"}
        found = runner.invoke(app, [], prog_name="kg", env=env)
        return found.output.split()

    assert complete("kg viz a") == ["all", "actors"]
    env = {"_KG_COMPLETE": "complete_bash", "COMP_WORDS": "kg sparql --engine r", "COMP_CWORD": "3"}
    assert runner.invoke(app, [], prog_name="kg", env=env).output.split() == ["rdflib"]


def _places(p: Projector, g: nx.MultiDiGraph) -> None:
    """A view for the test: the places and where they lie."""
    p.add_nodes(g, p.nodes_of(["Place"]))
    p.add_edges(g, p.direct([KG.locatedIn]))


def test_a_new_view_is_one_row_plus_its_function(
    dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = plugins.View("places", "tests.test_plugins:_places", "Places and where they lie")
    monkeypatch.setitem(plugins.VIEWS.rows, "places", row)
    g = project(dataset, "places")
    assert g.number_of_nodes() > 0
    assert {d["group"] for _n, d in g.nodes(data=True)} == {"Place"}
    assert title_for(g) == "scs-kg: Places and where they lie"
    assert write_view(g, tmp_path / "places.graphml", "graphml").is_file()
    result = runner.invoke(app, ["views", "--out", str(tmp_path / "views")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "views" / "places.html").is_file()


def test_a_new_engine_is_one_row(out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = plugins.Plugin(
        "rdflib-again", "kg.engines.embedded:RdflibEngine", "rdflib, under another name"
    )
    monkeypatch.setitem(plugins.ENGINES.rows, "rdflib-again", row)
    engine = open_engine(graph.open(out_dir), "rdflib-again")
    assert type(engine).__name__ == "RdflibEngine"
    assert engine.run("ASK { ?s ?p ?o }").boolean is True
    assert KnowledgeGraph.open(out_dir, engine="rdflib-again").query("cq2-allies").vars


# --- one shortener, one prefixes function --------------------------------------------------


def test_a_strict_prefixed_name_reads_back_a_loose_one_is_for_people() -> None:
    nif_string = f"{SRC}some-source#char=0,63"
    assert curie(str(KG.State)) == "kg:State" == curie(str(KG.State), strict=False)
    assert curie(nif_string) is None  # `#`, `,` and `=` are no local name SPARQL reads
    assert curie(nif_string, strict=False) == "src:some-source#char=0,63"
    assert curie(str(FACT) + "a-source/claim-1") == "a-source:claim-1"
    assert curie(str(FACT) + "a-source/claim-1", strict=False) is None
    assert curie(PREFIXES["owl"]) == "owl:" and curie(PREFIXES["owl"], strict=False) is None
    assert curie("http://example.org/x") is None
    assert short_iri("http://example.org/x") == "<http://example.org/x>"
    # results show IRIs as `short_iri` writes them
    for iri in (str(KG.State), "http://example.org/x", str(ENT["china"])):
        assert results.short(URIRef(iri)) == short_iri(iri)


def test_the_other_names_are_separate_helpers_for_their_purpose() -> None:
    graph = str(source_graph("a-b"))
    assert slug(graph) == "graph-source-a-b"  # a file or IRI path, whatever the local part
    assert slug("http://example.org/a#b") == "http---example-org-a-b"
    assert local_name(str(KG.claimedPlace)) == "claimedPlace"  # a label of last resort
    assert local_name(str(ENT["china"])) == "china"
    assert split(str(KG.State)) == ("kg", "State")
    assert split(PREFIXES["kg"], empty=False) is None


def test_the_diff_and_the_ontology_page_use_the_loose_form(dataset: Dataset) -> None:
    labels = diff.Labels(dataset)
    span = URIRef(f"{SRC}s#char=1,2")
    assert labels.short(span) == "src:s#char=1,2"
    assert labels.short(URIRef(str(FACT) + "s/f")) == "s/f"
    assert ontodoc.curie_of(URIRef(str(KG.State))) == "kg:State"
    assert ontodoc.curie_of(URIRef("http://example.org/x")) == "http://example.org/x"


def test_project_prefixes_plus_one_per_source(built: object) -> None:
    found = with_sources(["b-src", "a-src"])
    assert list(found) == sorted(found)
    assert found["a-src"] == f"{FACT}a-src/" and found["kg"] == PREFIXES["kg"]
    assert with_sources([], {"x": "http://x/"}) == {"x": "http://x/"}
    assert built.prefixes() == with_sources(u.slug for u in built.units)  # type: ignore[attr-defined]
    g = prefixed_graph()
    assert dict(g.namespaces())["ent"] == URIRef(PREFIXES["ent"])


# --- kg serve's loop lives in kg.serve ------------------------------------------------------


def test_serving_stops_cleanly_on_sigterm_and_puts_the_handler_back(out_dir: Path) -> None:
    from kg.serve import make_server, run

    server = make_server(KnowledgeGraph.open(out_dir), 0)
    said: list[str] = []
    before = signal.getsignal(signal.SIGTERM)

    def stop_soon() -> None:
        while not said:
            threading.Event().wait(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=stop_soon, daemon=True).start()
    run(server, said.append)
    assert said[0].startswith(f"serving the workbench at {server.url}")
    assert said[1:] == ["stopped"]
    assert signal.getsignal(signal.SIGTERM) == before
    assert server.socket.fileno() == -1  # closed: the port is free again
