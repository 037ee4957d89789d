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
    return graph


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
        node, message = problems[0]
        line = _node_line(source.facts_path, node, source.facts) if node is not None else None
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
    """The first line of a Turtle file that writes an IRI, prefixed or in full."""
    if not isinstance(node, URIRef):
        return None
    return _line_of(path, _name(node, g)) or _line_of(path, f"<{node}>")


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


def source_problems(source: Source) -> list[tuple[Node | None, str]]:
    """What a facts file may not do, as (node, message): `kg check` and the build share these.

    A facts file describes only its own source and its own facts (`src:SLUG`, `fact:SLUG/…`,
    blank nodes): never a registry entity (relabelling it) nor another source's facts, so no
    two sources can mint the same fact. Every `kg:quoteStart` is an offset; every literal is
    text that every export can carry.
    """
    g = source.facts
    problems: list[tuple[Node | None, str]] = []
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
        problems.append((subject, f"{name} is described here, but it is {why}"))
    for fact, value in sorted(g.subject_objects(KG.quoteStart)):
        try:
            quote_start(value)
        except InputError as exc:
            problems.append((fact, f"{_name(fact, g)}: {exc}"))
    for s, p, o in sorted(g):
        found = _NOT_XML.search(str(o)) if isinstance(o, Literal) else None
        if found:
            message = (
                f"{_name(s, g) or s} {_name(p, g)}: the literal holds "
                f"{character_name(found.group())}, which the XML exports cannot carry"
            )
            problems.append((s, message))
    return problems


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
