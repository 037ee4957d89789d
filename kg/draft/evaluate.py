"""Score drafts against hand-written facts: recall and precision per fact class.

A gold fact is found when a draft of the same class (or a subclass) names its principal
participant (the class's shape puts it in `kgsh:PrincipalGroup`: the holder of a role, the
speaker of a statement, a participant of an event, …) and has a quote that overlaps the gold
quote. A principal with a `sh:maxCount` must be named in full, an open list (an event's
participants) needs one value in common. A draft is correct when it finds
some gold fact by the same test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg import evidence, shapes
from kg.errors import EvidenceError
from kg.namespaces import KG, PREFIXES


@dataclass(frozen=True)
class FactView:
    """What scoring needs of one fact: its name, class, principal values and quote span."""

    node: URIRef
    cls: URIRef
    principal: frozenset[URIRef]
    match: str  # "all" or "any"
    span: evidence.Span


def _expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Return each class of the ontology with the classes above it (itself included)."""
    from kg.draft.text import closure

    return closure(ontology)


def views(graph: Graph, text: str, ontology: Graph) -> list[FactView]:
    """Return the facts of a graph (every node of a kg:Fact class with a quote) for scoring."""
    above = superclasses(ontology)
    table = shapes.fact_classes()
    out = []
    for node, quote in graph.subject_objects(KG.quote):
        if not isinstance(node, URIRef):
            continue
        classes = [c for c in graph.objects(node, RDF.type) if isinstance(c, URIRef)]
        facts = [c for c in classes if KG.Fact in above.get(c, set())]
        if not facts:
            continue
        cls = facts[0]
        described = table.get(str(cls)[len(str(KG)) :]) if str(cls).startswith(str(KG)) else None
        principal: set[URIRef] = set()
        match = "all"
        if described is not None:
            fields = described.principal
            match = "all" if all(f.max is not None for f in fields) else "any"
            for f in fields:
                values: list[URIRef] = [node]
                for step in f.steps:
                    prop = _expand(step)
                    values = [
                        v for n in values for v in graph.objects(n, prop) if isinstance(v, URIRef)
                    ]
                principal.update(values)
        start = graph.value(node, KG.quoteStart)
        try:
            span = evidence.locate(
                text,
                str(quote),
                fact=str(node),
                source="",
                start=int(start) if isinstance(start, Literal) else None,
            )
        except EvidenceError:
            continue
        out.append(FactView(node, cls, frozenset(principal), match, span))
    return sorted(out, key=lambda v: (v.span.begin, str(v.node)))


def finds(draft: FactView, gold: FactView, above: dict[URIRef, set[URIRef]]) -> bool:
    """Say whether a draft finds a gold fact: class, principal participant, overlapping quote."""
    if gold.cls not in above.get(draft.cls, {draft.cls}):
        return False
    if not (draft.span.begin < gold.span.end and gold.span.begin < draft.span.end):
        return False
    if not gold.principal:
        return True
    if gold.match == "any":
        return bool(gold.principal & draft.principal)
    return gold.principal <= draft.principal


@dataclass
class Score:
    """Counts of one fact class: gold facts found, and drafts that found one."""

    gold: int = 0
    found: int = 0
    drafts: int = 0
    correct: int = 0

    def add(self, other: Score) -> None:
        """Add another score's counts to this one."""
        self.gold += other.gold
        self.found += other.found
        self.drafts += other.drafts
        self.correct += other.correct

    @property
    def recall(self) -> float | None:
        """Gold facts found / gold facts (None without gold facts)."""
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        """Correct drafts / drafts (None without drafts)."""
        return self.correct / self.drafts if self.drafts else None


@dataclass
class Result:
    """The scores of one source, per class, and the gold facts missed."""

    name: str
    by_class: dict[str, Score] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def total(self) -> Score:
        """Return the score over every class."""
        total = Score()
        for s in self.by_class.values():
            total.add(s)
        return total


def _class_name(cls: URIRef, above: dict[URIRef, set[URIRef]]) -> str:
    """Name the class a fact is counted under: the event classes are counted as Event."""
    if KG.Event in above.get(cls, set()):
        return "Event"
    return cls.rsplit("#", 1)[-1]


def score(name: str, drafts: list[FactView], gold: list[FactView], ontology: Graph) -> Result:
    """Score the drafts of one source against its gold facts."""
    above = superclasses(ontology)
    result = Result(name)
    for g in gold:
        s = result.by_class.setdefault(_class_name(g.cls, above), Score())
        s.gold += 1
        if any(finds(d, g, above) for d in drafts):
            s.found += 1
        else:
            result.missed.append(g.node.rsplit("/", 1)[-1])
    for d in drafts:
        s = result.by_class.setdefault(_class_name(d.cls, above), Score())
        s.drafts += 1
        if any(finds(d, g, above) for g in gold):
            s.correct += 1
        else:
            result.wrong.append(d.node.rsplit("/", 1)[-1])
    return result


def pct(value: float | None) -> str:
    """Format a ratio as a percentage ("–" when undefined)."""
    return "–" if value is None else f"{100 * value:.0f} %"


def table(results: list[Result]) -> list[str]:
    """Return a Markdown table of per-class recall and precision over some results."""
    merged: dict[str, Score] = {}
    for r in results:
        for cls, s in r.by_class.items():
            merged.setdefault(cls, Score()).add(s)
    lines = [
        "| class | gold | found | recall | drafts | correct | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = Score()
    for cls in sorted(merged):
        s = merged[cls]
        total.add(s)
        lines.append(_row(cls, s))
    lines.append(_row("**all**", total))
    return lines


def _row(name: str, s: Score) -> str:
    cells = [name, s.gold, s.found, pct(s.recall), s.drafts, s.correct, pct(s.precision)]
    return "| " + " | ".join(map(str, cells)) + " |"


def report(tuned: list[Result], held_out: list[Result]) -> str:
    """Return the evaluation as Markdown: the tuned sources, then the held-out ones."""
    lines = [
        "# Drafter evaluation",
        "",
        "The default drafter (`kg draft`) scored against hand-written facts by `kg eval-draft`.",
        "A gold fact is found when a draft of the same class (or a subclass) names its principal",
        "participant and has a quote that overlaps the gold quote; a draft is correct when it",
        "finds a gold fact. Events (actions among them) are counted together, each matched by",
        "its own class; an inference record's principal value is the property it infers.",
        "Written by `make eval` (`kg eval-draft --held-out FOLDER … --out bench/draft-eval.md`);",
        "a test fails when this file is not what the rules give today.",
        "",
    ]
    for title, results in (
        ("Sources the rules were tuned on", tuned),
        ("Held-out sources (kept out of rule tuning)", held_out),
    ):
        if not results:
            continue
        lines += [f"## {title}", ""]
        lines += table(results)
        lines.append("")
        for r in results:
            t = r.total()
            lines.append(
                f"- `{r.name}`: recall {pct(t.recall)} ({t.found}/{t.gold}), "
                f"precision {pct(t.precision)} ({t.correct}/{t.drafts})"
            )
            if r.missed:
                lines.append(f"  - missed: {', '.join(r.missed)}")
            if r.wrong:
                lines.append(f"  - drafts finding no gold fact: {', '.join(r.wrong)}")
        lines.append("")
    return "\n".join(lines)
