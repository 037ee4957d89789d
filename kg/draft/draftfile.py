"""The draft file (`draft.ttl`): its blocks, one per proposal, and the order they are reviewed in.

`kg draft` writes it (`kg.draft.turtle`), `kg review` reads and rewrites it (`kg.draft.review`);
the review queue (`kg.draft.queue`) and the entities across drafts (`kg.draft.crossref`) read it
through this module, which imports none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.draft.decisions import key_of
from kg.draft.turtle import marker_ok, seal
from kg.errors import InputError

DRAFT_FILE = "draft.ttl"
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
    return parse_draft(path.read_text(encoding="utf-8"), path)


def parse_draft(whole: str, path: Path) -> DraftFile:
    """Split a draft file's text into its head, section lines and blocks."""
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


def prefix_lines(text: str) -> dict[str, str]:
    """Return the `@prefix` lines of a Turtle text, by prefix."""
    return {
        m.group(1): m.group(0) for m in re.finditer(r"(?m)^@prefix\s+(\w*):\s*<[^>]*>\s*\.", text)
    }


def block_class(block: DraftBlock) -> str:
    """Return the class a block's node is given (`kg:Action`, …), or "" for none."""
    for line in block.lines:
        found = re.match(r"\s+a\s+(\S+?)\s*[;.,]?\s*$", line)
        if found:
            return found.group(1)
    return ""


def placeholder(block: DraftBlock) -> bool:
    """Say whether a block only serves others: an action, a time, a proposed entity."""
    return block.name.startswith("ent:") or block_class(block) in (
        "kg:Action",
        "time:DateTimeInterval",
    )


def units(draft: DraftFile, text: str, prefixes: str) -> list[list[DraftBlock]]:
    """Return the drafts as the analyst reviews them: in the order of the text, each fact with
    the actions, times and entities it needs (not yet shown) and the inference records about
    it; what nothing needs comes alone, in its place."""
    blocks = draft.blocks
    index = {b.name: i for i, b in enumerate(blocks)}
    defined = {d: b for b in blocks for d in b.defines()}
    at: dict[str, int] = {}
    for b in blocks:
        key = key_of(b, text, prefixes)
        if "begin" in key:
            at[b.name] = int(key["begin"])
    about: dict[str, list[DraftBlock]] = {}
    for b in blocks:
        if block_class(b) == "kg:Inference":
            subject = next(
                (
                    m.group(1)
                    for line in b.lines
                    if (m := re.match(r"\s+rdf:subject\s+(\S+)", line))
                ),
                "",
            )
            if subject in defined:
                about.setdefault(defined[subject].name, []).append(b)
    attached = {id(b) for bs in about.values() for b in bs}
    late = len(text) + 1

    def place(b: DraftBlock) -> tuple[int, int]:
        return (at.get(b.name, late), index[b.name])

    shown: set[str] = set()
    out: list[list[DraftBlock]] = []

    def needs(b: DraftBlock, unit: list[DraftBlock]) -> None:
        for ref in sorted(b.references()):
            owner = defined.get(ref)
            if owner is not None and placeholder(owner) and owner.name not in shown:
                shown.add(owner.name)
                unit.append(owner)
                needs(owner, unit)

    primary = [b for b in blocks if not placeholder(b) and id(b) not in attached]
    for b in sorted(primary, key=place):
        if b.name in shown:
            continue
        shown.add(b.name)
        unit = [b]
        needs(b, unit)
        for inference in about.get(b.name, []):
            if inference.name not in shown:
                shown.add(inference.name)
                unit.append(inference)
                needs(inference, unit)
        out.append(unit)
    rest = sorted((b for b in blocks if b.name not in shown), key=place)
    for b in rest:
        if b.name not in shown:
            shown.add(b.name)
            unit = [b]
            needs(b, unit)
            out.append(unit)
    return sorted(out, key=lambda u: place(u[0]))
