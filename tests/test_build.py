"""The build checks every quote, term and file, and reports bad input in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from kg.build import Built, build
from kg.errors import EvidenceError, InputError
from kg.namespaces import DERIVED_GRAPH, ENTITIES_GRAPH, KG, NIF, ONTOLOGY_GRAPH, source_graph
from kg.validation import validate

from .conftest import SLUG

Edit = Callable[[Path, str, str], None]


def test_the_packaged_sources_build_and_conform(built: Built) -> None:
    assert [s.slug for s in built.sources] == [SLUG]
    assert validate(built) == []


def test_graphs_are_one_per_source_plus_ontology_entities_and_derived(dataset: Dataset) -> None:
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert names == {ONTOLOGY_GRAPH, ENTITIES_GRAPH, DERIVED_GRAPH, source_graph(SLUG)}


def test_every_evidence_span_slices_its_source_to_the_quote(built: Built) -> None:
    source = built.sources[0]
    g = built.dataset.graph(source_graph(SLUG))
    spans = list(g.subjects(NIF.anchorOf, None))
    assert len(spans) > 50
    for span in spans:
        begin = int(g.value(span, NIF.beginIndex))
        end = int(g.value(span, NIF.endIndex))
        assert begin < end
        assert source.text[begin:end] == str(g.value(span, NIF.anchorOf))
        assert str(span).endswith(f"#char={begin},{end}")


def test_every_fact_has_evidence_and_a_sentence(built: Built) -> None:
    g = built.dataset.graph(source_graph(SLUG))
    facts = set(g.subjects(KG.evidence, None))
    assert len(facts) >= 60
    for fact in facts:
        ev = g.value(fact, KG.evidence)
        assert (ev, NIF.sentence, None) in g, fact
    assert not list(g.subject_objects(KG.quote)), "authoring quotes must not reach the output"


def test_derived_edges_trace_back_to_their_fact(dataset: Dataset) -> None:
    derived = dataset.graph(DERIVED_GRAPH)
    source = dataset.graph(source_graph(SLUG))
    reified = list(derived.subjects(RDF.type, RDF.Statement))
    assert reified
    for node in reified:
        s, p, o = (derived.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in derived
        fact = derived.value(node, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        assert (fact, KG.evidence, None) in source, fact


def test_a_wrong_quote_fails_the_build_naming_fact_and_quote(
    sources_copy: Path, edit: Edit
) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    edit(facts, '"The Philippines, a key U.S. ally"', '"The Philippines, a key U.S. enemy"')
    with pytest.raises(EvidenceError) as err:
        build(sources_copy)
    message = str(err.value)
    assert "facts.ttl" in message
    assert "quote not found in source us-china-military-channels" in message
    assert "'The Philippines, a key U.S. enemy'" in message
    assert "\n" not in message


def test_malformed_turtle_names_file_and_line(sources_copy: Path) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    lines = facts.read_text(encoding="utf-8").splitlines()
    lines.insert(5, 'fact:broken kg:quote "unterminated .')
    facts.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.ttl:6: malformed Turtle"):
        build(sources_copy)


def test_an_undeclared_term_is_an_error_not_a_new_term(sources_copy: Path) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text + "\nfact:typo kg:speeker ent:china .\n", encoding="utf-8")
    n = len(text.splitlines()) + 2
    with pytest.raises(InputError, match=rf"facts\.ttl:{n}: undeclared term kg:speeker"):
        build(sources_copy)


def test_a_missing_source_text_is_named(sources_copy: Path) -> None:
    (sources_copy / SLUG / "text.txt").unlink()
    with pytest.raises(InputError, match=r"text\.txt: source text not found"):
        build(sources_copy)


def test_a_quotation_outside_its_quote_is_rejected(sources_copy: Path, edit: Edit) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    edit(facts, 'kg:quotation     "destabilizing"', 'kg:quotation "stabilizing and more"')
    with pytest.raises(EvidenceError, match="is not inside its quote"):
        build(sources_copy)


def test_source_hash_is_recorded(built: Built) -> None:
    g = built.dataset.graph(source_graph(SLUG))
    source = built.sources[0]
    assert g.value(source.iri, KG.sha256) == Literal(source.sha256)
