"""Compare two builds and list the added, removed and changed facts, readably.

A build is an output folder (`scs-kg.nq`), a sources folder (built in memory) or a git commit
(its `sources/` and `ontology/` read with `git archive`, built in memory; the repository is not
changed), as `kg.graph.locate` loads it. Facts are shown with their labels, their entities'
labels and their quotes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Node

from kg.namespaces import (
    DERIVED_GRAPH,
    ENT,
    ENTITIES_GRAPH,
    FACT,
    KG,
    NIF,
    PREFIXES,
    graph_source,
)
from kg.prefixes import curie

if TYPE_CHECKING:
    from kg.build import Built

# What a fact description leaves out: provenance the build adds, and how it is typed.
_HIDDEN = {KG.evidence, PROV.hadPrimarySource, RDF.type}


@dataclass
class Change:
    """One fact (or edge, or entity) added, removed or changed, described in readable lines."""

    sign: str
    kind: str
    name: str
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Return the change as a header line and indented description lines."""
        return "\n".join(
            [f"{self.sign} {self.kind} {self.name}", *(f"    {x}" for x in self.lines)]
        )


@dataclass
class Diff:
    """The changes between two builds."""

    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str, sign: str) -> int:
        """Return how many changes of a kind and sign there are."""
        return sum(1 for c in self.changes if c.kind == kind and c.sign == sign)

    def summary(self) -> str:
        """Return one line counting the changes."""
        parts = []
        for kind, plural in (
            ("source", "sources"),
            ("fact", "facts"),
            ("edge", "edges"),
            ("entity", "entities"),
        ):
            counts = [f"{s}{self.count(kind, s)}" for s in ("+", "-", "~")]
            parts.append(f"{plural} {' '.join(counts)}")
        return "; ".join(parts)

    def text(self) -> str:
        """Return the whole diff: the summary, then every change."""
        return "\n".join([self.summary(), *(c.text() for c in self.changes)]) + "\n"


class Labels:
    """Names of nodes in one build: labels from any graph, or a short prefixed name."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.labels: dict[Node, str] = {}
        for s, o in _objects(ds, RDFS.label):
            if isinstance(o, Literal) and (s not in self.labels or o.language == "en"):
                self.labels[s] = str(o)
        self.titles = {s: str(o) for s, o in _objects(ds, DCTERMS.title)}

    def short(self, node: Node) -> str:
        """Return a short name: `ent:china`, `kg:Statement`, `<slug>/<fact>`, or the n3.

        A fact is named by its path under the fact namespace (`slug/local`), anything else by
        the readable, non-strict `kg.prefixes.curie` (`src:slug#char=0,63` stays short).
        """
        text = str(node)
        if isinstance(node, URIRef):
            if text.startswith(str(FACT)):
                return text[len(FACT) :]
            return curie(text, strict=False) or f"<{text}>"
        if isinstance(node, Literal):
            return repr(str(node))
        return node.n3()

    def name(self, node: Node) -> str:
        """Return a node's label with its short name, or its value if it is a literal."""
        if isinstance(node, Literal):
            return f"“{node}”"
        label = self.labels.get(node)
        return f"{label} ({self.short(node)})" if label else self.short(node)


def _objects(ds: Dataset, prop: URIRef) -> Iterator[tuple[Node, Node]]:
    for s, _p, o, _g in ds.quads((None, prop, None, None)):
        yield s, o


def _source_graphs(ds: Dataset) -> dict[URIRef, Graph]:
    return {
        g.identifier: g
        for g in ds.graphs()
        if isinstance(g.identifier, URIRef) and graph_source(str(g.identifier)) is not None
    }


def _facts(ds: Dataset) -> dict[Node, tuple[URIRef, Graph]]:
    """Return every fact (a node with evidence) with the graph of its source."""
    found: dict[Node, tuple[URIRef, Graph]] = {}
    for name, g in _source_graphs(ds).items():
        for fact in g.subjects(KG.evidence, None):
            found[fact] = (name, g)
    return found


def describe(fact: Node, g: Graph, labels: Labels) -> list[str]:
    """Return the lines describing a fact: its type, label, properties and quote."""
    types = sorted(labels.short(t) for t in g.objects(fact, RDF.type))
    lines = [f"type: {', '.join(types)}"] if types else []
    rows = []
    for p, o in g.predicate_objects(fact):
        if p in _HIDDEN or p == RDFS.label:
            continue
        rows.append(f"{labels.short(p)}: {_value(o, g, labels)}")
    label = labels.labels.get(fact)
    if label:
        lines.append(f"label: {label}")
    lines += sorted(rows)
    for ev in sorted(g.objects(fact, KG.evidence), key=str):
        lines.append(f"quote: “{g.value(ev, NIF.anchorOf)}”")
    return lines


def _metadata(source: URIRef, g: Graph, labels: Labels) -> list[str]:
    """Return the lines describing a source: its metadata and the hash of its text."""
    return sorted(
        f"{labels.short(p)}: {labels.name(o)}"
        for p, o in g.predicate_objects(source)
        if p != RDF.type
    )


def _value(node: Node, g: Graph, labels: Labels) -> str:
    """Name a value; a participation is shown as its participant and role."""
    participant = g.value(node, KG.participant)
    if participant is not None:
        role = g.value(node, KG.participantRole)
        as_role = f" as {labels.name(role)}" if role is not None else ""
        return f"{labels.name(participant)}{as_role}"
    return labels.name(node)


def _edges(ds: Dataset) -> set[tuple[Node, Node, Node]]:
    g = ds.graph(DERIVED_GRAPH)
    return {
        (s, p, o)
        for s, p, o in g
        # the reification's own annotations (the role an edge keeps) are not edges
        if p not in (RDF.type, PROV.wasDerivedFrom, KG.inRole) and not str(p).startswith(str(RDF))
    }


def compare(old_graph: Built, new_graph: Built) -> Diff:
    """Return the sources, facts, direct edges and entities added, removed or changed."""
    old, new = old_graph.dataset, new_graph.dataset
    lo, ln = Labels(old), Labels(new)
    diff = Diff()
    old_graphs, new_graphs = _source_graphs(old), _source_graphs(new)
    for name in sorted(set(old_graphs) | set(new_graphs), key=str):
        slug = graph_source(str(name)) or ""
        iri = URIRef(PREFIXES["src"] + slug)
        if name not in new_graphs:
            title = lo.titles.get(iri)
            diff.changes.append(Change("-", "source", slug, [f"title: {title}"] if title else []))
        elif name not in old_graphs:
            title = ln.titles.get(iri)
            diff.changes.append(Change("+", "source", slug, [f"title: {title}"] if title else []))
        else:
            before = _metadata(iri, old_graphs[name], lo)
            after = _metadata(iri, new_graphs[name], ln)
            if before != after:
                lines = [f"- {x}" for x in before if x not in after]
                lines += [f"+ {x}" for x in after if x not in before]
                diff.changes.append(Change("~", "source", slug, lines))

    old_facts, new_facts = _facts(old), _facts(new)
    for fact in sorted(set(old_facts) | set(new_facts), key=str):
        if fact not in new_facts:
            _name, g = old_facts[fact]
            diff.changes.append(Change("-", "fact", lo.short(fact), describe(fact, g, lo)))
        elif fact not in old_facts:
            _name, g = new_facts[fact]
            diff.changes.append(Change("+", "fact", ln.short(fact), describe(fact, g, ln)))
        else:
            before = describe(fact, old_facts[fact][1], lo)
            after = describe(fact, new_facts[fact][1], ln)
            if before != after:
                lines = [f"- {x}" for x in before if x not in after]
                lines += [f"+ {x}" for x in after if x not in before]
                diff.changes.append(Change("~", "fact", ln.short(fact), lines))

    old_edges, new_edges = _edges(old), _edges(new)
    for sign, edges, labels in (("-", old_edges - new_edges, lo), ("+", new_edges - old_edges, ln)):
        for s, p, o in sorted(edges, key=lambda t: tuple(map(str, t))):
            line = f"{labels.name(s)} {labels.short(p)} {labels.name(o)}"
            diff.changes.append(Change(sign, "edge", line))

    old_entities = _entities(old)
    new_entities = _entities(new)
    for sign, ents, labels in (
        ("-", old_entities - new_entities, lo),
        ("+", new_entities - old_entities, ln),
    ):
        for entity in sorted(ents, key=str):
            diff.changes.append(Change(sign, "entity", labels.name(entity)))
    return diff


def _entities(ds: Dataset) -> set[Node]:
    g = ds.graph(ENTITIES_GRAPH)
    return {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(ENT))}
