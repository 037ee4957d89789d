"""Two sources in one graph: shared actors, one named graph each, removal without side effects."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg import authoring, catalog, registry, resources
from kg.build import Built, build
from kg.derive import entailed_types, superclasses
from kg.namespaces import (
    DERIVED_GRAPH,
    ENT,
    ENTITIES_GRAPH,
    FACT,
    KG,
    ONTOLOGY_GRAPH,
    SRC,
    source_graph,
)
from kg.sources import parse_turtle
from kg.validation import validate

from .conftest import SLUG
from .fictional import FICTIONAL, FIXTURE, sources_with_fictional

Quad = tuple[object, object, object, object]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The packaged source and the fictional one, built together."""
    return build(sources_with_fictional(tmp_path_factory.mktemp("two") / "sources"))


def _quads(ds: Dataset) -> set[Quad]:
    return {
        (s, p, o, getattr(g, "identifier", g)) for s, p, o, g in ds.quads((None, None, None, None))
    }


def test_the_fictional_source_is_marked_and_never_packaged() -> None:
    text = (FIXTURE / "text.txt").read_text(encoding="utf-8")
    assert text.startswith("FICTIONAL TEST ARTICLE")
    facts = parse_turtle(FIXTURE / "facts.ttl")
    title = facts.value(SRC[FICTIONAL], URIRef("http://purl.org/dc/terms/title"))
    assert str(title).startswith("FICTIONAL")
    assert "FICTIONAL" in str(facts.value(SRC[FICTIONAL], RDFS.comment))
    packaged = resources.sources_dir()
    assert not (packaged / FICTIONAL).exists()
    for path in packaged.rglob("*"):
        if path.is_file():
            assert "FICTIONAL" not in path.read_text(encoding="utf-8"), path


def test_both_sources_build_and_conform(both: Built) -> None:
    assert [s.slug for s in both.sources] == [FICTIONAL, SLUG]
    assert validate(both) == []


def test_a_shared_actor_resolves_to_one_iri(both: Built) -> None:
    ds = both.dataset
    real = ds.graph(source_graph(SLUG))
    fictional = ds.graph(source_graph(FICTIONAL))
    used_real = {o for o in real.objects() if isinstance(o, URIRef) and o.startswith(str(ENT))}
    used_fictional = {
        o for o in fictional.objects() if isinstance(o, URIRef) and o.startswith(str(ENT))
    }
    shared = used_real & used_fictional
    assert {ENT["philippines"], ENT["china"], ENT["united-states"]} <= shared
    entities = ds.graph(ENTITIES_GRAPH)
    for entity in used_real | used_fictional:
        assert (entity, RDF.type, None) in entities, f"{entity} is not in the registry"
    named_philippines = set(entities.subjects(RDFS.label, Literal("Philippines", lang="en")))
    assert named_philippines == {ENT["philippines"]}
    # Both sources' metonyms for the Philippines point to the same IRI.
    refers = {
        (g.identifier, o)
        for g in (real, fictional)
        for s, o in g.subject_objects(KG.refersTo)
        if str(g.value(s, KG.mentionText)) == "Manila"
    }
    assert {g for g, _ in refers} == {source_graph(SLUG), source_graph(FICTIONAL)}
    assert {o for _, o in refers} == {ENT["philippines"]}


def test_kg_mentions_suggests_the_iris_the_facts_use(both: Built) -> None:
    text = (FIXTURE / "text.txt").read_text(encoding="utf-8")
    root = both.sources[0].facts_path.parent.parent
    found = authoring.mentions(text, registry.load(root), parse_turtle(resources.ontology_file()))
    suggested = {m.entity for m in found.mentions}
    fictional = both.dataset.graph(source_graph(FICTIONAL))
    actors = set()
    for prop in (KG.speaker, KG.target, KG.participant, KG.refersTo):
        actors |= set(fictional.objects(None, prop))
    assert actors == {ENT["philippines"], ENT["china"], ENT["united-states"]}
    assert actors <= suggested


def test_each_source_keeps_its_own_named_graph(both: Built, built: Built) -> None:
    ds = both.dataset
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {
        ONTOLOGY_GRAPH,
        ENTITIES_GRAPH,
        DERIVED_GRAPH,
        source_graph(SLUG),
        source_graph(FICTIONAL),
    }
    for slug in (SLUG, FICTIONAL):
        g = ds.graph(source_graph(slug))
        facts = set(g.subjects(KG.evidence, None))
        assert facts
        for fact in facts:
            assert str(fact).startswith(f"{FACT}{slug}/")
            assert set(g.objects(fact, PROV.hadPrimarySource)) == {SRC[slug]}
    alone = {(s, p, o) for s, p, o in built.dataset.graph(source_graph(SLUG))}
    together = {(s, p, o) for s, p, o in ds.graph(source_graph(SLUG))}
    assert together == alone


def test_a_catalog_query_spans_both_sources(both: Built) -> None:
    query = """
    PREFIX kg: <https://w3id.org/scs-kg/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX dct: <http://purl.org/dc/terms/>
    SELECT DISTINCT ?source ?title WHERE {
      GRAPH ?g {
        ?fact kg:evidence ?ev ; prov:hadPrimarySource ?source .
        { ?fact kg:refersTo ?actor } UNION { ?fact kg:speaker ?actor }
        UNION { ?fact kg:participation/kg:participant ?actor }
        ?source dct:title ?title .
      }
    } ORDER BY ?source
    """
    rows = list(both.dataset.query(query, initBindings={"actor": ENT["philippines"]}))
    assert [row[0] for row in rows] == [SRC[FICTIONAL], SRC[SLUG]]  # type: ignore[index]
    assert str(rows[0][1]).startswith("FICTIONAL")  # type: ignore[index]


def test_removing_a_source_removes_exactly_its_facts(both: Built, built: Built) -> None:
    with_it, without = _quads(both.dataset), _quads(built.dataset)
    assert without - with_it == set(), "removing a source must not change anything else"
    fictional = both.dataset.graph(source_graph(FICTIONAL))
    facts = set(fictional.subjects(KG.evidence, None))
    derived: Graph = both.dataset.graph(DERIVED_GRAPH)
    expected = {(s, p, o, source_graph(FICTIONAL)) for s, p, o in fictional}
    from_fictional = {r for r, f in derived.subject_objects(PROV.wasDerivedFrom) if f in facts}
    assert from_fictional, "the fictional source derives edges"
    for node in from_fictional:
        expected |= {(node, p, o, DERIVED_GRAPH) for p, o in derived.predicate_objects(node)}
    for s, p, o in {
        (
            derived.value(r, RDF.subject),
            derived.value(r, RDF.predicate),
            derived.value(r, RDF.object),
        )
        for r in from_fictional
    }:
        reasons = {
            r
            for r in derived.subjects(RDF.subject, s)
            if (r, RDF.predicate, p) in derived and (r, RDF.object, o) in derived
        }
        if reasons <= from_fictional:  # an edge also stated by the other source stays
            expected.add((s, p, o, DERIVED_GRAPH))
    # and the types the class hierarchy entails for its nodes (rdfs9, in the derived graph)
    supers = superclasses(both.dataset.graph(ONTOLOGY_GRAPH))
    entailed = {(s, p, o, DERIVED_GRAPH) for s, p, o in entailed_types(fictional, supers)}
    assert entailed
    expected |= entailed
    assert with_it - without == expected


def test_the_catalog_sources_query_counts_the_facts_of_both(both: Built) -> None:
    rows = list(both.dataset.query(catalog.get("sources").text))  # an unknown query fails
    counted = {row[0]: int(row[3]) for row in rows}  # type: ignore[index]
    expected = {
        SRC[slug]: len(set(both.dataset.graph(source_graph(slug)).subjects(KG.evidence, None)))
        for slug in (SLUG, FICTIONAL)
    }
    assert counted == expected
    assert expected[SRC[FICTIONAL]] == 5
