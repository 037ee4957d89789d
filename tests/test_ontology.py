"""The ontology declares every term used, documents every term, and links only verified IDs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import resources
from kg.namespaces import KG, ONTOLOGY_IRI
from kg.sources import declared_terms, parse_turtle

from .conftest import ROOT

NS = str(KG._NS)
REFERENCE = ROOT.parent / "shared" / "reference" / "wikidata-ids.md"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse_turtle(resources.ontology_file())


def _kg_terms_in_text(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    prefixed = set(re.findall(r"(?<![\w:/#])kg:([A-Za-z_][\w-]*)", text))
    full = set(re.findall(re.escape(NS) + r"([A-Za-z_][\w-]*)", text))
    return prefixed | full


def _files_using_terms() -> list[Path]:
    root = resources.data_root()
    files = [resources.shapes_file(), *sorted((root / "sources").rglob("*.ttl"))]
    files += sorted(resources.queries_dir().glob("*.rq"))
    files += sorted((ROOT / "kg").rglob("*.py"))
    return files


def test_every_kg_term_used_anywhere_is_declared(ontology: Graph) -> None:
    declared = {str(t)[len(NS) :] for t in declared_terms(ontology)}
    for path in _files_using_terms():
        unknown = _kg_terms_in_text(path) - declared
        assert not unknown, f"{path}: undeclared kg: terms {sorted(unknown)}"


def test_the_defined_namespace_matches_the_ontology(ontology: Graph) -> None:
    in_code = {name for name in KG.__annotations__ if not name.startswith("_")}
    declared = {str(t)[len(NS) :] for t in declared_terms(ontology)}
    assert in_code == declared
    with pytest.raises(AttributeError):
        _ = KG.speeker


def test_every_term_has_label_definition_and_is_defined_by(ontology: Graph) -> None:
    for term in declared_terms(ontology):
        labels = [o for o in ontology.objects(term, RDFS.label) if o.language == "en"]
        labels += [o for o in ontology.objects(term, SKOS.prefLabel) if o.language == "en"]
        assert labels, f"{term} has no English label"
        assert (term, SKOS.definition, None) in ontology, f"{term} has no definition"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, f"{term} lacks isDefinedBy"


def test_header_has_version_license_and_creator(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for prop in ("versionIRI", "versionInfo"):
        assert (ONTOLOGY_IRI, OWL[prop], None) in ontology
    dct = "http://purl.org/dc/terms/"
    for prop in ("license", "creator", "created", "modified", "title"):
        assert (ONTOLOGY_IRI, URIRef(dct + prop), None) in ontology, prop


def test_statement_types_map_to_cameo_roots(ontology: Graph) -> None:
    types = set(ontology.subjects(RDF.type, KG.StatementType))
    assert len(types) >= 10
    cameo = set(ontology.subjects(RDF.type, KG.CameoCategory))
    assert len(cameo) == 20
    for t in types:
        assert set(ontology.objects(t, SKOS.broadMatch)) & cameo, t


def test_wikidata_links_only_from_the_verified_list() -> None:
    if REFERENCE.is_file():
        verified = set(re.findall(r"\|\s*(Q\d+)", REFERENCE.read_text(encoding="utf-8")))
    else:  # the list as it stood when the registry was written
        verified = {
            "Q30",
            "Q148",
            "Q928",
            "Q881",
            "Q833",
            "Q921",
            "Q7768",
            "Q37660",
            "Q1865",
            "Q408",
            "Q664",
            "Q884",
            "Q15031",
            "Q22686",
        }
    registry = parse_turtle(resources.sources_dir() / "entities.ttl")
    links = {str(o) for o in registry.objects(None, OWL.sameAs)}
    assert links, "the registry links verified entities to Wikidata"
    for link in links:
        qid = link.rsplit("/", 1)[-1]
        assert link == f"http://www.wikidata.org/entity/{qid}"
        assert qid in verified, link
    assert "http://www.wikidata.org/entity/Q29520" not in links
