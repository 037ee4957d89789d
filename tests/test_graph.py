"""The one loader (`kg.graph.open`): every command reads the graph from one place, as a Built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kg import graph
from kg.build import Built, build
from kg.cli import app
from kg.engines.embedded import OxigraphEngine
from kg.engines.ondisk import STORE_MARKER
from kg.errors import InputError
from kg.export import write_outputs
from kg.namespaces import source_graph
from kg.prefixes import new_dataset

from .conftest import SLUG
from .fictional import FICTIONAL, sources_with_fictional

runner = CliRunner()


def _names(built: Built) -> set[str]:
    return {str(p.name) for p in built.parts() if p.nt()}


def test_a_dump_is_a_built_with_one_part_per_graph(built: Built, out_dir: Path) -> None:
    dump = graph.open(out_dir)
    assert isinstance(dump, graph.Dump) and dump.path == out_dir / graph.DUMP_FILE
    assert _names(dump) == _names(built)
    assert dump.quad_count() == built.quad_count() == len(dump.store())
    assert len(dump.dataset) == len(built.dataset)
    assert dump.prefixes() == built.prefixes()  # the sources' prefixes from the graph names
    for name in ("scs-kg.trig", "scs-kg.nq"):  # the same graphs, whichever file holds them
        assert _names(graph.open(out_dir / name)) == _names(built)


def test_the_default_is_out_if_built_else_the_packaged_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert not graph.default_is_built()
    fresh = graph.open()
    assert not isinstance(fresh, graph.Dump) and [s.slug for s in fresh.sources] == [SLUG]
    two = build(sources_with_fictional(tmp_path / "sources"))
    write_outputs(two, tmp_path / "out", [s.iri for s in two.sources])
    assert graph.default_is_built()
    found = graph.open()
    assert isinstance(found, graph.Dump) and str(source_graph(FICTIONAL)) in _names(found)


def test_viz_and_query_read_the_same_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --data, `kg viz` draws the build in out/ as `kg query` reads it (it used to
    build the packaged sources whatever out/ held)."""
    two = build(sources_with_fictional(tmp_path / "sources"))
    write_outputs(two, tmp_path / "out", [s.iri for s in two.sources])
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["viz", "all", "-f", "graphml", "-o", "all.graphml"])
    assert result.exit_code == 0, result.output
    assert f"/fact/{FICTIONAL}/" in (tmp_path / "all.graphml").read_text(encoding="utf-8")
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    result = runner.invoke(app, ["sparql", query, "-f", "tsv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == str(two.quad_count())


def test_one_source_of_the_graph_at_a_time(out_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="give one of"):
        graph.open(out_dir, sources=tmp_path)
    with pytest.raises(InputError, match="no such file"):
        graph.open(tmp_path / "nowhere")
    with pytest.raises(InputError, match="neither a build folder"):
        graph.locate(str(tmp_path))


def test_an_on_disk_store_is_loaded_again_only_when_the_graph_changes(
    out_dir: Path, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    dump = graph.open(out_dir)
    engine = OxigraphEngine.load(dump, store_dir)
    assert len(engine.store) == dump.quad_count()
    marker = json.loads((store_dir / STORE_MARKER).read_text(encoding="utf-8"))
    assert marker["data"] == dump.fingerprint()
    del engine
    built = build()  # a build in memory has its own fingerprint: the store is loaded with it
    assert built.fingerprint() != dump.fingerprint()
    engine = OxigraphEngine.load(built, store_dir)
    assert len(engine.store) == built.quad_count()
    marker = json.loads((store_dir / STORE_MARKER).read_text(encoding="utf-8"))
    assert marker["data"] == built.fingerprint() == build().fingerprint()


def test_a_dataset_made_in_rdflib_keeps_its_default_graph() -> None:
    ds = new_dataset()
    a, b, c, g = (URIRef(f"http://example.org/{x}") for x in "abcg")
    ds.add((a, b, Literal(1)))
    ds.graph(g).add((a, c, Literal("x")))
    built = graph.from_dataset(ds)
    assert built.dataset is ds and built.quad_count() == 2
    store = built.store()
    rows = store.query("SELECT ?p WHERE { ?s ?p ?o }")  # the store's own default graph
    assert [r[0].value for r in rows] == [str(b)]
    named = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [r[0].value for r in named] == [str(g)]
