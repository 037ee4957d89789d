"""Every serialization reparses to the built graph; quad formats keep every graph name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.build import Built
from kg.export import (
    CONTEXT_FILE,
    SERIALIZATIONS,
    Chunked,
    SortedData,
    sorted_data,
    write_outputs,
)
from kg.namespaces import FACT, VOID
from kg.validate import union

from .conftest import run_kg


def _graphs(ds: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.mark.parametrize(("name", "fmt", "named"), SERIALIZATIONS)
def test_serialization_reparses_isomorphic(
    dataset: Dataset, out_dir: Path, name: str, fmt: str, named: bool
) -> None:
    path = out_dir / name
    if named:
        parsed = Dataset()
        parsed.parse(path, format=fmt)
        want, got = _graphs(dataset), _graphs(parsed)
        assert sorted(got) == sorted(want), "graph names must survive"
        for graph_name, graph in want.items():
            assert isomorphic(graph, got[graph_name]), graph_name
    else:
        parsed_graph = Graph().parse(path, format=fmt)
        assert isomorphic(parsed_graph, union(dataset))


def test_jsonld_carries_the_context_of_the_context_file_inline(out_dir: Path) -> None:
    doc = json.loads((out_dir / "scs-kg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((out_dir / CONTEXT_FILE).read_text(encoding="utf-8"))
    assert doc["@context"] == context["@context"]  # the same prefixes, and nothing to fetch
    assert context["@context"]["kg"] == "https://w3id.org/scs-kg/ontology#"


def test_void_counts_match_the_dataset(dataset: Dataset, out_dir: Path) -> None:
    void = Graph().parse(out_dir / "void.ttl")
    triples = int(next(void.objects(None, VOID.triples)))
    assert triples == len(union(dataset))
    dumps = {str(o).rsplit("/", 1)[-1] for o in void.objects(None, VOID.dataDump)}
    assert {name for name, _, _ in SERIALIZATIONS} <= dumps
    assert all((out_dir / d).is_file() for d in dumps)
    assert len(list(void.objects(None, VOID.classPartition))) > 10


def _build(out: Path, seed: str) -> None:
    run_kg(["build", "--out", str(out)], seed)


def test_two_builds_write_the_same_bytes(tmp_path: Path) -> None:
    _build(tmp_path / "a", "1")
    _build(tmp_path / "b", "2")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) >= 12
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_given_prefixes_are_used(built: Built, out_dir: Path, tmp_path: Path) -> None:
    write_outputs(built, tmp_path / "same", prefixes=built.prefixes())
    for path in sorted(out_dir.iterdir()):
        assert (tmp_path / "same" / path.name).read_bytes() == path.read_bytes(), path.name
    mine = {"kg": "https://w3id.org/scs-kg/ontology#", "ex": "https://example.org/"}
    write_outputs(built, tmp_path / "out", [], prefixes=mine)
    context = json.loads((tmp_path / "out" / CONTEXT_FILE).read_text(encoding="utf-8"))
    assert context == {"@context": mine}
    assert "@prefix ex: <https://example.org/> ." in (tmp_path / "out" / "scs-kg.ttl").read_text()


def test_jsonld_gives_the_quads_of_the_nquads_on_both_readers(out_dir: Path) -> None:
    import pyoxigraph as ox

    want = set(ox.parse(path=str(out_dir / "scs-kg.nq"), format=ox.RdfFormat.N_QUADS))
    got = list(ox.parse(path=str(out_dir / "scs-kg.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert len(got) == len(want)
    assert set(got) == want
    parsed = Dataset()
    parsed.parse(out_dir / "scs-kg.jsonld", format="json-ld")
    nquads = Dataset()
    nquads.parse(out_dir / "scs-kg.nq", format="nquads")
    assert len(parsed) == len(want)
    want_graphs, got_graphs = _graphs(nquads), _graphs(parsed)
    assert sorted(got_graphs) == sorted(want_graphs)
    for graph_name, graph in want_graphs.items():
        assert isomorphic(graph, got_graphs[graph_name]), graph_name


def test_lines_sort_as_the_terms_do() -> None:
    import pyoxigraph as ox

    ex = "https://example.org/"
    subjects = [ox.NamedNode(ex + n) for n in ("a", "a#b", "a/b", "ab", "a-")]
    subjects += [ox.BlankNode("a"), ox.BlankNode("ab")]
    objects = [
        ox.Literal("abc"),
        ox.Literal("abc", language="en"),
        ox.Literal("abc", datatype=ox.NamedNode(ex + "dt")),
        ox.Literal("ab c"),
        ox.Literal('ab"c'),
        ox.Literal("ab\nc"),
        ox.Literal("ab"),
        ox.Literal("abc", language="en-gb"),
        ox.NamedNode(ex + "a"),
        ox.NamedNode(ex + "a#"),
    ]
    p = ox.NamedNode(ex + "p")
    triples = [ox.Triple(s, p, o) for s in subjects for o in objects]
    lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert lines is not None
    data = SortedData({"<https://example.org/g>": lines.splitlines()})
    order = [tuple(str(t) for t in (q.subject, q.predicate, q.object)) for q in _triples(data)]
    assert order == sorted(order)
    assert len(order) == len(triples)


def _triples(data: SortedData) -> list[Any]:
    return list(data.triples())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A small synthetic corpus of several sources, built."""
    from bench.generate import generate
    from kg.build import build

    folder = tmp_path_factory.mktemp("corpus") / "sources"
    generate(folder, 3000, seed=4)
    return build(folder, cache=None)


def test_chunks_write_the_bytes_of_one_call(corpus: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph as ox

    names = corpus.prefixes()
    assert sum(ns.startswith(str(FACT)) for ns in names.values()) == len(corpus.sources) > 3
    data = sorted_data(corpus)
    monkeypatch.setattr(Chunked, "CHUNK", 7)  # many chunks, each cut at a subject's end
    chunked = Chunked(names)
    assert not chunked.nested
    whole = ox.serialize(list(data.triples()), format=ox.RdfFormat.TURTLE, prefixes=names)
    assert chunked.turtle(data.union) == whole
    whole = ox.serialize(list(data.quads()), format=ox.RdfFormat.TRIG, prefixes=names)
    assert chunked.trig(data.graphs) == whole


@pytest.mark.parametrize("cached", [False, True])
def test_a_build_of_many_sources_writes_the_same_bytes(tmp_path: Path, cached: bool) -> None:
    """From parts in memory, and from parts read back from cache files (a warm rebuild)."""
    from bench.generate import generate
    from kg.build import build

    folder = tmp_path / "sources"
    generate(folder, 3000, seed=4)
    cache = tmp_path / "cache" if cached else None
    first = build(folder, cache=cache)
    built = build(folder, cache=cache) if cached else first
    assert cached == all(u.graph.entry is not None for u in built.units)
    iris = [s.iri for s in built.sources]
    write_outputs(build(folder, cache=None), tmp_path / "ds", iris)
    written = write_outputs(built, tmp_path / "built", iris)
    assert len(written) == 12
    for path in written:
        assert path.read_bytes() == (tmp_path / "ds" / path.name).read_bytes(), path.name
    nq = (tmp_path / "built" / "scs-kg.nq").read_text(encoding="utf-8")
    assert "nonNegativeInteger" in nq  # the datatypes the cache files hold are kept
