"""The query sandbox: what every SPARQL text must pass before an embedded engine sees it.

A query reads the loaded data and nothing else. The checks run on tokens (strings, IRIs and
comments kept whole, so a keyword inside a string or an IRI is not a keyword), after the
`\\uXXXX` escapes that SPARQL allows anywhere in a query are expanded:

- `SERVICE` (a federated query: an outbound request) is refused unless allowed;
- `LOAD` (reads a file or a URL) is refused always: give the data with `--data`;
- a query nested more than `MAX_DEPTH` brackets deep, or longer than `MAX_TOKENS` tokens outside
  its `VALUES` data, is refused: Oxigraph overflows its stack (a crash, not an error) on about
  2,000 levels or 3,000 chained `BIND`s, and rdflib's parser recurses through about thirty
  Python frames per level of parentheses.

`FROM`/`FROM NAMED` are not refused: they select graphs of the loaded dataset (SPARQL dataset
semantics), and neither engine fetches them (see `kg.engines.embedded`).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from kg.errors import InputError

MAX_DEPTH = 64
"""The deepest nesting of `(`, `[` and `{` a query may have (the catalog's deepest is 5)."""

MAX_TOKENS = 4000
"""The most tokens a query may have outside its `VALUES` data (the catalog's longest: 123)."""

MAX_QUERY_BYTES = 1 << 20
"""The longest query text read from a file, standard input or a request body (1 MiB)."""

TOKENS = re.compile(
    r"#[^\n]*"  # a comment
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''  # long strings
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''  # strings
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # an IRI (as the SPARQL grammar's IRIREF)
    r"|[?$]\w+"  # a variable
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"  # a language tag
    r"|(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*"  # a prefixed name (or a blank node label)
    r"|[A-Za-z_][\w-]*|\{|\}|\S",  # a word, a brace, any other character
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN = {"(": ")", "[": "]", "{": "}"}


def tokens(text: str) -> list[str]:
    """Split SPARQL into tokens: comments dropped; strings, IRIs, variables and words whole."""
    return [t for t in TOKENS.findall(text) if not t.startswith("#")]


def expand_escapes(text: str) -> str:
    """Expand `\\uXXXX` and `\\UXXXXXXXX` as the SPARQL grammar does before it parses."""

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(one, text) if "\\u" in text or "\\U" in text else text


VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})
"""SPARQL's functions whose value changes from one run to the next."""


def volatile(text: str) -> bool:
    """Whether the query calls a function whose value changes between runs (`NOW()`,
    `RAND()`, `UUID()`, `STRUUID()`, `BNODE()`): its answer is never replayed from the cache.

    Read from the tokens, after `\\u` escapes are expanded: such a name inside a string, an
    IRI, a comment, a variable or a prefixed name (`ex:now()`) is not a call.
    """
    toks = tokens(expand_escapes(text))
    return any(tok.upper() in VOLATILE and nxt == "(" for tok, nxt in itertools.pairwise(toks))


@dataclass(frozen=True)
class Shape:
    """What the sandbox needs to know about a query text."""

    depth: int
    size: int
    service: bool
    load: bool
    dataset: bool  # a FROM or FROM NAMED clause

    def merge(self, other: Shape) -> Shape:
        """The shape that refuses whatever either shape refuses."""
        return Shape(
            max(self.depth, other.depth),
            max(self.size, other.size),
            self.service or other.service,
            self.load or other.load,
            self.dataset or other.dataset,
        )


def _shape(toks: list[str]) -> Shape:
    depth = deepest = size = 0
    service = load = dataset = False
    in_values = False  # inside the data braces of a VALUES block
    values_depth = 0
    after_values = False
    for tok in toks:
        word = tok.upper()
        if tok in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
            if after_values and tok == "{":
                in_values, values_depth, after_values = True, depth, False
        elif tok in (")", "]", "}"):
            if in_values and tok == "}" and depth == values_depth:
                in_values = False
            depth -= 1
        elif word == "VALUES":
            after_values = True
        elif word == "SERVICE":
            service = True
        elif word == "LOAD":
            load = True
        elif word == "FROM":
            dataset = True
        if not in_values:
            size += 1
    return Shape(deepest, size, service, load, dataset)


@functools.lru_cache(maxsize=512)
def shape(text: str) -> Shape:
    """Measure a query: nesting depth, size, and whether it uses SERVICE, LOAD or FROM."""
    found = _shape(tokens(text))
    expanded = expand_escapes(text)
    if expanded != text:  # rdflib expands escapes before parsing; Oxigraph does not
        found = found.merge(_shape(tokens(expanded)))
    return found


def check(text: str, *, allow_service: bool = False) -> Shape:
    """Refuse, with one line, a query the sandbox does not let an embedded engine run."""
    found = shape(text)
    if found.depth > MAX_DEPTH:
        raise InputError(
            f"the query is nested {found.depth} brackets deep: the limit is {MAX_DEPTH}"
        )
    if found.size > MAX_TOKENS:
        raise InputError(
            f"the query has {found.size} tokens outside VALUES data: the limit is {MAX_TOKENS} "
            "(put long lists of values in a VALUES block)"
        )
    if found.load:
        raise InputError(
            "LOAD reads a file or a URL, which a query may not do: give the data with --data"
        )
    if found.service and not allow_service:
        raise InputError(
            "SERVICE sends the query to another endpoint: refused without --allow-service"
        )
    return found
