"""The competency questions CQ1, CQ2, CQ5, CQ6 and CQ7 get exactly the article's answers.

CQ9 to CQ12 are asserted through their catalog queries in tests/test_competency_model.py.
"""

from __future__ import annotations

from rdflib import Dataset

from kg.validation import union

PREFIX = """
PREFIX kg: <https://w3id.org/scs-kg/ontology#>
PREFIX ent: <https://w3id.org/scs-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _rows(dataset: Dataset, query: str) -> set[tuple[str, ...]]:
    g = union(dataset)
    return {tuple(str(v) for v in row) for row in g.query(PREFIX + query)}


def test_cq1_states_contesting_chinas_claims(dataset: Dataset) -> None:
    rows = _rows(
        dataset,
        """
        SELECT DISTINCT ?label WHERE {
          ?state kg:contestsClaimOf ent:china ; a kg:State ; rdfs:label ?label .
        }""",
    )
    assert rows == {("Philippines",), ("Vietnam",), ("Malaysia",), ("Brunei",)}


def test_cq2_allies_of_the_united_states(dataset: Dataset) -> None:
    rows = _rows(
        dataset,
        """
        SELECT DISTINCT ?label WHERE {
          ?ally kg:alliedWith ent:united-states ; rdfs:label ?label .
        }""",
    )
    assert rows == {("Philippines",)}


def test_cq5_who_criticised_accused_or_labelled_whom(dataset: Dataset) -> None:
    rows = _rows(
        dataset,
        """
        SELECT DISTINCT ?speaker ?target WHERE {
          VALUES ?type { kg:Criticism kg:Accusation kg:Labelling }
          ?st kg:statementType ?type ; kg:speaker ?s ; kg:target ?t .
          ?s rdfs:label ?speaker . ?t rdfs:label ?target .
        }""",
    )
    assert rows == {
        ("Pete Hegseth", "China"),
        ("Chinese officials", "United States"),
        ("Chinese military", "Philippines"),  # the collective speaker the text names
        ("Tian Junli", "Philippines"),
    }
    about = _rows(
        dataset,
        """
        SELECT DISTINCT ?place WHERE {
          ?st kg:speaker ent:pete-hegseth ; kg:target ent:china ; kg:statementType kg:Criticism ;
              kg:about ?claim . ?claim kg:claimedPlace ?p . ?p rdfs:label ?place .
        }""",
    )
    assert about == {("South China Sea",), ("Scarborough Shoal",)}
    tian = _rows(
        dataset,
        """
        SELECT ?org WHERE {
          ?st kg:speaker ent:tian-junli ; kg:onBehalfOf ?o . ?o rdfs:label ?org
        }""",
    )
    assert tian == {("PLA Southern Theater Command",)}


def test_cq6_exercises_participants_and_status(dataset: Dataset) -> None:
    rows = _rows(
        dataset,
        """
        SELECT ?event ?status (GROUP_CONCAT(?name; separator="|") AS ?who) WHERE {
          SELECT ?event ?status ?name WHERE {
            ?event a kg:MilitaryExercise ; kg:status ?s ; kg:participation/kg:participant ?p .
            ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?status . ?p rdfs:label ?name .
          } ORDER BY ?name
        } GROUP BY ?event ?status""",
    )
    got = {(status, who) for _event, status, who in rows}
    assert got == {
        ("past", "Australia|New Zealand|Philippines|United States"),
        ("planned", "ASEAN|United States"),
    }


def test_cq7_chinas_claims_and_their_places(dataset: Dataset) -> None:
    rows = _rows(
        dataset,
        """
        SELECT DISTINCT ?place WHERE {
          ?claim a kg:TerritorialClaim ; kg:claimant ent:china ; kg:claimedPlace ?p .
          ?p rdfs:label ?place .
        }""",
    )
    assert rows == {("South China Sea",), ("Scarborough Shoal",)}
