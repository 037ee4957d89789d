"""What a data check needs in the data before it can give a row, read from its SPARQL algebra.

A `*-violation.rq` check counted source by source would run once per source. Most sources
cannot give it a row: a row of `?x a kg:Seizure . OPTIONAL {...}` needs a seizure. `needs`
reads, from the query's algebra (rdflib's parser), triple patterns of which every row needs a
match: one per branch of a UNION, none from an OPTIONAL, MINUS or FILTER. A source in whose
data (with the shared graphs) no such pattern matches has no row, without running the check.
What it cannot read safely (aggregates, VALUES, sub-queries it does not know, property paths
only) gives None: the check then runs on every source, as before.
"""

from __future__ import annotations

import functools
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable

Need = tuple[str | None, str]  # (the graph IRI a GRAPH names, or None: the default graph; pattern)

# algebra nodes whose rows are rows of their part `p` (or fewer): they need what it needs
_THROUGH = {
    "SelectQuery",
    "Project",
    "Distinct",
    "Reduced",
    "OrderBy",
    "Slice",
    "Filter",
    "Extend",
    "ToMultiSet",
}


@functools.cache
def needs(text: str) -> tuple[Need, ...] | None:
    """Patterns of which every row of the SELECT query `text` needs a match (any one of
    them: one per branch of a UNION); None when the query is not read safely."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # not a query rdflib reads: no claim about it
        return None
    found = _needs(algebra, None, 0)
    return tuple(found) if found else None


def _needs(node: Any, graph: str | None, depth: int) -> list[Need] | None:
    name = getattr(node, "name", None)
    if depth > 64 or name is None:
        return None
    if name in _THROUGH:
        return _needs(node.p, graph, depth + 1)
    if name in ("LeftJoin", "Minus"):
        return _needs(node.p1, graph, depth + 1)
    if name == "Join":
        first = _needs(node.p1, graph, depth + 1)
        return first if first is not None else _needs(node.p2, graph, depth + 1)
    if name == "Union":
        left = _needs(node.p1, graph, depth + 1)
        right = _needs(node.p2, graph, depth + 1)
        return None if left is None or right is None else left + right
    if name == "Graph":
        if graph is not None or not isinstance(node.term, URIRef):
            return None  # a variable graph, or a graph inside a graph
        return _needs(node.p, str(node.term), depth + 1)
    if name == "BGP":
        best = _best(node.triples)
        return None if best is None else [(graph, best)]
    return None  # aggregates, VALUES, SERVICE, anything else: no claim


def _best(triples: list[tuple[Any, Any, Any]]) -> str | None:
    """The pattern of a basic graph pattern with the most constants (a predicate that is an
    IRI at least), as SPARQL text."""
    scored = []
    for t in triples:
        if not isinstance(t[1], (URIRef, Variable)):
            continue  # a property path
        written = [_term(x, i) for i, x in enumerate(t)]
        if any(w is None for w in written):
            continue
        constants = sum(not isinstance(x, (Variable, BNode)) for x in t)
        scored.append((-constants, " ".join(w for w in written if w is not None)))
    return min(scored)[1] if scored else None


def _term(t: Any, i: int) -> str | None:
    from kg.terms import to_ox

    if isinstance(t, Variable):
        return f"?{t}"
    if isinstance(t, BNode):
        return f"?_b{i}"  # a blank node of a query is a variable
    if isinstance(t, (URIRef, Literal)):
        try:
            return str(to_ox(t))
        except ValueError:
            return None
    return None
