"""The project's prefixes: names of IRIs, the prefixes of a graph, and those a query leaves out.

One place turns an IRI into a short name (`curie`, `short_iri`; `slug` for a file or IRI path,
`local_name` for a label of last resort) and makes "the project's prefixes plus one per source"
(`with_sources`), for every table, page, diff and file the project writes. A source's prefix is
made from its slug by `source_prefix` alone (and read back by `prefix_source`): the slug itself
when that is a prefix in every syntax, else `s_` and the slug (`s_2024-11-05-manila-talks`).

The project's prefixes are also declared for every ad-hoc query where it does not declare them.

`kg sparql 'SELECT ?s WHERE { ?s a kg:State }'` works on every engine: the prefixed names a
query uses but does not declare are looked up among the project's prefixes (`kg ent fact src nif
prov time rdfs rdf owl skos dct xsd` and the rest of `kg.namespaces.PREFIXES`) and, for the
`slug:local` names the tables print for facts, among the graph's sources; their `PREFIX`
declarations are put on the query's first line, before its text, so that every engine and
server (the embedded ones, `kg serve`, a remote `--endpoint`) counts the query's lines as the
user wrote them; only a column on line 1 moves, and `syntax_line` puts it back. A prefix
that is neither declared nor known is one line naming it and the known ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from rdflib import Dataset, Graph

from kg.errors import InputError
from kg.namespaces import FACT, PREFIXES
from kg.sandbox import tokens

G = TypeVar("G", bound=Graph)

# The ones an analyst types most, first; then the rest of the project's namespaces.
MAIN = ("kg", "ent", "fact", "src", "nif", "prov", "time", "rdfs", "rdf", "owl", "skos", "dct")
_ALL = {**PREFIXES, "fact": str(FACT)}
KNOWN: dict[str, str] = {p: _ALL[p] for p in (*MAIN, "xsd", *_ALL)}
_PNAME = re.compile(r"^(?P<prefix>[A-Za-z_][\w.-]*)?:")
# A prefix every syntax reads: Turtle, TriG and SPARQL (PN_PREFIX), XML 1.0 of any edition
# (NCName): ASCII, a letter first, no `.` last.
_PLAIN_PREFIX = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_MADE = "s_"  # what starts a prefix made from a slug that is no prefix itself
_KEPT = re.compile(r"[A-Za-z0-9-]")  # the characters of a slug a made prefix keeps as they are
_ESCAPE = re.compile(r"_([0-9a-f]+)_")
# Prefixes a source may not take: XML's own, and the project's (a source would rebind them).
_RESERVED = frozenset({"xml", "xmlns", "fact", *PREFIXES})
_SYNTAX_LINE_1 = re.compile(r"^(SPARQL syntax error: line 1 column )(\d+)(.*)$", re.S)


# --- short names of IRIs -----------------------------------------------------------------


def split(
    iri: str, names: Mapping[str, str] | None = None, *, empty: bool = True
) -> tuple[str, str] | None:
    """Return (prefix, local part) for the longest namespace the IRI starts with, else None.

    `names` are the prefixes to use (default: the project's, `kg.namespaces.PREFIXES`); of two
    namespaces of the same length, the first. The local part may hold any character, and be
    empty unless `empty` is false (then a namespace is not a match for its own IRI).
    """
    best: tuple[str, str] | None = None
    for prefix, ns in (names or PREFIXES).items():
        if not iri.startswith(ns) or (not empty and iri == ns):
            continue
        if best is None or len(ns) > len(best[1]):
            best = (prefix, ns)
    return (best[0], iri[len(best[1]) :]) if best is not None else None


def curie(iri: str, names: Mapping[str, str] | None = None, *, strict: bool = True) -> str | None:
    """Return an IRI as `prefix:local`, or None when no prefix fits.

    `strict` (query results, pages): a prefixed name that SPARQL and Turtle read back, from the
    longest namespace among `names` (default: the project's prefixes) whose local part is
    letters, digits and `-_.` only, else for a fact its source's prefix (`slug:local`). Not
    strict (the diff, the ontology's page): an abbreviation for people, whatever the local part
    holds (`src:slug#char=0,63`, `graph:source/slug`), never the bare namespace.

    >>> curie("https://w3id.org/scs-kg/ontology#contests")
    'kg:contests'
    >>> curie("https://w3id.org/scs-kg/fact/2024-11-05-talks/meeting-1")
    's_2024-11-05-talks:meeting-1'
    >>> curie("https://w3id.org/scs-kg/id/a b") is None  # no prefixed name reads a space back
    True
    """
    if not strict:
        found = split(iri, names, empty=False)
        return f"{found[0]}:{found[1]}" if found is not None else None
    found = split(iri, names)
    if found is not None and _local_ok(found[1]):
        return f"{found[0]}:{found[1]}"
    if found is None and iri.startswith(str(FACT)):
        slug, _, local = iri[len(str(FACT)) :].partition("/")
        if slug and local and _local_ok(local):
            return f"{source_prefix(slug)}:{local}"
    return None


def short_iri(iri: str, names: Mapping[str, str] | None = None) -> str:
    """Return an IRI as a prefixed name (see `curie`), else as `<iri>`: what tables print."""
    return curie(iri, names) or f"<{iri}>"


def slug(iri: str) -> str:
    """Return an IRI as a name for a file or an IRI path: `kg-State`, `graph-source-<slug>`.

    Unlike a prefixed name, any local part goes (its `/` and `#` become `-`), so that every
    graph and class has one; an IRI outside the project's namespaces keeps letters and digits.
    """
    found = split(iri)
    if found is not None:
        return f"{found[0]}-{found[1]}".replace("/", "-").replace("#", "-")
    return "".join(ch if ch.isalnum() else "-" for ch in iri)


def local_name(iri: str) -> str:
    """Return the last segment of an IRI (after `#` or `/`): a label of last resort."""
    text = iri
    for sep in ("#", "/"):
        if sep in text.rstrip(sep):
            text = text.rstrip(sep).rsplit(sep, 1)[1]
    return text


def source_prefix(slug: str) -> str:
    """Return the prefix of a source's facts (`FACT<slug>/`): valid in every syntax, one per slug.

    The slug itself when it is a prefix in Turtle, TriG, SPARQL and XML alike and not one the
    project or XML holds (`manila-talks`); else `s_` and the slug, any character but ASCII
    letters, digits and `-` written `_<hex>_` (`2024-11-05-talks` → `s_2024-11-05-talks`,
    `xml` → `s_xml`, `a.b.` → `s_a_2e_b_2e_`). Two slugs never share a prefix.

    >>> source_prefix("manila-talks"), source_prefix("a.b.")
    ('manila-talks', 's_a_2e_b_2e_')
    >>> prefix_source(source_prefix("a.b."))  # the way back
    'a.b.'
    """
    if _PLAIN_PREFIX.fullmatch(slug) and not slug.startswith(_MADE) and slug not in _RESERVED:
        return slug
    return _MADE + "".join(ch if _KEPT.match(ch) else f"_{ord(ch):x}_" for ch in slug)


def prefix_source(prefix: str) -> str | None:
    """Return the slug whose facts' prefix `source_prefix` makes `prefix`, or None if none."""
    if not prefix.startswith(_MADE):
        return prefix if source_prefix(prefix) == prefix else None
    try:
        slug = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), prefix[len(_MADE) :])
    except (ValueError, OverflowError):
        return None
    return slug if source_prefix(slug) == prefix else None


def _local_ok(local: str) -> bool:
    return all(ch.isalnum() or ch in "-_." for ch in local)


# --- the prefixes of a graph ---------------------------------------------------------------


def with_sources(slugs: Iterable[str], names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the project's prefixes (or `names`) and one per source, sorted by prefix.

    A source's prefix (`source_prefix`) names its facts (`<fact/slug/>`), and wins over one of
    `names` it shares.
    """
    found = dict(names or PREFIXES)
    for name in slugs:
        found[source_prefix(name)] = f"{FACT}{name}/"
    return dict(sorted(found.items()))


def _bound(target: G, names: Mapping[str, str] | None = None) -> G:
    for prefix, ns in (names or PREFIXES).items():
        target.bind(prefix, ns, override=True, replace=True)
    return target


def prefixed_graph(names: Mapping[str, str] | None = None) -> Graph:
    """Return an empty graph with the project's prefixes (or `names`) bound."""
    return _bound(Graph(), names)


def new_dataset() -> Dataset:
    """Return an empty dataset (its default graph the union) with the project's prefixes bound."""
    return _bound(Dataset(default_union=True))


# --- prefixes an ad-hoc query leaves out -----------------------------------------------------


def declared_and_used(text: str) -> tuple[set[str], list[str]]:
    """Return the prefixes a query declares and those its prefixed names use, in order."""
    toks = tokens(text)
    declared: set[str] = set()
    used: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.upper() == "PREFIX" and i + 1 < len(toks):
            declared.add(toks[i + 1].rstrip(":").split(":", 1)[0])
            i += 3
            continue
        if not tok.startswith(("<", '"', "'")):
            m = _PNAME.match(tok)
            if m and not tok.startswith("_:"):
                prefix = m.group("prefix") or ""
                if prefix not in used:
                    used.append(prefix)
        i += 1
    return declared, used


def declare(text: str, sources: Callable[[], set[str]] | None = None) -> tuple[str, int]:
    """Return the query with the known prefixes it uses but does not declare, and how many
    characters were put before its first line (its lines stay the user's).

    `sources()` lists the slugs of the graph's sources (asked only for a prefix that is not
    one of the project's). An undeclared, unknown prefix raises an InputError naming it.

    >>> query, added = declare("SELECT ?s WHERE { ?s a kg:State }")
    >>> print(query)
    PREFIX kg: <https://w3id.org/scs-kg/ontology#> SELECT ?s WHERE { ?s a kg:State }
    >>> added  # characters put before line 1 (`syntax_line` puts an error's column back)
    47
    >>> declare("SELECT ?s WHERE { ?s a nope:State }")
    Traceback (most recent call last):
    kg.errors.InputError: unknown prefix 'nope:': declare it with PREFIX, or use one of ...
    """
    declared, used = declared_and_used(text)
    missing = [p for p in used if p not in declared]
    if not missing:
        return text, 0
    lines = []
    slugs: set[str] | None = None
    for prefix in missing:
        if prefix in KNOWN:
            lines.append(f"PREFIX {prefix}: <{KNOWN[prefix]}>")
            continue
        slug = prefix_source(prefix)
        if slugs is None:
            slugs = sources() if sources is not None else set()
        if slug is not None and slug in slugs:
            lines.append(f"PREFIX {prefix}: <{FACT}{slug}/>")
            continue
        theirs = ", ".join(sorted(source_prefix(s) for s in slugs))
        raise InputError(
            f"unknown prefix {prefix + ':'!r}: declare it with PREFIX, or use one of "
            f"{' '.join(KNOWN)}" + (f" or a source's ({theirs})" if slugs else "")
        )
    head = " ".join(lines) + " "
    return head + text, len(head)


def syntax_line(message: str, added: int) -> str:
    """Put back the column of an engine's syntax error on line 1 when `added` characters were
    put before the query (`declare`); the line numbers are the user's already."""
    m = _SYNTAX_LINE_1.match(message)
    if not added or not m:
        return message
    return f"{m.group(1)}{max(1, int(m.group(2)) - added)}{m.group(3)}"
