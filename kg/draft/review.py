"""Accepting drafts: move blocks of draft.ttl into facts.ttl (and proposed entities into the
registry) as a clean diff, appended at the end, never rewriting what the analyst wrote.

A facts file that changes while its drafts are being accepted is left alone (the write is
refused), and a write that would leave it unparsable or with a quote not in the text is rolled
back, so a failed accept leaves the last good files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg import evidence, registry
from kg.draft import DRAFT_FILE, atomic_write
from kg.draft.turtle import marker_ok, seal
from kg.errors import EvidenceError, InputError
from kg.prefixes import short_iri
from kg.sources import FACTS_FILE, TEXT_FILE, parse_turtle, read_utf8

ACCEPTED_FACTS = "# --- Accepted from draft.ttl (kg review / kg draft --accept) ---"
ACCEPTED_ENTITIES = "# --- Accepted from drafts (kg review / kg draft --accept) ---"
_NAME = re.compile(r"(?<![\w:/#<-])((?:fact|ent):[A-Za-z0-9][\w\-.]*[\w\-])")


@dataclass
class DraftBlock:
    """One proposal of a draft file: its name (`fact:x` or `ent:x`) and its lines."""

    name: str
    lines: list[str]

    @property
    def text(self) -> str:
        """Return the block as it stands in the file."""
        return "\n".join(self.lines) + "\n"

    def references(self) -> set[str]:
        """Return the fact: and ent: names the block's Turtle mentions (not in comments)."""
        body = [line for line in self.lines if not line.lstrip().startswith("#")]
        return set(_NAME.findall("\n".join(body))) - {self.name}

    def defines(self) -> set[str]:
        """Return the names the block defines (its node, its participation and time nodes)."""
        return {m.group(1) for line in self.lines if (m := re.match(r"((?:fact|ent):\S+)$", line))}


@dataclass
class DraftFile:
    """A draft file split into its head (comments and prefixes), section lines and blocks."""

    path: Path
    head: list[str]
    items: list[DraftBlock | str] = field(default_factory=list)
    sealed: bool = True

    @property
    def blocks(self) -> list[DraftBlock]:
        """Return the blocks, in file order."""
        return [i for i in self.items if isinstance(i, DraftBlock)]

    def find(self, name: str) -> DraftBlock:
        """Return the block of a name, or raise InputError naming the draft file."""
        wanted = name if ":" in name else f"fact:{name}"
        for b in self.blocks:
            if b.name == wanted:
                return b
        raise InputError(f"{self.path}: no draft {wanted} (the file lists them as # draft NAME)")

    def render(self, without: set[str]) -> str:
        """Return the file without some blocks (sections left empty are dropped)."""
        out = list(self.head)
        pending: list[str] = []
        for item in self.items:
            if isinstance(item, str):
                pending = [item, ""]
            elif item.name not in without:
                out += pending
                pending = []
                out += [*item.lines, ""]
        text = "\n".join(out).rstrip("\n") + "\n"
        return seal(text) if self.sealed else text


def read_draft(path: Path) -> DraftFile:
    """Split a draft file into blocks, each from its `# draft NAME` line to the next one."""
    if not path.is_file():
        raise InputError(f"{path}: no draft; run kg draft first")
    whole = path.read_text(encoding="utf-8")
    draft = DraftFile(path, [], sealed=marker_ok(whole))
    current: DraftBlock | None = None
    started = False
    for line in whole.splitlines():
        if line.startswith("# --- "):
            started = True
            current = None
            draft.items.append(line)
        elif line.startswith("# draft "):
            started = True
            current = DraftBlock(line.split()[2], [line])
            draft.items.append(current)
        elif not started:
            draft.head.append(line)
        elif current is not None:
            current.lines.append(line)
    for b in draft.blocks:
        while b.lines and not b.lines[-1].strip():
            b.lines.pop()
    return draft


def _prefix_lines(text: str) -> dict[str, str]:
    return {
        m.group(1): m.group(0) for m in re.finditer(r"(?m)^@prefix\s+(\w*):\s*<[^>]*>\s*\.", text)
    }


def _with_prefixes(old: str, needed: dict[str, str]) -> str:
    """Add the @prefix lines a file lacks after its last @prefix line (or at the top)."""
    have = _prefix_lines(old)
    missing = [line for p, line in sorted(needed.items()) if p not in have]
    if not missing:
        return old
    lines = old.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if line.startswith("@prefix")), default=-1)
    insert = [m + "\n" for m in missing]
    return "".join(lines[: last + 1] + insert + lines[last + 1 :])


def _append(old: str, header: str, blocks: list[DraftBlock]) -> str:
    text = old if old.endswith("\n") else old + "\n"
    if header not in text:
        text += "\n" + header + "\n"
    for b in blocks:
        lines = [
            line.replace("# draft ", "# drafted: ", 1) if line.startswith("# draft ") else line
            for line in b.lines
        ]
        text += "\n" + "\n".join(lines) + "\n"
    return text


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    """What an accept moved: fact blocks into facts.ttl, entity blocks into the registry."""

    facts: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    needed: list[str] = field(default_factory=list)


def accept(
    folder: Path,
    sources_root: Path,
    names: list[str],
    edited: dict[str, DraftBlock] | None = None,
) -> Accepted:
    """Move the named drafts (and the drafts they need) from draft.ttl into facts.ttl."""
    draft = read_draft(folder / DRAFT_FILE)
    facts_path = folder / FACTS_FILE
    registry_path = sources_root / registry.REGISTRY_FILE
    facts_before = facts_path.read_text(encoding="utf-8")
    facts_hash = _digest(facts_path)
    registry_before = registry_path.read_text(encoding="utf-8")
    registry_hash = _digest(registry_path)
    edited = edited or {}
    known = set(
        _NAME.findall(
            "\n".join(
                line for line in facts_before.splitlines() if re.match(r"(?:fact|ent):\S+$", line)
            )
        )
    )
    known |= {short_iri(str(e)) for e in registry.entities(parse_turtle(registry_path))}
    chosen: list[DraftBlock] = []
    result = Accepted()
    todo: list[tuple[str, str | None]] = [(n if ":" in n else f"fact:{n}", None) for n in names]
    while todo:
        name, needed_by = todo.pop(0)
        block = edited.get(name) or draft.find(name)
        if block in chosen or any(b.name == block.name for b in chosen):
            continue
        chosen.append(block)
        if needed_by:
            result.needed.append(f"{name} (needed by {needed_by})")
        defined = {d for b in draft.blocks for d in b.defines()}
        for ref in sorted(block.references()):
            if ref in known or ref in block.defines():
                continue
            if ref in defined:
                owner = next(b for b in draft.blocks if ref in b.defines())
                todo.append((owner.name, name))
            elif ref.startswith("ent:"):
                raise InputError(
                    f"{block.name} names {ref}, which is neither in the registry nor proposed"
                )
    fact_blocks = [b for b in chosen if b.name.startswith("fact:")]
    entity_blocks = [b for b in chosen if b.name.startswith("ent:")]
    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    draft_text = draft.path.read_text(encoding="utf-8")
    needed_prefixes = _prefix_lines(draft_text)
    new_facts = (
        _append(_with_prefixes(facts_before, needed_prefixes), ACCEPTED_FACTS, fact_blocks)
        if fact_blocks
        else facts_before
    )
    new_registry = (
        _append(_with_prefixes(registry_before, needed_prefixes), ACCEPTED_ENTITIES, entity_blocks)
        if entity_blocks
        else registry_before
    )
    _check_facts(new_facts, text, facts_path)
    try:
        Graph().parse(data=new_registry, format="turtle")
    except Exception as exc:
        raise InputError(f"{registry_path}: the accepted entries do not parse: {exc}") from exc
    if _digest(facts_path) != facts_hash or _digest(registry_path) != registry_hash:
        raise InputError(f"{facts_path}: changed while drafts were accepted; nothing written")
    if new_facts != facts_before:
        atomic_write(facts_path, new_facts)
    if new_registry != registry_before:
        atomic_write(registry_path, new_registry)
    atomic_write(draft.path, draft.render({b.name for b in chosen}))
    result.facts = [b.name for b in fact_blocks]
    result.entities = [b.name for b in entity_blocks]
    return result


def parse_block(block: DraftBlock, prefixes: str) -> None:
    """Raise InputError if a block, with the draft's prefixes, is not valid Turtle."""
    try:
        Graph().parse(data=prefixes + "\n" + block.text, format="turtle")
    except Exception as exc:
        raise InputError(f"{block.name}: not valid Turtle: {str(exc).splitlines()[0]}") from exc


def review(
    folder: Path,
    sources_root: Path,
    ask: Callable[[DraftBlock, str], str],
    edit: Callable[[str], str | None],
    say: Callable[[str], None],
) -> Accepted:
    """Show each draft with its sentence; accept, edit or skip it as `ask` answers."""
    draft = read_draft(folder / DRAFT_FILE)
    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    prefixes = "\n".join(_prefix_lines(draft.path.read_text(encoding="utf-8")).values())
    total = Accepted()
    done: set[str] = set()
    for block in draft.blocks:
        if block.name in done:
            continue
        sentence = _sentence_of(block, text, prefixes)
        answer = ask(block, sentence)
        if answer == "q":
            break
        if answer == "s":
            continue
        chosen = block
        if answer == "e":
            changed = edit(block.text)
            if changed is None or not changed.strip():
                say(f"{block.name}: left as drafted (no edit saved)")
                continue
            chosen = DraftBlock(block.name, changed.rstrip("\n").splitlines())
            parse_block(chosen, prefixes)
        result = accept(folder, sources_root, [block.name], edited={block.name: chosen})
        for name in result.facts + result.entities:
            done.add(name)
        total.facts += result.facts
        total.entities += result.entities
        total.needed += result.needed
        for line in result.needed:
            say(f"also accepted {line}")
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
