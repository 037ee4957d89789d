"""Write drafted facts as Turtle in the form of a facts file, one commented block per fact.

Each block starts with `# draft NAME — rule RULE, confidence C` and `# why: …`, so that
`kg draft --accept` and `kg review` can move it into `facts.ttl` unchanged. The file's header
ends with a marker line holding the SHA-256 of what follows it: a draft file whose marker does
not match was edited by someone, and is never overwritten without --force.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef

from kg.draft.drafter import Draft, NewEntity, Proposal, TimeNode
from kg.namespaces import FACT, PREFIXES

MARKER = "# kg-draft-sha256: "
# The sections of a draft file; the events are those the event shape lists (`kg.shapes`), and a
# fact class no section names comes last, under "Other facts".
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Roles", ("RoleHolding",)),
    (
        "Counterparts, affiliations and locations",
        ("Counterpart", "Affiliation", "SubOrganization", "Location"),
    ),
    ("Memberships and alliances", ("Membership", "Alliance")),
    ("Claims and contests", ("TerritorialClaim", "ClaimContest")),
    ("Metonyms", ("MetonymMention",)),
    ("Events", ()),
    ("Statements", ("Statement",)),
    ("Inferences", ("Inference",)),
]


def section_classes() -> list[tuple[str, tuple[str, ...]]]:
    """Return the draft file's sections with their classes, every fact class in one."""
    from kg import shapes

    found = [(t, cs or shapes.events()) if t == "Events" else (t, cs) for t, cs in SECTIONS]
    named = {c for _, cs in found for c in cs}
    rest = tuple(  # not kg:Fact, nor a class whose shape requires a more specific one (kg:Event)
        n for n, c in shapes.fact_classes().items() if n not in named and c.supers and not c.kinds
    )
    return [*found, ("Other facts", rest)] if rest else found


PREFIX_NAMES = ["kg", "ent", "src", "fact", "prov", "time", "dct", "rdf", "rdfs", "xsd"]


@dataclass
class Block:
    """One block of a draft file: the node's name, its class, and its lines."""

    name: str
    cls: str
    lines: list[str]


def prefixes(slug: str) -> list[str]:
    """Return the @prefix lines of a source's facts (and draft) file."""
    out = []
    for p in PREFIX_NAMES:
        ns = f"{FACT}{slug}/" if p == "fact" else PREFIXES[p]
        out.append(f"@prefix {(p + ':').ljust(5)} <{ns}> .")
    return out


def _n3(value: Any, names: dict[int, str]) -> str:
    if isinstance(value, Proposal) and value.existing:
        return "fact:" + value.existing
    if isinstance(value, (Proposal, TimeNode)):
        return "fact:" + names[id(value)]
    if isinstance(value, URIRef):
        for p in ("ent", "kg", "time", "prov"):
            if str(value).startswith(PREFIXES[p]):
                return f"{p}:{value[len(PREFIXES[p]) :]}"
        return value.n3()
    if isinstance(value, Literal):
        return value.n3()
    return Literal(str(value)).n3()


def _node(subject: str, cls: str, rows: list[tuple[str, list[str]]]) -> list[str]:
    rows = [("a", [cls]), *rows]
    width = max(len(p) for p, _ in rows)
    lines = [subject]
    for n, (p, objects) in enumerate(rows):
        end = " ." if n == len(rows) - 1 else " ;"
        first = f"    {p.ljust(width)} {objects[0]}"
        if len(objects) == 1:
            lines.append(first + end)
            continue
        lines.append(first + " ,")
        pad = " " * (4 + width + 1)
        for k, o in enumerate(objects[1:], start=1):
            lines.append(pad + o + (end if k == len(objects) - 1 else " ,"))
    return lines


def assign_names(
    draft: Draft, taken: set[str], reuse: frozenset[str] = frozenset()
) -> dict[int, str]:
    """Give every proposal and time a unique fact name, avoiding the names in `taken`; a time
    named in `reuse` is the facts file's own, referred to and not written again."""
    names: dict[int, str] = {}
    used = set(taken)
    ordered = sorted(draft.proposals, key=lambda p: (p.quote.begin, p.quote.end, p.cls, p.base))
    times: list[TimeNode] = []
    for p in ordered:
        for _, v in p.values:
            if isinstance(v, TimeNode) and v not in times:
                times.append(v)
    items: list[Proposal | TimeNode] = [*ordered, *times]
    for item in items:
        base = item.base if isinstance(item, Proposal) else f"time-{item.key}"
        base = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")
        name = base
        n = 2
        if isinstance(item, TimeNode) and base in reuse:
            names[id(item)] = base
            continue
        while name in used:
            name = f"{base}-{n}"
            n += 1
        used.add(name)
        names[id(item)] = name
    return names


def unique_labels(
    proposals: list[Proposal], used: set[str] | frozenset[str] = frozenset()
) -> dict[int, Literal]:
    """Return a new label for each proposal whose label another fact (or an entity, or an
    earlier proposal) has already: the label numbered, "… (2)", so no two nodes share a name."""
    from kg.registry import normalize

    taken = set(used)
    out: dict[int, Literal] = {}
    for p in proposals:
        for prop, value in p.values:
            if prop != "rdfs:label" or not isinstance(value, Literal):
                continue
            label, n = str(value), 2
            while normalize(label) in taken:
                label = f"{value} ({n})"
                n += 1
            if label != str(value):
                out[id(p)] = Literal(label, lang=value.language, datatype=value.datatype)
            taken.add(normalize(label))
    return out


def proposal_block(
    p: Proposal,
    names: dict[int, str],
    text: str,
    order: list[str],
    labels: dict[int, Literal] | None = None,
) -> Block:
    """Render one proposal (with its participation nodes) as a commented block."""
    name = names[id(p)]
    quote = text[p.quote.begin : p.quote.end]
    grouped: dict[str, list[str]] = {}
    for prop, value in p.values:
        grouped.setdefault(prop, [])
        if prop == "rdfs:label" and labels and id(p) in labels:
            value = labels[id(p)]
        rendered = _n3(value, names)
        if rendered not in grouped[prop]:
            grouped[prop].append(rendered)
    if p.participations:
        grouped["kg:participation"] = [f"fact:{name}-{_local(e)}" for e, _ in p.participations]
    rank = {prop: i for i, prop in enumerate(order)}
    rows = sorted(grouped.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
    rows.append(("kg:quote", [Literal(quote).n3()]))
    occurrences = [m.start() for m in re.finditer(re.escape(quote), text)]
    if len(occurrences) > 1:
        rows.append(("kg:quoteStart", [str(p.quote.begin)]))
    lines = [
        f"# draft fact:{name} — rule {p.rule}, confidence {p.confidence:.2f}",
        f"# why: {p.why}",
        *_node(f"fact:{name}", f"kg:{p.cls}", rows),
    ]
    for entity, role in p.participations:
        rows_p = [("kg:participant", [_n3(entity, names)])]
        if role:  # a role the registry lacks is left out, not invented
            rows_p.append(("kg:participantRole", [f"ent:role-{role}"]))
        lines.append("")
        lines += _node(f"fact:{name}-{_local(entity)}", "kg:Participation", rows_p)
    return Block(f"fact:{name}", p.cls, lines)


def _local(entity: URIRef) -> str:
    return entity.rsplit("/", 1)[-1]


def time_block(node: TimeNode, name: str) -> Block:
    """Render a time on the model's one time path (OWL-Time): a time:DateTimeInterval with one
    time:DateTimeDescription of the text's granularity; relative words kept in kg:relativeTime."""
    label = Literal(node.text, lang="en").n3()
    lines = [f"# draft fact:{name} — a time as the text states it", f"# why: “{node.text}”"]
    rows = [("rdfs:label", [label])]
    if node.kind != "year":  # a month without its year is relative too
        rows.append(("kg:relativeTime", [label]))
    rows.append(("time:hasDateTimeDescription", [f"fact:{name}-description"]))
    lines += _node(f"fact:{name}", "time:DateTimeInterval", rows)
    described = [("time:unitType", [f"time:{node.unit}"])]
    if node.kind == "year":
        described.append(("time:year", [f'"{node.value}"^^xsd:gYear']))
    elif node.kind == "month":
        described.append(("time:month", [f'"{node.value}"^^xsd:gMonth']))
    lines.append("")
    lines += _node(f"fact:{name}-description", "time:DateTimeDescription", described)
    return Block(f"fact:{name}", "Time", lines)


def entity_block(e: NewEntity, text: str) -> Block:
    """Render a proposed registry entry."""
    lines = [
        f"# draft ent:{e.local} — new entity ({e.why}): “{text[e.span.begin : e.span.end]}”",
        "# why: accept it to add it to entities.ttl; check its class, label and name first",
        *_node(f"ent:{e.local}", e.cls, [("rdfs:label", [Literal(e.label, lang="en").n3()])]),
    ]
    return Block(f"ent:{e.local}", "Entity", lines)


def blocks(
    draft: Draft,
    taken: set[str],
    order: dict[str, list[str]],
    reuse: frozenset[str] = frozenset(),
    used_labels: frozenset[str] = frozenset(),
) -> list[tuple[str, list[Block]]]:
    """Return the draft's blocks grouped in sections, in a fixed order (`used_labels`: the
    names, normalized, that the facts file and the registry give already)."""
    names = assign_names(draft, taken, reuse)
    text = draft.text.text
    in_order = sorted(draft.proposals, key=lambda p: (p.quote.begin, p.quote.end, names[id(p)]))
    labels = unique_labels(in_order, used_labels)
    sections: list[tuple[str, list[Block]]] = []
    for title, classes in section_classes():
        chosen = [p for p in draft.proposals if p.cls in classes]
        chosen.sort(key=lambda p: (p.quote.begin, p.quote.end, names[id(p)]))
        rendered = []
        for p in chosen:
            rendered.append(proposal_block(p, names, text, order.get(p.cls, []), labels))
        if rendered:
            sections.append((title, rendered))
    all_times: list[TimeNode] = []
    for p in sorted(draft.proposals, key=lambda p: (p.quote.begin, p.quote.end, names[id(p)])):
        all_times += [
            v
            for _, v in p.values
            if isinstance(v, TimeNode) and v not in all_times and names[id(v)] not in reuse
        ]
    if all_times:
        at = next((i for i, (t, _) in enumerate(sections) if t == "Statements"), len(sections))
        sections.insert(at, ("Times", [time_block(t, names[id(t)]) for t in all_times]))
    if draft.new_entities:
        entities = [entity_block(e, text) for e in draft.new_entities]
        sections.append(("Proposed registry entries (accepted ones go to entities.ttl)", entities))
    return sections


def render(
    slug: str,
    title: str,
    draft: Draft,
    taken: set[str],
    order: dict[str, list[str]],
    reuse: frozenset[str] = frozenset(),
    used_labels: frozenset[str] = frozenset(),
) -> str:
    """Return the whole draft file: header, marker, prefixes and sections."""
    body: list[str] = ["", *prefixes(slug), ""]
    for section, items in blocks(draft, taken, order, reuse, used_labels):
        body += [f"# --- {section} ---", ""]
        for block in items:
            body += [*block.lines, ""]
    content = "\n".join(body).rstrip("\n") + "\n"
    return header(title) + MARKER + digest(content) + "\n" + content


def header(title: str) -> str:
    """Return the comment lines that open a draft file."""
    title = title.replace("\n", " ")
    return (
        f'# Draft facts of the source "{title}", proposed by `kg draft`.\n'
        "#\n"
        "# Nothing here is in the graph: the build never reads this file. Each block is one\n"
        "# proposal, with the rule that made it and a confidence; review them with `kg review`\n"
        "# or accept some with `kg draft --accept NAME …`: they move into facts.ttl as written.\n"
        "# `kg draft` rewrites this file only while the marker below matches its content.\n"
    )


def digest(content: str) -> str:
    """Return the SHA-256 of a draft file's content after its marker line."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def marker_ok(whole: str) -> bool:
    """Say whether a draft file is as `kg draft` wrote it (its marker matches its content)."""
    _head, sep, rest = whole.partition(MARKER)
    if not sep:
        return False
    recorded, _, content = rest.partition("\n")
    return recorded.strip() == digest(content)


def seal(whole: str) -> str:
    """Recompute the marker of a draft file after blocks were taken out of it."""
    head, _sep, rest = whole.partition(MARKER)
    _, _, content = rest.partition("\n")
    return head + MARKER + digest(content) + "\n" + content
