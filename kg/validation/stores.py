"""pyoxigraph stores for validation: an rdflib graph copied in, N-Triples loaded with their blank
node labels kept, and the graph that stands for one source's direct edges."""

from __future__ import annotations

from typing import Any

from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.terms import cached_to_ox


def to_oxigraph(data: Graph) -> Any:
    """Copy a dataset (graphs kept) or a graph (into the default graph) into a pyoxigraph store."""
    import pyoxigraph as ox  # imported only when validating

    term = cached_to_ox()

    store = ox.Store()
    if isinstance(data, Dataset):
        quads = (
            ox.Quad(term(s), term(p), term(o), ox.DefaultGraph() if g is None else term(_name(g)))
            for s, p, o, g in data.quads((None, None, None, None))
        )
    else:
        quads = (ox.Quad(term(s), term(p), term(o)) for s, p, o in data)
    store.extend(quads)
    return store


def _name(g: Graph | Node) -> Node:
    return g.identifier if isinstance(g, Graph) else g


def load_nt(store: Any, body: bytes, graph: Any) -> None:
    """Load N-Triples into a graph of a store, blank nodes keeping their labels (pyoxigraph's
    `load` renames them: then a verdict on a blank node would name it differently each run)."""
    import pyoxigraph as ox

    if b"_:" not in body:
        store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        return
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


DERIVED_OF = "urn:x-scs-kg-validate-derived-of-source:"  # a graph per source's direct edges
