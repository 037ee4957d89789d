"""JSON-LD is written in one canonical order: same graph, same bytes; RDF lists keep order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
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


def _quads() -> list[Any]:
    import pyoxigraph as ox

    ex = "https://example.org/"
    s, p, g = ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "g")
    node = ox.BlankNode("b1")
    objects = [
        ox.Literal("plain"),
        ox.Literal("word", language="en"),
        ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal('quote " and \\ and\nnew line'),
        ox.NamedNode(ex + "o"),
        node,
    ]
    quads = [ox.Quad(s, p, o, g) for o in objects]
    quads.append(ox.Quad(node, p, ox.Literal("in the default graph"), ox.DefaultGraph()))
    quads.append(ox.Quad(s, p, ox.Literal("another graph"), ox.NamedNode(ex + "h")))
    return sorted(quads, key=lambda q: tuple(map(str, (q.graph_name, q.subject, q.object))))


def test_the_dataset_document_carries_its_context_and_reads_back(tmp_path: Path) -> None:
    import pyoxigraph as ox

    quads = _quads()
    data = jsonld.dataset_document(quads, {"ex": "https://example.org/"})
    assert data == jsonld.dataset_document(list(quads), {"ex": "https://example.org/"})
    assert data.endswith(b"}\n")
    doc = json.loads(data)
    assert doc["@context"] == {"ex": "https://example.org/"}
    # pyoxigraph, as it is
    got = list(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    assert sorted(map(str, got)) == sorted(map(str, quads))
    # rdflib, from a file alone in its folder
    (tmp_path / "doc.jsonld").write_bytes(data)
    parsed = Dataset()
    parsed.parse(tmp_path / "doc.jsonld", format="json-ld")
    want = Dataset()
    want.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    assert len(parsed) == len(want) == len(quads)
    for graph in want.graphs():
        assert isomorphic(graph, parsed.graph(graph.identifier)), graph.identifier
