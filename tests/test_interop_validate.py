"""Validation at scale: SHACL in chunks of graphs, cached, gives exactly the union's verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from bench.generate import generate
from kg import resources
from kg.build import build
from kg.namespaces import ENT, ENTITIES_GRAPH, KG, ONTOLOGY_GRAPH, source_graph
from kg.sources import parse_turtle
from kg.validation import shacl, shacl_dataset, shape_reach, union, validate_whole

pytestmark = pytest.mark.slow  # validates a synthetic corpus in chunks and in one piece


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 4000, seed=11)
    return folder


def _fact(ds: Dataset, slug: str, cls: URIRef) -> URIRef:
    g = ds.graph(source_graph(slug))
    found = sorted(g.subjects(RDF.type, cls))
    assert found, (slug, cls)
    return found[0]


def _break(ds: Dataset) -> None:
    """Faults whose verdict depends on triples in other graphs than the focus node's."""
    g = {i: ds.graph(source_graph(f"bench-{i:06d}")) for i in range(6)}
    # a fact without evidence
    stmt = _fact(ds, "bench-000000", KG.Statement)
    g[0].remove((stmt, KG.evidence, None))
    # a statement whose speaker is a fact of another source (not an actor)
    stmt1 = _fact(ds, "bench-000001", KG.Statement)
    g[1].set((stmt1, KG.speaker, _fact(ds, "bench-000002", KG.RoleHolding)))
    # a second status for an event, stated in another source's graph
    event = sorted(set(g[3].subjects(KG.status, None)))[0]
    g[2].add((event, KG.status, KG.Planned))
    # an event without participants, saved by an event of another source on its sidelines
    event4 = sorted(set(g[4].subjects(KG.participation, None)))[0]
    g[4].remove((event4, KG.participation, None))
    event5 = sorted(set(g[5].subjects(KG.participation, None)))[0]
    g[5].add((event5, KG.onSidelinesOf, event4))
    # an actor typed and labelled only in one source, the target of a statement in another
    newcomer = ENT["newcomer"]
    g[1].add((newcomer, RDF.type, KG.State))
    g[1].add((newcomer, RDFS.label, Literal("Newcomer", lang="en")))
    g[0].set((_fact(ds, "bench-000000", KG.Statement), KG.target, newcomer))
    # a registry entity whose English label is given only by a source
    entities = ds.graph(ENTITIES_GRAPH)
    china = ENT["china"]
    entities.remove((china, RDFS.label, None))
    entities.add((china, RDFS.label, Literal("Chine", lang="fr")))
    g[3].add((china, RDFS.label, Literal("China", lang="en")))
    # a registry entity with no English label anywhere
    vietnam = ENT["vietnam"]
    entities.remove((vietnam, RDFS.label, None))


def test_the_shapes_are_within_one_step() -> None:
    assert shape_reach(parse_turtle(resources.shapes_file())) is not None


@pytest.mark.parametrize("size", [1, 2, 200])
def test_chunked_validation_equals_the_union(corpus: Path, size: int) -> None:
    ds = build(corpus).dataset
    _break(ds)
    expected = shacl(union(ds))
    assert {v.check for v in expected} >= {
        "kgsh:FactShape",
        "kgsh:StatementShape",
        "kgsh:EventShape",
        "kgsh:ActorShape",
    }
    assert shacl_dataset(ds, cache=None, chunk=size) == expected


def test_a_conformant_corpus_conforms_in_chunks(corpus: Path) -> None:
    assert shacl_dataset(build(corpus).dataset, cache=None, chunk=3) == []


def test_the_shape_fixtures_give_the_same_verdicts_in_chunks() -> None:
    from tests.test_shapes import EVIDENCE, FIXTURES, HEADER

    for shape, turtle in sorted(FIXTURES.items()):
        if shape != "FactShape" and turtle.startswith("ex:f ") and turtle.rstrip().endswith("."):
            turtle = turtle.rstrip()[:-1] + ";" + EVIDENCE
        ds = Dataset()
        ds.graph(ONTOLOGY_GRAPH).parse(resources.ontology_file())
        ds.graph(source_graph("fixture")).parse(data=HEADER + turtle, format="turtle")
        expected = shacl(union(ds))
        assert expected, shape
        assert shacl_dataset(ds, cache=None, chunk=1) == expected, shape


def test_verdicts_are_cached_and_only_an_edited_chunk_is_validated_again(
    corpus: Path, tmp_path: Path
) -> None:
    ds = build(corpus).dataset
    cache = tmp_path / "cache"
    first = shacl_dataset(ds, cache=cache, chunk=4)
    files = set((cache / "shacl").iterdir())
    assert len(files) == len(list(corpus.glob("*/facts.ttl"))) // 4 + 2  # + derived, shared
    assert shacl_dataset(ds, cache=cache, chunk=4) == first == []
    assert set((cache / "shacl").iterdir()) == files  # all from the cache
    stmt = _fact(ds, "bench-000000", KG.Statement)
    ds.graph(source_graph("bench-000000")).remove((stmt, KG.speaker, None))
    again = shacl_dataset(ds, cache=cache, chunk=4)
    assert [v.check for v in again] == ["kgsh:StatementShape"]
    assert len(set((cache / "shacl").iterdir()) - files) == 1  # one chunk validated again


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_cached_build_writes_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    from kg.export import write_outputs

    cache = tmp_path / "cache"
    outputs = []
    for i, how in enumerate([cache, cache, None]):
        built = build(corpus, cache=how)
        out = tmp_path / f"out{i}"
        write_outputs(built, out, [s.iri for s in built.sources])
        outputs.append(_files(out))
    assert outputs[0] == outputs[1] == outputs[2]
    cached = list((cache / "build").iterdir())
    assert len(cached) == len(list(corpus.glob("*/facts.ttl")))


def test_a_rebuild_compiles_only_the_edited_source(corpus: Path, tmp_path: Path) -> None:
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(corpus, sources)
    cache = tmp_path / "cache"
    build(sources, cache=cache)
    before = set((cache / "build").iterdir())
    facts = sources / "bench-000003" / "facts.ttl"
    facts.write_text(facts.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    built = build(sources, cache=cache)
    added = set((cache / "build").iterdir()) - before
    assert len(added) == 1
    assert validate_whole(built, cache=cache) == []
    # a cached source's facts are still there, parsed when asked for
    assert len(built.sources[0].facts) > 0


def test_source_by_source_validation_equals_the_whole(corpus: Path) -> None:
    """Faults inside sources: validated source by source (each source read once, pySHACL given
    only the triples the shapes read) the verdicts are those of the whole dataset."""
    from kg.namespaces import NIF
    from kg.validation import per_source

    built = build(corpus, cache=False)
    g = [unit.graph.graph for unit in built.units[:4]]
    assert all(x is not None for x in g)
    stmt = sorted(g[0].subjects(RDF.type, KG.Statement))[0]  # type: ignore[union-attr]
    g[0].remove((stmt, KG.evidence, None))  # type: ignore[union-attr]
    span = sorted(g[1].subjects(NIF.beginIndex, None))[0]  # type: ignore[union-attr]
    g[1].set((span, NIF.beginIndex, Literal("first")))  # type: ignore[union-attr]
    event = sorted(set(g[2].subjects(KG.status, None)))[0]  # type: ignore[union-attr]
    g[2].add((event, KG.status, KG.Planned))  # type: ignore[union-attr]
    speaker = sorted(g[3].subjects(RDF.type, KG.Statement))[0]  # type: ignore[union-attr]
    g[3].set((speaker, KG.speaker, Literal("nobody")))  # type: ignore[union-attr]
    expected = validate_whole(built)
    assert len({v.focus for v in expected}) >= 4, expected

    assert per_source(built, None) == expected  # None: not source by source
