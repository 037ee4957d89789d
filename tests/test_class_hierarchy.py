"""The class hierarchy answers on any engine: `?e a kg:Event` lists every event.

The derived graph holds the `rdf:type` triples RDFS rule rdfs9 entails (`?x a C`, `C
rdfs:subClassOf D` give `?x a D`) for every node a source, the registry or the ontology types;
the graph a type is in tells an asserted type (a source or the registry) from an entailed one.
"""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.build import Built
from kg.derive import entailed_types, superclasses
from kg.namespaces import DERIVED_GRAPH, ENTITIES_GRAPH, KG, ONTOLOGY_GRAPH

ENT = "https://w3id.org/scs-kg/id/"

# the query docs/model.md gives to tell the asserted types of a node from the entailed ones
ASSERTED_AND_ENTAILED = """
SELECT ?node ?type ?entailed WHERE {
  { GRAPH ?g { ?node a ?type } FILTER (?g != <https://w3id.org/scs-kg/graph/derived>)
    BIND (false AS ?entailed) }
  UNION
  { GRAPH <https://w3id.org/scs-kg/graph/derived> { ?node a ?type } BIND (true AS ?entailed) }
}
"""


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request: pytest.FixtureRequest, built: Built) -> Any:
    """The build on each embedded engine."""
    from kg.engines.embedded import OxigraphEngine, RdflibEngine

    return (OxigraphEngine if request.param == "oxigraph" else RdflibEngine).load(built)


def _nodes(engine: Any, text: str, **bindings: URIRef) -> set[str]:
    return {str(row[0]) for row in engine.run(text, bindings).rows}


def _classes(dataset: Dataset) -> list[URIRef]:
    """Every class some node of the dataset is typed with, or that has a subclass."""
    found = {o for o in dataset.objects(None, RDF.type) if isinstance(o, URIRef)}
    found |= {o for o in dataset.objects(None, RDFS.subClassOf) if isinstance(o, URIRef)}
    return sorted(found)


def test_every_class_lists_the_instances_of_its_subclasses(engine: Any, dataset: Dataset) -> None:
    """For every class, `?x a C` gives exactly what `?x a/rdfs:subClassOf* C` gives."""
    simple = "SELECT DISTINCT ?x ?class WHERE { ?x a ?class }"
    path = f"SELECT DISTINCT ?x ?class WHERE {{ ?x a/<{RDFS.subClassOf}>* ?class }}"
    classes = _classes(dataset)
    assert KG.Event in classes and KG.Fact in classes and KG.Actor in classes
    for cls in classes:
        assert _nodes(engine, simple, **{"class": cls}) == _nodes(engine, path, **{"class": cls})


def test_events_facts_and_actors_answer_the_simple_form(engine: Any, dataset: Dataset) -> None:
    events = _nodes(engine, f"SELECT ?e WHERE {{ ?e a <{KG.Event}> }}")
    assert len(events) >= 10
    facts = _nodes(engine, f"SELECT ?x WHERE {{ ?x a <{KG.Fact}> }}")
    with_evidence = {str(s) for s in dataset.subjects(KG.evidence, None)}
    assert with_evidence and with_evidence <= facts  # every fact with a quote is a kg:Fact
    assert events < facts
    actors = _nodes(engine, f"SELECT ?x WHERE {{ ?x a <{KG.Actor}> }}")
    assert {ENT + "china", ENT + "pete-hegseth", ENT + "asean"} <= actors


def test_entailed_types_are_in_the_derived_graph_only_each_from_a_subclass(
    dataset: Dataset,
) -> None:
    """Each derived type follows an asserted type by `rdfs:subClassOf`; none is asserted too."""
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    supers = superclasses(ontology)
    derived = dataset.graph(DERIVED_GRAPH)
    asserted = Graph()
    for g in dataset.graphs():
        if g.identifier != DERIVED_GRAPH:
            asserted += g
    entailed = {(s, o) for s, o in derived.subject_objects(RDF.type) if o != RDF.Statement}
    assert len(entailed) > 100
    for node, cls in entailed:
        assert (node, RDF.type, cls) not in asserted
        reasons = [c for c in asserted.objects(node, RDF.type) if cls in supers.get(c, ())]
        assert reasons, (node, cls)
    # and every type the hierarchy entails is there
    expected = {(s, o) for s, _p, o in entailed_types(asserted, supers)}
    assert expected == entailed


def test_a_query_tells_asserted_types_from_entailed_ones(engine: Any) -> None:
    rows = engine.run(ASSERTED_AND_ENTAILED, {"node": URIRef(ENT + "china")}).rows
    asserted = {str(t) for _n, t, flag in rows if not flag.toPython()}
    entailed = {str(t) for _n, t, flag in rows if flag.toPython()}
    assert asserted == {str(KG.State)}
    assert {str(KG.Actor), str(KG.Place)} <= entailed
    assert not asserted & entailed


def test_entities_and_ontology_nodes_get_their_entailed_types(dataset: Dataset) -> None:
    derived = dataset.graph(DERIVED_GRAPH)
    assert (URIRef(ENT + "china"), RDF.type, KG.Actor) in derived
    assert (URIRef(ENT + "china"), RDF.type, KG.State) in dataset.graph(ENTITIES_GRAPH)
    seizure = URIRef(
        "https://w3id.org/scs-kg/fact/us-china-military-channels/seizure-scarborough-shoal"
    )
    assert (seizure, RDF.type, KG.Event) in derived and (seizure, RDF.type, KG.Fact) in derived


def test_superclasses_follow_the_hierarchy_transitively() -> None:
    g = Graph()
    a, b, c, d = (URIRef(f"http://example.org/{n}") for n in "abcd")
    g.add((a, RDFS.subClassOf, b))
    g.add((b, RDFS.subClassOf, c))
    g.add((c, RDFS.subClassOf, a))  # a cycle ends
    g.add((d, RDFS.subClassOf, d))  # a class is not its own superclass here
    assert superclasses(g) == {a: (b, c), b: (a, c), c: (a, b)}
