"""The VoID description says everything VoID can say about the dataset, deterministically."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.build import Built, build
from kg.export import SERIALIZATIONS, write_outputs
from kg.namespaces import BASE, ENTITIES_GRAPH, ONTOLOGY_GRAPH, PREFIXES, VOID

DATASET = URIRef(BASE + "dataset")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
SD_NAME = URIRef("http://www.w3.org/ns/sparql-service-description#name")


@pytest.fixture(scope="module")
def void(out_dir: Path) -> Graph:
    """The build's void.ttl."""
    return Graph().parse(out_dir / "void.ttl")


def test_uri_space_and_example_resources(void: Graph, dataset: Dataset) -> None:
    assert set(void.objects(DATASET, VOID.uriSpace)) == {Literal(BASE)}
    examples = sorted(void.objects(DATASET, VOID.exampleResource))
    assert len(examples) == 3
    registry = dataset.graph(ENTITIES_GRAPH)
    for example in examples:
        assert str(example).startswith(BASE)
        assert (example, RDF.type, None) in registry


def test_a_class_partition_for_every_class_used(void: Graph, dataset: Dataset) -> None:
    used: dict[URIRef, set[object]] = {}
    for s, _p, o, _g in dataset.quads((None, RDF.type, None, None)):
        if isinstance(o, URIRef):
            used.setdefault(o, set()).add(s)
    partitions = {
        void.value(part, VOID["class"]): int(void.value(part, VOID.entities))
        for part in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions == {cls: len(members) for cls, members in used.items()}
    assert RDF.Statement in partitions  # the direct edges' records


def test_the_dumps_are_the_dataset_files(void: Graph, out_dir: Path) -> None:
    dumps = {str(o).rsplit("/", 1)[-1] for o in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {name for name, _fmt, _named in SERIALIZATIONS}
    assert "context.jsonld" not in dumps and "shapes.ttl" not in dumps
    assert all((out_dir / d).is_file() for d in dumps)
    by_graph = {void.value(sub, SD_NAME): sub for sub in void.objects(DATASET, VOID.subset)}
    ontology = {
        str(o).rsplit("/", 1)[-1] for o in void.objects(by_graph[ONTOLOGY_GRAPH], VOID.dataDump)
    }
    assert ontology == {"ontology.ttl", "ontology.rdf"}
    entities = {
        str(o).rsplit("/", 1)[-1] for o in void.objects(by_graph[ENTITIES_GRAPH], VOID.dataDump)
    }
    assert entities == {"entities.ttl"}


def test_only_declared_prefixes(out_dir: Path) -> None:
    text = (out_dir / "void.ttl").read_text(encoding="utf-8")
    declared = dict(re.findall(r"^@prefix (\w*): <([^>]*)> \.$", text, flags=re.M))
    allowed = {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"}
    assert declared, text[:200]
    assert all(allowed.get(prefix) == ns for prefix, ns in declared.items()), declared
    assert not re.search(r"\bns\d+:", text)


def test_the_modification_date_comes_from_the_sources_and_the_output_is_deterministic(
    sources_copy: Path, edit: Callable[[Path, str, str], None], tmp_path: Path
) -> None:
    facts = sources_copy / "us-china-military-channels" / "facts.ttl"
    edit(
        facts,
        '    dct:language "en" ;\n',
        '    dct:language "en" ;\n    dct:issued "2025-05-30"^^xsd:date ;\n',
    )
    built: Built = build(sources_copy)
    sources = [s.iri for s in built.sources]
    write_outputs(built, tmp_path / "a", sources)
    write_outputs(built, tmp_path / "b", sources, sparql_endpoint="http://127.0.0.1:7878/query")
    write_outputs(built, tmp_path / "c", sources)
    a = (tmp_path / "a" / "void.ttl").read_bytes()
    assert a == (tmp_path / "c" / "void.ttl").read_bytes()
    g = Graph().parse(data=a, format="turtle")
    assert g.value(DATASET, DCTERMS.modified) == Literal("2025-05-30", datatype=XSD_DATE)
    assert g.value(DATASET, VOID.sparqlEndpoint) is None
    b = Graph().parse(tmp_path / "b" / "void.ttl")
    assert b.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:7878/query")


def test_no_date_without_one_in_the_sources(void: Graph) -> None:
    assert void.value(DATASET, DCTERMS.modified) is None  # the packaged source gives none
