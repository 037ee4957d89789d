"""Each SHACL shape catches the mistake it is written for, and the real graph passes them all."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from kg import resources
from kg.sources import parse_turtle
from kg.validation import shacl

HEADER = """
@prefix kg: <https://w3id.org/scs-kg/ontology#> .
@prefix ent: <https://w3id.org/scs-kg/id/> .
@prefix src: <https://w3id.org/scs-kg/source/> .
@prefix ex: <https://example.org/fixture/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .

# A well-formed source, span and actors for the fixtures to lean on.
src:fixture a kg:Source ; dct:title "Fixture"@en ;
    kg:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .
<https://w3id.org/scs-kg/source/fixture#char=0,4> a nif:String, nif:Context ;
    nif:isString "text" ; nif:sourceUrl src:fixture ;
    nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> ;
    nif:anchorOf "text" ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "4"^^xsd:nonNegativeInteger .
ex:ev a nif:String ; nif:anchorOf "te" ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "2"^^xsd:nonNegativeInteger ;
    nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> .
ex:a a kg:State ; rdfs:label "A"@en .
ex:b a kg:State ; rdfs:label "B"@en .
ex:p a kg:Person ; rdfs:label "P"@en .
"""

# shape that must fail → a fact or node that breaks it (evidence given so only that shape fails)
FIXTURES: dict[str, str] = {
    "FactShape": "ex:f a kg:Alliance ; kg:ally ex:a, ex:b .",
    "EvidenceShape": """ex:f a kg:Alliance ; kg:ally ex:a, ex:b ; kg:evidence ex:bad ;
        prov:hadPrimarySource src:fixture .
        ex:bad a nif:String ; nif:anchorOf "te" ;
        nif:beginIndex "3"^^xsd:nonNegativeInteger ; nif:endIndex "2"^^xsd:nonNegativeInteger ;
        nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> .""",
    "ContextShape": """ex:bad a nif:String ; nif:anchorOf "te" ;
        nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "2"^^xsd:nonNegativeInteger ;
        nif:referenceContext ex:nocontext .""",
    "StatementShape": "ex:f a kg:Statement ; kg:statementType kg:Appeal .",
    "EventShape": "ex:f a kg:Event ; kg:status kg:Past .",
    "ParticipationShape": """ex:f a kg:Meeting ; kg:participation ex:part .
        ex:part a kg:Participation .""",
    "TerritorialClaimShape": "ex:f a kg:TerritorialClaim ; kg:claimant ex:a .",
    "ClaimContestShape": "ex:f a kg:ClaimContest ; kg:contester ex:a ; kg:contestedClaim ex:b .",
    "AllianceShape": "ex:f a kg:Alliance ; kg:ally ex:a .",
    "CounterpartShape": "ex:f a kg:Counterpart ; kg:counterpart ex:p, ex:a .",
    "RoleHoldingShape": "ex:f a kg:RoleHolding ; kg:holder ex:a .",
    "MembershipShape": "ex:f a kg:Membership ; kg:member ex:a ; kg:organization ex:b .",
    "AffiliationShape": "ex:f a kg:Affiliation ; kg:affiliate ex:a .",
    "LocationShape": "ex:f a kg:Location ; kg:locatedPlace ex:a ; kg:containingPlace ex:p .",
    "MetonymMentionShape": 'ex:f a kg:MetonymMention ; kg:mentionText "A"@en ; kg:refersTo ex:a .',
    "SourceShape": 'src:other a kg:Source ; dct:title "Other"@en ; kg:sha256 "abc" .',
    "ActorShape": 'ex:nolabel a kg:State ; rdfs:label "Sans étiquette"@fr .',
    "TimeShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval .""",
    "TimeDescriptionShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval ; time:hasDateTimeDescription ex:d .
        ex:d a time:DateTimeDescription ; time:year "2012"^^xsd:gYear .""",
    "RelativeTimeShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval ; time:hasDateTimeDescription ex:d ;
            kg:relativeTime "last week"@en ; kg:dateType kg:Exact .
        ex:d a time:DateTimeDescription ; time:unitType time:unitWeek .""",
    "RangeEndShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval ; time:hasDateTimeDescription ex:d ;
            time:hasBeginning ex:b ; time:hasEnd ex:e .
        ex:d a time:DateTimeDescription ; time:unitType time:unitYear .
        ex:b a time:Instant ; time:inXSDgYear "2012" .
        ex:e a time:Instant ; time:inXSDgYear "2016"^^xsd:gYear .""",
    "MonthPrecisionShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval ; time:hasDateTimeDescription ex:d .
        ex:d a time:DateTimeDescription ; time:unitType time:unitYear ;
            time:year "2012"^^xsd:gYear ; time:month "--03"^^xsd:gMonth .""",
    "DayPrecisionShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval ; time:hasDateTimeDescription ex:d .
        ex:d a time:DateTimeDescription ; time:unitType time:unitMonth ;
            time:year "2012"^^xsd:gYear ; time:month "--03"^^xsd:gMonth ;
            time:day "---05"^^xsd:gDay .""",
    "WeekPrecisionShape": """ex:f a kg:Meeting ; kg:participation ex:part ; time:hasTime ex:t .
        ex:part a kg:Participation ; kg:participant ex:a .
        ex:t a time:DateTimeInterval ; time:hasDateTimeDescription ex:d .
        ex:d a time:DateTimeDescription ; time:unitType time:unitWeek ;
            time:week "10"^^xsd:nonNegativeInteger .""",
    "InstrumentStateShape": "ex:f a kg:InstrumentState ; kg:instrument ex:a .",
    "RelationshipShape": 'ex:rel a kg:Relationship ; rdfs:label "A–B"@en ; kg:party ex:a .',
    "StatementTypeShape": 'ex:kind a kg:StatementType ; rdfs:label "kind"@en .',
}
EVIDENCE = " kg:evidence ex:ev ; prov:hadPrimarySource src:fixture ."


def _shape_names() -> set[str]:
    """The node shapes that validate: all but those the file deactivates, which only describe a
    fact class's fields (`kg.shapes`) and so have no fault to catch."""
    shapes = parse_turtle(resources.shapes_file())
    ns = "https://w3id.org/scs-kg/shapes#"
    return {
        str(s)[len(ns) :]
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if str(s).startswith(ns) and (s, SH.deactivated, Literal(True)) not in shapes
    }


def _failing(turtle: str) -> set[str]:
    data = parse_turtle(resources.ontology_file())
    data.parse(data=HEADER + turtle, format="turtle")
    return {v.check.removeprefix("kgsh:") for v in shacl(data)}


def test_every_shape_has_a_fixture() -> None:
    assert _shape_names() == set(FIXTURES)


def test_the_base_fixture_conforms() -> None:
    assert _failing("") == set()


@pytest.mark.parametrize("shape", sorted(FIXTURES))
def test_fixture_fails_its_shape(shape: str) -> None:
    turtle = FIXTURES[shape]
    if shape != "FactShape" and turtle.startswith("ex:f ") and turtle.rstrip().endswith("."):
        turtle = turtle.rstrip()[:-1] + ";" + EVIDENCE  # evidence present: only `shape` fails
    failing = _failing(turtle)
    assert shape in failing


def test_violation_lines_name_focus_path_and_message() -> None:
    data: Graph = parse_turtle(resources.ontology_file())
    data.parse(data=HEADER + FIXTURES["StatementShape"], format="turtle")
    lines = [v.line() for v in shacl(data)]
    assert any("kgsh:StatementShape" in x and "kg:speaker" in x for x in lines), lines


def test_a_statement_may_say_what_it_is_about_in_its_words() -> None:
    """Rule 1: a kg:subjectMatter satisfies "target, about, calls for, or in its words"; a
    statement with none of the four still fails, with the message that names all four."""
    statement = (
        "ex:f a kg:Statement ; kg:speaker ex:p ; kg:statementType kg:Assessment ; "
        "kg:actKind kg:Verbal ;"
    )
    words = statement + ' kg:subjectMatter "the catch is half what it was" ;' + EVIDENCE
    assert _failing(words) == set()
    data = parse_turtle(resources.ontology_file())
    data.parse(data=HEADER + statement + EVIDENCE, format="turtle")
    lines = [v.line() for v in shacl(data)]
    assert any("kgsh:StatementShape" in x and "kg:subjectMatter" in x for x in lines), lines
