"""The entity registry: its names index, and near-duplicate entities reported by the check."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from typer.testing import CliRunner

from kg import registry, resources
from kg.cli import app
from kg.namespaces import ENT

from .conftest import SLUG
from .fictional import FICTIONAL, line_of, sources_with_fictional

runner = CliRunner()

HEAD = """
@prefix kg:   <https://w3id.org/scs-kg/ontology#> .
@prefix ent:  <https://w3id.org/scs-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
"""


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=HEAD + turtle, format="turtle")


def test_names_index_labels_alternative_labels_and_metonyms() -> None:
    names = registry.names(registry.load(resources.sources_dir()))
    assert registry.Name("United States", ENT["united-states"], "label") in names
    assert registry.Name("U.S.", ENT["united-states"], "altLabel") in names
    assert registry.Name("Washington", ENT["united-states"], "metonym") in names
    assert registry.Name("Manila", ENT["philippines"], "metonym") in names
    assert not any(n.kind == "metonym" for n in registry.names(_graph(""), metonyms=False))


def test_normalize_ignores_case_dots_apostrophes_and_spacing() -> None:
    assert registry.normalize("U.S.") == registry.normalize("us")
    assert registry.normalize("People’s  Liberation Army") == registry.normalize(
        "people's liberation army"
    )
    assert registry.normalize("China") != registry.normalize("Chinas")


def test_the_packaged_registry_has_no_near_duplicates() -> None:
    assert registry.near_duplicates(registry.load(resources.sources_dir())) == []


def test_same_label_different_iri_is_a_near_duplicate() -> None:
    g = _graph("""
        ent:china a kg:State ; rdfs:label "China"@en .
        ent:prc a kg:State ; rdfs:label "PRC"@en ; skos:altLabel "china"@en .
        ent:us a kg:State ; rdfs:label "United States"@en .
        ent:usa a kg:State ; rdfs:label "U.S."@en .
        ent:united-states a kg:State ; rdfs:label "US"@en .
    """)
    found = {(d.first, d.second) for d in registry.near_duplicates(g)}
    assert found == {(ENT["china"], ENT["prc"]), (ENT["united-states"], ENT["usa"])}


def test_a_shared_metonym_or_a_stated_difference_is_not_a_duplicate() -> None:
    g = _graph("""
        ent:china a kg:State ; rdfs:label "China"@en ; kg:metonym "Beijing"@en .
        ent:beijing a kg:City ; rdfs:label "Beijing"@en .
        ent:georgia a kg:State ; rdfs:label "Georgia"@en ; owl:differentFrom ent:georgia-us .
        ent:georgia-us a kg:Place ; rdfs:label "Georgia"@en .
    """)
    assert registry.near_duplicates(g) == []


def test_kg_check_reports_a_near_duplicate_in_the_registry(sources_copy: Path) -> None:
    with (sources_copy / "entities.ttl").open("a", encoding="utf-8") as f:
        f.write('\nent:prc a kg:State ; rdfs:label "China"@en .\n')
    result = runner.invoke(app, ["check", SLUG, "--sources", str(sources_copy)])
    assert result.exit_code == 1, result.output
    lines = [x for x in result.output.splitlines() if "near-duplicate" in x]
    assert len(lines) == 1
    assert str(ENT["china"]) in lines[0] and str(ENT["prc"]) in lines[0]
    assert lines[0].startswith(str(sources_copy / "entities.ttl"))


def test_kg_check_points_to_a_near_duplicate_declared_in_a_facts_file(tmp_path: Path) -> None:
    root = sources_with_fictional(tmp_path / "sources")
    facts = root / FICTIONAL / "facts.ttl"
    with facts.open("a", encoding="utf-8") as f:
        f.write("\n<https://w3id.org/scs-kg/id/the-philippines> a kg:State ;\n")
        f.write('    rdfs:label "Philippines"@en .\n')
    result = runner.invoke(app, ["check", FICTIONAL, "--sources", str(root)])
    assert result.exit_code == 1, result.output
    lines = [x for x in result.output.splitlines() if "near-duplicate" in x]
    line = line_of(facts, "<https://w3id.org/scs-kg/id/the-philippines>")
    assert len(lines) == 1 and lines[0].startswith(f"{facts}:{line}: "), lines
