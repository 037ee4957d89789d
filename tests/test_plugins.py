"""Tables of engines, views and view formats (`kg.plugins`)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset
from typer.testing import CliRunner

from kg import plugins
from kg.api import KnowledgeGraph
from kg.cli import app
from kg.errors import InputError
from kg.namespaces import KG
from kg.store import Engine, open_engine
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
        (plugins.VIEWS, "map", "unknown view 'map' (choose one of: all, actors, claims, ego)"),
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
    assert plugins.VIEWS.spoken() == "all, actors, claims or ego"
    assert "Output format: html, graphml or gexf." in viz_help
    sparql_help = runner.invoke(app, ["sparql", "--help"], terminal_width=200).output
    assert "Embedded engine: oxigraph (default) or rdflib." in sparql_help
    views_help = runner.invoke(app, ["views", "--help"], terminal_width=200).output
    assert "Write every view (all, actors, claims and one ego view per --focus)" in views_help
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
    row = plugins.Plugin("rdflib-again", "kg.store:RdflibEngine", "rdflib, under another name")
    monkeypatch.setitem(plugins.ENGINES.rows, "rdflib-again", row)
    engine = open_engine(out_dir, "rdflib-again")
    assert type(engine).__name__ == "RdflibEngine"
    assert engine.run("ASK { ?s ?p ?o }").boolean is True
    assert KnowledgeGraph.open(out_dir, engine="rdflib-again").query("cq2-allies").vars
