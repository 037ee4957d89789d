"""The direct layer: simple edges derived from the qualified facts, each traceable to its fact.

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

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS
from rdflib.term import Node

from kg.namespaces import DERIVED, KG
from kg.timeline import HAS_TIME, resolved_times

Edge = tuple[Node, URIRef, Node, Node]  # subject, predicate, object, fact
# an edge with what else its reification says: more facts it comes from, the role it keeps
Qualified = tuple[Node, URIRef, Node, Node, tuple[Node, ...], Node | None]

# class, subject property, derived predicate, object property: one edge per pair of values.
_PAIRS: list[tuple[URIRef, URIRef, URIRef, URIRef]] = [
    (KG.RoleHolding, KG.holder, KG.holdsRole, KG.role),
    (KG.RoleHolding, KG.holder, KG.affiliatedWith, KG.roleIn),
    (KG.Membership, KG.member, ORG.memberOf, KG.organization),
    (KG.Affiliation, KG.affiliate, KG.affiliatedWith, KG.affiliatedTo),
    (KG.SubOrganization, KG.affiliate, KG.affiliatedWith, KG.affiliatedTo),
    (KG.SubOrganization, KG.affiliate, ORG.subOrganizationOf, KG.affiliatedTo),
    (KG.Location, KG.locatedPlace, KG.locatedIn, KG.containingPlace),
    (KG.TerritorialClaim, KG.claimant, KG.claims, KG.claimedPlace),
    (KG.Statement, KG.speaker, KG.statedAbout, KG.target),
    (KG.Statement, KG.speaker, KG.statedTo, KG.addressee),
]

# class, property with two values, symmetric derived predicate.
_SYMMETRIC: list[tuple[URIRef, URIRef, URIRef]] = [
    (KG.Alliance, KG.ally, KG.alliedWith),
    (KG.Counterpart, KG.counterpart, KG.counterpartOf),
]


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

    for cls, sprop, pred, oprop in _PAIRS:
        for fact in facts.subjects(RDF.type, cls):
            for s in facts.objects(fact, sprop):
                for o in facts.objects(fact, oprop):
                    yield s, pred, o, fact, more((fact, sprop, s), (fact, oprop, o)), None
    for cls, prop, pred in _SYMMETRIC:
        for fact in facts.subjects(RDF.type, cls):
            values = sorted(facts.objects(fact, prop), key=str)
            for a in values:
                for b in values:
                    if a != b:
                        yield a, pred, b, fact, more((fact, prop, a), (fact, prop, b)), None
    for fact in facts.subjects(RDF.type, KG.ClaimContest):
        for contester in facts.objects(fact, KG.contester):
            for claim in facts.objects(fact, KG.contestedClaim):
                yield contester, KG.contests, claim, fact, (), None
                for claimant in facts.objects(claim, KG.claimant):
                    yield contester, KG.contestsClaimOf, claimant, fact, (), None
    for event, participation in facts.subject_objects(KG.participation):
        if (event, KG.status, KG.Requested) in facts:
            continue  # asked for, not done: nobody took part in it
        role = facts.value(participation, KG.participantRole)
        for agent in facts.objects(participation, KG.participant):
            why = more((event, KG.participation, participation))
            yield agent, KG.participatedIn, event, event, why, role
    for when, prop, value, fact in resolved_times(facts):
        yield when, prop, value, fact, (), None  # inferred: only against the source's dct:issued


# what the edges read: the facts' own properties, and the nodes a fact links to whose
# properties are read too (a contested claim's claimant, a participation's participant)
_READ: set[Node] = {KG.contester, KG.contestedClaim, KG.claimant, KG.participation, KG.status}
_READ.update((RDF.subject, RDF.predicate, RDF.object, KG.participantRole, HAS_TIME))
_READ.update(p for _c, sprop, _p, oprop in _PAIRS for p in (sprop, oprop))
_READ.update(prop for _c, prop, _p in _SYMMETRIC)
_READ.add(KG.participant)
_CLASSES: set[Node] = {c for c, *_rest in _PAIRS} | {c for c, *_r in _SYMMETRIC}
_CLASSES.update((KG.ClaimContest, KG.Inference))
_LINKS = (KG.contestedClaim, KG.participation)


def joins(facts: Graph) -> tuple[set[Node], set[Node]]:
    """Return the nodes whose properties the edges read (subjects) and the nodes facts link to.

    Deriving from the union of sources gives the union of each source's own edges as long as
    no node of one source's subjects or links is a subject in another source too.
    """
    subjects: set[Node] = set()
    for s, p, o in facts:
        if p in _READ or (p == RDF.type and o in _CLASSES):
            subjects.add(s)
    links = {o for p in _LINKS for o in facts.objects(None, p)}
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
