"""Every serialization reparses to the built graph; quad formats keep every graph name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.build import Built
from kg.export import CONTEXT_FILE, EXPORTS, GROUP, SERIALIZATIONS, sorted_lines, write_outputs
from kg.namespaces import VOID
from kg.outfolder import MARKER
from kg.validation import union

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
    write_outputs(built, tmp_path / "none", [], prefixes={})  # no prefix at all: full IRIs
    ttl = (tmp_path / "none" / "scs-kg.ttl").read_text(encoding="utf-8")
    assert "@prefix" not in ttl
    assert isomorphic(Graph().parse(data=ttl, format="turtle"), union(built.dataset))


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
    data = b"".join(line + b"\n" for line in sorted_lines(lines.splitlines()))
    parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    order = [tuple(str(t) for t in (q.subject, q.predicate, q.object)) for q in parsed]
    assert order == sorted(order)
    assert len(order) == len(triples)


def test_the_table_lists_every_file_and_the_cli_shows_it(out_dir: Path) -> None:
    files = {e.file for e in EXPORTS.values()}
    assert files == {p.name for p in out_dir.iterdir()} - {MARKER}
    assert len({e.name for e in EXPORTS.values()}) == len(EXPORTS) == 13
    listed = run_kg(["build", "--formats"], "1").stdout.splitlines()
    assert [line.split()[:3] for line in listed] == [
        [e.name, e.file, e.media_type] for e in EXPORTS.values()
    ]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic corpus of several sources."""
    from bench.generate import generate

    folder = tmp_path_factory.mktemp("corpus") / "sources"
    generate(folder, 10_000, seed=4)
    return folder


def _quads(path: Path, fmt: Any) -> list[Any]:
    import pyoxigraph as ox

    return list(ox.parse(path=str(path), format=fmt))


@pytest.mark.parametrize("group", [2, GROUP])
def test_assembled_files_of_many_sources_read_back_to_the_dataset(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group: int
) -> None:
    """Each file is assembled from pieces: it reads back to the dataset, every triple once."""
    import pyoxigraph as ox

    from kg.build import build

    monkeypatch.setattr("kg.export.pieces.GROUP", group)  # 2: many groups, a boundary every few
    built = build(corpus_dir, cache=tmp_path / "cache")
    assert len(built.sources) > 20
    write_outputs(built, tmp_path / "out")
    out = tmp_path / "out"
    nquads = Dataset()
    nquads.parse(out / "scs-kg.nq", format="nquads")
    want_graphs, got_graphs = _graphs(built.dataset), _graphs(nquads)
    assert sorted(got_graphs) == sorted(want_graphs)
    for name, graph in want_graphs.items():
        assert isomorphic(graph, got_graphs[name]), name
    quads = _quads(out / "scs-kg.nq", ox.RdfFormat.N_QUADS)
    assert len(set(quads)) == len(quads) == len(built.dataset)
    triples = {q.triple for q in quads}
    for name, fmt in [("scs-kg.trig", ox.RdfFormat.TRIG), ("scs-kg.jsonld", ox.RdfFormat.JSON_LD)]:
        got = _quads(out / name, fmt)
        assert len(got) == len(quads) and set(got) == set(quads), name
    for name, fmt in [
        ("scs-kg.ttl", ox.RdfFormat.TURTLE),
        ("scs-kg.nt", ox.RdfFormat.N_TRIPLES),
        ("scs-kg.rdf", ox.RdfFormat.RDF_XML),
    ]:
        got = [q.triple for q in _quads(out / name, fmt)]
        assert len(got) == len(triples) and set(got) == triples, name
    void = Graph().parse(out / "void.ttl")
    assert int(next(void.objects(None, VOID.triples))) == len(triples)
    nq = (out / "scs-kg.nq").read_text(encoding="utf-8")
    assert "nonNegativeInteger" in nq  # the datatypes the cache files hold are kept


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _export_entries(cache: Path) -> set[Path]:
    return set((cache / "export").iterdir())


def test_cold_and_warm_exports_write_the_same_bytes_and_an_edit_writes_little(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a cache, with a cold one, a warm one, and after an edit: the same bytes."""
    import shutil

    from kg.build import build

    monkeypatch.setattr("kg.export.pieces.GROUP", 4)  # a few sources a group: an edit touches one
    folder = Path(shutil.copytree(corpus_dir, tmp_path / "sources"))
    cache = tmp_path / "cache"
    outputs = []
    for i, how in enumerate([None, cache, cache]):
        write_outputs(build(folder, cache=how), tmp_path / f"out{i}")
        outputs.append(_files(tmp_path / f"out{i}"))
    assert outputs[0] == outputs[1] == outputs[2]
    entries = _export_entries(cache)
    assert len(entries) > 30
    facts = sorted(folder.glob("*/facts.ttl"))[len(outputs) + 5]
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("(report ", "(edited report ", 1), encoding="utf-8")
    write_outputs(build(folder, cache=cache), tmp_path / "edited")
    write_outputs(build(folder, cache=None), tmp_path / "reference")
    assert _files(tmp_path / "edited") == _files(tmp_path / "reference") != outputs[0]
    # one group's lines, its two sections in four formats, the VoID description at most
    added = _export_entries(cache) - entries
    assert 0 < len([p for p in added if p.suffix != ".json"]) <= 10
    # and what VoID counts of the group's two sections (`kg.export.describe`)
    assert 0 < len([p for p in added if p.suffix == ".json"]) <= 2
