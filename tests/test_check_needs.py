"""A data check counted source by source runs only on the sources with something every row of
it needs (`kg.validation.needs`, read from the query's algebra): the counts are those of running
it on every source, and what cannot be read safely runs everywhere."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.build import build
from kg.namespaces import KG
from kg.prefixes import prefixed_graph
from kg.shacl import compiled
from kg.sources import parse_turtle
from kg.validation import check_sources, shape_reach, violation_queries
from kg.validation.needs import needs

TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def test_a_row_needs_a_pattern_of_each_branch_and_nothing_optional() -> None:
    query = (
        "SELECT ?s WHERE { { ?s a <urn:x:A> ; <urn:x:p> ?o . OPTIONAL { ?s <urn:x:q> ?q } "
        "FILTER(!BOUND(?q)) } UNION { GRAPH <urn:x:g> { ?s <urn:x:r> 1 } "
        "MINUS { ?s <urn:x:m> ?m } } }"
    )
    assert needs(query) == (
        (None, f"?s {TYPE} <urn:x:A>"),
        ("urn:x:g", '?s <urn:x:r> "1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    )


def test_what_is_not_read_safely_gives_no_claim() -> None:
    for query in (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:x:p> ?o }",  # a row with no match
        "SELECT ?s WHERE { VALUES ?s { <urn:x:a> } }",
        "SELECT ?s WHERE { ?s <urn:x:p>/<urn:x:q> ?o }",  # a path only
        "SELECT ?s WHERE { GRAPH ?g { ?s <urn:x:p> ?o } }",
        "SELECT ?s WHERE { { ?s <urn:x:p> ?o } UNION { BIND(1 AS ?s) } }",
        "not a query",
    ):
        assert needs(query) is None, query


def test_the_packaged_checks_need_what_their_rows_start_from() -> None:
    found = {p.stem: needs(p.read_text(encoding="utf-8")) for p in violation_queries()}
    seizure = found["seizure-slots-violation"]
    assert seizure is not None
    assert {n for n in seizure} == {(None, f"?seizure {TYPE} <{KG.Seizure}>")}
    untraced = found["derived-edge-untraced-violation"]
    assert untraced == (("https://w3id.org/scs-kg/graph/derived", "?s ?p ?o"),)


def test_counts_on_the_sources_a_check_needs_are_its_counts_on_every_source(
    tmp_path: Path,
) -> None:
    """Faults of each check in some sources (a labelling statement with no target, a seizure
    with no slots, an inference record with no reason): narrowed or not, each source's count is
    the same, and the faults are counted."""
    from bench.generate import generate

    generate(tmp_path, 4000, seed=5)
    built = build(tmp_path, cache=False)
    g = [unit.graph.graph for unit in built.units]
    assert all(x is not None for x in g) and len(g) >= 4
    statement = sorted(g[0].subjects(RDF.type, KG.Statement))[0]  # type: ignore[union-attr]
    g[0].add((statement, KG.statementType, KG.Labelling))  # type: ignore[union-attr]
    g[1].add((URIRef(str(statement) + "-seized"), RDF.type, KG.Seizure))  # type: ignore[union-attr]
    inference = URIRef(str(statement) + "-inferred")
    g[3].add((inference, RDF.type, KG.Inference))  # type: ignore[union-attr]
    g[3].add((inference, RDF.subject, statement))  # type: ignore[union-attr]
    g[3].add((inference, RDFS.label, Literal("no reason given")))  # type: ignore[union-attr]
    shapes = parse_turtle(Path(__file__).parent.parent / "ontology" / "shapes.ttl")
    reach = shape_reach(shapes)
    assert reach is not None and (None, SH.targetClass, None) in shapes
    shared = prefixed_graph()
    for part in built.shared:
        part.into(shared)
    program = compiled(shapes, prefixed_graph().namespace_manager)
    todo = list(range(len(built.units)))
    args = (shapes, violation_queries(), shared, reach, program)
    everywhere = check_sources(built, todo, *args, narrow=False)
    narrowed = check_sources(built, todo, *args, narrow=True)
    counts = {i: v["checks"] for i, v in everywhere.items()}
    assert {i: v["checks"] for i, v in narrowed.items()} == counts
    assert counts[0]["statement-type-slots-violation"] > 0
    assert counts[1]["seizure-slots-violation"] > 0
    assert counts[3]["inference-record-violation"] > 0
    assert counts[2]["seizure-slots-violation"] == 0
