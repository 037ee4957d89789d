"""Merging two registry entries, reversibly: `kg registry merge A B --reason "…"` and its undo.

A merge keeps A and retires B: B's entry leaves `entities.ttl`, its names become A's alternative
labels (its label and alternative labels) and metonyms, what else it states and A lacks is
moved to A, and A records `dct:replaces ent:B` (the retired IRI stays known). Every mention of
B in the registry, in every `sources/*/facts.ttl` and in the pending drafts (`draft.ttl`, sealed
again) becomes A. Each file is changed in place, line by line (one clean diff), and all of
them are replaced together under the sources lock (`kg.editing.replace_files`), the merges log
(`sources/merges.jsonl`) with them.

The log keeps, per merge, an id, the time, both entities, the reason and the changed lines of
each file (with two lines of context). `kg registry unmerge ID` puts those lines back where
they still stand (facts and registry edited since elsewhere keep their edits; a changed line
the merge made that was edited since stops the undo in one line), and records the undo.
Drafts are proposals: lines of a draft gone since the merge are passed over.

A merge is refused, in one line, across incompatible classes (a person and a state named
alike), between entities the registry says differ (`owl:differentFrom`), and between entities
linked (`owl:sameAs`) to different things.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg import registry
from kg.editing import locked, read_exact, read_records, replace_files
from kg.errors import InputError
from kg.namespaces import ENT, KG
from kg.sources import FACTS_FILE, REGISTRY_FILE, discover, parse_turtle

MERGES_FILE = "merges.jsonl"
CONTEXT = 2
_MOVED_NAMES = {RDFS.label: SKOS.altLabel, SKOS.altLabel: SKOS.altLabel, KG.metonym: KG.metonym}
_NOT_MOVED = {RDF.type, OWL.differentFrom}


@dataclass(frozen=True)
class Merge:
    """One merge of the log: its id, the entity kept, the one retired, why, and whether it was
    undone."""

    id: int
    kept: str
    merged: str
    reason: str
    time: str
    undone: bool = False

    def line(self) -> str:
        """Return the merge as one readable line."""
        state = " (undone)" if self.undone else ""
        return f"{self.id}\t{self.kept} <- {self.merged}\t{self.time}\t{self.reason}{state}"


def _entity(value: str) -> URIRef:
    """Return the registry IRI a user gave: ent:x, x, or the whole IRI."""
    value = value.strip()
    if value.startswith(str(ENT)):
        return URIRef(value)
    local = value.removeprefix("ent:")
    if not re.fullmatch(r"[A-Za-z0-9][\w\-.]*", local):
        raise InputError(f"{value!r}: not an entity (ent:NAME)")
    return ENT[local]


def _short(iri: URIRef) -> str:
    return "ent:" + str(iri)[len(str(ENT)) :]


def _token(iri: URIRef) -> re.Pattern[str]:
    """A pattern for every way a Turtle file names an entity: ent:x or its whole IRI."""
    local = re.escape(str(iri)[len(str(ENT)) :])
    return re.compile(rf"(?<![\w:/#<\-])ent:{local}(?![\w\-]|\.[\w\-])|<{re.escape(str(iri))}>")


def _replace(text: str, old: URIRef, new: URIRef) -> str:
    pattern = _token(old)

    def sub(m: re.Match[str]) -> str:
        return f"<{new}>" if m.group(0).startswith("<") else _short(new)

    return pattern.sub(sub, text)


def _hunks(old: str, new: str) -> list[dict[str, Any]]:
    """Return the lines a change replaced, each with its place and context in the new text."""
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    out = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.append(
            {
                "at": j1,
                "before": b[max(0, j1 - CONTEXT) : j1],
                "after": b[j2 : j2 + CONTEXT],
                "old": a[i1:i2],
                "new": b[j1:j2],
            }
        )
    return out


def _undo_hunks(text: str, hunks: list[dict[str, Any]], where: Path, *, strict: bool) -> str:
    """Put back the lines of a change where they still stand; raise InputError (or, not
    `strict`, pass over the hunk) where they are gone. Every hunk is found in the text as it
    is, then all are put back, the last first."""
    lines = text.splitlines(keepends=True)

    def fits(p: int, hunk: dict[str, Any]) -> bool:
        before, new, after = hunk["before"], hunk["new"], hunk["after"]
        return (
            p - len(before) >= 0
            and p + len(new) <= len(lines)
            and lines[p - len(before) : p] == before
            and lines[p : p + len(new)] == new
            and lines[p + len(new) : p + len(new) + len(after)] == after
        )

    placed: list[tuple[int, dict[str, Any]]] = []
    shift = 0  # lines added or removed above since the merge: the last hunk's offset
    for hunk in sorted(hunks, key=lambda h: int(h["at"])):
        at = int(hunk["at"])
        guess = next((p for p in (at + shift, at) if fits(p, hunk)), None)
        if guess is not None:
            placed.append((guess, hunk))
            shift = guess - at
            continue
        found = [p for p in range(len(lines) + 1) if fits(p, hunk)]
        if len(found) == 1:
            placed.append((found[0], hunk))
            shift = found[0] - at
        elif strict:
            raise InputError(f"{where}:{at + 1}: changed since the merge; not undone")
    for place, hunk in sorted(placed, key=lambda ph: ph[0], reverse=True):
        lines[place : place + len(hunk["new"])] = hunk["old"]
    return "".join(lines)


def _block(text: str, iri: URIRef, graph: Graph, where: Path) -> tuple[int, int]:
    """Return the lines [start, end) of an entity's entry in the registry: from its name alone
    on a line to the next blank line; raise InputError unless they state exactly its triples."""
    lines = text.splitlines(keepends=True)
    head = _short(iri)
    starts = [i for i, line in enumerate(lines) if line.strip() in (head, f"<{iri}>")]
    if len(starts) != 1:
        raise InputError(f"{where}: {head} is not one entry of its own; merge by hand")
    start = end = starts[0]
    while end < len(lines) and lines[end].strip():
        end += 1
    prefixes = "".join(line for line in lines if line.startswith("@prefix"))
    part = Graph()
    try:
        part.parse(data=prefixes + "".join(lines[start:end]), format="turtle")
    except Exception:
        raise InputError(
            f"{where}:{start + 1}: the entry of {head} is not a block of its own"
        ) from None
    if set(part) != set(graph.triples((iri, None, None))):
        raise InputError(f"{where}:{start + 1}: the entry of {head} is not a block of its own")
    return start, end


def _n3(value: Any) -> str:
    if isinstance(value, URIRef):
        for prefix, ns in (("ent", str(ENT)), ("kg", str(KG))):
            if str(value).startswith(ns) and re.fullmatch(r"[\w\-]+", str(value)[len(ns) :]):
                return f"{prefix}:{str(value)[len(ns) :]}"
        return f"<{value}>"
    return str(value.n3())


_PREDICATES = {
    RDFS.label: "rdfs:label",
    SKOS.altLabel: "skos:altLabel",
    KG.metonym: "kg:metonym",
    OWL.sameAs: "owl:sameAs",
    RDFS.comment: "rdfs:comment",
    DCTERMS.replaces: "dct:replaces",
}


def _rows(kept: URIRef, merged: URIRef, graph: Graph) -> list[tuple[str, str]]:
    """Return what the kept entry gains: the retired one's names and what else it states."""
    have = {registry.normalize(str(o)) for p in _MOVED_NAMES for o in graph.objects(kept, p)}
    rows: list[tuple[str, str]] = []
    for p, o in sorted(graph.predicate_objects(merged)):
        if not isinstance(p, URIRef) or p in _NOT_MOVED:
            continue
        if p in _MOVED_NAMES:
            key = registry.normalize(str(o))
            if key in have:
                continue
            have.add(key)
            target = _MOVED_NAMES[p]
        elif (kept, p, None) in graph:
            continue  # the kept entry says it already (its own value stays)
        else:
            target = p
        name = _PREDICATES.get(target) or _n3(target)
        rows.append((name, _n3(o)))
    rows.append(("dct:replaces", _short(merged)))
    return rows


def _extend(block: list[str], rows: list[tuple[str, str]]) -> list[str]:
    """Return an entry's lines with rows added at its end, aligned as its first row is."""
    first = next((line for line in block[1:] if line.startswith("    ")), "")
    found = re.match(r"(    \S+\s+)", first)
    column = len(found.group(1)) if found else 0
    ending = "\r\n" if block[-1].endswith("\r\n") else "\n"
    last = block[-1].rstrip("\r\n")
    if not last.rstrip().endswith("."):
        raise InputError(f"the entry of {block[0].strip()} does not end with ' .'; merge by hand")
    out = [*block[:-1], last.rstrip()[:-1].rstrip() + " ;" + ending]
    simple = [re.fullmatch(r"    (\S+) +(\S.*?)\r?\n?", line) for line in out[1:]]
    if all(simple):  # one object a row: the rows are aligned again, as the registry's are
        pairs = [(m.group(1), m.group(2).removesuffix(";").rstrip()) for m in simple if m]
        column = 4 + max(len(p) for p, _ in [*pairs, *rows]) + 1
        out = [out[0]] + [f"    {p}".ljust(column) + o + " ;" + ending for p, o in pairs]
    for n, (p, o) in enumerate(rows):
        head = f"    {p} "
        if len(head) < column:
            head = head.ljust(column)
        out.append(head + o + (" ." if n == len(rows) - 1 else " ;") + ending)
    return out


def _with_prefix(text: str, prefix: str, iri: str) -> str:
    """Add an @prefix line after the last one if the file lacks it."""
    if re.search(rf"(?m)^@prefix\s+{prefix}:", text):
        return text
    lines = text.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if line.startswith("@prefix")), default=-1)
    ending = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    width = max((len(m) for m in re.findall(r"(?m)^@prefix\s+\w*:\s*", text)), default=0)
    line = f"@prefix {prefix}:".ljust(width) if width else f"@prefix {prefix}: "
    lines.insert(last + 1, f"{line}<{iri}> .{ending}")
    return "".join(lines)


def read_log(root: Path) -> list[Merge]:
    """Return the merges of a sources folder's log, oldest first, each with its undo state."""
    merges: dict[int, Merge] = {}
    for n, entry in _entries(root):
        if entry.get("undo"):
            if not isinstance(entry["undo"], int):
                raise InputError(f"{root / MERGES_FILE}:{n}: not an undo record")
            done = merges.get(entry["undo"])
            if done is not None:
                merges[done.id] = Merge(
                    done.id, done.kept, done.merged, done.reason, done.time, True
                )
            continue
        try:
            merges[int(entry["id"])] = Merge(
                int(entry["id"]), entry["kept"], entry["merged"], entry["reason"], entry["time"]
            )
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{root / MERGES_FILE}:{n}: not a merge record") from None
    return list(merges.values())


def _entries(root: Path) -> list[tuple[int, dict[str, Any]]]:
    return read_records(root / MERGES_FILE, "a merge record")


def _files(root: Path) -> list[tuple[Path, bool]]:
    """Return the files a merge rewrites: the registry, every facts file, every draft (True)."""
    from kg.draft.draftfile import DRAFT_FILE

    out = [(root / REGISTRY_FILE, False)]
    for folder in discover(root):
        out.append((folder / FACTS_FILE, False))
        if (folder / DRAFT_FILE).is_file():
            out.append((folder / DRAFT_FILE, True))
    return out


def _read(path: Path) -> str:
    """Read a file as it is, or raise InputError naming it (not UTF-8)."""
    try:
        return read_exact(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); nothing merged") from None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def merge(root: Path, kept_name: str, merged_name: str, reason: str) -> tuple[Merge, list[Path]]:
    """Merge registry entry `merged_name` into `kept_name`, under the sources lock; return the
    merge and the files changed."""
    if not reason.strip():
        raise InputError("a merge needs its reason (--reason)")
    kept, merged = _entity(kept_name), _entity(merged_name)
    if kept == merged:
        raise InputError(f"{_short(kept)}: an entity cannot be merged with itself")
    with locked(root):
        return _merge(root, kept, merged, reason.strip())


def _merge(root: Path, kept: URIRef, merged: URIRef, reason: str) -> tuple[Merge, list[Path]]:
    from kg import resources
    from kg.draft.turtle import marker_ok, seal

    path = root / REGISTRY_FILE
    graph = registry.load(root)
    for iri in (kept, merged):
        if (iri, RDF.type, None) not in graph:
            raise InputError(f"{path}: no entity {_short(iri)}")
    ontology = parse_turtle(resources.ontology_file())
    a = [c for c in graph.objects(kept, RDF.type) if isinstance(c, URIRef)]
    b = [c for c in graph.objects(merged, RDF.type) if isinstance(c, URIRef)]
    if not all(any(registry.compatible(ontology, x, y) for x in a) for y in b):
        raise InputError(
            f"{_short(kept)} is a {' '.join(sorted(_n3(c) for c in a))} and {_short(merged)} "
            f"a {' '.join(sorted(_n3(c) for c in b))}: not one entity; not merged"
        )
    if (kept, OWL.differentFrom, merged) in graph or (merged, OWL.differentFrom, kept) in graph:
        raise InputError(f"{path}: {_short(kept)} and {_short(merged)} are owl:differentFrom")
    same_a, same_b = set(graph.objects(kept, OWL.sameAs)), set(graph.objects(merged, OWL.sameAs))
    if same_a and same_b and not same_a & same_b:
        raise InputError(
            f"{path}: {_short(kept)} and {_short(merged)} are owl:sameAs different things; "
            "not merged"
        )
    text = _read(path)
    b_start, b_end = _block(text, merged, graph, path)
    a_start, a_end = _block(text, kept, graph, path)
    lines = [_replace(line, merged, kept) for line in text.splitlines(keepends=True)]
    new_a = _extend(lines[a_start:a_end], _rows(kept, merged, graph))
    drop_end = b_end + 1 if b_end < len(lines) and not lines[b_end].strip() else b_end
    if drop_end == len(lines) and b_start > 0 and not lines[b_start - 1].strip():
        b_start -= 1  # the last entry: its blank line before goes with it
    out: list[str] = []
    for i, line in enumerate(lines):
        if i == a_start:
            out += new_a
        if a_start <= i < a_end or b_start <= i < drop_end:
            continue
        out.append(line)
    new_registry = _with_prefix("".join(out), "dct", str(DCTERMS))
    check = Graph()
    try:
        check.parse(data=new_registry, format="turtle")
    except Exception as exc:
        raise InputError(f"{path}: the merged registry does not parse: {exc}") from None
    changes: dict[str, list[dict[str, Any]]] = {}
    writes: list[tuple[Path, str]] = []
    for file, is_draft in _files(root):
        old = text if file == path else _read(file)
        new = new_registry if file == path else _replace(old, merged, kept)
        if is_draft and new != old and marker_ok(old.replace("\r\n", "\n")):
            ending = "\r\n" if "\r\n" in old else "\n"
            new = seal(new.replace("\r\n", "\n")).replace("\n", ending)
        if new != old:
            changes[file.relative_to(root).as_posix()] = _hunks(old, new)
            writes.append((file, new))
    done = read_log(root)
    number = max((m.id for m in done), default=0) + 1
    made = Merge(number, _short(kept), _short(merged), reason, _now())
    record = {
        "id": made.id,
        "time": made.time,
        "kept": made.kept,
        "merged": made.merged,
        "reason": reason,
        "changes": changes,
    }
    log = root / MERGES_FILE
    before = read_exact(log) if log.is_file() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    writes.append((log, before + json.dumps(record, ensure_ascii=False) + "\n"))
    replace_files(writes)
    return made, [f for f, _ in writes[:-1]]


def undo(root: Path, number: int) -> tuple[Merge, list[Path]]:
    """Undo a merge of the log: put back the lines it changed, under the sources lock."""
    with locked(root):
        return _undo(root, number)


def _undo(root: Path, number: int) -> tuple[Merge, list[Path]]:
    from kg.draft.turtle import marker_ok, seal

    log = root / MERGES_FILE
    known = {m.id: m for m in read_log(root)}
    if number not in known:
        raise InputError(f"{log}: no merge {number} (kg registry merges lists them)")
    made = known[number]
    if made.undone:
        raise InputError(f"{log}: merge {number} is undone already")
    entry = next(e for _n, e in _entries(root) if not e.get("undo") and int(e["id"]) == number)
    writes: list[tuple[Path, str]] = []
    for relative, hunks in sorted(entry.get("changes", {}).items()):
        file = root / relative
        is_draft = file.name == "draft.ttl"
        if not file.is_file():
            if is_draft:
                continue
            raise InputError(f"{file}: gone since merge {number}; not undone")
        old = _read(file)
        sealed = is_draft and marker_ok(old.replace("\r\n", "\n"))
        new = _undo_hunks(old, hunks, file, strict=not is_draft)
        if sealed:
            ending = "\r\n" if "\r\n" in old else "\n"
            new = seal(new.replace("\r\n", "\n")).replace("\n", ending)
        if new != old:
            writes.append((file, new))
    registry_path = root / REGISTRY_FILE
    for file, content in writes:
        if file == registry_path or file.name == FACTS_FILE:
            try:
                Graph().parse(data=content, format="turtle")
            except Exception:
                raise InputError(f"{file}: would not parse once undone; not undone") from None
    before = read_exact(log)
    if not before.endswith("\n"):
        before += "\n"
    line = json.dumps({"undo": number, "time": _now()}, ensure_ascii=False)
    writes.append((log, before + line + "\n"))
    replace_files(writes)
    return made, [f for f, _ in writes[:-1]]
