"""A fact class is declared once, by its class in the ontology and its SHACL shape: the drafters,
the draft file, the review, the scoring of drafts, the derived edges and the views all read it.

A toy class added to a copy of the ontology and the shapes (no Python edited) is picked up by
each of them; and every class the drafter proposes has a shape that names every property it
writes."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg import registry, resources, shapes
from kg.derive import edges
from kg.draft import model, review, write_draft
from kg.draft.drafter import Draft, draft_text
from kg.draft.evaluate import views
from kg.draft.review import DraftBlock, missing
from kg.draft.rules import RULES_DIR, load
from kg.draft.text import Text
from kg.draft.turtle import render, section_classes
from kg.errors import InputError
from kg.namespaces import ENT, KG
from kg.sources import parse_turtle
from kg.viz.projection import Projector

from .conftest import ROOT, SLUG
from .draft_fixtures import undrafted

K = shapes.KG_NS
SANCTION = """
kg:Sanction a owl:Class ; rdfs:subClassOf kg:Fact ; rdfs:label "sanction"@en ;
    rdfs:isDefinedBy <https://w3id.org/scs-kg/ontology> .
kg:Blockade a owl:Class ; rdfs:subClassOf kg:Event ; rdfs:label "blockade"@en ;
    rdfs:isDefinedBy <https://w3id.org/scs-kg/ontology> .
"""
SANCTION_SHAPE = """
kgsh:SanctionShape a sh:NodeShape ;
    sh:targetClass kg:Sanction ;
    sh:property [ sh:path kg:sanctioner ; sh:name "sanctioner" ; sh:order 1 ;
        sh:group kgsh:PrincipalGroup ; sh:minCount 1 ; sh:maxCount 1 ; sh:class kg:Actor ] ;
    sh:property [ sh:path kg:measure ; sh:name "measure" ; sh:order 3 ;
        sh:group kgsh:DetailGroup ; sh:datatype xsd:string ] ;
    sh:property [ sh:path kg:sanctioned ; sh:name "sanctioned" ; sh:order 2 ;
        sh:group kgsh:LinkGroup ; sh:minCount 1 ; sh:class kg:Actor ;
        kgsh:derivedEdge kg:sanctions ] .
"""
TEXT = (
    "FICTIONAL TEST TEXT\n\nChina sanctioned the Philippines with a fishing ban. "
    "A blockade followed."
)


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Graph]:
    """The packaged ontology and shapes with kg:Sanction (a fact) and kg:Blockade (an event)
    added, in a temporary copy that `kg.resources` points to; yields the ontology."""
    onto, sh = tmp_path / "scs-kg.ttl", tmp_path / "shapes.ttl"
    onto.write_text(resources.ontology_file().read_text(encoding="utf-8") + SANCTION, "utf-8")
    text = resources.shapes_file().read_text(encoding="utf-8")
    listed = "        [ sh:class kg:Action ]\n"
    assert text.count(listed) == 1
    text = text.replace(listed, listed + "        [ sh:class kg:Blockade ]\n") + SANCTION_SHAPE
    sh.write_text(text, encoding="utf-8")
    monkeypatch.setattr(resources, "ontology_file", lambda: onto)
    monkeypatch.setattr(resources, "shapes_file", lambda: sh)
    shapes.table.cache_clear()
    try:
        yield parse_turtle(onto)
    finally:
        shapes.table.cache_clear()


def test_the_table_reads_fields_order_requirements_and_superclasses(toy: Graph) -> None:
    sanction = shapes.fact_class("Sanction")
    assert sanction.order[:3] == ["kg:sanctioner", "kg:sanctioned", "kg:measure"]  # sh:order
    assert [f.name for f in sanction.required if f.group != "provenance"] == [
        "sanctioner",
        "sanctioned",
    ]
    assert [f.path for f in sanction.principal] == ["kg:sanctioner"]
    assert sanction.field("kg:sanctioned") is not None
    assert sanction.field("kg:sanctioned").edges == ("kg:sanctions",)  # type: ignore[union-attr]
    assert "Blockade" in shapes.events()
    blockade = shapes.fact_class("Blockade")
    assert blockade.supers[:2] == ("Event", "Fact")
    assert blockade.order == shapes.fact_class("Meeting").order  # the event shape's fields


def test_the_model_drafter_and_the_draft_file_take_a_new_class_from_its_shape(toy: Graph) -> None:
    entities = registry.load(resources.sources_dir())
    content = model.prompt(TEXT, entities, toy)[1]["content"]
    assert '"Sanction": ["sanctioner", "sanctioned", "measure"]' in content
    assert "Blockade" in content
    answer = [
        {"class": "Sanction", "quote": "China sanctioned the Philippines with a fishing ban",
         "measure": "a fishing ban", "sanctioned": "ent:philippines", "sanctioner": "ent:china"},
        {"class": "Sanction", "quote": "China sanctioned the Philippines",
         "sanctioner": "ent:china"},
        {"class": "Blockade", "quote": "A blockade followed",
         "participants": ["ent:china"]},
    ]  # fmt: skip
    kept, rejected = model.guard(answer, TEXT, entities, toy)
    assert [r.line() for r in rejected] == ["model fact 2 (Sanction): no sanctioned"]
    assert [p.cls for p in kept] == ["Sanction", "Blockade"]
    assert dict(section_classes())["Other facts"] == ("InstrumentState", "Sanction")
    assert "Blockade" in dict(section_classes())["Events"]
    draft = Draft(Text(text=TEXT, norm=TEXT, tokens=[], sentences=[], quotations=[]))
    draft.proposals = kept
    written = render("t", "t", draft, set(), shapes.order())
    block = written[written.index("kg:Sanction ;") :]
    at = [block.index(p) for p in ("kg:sanctioner", "kg:sanctioned", "kg:measure")]
    assert at == sorted(at)  # in the shape's sh:order, not the answer's
    assert written.index("# --- Events ---") < written.index("kg:Blockade ;")
    assert written.index("# --- Other facts ---") < written.index("kg:Sanction ;")
    graph = Graph().parse(data=written, format="turtle")
    (fact,) = graph.subjects(RDF.type, URIRef(K + "Sanction"))
    assert graph.value(fact, URIRef(K + "measure")) == Literal("a fishing ban")

    (scored,) = [v for v in views(graph, TEXT, toy) if v.cls == URIRef(K + "Sanction")]
    assert scored.principal == frozenset({ENT["china"]}) and scored.match == "all"


def test_the_review_refuses_an_edit_that_drops_what_the_shape_requires(toy: Graph) -> None:
    prefixes = f"@prefix kg: <{K}> .\n@prefix ent: <{ENT}> .\n@prefix fact: <urn:f/> ."
    lines = ["# draft fact:s — rule model", "fact:s", "    a kg:Sanction ;",
             "    kg:sanctioner ent:china ;", '    kg:quote "China sanctioned" .']  # fmt: skip
    assert missing(DraftBlock("fact:s", lines), prefixes) == ["sanctioned (kg:sanctioned)"]
    whole = [*lines[:3], "    kg:sanctioned ent:philippines ;", *lines[3:]]
    assert missing(DraftBlock("fact:s", whole), prefixes) == []


def test_the_derived_edges_and_the_views_take_a_new_class_from_its_shape(toy: Graph) -> None:
    facts = Graph()
    fact, blockade = URIRef("urn:f/sanction"), URIRef("urn:f/blockade")
    facts.add((fact, RDF.type, URIRef(K + "Sanction")))
    facts.add((fact, URIRef(K + "sanctioner"), ENT["china"]))
    facts.add((fact, URIRef(K + "sanctioned"), ENT["philippines"]))
    assert (ENT["china"], URIRef(K + "sanctions"), ENT["philippines"], fact) in set(edges(facts))

    facts.add((blockade, RDF.type, URIRef(K + "Blockade")))
    facts.add((blockade, RDFS.label, Literal("blockade", lang="en")))
    facts.add((blockade, PROV.atLocation, ENT["scarborough-shoal"]))
    facts.add((ENT["scarborough-shoal"], RDF.type, KG.MaritimeFeature))
    p = Projector(facts)
    assert p.node_class(blockade) == URIRef(K + "Blockade")
    assert p.nodes_of(["Event"]) == {blockade: URIRef(K + "Blockade")}
    drawn = {(e.source, e.predicate, e.target) for e in p.fact_edges([blockade])}
    assert drawn == {(str(blockade), str(PROV.atLocation), str(ENT["scarborough-shoal"]))}


def _drafted_texts() -> list[Path]:
    packaged = resources.sources_dir() / "us-china-military-channels" / "text.txt"
    return [*sorted((ROOT / "tests" / "fixtures").rglob("text.txt")), packaged]


def test_every_class_the_drafter_proposes_has_a_shape_naming_every_property_it_writes() -> None:
    table = shapes.fact_classes()

    def described(cls: str) -> bool:  # a shape of its own or of a class above, not only kg:Fact
        return cls in table and any(f.group != "provenance" for f in table[cls].fields)

    named = {rule.cls for rule in load().events}
    named |= {c for _, classes in section_classes() for c in classes if c not in ("Fact", "Event")}
    named |= set(model.slots(parse_turtle(resources.ontology_file())))
    examples = tomllib.loads((RULES_DIR / "examples.toml").read_text(encoding="utf-8"))
    named |= {e["class"] for e in examples["example"]}
    assert sorted(c for c in named if not described(c)) == []

    entities = registry.load(resources.sources_dir())
    ontology = parse_turtle(resources.ontology_file())
    texts = [p.read_text(encoding="utf-8") for p in _drafted_texts()]
    texts += [e["text"] for e in examples["example"]]
    proposed: set[str] = set()
    unknown: set[tuple[str, str]] = set()
    for text in texts:
        for p in draft_text(text, entities, ontology).proposals:
            proposed.add(p.cls)
            assert described(p.cls), p.cls
            paths = set(table[p.cls].order)
            unknown |= {(p.cls, prop) for prop, _ in p.values if prop not in paths}
            if p.participations:
                assert "kg:participation" in paths
    assert unknown == set()
    assert {"Statement", "Meeting", "RoleHolding", "Inference"} <= proposed


def test_kg_review_refuses_an_edited_fact_without_a_field_its_shape_requires(
    tmp_path: Path,
) -> None:
    root = undrafted(tmp_path / "sources")
    write_draft(root / SLUG, root)
    facts = root / SLUG / "facts.ttl"
    before = facts.read_text(encoding="utf-8")
    said: list[str] = []

    def ask(unit: list[DraftBlock], sentence: str) -> str:
        return "e" if unit[0].name == "fact:role-pete-hegseth" else "q"

    def drop_holder(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if "kg:holder" not in line)

    with pytest.raises(InputError, match=r"needs holder \(kg:holder\)"):
        review.review(root / SLUG, root, ask, drop_holder, said.append)
    assert facts.read_text(encoding="utf-8") == before
    review.review(root / SLUG, root, ask, lambda text: text, said.append)
    assert "\nfact:role-pete-hegseth\n" in facts.read_text(encoding="utf-8")
