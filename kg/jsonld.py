"""JSON-LD written in one canonical order, so that the same graph gives the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import Dataset, Graph


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
