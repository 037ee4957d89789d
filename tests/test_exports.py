"""Every serialization reparses to the built graph; quad formats keep every graph name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
    graph_prefixes,
    prefixes,
    restore_integer_types,
    shape_integer_types,
    sorted_data,
    write_outputs,
)
from kg.namespaces import FACT, NIF, VOID, source_graph
from kg.outfolder import MARKER
from kg.validate import union

from .conftest import SLUG, run_kg

BEGIN = NIF.beginIndex
XSD = "http://www.w3.org/2001/XMLSchema#"


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


def test_jsonld_uses_the_local_context_file(out_dir: Path) -> None:
    doc = json.loads((out_dir / "scs-kg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == CONTEXT_FILE
    context = json.loads((out_dir / CONTEXT_FILE).read_text(encoding="utf-8"))
    assert context["@context"]["kg"] == "https://w3id.org/scs-kg/ontology#"
    assert "http" not in json.dumps(doc["@context"])


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


# --- from a pyoxigraph store ------------------------------------------------------------------


def _store_of(nquads: Path) -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def test_a_store_writes_the_same_bytes_as_the_dataset(
    built: Built, out_dir: Path, tmp_path: Path
) -> None:
    import pyoxigraph as ox

    store = _store_of(out_dir / "scs-kg.nq")
    # what a store loses: long blank node labels and derived integer datatypes
    assert set(store) != set(ox.parse(path=str(out_dir / "scs-kg.nq")))
    integer = ox.NamedNode(XSD + "integer")
    assert any(
        q.object.datatype == integer
        for q in store.quads_for_pattern(None, ox.NamedNode(str(BEGIN)), None)
    )
    written = write_outputs(store, tmp_path / "out", [s.iri for s in built.sources])
    names = sorted(p.name for p in out_dir.iterdir() if p.name != MARKER)
    assert [p.name for p in written] == names
    for name in names:
        assert (tmp_path / "out" / name).read_bytes() == (out_dir / name).read_bytes(), name


def test_the_built_store_writes_the_same_bytes_as_the_dataset(
    built: Built, out_dir: Path, tmp_path: Path
) -> None:
    iris = [s.iri for s in built.sources]
    for name, given in (("given", built.prefixes()), ("derived", None)):
        write_outputs(built.store(), tmp_path / name, iris, prefixes=given)
        for path in sorted(out_dir.iterdir()):
            assert (tmp_path / name / path.name).read_bytes() == path.read_bytes(), path.name


def test_given_prefixes_are_used(built: Built, tmp_path: Path) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    data = built.dataset.serialize(format="nquads", encoding="utf-8")
    store.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    mine = {"kg": "https://w3id.org/scs-kg/ontology#", "ex": "https://example.org/"}
    write_outputs(store, tmp_path / "out", [], prefixes=mine)
    context = json.loads((tmp_path / "out" / CONTEXT_FILE).read_text(encoding="utf-8"))
    assert context == {"@context": mine}
    assert "@prefix ex: <https://example.org/> ." in (tmp_path / "out" / "scs-kg.ttl").read_text()


def test_store_prefixes_come_from_the_source_graphs(built: Built) -> None:
    names = [str(c.identifier) for c in built.dataset.graphs()]
    assert graph_prefixes(names) == prefixes(built.dataset)
    assert graph_prefixes([str(source_graph("a-b"))])["a-b"] == str(FACT) + "a-b/"


def test_a_store_export_is_the_same_across_processes(out_dir: Path, tmp_path: Path) -> None:
    # each process loads the store afresh (new blank node labels) under its own hash seed
    script = (
        "import sys, pyoxigraph as ox; from pathlib import Path; "
        "from kg.export import write_outputs; from rdflib import URIRef; "
        "s = ox.Store(); s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS); "
        "write_outputs(s, Path(sys.argv[2]), [URIRef(sys.argv[3])])"
    )
    source = "https://w3id.org/scs-kg/source/" + SLUG
    for seed in ("3", "11"):
        subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                str(out_dir / "scs-kg.nq"),
                str(tmp_path / seed),
                source,
            ],
            env=dict(os.environ, PYTHONHASHSEED=seed),
            check=True,
        )
    for path in sorted((tmp_path / "3").iterdir()):
        assert path.read_bytes() == (tmp_path / "11" / path.name).read_bytes(), path.name
        assert path.read_bytes() == (out_dir / path.name).read_bytes(), path.name


def test_jsonld_gives_the_quads_of_the_nquads_on_both_readers(out_dir: Path) -> None:
    import pyoxigraph as ox

    want = set(ox.parse(path=str(out_dir / "scs-kg.nq"), format=ox.RdfFormat.N_QUADS))
    doc = json.loads((out_dir / "scs-kg.jsonld").read_bytes())
    doc["@context"] = json.loads((out_dir / CONTEXT_FILE).read_bytes())["@context"]
    got = list(ox.parse(json.dumps(doc).encode("utf-8"), format=ox.RdfFormat.JSON_LD))
    assert len(got) == len(want)
    assert set(got) == want
    # rdflib reads the local context file named by the document
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


def test_restore_integer_types_uses_the_shapes() -> None:
    types = shape_integer_types()
    assert types[str(BEGIN)] == XSD + "nonNegativeInteger"
    integer, nonneg = f"<{XSD}integer>", f"<{XSD}nonNegativeInteger>"
    lines = [
        f'<https://example.org/s> <{BEGIN}> "3"^^{integer} .'.encode(),
        f'<https://example.org/s> <{BEGIN}> "-3"^^{integer} .'.encode(),
        f'<https://example.org/s> <https://example.org/p> "3"^^{integer} .'.encode(),
        f'<https://example.org/s> <https://example.org/p> "<{BEGIN}> "^^{integer} .'.encode(),
        f'<https://example.org/s> <{BEGIN}> "x"^^{integer} .'.encode(),
    ]
    fixed = restore_integer_types(lines, types)
    assert fixed[0] == f'<https://example.org/s> <{BEGIN}> "3"^^{nonneg} .'.encode()
    assert fixed[1:] == lines[1:]  # out of range, another property, not a number


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

    names = prefixes(corpus.dataset)
    assert sum(ns.startswith(str(FACT)) for ns in names.values()) == len(corpus.sources) > 3
    data = sorted_data(corpus.dataset)
    monkeypatch.setattr(Chunked, "CHUNK", 7)  # many chunks, each cut at a subject's end
    chunked = Chunked(names)
    assert not chunked.nested
    whole = ox.serialize(list(data.triples()), format=ox.RdfFormat.TURTLE, prefixes=names)
    assert chunked.turtle(data.union) == whole
    whole = ox.serialize(list(data.quads()), format=ox.RdfFormat.TRIG, prefixes=names)
    assert chunked.trig(data.graphs) == whole


def test_a_store_of_many_sources_writes_the_dataset_s_bytes(corpus: Built, tmp_path: Path) -> None:
    iris = [s.iri for s in corpus.sources]
    write_outputs(corpus.dataset, tmp_path / "ds", iris)
    written = write_outputs(_store_of(tmp_path / "ds" / "scs-kg.nq"), tmp_path / "store", iris)
    assert len(written) == 12
    for path in written:
        assert path.read_bytes() == (tmp_path / "ds" / path.name).read_bytes(), path.name


def test_a_build_writes_the_dataset_s_bytes(built: Built, out_dir: Path, tmp_path: Path) -> None:
    """`kg build`'s path: exports read from the build's parts equal those of its dataset."""
    written = write_outputs(built, tmp_path / "out", [s.iri for s in built.sources])
    assert [p.name for p in written] == sorted(
        p.name for p in out_dir.iterdir() if p.name != MARKER
    )
    for path in written:
        assert path.read_bytes() == (out_dir / path.name).read_bytes(), path.name


@pytest.mark.parametrize("cached", [False, True])
def test_a_build_of_many_sources_writes_the_dataset_s_bytes(tmp_path: Path, cached: bool) -> None:
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
    write_outputs(build(folder, cache=None).dataset, tmp_path / "ds", iris)
    written = write_outputs(built, tmp_path / "built", iris)
    assert len(written) == 12
    for path in written:
        assert path.read_bytes() == (tmp_path / "ds" / path.name).read_bytes(), path.name
    nq = (tmp_path / "built" / "scs-kg.nq").read_text(encoding="utf-8")
    assert "nonNegativeInteger" in nq  # the datatypes the cache files hold are kept
