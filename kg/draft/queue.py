"""The review queue across sources: which sources are drafted by `kg draft --all`, in which
order `kg review` (no source) walks the corpus, and how much is left.

A source is *unreviewed* when its facts file holds nothing beyond the skeleton `kg new` wrote:
every subject of facts.ttl is the source itself (`src:SLUG`), a node of it (`src:SLUG#…`, such
as the saved original) or a blank node; no fact node (`fact:SLUG/…`) and nothing else.
Sources are taken in a stable order: by publication date (`dct:issued`), undated ones last,
then by slug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS

from kg.namespaces import SRC
from kg.sources import FACTS_FILE, TEXT_FILE, discover, parse_turtle, read_utf8


def unreviewed(folder: Path, facts: Graph | None = None) -> bool:
    """Say whether a source's facts file holds no fact: only its metadata, as kg new wrote it."""
    graph = facts if facts is not None else parse_turtle(folder / FACTS_FILE)
    own = str(SRC[folder.name])
    for subject in set(graph.subjects()):
        if isinstance(subject, BNode):
            continue
        if isinstance(subject, URIRef) and (
            str(subject) == own or str(subject).startswith(own + "#")
        ):
            continue
        return False
    return True


def published(facts: Graph, slug: str) -> str:
    """Return a source's publication date as written (dct:issued), or "" if it has none."""
    value = facts.value(SRC[slug], DCTERMS.issued)
    return str(value) if value is not None else ""


def order(root: Path) -> list[Path]:
    """Return the source folders by publication date (undated last), then slug."""
    from kg.errors import InputError

    keyed = []
    for folder in discover(root):
        try:
            date = published(parse_turtle(folder / FACTS_FILE), folder.name)
        except InputError:
            date = ""  # a facts file being edited: its place is the undated ones'
        keyed.append(((0, date) if date else (1, ""), folder.name, folder))
    return [folder for *_key, folder in sorted(keyed, key=lambda k: (k[0], k[1]))]


@dataclass
class Drafting:
    """What `kg draft --all` did: the drafts written, and the sources left as they were."""

    written: list[tuple[Path, int, int]] = field(default_factory=list)  # path, facts, entities
    reviewed: list[str] = field(default_factory=list)  # facts.ttl holds facts already
    have_draft: list[str] = field(default_factory=list)  # a draft.ttl is there (no --force)
    failed: list[str] = field(default_factory=list)  # one line each


def to_draft(root: Path, *, force: bool = False) -> tuple[list[Path], Drafting]:
    """Return the sources `kg draft --all` drafts (unreviewed, and without a draft unless
    `force`), in queue order, and the ones it leaves."""
    from kg.draft.draftfile import DRAFT_FILE
    from kg.errors import InputError

    chosen: list[Path] = []
    result = Drafting()
    for folder in order(root):
        try:
            done = not unreviewed(folder)
        except InputError as exc:
            result.failed.append(str(exc).splitlines()[0])
            continue
        if done:
            result.reviewed.append(folder.name)
        elif (folder / DRAFT_FILE).exists() and not force:
            result.have_draft.append(folder.name)
        else:
            chosen.append(folder)
    return chosen, result


@dataclass
class Pending:
    """One source with proposals left to review, and how many (units, as `kg review` asks)."""

    folder: Path
    proposals: int


def count(folder: Path, shown: set[str] | None = None) -> int:
    """Return how many proposals of a source's draft are left to ask about (none shown yet)."""
    from kg.draft.draftfile import DRAFT_FILE, prefix_lines, read_draft, units
    from kg.errors import InputError

    path = folder / DRAFT_FILE
    if not path.is_file():
        return 0
    try:
        draft = read_draft(path)
        prefixes = "\n".join(prefix_lines(path.read_text(encoding="utf-8")).values())
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not draft.blocks:
        return 0
    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    return sum(1 for u in units(draft, text, prefixes) if u[0].name not in (shown or set()))


def pending(root: Path) -> list[Pending]:
    """Return the sources whose draft.ttl holds proposals, in queue order, with their counts."""
    from kg.draft.draftfile import DRAFT_FILE

    out = []
    for folder in order(root):
        if (folder / DRAFT_FILE).is_file():
            n = count(folder)
            if n:
                out.append(Pending(folder, n))
    return out
