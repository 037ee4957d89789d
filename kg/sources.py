"""Sources: the byte-exact text of each article, its facts file and the entity registry."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.errors import InputError
from kg.namespaces import KG, SRC

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
    """Parse a Turtle file, or raise InputError naming the file and line."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises BadSyntax and a few others
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
        raise InputError(f"{where}: malformed Turtle: {why}") from exc
    return graph


def discover(root: Path) -> list[Path]:
    """Return the source folders below `root` (those with a facts file), sorted by name."""
    if not root.is_dir():
        raise InputError(f"{root}: sources folder not found")
    return sorted(p.parent for p in root.glob(f"*/{FACTS_FILE}"))


def read_utf8(path: Path, missing: str = "file not found") -> tuple[bytes, str]:
    """Read a text file's bytes and its UTF-8 decoding, or raise InputError naming it."""
    if not path.is_file():
        raise InputError(f"{path}: {missing}")
    data = path.read_bytes()
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 at byte {exc.start}") from exc


def read_source(folder: Path) -> tuple[Source, bytes]:
    """Read one source folder's text and facts bytes, without parsing the facts yet."""
    data, text = read_utf8(folder / TEXT_FILE, "source text not found")
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
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.search(line):
            return number
    return None
