"""The direct layer: simple edges derived from the qualified facts, each traceable to its fact.

Which edges a fact class implies is said by its shape (`kgsh:derivedEdge` on a property shape,
read through `kg.shapes`): an edge from each value of the fact's principal property to each
value of that property; the participations of events give `kg:participatedIn` for every event.

Every derived triple is also reified (`rdf:Statement`) with `prov:wasDerivedFrom` the fact node
it came from, so that a simple edge leads back to the quote that states it. An edge read from a
triple the facts record as inferred (`kg:Inference`) is also derived from that record, and a
`kg:participatedIn` edge keeps the role of its participation (`kg:inRole`). Relative times are
resolved here against the source's publication date (`kg.timeline`), since they are inferred.

The derived graph also holds the `rdf:type` triples the class hierarchy entails (RDFS rule
rdfs9: `?x a C` and `C rdfs:subClassOf D` give `?x a D`), so that `?e a kg:Event` lists every
event on any store, with no reasoner and no property path. They are not reified: each follows
from a type its source states and the ontology's `rdfs:subClassOf`, both in the dataset. A
type asserted in a source (or registry) graph is never repeated here, so the graph a type is
in tells an asserted type from an entailed one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from kg.namespaces import DERIVED, KG
from kg.timeline import HAS_TIME, resolved_times

Edge = tuple[Node, URIRef, Node, Node]  # subject, predicate, object, fact
# an edge with what else its reification says: more facts it comes from, the role it keeps
Qualified = tuple[Node, URIRef, Node, Node, tuple[Node, ...], Node | None]


@dataclass(frozen=True)
class Rule:
    """One direct edge a fact class implies: from each value of its principal property to each
    value of another (a property shape with `kgsh:derivedEdge`, `kg.shapes`); between each two
    different values when both are the same property (a symmetric edge)."""

    cls: URIRef  # facts typed with this class
    subject: tuple[URIRef, ...]  # the path from the fact to the edge's subject
    predicate: URIRef
    object: tuple[URIRef, ...]  # the path from the fact to the edge's object


def rules() -> tuple[Rule, ...]:
    """Return the direct edges the fact classes' shapes declare, one rule per class and edge."""
    from kg import shapes

    table = shapes.fact_classes()
    if _RULES and _RULES[0] is table:  # read once per table (the shapes are read once)
        return _RULES[1]
    found: list[Rule] = []
    for cls in table.values():
        for principal in cls.principal:
            for f in cls.fields:
                for edge in f.edges:
                    found.append(
                        Rule(
                            URIRef(cls.iri),
                            tuple(URIRef(shapes.expand(s)) for s in principal.steps),
                            URIRef(shapes.expand(edge)),
                            tuple(URIRef(shapes.expand(s)) for s in f.steps),
                        )
                    )
    _RULES[:] = [table, tuple(found)]
    return _RULES[1]


_RULES: list[Any] = []  # the table the rules were made from, and the rules


def _walk(facts: Graph, start: Node, path: tuple[URIRef, ...]) -> list[tuple[Node, list[Node]]]:
    """Return the values at the end of a path, each with the nodes it passed through."""
    ends: list[tuple[Node, list[Node]]] = [(start, [start])]
    for step in path:
        ends = [(v, [*via, v]) for n, via in ends for v in facts.objects(n, step)]
    return ends


def edges(facts: Graph) -> Iterator[Edge]:
    """Yield every direct edge the qualified facts imply, with the fact it comes from."""
    for s, p, o, fact, _more, _role in qualified_edges(facts):
        yield s, p, o, fact


def _inferred(facts: Graph) -> dict[tuple[Node, Node, Node], list[Node]]:
    """Map each triple the facts record as inferred to its kg:Inference records."""
    found: dict[tuple[Node, Node, Node], list[Node]] = {}
    for record in facts.subjects(RDF.type, KG.Inference):
        s = facts.value(record, RDF.subject)
        p = facts.value(record, RDF.predicate)
        o = facts.value(record, RDF.object)
        if s is not None and p is not None and o is not None:
            found.setdefault((s, p, o), []).append(record)
    return {k: sorted(v, key=str) for k, v in found.items()}


def qualified_edges(facts: Graph) -> Iterator[Qualified]:
    """Yield every direct edge with its fact, the inference records it rests on and its role."""
    inferred = _inferred(facts)

    def more(*triples: tuple[Node, Node, Node]) -> tuple[Node, ...]:
        return tuple(r for t in triples for r in inferred.get(t, []))

    def read(path: tuple[URIRef, ...], via: list[Node]) -> list[tuple[Node, Node, Node]]:
        return [(via[i], path[i], via[i + 1]) for i in range(len(path))]

    for rule in rules():
        for fact in facts.subjects(RDF.type, rule.cls):
            subjects = _walk(facts, fact, rule.subject)
            if rule.subject == rule.object:  # symmetric: each two different values
                values = sorted(subjects, key=lambda v: str(v[0]))
                for a, via_a in values:
                    for b, via_b in values:
                        if a != b:
                            why = more(*read(rule.subject, via_a), *read(rule.object, via_b))
                            yield a, rule.predicate, b, fact, why, None
                continue
            for s, via_s in subjects:
                for o, via_o in _walk(facts, fact, rule.object):
                    why = more(*read(rule.subject, via_s), *read(rule.object, via_o))
                    yield s, rule.predicate, o, fact, why, None
    for event, participation in facts.subject_objects(KG.participation):
        if (event, KG.status, KG.Requested) in facts:
            continue  # asked for, not done: nobody took part in it
        role = facts.value(participation, KG.participantRole)
        for agent in facts.objects(participation, KG.participant):
            why = more((event, KG.participation, participation))
            yield agent, KG.participatedIn, event, event, why, role
    for when, prop, value, fact in resolved_times(facts):
        yield when, prop, value, fact, (), None  # inferred: only against the source's dct:issued


def _reads() -> tuple[frozenset[Node], frozenset[Node], tuple[URIRef, ...]]:
    """What the edges read: the facts' own properties (and those of the nodes a fact links to
    whose properties are read too: a contested claim's claimant, a participation's participant),
    the classes of the facts read, and the properties that link to such nodes."""
    made = rules()
    if _READS and _READS[0] is made:
        return _READS[1]
    read: set[Node] = {KG.participation, KG.status, KG.participantRole, KG.participant, HAS_TIME}
    read.update((RDF.subject, RDF.predicate, RDF.object))
    classes: set[Node] = {KG.Inference}
    links: list[URIRef] = []
    for rule in made:
        read.update((*rule.subject, *rule.object))
        classes.add(rule.cls)
        links += [path[0] for path in (rule.subject, rule.object) if len(path) > 1]
    links.append(KG.participation)
    _READS[:] = [made, (frozenset(read), frozenset(classes), tuple(dict.fromkeys(links)))]
    return _READS[1]


_READS: list[Any] = []  # the rules they were read from, and what the edges read


def joins(facts: Graph) -> tuple[set[Node], set[Node]]:
    """Return the nodes whose properties the edges read (subjects) and the nodes facts link to.

    Deriving from the union of sources gives the union of each source's own edges as long as
    no node of one source's subjects or links is a subject in another source too.
    """
    read, classes, linking = _reads()
    subjects: set[Node] = set()
    for s, p, o in facts:
        if p in read or (p == RDF.type and o in classes):
            subjects.add(s)
    links = {o for p in linking for o in facts.objects(None, p)}
    return subjects, links


Supers = dict[Node, tuple[Node, ...]]  # class -> its superclasses (transitive, not itself)


def superclasses(ontology: Graph) -> Supers:
    """Map each class with a superclass to all its superclasses (`rdfs:subClassOf`, transitive)."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        direct.setdefault(sub, set()).add(sup)
    found: Supers = {}
    for cls in direct:
        seen: set[Node] = set()
        todo = list(direct[cls])
        while todo:
            sup = todo.pop()
            if sup not in seen:
                seen.add(sup)
                todo.extend(direct.get(sup, ()))
        seen.discard(cls)
        if seen:
            found[cls] = tuple(sorted(seen, key=str))
    return found


def entailed_types(graph: Graph, supers: Supers) -> Iterator[tuple[Node, URIRef, Node]]:
    """Yield the `rdf:type` triples rdfs9 entails from `graph`'s own types, less those it states."""
    for node, cls in graph.subject_objects(RDF.type):
        for sup in supers.get(cls, ()):
            if (node, RDF.type, sup) not in graph:
                yield node, RDF.type, sup


def derive(facts: Graph, out: Graph, supers: Supers | None = None) -> int:
    """Write the direct edges of `facts` and their reifications into `out`; return the count.

    `supers` (see `superclasses`): also write the types the class hierarchy entails.
    """
    count = 0
    if supers:
        out.addN((s, p, o, out) for s, p, o in entailed_types(facts, supers))
    for s, p, o, fact, rest, role in qualified_edges(facts):
        out.add((s, p, o))
        parts = (s, p, o, fact) if role is None else (s, p, o, fact, role)
        key = "\x1f".join(str(t) for t in parts).encode("utf-8")
        node = DERIVED[hashlib.sha256(key).hexdigest()[:20]]
        out.add((node, RDF.type, RDF.Statement))
        out.add((node, RDF.subject, s))
        out.add((node, RDF.predicate, p))
        out.add((node, RDF.object, o))
        out.add((node, PROV.wasDerivedFrom, fact))
        for record in rest:
            out.add((node, PROV.wasDerivedFrom, record))
        if role is not None:
            out.add((node, KG.inRole, role))
        count += 1
    return count
