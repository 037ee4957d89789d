"""Exports: every standard serialization, the ontology, the shapes and a VoID description.

Output is byte-identical for the same input, whatever the cache holds, and written atomically:
the files go to a temporary folder beside the target, which replaces the target only when all
are written. What is written is one table, `EXPORTS`: a file is one row and its function.

The files are assembled from the build's parts (`kg.build.Built`: the ontology, the registry,
and each source's facts and direct edges). Each part is turned once into sorted canonical
N-Triples lines and written once per format by pyoxigraph, with only the prefixes it can use;
those pieces are kept in the verified cache (`kg.cache`, kind `export`) under the key of their
content, so a rebuild after one edit writes only that source's pieces again and concatenates
the others between each format's header and footer. The graphs come in the order of their
names, a graph's parts in the build's order, each part's triples sorted; a triple that an
earlier part already holds is left out (in its graph for the quad formats, anywhere for the
triple formats). Only the small entity registry and the VoID description go through rdflib;
what VoID counts (typed subjects, class members, the sources' dates) is kept per section too.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from kg import __version__, formats, jsonld, resources
from kg.build import Built, Part, Unit
from kg.cache import Cache, all_of, json_shaped, key_of
from kg.namespaces import (
    BASE,
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    FACT,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    SOURCE_GRAPHS,
    VOID,
)
from kg.outfolder import DUMP_FILE, Writers, replace_folder
from kg.progress import progress
from kg.terms import cached_to_ox, from_ox, to_ox

NAME = "scs-kg"
DATASET_IRI = URIRef(BASE + "dataset")
DUMP = BASE + "dump/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
CONTEXT_FILE = "context.jsonld"
DATASET = "dataset"  # an export that is a dump of the whole dataset (`Export.dump`)

_RDF_TYPE = f" <{RDF.type}> ".encode()
_XML_END = b"</rdf:RDF>"


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
    """Label the blank nodes of one part's N-Triples lines from their content (rdflib's labels).

    The build labels blank nodes so already (`to_canonical_graph`); labelling them again from
    the content keeps the exports the same whatever path a part took. Only lines with a blank
    node are parsed: those are few (OWL class expressions); the others are returned as they are.
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


def sorted_lines(lines: Iterable[bytes]) -> list[bytes]:
    """Return distinct N-Triples lines sorted, which is the order of (subject, predicate, object).

    Sorting lines as bytes gives the order of the terms in N-Triples form: IRIs end with ">",
    and a space sorts before any character that can follow a term.
    """
    return sorted(set(lines))


def _serialize(items: Any, fmt: str, names: dict[str, str] | None = None) -> bytes:
    """Serialize pyoxigraph quads or triples, in their order, with the given prefixes."""
    import pyoxigraph as ox

    rdf_format = formats.RDF[fmt]
    plain = fmt in ("nt", "nquads", "json-ld")
    prefixes = None if plain else (names if names is not None else dict(sorted(PREFIXES.items())))
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


_FACT_SEGMENT = re.compile(b"<" + re.escape(str(FACT).encode()) + b"([^/>]*)/")


def _fact_segment(ns: str) -> str | None:
    """Return the source slug a fact prefix's namespace is under (`FACT<slug>/...`), if any."""
    rest = ns.removeprefix(str(FACT))
    return rest.split("/", 1)[0] if rest != ns and "/" in rest else None


def _turtle(triples: Iterable[Any], names: dict[str, str]) -> str:
    """Write a small graph of pyoxigraph triples as rdflib's Turtle (sorted, prefixed)."""
    g = Graph()
    for prefix, ns in names.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in triples:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g.serialize(format="turtle")


# --- pieces: the build's parts as lines, and sections of them written in each format ---------


@functools.cache
def _version() -> str:
    """The key of what a piece's text depends on besides its lines: this code and the writers."""
    import pyoxigraph
    import rdflib

    here = Path(__file__).resolve().parent
    code = [(here / name).read_bytes() for name in ("export.py", "terms.py", "jsonld.py")]
    return key_of("scs-kg export 1", *code, pyoxigraph.__version__, rdflib.__version__)


@dataclass
class Piece:
    """One part's share of a graph: its sorted canonical lines, and what each file keeps.

    `key` names the lines (the same key, the same lines); `in_graph` and `in_union` are the
    lines that no earlier piece of the same graph, or of any graph, holds, with their key
    (None: all of them).
    """

    graph: str  # the graph's N-Quads form, "<iri>"
    lines: list[bytes]
    key: str
    segments: tuple[str, ...]  # the sources whose fact IRIs the lines name
    in_graph: tuple[list[bytes], str] | None = None
    in_union: tuple[list[bytes], str] | None = None

    def kept(self, union: bool) -> tuple[list[bytes], str]:
        """The lines a file keeps, and their key (`union`: a file of triples)."""
        found = self.in_union if union else self.in_graph
        return found if found is not None else (self.lines, self.key)


@dataclass
class Section:
    """Pieces written together: whole graphs (`whole`), or consecutive pieces of one graph."""

    pieces: list[Piece]
    whole: bool


def _canonical(part: Part) -> list[bytes]:
    """Return a part's triples as sorted canonical N-Triples lines (pyoxigraph's form)."""
    import pyoxigraph as ox

    if part.graph is not None:
        term = cached_to_ox()
        triples: Iterable[Any] = (ox.Triple(term(s), term(p), term(o)) for s, p, o in part.graph)
    elif part.entry is not None:
        triples = ox.parse(part.entry.body(), format=ox.RdfFormat.N_TRIPLES)
    else:
        return []
    return sorted_lines(canonical_blank_nodes(_ntriples(triples)))


def _segments(lines: list[bytes]) -> tuple[str, ...]:
    found = set(_FACT_SEGMENT.findall(b"\n".join(lines)))
    return tuple(sorted(s.decode("utf-8") for s in found))


def _shared_piece(part: Part) -> Piece:
    """The piece of a part held in memory (the ontology, the registry, edges across sources)."""
    lines = _canonical(part)
    return Piece(f"<{part.name}>", lines, key_of(b"\n".join(lines)), _segments(lines))


GROUP = 16  # sources per group, about: a group's pieces are cached and written together


def _groups(units: list[Unit]) -> list[list[Unit]]:
    """Cut units (in the order of their graphs) into groups, at boundaries set by their names.

    A group ends after a unit whose slug hashes to 0 modulo GROUP (or at 2 × GROUP units), so
    that adding or removing a source changes its own group only, and an edit one group.
    """
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        current.append(unit)
        if int(key_of(unit.slug)[:8], 16) % GROUP == 0 or len(current) >= 2 * GROUP:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


_LINES = b"# pieces "


def _group_check(count: int) -> Callable[[bytes], bool]:
    """A check of a group's lines entry: a pieces line for `count` units, then their lines."""

    def check(body: bytes) -> bool:
        head, _sep, rest = body.partition(b"\n")
        if not head.startswith(_LINES):
            return False
        try:
            found = json.loads(head[len(_LINES) :])
        except ValueError:
            return False
        if not isinstance(found, list) or len(found) != 2 * count:
            return False
        for item in found:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)):
                return False
            if not all_of(item[1], lambda s: isinstance(s, str)):
                return False
        return sum(n for n, _segments in found) == rest.count(b"\n")

    return check


def _group_pieces(cache: Cache | None, group: list[Unit]) -> list[tuple[Piece, Piece]]:
    """Each unit's pieces (its graph, its direct edges), read from the cache by its digests."""
    key = key_of(_version(), "lines", *(unit.digest for unit in group))
    entry = cache.entry("export", key, ".nt") if cache is not None else None
    body = entry.read(_group_check(len(group))) if entry is not None else None
    found: list[tuple[list[bytes], tuple[str, ...]]] = []
    if body is not None:
        head, _sep, rest = body.partition(b"\n")
        lines = _lines(rest)
        start = 0
        for n, segments in json.loads(head[len(_LINES) :]):
            found.append((lines[start : start + n], tuple(segments)))
            start += n
    else:
        for unit in group:
            for part in (unit.graph, unit.derived):
                lines = _canonical(part)
                found.append((lines, _segments(lines)))
        if entry is not None:
            pieces = json.dumps([[len(lines), list(s)] for lines, s in found]).encode("utf-8")
            texts = (line + b"\n" for lines, _s in found for line in lines)
            entry.write(_LINES + pieces + b"\n" + b"".join(texts))
    out = []
    for i, unit in enumerate(group):
        graph, derived = found[2 * i], found[2 * i + 1]
        out.append(
            (
                Piece(f"<{unit.graph.name}>", graph[0], key_of(key, str(i), "graph"), graph[1]),
                Piece(f"<{DERIVED_GRAPH}>", derived[0], key_of(key, str(i), "edges"), derived[1]),
            )
        )
    return out


def _after_prefixes(data: bytes, names: dict[str, str]) -> bytes:
    """Drop the @prefix lines pyoxigraph's Turtle and TriG writers put first (one per name)."""
    lines = data.split(b"\n", len(names))
    assert len(lines) == len(names) + 1, data[:200]
    assert all(line.startswith(b"@prefix ") for line in lines[:-1]), data[:200]
    return lines[-1]


def _in_graph(lines: list[bytes], graph: str) -> list[bytes]:
    tail = b" " + graph.encode("utf-8") + b" ."
    return [line[:-2] + tail for line in lines]


Kept = list[tuple[str, list[bytes]]]  # (graph, lines) of each piece of a section


def _triples(kept: Kept) -> Any:
    return _parse([line for _graph, lines in kept for line in lines])


def _quads(kept: Kept) -> Any:
    return _parse([line for graph, lines in kept for line in _in_graph(lines, graph)])


def _turtle_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in Turtle: its subjects, without the prefix lines."""
    return _after_prefixes(_serialize(_triples(kept), "turtle", names), names)


def _trig_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in TriG: its graphs' blocks, or (pieces of one graph) the inside of a block."""
    body = _after_prefixes(_serialize(_quads(kept), "trig", names), names)
    if whole:
        return body
    _opener, _sep, inside = body.partition(b"\n")
    assert inside.endswith(b"}\n"), body[:200]
    return inside[:-2]


@functools.lru_cache(maxsize=64)
def _xml_head(names: tuple[tuple[str, str], ...]) -> bytes:
    """The start of an RDF/XML file with these prefixes (the root element, open)."""
    data = _serialize([], "xml", dict(names))
    assert data.endswith(_XML_END), data
    return data[: -len(_XML_END)]


def _xml_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in RDF/XML: its `rdf:Description` elements."""
    data = _serialize(_triples(kept), "xml", names)
    head = _xml_head(tuple(names.items()))
    assert data.startswith(head) and data.endswith(_XML_END), data[:200]
    return data[len(head) : -len(_XML_END)]


def _graph_term(graph: str) -> Any:
    import pyoxigraph as ox

    return next(ox.parse(f"<urn:x> <urn:x> <urn:x> {graph} .\n", format=ox.RdfFormat.N_QUADS))


def _jsonld_opener(graph: str) -> bytes:
    """The start of a named graph's object in pyoxigraph's expanded JSON-LD, up to its nodes."""
    data = _serialize([_graph_term(graph)], "json-ld")
    mark = b'","@graph":['
    assert data.startswith(b'[{"@id":"'), data
    return data[1 : data.index(mark) + len(mark)]


def _jsonld_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in JSON-LD: its graphs' objects, or (pieces of one graph) its node objects."""
    data = _serialize(_quads(kept), "json-ld")
    if whole:
        assert data.startswith(b"[") and data.endswith(b"]"), data[:200]
        return data[1:-1]
    opener = _jsonld_opener(kept[0][0])
    assert data.startswith(b"[" + opener) and data.endswith(b"]}]"), data[:200]
    return data[len(opener) + 1 : -3]


def _registry_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """The registry in rdflib's Turtle (sorted, with the prefixes it uses)."""
    return _turtle(_triples(kept), names).encode("utf-8")


# how each format writes a section ((graph, lines) of its pieces, prefixes, whole) -> bytes
_TEXTS: dict[str, Callable[[Kept, dict[str, str], bool], bytes]] = {
    "turtle": _turtle_text,
    "trig": _trig_text,
    "xml": _xml_text,
    "json-ld": _jsonld_text,
    "registry": _registry_text,
}
_UNION_TEXTS = {"turtle", "xml", "registry"}  # formats of triples: they keep `in_union`


class Assembly:
    """A build's pieces in the order of the files, and each section's text in each format.

    Made once per export: it reads every part's lines (from the cache when it can), finds what
    each file keeps of them, and counts what the VoID description says. `order` lists, in the
    order of the graphs' names, (None, [whole graphs]) and (graph, [sections of that graph]).
    """

    def __init__(self, built: Built, names: dict[str, str]) -> None:
        self.cache = built.cache
        self.names = names
        self.always: dict[str, str] = {}
        self.by_source: dict[str, list[tuple[str, str]]] = {}
        for prefix, ns in names.items():
            segment = _fact_segment(ns)
            if segment is None:
                self.always[prefix] = ns
            else:
                self.by_source.setdefault(segment, []).append((prefix, ns))
        # the prefix an IRI gets is the same with fewer prefixes only if no namespace holds
        # another; otherwise every piece is written with every prefix
        spaces = sorted(names.values())
        self.nested = any(b.startswith(a) for a, b in itertools.pairwise(spaces))
        self.order = self._order(built)
        self.triples = self._dedupe()
        built.counted(sum(self.graph_counts().values()))

    def _order(self, built: Built) -> list[tuple[str | None, list[Section]]]:
        derived = f"<{DERIVED_GRAPH}>"
        units = sorted(built.units, key=lambda u: f"<{u.graph.name}>")
        groups = _groups(units)
        sources: dict[str, Section] = {}  # a group's section, by its first graph
        edges: list[Section] = []
        with progress("reading the build for export", len(groups)) as step:
            for group in groups:
                pieces = _group_pieces(self.cache, group)
                found = [graph for graph, _edges in pieces if graph.lines]
                if found:
                    sources[found[0].graph] = Section(found, whole=True)
                found = [edges for _graph, edges in pieces if edges.lines]
                if found:
                    edges.append(Section(found, whole=False))
                step()
        own = [part for part in built.shared if f"<{part.name}>" != derived]
        shared = {f"<{part.name}>": _shared_piece(part) for part in own}
        # the derived graph's shares: edges across sources, types the shared graphs entail
        for part in [built.cross, *(p for p in built.shared if f"<{p.name}>" == derived)]:
            piece = _shared_piece(part)
            if piece.lines:
                edges.append(Section([piece], whole=False))
        graphs = {p.graph for s in sources.values() for p in s.pieces} | set(shared)
        assert derived not in graphs and len(shared) == len(own)
        if edges:
            graphs.add(derived)
        order: list[tuple[str | None, list[Section]]] = []
        expected: list[str] = []
        for graph in sorted(graphs):
            if graph == derived:
                order.append((graph, edges))
            elif graph in shared:
                if shared[graph].lines:
                    order.append((None, [Section([shared[graph]], whole=True)]))
            elif graph in sources:
                order.append((None, [sources[graph]]))
                expected = [p.graph for p in sources[graph].pieces[1:]]
                continue
            else:  # a group's next graph: a group's graphs must be consecutive
                assert expected and expected.pop(0) == graph, graph
                continue
            assert not expected, expected
        return order

    def _dedupe(self) -> int:
        """Mark what each file keeps of each piece; return the number of distinct triples."""
        union: set[bytes] = set()
        for graph, sections in self.order:
            seen: set[bytes] = set()
            for i, piece in enumerate(p for s in sections for p in s.pieces):
                if graph is not None:  # the pieces of one graph
                    if i:
                        kept = [line for line in piece.lines if line not in seen]
                        if len(kept) < len(piece.lines):
                            piece.in_graph = (kept, key_of(b"\n".join(kept)))
                    seen.update(piece.lines)
                if union:
                    kept = [line for line in piece.lines if line not in union]
                    if len(kept) < len(piece.lines):
                        piece.in_union = (kept, key_of(b"\n".join(kept)))
                union.update(piece.lines)
        return len(union)

    def sections(self) -> Iterator[Section]:
        """Every section, in the order of the files."""
        for _graph, sections in self.order:
            yield from sections

    def graph_lines(self) -> Iterator[tuple[str, list[bytes]]]:
        """Each piece's graph and the lines its graph keeps of it."""
        for section in self.sections():
            for piece in section.pieces:
                yield piece.graph, piece.kept(False)[0]

    def graph_counts(self) -> dict[str, int]:
        """The number of triples of each graph."""
        counts: dict[str, int] = {}
        for graph, lines in self.graph_lines():
            counts[graph] = counts.get(graph, 0) + len(lines)
        return counts

    def names_for(self, segments: Iterable[str]) -> dict[str, str]:
        """The prefixes a text naming the facts of these sources can use."""
        if self.nested:
            return self.names
        names = dict(self.always)
        for segment in segments:
            names.update(self.by_source.get(segment, ()))
        return dict(sorted(names.items()))

    def text(self, section: Section, fmt: str) -> bytes:
        """A section's text in a format, cached by what its pieces keep."""
        union = fmt in _UNION_TEXTS
        kept = [(p.graph, *p.kept(union)) for p in section.pieces]
        kept = [(graph, lines, key) for graph, lines, key in kept if lines]
        if not kept:
            return b""
        names = self.names_for({s for p in section.pieces for s in p.segments})
        entry = None
        if self.cache is not None:
            keys = [f"{graph} {key}" for graph, _lines, key in kept]
            parts = (_version(), fmt, str(section.whole), json.dumps(names), *keys)
            entry = self.cache.entry("export", key_of(*parts), ".frag")
            body = entry.read()
            if body is not None:
                return body
        body = _TEXTS[fmt]([(graph, lines) for graph, lines, _key in kept], names, section.whole)
        if entry is not None:
            entry.write(body)
        return body

    def header(self, fmt: str) -> bytes:
        """The prefix lines of a Turtle or TriG file with every prefix (pyoxigraph's order)."""
        import pyoxigraph as ox

        node = ox.NamedNode("urn:x")
        data = _serialize([ox.Triple(node, node, node)], fmt, self.names)
        body = _after_prefixes(data, self.names)
        return data[: len(data) - len(body)]

    def trig_opener(self, graph: str) -> bytes:
        """The line that opens a graph's block in TriG (its name, prefixed if it can be)."""
        names = self.names_for(_segments([graph.encode("utf-8")]))
        data = _serialize([_graph_term(graph)], "trig", names)
        return _after_prefixes(data, names).partition(b"\n")[0] + b"\n"


# --- the files ----------------------------------------------------------------------------


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
    yield _xml_head(tuple(job.names.items()))
    for section in a.sections():
        yield a.text(section, "xml")
    yield _XML_END


def _jsonld_file(job: Job) -> Iterator[bytes]:
    """One JSON-LD document carrying its context inline (see `jsonld.dataset_document`)."""
    a = job.assembly
    yield jsonld.document_head(job.names) + b"["
    first = True
    for graph, sections in a.order:
        texts = [t for t in (a.text(s, "json-ld") for s in sections) if t]
        if graph is not None:
            texts = [_jsonld_opener(graph) + b",".join(texts) + b"]}"]
        for text in texts:
            yield (b"" if first else b",") + text
            first = False
    yield b"]}\n"


def _context_file(job: Job) -> str:
    return json.dumps({"@context": job.names}, indent=2, sort_keys=True) + "\n"


def _ontology_xml(job: Job) -> bytes:
    return _serialize(_parse(job.graph(ONTOLOGY_GRAPH)), "xml")


def _entities_file(job: Job) -> bytes:
    a = job.assembly
    for section in a.sections():
        if section.whole and section.pieces[0].graph == _ENTITIES:
            return a.text(section, "registry")
    return _turtle([], job.names).encode("utf-8")


def _void_file(job: Job) -> bytes:
    """The VoID description in rdflib's Turtle, cached by its triples (one per graph, source)."""
    g = void(job.assembly, job.files, job.sources, job.endpoint)
    cache = job.built.cache
    if cache is None:
        return g.serialize(format="turtle", encoding="utf-8")
    triples = sorted(" ".join(term.n3() for term in triple) for triple in g)
    entry = cache.entry("export", key_of(_version(), "void", *triples), ".frag")
    body = entry.read()
    if body is None:
        body = g.serialize(format="turtle", encoding="utf-8")
        entry.write(body)
    return body


_ENTITIES = f"<{ENTITIES_GRAPH}>"


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
            if _RDF_TYPE not in line:
                continue
            s, p, o = line[:-2].split(b" ", 2)
            if b" " + p + b" " != _RDF_TYPE:
                continue
            if piece.graph not in skipped:
                subjects.add(s)
            if o.startswith(b"<"):
                by_class.setdefault(o[1:-1], set()).add(s)
        if piece.graph.startswith(f"<{SOURCE_GRAPHS}"):
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
            entry = data.cache.entry("export", key_of(_version(), "described", *keys), ".json")
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
            if graph == _ENTITIES
            for line in lines
            if _RDF_TYPE in line and line.startswith(b"<")
        }
    )
    for example in registry[:EXAMPLES]:
        g.add((DATASET_IRI, VOID.exampleResource, URIRef(example[1:-1].decode("utf-8"))))
    for cls, members in sorted(found.classes.items()):
        part = URIRef(f"{BASE}void/class/{_slug(cls)}")
        g.add((DATASET_IRI, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(len(members), datatype=XSD.integer)))
    dumps = {e.file: e.dump for e in EXPORTS.values() if e.file in files}
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
    for name in sorted(files):
        if dumps.get(name) == DATASET:
            g.add((DATASET_IRI, VOID.dataDump, URIRef(DUMP + name)))
    return g


def _slug(iri: str) -> str:
    from kg.prefixes import slug

    return slug(str(iri))


def write_outputs(
    built: Built,
    out_dir: Path,
    sources: list[URIRef] | None = None,
    prefixes: dict[str, str] | None = None,
    protected: list[Path] | None = None,
    sparql_endpoint: str | None = None,
) -> list[Path]:
    """Write every export of a build (`EXPORTS`) into `out_dir`, atomically; return the files.

    `out_dir` must be new, empty or made by a build (`kg.outfolder`), and none of the
    `protected` folders (the sources, the cache). The files are assembled from the build's
    parts (see the module's description), never from an rdflib dataset of the whole corpus.
    `sources` (default: the build's) are named in the VoID description, with `sparql_endpoint`
    if known. `prefixes` are those of the Turtle-family files and the JSON-LD context; by
    default the project's and one per source (`Built.prefixes`).
    """
    iris = [s.iri for s in built.sources] if sources is None else sources
    names = dict(sorted(prefixes.items())) if prefixes is not None else built.prefixes()
    files = sorted(e.file for e in EXPORTS.values())
    job = Job(built, names, iris, sparql_endpoint, files)
    writers: Writers = {e.file: functools.partial(e.write, job) for e in EXPORTS.values()}
    return replace_folder(out_dir, writers, "kg build", protected)
