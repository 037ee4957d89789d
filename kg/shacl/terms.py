"""Constants of shapes written into SPARQL text safely: pyoxigraph writes each term."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.terms import to_ox


class Uncompilable(Exception):
    """A shape uses something the compiler does not turn into SPARQL (pySHACL validates it)."""


def iri(node: Node) -> str:
    """Write an IRI of a shape as SPARQL text (N-Triples form, escaped by pyoxigraph)."""
    if not isinstance(node, URIRef):
        raise Uncompilable(f"expected an IRI, found {node!r}")
    try:
        return str(to_ox(node))
    except ValueError as exc:
        raise Uncompilable(f"an IRI that is not valid: {node!r}") from exc


def term(node: Node) -> str:
    """Write an IRI or a literal of a shape as SPARQL text (N-Triples form)."""
    if isinstance(node, Literal):
        return str(to_ox(node))
    return iri(node)


def string(text: str) -> str:
    """Write a plain string as a SPARQL literal."""
    return str(to_ox(Literal(text)))
