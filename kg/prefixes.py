"""The project's prefixes, declared for every ad-hoc query where the query does not declare them.

`kg sparql 'SELECT ?s WHERE { ?s a kg:State }'` works on every engine: the prefixed names a
query uses but does not declare are looked up among the project's prefixes (`kg ent fact src nif
prov time rdfs rdf owl skos dct xsd` and the rest of `kg.namespaces.PREFIXES`) and, for the
`slug:local` names the tables print for facts, among the graph's sources; their `PREFIX` lines
are added on one line before the query, so that an engine's line numbers are off by one only
(`syntax_line` puts them back). A prefix that is neither declared nor known is one line naming it
and the known ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.errors import InputError
from kg.namespaces import FACT, PREFIXES
from kg.store import tokens

# The ones an analyst types most, first; then the rest of the project's namespaces.
MAIN = ("kg", "ent", "fact", "src", "nif", "prov", "time", "rdfs", "rdf", "owl", "skos", "dct")
_ALL = {**PREFIXES, "fact": str(FACT)}
KNOWN: dict[str, str] = {p: _ALL[p] for p in (*MAIN, "xsd", *_ALL)}
_PNAME = re.compile(r"^(?P<prefix>[A-Za-z_][\w.-]*)?:")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_SYNTAX_LINE = re.compile(r"^(SPARQL syntax error: line )(\d+)( .*)$", re.S)


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
    """Return the query with the known prefixes it uses but does not declare, and lines added.

    `sources()` lists the slugs of the graph's sources (asked only for a prefix that is not
    one of the project's). An undeclared, unknown prefix raises an InputError naming it.
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
        if slugs is None:
            slugs = sources() if sources is not None and _SLUG.fullmatch(prefix) else set()
        if prefix in slugs:
            lines.append(f"PREFIX {prefix}: <{FACT}{prefix}/>")
            continue
        raise InputError(
            f"unknown prefix {prefix + ':'!r}: declare it with PREFIX, or use one of "
            f"{' '.join(KNOWN)}" + (f" or a source's ({', '.join(sorted(slugs))})" if slugs else "")
        )
    return " ".join(lines) + "\n" + text, 1


def syntax_line(message: str, added: int) -> str:
    """Put back the line number of an engine's syntax error when `added` lines came first."""
    m = _SYNTAX_LINE.match(message)
    if not added or not m:
        return message
    return f"{m.group(1)}{max(1, int(m.group(2)) - added)}{m.group(3)}"
