"""From RDF to a networkx directed multigraph: the actor–claim–event graph and its named views.

Nodes are actors, places, claims, events, statements and instruments; their attributes are the
IRI, label, class, group, Wikidata link and (for facts) the evidence quote and its source. Each
edge keeps the direction of the RDF triple it comes from (a qualified fact's property, or a
direct edge of the derived layer) and carries the relation label, the predicate, the fact it
comes from, and that fact's evidence quote and source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import ENT, KG, NIF, ORG, PREFIXES
from kg.prefixes import local_name

if TYPE_CHECKING:
    import networkx as nx

WIKIDATA = "http://www.wikidata.org/entity/"

# kg: entity class → display group, most specific first (a kg:State is an actor, then a place).
_ENTITIES: list[tuple[URIRef, str]] = [
    (KG.State, "Actor"),
    (KG.InternationalOrganization, "Actor"),
    (KG.Government, "Actor"),
    (KG.MilitaryOrganization, "Actor"),
    (KG.Organization, "Actor"),
    (KG.Person, "Actor"),
    (KG.Group, "Actor"),
    (KG.Actor, "Actor"),
    (KG.City, "Place"),
    (KG.MaritimeArea, "Place"),
    (KG.MaritimeFeature, "Place"),
    (KG.Place, "Place"),
]
# The fact classes drawn as nodes, each in its group with its subclasses (the fact classes of the
# shapes, `kg.shapes`: a new event class is drawn as an event). kg:Action, the event class for
# what no specific one fits, is drawn as an event of no specific class.
_FACTS: list[tuple[str, str]] = [("TerritorialClaim", "Claim"), ("Event", "Event"),
                                 ("Statement", "Statement")]  # fmt: skip
_UNSPECIFIC = {"Action"}
_OTHERS: list[tuple[URIRef, str]] = [(KG.Instrument, "Instrument")]


def fact_rows() -> tuple[list[tuple[URIRef, str]], list[URIRef]]:
    """Return the fact classes drawn as nodes (most specific first) with their groups, and the
    properties drawn as edges from them: their shapes' principal and link fields."""
    from kg import shapes

    table = shapes.fact_classes()
    rows: list[tuple[URIRef, str]] = []
    drawn: dict[str, None] = {}
    for root, group in _FACTS:
        below = [c for c in table.values() if root in c.supers and c.name not in _UNSPECIFIC]
        below.sort(key=lambda c: (-len(c.supers), c.name))
        kinds = table[root].kinds
        below.sort(key=lambda c: kinds.index(c.name) if c.name in kinds else len(kinds))
        for cls in [*below, table[root]]:
            rows.append((URIRef(cls.iri), group))
            for f in cls.fields:
                if f.group in ("principal", "links") and len(f.steps) == 1:
                    drawn[f.path] = None
    return rows, [URIRef(shapes.expand(p)) for p in drawn]


def classes() -> list[tuple[URIRef, str]]:
    """Return each kg: class the views draw with its display group, most specific first."""
    return [*_ENTITIES, *fact_rows()[0], *_OTHERS]


# Direct edges between entities (and from actors to claims and events), as the build derives them.
_SYMMETRIC = {KG.alliedWith, KG.counterpartOf}
_DIRECT_ALL = [
    KG.alliedWith,
    KG.counterpartOf,
    KG.affiliatedWith,
    ORG.memberOf,
    KG.locatedIn,
    KG.contests,
    KG.participatedIn,
]
_DIRECT_ACTORS = [
    KG.alliedWith,
    KG.counterpartOf,
    KG.affiliatedWith,
    ORG.memberOf,
    KG.contestsClaimOf,
]
_CLAIM, _EVIDENCE = KG.TerritorialClaim, KG.evidence  # looked up once, used in loops
# Fallback labels when the data carries no ontology.
_LABELS = {
    ORG.memberOf: "member of",
    PROV.atLocation: "at location",
    KG.participatedIn: "participated in",
}


@dataclass
class Evidence:
    """The quote and source that state a fact."""

    quote: str = ""
    source: str = ""
    source_title: str = ""


@dataclass
class Edge:
    """One projected edge before it enters the networkx graph."""

    source: str
    target: str
    predicate: str
    relation: str
    fact: str = ""
    symmetric: bool = False
    statement_type: str = ""
    cameo: str = ""
    quad_class: int = 0

    def key(self) -> tuple[str, ...]:
        """Return the sort and de-duplication key."""
        return (self.source, self.target, self.predicate, self.fact, self.relation)


@dataclass
class Projector:
    """Reads an RDF graph once and projects its views."""

    graph: Graph
    _labels: dict[Node, str] = field(default_factory=dict)
    _evidence: dict[URIRef, Evidence] = field(default_factory=dict)
    _index: dict[Node, dict[Node, list[Node]]] = field(default_factory=dict)
    _relations: dict[URIRef, str] = field(default_factory=dict)
    _derived: list[tuple[Node, URIRef, Node, Node]] | None = None
    _spans: dict[Node, tuple[str, str, str] | None] = field(default_factory=dict)
    classes: list[tuple[URIRef, str]] = field(default_factory=list)
    group: dict[URIRef, str] = field(default_factory=dict)  # class → display group
    _rank: dict[URIRef, int] = field(default_factory=dict)
    _fact_properties: list[URIRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Read which classes the views draw, and which fact properties, from the shapes."""
        rows, self._fact_properties = fact_rows()
        self.classes = [*_ENTITIES, *rows, *_OTHERS]
        self.group = dict(self.classes)
        self._rank = {cls: i for i, (cls, _) in enumerate(self.classes)}

    # --- reading the graph ---

    def objs(self, node: Node, predicate: URIRef) -> list[Node]:
        """Return the objects of (node, predicate): one pass over the graph, then lookups."""
        if not self._index:  # one pass over every triple: cheaper than a lookup per predicate
            found: dict[Node, dict[Node, dict[Node, None]]] = defaultdict(lambda: defaultdict(dict))
            for s, p, o in self.graph.triples((None, None, None)):
                found[p][s][o] = None
            self._index = {p: {k: list(v) for k, v in by_s.items()} for p, by_s in found.items()}
            self._index.setdefault(RDF.type, {})
        index = self._index.get(predicate)
        return index.get(node, []) if index is not None else []

    def label(self, node: Node) -> str:
        """Return the English (or any) label of a node, else its local name."""
        if node in self._labels:
            return self._labels[node]
        found = ""
        for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
            values = [v for v in self.objs(node, prop) if isinstance(v, Literal)]
            if values:
                best = sorted(values, key=lambda v: (v.language not in ("en", None), str(v)))
                found = str(best[0])
                break
        if not found and _CLAIM in self.objs(node, RDF.type):
            who = sorted(self.label(c) for c in self.objs(node, KG.claimant))
            what = sorted(self.label(w) for w in self.objs(node, KG.claimedPlace))
            if who and what:
                found = f"claim of {' and '.join(who)} to {' and '.join(what)}"
        if not found:
            found = local_name(str(node))
        self._labels[node] = found
        return found

    def node_class(self, node: URIRef) -> URIRef | None:
        """Return the most specific kg: class of a node that the views show, if any."""
        ranked = [t for t in self.objs(node, RDF.type) if isinstance(t, URIRef) and t in self._rank]
        return min(ranked, key=lambda t: self._rank[t]) if ranked else None

    def evidence(self, fact: URIRef) -> Evidence:
        """Return the quote(s) and source of a fact (empty for an entity)."""
        if fact in self._evidence:
            return self._evidence[fact]
        quotes = sorted(
            {str(q) for ev in self.objs(fact, _EVIDENCE) for q in self.objs(ev, NIF.anchorOf)}
        )
        sources = sorted(str(s) for s in self.objs(fact, PROV.hadPrimarySource))
        titles = [self.label(URIRef(s)) for s in sources]
        found = Evidence("\n".join(quotes), " ".join(sources), "; ".join(titles))
        self._evidence[fact] = found
        return found

    def span(self, fact: Node) -> tuple[str, str, str] | None:
        """Return a fact's time as (first day, day after the last, precision), if it is dated
        (`kg.viz.spans.span_of`: OWL-Time read as the timeline draws it)."""
        if fact not in self._spans:
            from kg.viz.spans import span_of

            found = None
            for time in sorted(self.objs(fact, TIME.hasTime), key=str)[:1]:  # at most one
                got = span_of(self, time)
                if got is not None:
                    found = (got.start.isoformat(), got.end.isoformat(), got.precision)
            self._spans[fact] = found
        return self._spans[fact]

    def statement_types(self, stmt: URIRef) -> tuple[str, str, int]:
        """Return a statement's type labels, CAMEO codes and highest GDELT quad class."""
        types = sorted(
            (t for t in self.objs(stmt, KG.statementType) if isinstance(t, URIRef)),
            key=str,
        )
        labels, codes, quad = [], set(), 0
        for t in types:
            labels.append(self.label(t))
            for root in self.objs(t, SKOS.broadMatch):
                if not isinstance(root, URIRef):
                    continue
                notation = min((str(n) for n in self.objs(root, SKOS.notation)), default=None)
                name = self.label(root)
                codes.add(f"{notation} {name}" if notation is not None else name)
                for q in self.objs(root, KG.quadClass):
                    try:
                        quad = max(quad, int(str(q)))
                    except (TypeError, ValueError):
                        continue
        return ", ".join(labels), "; ".join(sorted(codes)), quad

    def nodes_of(self, groups: Iterable[str]) -> dict[URIRef, URIRef]:
        """Return every IRI whose class belongs to one of the groups, with that class."""
        wanted = set(groups)
        found: dict[URIRef, URIRef] = {}
        for cls, group in self.classes:
            if group not in wanted:
                continue
            for node in self.graph.subjects(RDF.type, cls):
                if isinstance(node, URIRef) and node not in found:
                    best = self.node_class(node)
                    if best is not None and self.group[best] in wanted:
                        found[node] = best
        return found

    def direct_edges(
        self, predicates: Iterable[URIRef]
    ) -> Iterator[tuple[URIRef, URIRef, URIRef, str]]:
        """Yield the direct edges (s, p, o, fact) stated in the data or implied by its facts."""
        from kg.derive import edges as derived_edges

        wanted = set(predicates)
        seen: set[tuple[URIRef, URIRef, URIRef]] = set()
        if self._derived is None:
            self._derived = list(derived_edges(self.graph))
        for s, p, o, fact in self._derived:
            if p in wanted and isinstance(s, URIRef) and isinstance(o, URIRef):
                seen.add((s, p, o))
                yield s, p, o, str(fact)
        reified: dict[tuple[URIRef, URIRef, URIRef], list[str]] = defaultdict(list)
        for r in self.graph.subjects(RDF.type, RDF.Statement):
            rs, rp, ro = (
                next(iter(self.objs(r, x)), None) for x in (RDF.subject, RDF.predicate, RDF.object)
            )
            if rp in wanted and isinstance(rs, URIRef) and isinstance(ro, URIRef):
                facts = self.objs(r, PROV.wasDerivedFrom)
                reified[(rs, URIRef(str(rp)), ro)].extend(str(f) for f in facts)
        for pred in sorted(wanted):
            for ts, to in self.graph.subject_objects(pred):
                if not (isinstance(ts, URIRef) and isinstance(to, URIRef)):
                    continue
                if (ts, pred, to) in seen:
                    continue
                seen.add((ts, pred, to))
                for found in sorted(set(reified.get((ts, pred, to), []))) or [""]:
                    yield ts, pred, to, found

    def relation(self, predicate: URIRef) -> str:
        """Return the label of a predicate (from the data's ontology, else a built-in one)."""
        if predicate not in self._relations:
            self._relations[predicate] = self._relation(predicate)
        return self._relations[predicate]

    def _relation(self, predicate: URIRef) -> str:
        if any(self.objs(predicate, RDFS.label)):
            return self.label(predicate)
        if predicate in _LABELS:
            return _LABELS[predicate]
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local_name(str(predicate))).lower()

    # --- building ---

    def add_nodes(self, g: nx.MultiDiGraph, nodes: dict[URIRef, URIRef]) -> None:
        """Add nodes with their attributes, sorted by IRI."""
        for node in sorted(nodes, key=str):
            cls = nodes[node]
            ev = self.evidence(node)
            wikidata = sorted(str(x) for x in self.objs(node, OWL.sameAs))
            wikidata = [w for w in wikidata if w.startswith(WIKIDATA)]
            status = ", ".join(sorted(self.label(x) for x in self.objs(node, KG.status)))
            span = self.span(node)
            g.add_node(
                str(node),
                iri=str(node),
                label=self.label(node),
                **{"class": local_name(str(cls))},
                group=self.group[cls],
                wikidata=wikidata[0] if wikidata else "",
                quote=ev.quote,
                source=ev.source,
                source_title=ev.source_title,
                **({"status": status} if status else {}),  # events: planned, past ...
                **(
                    {"time_start": span[0], "time_end": span[1], "time_precision": span[2]}
                    if span is not None
                    else {}
                ),
            )

    def add_edges(self, g: nx.MultiDiGraph, edges: Iterable[Edge]) -> None:
        """Add edges between nodes of `g`, de-duplicated, sorted, with their evidence."""
        unique = {e.key(): e for e in edges if e.source in g and e.target in g}
        start = g.number_of_edges()
        for i, k in enumerate(sorted(unique)):
            e = unique[k]
            ev = self.evidence(URIRef(e.fact)) if e.fact else Evidence()
            span = self.span(URIRef(e.fact)) if e.fact else None
            g.add_edge(
                e.source,
                e.target,
                key=start + i,
                relation=e.relation,
                predicate=e.predicate,
                fact=e.fact,
                symmetric=e.symmetric,
                statement_type=e.statement_type,
                cameo=e.cameo,
                quad_class=e.quad_class,
                quote=ev.quote,
                source=ev.source,
                source_title=ev.source_title,
                **({"time_start": span[0], "time_end": span[1]} if span is not None else {}),
                timed=bool(e.fact) and self._timed(URIRef(e.fact)),
            )

    def _timed(self, fact: URIRef) -> bool:
        """Whether a fact is an event or a statement: what can have a time."""
        cls = self.node_class(fact)
        return cls is not None and self.group[cls] in ("Event", "Statement")

    def direct(self, predicates: list[URIRef]) -> Iterator[Edge]:
        """Yield the direct edges as Edge records (a symmetric pair once, in IRI order)."""
        for s, p, o, fact in self.direct_edges(predicates):
            sym = p in _SYMMETRIC
            if sym and str(s) > str(o):
                continue
            yield Edge(str(s), str(o), str(p), self.relation(p), fact, symmetric=sym)

    def fact_edges(self, facts: Iterable[URIRef]) -> Iterator[Edge]:
        """Yield each fact's properties as edges fact → value."""
        for fact in facts:
            # a statement's own edges (speaker, target ...) carry its type and CAMEO QuadClass
            types, cameo, quad = (
                self.statement_types(fact)
                if KG.Statement in self.objs(fact, RDF.type)
                else ("", "", 0)
            )
            for p in self._fact_properties:
                for o in self.objs(fact, p):
                    if isinstance(o, URIRef):
                        yield Edge(
                            str(fact),
                            str(o),
                            str(p),
                            self.relation(p),
                            str(fact),
                            statement_type=types,
                            cameo=cameo,
                            quad_class=quad,
                        )

    def statement_edges(self, kinds: Iterable[URIRef]) -> Iterator[Edge]:
        """Yield speaker → target/addressee/claim edges, one per statement, typed by CAMEO."""
        wanted = set(kinds)
        for stmt in sorted(self.graph.subjects(RDF.type, KG.Statement), key=str):
            if not isinstance(stmt, URIRef):
                continue
            types, cameo, quad = self.statement_types(stmt)
            for speaker in self.objs(stmt, KG.speaker):
                for prop, pred, suffix in (
                    (KG.target, KG.statedAbout, ""),
                    (KG.addressee, KG.statedTo, " (to)"),
                    (KG.about, KG.about, ""),
                ):
                    if prop not in wanted:
                        continue
                    for o in self.objs(stmt, prop):
                        yield Edge(
                            str(speaker),
                            str(o),
                            str(pred),
                            (types or self.relation(pred)) + suffix,
                            str(stmt),
                            statement_type=types,
                            cameo=cameo,
                            quad_class=quad,
                        )

    def co_participation(self) -> Iterator[Edge]:
        """Yield one undirected edge per pair of actors that took part in the same event."""
        for event in sorted(self.nodes_of(["Event"]), key=str):
            cls = self.node_class(event)
            agents = sorted(
                {
                    str(a)
                    for part in self.objs(event, KG.participation)
                    for a in self.objs(part, KG.participant)
                }
            )
            for i, a in enumerate(agents):
                for b in agents[i + 1 :]:
                    rel = self.label(cls) if cls is not None else "event"
                    yield Edge(a, b, str(cls), rel, str(event), symmetric=True)


def resolve(graph: nx.MultiDiGraph, focus: str) -> str:
    """Return the node an entity stands for: an IRI, a prefixed or local name, or a label."""
    text = focus.strip()
    candidates = [text]
    if ":" in text and not text.startswith(("http://", "https://", "urn:")):
        prefix, _, local = text.partition(":")
        if prefix in PREFIXES:
            candidates.append(PREFIXES[prefix] + local)
    if re.fullmatch(r"[A-Za-z0-9_-]+", text):
        candidates.append(str(ENT) + text)
    for c in candidates:
        if c in graph:
            return c
    by_label = sorted(
        n for n, d in graph.nodes(data=True) if d["label"].casefold() == text.casefold()
    )
    if len(by_label) == 1:
        return by_label[0]
    if by_label:
        raise InputError(f"entity {focus!r} is ambiguous: {', '.join(by_label)}")
    raise InputError(f"unknown entity {focus!r}: not an actor, place, claim, event or statement")


def project(graph: Graph, view: str, focus: str | None = None, depth: int = 1) -> nx.MultiDiGraph:
    """Project one named view of an RDF graph (see `kg.plugins.VIEWS`) into a MultiDiGraph."""
    import networkx as nx

    from kg.plugins import VIEWS

    row = VIEWS.get(view)
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, not {depth}")
    if row.focus and not focus:
        raise InputError(f"the {view} view needs --focus ENTITY")
    g = nx.MultiDiGraph(view=view)
    row.load()(Projector(graph), g)
    if row.focus:
        assert focus is not None
        centre = resolve(g, focus)
        g = _ego(g, centre, depth)
        g.graph["focus"] = centre
        g.graph["depth"] = depth
    return g


def project_all(p: Projector, g: nx.MultiDiGraph) -> None:
    """Actors, places, claims, events, statements and instruments, with every edge between them."""
    nodes = p.nodes_of(["Actor", "Place", "Claim", "Event", "Statement", "Instrument"])
    p.add_nodes(g, nodes)
    facts = [n for n, c in nodes.items() if p.group[c] in ("Claim", "Event", "Statement")]
    p.add_edges(g, [*p.direct(_DIRECT_ALL), *p.fact_edges(facts)])


def project_actors(p: Projector, g: nx.MultiDiGraph) -> None:
    """Actors only: their direct relations, who targets or addresses whom, who meets whom."""
    p.add_nodes(g, p.nodes_of(["Actor"]))
    edges = [
        *p.direct(_DIRECT_ACTORS),
        *p.statement_edges([KG.target, KG.addressee]),
        *p.co_participation(),
    ]
    p.add_edges(g, edges)


def project_claims(p: Projector, g: nx.MultiDiGraph) -> None:
    """Claimants, claimed places, contesters and critics of each claim."""
    claims = p.nodes_of(["Claim"])
    around = [
        *p.fact_edges(sorted(claims, key=str)),
        *p.direct([KG.contests]),
        *p.statement_edges([KG.about]),
    ]
    around = [e for e in around if URIRef(e.source) in claims or URIRef(e.target) in claims]
    keep: dict[URIRef, URIRef] = dict(claims)
    for e in around:
        for end in (URIRef(e.source), URIRef(e.target)):
            cls = p.node_class(end)
            if cls is not None:
                keep[end] = cls
    p.add_nodes(g, keep)
    p.add_edges(g, [*around, *p.direct([KG.locatedIn])])


def _ego(g: nx.MultiDiGraph, centre: str, depth: int) -> nx.MultiDiGraph:
    """Return the subgraph within `depth` steps of `centre`, ignoring direction, in sorted order."""
    import networkx as nx

    reach = nx.single_source_shortest_path_length(
        g.to_undirected(as_view=True), centre, cutoff=depth
    )
    sub = nx.MultiDiGraph(**g.graph)
    for n in sorted(reach):
        sub.add_node(n, **g.nodes[n])
    for u, v, k, d in g.edges(keys=True, data=True):
        if u in reach and v in reach:
            sub.add_edge(u, v, key=k, **d)
    return sub
