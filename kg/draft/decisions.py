"""The analyst's decisions on drafts, kept beside the source in `decisions.jsonl`.

Each line is one decision (JSON): when, on which proposal, made by which rule with which
confidence, and what was decided: `accept`, `edit` (accepted as edited), `reject` or `skip`.
A proposal decided only because another was (accepted as that one needs it, or rejected as it
needs that one) says so (`along_with`), and does not count in a rule's precision. The
file is only ever appended to, under the sources folder's lock (`kg.editing`).

A proposal is known across drafts by its `key`: its class, the span of its quote in the text
and its principal participants (the entities it names, apart from inferred addressees and
roles), never by its generated name, so that a rejected proposal is not proposed again when the
text is drafted again.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import evidence
from kg.editing import append_line, read_records
from kg.errors import EvidenceError, InputError
from kg.namespaces import ENT, KG
from kg.prefixes import short_iri

if TYPE_CHECKING:
    from kg.draft.draftfile import DraftBlock

DECISIONS_FILE = "decisions.jsonl"
DECISIONS = ("accept", "edit", "reject", "skip")
_HEAD = re.compile(r"# draft \S+ — rule (\S+), confidence ([0-9.]+)")
# values that do not make a proposal what it is: inferred or secondary
_SECONDARY = {KG.participantRole, KG.addressee, KG.unstatedRole, RDF.type}


def rule_of(block: DraftBlock) -> tuple[str, float | None]:
    """Return the rule that made a draft block and its confidence, from its first line."""
    found = _HEAD.match(block.lines[0]) if block.lines else None
    if found:
        return found.group(1), float(found.group(2))
    if block.name.startswith("ent:"):
        return "entity", None
    return "time" if "a time as the text states it" in block.lines[0] else "", None


def _graph(block: DraftBlock, prefixes: str) -> Graph | None:
    graph = Graph()
    try:
        graph.parse(data=prefixes + "\n" + block.text, format="turtle")
    except Exception:
        return None
    return graph


def _subject(graph: Graph, name: str) -> URIRef | None:
    local = "/" + name.split(":", 1)[-1]
    for node in graph.subjects(RDF.type, None):
        if isinstance(node, URIRef) and str(node).endswith(local):
            return node
    return None


def key_of(block: DraftBlock, text: str, prefixes: str) -> dict[str, Any]:
    """Return what identifies a proposal across drafts: class, quote span, participants."""
    graph = _graph(block, prefixes)
    node = _subject(graph, block.name) if graph is not None else None
    if graph is None or node is None:
        return {"name": block.name}
    cls = next((short_iri(str(c)) for c in graph.objects(node, RDF.type)), "")
    if block.name.startswith("ent:"):
        return {"class": cls, "entity": block.name}
    quote = graph.value(node, KG.quote)
    if quote is None:
        return {"class": cls, "label": str(graph.value(node, RDFS.label) or "")}
    start = graph.value(node, KG.quoteStart)
    try:
        span = evidence.locate(
            text,
            str(quote),
            fact=block.name,
            source="",
            start=int(str(start)) if isinstance(start, Literal) else None,
        )
    except (EvidenceError, ValueError):
        return {"class": cls, "quote": str(quote)}
    people: set[str] = set()
    for prop, value in graph.predicate_objects(node):
        if prop == KG.participation:
            people.update(
                short_iri(str(p))
                for p in graph.objects(value, KG.participant)
                if str(p).startswith(str(ENT))
            )
        elif prop not in _SECONDARY and str(value).startswith(str(ENT)):
            people.add(short_iri(str(value)))
    return {"class": cls, "begin": span.begin, "end": span.end, "participants": sorted(people)}


def key_text(key: dict[str, Any]) -> str:
    """Return a key as one comparable string."""
    return json.dumps(key, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Decision:
    """One decision on one proposal."""

    proposal: str
    decision: str
    rule: str
    confidence: float | None
    key: dict[str, Any]
    along_with: str = ""  # a proposal decided with another (needed by it, or needing it)

    def line(self, source: str, when: str) -> str:
        """Return the decision as one JSON line."""
        record: dict[str, Any] = {
            "time": when,
            "source": source,
            "proposal": self.proposal,
            "rule": self.rule,
            "confidence": self.confidence,
            "decision": self.decision,
            "key": self.key,
        }
        if self.along_with:
            record["along_with"] = self.along_with
        return json.dumps(record, ensure_ascii=False, sort_keys=False)


def decide(
    block: DraftBlock, decision: str, text: str, prefixes: str, along_with: str = ""
) -> Decision:
    """Return the decision on a block, with its rule, confidence and key."""
    rule, confidence = rule_of(block)
    key = key_of(block, text, prefixes)
    return Decision(block.name, decision, rule, confidence, key, along_with)


def record(folder: Path, decisions: Iterable[Decision]) -> None:
    """Append decisions to a source's log (the caller holds the sources folder's lock)."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for d in decisions:
        append_line(folder / DECISIONS_FILE, d.line(folder.name, when))


def read(folder: Path) -> list[dict[str, Any]]:
    """Return a source's decisions, oldest first (none if it has no log)."""
    path = folder / DECISIONS_FILE
    out = []
    for n, entry in read_records(path, "a decision"):
        if entry.get("decision") not in DECISIONS:
            raise InputError(f"{path}:{n}: not a decision (one JSON object a line)")
        out.append(entry)
    return out


def rejected(folder: Path) -> set[str]:
    """Return the keys of the proposals whose last decision was a rejection."""
    last: dict[str, str] = {}
    for entry in read(folder):
        if isinstance(entry.get("key"), dict) and "name" not in entry["key"]:
            last[key_text(entry["key"])] = entry["decision"]
    return {k for k, d in last.items() if d == "reject"}


def precision_report(folders: Iterable[Path]) -> str:
    """Return a Markdown table of each rule's precision from the analysts' decisions."""
    kept: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for folder in folders:
        for entry in read(folder):
            if entry.get("along_with") or entry["decision"] == "skip":
                continue
            rule = str(entry.get("rule") or "?")
            if entry["decision"] == "reject":
                refused[rule] += 1
            else:
                kept[rule] += 1
    rules = sorted(set(kept) | set(refused))
    if not rules:
        return ""
    lines = [
        "",
        "## Precision from the analysts' decisions (decisions.jsonl)",
        "",
        "| rule | accepted | rejected | precision |",
        "|---|---:|---:|---:|",
    ]
    for rule in rules:
        total = kept[rule] + refused[rule]
        lines.append(f"| {rule} | {kept[rule]} | {refused[rule]} | {kept[rule] / total:.0%} |")
    total_kept, total = sum(kept.values()), sum(kept.values()) + sum(refused.values())
    lines.append(f"| all | {total_kept} | {total - total_kept} | {total_kept / total:.0%} |")
    return "\n".join(lines) + "\n"
