"""JSON-LD written in one canonical order, so that the same graph gives the same bytes; and
read closed: no JSON-LD document kg reads may fetch or read another.

A JSON-LD `@context` given as a string, or an `@import`, names another document: an rdflib
parser fetches `http://…` and reads `file:///…` or a bare path. `check_closed` refuses such a
document in one line before any parser sees it (the data must carry its context inline, as
every JSON-LD file the build writes does), and `refuse_fetch` is the one document loader kg
lets rdflib use: it refuses every fetch, so no path through rdflib's JSON-LD reader can read.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any, NoReturn

from rdflib import Dataset, Graph

from kg.errors import InputError


def canonical(value: object) -> object:
    """Sort keys, node arrays and value arrays; `@list` arrays keep their order (RDF lists)."""
    if isinstance(value, dict):
        return {
            k: [canonical(v) for v in items]
            if k == "@list" and isinstance(items, list)
            else canonical(items)
            for k, items in sorted(value.items())
        }
    if isinstance(value, list):
        members = [canonical(v) for v in value]
        return sorted(members, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def dumps(graph: Graph | Dataset, context: dict[str, str], compact: bool = False) -> object:
    """Serialize a graph or dataset to JSON-LD with a local context, in canonical order."""
    raw = graph.serialize(format="json-ld", context=context, auto_compact=compact)
    return canonical(json.loads(raw))


def text(doc: object) -> str:
    """Return a JSON-LD document as indented text with a final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def document_head(context: dict[str, str]) -> bytes:
    """The start of a dataset document with its context inline, up to its `@graph` value."""
    ctx = dict(sorted(context.items()))
    head = json.dumps({"@context": ctx, "@graph": []}, ensure_ascii=False, sort_keys=False)
    assert head.endswith("[]}")
    return head[:-3].encode("utf-8")


def dataset_document(quads: Iterable[Any], context: dict[str, str]) -> bytes:
    """Write sorted pyoxigraph quads as one JSON-LD document that carries its context inline.

    pyoxigraph writes expanded JSON-LD (full IRIs, one graph object per named graph, in the
    order of the quads). The context (the prefixes, also written alone as `context.jsonld`)
    is inline, so the file stands alone: any reader loads it with no document loader, from
    any folder or from a string, and may compact it with the prefixes.
    """
    import pyoxigraph as ox

    body = ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
    assert body is not None
    return document_head(context) + body + b"}\n"


def references(doc: object) -> Iterator[str]:
    """Every other document a JSON-LD document names: a string `@context`, an `@import`."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@value":
                    continue  # a value, even JSON (`@json`), is never processed
                if key == "@context":
                    named = value if isinstance(value, list) else [value]
                    yield from (v for v in named if isinstance(v, str))
                elif key == "@import":
                    yield value if isinstance(value, str) else json.dumps(value)
                stack.append(value)


REFUSED = (
    "a JSON-LD context names another document: refused "
    "(kg fetches and reads none; put the context inline)"
)
"""What kg says of a JSON-LD document that names another (and of pyoxigraph's refusal)."""


def check_closed(doc: object, origin: str) -> None:
    """Refuse, in one line naming `origin`, a JSON-LD document that names another document."""
    for name in references(doc):
        raise InputError(f"{origin}: {REFUSED.replace('another document', repr(name))}")


def refuse_fetch(url: object, *_args: object, **_kwargs: object) -> NoReturn:
    """The document loader kg gives rdflib's JSON-LD reader: it refuses every fetch."""
    raise InputError(REFUSED.replace("another document", repr(str(url))))


def close_rdflib() -> None:
    """Make `refuse_fetch` rdflib's loader of JSON-LD contexts and imports (its only fetch)."""
    import rdflib.plugins.shared.jsonld.context as rdflib_context

    rdflib_context.source_to_json = refuse_fetch  # type: ignore[assignment]


MAX_DEPTH = 256
"""The deepest nesting of JSON objects and arrays kg reads: pyoxigraph's JSON-LD parser
overflows its stack (a crash, not an error) at about 4,000 nested objects."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SIGNS = bytes.maketrans(b"{[}]", b"\x01\x01\xff\xff")
_NOT_BRACKET = bytes(sorted(set(range(256)) - set(b"{[}]")))


def depth(data: bytes) -> int:
    """The deepest nesting of objects and arrays in JSON text (brackets in strings skipped)."""
    brackets = _STRING.sub(b"", data).translate(_SIGNS, _NOT_BRACKET)
    return max(accumulate(array("b", brackets)), default=0)


def check_depth(data: bytes, origin: str) -> None:
    """Refuse, in one line naming `origin`, JSON nested deeper than `MAX_DEPTH`."""
    found = depth(data)
    if found > MAX_DEPTH:
        raise InputError(
            f"{origin}: JSON nested {found} levels deep: refused (the limit is {MAX_DEPTH})"
        )
