"""RDF terms between rdflib and pyoxigraph, for every stage that uses both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)
# xsd:integer and the types derived from it (XML Schema 1.1, part 2, 3.4.13 onwards)
XSD_INTEGERS: frozenset[URIRef] = frozenset(
    XSD[name]
    for name in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)


def to_ox(term: Node) -> Any:
    """Convert an rdflib IRI, blank node or literal to a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: Any) -> Node:
    """Convert a pyoxigraph term to an rdflib term (xsd:string literals become plain)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def cached_to_ox() -> Callable[[Node], Any]:
    """Return `to_ox` with a cache: data repeats its terms a lot."""
    memo: dict[Node, Any] = {}

    def convert(term: Node) -> Any:
        found = memo.get(term)
        if found is None:
            found = memo[term] = to_ox(term)
        return found

    return convert
