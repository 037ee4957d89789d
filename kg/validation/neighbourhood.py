"""What a node's verdict depends on, and whether each source's share of the graph is on its own.

The shapes only look one step from a focus node (`shape_reach`): its own values on plain or
inverse paths (and alternatives of those), and the values' types (sh:class, through the
ontology's rdfs:subClassOf). So a node's verdict depends only on the triples with it as subject
(for the predicates the shapes use), the triples with it as object (for inverse paths and
sh:targetObjectsOf), and the types of its values; shapes that look further (sh:node, sequence or
repeated paths, SPARQL, sh:closed) run on the whole graph.

A source's share of the dataset (its graph and the edges derived from it alone) is "on its own"
when no node of that neighbourhood is described anywhere else but in the shared graphs: no other
source has a triple with one of its nodes as subject (for the predicates the shapes read) or as
object (inverse paths), and the shared graphs mention none of its described nodes. Each source
keeps, with its verdicts, the nodes of its neighbourhood outside its own namespace (`fact:SLUG/`,
`src:SLUG`; its summary: `neighbourhood`, `summary_nt`), which is all `on_their_own` needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kg.namespaces import FACT, SRC, owner
from kg.terms import from_ox

_DEEP = {
    SH.node,
    SH.rule,  # SHACL rules and SPARQL-based constraint components read anything
    SH.parameter,
    SH.select,
    SH.ask,
    SH.sparql,
    SH.closed,
    SH.target,
    SH.targetNode,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
    SH.qualifiedValueShapesDisjoint,
}


_PAIRS = (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint)


def shape_reach(shapes: Graph) -> tuple[set[Node], set[Node]] | None:
    """Return the predicates the shapes follow forward and backward, or None if they reach
    further than one step from a focus node."""
    from rdflib.collection import Collection

    if any(p in _DEEP for p in shapes.predicates()):
        return None
    forward: set[Node] = {RDF.type}
    inverse: set[Node] = set()

    def path(node: Node) -> bool:
        if isinstance(node, URIRef):
            forward.add(node)
            return True
        inv = shapes.value(node, SH.inversePath)
        if isinstance(inv, URIRef):
            inverse.add(inv)
            return True
        alt = shapes.value(node, SH.alternativePath)
        if alt is not None:
            return all(path(item) for item in Collection(shapes, alt))
        return False  # a sequence path or anything else: more than one step

    off = Literal(True)
    for prop, node in shapes.subject_objects(SH.path):
        holders = [prop, *shapes.subjects(SH.property, prop)]
        if any((h, SH.deactivated, off) in shapes for h in holders):
            continue  # a deactivated shape validates nothing (it only describes, `kg.shapes`)
        if not path(node):
            return None
    for shape in shapes.objects(None, SH.property):
        if (shape, SH.property, None) in shapes:
            return None  # a property shape with its own property shapes: two steps
    for value_shape in shapes.objects(None, SH.qualifiedValueShape):
        if (value_shape, SH.path, None) in shapes or (value_shape, SH.property, None) in shapes:
            return None
    for pair in _PAIRS:
        forward.update(shapes.objects(None, pair))
    forward.update(shapes.objects(None, SH.targetSubjectsOf))
    inverse.update(shapes.objects(None, SH.targetObjectsOf))
    return forward, inverse


def term_key(t: Node) -> str:
    if isinstance(t, Literal):
        return t.n3()
    return ("_:" if isinstance(t, BNode) else "<") + str(t)


def neighbourhood(
    slug: str,
    g: list[tuple[Node, Node, Node]],
    forward: set[Node],
    inverse: set[Node],
    targets_of: set[Node],
) -> tuple[set[Node], dict[str, Any]]:
    """Return the nodes a source owns and its summary: described (k) and read (r) nodes outside
    its own namespace, and whether it has subclass triples."""
    owned: set[Node] = set()
    described: set[Node] = set()
    read: set[Node] = set()
    subclass = False
    for s, p, o in g:
        owned.add(s)
        if p in targets_of:
            owned.add(o)
        if p in forward:
            described.add(s)
            if not isinstance(o, Literal):
                read.add(o)
        if p in inverse:
            described.add(o)
            read.add(s)
        if p == RDFS.subClassOf:
            subclass = True
    read |= owned

    def foreign(nodes: set[Node]) -> list[str]:
        keys = (term_key(n) for n in nodes)
        return sorted(k for k in keys if k.startswith("_:") or owner(k[1:]) != slug)

    return owned, {"k": foreign(described), "r": foreign(read), "subclass": subclass}


def on_their_own(slugs: list[str], summaries: list[dict[str, Any]], shared: Graph) -> bool:
    """Whether every source's neighbourhood is its own (see above)."""
    known = set(slugs)
    described: dict[str, set[str]] = {}
    for slug, summary in zip(slugs, summaries, strict=True):
        if summary["subclass"]:
            return False
        for node in [*summary["k"], *summary["r"]]:
            home = owner(node[1:]) if node.startswith("<") else None
            if home in known and home != slug:
                return False  # it reads or describes another source's node
        for node in summary["k"]:
            described.setdefault(node, set()).add(slug)
    for slug, summary in zip(slugs, summaries, strict=True):
        for node in summary["r"]:
            if described.get(node, {slug}) - {slug}:
                return False
    for t in {t for triple in shared for t in triple if not isinstance(t, Literal)}:
        node = term_key(t)
        if node in described or (isinstance(t, URIRef) and owner(str(t)) in known):
            return False
    return True


def owners_of(
    store: Any, targets_of: set[Node], unit_of: dict[str, int]
) -> Callable[[Any], list[int]]:
    """A function giving the sources that own a focus node (`neighbourhood`): those with a
    triple of which it is the subject, or the object of a `sh:targetObjectsOf` predicate, in
    their graphs of `store` (`unit_of`: each graph's source)."""
    import pyoxigraph as ox

    query = "SELECT DISTINCT ?g ?f WHERE { { GRAPH ?g { ?f ?_p ?_o } }"
    if targets_of:
        predicates = " ".join(f"<{p}>" for p in sorted(targets_of, key=str))
        query += f" UNION {{ VALUES ?_t {{ {predicates} }} GRAPH ?g {{ ?_s ?_t ?f }} }}"
    query += " }"
    found: dict[Any, list[int]] = {}

    def owners(focus: Any) -> list[int]:
        if focus not in found:
            rows = store.query(query, substitutions={ox.Variable("f"): focus})
            assert isinstance(rows, ox.QuerySolutions)
            units = {unit_of.get(str(row["g"])) for row in rows}
            found[focus] = sorted(i for i in units if i is not None)
        return found[focus]

    return owners


def summary_nt(
    slug: str,
    bodies: tuple[bytes, ...],
    forward: set[bytes],
    inverse: set[bytes],
    targets_of: set[bytes],
) -> dict[str, Any]:
    """`neighbourhood`'s summary of a source read from N-Triples text (one triple a line, as
    rdflib writes): the same as it gives from rdflib terms."""
    sub = f"<{RDFS.subClassOf}>".encode()
    # a node in the source's own namespace is never foreign (`owner`): skipped as bytes
    own = (f"<{FACT}{slug}/".encode(), f"<{SRC}{slug}#".encode())
    owned: set[bytes] = set()
    described: set[bytes] = set()
    read: set[bytes] = set()
    literals: list[bytes] = []  # inverse-path objects that are literals
    subclass = False
    for body in bodies:
        for s, p, o in _TRIPLE.findall(body):
            owned.add(s)
            if p in targets_of:
                owned.add(o)
            if p in forward:
                described.add(s)
                if not o.startswith(b'"'):
                    read.add(o)
            if p in inverse:
                if o.startswith(b'"'):
                    literals.append(o)
                else:
                    described.add(o)
                read.add(s)
            if p == sub:
                subclass = True
    read |= owned

    def key(t: bytes) -> str:
        text = t.decode("utf-8")
        if text.startswith("<"):
            return text[:-1]  # `<iri` as `term_key` writes it
        if text.startswith("_:"):
            return text
        return literal_key(t)

    def foreign(nodes: set[bytes], extra: list[str] | None = None) -> list[str]:
        keys = [key(n) for n in nodes if not n.startswith(own)] + (extra or [])
        return sorted({k for k in keys if k.startswith("_:") or owner(k[1:]) != slug})

    described_literals = [literal_key(o) for o in literals]
    return {
        "k": foreign(described, described_literals),
        "r": foreign(read),
        "subclass": subclass,
    }


# an N-Triples line as rdflib writes it: subject, predicate, object (no comment lines)
_TRIPLE = re.compile(rb"^([^#\s]\S*) (\S+) (.*) \.$", re.M)


def _ox_literal(text: bytes) -> Any:
    """A literal written in N-Triples, as a pyoxigraph term."""
    import pyoxigraph as ox

    triple = next(iter(ox.parse(b"<a:s> <a:p> " + text + b" .\n", format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


def literal_key(text: bytes) -> str:
    """`term_key` of a literal written in N-Triples (rdflib's n3)."""
    return from_ox(_ox_literal(text)).n3()
