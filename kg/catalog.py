"""The query catalog: one question per `queries/*.rq` file, with a `#+` header and parameters.

The header follows grlc's decorator comments: `#+ summary:`, `#+ description:`, `#+ tags:` and
`#+ params:`, one parameter per indented line::

    #+ params:
    #+   - actor: entity = pete-hegseth ; the actor, by short name or IRI
    #+   - year: year? ; optional: leave unbound to get every year

`name: type = default` has a default, `name: type` is required, `name: type?` is optional (left
unbound when not given). The parameter is the query variable of the same name (`?actor`); its
value is bound as an RDF term by the engine, never pasted into the query text.

A data check (`*-violation.rq`) may say `#+ scope: source` (`SCOPES`): validation may run it on
each source alone with the shared graphs, and on the whole graph only when a source has rows.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg import resources
from kg.errors import InputError
from kg.namespaces import ENT, FACT, KG, PREFIXES
from kg.prefixes import prefix_source

# Parameter types: what a value may look like and what RDF term it becomes.
TYPES = {
    "entity": "an entity: short name (pete-hegseth), prefixed (ent:pete-hegseth), full IRI "
    "or label (Pete Hegseth)",
    "iri": "an IRI: prefixed (fact:..., kg:...) or full",
    "statement-type": "a statement type: Criticism, kg:Criticism, full IRI or label (criticism)",
    "year": "a year, e.g. 2012 (bound as xsd:gYear)",
    "integer": "an integer",
    "string": "a plain string",
}
# Where validation may run a data check (`#+ scope:`); the default is the first.
SCOPES = {
    "whole": "on the whole graph, every time",
    "source": "on each source alone (with the shared graphs) first, and on the whole graph only "
    "when a source has rows: a source with no row has none in the union, because the rows of a "
    "fact lie in its own source and other sources' triples can only remove them",
}
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEMES = {"http", "https", "urn", "mailto", "file", "tag", "data", "ftp"}
_PARAM = re.compile(
    r"^-\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[a-z-]+)(?P<opt>\?)?"
    r"\s*(?:=\s*(?P<default>[^;]*?))?\s*(?:;\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Param:
    """One parameter of a catalog query."""

    name: str
    type: str
    default: str | None = None
    optional: bool = False
    doc: str = ""

    @property
    def required(self) -> bool:
        """Whether a value must be given."""
        return self.default is None and not self.optional

    def signature(self) -> str:
        """Return `name:type=default`, `name:type` or `name:type?` for listings."""
        if self.default is not None:
            return f"{self.name}:{self.type}={self.default}"
        return f"{self.name}:{self.type}{'?' if self.optional else ''}"


@dataclass(frozen=True)
class CatalogQuery:
    """One query of the catalog: its name (file stem), header and SPARQL text."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = field(default_factory=tuple)
    scope: str = "whole"

    @property
    def is_violation(self) -> bool:
        """Whether this is a data check that must return no rows."""
        return self.name.endswith("-violation")


def parse_header(text: str, where: str) -> dict[str, object]:
    """Read the `#+` header of a query: summary, description, tags, params and scope."""
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[2:]
        key = re.match(r"^ ([a-z]+):\s*(.*)$", body)
        if key:
            current = key.group(1)
            fields.setdefault(current, [])
            if key.group(2).strip():
                fields[current].append(key.group(2).strip())
        elif current is not None and body.startswith("  "):
            fields[current].append(body.strip())
        else:
            raise InputError(f"{where}:{number}: malformed header line {line!r}")
    params = []
    for item in fields.get("params", []):
        m = _PARAM.match(item)
        if not m:
            raise InputError(
                f"{where}: malformed parameter {item!r} (want `- name: type = default`)"
            )
        if m.group("type") not in TYPES:
            raise InputError(
                f"{where}: parameter {m.group('name')}: unknown type {m.group('type')}"
            )
        default = m.group("default")
        params.append(
            Param(
                m.group("name"),
                m.group("type"),
                default.strip() if default is not None and default.strip() else None,
                bool(m.group("opt")),
                (m.group("doc") or "").strip(),
            )
        )
    tags = [t.strip() for raw in fields.get("tags", []) for t in raw.split(",") if t.strip()]
    scope = " ".join(fields.get("scope", [])) or next(iter(SCOPES))
    if scope not in SCOPES:
        raise InputError(f"{where}: unknown scope {scope!r} (want one of: {', '.join(SCOPES)})")
    return {
        "summary": " ".join(fields.get("summary", [])),
        "description": " ".join(fields.get("description", [])),
        "tags": tuple(tags),
        "params": tuple(params),
        "scope": scope,
    }


def load_query(path: Path) -> CatalogQuery:
    """Read one `.rq` file of the catalog (read again only when the file changes)."""
    stat = path.stat()
    return _load_query(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _load_query(path: Path, _mtime_ns: int, _size: int) -> CatalogQuery:
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, str(path))
    return CatalogQuery(name=path.stem, path=path, text=text, **header)  # type: ignore[arg-type]


def load_catalog(directory: Path | None = None) -> dict[str, CatalogQuery]:
    """Return every query of the catalog by name, sorted."""
    folder = directory or resources.queries_dir()
    return {p.stem: load_query(p) for p in sorted(folder.glob("*.rq"))}


def nearest(word: str, names: list[str], n: int = 3) -> str:
    """Return ` (did you mean: a, b?)` for the closest names, or an empty string."""
    close = difflib.get_close_matches(word, names, n=n, cutoff=0.5)
    if not close:
        close = [name for name in names if word.lower() in name.lower()][:n]
    return f" (did you mean: {', '.join(close)}?)" if close else ""


def get(name: str, directory: Path | None = None) -> CatalogQuery:
    """Return the named query, or raise an InputError that suggests the nearest names."""
    path = resources.query_file(name, directory)
    if path is not None:
        with contextlib.suppress(OSError):  # only the one file: the whole catalog costs ms
            return load_query(path)
    if name.endswith(".rq"):
        name = name[:-3]
    catalog = load_catalog(directory or resources.queries_dir())
    if name not in catalog:
        raise InputError(f"unknown query {name!r}{nearest(name, list(catalog))}")
    return catalog[name]


def expand_iri(value: str, what: str) -> URIRef:
    """Turn `prefix:local` or a full IRI into a URIRef; refuse anything that is not an IRI."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    elif sep and prefix == "fact":
        text = str(FACT) + local
    elif sep and prefix not in _SCHEMES and re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        text = f"{FACT}{prefix}/{local}"  # a source's slug: `<slug>:local`
    elif sep and prefix.startswith("s_") and (slug := prefix_source(prefix)) is not None:
        text = f"{FACT}{slug}/{local}"  # a source's own prefix (`s_2024-11-05-talks:local`)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or _BAD_IRI.search(text):
        raise InputError(f"{what}: {value!r} is not an IRI")
    import pyoxigraph as ox

    try:  # RFC 3987 as the engines read it: no control characters (U+007F...), no bad escapes
        ox.NamedNode(text)
    except ValueError:
        raise InputError(f"{what}: {value!r} is not an IRI") from None
    return URIRef(text)


def to_term(param: Param, value: str) -> URIRef | Literal:
    """Convert a text value to the RDF term of the parameter's type (InputError if it is not)."""
    what = f"parameter {param.name} ({param.type})"
    if param.type == "entity":
        text = value.strip()
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", text):
            return URIRef(ENT[text])
        return expand_iri(text, what)
    if param.type == "iri":
        return expand_iri(value, what)
    if param.type == "statement-type":
        text = value.strip()
        if re.fullmatch(r"[A-Za-z]+", text):
            return URIRef(str(KG._NS) + text[:1].upper() + text[1:])
        return expand_iri(text, what)
    if param.type == "year":
        if not re.fullmatch(r"-?\d{4}", value.strip()):
            raise InputError(f"{what}: {value!r} is not a year (e.g. 2012)")
        return Literal(value.strip(), datatype=XSD.gYear)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise InputError(f"{what}: {value!r} is not an integer")
        return Literal(int(value.strip()), datatype=XSD.integer)
    return Literal(value)


# The values an entity or statement-type parameter may take, with their labels: one query each.
_LABELS = """{ ?value rdfs:label ?label BIND(0 AS ?rank) }
  UNION { ?value skos:prefLabel ?label BIND(1 AS ?rank) }
  UNION { ?value skos:altLabel ?label BIND(2 AS ?rank) }"""
_HEAD = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("kg", "rdfs", "skos"))
_HEAD += "SELECT DISTINCT ?value ?label ?rank WHERE {"
CHOICES = {
    "entity": f"""{_HEAD}
  {_LABELS}
  FILTER(STRSTARTS(STR(?value), "{ENT}"))
}}""",
    "statement-type": f"""{_HEAD}
  {{ ?value a kg:StatementType }} UNION {{ ?value skos:inScheme kg:StatementTypeScheme }}
  OPTIONAL {{ {_LABELS} }}
}}""",
}
Choices = Mapping[URIRef, tuple[str, ...]]  # each value a parameter may take, and its labels


def fold(text: str) -> str:
    """Return a label as compared: NFKC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def local_name(term: URIRef) -> str:
    """Return the short name of an entity or a statement type (`dong-jun`, `Criticism`)."""
    text = str(term)
    for ns in (str(ENT), str(KG._NS)):
        if text.startswith(ns):
            return text[len(ns) :]
    return text


def resolve(
    param: Param,
    raw: str,
    options: Choices,
    known: Callable[[URIRef], bool] | None = None,
) -> URIRef:
    """Return the value a parameter names: by short name, prefixed name, IRI or label.

    Only `options` are accepted (an entity the graph holds outside them is accepted when
    `known` says it is there); a label that names several is an error listing them, and
    suggestions offer only `options`.
    """
    term: URIRef | Literal | None
    try:
        term = to_term(param, raw)
    except InputError:
        term = None
    if isinstance(term, URIRef) and (
        term in options or (param.type == "entity" and known is not None and known(term))
    ):
        return term
    wanted = fold(raw)
    found = sorted(v for v, labels in options.items() if any(fold(x) == wanted for x in labels))
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f"{local_name(v)} ({_label(options[v])})" for v in found)
        raise InputError(
            f"parameter {param.name}: {raw!r} is ambiguous: it names {names}; give a short name"
        )
    shown: dict[str, str] = {}  # what to suggest, by what it is compared as
    for value in sorted(options):
        shown.setdefault(fold(local_name(value)), local_name(value))
        for label in options[value]:
            shown.setdefault(fold(label), local_name(value))
    near = difflib.get_close_matches(wanted, list(shown), n=6, cutoff=0.5)
    near += [k for k in shown if len(wanted) > 2 and wanted in k]
    hint = list(dict.fromkeys(shown[k] for k in near))[:3]
    every = sorted({local_name(v) for v in options})
    if hint:
        suggest = f" (did you mean: {', '.join(hint)}?)"
    elif 0 < len(every) <= 12:
        suggest = f" (choose one of: {', '.join(every)})"
    else:
        suggest = ""
    raise InputError(f"parameter {param.name}: unknown {param.type} {raw!r}{suggest}")


def _label(labels: tuple[str, ...]) -> str:
    return labels[0] if labels else "no label"


def bind(
    query: CatalogQuery,
    values: dict[str, str],
    known: Callable[[URIRef], bool] | None = None,
    names: Callable[[str], list[str]] | None = None,
    choices: Callable[[str], Choices] | None = None,
) -> dict[str, URIRef | Literal]:
    """Check the given values against the parameters and return the RDF terms to bind.

    `known(term)` tells whether an entity or concept is in the graph; `names(namespace)` lists
    the local names there, for suggestions. With `choices(type)` (the values of a type and
    their labels, see CHOICES) an entity or statement type may be given by label too, and
    only values of the parameter's type are accepted and suggested.
    """
    by_name = {p.name: p for p in query.params}
    for key in values:
        if key not in by_name:
            expected = ", ".join(by_name) or "none"
            raise InputError(
                f"query {query.name}: unknown parameter {key!r} (parameters: {expected})"
            )
    bound: dict[str, URIRef | Literal] = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            if param.required:
                raise InputError(
                    f"query {query.name}: missing parameter {param.name} "
                    f"({param.type}: --param {param.name}=...)"
                )
            continue
        if choices is not None and param.type in CHOICES:
            bound[param.name] = _choose(param, raw, known, choices)
            continue
        term = to_term(param, raw)
        if (
            param.type in ("entity", "statement-type")
            and isinstance(term, URIRef)
            and known is not None
            and not known(term)
        ):
            ns = str(ENT) if param.type == "entity" else str(KG._NS)
            local = str(term)[len(ns) :] if str(term).startswith(ns) else str(term)
            hint = nearest(local, names(ns)) if names is not None else ""
            raise InputError(f"parameter {param.name}: unknown {param.type} {raw!r}{hint}")
        bound[param.name] = term
    return bound


def _choose(
    param: Param,
    raw: str,
    known: Callable[[URIRef], bool] | None,
    choices: Callable[[str], Choices],
) -> URIRef:
    """Resolve an entity or statement type, asking for the choices only when needed."""
    if param.type == "entity" and known is not None:
        with contextlib.suppress(InputError):
            term = to_term(param, raw)
            if isinstance(term, URIRef) and known(term):
                return term  # the common case costs one ASK, as before
    return resolve(param, raw, choices(param.type), known)
