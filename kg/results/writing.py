"""A result written in a format: the table, or the W3C SPARQL 1.1 Query Results CSV, TSV, JSON
and XML for SELECT and ASK; Turtle, N-Triples or JSON-LD for CONSTRUCT and DESCRIBE."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rdflib import URIRef

from kg import jsonld
from kg.errors import InputError
from kg.namespaces import FACT, PREFIXES
from kg.prefixes import prefixed_graph, source_prefix, with_sources
from kg.results.cells import cells_of, fast_json, json_term
from kg.results.table import table

if TYPE_CHECKING:
    from kg.results.result import Result


TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")


GRAPH_FORMATS = ("turtle", "nt", "json-ld")


_GRAPH_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld"}


def write(
    result: Result, fmt: str, names: dict[str, str] | None = None, width: int | None = None
) -> str:
    """Serialize a result; `fmt` is a table format for SELECT/ASK, a graph format for triples.

    `width` is the terminal width a `table` fits in (None: every cell whole).
    """
    if result.kind == "graph":
        fmt = _GRAPH_ALIASES.get(fmt, fmt)
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"--format {fmt}: CONSTRUCT/DESCRIBE write {', '.join(GRAPH_FORMATS)}")
        return write_graph(result, fmt, names)
    if fmt not in TABLE_FORMATS:
        raise InputError(f"--format {fmt}: SELECT/ASK write {', '.join(TABLE_FORMATS)}")
    if fmt == "table":
        return table(result, names, width)
    if result.kind == "ask":
        return _ask(result, fmt)
    text = result.serialized(fmt).decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def _ask(result: Result, fmt: str) -> str:
    """An ASK answer: `_askResult` in CSV and TSV (no standard form there), else the standard."""
    value = "true" if result.boolean else "false"
    if fmt == "csv":
        return f"_askResult\r\n{value}\r\n"
    if fmt == "tsv":
        return f"?_askResult\n{value}\n"
    if fmt == "json":
        doc = {"head": {}, "boolean": bool(result.boolean)}
        return json.dumps(doc, separators=(",", ":")) + "\n"
    return (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head></head><boolean>{value}</boolean></sparql>\n"
    )


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON of rows already read (what pyoxigraph then rewrites)."""
    bindings = [
        {v: t for v, t in zip(result.vars, row, strict=True) if t is not None}
        for row in cells_of(result, fast_json, json_term, None)  # type: ignore[arg-type]
    ]
    doc = {"head": {"vars": result.vars}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def write_graph(result: Result, fmt: str, names: dict[str, str] | None = None) -> str:
    """Serialize triples as Turtle, N-Triples or JSON-LD, sorted so the output is stable."""
    if fmt == "nt":
        lines = sorted(set(result.ntriples().splitlines()))  # UTF-8 sorts as code points
        return (b"\n".join(lines) + b"\n").decode("utf-8") if lines else ""
    given = names or PREFIXES
    slugs = {
        str(term)[len(FACT) :].split("/", 1)[0]
        for triple in result.triples
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(FACT)
    }
    fresh = {s for s in slugs if source_prefix(s) not in given}
    names = with_sources(fresh, given)  # the prefixes given come first
    g = prefixed_graph(names)
    for triple in result.triples:
        g.add(triple)
    if fmt == "json-ld":
        return jsonld.text(jsonld.dumps(g, dict(sorted(names.items())), compact=True))
    return g.serialize(format="turtle")
