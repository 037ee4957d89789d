"""Sources: the byte-exact text of each article, its facts file and the entity registry."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import ENT, FACT, KG, SRC

TEXT_FILE = "text.txt"
FACTS_FILE = "facts.ttl"
REGISTRY_FILE = "entities.ttl"


@dataclass
class Source:
    """One article: its slug, IRI, text, hash and parsed facts.

    A source read with `read_source` has no `facts` yet: they are parsed when first asked for.
    """

    slug: str
    iri: URIRef
    text: str
    sha256: str
    facts_path: Path
    facts: Graph = field(default_factory=Graph)

    def __getattr__(self, name: str) -> Graph:
        if name != "facts":
            raise AttributeError(name)
        self.facts = parse_turtle(self.facts_path)
        return self.facts


def parse_turtle(path: Path) -> Graph:
    """Parse a Turtle file, or raise InputError naming the file and line.

    An ill-typed literal (`"abc"^^xsd:integer`) is kept as it is, without rdflib's logged
    traceback: the checks and the shapes report it, with its line. rdflib's parser reads it,
    with its long string literals read in linear time (`kg.turtle`).
    """
    import logging

    from kg import turtle

    if not path.is_file():
        raise InputError(f"{path}: file not found")
    graph = Graph()
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        turtle.register()
        graph.parse(path, format=turtle.FORMAT)
    except Exception as exc:  # rdflib raises BadSyntax and a few others
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
        where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
        raise InputError(f"{where}: malformed Turtle: {why}") from None
    finally:
        quiet.setLevel(level)
    check_carried(graph, path)
    return graph


# --- terms that every store and export can carry: one check for every Turtle file kg reads ----

_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_IRI = re.compile('[\\x00-\\x20<>"{}|^`\\\\\\x7f-\\x9f\\ud800-\\udfff]')
_INVISIBLE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _shown(text: str, iri: bool = False) -> str:
    """A term's text with its invisible and unencodable characters (in an IRI, also those no
    IRI may hold) as escapes."""
    bad = _NOT_IRI if iri else _INVISIBLE
    return "".join(f"\\u{ord(c):04X}" if bad.match(c) else c for c in text)


def _surrogates(text: str) -> str | None:
    found = _SURROGATE.search(text)
    if found is None:
        return None
    pair = text[found.start() : found.start() + 2]
    if len(pair) == 2 and "\ud800" <= pair[0] <= "\udbff" and "\udc00" <= pair[1] <= "\udfff":
        code = 0x10000 + ((ord(pair[0]) - 0xD800) << 10) + (ord(pair[1]) - 0xDC00)
        return (
            f"holds the surrogate pair \\u{ord(pair[0]):04X}\\u{ord(pair[1]):04X}, which is no "
            f"character in RDF: write the character itself or \\U{code:08X}"
        )
    return f"holds the surrogate \\u{ord(found.group()):04X}, which is no character in RDF"


def term_problem(term: Node) -> str | None:
    """Why a store or an export cannot carry an RDF term, or None if every one can.

    The rules are Oxigraph's (the store every build loads): an IRI it accepts (absolute, none
    of space, `<>"{}|^\\`` or a control), a well-formed language tag (BCP 47), and text made of
    Unicode characters (a `\\uD800` surrogate escape is none). rdflib accepts all of these.
    """
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        why = _surrogates(str(term))
        if why is None:
            try:
                ox.NamedNode(str(term))
            except ValueError as exc:
                why = f"is not a valid IRI ({_shown(str(exc))})"
        return None if why is None else f"the IRI <{_shown(str(term), iri=True)}> {why}"
    if isinstance(term, Literal):
        why = _surrogates(str(term))
        if why is not None:
            return f'the literal "{_shown(str(term))[:60]}" {why}'
        if term.language:
            try:
                ox.Literal("", language=term.language)
            except ValueError as exc:
                why = _shown(str(exc))
                return f"the language tag @{_shown(term.language)} is not well-formed ({why})"
        if term.datatype is not None:
            return term_problem(term.datatype)
    return None


def carried_problems(graph: Graph) -> list[tuple[Node, Node, str]]:
    """Every (subject, term, why) of a triple holding a term no store or export can carry."""
    seen: dict[Node, str | None] = {}
    found = []
    for triple in graph:
        for term in triple:
            if term not in seen:
                seen[term] = term_problem(term)
            why = seen[term]
            if why is not None:
                found.append((triple[0], term, why))
                break
    return sorted(found, key=lambda f: (f[2], str(f[0])))


def check_carried(graph: Graph, path: Path) -> None:
    """Raise InputError, with the file, line and term, at a term no store or export can carry."""
    problems = carried_problems(graph)
    if not problems:
        return
    subject, term, why = problems[0]
    line = None
    if "surrogate" in why:
        line = _first_line(path, _SURROGATE_ESCAPE)
    elif isinstance(term, URIRef):  # where the IRI is written, up to its first bad character
        cut = _NOT_IRI.search(str(term))
        if cut is not None and cut.start() > 0:
            line = _first_line(path, re.compile(re.escape("<" + str(term)[: cut.start()])))
    elif isinstance(term, Literal) and term.language:
        line = _first_line(path, re.compile(re.escape("@" + term.language) + r"(?![\w-])"))
    if line is None and term_problem(subject) is None:
        line = _node_line(path, subject, graph)
    where = f"{path}:{line}" if line else str(path)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise InputError(f"{where}: {why}{more}")


def _first_line(path: Path, pattern: re.Pattern[str]) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if pattern.search(line):
            return number
    return None


def discover(root: Path) -> list[Path]:
    """Return the source folders below `root` (those with a facts file), sorted by name."""
    if not root.is_dir():
        raise InputError(f"{root}: sources folder not found")
    return sorted(p.parent for p in root.glob(f"*/{FACTS_FILE}"))


def read_utf8(path: Path, missing: str = "file not found") -> tuple[bytes, str]:
    """Read a text file's bytes and its UTF-8 decoding, or raise InputError naming it.

    A byte order mark is not part of the text: offsets count from the character after it.
    """
    if not path.is_file():
        raise InputError(f"{path}: {missing}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 at byte {exc.start}") from None


# Characters that XML 1.0 cannot carry at all, not even as a character reference: the exports
# in RDF/XML, GraphML and GEXF would not be well-formed. Tab, line feed and carriage return are
# allowed; so is every other character of Unicode.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_NAMES = {0: "NUL", 8: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape"}


def character_name(ch: str) -> str:
    """Return `U+XXXX (name)` for a character, naming the unnamed controls too."""
    name = _CONTROL_NAMES.get(ord(ch)) or unicodedata.name(ch, "control character").lower()
    return f"U+{ord(ch):04X} ({name})"


def xml_problem(text: str) -> str | None:
    """Name the first character of a text that XML cannot carry (a control, U+FFFE/U+FFFF, a
    surrogate), as `holds U+000C (form feed)`; None if XML can carry every one."""
    found = _NOT_XML.search(text) or _SURROGATE.search(text)
    if found is None:
        return None
    char = found.group()
    if _SURROGATE.match(char):
        return f"holds the surrogate \\u{ord(char):04X}"
    return f"holds {character_name(char)}"


def line_col(text: str, index: int) -> tuple[int, int]:
    """Return the line and column (both from 1, lines ending at LF only) of a text offset."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_characters(text: str, path: Path) -> None:
    """Raise InputError at the first character that no XML export can carry."""
    found = _NOT_XML.search(text)
    if found:
        line, col = line_col(text, found.start())
        raise InputError(
            f"{path}:{line}:{col}: character {character_name(found.group())} cannot be written "
            "to the XML exports (RDF/XML, GraphML, GEXF); remove it or replace it (a form feed "
            "by a line break)"
        )


def read_source(folder: Path) -> tuple[Source, bytes]:
    """Read one source folder's text and facts bytes, without parsing the facts yet."""
    text_path = folder / TEXT_FILE
    data, text = read_utf8(text_path, "source text not found")
    check_characters(text, text_path)
    facts_path = folder / FACTS_FILE
    if not facts_path.is_file():
        raise InputError(f"{facts_path}: file not found")
    slug = folder.name
    source = Source(slug, SRC[slug], text, hashlib.sha256(data).hexdigest(), facts_path)
    del source.facts  # parsed when first asked for
    return source, facts_path.read_bytes()


def load_source(folder: Path) -> Source:
    """Read one source folder: the text (UTF-8, byte-exact) and its facts file."""
    source, _facts_bytes = read_source(folder)
    facts = parse_turtle(source.facts_path)
    if (source.iri, RDF.type, KG.Source) not in facts:
        raise InputError(
            f"{source.facts_path}: no source metadata: expected <{source.iri}> a kg:Source"
        )
    source.facts = facts
    return source


def require_clean(source: Source) -> None:
    """Raise InputError, naming the file and line, at the first of the `source_problems`."""
    problems = source_problems(source)
    if problems:
        node, prop, message = problems[0]
        line = _node_line(source.facts_path, node, source.facts) if node is not None else None
        if line and prop is not None:
            line = _property_line(source.facts_path, line, prop, source.facts)
        where = f"{source.facts_path}:{line}" if line else str(source.facts_path)
        more = f" (and {len(problems) - 1} more: kg check lists them)" if len(problems) > 1 else ""
        raise InputError(f"{where}: {message}{more}")


def check_literals(graph: Graph, path: Path) -> None:
    """Raise InputError at the first literal holding a character no XML export can carry."""
    for s, p, o in sorted(graph):
        found = _NOT_XML.search(str(o)) if isinstance(o, Literal) else None
        if found:
            name = _name(s, graph) or str(s)
            line = _node_line(path, s, graph)
            where = f"{path}:{line}" if line else str(path)
            raise InputError(
                f"{where}: {name} {_name(p, graph)}: the literal holds "
                f"{character_name(found.group())}, which the XML exports cannot carry"
            )


def _node_line(path: Path, node: Node, g: Graph) -> int | None:
    """The line of a Turtle file that starts with an IRI (as a subject), prefixed or in full;
    else the first line that writes it."""
    if not isinstance(node, URIRef):
        return None
    names = [n for n in (_name(node, g), f"<{node}>") if n]
    subject = re.compile("|".join(re.escape(n) for n in names) + r"(?![\w-])")
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        if subject.match(line):
            return number
    return _line_of(path, names[0]) or _line_of(path, names[-1])


def _property_line(path: Path, subject_line: int, prop: Node, g: Graph) -> int:
    """The line of `prop` in the statement that starts at `subject_line` (else that line)."""
    spellings = [f"<{prop}>", _name(prop, g)]
    lines = path.read_text(encoding="utf-8").split("\n")
    for number in range(subject_line, len(lines) + 1):
        code = lines[number - 1]
        if number > subject_line and code[:1].strip() and not code.startswith("#"):
            break  # the next statement starts
        if any(s and re.search(re.escape(s) + r"(?![\w:-])", code) for s in spellings):
            return number
    return subject_line


def _name(node: Node, g: Graph) -> str:
    return node.n3(g.namespace_manager) if isinstance(node, URIRef) else ""


def quote_start(value: Node | None) -> int | None:
    """Return a fact's `kg:quoteStart` as an offset, or raise InputError if it is not one."""
    if value is None:
        return None
    if isinstance(value, Literal) and value.datatype in _INTEGERS:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number >= 0 and not getattr(value, "ill_typed", False):
            return number
    raise InputError(f"kg:quoteStart {value.n3()} is not a code-point offset (an integer ≥ 0)")


_INTEGERS = {XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long, XSD.unsignedInt}


Problem = tuple[Node | None, Node | None, str]
"""A problem of a facts file: the node and (where known) the property at fault, and why."""


def source_problems(source: Source) -> list[Problem]:
    """What a facts file may not do, as (node, property, message): `kg check` and the build
    share these.

    A facts file describes only its own source and its own facts (`src:SLUG`, `fact:SLUG/…`,
    blank nodes): never a registry entity (relabelling it) nor another source's facts, so no
    two sources can mint the same fact. Every `kg:quoteStart` is an offset; every literal is
    text that every export can carry; the source's dates and address are one each and valid;
    every date, year and month is a valid calendar value (`value_problem`).
    """
    g = source.facts
    problems: list[Problem] = []
    own_facts, own_source = str(FACT[source.slug + "/"]), str(source.iri)
    for subject in sorted({s for s in g.subjects() if not isinstance(s, BNode)}, key=str):
        iri = str(subject)
        if iri.startswith(own_facts) or iri == own_source or iri.startswith(own_source + "#"):
            continue
        name = _name(subject, g) or iri
        if iri.startswith(str(ENT)):
            why = "a registry entity: entities are described in entities.ttl only"
        elif iri.startswith(str(FACT)) or iri.startswith(str(SRC)):
            why = "in another source's namespace: a source mints facts only as fact:" + (
                f"{source.slug}/… (<{own_facts}…>)"
            )
        else:
            why = f"outside this source's namespace (<{own_facts}…>)"
        problems.append((subject, None, f"{name} is described here, but it is {why}"))
    for fact, value in sorted(g.subject_objects(KG.quoteStart)):
        try:
            quote_start(value)
        except InputError as exc:
            problems.append((fact, KG.quoteStart, f"{_name(fact, g)}: {exc}"))
    for s, p, o in sorted(g):
        found = _NOT_XML.search(str(o)) if isinstance(o, Literal) else None
        if found:
            message = (
                f"{_name(s, g) or s} {_name(p, g)}: the literal holds "
                f"{character_name(found.group())}, which the XML exports cannot carry"
            )
            problems.append((s, p, message))
    problems += metadata_problems(source)
    for s, p, o in sorted(g):
        if p in _METADATA_PROPERTIES and s == source.iri:
            continue  # said by metadata_problems
        bad = value_problem(p, o)
        if bad is not None:
            problems.append((s, p, f"{_name(s, g) or s} {_name(p, g)}: {bad}"))
    return problems


# --- a source's own dates and address: one each, well typed -----------------------------------

_PAV = "http://purl.org/pav/"
_DCT = "http://purl.org/dc/terms/"
# property, what it is, the datatypes allowed (empty: an http(s) IRI)
METADATA: list[tuple[URIRef, str, set[URIRef]]] = [
    (URIRef(_DCT + "issued"), "publication date", {XSD.date, XSD.gYearMonth, XSD.gYear}),
    (URIRef(_PAV + "retrievedOn"), "retrieval date", {XSD.date, XSD.dateTime}),
    (URIRef("https://schema.org/url"), "URL", set()),
]
_METADATA_PROPERTIES = {prop for prop, _what, _types in METADATA}


def metadata_problems(source: Source) -> list[Problem]:
    """Check the source's dates and URL: at most one each, well typed, valid."""
    from urllib.parse import urlsplit

    g = source.facts
    problems: list[Problem] = []
    for prop, what, datatypes in METADATA:
        values = sorted(g.objects(source.iri, prop), key=str)
        name = _name(prop, g)
        if len(values) > 1:
            problems.append((source.iri, prop, f"{name}: more than one {what}"))
        for value in values:
            if not datatypes:
                ok = isinstance(value, URIRef) and urlsplit(str(value)).scheme in ("http", "https")
                expected = "an http(s) IRI"
            else:
                ok = (
                    isinstance(value, Literal)
                    and value.datatype in datatypes
                    and value_problem(prop, value) is None
                )
                expected = "a valid " + " or ".join(sorted(_name(d, g) for d in datatypes))
            if not ok:
                typed = isinstance(value, Literal) and value.datatype in datatypes
                why = calendar_reason(value) if typed else None
                shown = _shown(value.n3(g.namespace_manager))
                message = f"{name}: the {what} {shown} is not {expected}"
                message += f" ({why})" if why else ""
                problems.append((source.iri, prop, message))
    return problems


# --- calendar values: what the timeline resolves against is a date that exists ----------------

_TZ = r"(?:Z|[+-](?:0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
_CALENDAR = {
    XSD.date: re.compile(rf"(\d{{4}})-(\d\d)-(\d\d){_TZ}"),
    XSD.dateTime: re.compile(
        rf"(\d{{4}})-(\d\d)-(\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?{_TZ}"
    ),
    XSD.gYearMonth: re.compile(rf"(\d{{4}})-(\d\d)(){_TZ}"),
    XSD.gYear: re.compile(rf"(\d{{4}})()(){_TZ}"),
    XSD.gMonth: re.compile(rf"()--(\d\d)(){_TZ}"),
    XSD.gMonthDay: re.compile(rf"()--(\d\d)-(\d\d){_TZ}"),
    XSD.gDay: re.compile(rf"()()---(\d\d){_TZ}"),
}
_TIME_MONTH = URIRef("http://www.w3.org/2006/time#month")
_TIME_YEAR = URIRef("http://www.w3.org/2006/time#year")


def value_problem(prop: Node, value: Node) -> str | None:
    """Why a date, year or month literal is no calendar value kg can read, or None.

    Dates, years and months (`xsd:date`, `xsd:dateTime`, `xsd:gYear`, `xsd:gYearMonth`,
    `xsd:gMonth`, `xsd:gMonthDay`, `xsd:gDay`) must be valid, with a year from 0001 to 9999;
    a `time:month` is an `xsd:gMonth` and a `time:year` an `xsd:gYear`.
    """
    if prop == _TIME_MONTH and not (isinstance(value, Literal) and value.datatype == XSD.gMonth):
        return f"{_shown(value.n3())} is not an xsd:gMonth (--01 to --12)"
    if prop == _TIME_YEAR and not (isinstance(value, Literal) and value.datatype == XSD.gYear):
        return f"{_shown(value.n3())} is not an xsd:gYear (such as 2024)"
    reason = calendar_reason(value)
    if reason is None or not isinstance(value, Literal):
        return None
    kind = "xsd:" + str(value.datatype).rpartition("#")[2]
    return f'"{_shown(str(value))[:40]}"^^{kind}: {reason}'


def calendar_reason(value: Node) -> str | None:
    """Why a date, year or month literal is not a valid one (None if it is, or is none)."""
    import calendar

    if not isinstance(value, Literal) or value.datatype not in _CALENDAR:
        return None
    found = _CALENDAR[value.datatype].fullmatch(str(value))
    if found is None:
        return "not a valid xsd:" + str(value.datatype).rpartition("#")[2]
    year, month, day = (int(g) if g else None for g in found.groups())
    if year is not None and year < 1:
        return f"year {year:04d} is not a year kg reads (0001 to 9999)"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}"
    if day is not None:
        last = calendar.monthrange(year or 2000, month)[1] if month else 31
        if not 1 <= day <= last:
            return f"there is no day {day}" + (f" in month {month}" if month else "")
    return None


def declared_terms(ontology: Graph) -> set[URIRef]:
    """Return the kg: terms the ontology declares (every subject typed in its namespace)."""
    ns = str(KG._NS)
    return {
        s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(ns)
    }


def check_terms(graph: Graph, declared: set[URIRef], path: Path) -> None:
    """Raise InputError at the first kg: term in `graph` that the ontology does not declare."""
    ns = str(KG._NS)
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(ns)}
    unknown = sorted(used - declared)
    if not unknown:
        return
    name = "kg:" + unknown[0][len(ns) :]
    line = _line_of(path, name)
    where = f"{path}:{line}" if line else str(path)
    more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
    raise InputError(f"{where}: undeclared term {name}{more}: not in the ontology")


def _line_of(path: Path, needle: str) -> int | None:
    pattern = re.compile(re.escape(needle) + r"(?![\w-])")
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if pattern.search(line):
            return number
    return None
