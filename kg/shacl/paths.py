"""SHACL property paths: as SPARQL property paths (for the queries) and as report text."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from kg.shacl.terms import Uncompilable, iri

_REPEATS = ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


def sparql_path(g: Graph, path: Node, depth: int = 0) -> str:
    """Write a SHACL path as a SPARQL 1.1 property path (`<a>|^<b>`, `<a>/<b>`, `(<a>)*`)."""
    if depth > 32:
        raise Uncompilable("a property path nested more than 32 deep")
    if isinstance(path, URIRef):
        return iri(path)
    if not isinstance(path, BNode):
        raise Uncompilable(f"a property path that is not an IRI or a blank node: {path!r}")
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return f"^({sparql_path(g, inverse, depth + 1)})"
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        items = list(Collection(g, alternatives))
        if not items:
            raise Uncompilable("an empty sh:alternativePath")
        return "(" + "|".join(sparql_path(g, p, depth + 1) for p in items) + ")"
    if (path, RDF.first, None) in g:
        items = list(Collection(g, path))
        return "(" + "/".join(sparql_path(g, p, depth + 1) for p in items) + ")"
    for kind, mark in _REPEATS:
        inner = g.value(path, kind)
        if inner is not None:
            return f"({sparql_path(g, inner, depth + 1)}){mark}"
    raise Uncompilable("a property path of an unknown kind")


def may_be_empty(g: Graph, path: Node, depth: int = 0) -> bool:
    """Whether a path has a part that can be of length zero (`*`, `?`): then it reaches the
    focus node itself, and its queries start from the focus nodes."""
    if depth > 32 or not isinstance(path, BNode):
        return False
    if any((path, kind, None) in g for kind in (SH.zeroOrMorePath, SH.zeroOrOnePath)):
        return True
    inner = [g.value(path, SH.inversePath), g.value(path, SH.oneOrMorePath)]
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        inner += list(Collection(g, alternatives))
    if (path, RDF.first, None) in g:
        inner += list(Collection(g, path))
    return any(may_be_empty(g, p, depth + 1) for p in inner if p is not None)


def path_text(g: Graph, path: Node, nm: NamespaceManager) -> str:
    """Write a SHACL property path as in SPARQL with prefixes (`a|^b`, `a/b`), the same in every
    run (a blank node's label would not be)."""
    if isinstance(path, URIRef):
        return path.n3(nm)
    if not isinstance(path, BNode):
        return ""
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(g, inverse, nm)
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(path_text(g, p, nm) for p in Collection(g, alternatives))
    if (path, RDF.first, None) in g:
        return "/".join(path_text(g, p, nm) for p in Collection(g, path))
    for kind, mark in _REPEATS:
        inner = g.value(path, kind)
        if inner is not None:
            return f"({path_text(g, inner, nm)}){mark}"
    return "path"
