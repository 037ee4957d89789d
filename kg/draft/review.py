"""Accepting drafts: move blocks of draft.ttl into facts.ttl (and proposed entities into the
registry) as a clean diff, appended at the end, never rewriting what the analyst wrote.

A facts file that changes while its drafts are being accepted is left alone (the write is
refused), and a write that would leave it unparsable or with a quote not in the text is rolled
back, so a failed accept leaves the last good files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg import evidence, registry
from kg.draft.decisions import decide, key_of, key_text, record, rejected
from kg.draft.draftfile import (
    DRAFT_FILE,
    DraftBlock,
    DraftFile,
    block_class,
    parse_draft,
    placeholder,
    prefix_lines,
    read_draft,
    units,
)
from kg.editing import line_ending, locked, read_exact, replace_files, with_ending
from kg.errors import EvidenceError, InputError
from kg.prefixes import short_iri
from kg.sources import FACTS_FILE, TEXT_FILE, parse_turtle, read_utf8

ACCEPTED_FACTS = "# --- Accepted from draft.ttl (kg review / kg draft --accept) ---"
ACCEPTED_ENTITIES = "# --- Accepted from drafts (kg review / kg draft --accept) ---"


def _with_prefixes(old: str, needed: dict[str, str], ending: str) -> str:
    """Add the @prefix lines a file lacks after its last @prefix line (or at the top)."""
    have = prefix_lines(old)
    missing = [line for p, line in sorted(needed.items()) if p not in have]
    if not missing:
        return old
    lines = old.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if line.startswith("@prefix")), default=-1)
    insert = [m + ending for m in missing]
    return "".join(lines[: last + 1] + insert + lines[last + 1 :])


def _append(old: str, header: str, blocks: list[DraftBlock], *, comments: bool) -> str:
    """Append blocks under a header, in the old text's line endings; with `comments` False,
    the drafting comments (# draft, # why) are left out."""
    ending = line_ending(old)
    added = "" if old.endswith("\n") or not old else "\n"
    if header not in old:
        added += "\n" + header + "\n"
    for b in blocks:
        lines = [
            line.replace("# draft ", "# drafted: ", 1) if line.startswith("# draft ") else line
            for line in b.lines
            if comments or not _drafting_comment(line)
        ]
        added += "\n" + "\n".join(lines) + "\n"
    return old + with_ending(added, ending)


def _drafting_comment(line: str) -> bool:
    return line.startswith(("# draft ", "# why: "))


def _body(block: DraftBlock) -> str:
    """Return a block's Turtle lines without its drafting comments."""
    return "\n".join(line for line in block.lines if not _drafting_comment(line)).strip("\n")


def _defined(text: str) -> set[str]:
    """Return the fact: and ent: names a Turtle file defines (a name alone on its line)."""
    return {line.strip() for line in text.splitlines() if re.match(r"(?:fact|ent):\S+\s*$", line)}


def _check_facts(content: str, text: str, where: Path) -> None:
    """Parse a facts file's new content and locate its quotes; raise InputError if one fails."""
    graph = Graph()
    try:
        graph.parse(data=content, format="turtle")
    except Exception as exc:
        raise InputError(
            f"{where}: the accepted drafts do not parse: {str(exc).splitlines()[0]}"
        ) from exc
    from kg.namespaces import KG

    for fact, quote in graph.subject_objects(KG.quote):
        start = graph.value(fact, KG.quoteStart)
        try:
            evidence.locate(
                text,
                str(quote),
                fact=str(fact),
                source=where.parent.name,
                start=int(str(start)) if start is not None else None,
            )
        except EvidenceError as exc:
            raise InputError(f"{where}: {exc}") from exc


@dataclass
class Accepted:
    """What an accept moved: fact blocks into facts.ttl, entity blocks into the registry; and
    what was in facts.ttl or the registry already (an interrupted accept), taken out of the
    draft only."""

    facts: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    needed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def accept(
    folder: Path,
    sources_root: Path,
    names: list[str],
    edited: dict[str, DraftBlock] | None = None,
) -> Accepted:
    """Move the named drafts (and the drafts they need) from draft.ttl into facts.ttl, holding
    the sources folder's lock, and record the decisions."""
    with locked(sources_root):
        return _accept(folder, sources_root, names, edited or {})


def _accept(
    folder: Path, sources_root: Path, names: list[str], edited: dict[str, DraftBlock]
) -> Accepted:
    draft = read_draft(folder / DRAFT_FILE)
    facts_path = folder / FACTS_FILE
    registry_path = sources_root / registry.REGISTRY_FILE
    facts_before = read_exact(facts_path)
    registry_before = read_exact(registry_path)
    in_facts = _defined(facts_before)
    known = in_facts | {short_iri(str(e)) for e in registry.entities(parse_turtle(registry_path))}
    chosen: list[DraftBlock] = []
    result = Accepted()
    along: dict[str, str] = {}
    elsewhere: dict[str, tuple[Path, DraftFile]] = {}  # entities proposed in other drafts
    todo: list[tuple[str, str | None]] = [(n if ":" in n else f"fact:{n}", None) for n in names]
    defined = {d: b for b in draft.blocks for d in b.defines()}
    while todo:
        name, needed_by = todo.pop(0)
        block = edited.get(name) or draft.find(name)
        if any(b.name == block.name for b in chosen):
            continue
        chosen.append(block)
        if needed_by:
            result.needed.append(f"{name} (needed by {needed_by})")
            along[name] = needed_by
        if block.name in known:
            continue  # in facts.ttl or the registry already: nothing more is needed
        for ref in sorted(block.references()):
            if ref in known or ref in block.defines():
                continue
            if ref in defined:
                todo.append((defined[ref].name, name))
            elif ref.startswith("ent:") and ref not in elsewhere:
                found = _proposed_elsewhere(sources_root, folder, ref)
                if found is None:
                    raise InputError(
                        f"{block.name} names {ref}, which is neither in the registry nor proposed"
                    )
                elsewhere[ref] = found
                other = found[1].find(ref)
                chosen.append(other)
                result.needed.append(
                    f"{ref} (needed by {block.name}; proposed in the draft of {found[0].name})"
                )
                along[ref] = block.name
    already = [b for b in chosen if b.name in known]
    for b in already:
        text_in = facts_before if b.name.startswith("fact:") else registry_before
        if _body(b) not in text_in.replace("\r\n", "\n"):
            where = facts_path if b.name.startswith("fact:") else registry_path
            raise InputError(
                f"{where}: defines {b.name} already, not as draft.ttl does; "
                "rename it in draft.ttl (kg review, edit) or take its block out"
            )
    new = [b for b in chosen if b not in already]
    fact_blocks = [b for b in new if b.name.startswith("fact:")]
    entity_blocks = [b for b in new if b.name.startswith("ent:")]
    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    draft_text = draft.path.read_text(encoding="utf-8")
    needed_prefixes = prefix_lines(draft_text)
    new_facts = facts_before
    if fact_blocks:
        with_prefixes = _with_prefixes(facts_before, needed_prefixes, line_ending(facts_before))
        new_facts = _append(with_prefixes, ACCEPTED_FACTS, fact_blocks, comments=True)
    new_registry = registry_before
    if entity_blocks:
        ending = line_ending(registry_before)
        with_prefixes = _with_prefixes(registry_before, needed_prefixes, ending)
        new_registry = _append(with_prefixes, ACCEPTED_ENTITIES, entity_blocks, comments=False)
    _check_facts(new_facts, text, facts_path)
    try:
        Graph().parse(data=new_registry, format="turtle")
    except Exception as exc:
        raise InputError(f"{registry_path}: the accepted entries do not parse: {exc}") from exc
    if read_exact(facts_path) != facts_before or read_exact(registry_path) != registry_before:
        raise InputError(f"{facts_path}: changed while drafts were accepted; nothing written")
    prefixes = "\n".join(needed_prefixes.values())
    originals = {b.name: b for b in draft.blocks}
    decisions = [
        decide(
            originals.get(b.name, b),
            "edit" if b.name in edited and b.lines != originals[b.name].lines else "accept",
            text,
            prefixes,
            along.get(b.name, ""),
        )
        for b in new
        if b.name in originals
    ]
    writes: list[tuple[Path, str]] = []
    if new_facts != facts_before:
        writes.append((facts_path, new_facts))
    if new_registry != registry_before:
        writes.append((registry_path, new_registry))
    writes.append((draft.path, _draft_content(draft, {b.name for b in chosen})))
    others: dict[Path, tuple[DraftFile, list[str]]] = {}
    for ref, (other_folder, other_draft) in sorted(elsewhere.items()):
        others.setdefault(other_folder, (other_draft, []))[1].append(ref)
    other_decisions = []
    for other_folder, (other_draft, refs) in sorted(others.items()):
        writes.append((other_draft.path, _draft_content(other_draft, set(refs))))
        other_prefixes = "\n".join(
            prefix_lines(other_draft.path.read_text(encoding="utf-8")).values()
        )
        other_decisions.append(
            (
                other_folder,
                [decide(other_draft.find(r), "accept", "", other_prefixes, along[r]) for r in refs],
            )
        )
    replace_files(writes)
    record(folder, decisions)
    for other_folder, made in other_decisions:
        record(other_folder, made)
    result.facts = [b.name for b in fact_blocks]
    result.entities = [b.name for b in entity_blocks]
    result.already = [b.name for b in already]
    return result


def _proposed_elsewhere(root: Path, folder: Path, name: str) -> tuple[Path, DraftFile] | None:
    """Return the source folder and draft of another pending source proposing an entity
    (`kg.draft.crossref` proposes an entity once, in the first draft that names it)."""
    from kg.draft.crossref import proposer

    other = proposer(root, name, folder)
    return (other, read_draft(other / DRAFT_FILE)) if other is not None else None


def _draft_content(draft: DraftFile, without: set[str]) -> str:
    """Return a draft file without some blocks, in the file's own line endings."""
    return with_ending(draft.render(without), line_ending(read_exact(draft.path)))


def rejection(draft: DraftFile, names: set[str]) -> dict[str, str]:
    """Return what rejecting some blocks takes out of a draft: each name with the name it goes
    along with ("" for the named ones). What needs a rejected fact goes too; an action, time
    or entity that a block left in the draft needs stays."""
    gone: dict[str, str] = {n: "" for n in names}
    kept: set[str] = set()
    blocks = draft.blocks
    changed = True
    while changed:
        changed = False
        owner = {d: b for b in blocks if b.name in gone for d in b.defines()}
        for b in blocks:
            if b.name in gone or b.name in kept:
                continue
            facts = [owner[r].name for r in sorted(b.references()) if r in owner]
            facts = [n for n in facts if not placeholder(draft.find(n))]
            if facts:
                gone[b.name] = facts[0]
                changed = True
        for b in blocks:
            needed = any(u.name not in gone and b.defines() & u.references() for u in blocks)
            if b.name in gone and placeholder(b) and needed:
                del gone[b.name]
                kept.add(b.name)
                changed = True
    return gone


def reject(folder: Path, sources_root: Path, names: list[str]) -> dict[str, str]:
    """Take drafts out of draft.ttl as rejected (with what goes along with them) and record
    it, so that `kg draft` does not propose them again; return the names taken out."""
    with locked(sources_root):
        draft = read_draft(folder / DRAFT_FILE)
        wanted = {draft.find(n).name for n in names}
        gone = rejection(draft, wanted)
        _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
        prefixes = "\n".join(prefix_lines(draft.path.read_text(encoding="utf-8")).values())
        named = [draft.find(n) for n in names]
        along = [b for b in draft.blocks if b.name in gone and b not in named]
        decisions = [
            decide(b, "reject", text, prefixes, gone[b.name])
            for b in [*named, *along]
            if b.name in gone
        ]
        replace_files([(draft.path, _draft_content(draft, set(gone)))])
        record(folder, decisions)
    return gone


def skip(folder: Path, sources_root: Path, blocks: list[DraftBlock]) -> None:
    """Record that the analyst skipped some drafts (they stay in draft.ttl)."""
    with locked(sources_root):
        _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
        draft_text = (folder / DRAFT_FILE).read_text(encoding="utf-8")
        prefixes = "\n".join(prefix_lines(draft_text).values())
        record(folder, [decide(b, "skip", text, prefixes) for b in blocks])


def without_rejected(content: str, text: str, folder: Path) -> tuple[str, int, int]:
    """Leave out of a new draft what the analyst rejected before (and what goes with it);
    return the draft and how many facts and entities were left out."""
    keys = rejected(folder)
    if not keys:
        return content, 0, 0
    draft = parse_draft(content, folder / DRAFT_FILE)
    prefixes = "\n".join(prefix_lines(content).values())
    hit = {b.name for b in draft.blocks if key_text(key_of(b, text, prefixes)) in keys}
    if not hit:
        return content, 0, 0
    gone = rejection(draft, hit)
    facts = sum(
        1 for n in gone if n.startswith("fact:") and block_class(draft.find(n)) != TIME_CLASS
    )
    return draft.render(set(gone)), facts, sum(1 for n in gone if n.startswith("ent:"))


TIME_CLASS = "time:DateTimeInterval"


def parse_block(block: DraftBlock, prefixes: str) -> None:
    """Raise InputError if a block, with the draft's prefixes, is not valid Turtle."""
    try:
        Graph().parse(data=prefixes + "\n" + block.text, format="turtle")
    except Exception as exc:
        raise InputError(f"{block.name}: not valid Turtle: {str(exc).splitlines()[0]}") from exc


def missing(block: DraftBlock, prefixes: str) -> list[str]:
    """Return the fields a fact block lacks that its class's shape requires (`sh:minCount`),
    as "name (path)"; empty for a complete block or a class the shapes do not describe."""
    from rdflib import URIRef

    from kg import shapes
    from kg.namespaces import KG

    cls = block_class(block)
    described = shapes.fact_classes().get(cls.removeprefix("kg:")) if cls[:3] == "kg:" else None
    if described is None:
        return []
    graph = Graph().parse(data=prefixes + "\n" + block.text, format="turtle")
    nodes = list(graph.subjects(KG.quote, None)) or list(graph.subjects())
    lacking = []
    for f in described.required:
        if f.group == "provenance":  # written by the build
            continue
        values = nodes[:1]
        for step in f.steps:
            values = [v for n in values for v in graph.objects(n, URIRef(shapes.expand(step)))]
        if len(values) < f.min:
            lacking.append(f"{f.name} ({f.path})")
    return lacking


def split_edited(changed: str, unit: list[DraftBlock]) -> list[DraftBlock]:
    """Split an edited unit back into blocks by their `# draft NAME` lines (text before the
    first belongs to the unit's first block)."""
    parsed: list[DraftBlock] = []
    for line in changed.rstrip("\n").splitlines():
        if line.startswith("# draft ") and len(line.split()) > 2:
            parsed.append(DraftBlock(line.split()[2], [line]))
        elif parsed:
            parsed[-1].lines.append(line)
        else:
            parsed.append(DraftBlock(unit[0].name, [line]))
    for b in parsed:
        while b.lines and not b.lines[-1].strip():
            b.lines.pop()
    return [b for b in parsed if any(line.strip() for line in b.lines)]


def review(
    folder: Path,
    sources_root: Path,
    ask: Callable[[list[DraftBlock], str], str],
    edit: Callable[[str], str | None],
    say: Callable[[str], None],
) -> Accepted:
    """Show the drafts in the order of the text, each with its sentence and what it needs;
    accept, edit, reject or skip them as `ask` answers (a, e, r, s; q stops)."""
    path = folder / DRAFT_FILE
    draft = read_draft(path)
    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    prefixes = "\n".join(prefix_lines(path.read_text(encoding="utf-8")).values())
    total = Accepted()
    for planned in units(draft, text, prefixes):
        now = {b.name: b for b in read_draft(path).blocks}  # another command may have moved some
        unit = [now[b.name] for b in planned if b.name in now]
        if not unit or unit[0].name != planned[0].name:
            continue
        answer = ask(unit, _sentence_of(unit[0], text, prefixes))
        if answer == "q":
            break
        if answer == "s":
            skip(folder, sources_root, unit)
            continue
        if answer == "r":
            gone = reject(folder, sources_root, [b.name for b in unit])
            for name, along in gone.items():
                if along and name not in {b.name for b in unit}:
                    say(f"also rejected {name} (it needs {along})")
            continue
        chosen = unit
        if answer == "e":
            changed = edit("\n".join(b.text for b in unit))
            if changed is None or not changed.strip():
                say(f"{unit[0].name}: left as drafted (no edit saved)")
                continue
            chosen = split_edited(changed, unit)
            for b in chosen:
                parse_block(b, prefixes)
                lacking = missing(b, prefixes)
                if lacking:
                    raise InputError(
                        f"{b.name}: a {block_class(b)} needs {', '.join(lacking)} (its shape); "
                        "not accepted"
                    )
        result = accept(
            folder, sources_root, [b.name for b in chosen], edited={b.name: b for b in chosen}
        )
        total.facts += result.facts
        total.entities += result.entities
        total.needed += result.needed
        total.already += result.already
        for line in result.needed:
            say(f"also accepted {line}")
        for name in result.already:
            say(f"{name}: in facts.ttl already (an earlier accept was cut short); out of draft.ttl")
    return total


def _sentence_of(block: DraftBlock, text: str, prefixes: str) -> str:
    """Return the sentence of the text that holds a block's quote (or "")."""
    from kg.namespaces import KG

    graph = Graph()
    try:
        graph.parse(data=prefixes + "\n" + block.text, format="turtle")
    except Exception:
        return ""
    for _fact, quote in graph.subject_objects(KG.quote):
        start = graph.value(_fact, KG.quoteStart)
        at = int(str(start)) if start is not None else text.find(str(quote))
        for s in evidence.sentences(text):
            if s.begin <= at < s.end:
                return s.slice(text)
    return ""
