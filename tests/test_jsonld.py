"""JSON-LD is written in one canonical order: same graph, same bytes; RDF lists keep order."""

from __future__ import annotations

import json

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from kg import jsonld

from .conftest import run_kg


def test_canonical_sorts_arrays_but_keeps_list_order() -> None:
    doc = {"b": [3, 1, 2], "a": {"@list": [3, 1, 2]}}
    assert jsonld.canonical(doc) == {"a": {"@list": [3, 1, 2]}, "b": [1, 2, 3]}


def test_an_rdf_list_survives_a_round_trip() -> None:
    g = Graph()
    head = URIRef("https://example.org/list")
    Collection(g, head, [Literal("z"), Literal("a"), Literal("m")])
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), head))
    text = jsonld.text(jsonld.dumps(g, {"ex": "https://example.org/"}, compact=True))
    assert isomorphic(Graph().parse(data=text, format="json-ld"), g)


def _construct(seed: str) -> str:
    return run_kg(["query", "entity-neighbourhood", "--format", "json-ld"], seed).stdout


def test_construct_as_jsonld_is_byte_identical_across_processes() -> None:
    first, second = _construct("1"), _construct("7")
    assert first == second
    assert json.loads(first)["@graph"]
