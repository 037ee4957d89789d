"""Authoring a source: register a new text, find the known entities it mentions, check it fast.

`new_source` copies a text byte-exact into `sources/<slug>/text.txt` and writes a facts file to
fill in; `mentions` lists where registry entities are named in a text, with code-point offsets
and sentences, and the sentences naming two or more actors; `check_source` validates one source
(quotes, shapes, unknown terms and entities, near-duplicate entities) and points each problem to
the line of its facts file.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg import evidence, registry, resources
from kg.derive import derive
from kg.editing import locked
from kg.errors import EvidenceError, InputError
from kg.namespaces import (
    DERIVED_GRAPH,
    ENT,
    ENTITIES_GRAPH,
    FACT,
    KG,
    ONTOLOGY_GRAPH,
    PREFIXES,
    source_graph,
)
from kg.sources import (
    FACTS_FILE,
    TEXT_FILE,
    Source,
    declared_terms,
    load_source,
    parse_turtle,
    quote_start,
    read_utf8,
    source_problems,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAV = "http://purl.org/pav/"
RETRIEVED_ON = URIRef(PAV + "retrievedOn")
SCHEMA_URL = URIRef(PREFIXES["schema"] + "url")
DCT = PREFIXES["dct"]


# --------------------------------------------------------------------------- new source


@dataclass
class Metadata:
    """What is known about a source; None means unknown, and unknown is never invented."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    retrieved: str | None = None
    license: str | None = None
    language: str = "en"


def slug_of(name: str) -> str:
    """Return a slug made from a file name: lower-case ASCII words joined by `-`."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(words)


def read_text(path: Path) -> tuple[bytes, str]:
    """Read a non-empty UTF-8 text file's bytes and text, or raise InputError naming it."""
    data, text = read_utf8(path)
    if not text.strip():
        raise InputError(f"{path}: the text is empty")
    return data, text


def date_literal(value: str, what: str, *, time_allowed: bool = False) -> Literal:
    """Return an ISO date (YYYY, YYYY-MM, YYYY-MM-DD or, if allowed, a date-time) as a literal."""
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        try:
            datetime.strptime(value, "%Y-%m")
        except ValueError:
            raise InputError(f"{what} {value!r}: not a valid year and month") from None
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(f"{what} {value!r}: not a valid date") from None
        return Literal(value, datatype=XSD.date)
    if time_allowed:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if "T" in value:
                return Literal(value, datatype=XSD.dateTime)
    hint = ", or a date-time" if time_allowed else ""
    raise InputError(f"{what} {value!r}: not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD{hint})")


def iri_of(value: str, what: str) -> URIRef:
    """Return an absolute http(s) IRI, or raise InputError naming the value."""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or re.search(r'[\s<>"{}|\\^`]', value)
    ):
        raise InputError(f"{what} {value!r}: not an absolute http(s) URL")
    return URIRef(value)


def facts_skeleton(slug: str, meta: Metadata, text: str, known: list[Mention]) -> str:
    """Return the facts file of a new source: its metadata and a template to fill in."""
    title = meta.title or first_line(text)
    rows: list[tuple[str, str]] = [
        ("a", "kg:Source"),
        ("dct:title", Literal(title, lang=meta.language or None).n3()),
    ]
    if meta.language:
        rows.append(("dct:language", Literal(meta.language).n3()))
    unknown: list[str] = []
    if meta.author:
        rows.append(("dct:creator", Literal(meta.author).n3()))
    else:
        unknown.append("the author")
    if meta.publisher:
        rows.append(("dct:publisher", Literal(meta.publisher).n3()))
    else:
        unknown.append("the publisher")
    if meta.published:
        rows.append(("dct:issued", typed_literal(date_literal(meta.published, "publication date"))))
    else:
        unknown.append("the publication date")
    if meta.url:
        rows.append(("schema:url", iri_of(meta.url, "URL").n3()))
    else:
        unknown.append("the URL")
    if meta.retrieved:
        literal = date_literal(meta.retrieved, "retrieval date", time_allowed=True)
        rows.append(("pav:retrievedOn", typed_literal(literal)))
    else:
        unknown.append("the retrieval date")
    if meta.license:
        lic = meta.license
        value = iri_of(lic, "license").n3() if re.match(r"https?:", lic) else Literal(lic).n3()
        rows.append(("dct:license", value))
    else:
        unknown.append("the license")
    if unknown:
        listed = ", ".join(unknown[:-1]) + (" and " if len(unknown) > 1 else "") + unknown[-1]
        verb = "is" if len(unknown) == 1 else "are"
        comment = f"{listed[0].upper()}{listed[1:]} of this article {verb} not known."
        rows.append(("rdfs:comment", Literal(comment, lang="en").n3()))
    width = max(len(p) for p, _ in rows)
    body = " ;\n".join(f"    {p.ljust(width)} {o}" for p, o in rows)
    prefixes = [
        ("kg", PREFIXES["kg"]),
        ("ent", PREFIXES["ent"]),
        ("src", PREFIXES["src"]),
        ("fact", f"{FACT}{slug}/"),
        ("prov", PREFIXES["prov"]),
        ("time", PREFIXES["time"]),
        ("dct", DCT),
        ("pav", PAV),
        ("schema", PREFIXES["schema"]),
        ("rdfs", PREFIXES["rdfs"]),
        ("xsd", PREFIXES["xsd"]),
    ]
    head = "\n".join(f"@prefix {(p + ':').ljust(7)} <{ns}> ." for p, ns in prefixes)
    title_comment = title.replace("\n", " ")
    lines = [
        f'# Facts stated by the source "{title_comment}".',
        "#",
        "# Every fact node carries kg:quote, the exact words of text.txt that state it",
        "# (kg:quoteStart only where a quote occurs more than once). Entities (ent:) are declared",
        f"# in ../entities.ttl; `kg mentions {slug}` lists the known entities this text names and",
        f"# `kg check {slug}` checks this file. The model: docs/model.md.",
        "",
        head,
        "",
        "# --- Source ---",
        "",
        f"src:{slug}",
        body + " .",
        "",
        "# --- Facts (one node each; remove the # to start from this template) ---",
        "#",
        "# fact:stmt-SPEAKER-WHAT",
        "#     a                kg:Statement ;",
        '#     rdfs:label       "SPEAKER says WHAT"@en ;',
        "#     kg:speaker       ent:SPEAKER ;",
        "#     kg:statementType kg:Announcement ;",
        "#     kg:actKind       kg:Verbal ;",
        "#     kg:about         fact:WHAT-IT-IS-ABOUT ;",
        '#     kg:quote         "the exact words of the text" .',
    ]
    if known:
        lines += ["", "# --- Known entities this text names (from `kg mentions`) ---", "#"]
        seen: dict[URIRef, list[str]] = defaultdict(list)
        for m in known:
            if m.text not in seen[m.entity]:
                seen[m.entity].append(m.text)
        for entity in sorted(seen):
            words = ", ".join(f'"{w}"' for w in seen[entity])
            lines.append(f"# ent:{entity[len(ENT) :]}  {words}")
    return "\n".join(lines) + "\n"


def typed_literal(literal: Literal) -> str:
    """A literal in Turtle with its datatype as an `xsd:` name (`"2024-05-01"^^xsd:date`)."""
    datatype = str(literal.datatype or XSD.string)
    return f'"{literal}"^^xsd:{datatype[len(str(XSD)) :]}'


def first_line(text: str) -> str:
    """Return the first non-empty line of a text, stripped (a title by default)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def new_source(
    text_file: Path,
    sources_root: Path | None = None,
    slug: str | None = None,
    meta: Metadata | None = None,
) -> Path:
    """Register a text as a new source: copy it byte-exact and write its facts file."""
    root = sources_root or resources.sources_dir()
    data, text = read_text(text_file)
    slug = slug if slug is not None else slug_of(text_file.stem)
    if not SLUG.fullmatch(slug):
        raise InputError(f"slug {slug!r}: use lower-case ASCII words joined by '-'")
    if not (root / registry.REGISTRY_FILE).is_file():
        raise InputError(f"{root}: not a sources folder (no {registry.REGISTRY_FILE})")
    folder = root / slug
    if folder.exists():
        raise InputError(f"{folder}: source {slug!r} exists already")
    meta = meta or Metadata()
    if meta.language and not re.fullmatch(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*", meta.language):
        raise InputError(f"language {meta.language!r}: not a language tag (BCP 47), e.g. 'en'")
    known = mentions(text, registry.load(root), parse_turtle(resources.ontology_file())).mentions
    skeleton = facts_skeleton(slug, meta, text, known)  # raises on a bad date or URL, first
    with locked(root):  # another kg new of the same slug waits, then finds it
        if folder.exists():
            raise InputError(f"{folder}: source {slug!r} exists already")
        folder.mkdir()
        try:
            shutil.copyfile(text_file, folder / TEXT_FILE)
            if (folder / TEXT_FILE).read_bytes() != data:
                raise InputError(f"{text_file}: changed while it was copied")
            (folder / FACTS_FILE).write_text(skeleton, encoding="utf-8")
            load_source(folder)  # the skeleton must parse and declare the source
        except OSError as exc:  # a full disk: nothing is left of the new source
            shutil.rmtree(folder, ignore_errors=True)
            raise InputError(f"{folder}: not registered: {exc.strerror}") from exc
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return folder


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    """A name of a registry entity found in a text, at code-point offsets [begin, end).

    `kg mentions` gives the sentence it is in; the drafter (`kg.draft.text`) how it reads it.
    """

    begin: int
    end: int
    text: str
    entity: URIRef
    kind: str
    reading: str = ""  # the drafter's: "actor", "place", "role" or "other"
    sentence: evidence.Span | None = None  # `mentions`: the sentence it is in


@dataclass(frozen=True)
class Candidate:
    """A sentence naming two or more actors: a candidate for a fact."""

    sentence: evidence.Span
    actors: tuple[URIRef, ...]


@dataclass
class Mentions:
    """Every mention of a known entity in a text, and the fact candidates."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


def actor_classes(ontology: Graph) -> set[Node]:
    """Return kg:Actor and every class below it in the ontology."""
    found: set[Node] = {KG.Actor}
    todo: list[Node] = [KG.Actor]
    while todo:
        cls = todo.pop()
        for sub in ontology.subjects(RDFS.subClassOf, cls):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _name_pattern(name: str) -> str:
    parts = []
    for ch in name:
        if ch in "'’":
            parts.append("['’]")
        elif ch.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def mentions(text: str, entities: Graph, ontology: Graph, *, roles: bool = False) -> Mentions:
    """Find the registry's names (labels, alternative labels, metonyms) in a text."""
    role_entities = set(entities.subjects(RDF.type, KG.Role))
    by_name: dict[str, list[tuple[URIRef, str]]] = defaultdict(list)
    for name in registry.names(entities):
        if name.entity in role_entities and not roles:
            continue
        by_name[name.text].append((name.entity, name.kind))
    found = Mentions(text)
    if not by_name:
        return found
    ordered = sorted(by_name, key=lambda n: (-len(n), n))
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(f"({_name_pattern(n)})" for n in ordered) + r")(?!\w)"
    )
    sentences = evidence.sentences(text)
    actors_by_sentence: dict[evidence.Span, set[URIRef]] = defaultdict(set)
    actor_types = actor_classes(ontology)
    actors = {
        e for e in registry.entities(entities) if set(entities.objects(e, RDF.type)) & actor_types
    }
    for match in pattern.finditer(text):
        words = ordered[(match.lastindex or 1) - 1]
        span = evidence.Span(match.start(), match.end())
        covering = evidence.covering(sentences, span)
        sentence = covering[0] if covering else span
        for entity, kind in sorted(set(by_name[words])):
            found.mentions.append(
                Mention(span.begin, span.end, match.group(), entity, kind, sentence=sentence)
            )
            if entity in actors:
                actors_by_sentence[sentence].add(entity)
    found.mentions.sort(key=lambda m: (m.begin, m.end, str(m.entity)))
    found.candidates = [
        Candidate(s, tuple(sorted(a)))
        for s, a in sorted(actors_by_sentence.items(), key=lambda kv: kv[0].begin)
        if len(a) >= 2
    ]
    return found


# --------------------------------------------------------------------------- check


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of a source, at a line of its facts file where known."""

    path: str
    line: int
    message: str

    def text(self) -> str:
        """Return the problem as `FILE:LINE: message` (the line left out if unknown)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class LineFinder:
    """Find the line of a facts file where a node is written, preferring where it is a subject."""

    def __init__(self, path: Path, graph: Graph) -> None:
        self.path = path
        self.lines = path.read_text(encoding="utf-8").split("\n")  # LF only, as editors count
        self.namespaces = [(p, str(ns)) for p, ns in graph.namespaces()]
        self._written: dict[str, list[int]] | None = None  # see `_where_written`

    def spellings(self, node: Node) -> list[str]:
        """Return the ways the file may write a node: `<IRI>` and every prefixed name."""
        found = [f"<{node}>"]
        for prefix, ns in self.namespaces:
            if str(node).startswith(ns) and re.fullmatch(r"[\w\-.]*", str(node)[len(ns) :]):
                found.append(f"{prefix}:{str(node)[len(ns) :]}")
        return found

    def patterns(self, node: Node) -> list[re.Pattern[str]]:
        """The patterns a term's spellings are found by on a line (the reference search)."""
        return [
            re.compile(r"(?<![\w:/#<-])" + re.escape(s) + r"(?![\w\-:])")
            for s in self.spellings(node)
        ]

    def name(self, node: Node) -> str:
        """Return the node as the file writes it: a prefixed name if it can, else `<IRI>`."""
        spellings = self.spellings(node)
        return spellings[-1] if len(spellings) > 1 else spellings[0]

    def subject_line(self, node: Node) -> int:
        """Return the 1-based line where `node` starts a line as a subject; 0 if nowhere."""
        if not isinstance(node, URIRef):
            return 0
        starts = [self._where_written().get(s, [0, 0])[0] for s in self.spellings(node)]
        return min((n for n in starts if n), default=0)

    def line(self, node: Node, prop: Node | None = None) -> int:
        """Return the 1-based line where `node` starts a line as a subject (at `prop` if given),
        else where it is first used; 0 if it is not written."""
        if not isinstance(node, URIRef):
            return 0
        found = [self._where_written().get(s, [0, 0]) for s in self.spellings(node)]
        subject = min((start for start, _used in found if start), default=0)
        if subject:
            return self._property_line(subject, prop) if prop is not None else subject
        return min((used for _start, used in found if used), default=0)

    def _where_written(self) -> dict[str, list[int]]:
        """Every spelling of a term the file writes: [first line it starts, first line it is on].

        Read once, so that a file's every problem costs little however many it has. A spelling
        is what `patterns` finds: `<IRI>`, or `prefix:local` of a bound prefix (cut at any `.`
        of its local part, the first 16 only), not inside a longer name; comment lines do not
        count.
        """
        if self._written is None:
            written: dict[str, list[int]] = {}
            prefixes = sorted({p + ":" for p, _ns in self.namespaces})
            for number, code in enumerate(self.lines, start=1):
                if code.lstrip().startswith("#"):
                    continue
                for at, spelling in spellings_in(code, prefixes):
                    first = written.setdefault(spelling, [0, number])
                    if at == 0 and not first[0]:
                        first[0] = number
            self._written = written
        return self._written

    def _property_line(self, subject_line: int, prop: Node) -> int:
        """Return the line of `prop` in the statement that starts at `subject_line`."""
        patterns = self.patterns(prop)
        if prop == RDF.type:
            patterns.append(re.compile(r"(?<![\w:])a(?=\s)"))
        for number in range(subject_line, len(self.lines) + 1):
            code = self.lines[number - 1]
            if number > subject_line and code[:1].strip() and not code.startswith("#"):
                break  # the next statement starts
            if any(p.search(code) for p in patterns):
                return number
        return subject_line


_BEFORE_NAME = re.compile(r"[\w:/#<-]")  # what may not come before a term (`patterns`)
_AFTER_NAME = re.compile(r"[\w\-:]")  # what may not come after one
_LOCAL_RUN = re.compile(r"[\w\-.]*")
_IRI_SPELLING = re.compile(r"<[^<>]*>")
_DOTS = 16  # the `.` of a local part a name may end before, at most (`spellings_in`)


def spellings_in(code: str, prefixes: list[str]) -> Iterator[tuple[int, str]]:
    """Each (column, spelling) of a term on a line that `LineFinder.patterns` would find."""

    def free(at: int, end: int) -> bool:
        before = at == 0 or not _BEFORE_NAME.match(code, at - 1)
        return before and (end == len(code) or not _AFTER_NAME.match(code, end))

    for m in _IRI_SPELLING.finditer(code):
        if free(m.start(), m.end()):
            yield m.start(), m.group()
    for prefix in prefixes:
        at = code.find(prefix)
        while at != -1:
            if at == 0 or not _BEFORE_NAME.match(code, at - 1):
                local = at + len(prefix)
                found = _LOCAL_RUN.match(code, local)
                run = found.end() if found else local
                ends: list[int] = []
                dot = code.find(".", local, run)
                while dot != -1 and len(ends) < _DOTS:
                    ends.append(dot)
                    dot = code.find(".", dot + 1, run)
                for end in (*ends, run):
                    if free(at, end):
                        yield at, code[at:end]
            at = code.find(prefix, at + 1)


def check_source(folder: Path, sources_root: Path | None = None) -> list[Problem]:
    """Validate one source: quotes, shapes, undeclared terms, unknown and duplicate entities."""
    root = sources_root or folder.parent
    source = load_source(folder)  # malformed Turtle or a missing text: InputError, file:line
    path = source.facts_path
    shown = str(path)
    where = LineFinder(path, source.facts)
    problems: list[Problem] = []
    ontology = parse_turtle(resources.ontology_file())
    entities = registry.load(root)

    ns = str(KG._NS)
    declared = declared_terms(ontology)
    used = {t for triple in source.facts for t in triple if isinstance(t, URIRef)}
    for term in sorted(t for t in used if str(t).startswith(ns) and t not in declared):
        message = f"undeclared term kg:{term[len(ns) :]}: not in the ontology"
        problems.append(Problem(shown, where.line(term), message))
    known = registry.entities(entities)
    for entity in sorted(t for t in used if str(t).startswith(str(ENT)) and t not in known):
        message = f"unknown entity ent:{entity[len(ENT) :]}: not in {registry.REGISTRY_FILE}"
        problems.append(Problem(shown, where.line(entity), message))
    for node, prop, message in source_problems(source):  # what the build refuses, too
        line = where.line(node, prop) if node is not None else 0
        problems.append(Problem(shown, line, message))

    broken: set[Node] = set()
    for fact, quote in sorted(source.facts.subject_objects(KG.quote)):
        name = fact.n3(source.facts.namespace_manager)
        try:
            start = quote_start(source.facts.value(fact, KG.quoteStart))
        except InputError:  # listed above
            broken.add(fact)
            continue
        try:
            evidence.locate(source.text, str(quote), fact=name, source=source.slug, start=start)
        except EvidenceError as exc:
            broken.add(fact)
            problems.append(Problem(shown, where.line(fact), str(exc)))
            continue
        for prop in (KG.quotation, KG.mentionText, KG.label):
            for words in source.facts.objects(fact, prop):
                if str(words) not in str(quote):
                    broken.add(fact)
                    message = (
                        f"{name}: {prop.n3(source.facts.namespace_manager)} {str(words)!r} "
                        f"is not inside its quote {str(quote)!r}"
                    )
                    problems.append(Problem(shown, where.line(fact), message))

    problems += _shape_problems(source, broken, ontology, entities, where)
    combined = entities + source.facts
    registry_path = root / registry.REGISTRY_FILE
    in_registry = LineFinder(registry_path, entities)
    for dup in registry.near_duplicates(combined):
        here = [n for n in (where.subject_line(dup.first), where.subject_line(dup.second)) if n]
        if here:  # declared in the facts file: point there
            problems.append(Problem(shown, max(here), dup.line()))
        else:
            lines = (in_registry.subject_line(dup.first), in_registry.subject_line(dup.second))
            problems.append(Problem(str(registry_path), max(lines), dup.line()))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))


def _shape_problems(
    source: Source,
    broken: set[Node],
    ontology: Graph,
    entities: Graph,
    where: LineFinder,
) -> list[Problem]:
    """Compile the source (without the facts whose quote is broken) and run the shapes on it."""
    from kg.build import compile_source, new_dataset
    from kg.cache import open_cache
    from kg.graph import from_dataset
    from kg.validation import validate_whole

    facts = Graph()
    for prefix, namespace in source.facts.namespaces():
        facts.bind(prefix, namespace)
    facts += source.facts
    for fact in broken:
        facts.remove((fact, None, None))  # reported already; left out of the shapes
    ds: Dataset = new_dataset()
    for name, part in ((ONTOLOGY_GRAPH, ontology), (ENTITIES_GRAPH, entities)):
        target = ds.graph(name)
        target.addN((s, p, o, target) for s, p, o in part)
    g = ds.graph(source_graph(source.slug))
    compile_source(replace(source, facts=facts), g)
    derive(g, ds.graph(DERIVED_GRAPH))
    problems = []
    by_evidence = {span: fact for fact, span in g.subject_objects(KG.evidence)}
    for violation in validate_whole(from_dataset(ds), cache=open_cache()):
        focus = _node(violation.focus)
        node: Node | None = by_evidence.get(focus, focus) if focus is not None else None
        prop = _node(violation.path) if violation.path else None
        line = where.line(node, prop) if node is not None else 0
        focus_name = where.name(node) if node is not None else violation.focus
        path = f" {violation.path}" if violation.path else ""
        message = f"{violation.check}: {focus_name}{path}: {violation.message}"
        problems.append(Problem(str(source.facts_path), line, message))
    return problems


def _node(n3: str) -> URIRef | None:
    """Turn a focus node as a violation writes it (`<IRI>` or `prefix:name`) back into an IRI."""
    if n3.startswith("<") and n3.endswith(">"):
        return URIRef(n3[1:-1])
    prefix, sep, local = n3.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return None
