"""Exports: every standard serialization, the ontology, the shapes and a VoID description.

Output is byte-identical for the same input, and written atomically: the files go to a
temporary folder beside the target, which replaces the target only when all are written.

The data comes from a `Built` (kg.build), read from its parts. It is sorted once, as canonical
N-Triples lines graph by graph, and written by pyoxigraph; only the small entity registry and
the VoID description go through rdflib's Turtle writer.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg import __version__, jsonld, resources
from kg.build import Built
from kg.namespaces import (
    BASE,
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    FACT,
    GRAPH,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    VOID,
)
from kg.outfolder import replace_folder
from kg.terms import cached_to_ox, from_ox, to_ox

NAME = "scs-kg"
DATASET_IRI = URIRef(BASE + "dataset")
DUMP = BASE + "dump/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SOURCE_GRAPHS = str(GRAPH) + "source/"

# file name, format, whether it keeps graph names
SERIALIZATIONS: list[tuple[str, str, bool]] = [
    (f"{NAME}.trig", "trig", True),
    (f"{NAME}.nq", "nquads", True),
    (f"{NAME}.jsonld", "json-ld", True),
    (f"{NAME}.ttl", "turtle", False),
    (f"{NAME}.nt", "nt", False),
    (f"{NAME}.rdf", "xml", False),
]
CONTEXT_FILE = "context.jsonld"


_OX_FORMATS = {
    "trig": "TRIG",
    "nquads": "N_QUADS",
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "xml": "RDF_XML",
}


_RDF_TYPE = f" <{RDF.type}> ".encode()


def _lines(data: bytes) -> list[bytes]:
    """Split canonical N-Triples into its lines ("s p o ."), without line ends."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _ntriples(triples: Iterable[Any]) -> list[bytes]:
    import pyoxigraph as ox

    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return _lines(data)


def graph_key(graph_name: Any) -> str:
    """Return the sort key of a graph name: its N-Quads form, "DEFAULT" for the default graph."""
    return str(graph_name)


def _parse(lines: list[bytes]) -> Any:
    """Parse N-Triples lines (or N-Quads lines) into pyoxigraph quads, in order."""
    import pyoxigraph as ox

    return ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_QUADS) if lines else []


def canonical_blank_nodes(lines: list[bytes]) -> list[bytes]:
    """Label the blank nodes of one graph's N-Triples lines as the build does (rdflib's labels).

    A pyoxigraph store does not keep long blank node labels, so they are labelled again from
    the content, which gives the build's own labels back. Only lines with a blank node are
    parsed: those are few (OWL class expressions); the others are returned as they are.
    """
    import pyoxigraph as ox
    from rdflib.compare import to_canonical_graph

    candidates = [i for i, line in enumerate(lines) if line.startswith(b"_:") or b" _:" in line]
    if not candidates:
        return lines
    g = Graph()
    blank = set()
    for i, q in zip(candidates, _parse([lines[i] for i in candidates]), strict=True):
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
            blank.add(i)
    if not blank:
        return lines
    kept = [line for i, line in enumerate(lines) if i not in blank]
    relabelled = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in to_canonical_graph(g))
    return kept + _ntriples(relabelled)


class SortedData:
    """The data to export as sorted canonical N-Triples lines, graph by graph.

    Sorting lines as bytes gives the order of (subject, predicate, object) in N-Triples form:
    IRIs end with ">", and a space sorts before any character that can follow a term.
    """

    def __init__(self, graphs: dict[str, list[bytes]]) -> None:
        self.graphs = {name: sorted(set(graphs[name])) for name in sorted(graphs)}

    def nquad_lines(self) -> list[bytes]:
        """The quads as N-Quads lines, sorted by graph, subject, predicate, object."""
        parts = []
        for name, lines in self.graphs.items():
            if name == "DEFAULT":
                parts.extend(lines)
            else:
                tail = b" " + name.encode("utf-8") + b" ."
                parts.extend(line[:-2] + tail for line in lines)
        return parts

    @functools.cached_property
    def nquads(self) -> bytes:
        """The quads as N-Quads, sorted by graph, subject, predicate, object."""
        return b"".join(line + b"\n" for line in self.nquad_lines())

    @functools.cached_property
    def union(self) -> list[bytes]:
        """The distinct triples of all graphs as N-Triples lines, sorted."""
        found: set[bytes] = set()
        for lines in self.graphs.values():
            found.update(lines)
        return sorted(found)

    def quads(self) -> Any:
        """Iterate over the quads as pyoxigraph terms, in order."""
        import pyoxigraph as ox

        return ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS)

    def triples(self, graph: URIRef | None = None) -> Any:
        """Iterate over the triples of one named graph, or of the union, in order."""
        lines = self.union if graph is None else self.graphs.get(f"<{graph}>", [])
        return _parse(lines)


def _serialize(items: Any, fmt: str, names: dict[str, str] | None = None) -> bytes:
    """Serialize pyoxigraph quads or triples, in their order, with the given prefixes."""
    import pyoxigraph as ox

    rdf_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
    prefixes = None if fmt in ("nt", "nquads") else (names or dict(sorted(PREFIXES.items())))
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


_FACT_SEGMENT = re.compile(b"<" + re.escape(str(FACT).encode()) + b"([^/>]*)/")


def _fact_segment(ns: str) -> str | None:
    """Return the source slug a fact prefix's namespace is under (`FACT<slug>/...`), if any."""
    rest = ns.removeprefix(str(FACT))
    return rest.split("/", 1)[0] if rest != ns and "/" in rest else None


class Chunked:
    """Write Turtle or TriG in chunks, each with only the prefixes that it can use.

    pyoxigraph's writers try every prefix on every IRI, and a corpus has one prefix per source:
    with thousands of sources that dominates. A chunk (whole subjects of one graph) is written
    with the project's prefixes and those of the sources whose facts it names; the prefix each
    IRI gets is the same, so the bytes are those of one call with every prefix.
    """

    CHUNK = 4096  # lines

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.always: dict[str, str] = {}
        self.by_source: dict[bytes, list[tuple[str, str]]] = {}
        for prefix, ns in names.items():
            segment = _fact_segment(ns)
            if segment is None:
                self.always[prefix] = ns
            else:
                self.by_source.setdefault(segment.encode("utf-8"), []).append((prefix, ns))
        # which prefix an IRI gets is sure to be the same only if no namespace is inside another
        spaces = sorted(names.values())
        self.nested = any(b.startswith(a) for a, b in itertools.pairwise(spaces))

    def _body(self, lines: list[bytes], fmt: str, graph: str | None) -> bytes:
        """Serialize N-Triples lines (in `graph`, for TriG) and drop the prefix lines."""
        names = dict(self.always)
        for segment in set(_FACT_SEGMENT.findall(b"".join(lines))):
            names.update(self.by_source.get(segment, ()))
        names = dict(sorted(names.items()))
        if graph is not None and graph != "DEFAULT":
            tail = b" " + graph.encode("utf-8") + b" ."
            lines = [line[:-2] + tail for line in lines]
        data = _serialize(_parse(lines), fmt, names)
        body = data.split(b"\n", len(names))
        assert all(line.startswith(b"@prefix ") for line in body[:-1])
        return body[-1]

    def _chunks(self, lines: list[bytes]) -> Iterable[list[bytes]]:
        """Cut sorted lines into runs of whole subjects."""
        start = 0
        while start < len(lines):
            end = min(start + self.CHUNK, len(lines))
            if end < len(lines):
                subject = lines[end - 1].split(b" ", 1)[0] + b" "
                while end < len(lines) and lines[end].startswith(subject):
                    end += 1
            yield lines[start:end]
            start = end

    def header(self, fmt: str) -> bytes:
        """The prefix lines of a file written with every prefix (pyoxigraph's order)."""
        import pyoxigraph as ox

        node = ox.NamedNode("urn:x")
        data = _serialize([ox.Triple(node, node, node)], fmt, self.names)
        lines = data.split(b"\n", len(self.names))
        assert all(line.startswith(b"@prefix ") for line in lines[:-1])
        return data[: len(data) - len(lines[-1])]

    def turtle(self, lines: list[bytes]) -> bytes:
        """Write sorted N-Triples lines as Turtle."""
        if self.nested:
            return _serialize(_parse(lines), "turtle", self.names)
        parts = [self.header("turtle")]
        parts.extend(self._body(chunk, "turtle", None) for chunk in self._chunks(lines))
        return b"".join(parts)

    def trig(self, graphs: dict[str, list[bytes]]) -> bytes:
        """Write sorted N-Triples lines, graph by graph, as TriG."""
        if self.nested:
            return _serialize(_parse(SortedData(graphs).nquad_lines()), "trig", self.names)
        parts = [self.header("trig")]
        for name, lines in graphs.items():
            bodies = [self._body(chunk, "trig", name) for chunk in self._chunks(lines)]
            if name == "DEFAULT":
                parts.extend(bodies)
                continue
            opener = bodies[0].split(b"\n", 1)[0] + b"\n"
            parts.append(opener)
            for body in bodies:
                assert body.startswith(opener) and body.endswith(b"}\n"), body[:80]
                parts.append(body[len(opener) : -2])
            parts.append(b"}\n")
        return b"".join(parts)


def _turtle(triples: Iterable[Any], names: dict[str, str]) -> str:
    """Write a small graph of pyoxigraph triples as rdflib's Turtle (sorted, prefixed)."""
    g = Graph()
    for prefix, ns in names.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in triples:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g.serialize(format="turtle")


SD = "http://www.w3.org/ns/sparql-service-description#"
# the dumps of the whole dataset, and those of one of its graphs
DATASET_DUMPS = [name for name, _fmt, _named in SERIALIZATIONS]
GRAPH_DUMPS = {ONTOLOGY_GRAPH: ["ontology.ttl", "ontology.rdf"], ENTITIES_GRAPH: ["entities.ttl"]}
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


def _typing(data: SortedData) -> tuple[set[bytes], dict[str, set[bytes]]]:
    """The typed subjects outside the ontology and derived graphs, and each class's members."""
    subjects: set[bytes] = set()
    members: dict[str, set[bytes]] = {}
    skipped = {f"<{ONTOLOGY_GRAPH}>", f"<{DERIVED_GRAPH}>"}
    for name, lines in data.graphs.items():
        for line in lines:
            if _RDF_TYPE not in line:
                continue
            s, p, o = line[:-2].split(b" ", 2)
            if b" " + p + b" " != _RDF_TYPE:
                continue
            if name not in skipped:
                subjects.add(s)
            if o.startswith(b"<"):
                members.setdefault(o[1:-1].decode("utf-8"), set()).add(s)
    return subjects, members


def modified(data: SortedData, sources: list[URIRef]) -> str | None:
    """The latest date the sources state about themselves (retrieved, issued ...), or None."""
    wanted = {str(s) for s in sources}
    dates = []
    for name, lines in data.graphs.items():
        if not name.startswith(f"<{SOURCE_GRAPHS}"):
            continue
        for line in lines:
            m = _DATE.match(line)
            if (
                m
                and m.group(1).decode() in wanted
                and m.group(2).decode() in _SOURCE_DATES
                and m.group(4).decode() in (str(XSD.date), str(XSD.dateTime))
            ):
                dates.append(m.group(3).decode())
    return max(dates) if dates else None


def void(
    data: SortedData,
    files: list[str],
    sources: list[URIRef],
    endpoint: str | None = None,
) -> Graph:
    """Describe the dataset with VoID: counts, class partitions, subsets, sources, dumps.

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
    g.add((DATASET_IRI, VOID.triples, Literal(len(data.union), datatype=XSD.integer)))
    date = modified(data, sources)
    if date is not None:
        g.add((DATASET_IRI, DCTERMS.modified, Literal(date, datatype=XSD.date)))
    if endpoint:
        g.add((DATASET_IRI, VOID.sparqlEndpoint, URIRef(endpoint)))
    subjects, members = _typing(data)
    g.add((DATASET_IRI, VOID.entities, Literal(len(subjects), datatype=XSD.integer)))
    registry = sorted(
        {
            line.split(b" ", 1)[0]
            for line in data.graphs.get(f"<{ENTITIES_GRAPH}>", [])
            if _RDF_TYPE in line and line.startswith(b"<")
        }
    )
    for example in registry[:EXAMPLES]:
        g.add((DATASET_IRI, VOID.exampleResource, URIRef(example[1:-1].decode("utf-8"))))
    for cls, found in sorted(members.items()):
        part = URIRef(f"{BASE}void/class/{_slug(cls)}")
        g.add((DATASET_IRI, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(len(found), datatype=XSD.integer)))
    for name, lines in data.graphs.items():
        if not name.startswith("<"):
            continue  # the default graph has no name, a blank node no IRI
        iri = URIRef(name[1:-1])
        sub = URIRef(f"{BASE}void/graph/{_slug(iri)}")
        g.add((DATASET_IRI, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, URIRef(SD + "name"), iri))
        g.add((sub, VOID.triples, Literal(len(lines), datatype=XSD.integer)))
        for dump in GRAPH_DUMPS.get(iri, []):
            if dump in files:
                g.add((sub, VOID.dataDump, URIRef(DUMP + dump)))
    for source in sorted(sources):
        g.add((DATASET_IRI, DCTERMS.source, source))
    for name in sorted(files):
        if name in DATASET_DUMPS:
            g.add((DATASET_IRI, VOID.dataDump, URIRef(DUMP + name)))
    return g


def _slug(iri: str) -> str:
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}-{text[len(ns) :]}".replace("/", "-").replace("#", "-")
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def built_graphs(built: Built) -> dict[str, list[bytes]]:
    """Return each graph of a build as N-Triples lines (unsorted), read from its parts.

    The cached files are parsed, not loaded into a store, so literals keep their datatypes
    and blank nodes their labels.
    """
    import pyoxigraph as ox

    graphs: dict[str, list[bytes]] = {}
    for part in built.parts():
        if part.graph is None and part.entry is not None:
            triples: Iterable[Any] = ox.parse(part.entry.body(), format=ox.RdfFormat.N_TRIPLES)
        elif part.graph is not None:
            term = cached_to_ox()
            triples = (ox.Triple(term(s), term(p), term(o)) for s, p, o in part.graph)
        else:
            continue
        lines = _ntriples(triples)
        if lines:
            graphs.setdefault(graph_key(ox.NamedNode(str(part.name))), []).extend(lines)
    return graphs


def sorted_data(built: Built) -> SortedData:
    """Return the graphs of a build as sorted lines, blank nodes labelled from their content."""
    graphs = built_graphs(built)
    return SortedData({name: canonical_blank_nodes(lines) for name, lines in graphs.items()})


def write_outputs(
    built: Built,
    out_dir: Path,
    sources: list[URIRef] | None = None,
    prefixes: dict[str, str] | None = None,
    protected: list[Path] | None = None,
    sparql_endpoint: str | None = None,
) -> list[Path]:
    """Write every export of a build into `out_dir`, atomically; return the files written.

    `out_dir` must be new, empty or made by a build (`kg.outfolder`), and none of the
    `protected` folders (the sources, the cache). The data is read from the build's parts,
    without making an rdflib dataset of the whole corpus. `sources` (default: the build's)
    are named in the VoID description, with `sparql_endpoint` if known. `prefixes` are those of
    the Turtle-family files and the JSON-LD context; by default the project's and one per
    source (`Built.prefixes`).
    """
    iris = [s.iri for s in built.sources] if sources is None else sources

    @functools.cache
    def lines() -> SortedData:
        return sorted_data(built)

    @functools.cache
    def names() -> dict[str, str]:
        return dict(sorted(prefixes.items())) if prefixes is not None else built.prefixes()

    writers: dict[str, Callable[[], str | bytes]] = {
        f"{NAME}.nq": lambda: lines().nquads,
        f"{NAME}.trig": lambda: Chunked(names()).trig(lines().graphs),
        f"{NAME}.jsonld": lambda: jsonld.dataset_document(lines().quads(), names()),
        f"{NAME}.nt": lambda: b"".join(line + b"\n" for line in lines().union),
        f"{NAME}.ttl": lambda: Chunked(names()).turtle(lines().union),
        f"{NAME}.rdf": lambda: _serialize(lines().triples(), "xml", names()),
    }
    assert set(writers) == {name for name, _fmt, _named in SERIALIZATIONS}
    writers[CONTEXT_FILE] = lambda: (
        json.dumps({"@context": names()}, indent=2, sort_keys=True) + "\n"
    )
    writers["ontology.ttl"] = lambda: resources.ontology_file().read_bytes()
    writers["ontology.rdf"] = lambda: _serialize(lines().triples(ONTOLOGY_GRAPH), "xml")
    writers["shapes.ttl"] = lambda: resources.shapes_file().read_bytes()
    writers["entities.ttl"] = lambda: _turtle(lines().triples(ENTITIES_GRAPH), names())
    dumps = sorted(writers)
    writers["void.ttl"] = lambda: void(lines(), dumps, iris, sparql_endpoint).serialize(
        format="turtle"
    )
    return replace_folder(out_dir, writers, "kg build", protected)
