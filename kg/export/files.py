"""The files `kg build` writes: one row of `EXPORTS` and one writer each.

A writer is a function of a `Job` (the build, the prefixes, the sources, the endpoint) that
returns the file's text or yields it in pieces; the dataset's serializations concatenate the
pieces of `kg.export.pieces` between each format's header and footer. Only the small entity
registry and the VoID description go through rdflib."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg import formats, jsonld, resources
from kg.build import Built
from kg.cache import key_of
from kg.export.lines import XML_END, parse_lines, serialize, sorted_lines, turtle_of
from kg.export.pieces import REGISTRY, Assembly, jsonld_opener, version, xml_head
from kg.export.void import DATASET, void
from kg.namespaces import ENTITIES_GRAPH, ONTOLOGY_GRAPH
from kg.outfolder import DUMP_FILE

NAME = "scs-kg"


CONTEXT_FILE = "context.jsonld"


class Job:
    """What one export writes from: the build, the prefixes, the sources and the endpoint."""

    def __init__(
        self,
        built: Built,
        names: dict[str, str],
        sources: list[URIRef],
        endpoint: str | None,
        files: list[str],
    ) -> None:
        self.built = built
        self.names = names
        self.sources = sources
        self.endpoint = endpoint
        self.files = files

    @functools.cached_property
    def assembly(self) -> Assembly:
        """The build's pieces (read when a file first needs them)."""
        return Assembly(self.built, self.names)

    def graph(self, iri: URIRef) -> list[bytes]:
        """The lines of one graph, sorted."""
        wanted = f"<{iri}>"
        lines = self.assembly.graph_lines()
        return sorted_lines(line for graph, found in lines if graph == wanted for line in found)


def _nquads_file(job: Job) -> Iterator[bytes]:
    for section in job.assembly.sections():
        for piece in section.pieces:
            tail = b" " + piece.graph.encode("utf-8") + b" .\n"
            yield b"".join(line[:-2] + tail for line in piece.kept(False)[0])


def _ntriples_file(job: Job) -> Iterator[bytes]:
    for section in job.assembly.sections():
        for piece in section.pieces:
            yield b"".join(line + b"\n" for line in piece.kept(True)[0])


# OWL 2's datatype map (OWL 2 Structural Specification, section 4): a reasoner refuses a
# literal of any other datatype (HermiT: xsd:gYear, xsd:gMonth, which OWL-Time uses)
_OWL2_XSD = """decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger
    long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string
    normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI
    dateTime dateTimeStamp"""


_OWL2_DATATYPES = frozenset(
    [f"{RDF}{t}" for t in ("PlainLiteral", "XMLLiteral", "langString")]
    + [f"{RDFS}Literal", f"{OWL}real", f"{OWL}rational"]
    + [f"{XSD}{t}" for t in _OWL2_XSD.split()]
)


_TYPED = re.compile(rb'"\^\^<([^>]*)> \.$')


OWL_NOTE = (
    b"# scs-kg for OWL 2 reasoners: the union of the graphs, as scs-kg.nt, except that a literal\n"
    b"# whose datatype OWL 2's datatype map lacks (xsd:gYear, xsd:gMonth, xsd:date ...) is given\n"
    b"# as xsd:string with the same lexical form. scs-kg.nt keeps every literal as written.\n"
)


def for_reasoners(line: bytes) -> bytes:
    """An N-Triples line with a literal outside OWL 2's datatype map made an xsd:string."""
    m = _TYPED.search(line)
    if m is None or m.group(1).decode("utf-8") in _OWL2_DATATYPES:
        return line
    return line[: m.start()] + b'" .'


def _owl_file(job: Job) -> Iterator[bytes]:
    yield OWL_NOTE
    for section in job.assembly.sections():
        for piece in section.pieces:
            yield b"".join(for_reasoners(line) + b"\n" for line in piece.kept(True)[0])


def _turtle_file(job: Job) -> Iterator[bytes]:
    a = job.assembly
    yield a.header("turtle")
    for section in a.sections():
        yield a.text(section, "turtle")


def _trig_file(job: Job) -> Iterator[bytes]:
    a = job.assembly
    yield a.header("trig")
    for graph, sections in a.order:
        if graph is not None:
            yield a.trig_opener(graph)
        for section in sections:
            yield a.text(section, "trig")
        if graph is not None:
            yield b"}\n"


def _xml_file(job: Job) -> Iterator[bytes]:
    a = job.assembly
    yield xml_head(tuple(job.names.items()))
    for section in a.sections():
        yield a.text(section, "xml")
    yield XML_END


def _jsonld_file(job: Job) -> Iterator[bytes]:
    """One JSON-LD document carrying its context inline (see `jsonld.dataset_document`)."""
    a = job.assembly
    yield jsonld.document_head(job.names) + b"["
    first = True
    for graph, sections in a.order:
        texts = [t for t in (a.text(s, "json-ld") for s in sections) if t]
        if graph is not None:
            texts = [jsonld_opener(graph) + b",".join(texts) + b"]}"]
        for text in texts:
            yield (b"" if first else b",") + text
            first = False
    yield b"]}\n"


def _context_file(job: Job) -> str:
    return json.dumps({"@context": job.names}, indent=2, sort_keys=True) + "\n"


def _ontology_xml(job: Job) -> bytes:
    return serialize(parse_lines(job.graph(ONTOLOGY_GRAPH)), "xml")


def _entities_file(job: Job) -> bytes:
    a = job.assembly
    for section in a.sections():
        if section.whole and section.pieces[0].graph == REGISTRY:
            return a.text(section, "registry")
    return turtle_of([], job.names).encode("utf-8")


def _void_file(job: Job) -> bytes:
    """The VoID description in rdflib's Turtle, cached by its triples (one per graph, source)."""
    dumps = {e.file: e.dump for e in EXPORTS.values() if e.file in job.files}
    g = void(job.assembly, dumps, job.sources, job.endpoint)
    cache = job.built.cache
    if cache is None:
        return g.serialize(format="turtle", encoding="utf-8")
    triples = sorted(" ".join(term.n3() for term in triple) for triple in g)
    entry = cache.entry("export", key_of(version(), "void", *triples), ".frag")
    body = entry.read()
    if body is None:
        body = g.serialize(format="turtle", encoding="utf-8")
        entry.write(body)
    return body


@dataclass(frozen=True)
class Export:
    """One file `kg build` writes: its name, file, format, title and the function writing it.

    `format` is the file's RDF format (`kg.formats.RDF`), which gives its media type.

    `dump` says what the file holds all of: `DATASET` for the whole dataset, a graph's IRI for
    one graph (VoID lists both as `void:dataDump`), None for the others.
    """

    name: str
    file: str
    format: str
    title: str
    write: Callable[[Job], str | bytes | Iterable[bytes]]
    graphs: bool = False  # keeps the graph names (a quad format)
    dump: str | None = None

    @property
    def media_type(self) -> str:
        """The file's IANA media type (pyoxigraph's, for its format)."""
        return formats.media_type(self.format)


# The exports: a new format is one row here and its function above. The names of the dataset's
# serializations are rdflib's format names (what `Graph.parse(format=...)` takes).
EXPORTS: dict[str, Export] = {
    e.name: e
    for e in [
        Export("trig", f"{NAME}.trig", "trig", "TriG (every graph)",
               _trig_file, graphs=True, dump=DATASET),
        Export("nquads", DUMP_FILE, "nquads", "N-Quads (every graph)",
               _nquads_file, graphs=True, dump=DATASET),
        Export("json-ld", f"{NAME}.jsonld", "json-ld", "JSON-LD (every graph)",
               _jsonld_file, graphs=True, dump=DATASET),
        Export("turtle", f"{NAME}.ttl", "turtle", "Turtle (the union of the graphs)",
               _turtle_file, dump=DATASET),
        Export("nt", f"{NAME}.nt", "nt", "N-Triples (the union)",
               _ntriples_file, dump=DATASET),
        Export("xml", f"{NAME}.rdf", "xml", "RDF/XML (the union)",
               _xml_file, dump=DATASET),
        Export("owl", f"{NAME}.owl.nt", "nt",
               "N-Triples for OWL 2 reasoners (the union; xsd:gYear ... as xsd:string)",
               _owl_file),
        Export("context", CONTEXT_FILE, "json-ld", "JSON-LD context (the prefixes)",
               _context_file),
        Export("ontology", "ontology.ttl", "turtle", "The ontology, as written",
               lambda _job: resources.ontology_file().read_bytes(), dump=str(ONTOLOGY_GRAPH)),
        Export("ontology-xml", "ontology.rdf", "xml", "The ontology in RDF/XML",
               _ontology_xml, dump=str(ONTOLOGY_GRAPH)),
        Export("shapes", "shapes.ttl", "turtle", "The SHACL shapes",
               lambda _job: resources.shapes_file().read_bytes()),
        Export("entities", "entities.ttl", "turtle", "The entity registry",
               _entities_file, dump=str(ENTITIES_GRAPH)),
        Export("void", "void.ttl", "turtle", "VoID description (counts, dumps, sources)",
               _void_file),
    ]
}  # fmt: skip


# (file, rdflib format, keeps graph names) of each serialization of the whole dataset
SERIALIZATIONS: list[tuple[str, str, bool]] = [
    (e.file, e.name, e.graphs) for e in EXPORTS.values() if e.dump == DATASET
]
