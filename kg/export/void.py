"""The VoID description of a build: counts, class partitions, subsets, sources and dumps.

What VoID counts (typed subjects, class members, the sources' dates) is described per section
of pieces and cached with them, so an edit describes its own group again, not the corpus."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg import __version__
from kg.cache import all_of, json_shaped, key_of
from kg.export.lines import RDF_TYPE_LINE
from kg.export.pieces import REGISTRY, Assembly, Piece, version
from kg.namespaces import (
    BASE,
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    VOID,
    graph_source,
)

DATASET = "dataset"  # an export that is a dump of the whole dataset (`Export.dump`)


DATASET_IRI = URIRef(BASE + "dataset")


DUMP = BASE + "dump/"


LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


SD = "http://www.w3.org/ns/sparql-service-description#"


EXAMPLES = 3  # void:exampleResource: the first registry entities, in IRI order


# the dates a source states about itself, the latest of which is the dataset's dct:modified
_SOURCE_DATES = {
    str(DCTERMS.modified),
    str(DCTERMS.issued),
    str(DCTERMS.created),
    str(DCTERMS.date),
    "http://purl.org/pav/retrievedOn",
    "http://purl.org/pav/createdOn",
    "http://purl.org/pav/lastUpdateOn",
}


_DATE = re.compile(rb'^<([^>]*)> <([^>]*)> "(\d{4}-\d\d-\d\d)[^"]*"\^\^<([^>]*)> \.$')


_DATED = f'"^^<{XSD}date'.encode()  # in every line _DATE takes (xsd:date, xsd:dateTime)


def _described(pieces: Iterable[Piece]) -> dict[str, Any]:
    """What VoID reads of some pieces, as JSON: the typed subjects outside the ontology and
    derived graphs, each class's members, and the dates stated in source graphs.

    A piece's lines are read whole, not what a file keeps of them: these are sets (and a
    latest date), and what a piece drops an earlier piece of its graph holds.
    """
    subjects: set[bytes] = set()
    by_class: dict[bytes, set[bytes]] = {}
    dates: set[tuple[bytes, ...]] = set()
    skipped = {f"<{ONTOLOGY_GRAPH}>", f"<{DERIVED_GRAPH}>"}
    for piece in pieces:
        for line in piece.lines:
            if RDF_TYPE_LINE not in line:
                continue
            s, p, o = line[:-2].split(b" ", 2)
            if b" " + p + b" " != RDF_TYPE_LINE:
                continue
            if piece.graph not in skipped:
                subjects.add(s)
            if o.startswith(b"<"):
                by_class.setdefault(o[1:-1], set()).add(s)
        if graph_source(piece.graph[1:-1]) is not None:  # `<iri>`: a source's graph
            for line in piece.lines:
                m = _DATE.match(line) if _DATED in line else None
                if m:
                    dates.add(m.groups())
    return {
        "subjects": sorted(s.decode("utf-8") for s in subjects),
        "classes": {
            c.decode("utf-8"): sorted(m.decode("utf-8") for m in members)
            for c, members in sorted(by_class.items())
        },
        "dates": sorted([g.decode("utf-8") for g in groups] for groups in dates),
    }


def _strings(value: Any) -> bool:
    return all_of(value, lambda x: isinstance(x, str))


# whether a cached description has `_described`'s shape
_described_ok = json_shaped(
    lambda found: (
        isinstance(found, dict)
        and set(found) == {"subjects", "classes", "dates"}
        and _strings(found["subjects"])
        and isinstance(found["classes"], dict)
        and all(_strings(v) for v in found["classes"].values())
        and isinstance(found["dates"], list)
        and all(_strings(d) and len(d) == 4 for d in found["dates"])
    )
)


@dataclass
class Description:
    """What VoID counts of the whole dataset (see `_described`), merged from its sections."""

    subjects: set[str]
    classes: dict[str, set[str]]
    dates: list[list[str]]


def describe(data: Assembly) -> Description:
    """Merge each section's description, cached by the section's pieces (an edit describes
    its own group again, not the corpus)."""
    whole = Description(set(), {}, [])
    for section in data.sections():
        entry = None
        if data.cache is not None:
            keys = [f"{p.graph} {p.key}" for p in section.pieces]
            entry = data.cache.entry("export", key_of(version(), "described", *keys), ".json")
        body = entry.read(_described_ok) if entry is not None else None
        if body is not None:
            found = json.loads(body)
        else:
            found = _described(section.pieces)
            if entry is not None:
                entry.write(json.dumps(found).encode("utf-8"))
        whole.subjects.update(found["subjects"])
        for cls, members in found["classes"].items():
            whole.classes.setdefault(cls, set()).update(members)
        whole.dates.extend(found["dates"])
    return whole


def modified(found: Description, sources: list[URIRef]) -> str | None:
    """The latest date the sources state about themselves (retrieved, issued ...), or None."""
    wanted = {str(s) for s in sources}
    dates = [
        date
        for subject, prop, date, datatype in found.dates
        if subject in wanted
        and prop in _SOURCE_DATES
        and datatype in (str(XSD.date), str(XSD.dateTime))
    ]
    return max(dates) if dates else None


def void(
    data: Assembly,
    dumps: dict[str, str | None],
    sources: list[URIRef],
    endpoint: str | None = None,
) -> Graph:
    """Describe the dataset with VoID: counts, class partitions, subsets, sources, dumps.

    `dumps`: each file written beside it, and what it dumps (`DATASET`, a graph's IRI, None).

    Deterministic: the modification date is the latest date the sources give, not the clock;
    `endpoint` (a SPARQL endpoint serving the data, such as `kg serve`'s) is named if known.
    """
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    g.bind("sd", SD, override=True, replace=True)
    g.add((DATASET_IRI, RDF.type, VOID.Dataset))
    g.add((DATASET_IRI, DCTERMS.title, Literal("scs-kg: South China Sea diplomacy", lang="en")))
    g.add((DATASET_IRI, DCTERMS.license, LICENSE))
    g.add((DATASET_IRI, RDFS.comment, Literal(f"Built by scs-kg {__version__}.", lang="en")))
    g.add((DATASET_IRI, VOID.vocabulary, ONTOLOGY_IRI))
    g.add((DATASET_IRI, VOID.uriSpace, Literal(BASE)))
    g.add((DATASET_IRI, VOID.triples, Literal(data.triples, datatype=XSD.integer)))
    found = describe(data)
    date = modified(found, sources)
    if date is not None:
        g.add((DATASET_IRI, DCTERMS.modified, Literal(date, datatype=XSD.date)))
    if endpoint:
        g.add((DATASET_IRI, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((DATASET_IRI, VOID.entities, Literal(len(found.subjects), datatype=XSD.integer)))
    registry = sorted(
        {
            line.split(b" ", 1)[0]
            for graph, lines in data.graph_lines()
            if graph == REGISTRY
            for line in lines
            if RDF_TYPE_LINE in line and line.startswith(b"<")
        }
    )
    for example in registry[:EXAMPLES]:
        g.add((DATASET_IRI, VOID.exampleResource, URIRef(example[1:-1].decode("utf-8"))))
    for cls, members in sorted(found.classes.items()):
        part = URIRef(f"{BASE}void/class/{_slug(cls)}")
        g.add((DATASET_IRI, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(len(members), datatype=XSD.integer)))
    for name, count in data.graph_counts().items():
        iri = URIRef(name[1:-1])
        sub = URIRef(f"{BASE}void/graph/{_slug(iri)}")
        g.add((DATASET_IRI, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, URIRef(SD + "name"), iri))
        g.add((sub, VOID.triples, Literal(count, datatype=XSD.integer)))
        for dump in sorted(file for file, of in dumps.items() if of == str(iri)):
            g.add((sub, VOID.dataDump, URIRef(DUMP + dump)))
    for source in sorted(sources):
        g.add((DATASET_IRI, DCTERMS.source, source))
    for name in sorted(dumps):
        if dumps.get(name) == DATASET:
            g.add((DATASET_IRI, VOID.dataDump, URIRef(DUMP + name)))
    return g


def _slug(iri: str) -> str:
    from kg.prefixes import slug

    return slug(str(iri))
