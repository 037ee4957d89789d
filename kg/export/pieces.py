"""Pieces: the build's parts as sorted canonical lines, and sections of them written in each
format, cached by content.

Each part (`kg.build.Built`: the ontology, the registry, each source's facts and direct edges)
is turned once into sorted canonical N-Triples lines and written once per format by
pyoxigraph, with only the prefixes it can use; those pieces are kept in the verified cache
(`kg.cache`, kind `export`) under the key of their content, so a rebuild after one edit writes
only that source's pieces again. The graphs come in the order of their names, a graph's parts
in the build's order, each part's triples sorted; a triple that an earlier part already holds
is left out (in its graph for the quad formats, anywhere for the triple formats). `Assembly`
hands the sections to the files (`kg.export.files`)."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.build import Built, Part, Unit
from kg.cache import Cache, all_of, key_of
from kg.export.lines import (
    FACT_SEGMENT,
    XML_END,
    canonical_blank_nodes,
    fact_segment,
    ntriples_lines,
    parse_lines,
    serialize,
    sorted_lines,
    to_lines,
    turtle_of,
)
from kg.namespaces import DERIVED_GRAPH, ENTITIES_GRAPH
from kg.progress import progress
from kg.terms import cached_to_ox

REGISTRY = f"<{ENTITIES_GRAPH}>"  # the registry graph as pieces name graphs (N-Quads form)


@functools.cache
def version() -> str:
    """The key of what a piece's text depends on besides its lines: this code and the writers."""
    import pyoxigraph
    import rdflib

    here = Path(__file__).resolve().parent  # kg/export/, every module of it
    files = [*sorted(here.glob("*.py")), *(here.parent / n for n in ("terms.py", "jsonld.py"))]
    code = [path.read_bytes() for path in files]
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
    return sorted_lines(canonical_blank_nodes(ntriples_lines(triples)))


def _segments(lines: list[bytes]) -> tuple[str, ...]:
    found = set(FACT_SEGMENT.findall(b"\n".join(lines)))
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
    key = key_of(version(), "lines", *(unit.digest for unit in group))
    entry = cache.entry("export", key, ".nt") if cache is not None else None
    body = entry.read(_group_check(len(group))) if entry is not None else None
    found: list[tuple[list[bytes], tuple[str, ...]]] = []
    if body is not None:
        head, _sep, rest = body.partition(b"\n")
        lines = to_lines(rest)
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
    return parse_lines([line for _graph, lines in kept for line in lines])


def _quads(kept: Kept) -> Any:
    return parse_lines([line for graph, lines in kept for line in _in_graph(lines, graph)])


def _turtle_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in Turtle: its subjects, without the prefix lines."""
    return _after_prefixes(serialize(_triples(kept), "turtle", names), names)


def _trig_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in TriG: its graphs' blocks, or (pieces of one graph) the inside of a block."""
    body = _after_prefixes(serialize(_quads(kept), "trig", names), names)
    if whole:
        return body
    _opener, _sep, inside = body.partition(b"\n")
    assert inside.endswith(b"}\n"), body[:200]
    return inside[:-2]


@functools.lru_cache(maxsize=64)
def xml_head(names: tuple[tuple[str, str], ...]) -> bytes:
    """The start of an RDF/XML file with these prefixes (the root element, open)."""
    data = serialize([], "xml", dict(names))
    assert data.endswith(XML_END), data
    return data[: -len(XML_END)]


def _xml_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in RDF/XML: its `rdf:Description` elements."""
    data = serialize(_triples(kept), "xml", names)
    head = xml_head(tuple(names.items()))
    assert data.startswith(head) and data.endswith(XML_END), data[:200]
    return data[len(head) : -len(XML_END)]


def _graph_term(graph: str) -> Any:
    import pyoxigraph as ox

    return next(ox.parse(f"<urn:x> <urn:x> <urn:x> {graph} .\n", format=ox.RdfFormat.N_QUADS))


def jsonld_opener(graph: str) -> bytes:
    """The start of a named graph's object in pyoxigraph's expanded JSON-LD, up to its nodes."""
    data = serialize([_graph_term(graph)], "json-ld")
    mark = b'","@graph":['
    assert data.startswith(b'[{"@id":"'), data
    return data[1 : data.index(mark) + len(mark)]


def _jsonld_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """A section in JSON-LD: its graphs' objects, or (pieces of one graph) its node objects."""
    data = serialize(_quads(kept), "json-ld")
    if whole:
        assert data.startswith(b"[") and data.endswith(b"]"), data[:200]
        return data[1:-1]
    opener = jsonld_opener(kept[0][0])
    assert data.startswith(b"[" + opener) and data.endswith(b"]}]"), data[:200]
    return data[len(opener) + 1 : -3]


def _registry_text(kept: Kept, names: dict[str, str], whole: bool) -> bytes:
    """The registry in rdflib's Turtle (sorted, with the prefixes it uses)."""
    return turtle_of(_triples(kept), names).encode("utf-8")


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
            segment = fact_segment(ns)
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
            parts = (version(), fmt, str(section.whole), json.dumps(names), *keys)
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
        data = serialize([ox.Triple(node, node, node)], fmt, self.names)
        body = _after_prefixes(data, self.names)
        return data[: len(data) - len(body)]

    def trig_opener(self, graph: str) -> bytes:
        """The line that opens a graph's block in TriG (its name, prefixed if it can be)."""
        names = self.names_for(_segments([graph.encode("utf-8")]))
        data = serialize([_graph_term(graph)], "trig", names)
        return _after_prefixes(data, names).partition(b"\n")[0] + b"\n"
