"""Canonical N-Triples lines, the unit every export is assembled from, and pyoxigraph's writing
of them in each format with only the prefixes they use."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF

from kg import formats
from kg.namespaces import FACT, PREFIXES
from kg.terms import from_ox, to_ox

RDF_TYPE_LINE = f" <{RDF.type}> ".encode()


XML_END = b"</rdf:RDF>"


def to_lines(data: bytes) -> list[bytes]:
    """Split canonical N-Triples into its lines ("s p o ."), without line ends."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def ntriples_lines(triples: Iterable[Any]) -> list[bytes]:
    import pyoxigraph as ox

    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return to_lines(data)


def graph_key(graph_name: Any) -> str:
    """Return the sort key of a graph name: its N-Quads form, "DEFAULT" for the default graph."""
    return str(graph_name)


def parse_lines(lines: list[bytes]) -> Any:
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
    for i, q in zip(candidates, parse_lines([lines[i] for i in candidates]), strict=True):
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
            blank.add(i)
    if not blank:
        return lines
    kept = [line for i, line in enumerate(lines) if i not in blank]
    relabelled = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in to_canonical_graph(g))
    return kept + ntriples_lines(relabelled)


def sorted_lines(lines: Iterable[bytes]) -> list[bytes]:
    """Return distinct N-Triples lines sorted, which is the order of (subject, predicate, object).

    Sorting lines as bytes gives the order of the terms in N-Triples form: IRIs end with ">",
    and a space sorts before any character that can follow a term.
    """
    return sorted(set(lines))


def serialize(items: Any, fmt: str, names: dict[str, str] | None = None) -> bytes:
    """Serialize pyoxigraph quads or triples, in their order, with the given prefixes."""
    import pyoxigraph as ox

    rdf_format = formats.RDF[fmt]
    plain = fmt in ("nt", "nquads", "json-ld")
    prefixes = None if plain else (names if names is not None else dict(sorted(PREFIXES.items())))
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


FACT_SEGMENT = re.compile(b"<" + re.escape(str(FACT).encode()) + b"([^/>]*)/")


def fact_segment(ns: str) -> str | None:
    """Return the source slug a fact prefix's namespace is under (`FACT<slug>/...`), if any."""
    rest = ns.removeprefix(str(FACT))
    return rest.split("/", 1)[0] if rest != ns and "/" in rest else None


def turtle_of(triples: Iterable[Any], names: dict[str, str]) -> str:
    """Write a small graph of pyoxigraph triples as rdflib's Turtle (sorted, prefixed)."""
    g = Graph()
    for prefix, ns in names.items():
        g.bind(prefix, ns, override=True, replace=True)
    for t in triples:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g.serialize(format="turtle")
