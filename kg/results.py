"""Query results in one shape for every engine, written in the W3C SPARQL results formats.

SELECT and ASK results go out as a terminal table or as SPARQL 1.1 Query Results CSV, TSV,
JSON or XML; CONSTRUCT and DESCRIBE results as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import FACT, PREFIXES

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "json-ld")
_GRAPH_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld"}

Row = tuple[Node | None, ...]


@dataclass
class Result:
    """The answer to a query: rows of a SELECT, the boolean of an ASK, or triples."""

    kind: str  # "select", "ask" or "graph"
    vars: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Any]]:
        """Return the rows as dicts of Python values (IRIs as strings, literals converted)."""
        return [
            {v: python_value(t) for v, t in zip(self.vars, row, strict=True)} for row in self.rows
        ]

    def to_dataframe(self) -> Any:
        """Return the rows as a pandas DataFrame of Python values, one column per variable."""
        import pandas as pd

        return pd.DataFrame(self.dicts(), columns=self.vars)

    def canonical(self) -> Any:
        """Return an order-free form for comparing engines: sorted rows, literals by value."""
        if self.kind == "ask":
            return self.boolean
        if self.kind == "graph":
            return sorted({tuple(canonical_term(t) for t in triple) for triple in self.triples})
        return (list(self.vars), sorted(tuple(canonical_term(t) for t in row) for row in self.rows))


def python_value(term: Node | None) -> Any:
    """Return a Python value for a term: str for IRIs and blank nodes, the literal's value."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, str | int | float | bool) else str(term)
    return str(term)


def canonical_term(term: Node | None) -> tuple[str, str, str]:
    """Return a comparable key: kind, lexical value (numbers by value) and datatype or language."""
    if term is None:
        return ("", "", "")
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            # numbers by value: engines may normalise xsd:nonNegativeInteger to xsd:integer
            number = value if isinstance(value, int) else float(value)
            return ("number", repr(number), "")
        dt = str(term.datatype or "")
        if dt == str(XSD.string):
            dt = ""
        return ("literal", str(term), term.language or dt)
    if isinstance(term, BNode):
        return ("bnode", "", "")
    return ("iri", str(term), "")


def short(term: Node | None, names: dict[str, str] | None = None) -> str:
    """Return a readable form: a prefixed name for an IRI, the text of a literal."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        best = ""
        for prefix, ns in (names or PREFIXES).items():
            if text.startswith(ns) and len(ns) > len(best) and _local_ok(text[len(ns) :]):
                best, name = ns, f"{prefix}:{text[len(ns) :]}"
        if not best and text.startswith(str(FACT)):
            slug, _, local = text[len(str(FACT)) :].partition("/")
            if local and _local_ok(local):
                return f"{slug}:{local}"
        return name if best else f"<{text}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _local_ok(local: str) -> bool:
    return all(ch.isalnum() or ch in "-_." for ch in local)


def nt(term: Node | None) -> str:
    """Return the N-Triples form of a term (empty for unbound)."""
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term)).n3()
    return term.n3()


def write(result: Result, fmt: str, names: dict[str, str] | None = None) -> str:
    """Serialize a result; `fmt` is a table format for SELECT/ASK, a graph format for triples."""
    if result.kind == "graph":
        fmt = _GRAPH_ALIASES.get(fmt, fmt)
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"--format {fmt}: CONSTRUCT/DESCRIBE write {', '.join(GRAPH_FORMATS)}")
        return write_graph(result, fmt, names)
    if fmt not in TABLE_FORMATS:
        raise InputError(f"--format {fmt}: SELECT/ASK write {', '.join(TABLE_FORMATS)}")
    return {"table": table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "xml": to_xml}[fmt](
        result, names
    )


def table(result: Result, names: dict[str, str] | None = None) -> str:
    """Return aligned columns for a terminal: prefixed names and literal texts."""
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    cells = [[short(t, names).replace("\n", " ") for t in row] for row in result.rows]
    widths = [len(v) for v in result.vars]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.vars, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"


def to_csv(result: Result, names: dict[str, str] | None = None) -> str:
    """SPARQL 1.1 Query Results CSV: header of variable names, plain values, CRLF lines."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        out.writerow(["_askResult"])
        out.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    out.writerow(result.vars)
    for row in result.rows:
        out.writerow(
            ["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row]
        )
    return buf.getvalue()


def to_tsv(result: Result, names: dict[str, str] | None = None) -> str:
    """SPARQL 1.1 Query Results TSV: `?var` header, terms in N-Triples syntax."""
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(nt(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    found = {"type": "literal", "value": str(term)}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        found["datatype"] = str(term.datatype)
    return found


def to_json(result: Result, names: dict[str, str] | None = None) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.vars, row, strict=True) if t is not None}
            for row in result.rows
        ]
        doc = {"head": {"vars": result.vars}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_xml(result: Result, names: dict[str, str] | None = None) -> str:
    """SPARQL Query Results XML."""
    lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        lines += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
        return "\n".join([*lines, "</sparql>"]) + "\n"
    lines.append("  <head>")
    lines += [f"    <variable name={quoteattr(v)}/>" for v in result.vars]
    lines += ["  </head>", "  <results>"]
    for row in result.rows:
        lines.append("    <result>")
        for v, t in zip(result.vars, row, strict=True):
            if t is None:
                continue
            if isinstance(t, URIRef):
                value = f"<uri>{escape(str(t))}</uri>"
            elif isinstance(t, BNode):
                value = f"<bnode>{escape(str(t))}</bnode>"
            else:
                assert isinstance(t, Literal)
                attr = ""
                if t.language:
                    attr = f" xml:lang={quoteattr(t.language)}"
                elif t.datatype and t.datatype != XSD.string:
                    attr = f" datatype={quoteattr(str(t.datatype))}"
                value = f"<literal{attr}>{escape(str(t))}</literal>"
            lines.append(f"      <binding name={quoteattr(v)}>{value}</binding>")
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


def write_graph(result: Result, fmt: str, names: dict[str, str] | None = None) -> str:
    """Serialize triples as Turtle, N-Triples or JSON-LD, sorted so the output is stable."""
    if fmt == "nt":
        lines = sorted({f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in result.triples})
        return "".join(line + "\n" for line in lines)
    g = Graph()
    names = dict(names or PREFIXES)
    for triple in result.triples:
        for term in triple:
            text = str(term)
            if isinstance(term, URIRef) and text.startswith(str(FACT)):
                slug = text[len(str(FACT)) :].split("/", 1)[0]
                names.setdefault(slug, f"{FACT}{slug}/")
    for prefix, ns in names.items():
        g.bind(prefix, ns, override=True, replace=True)
    for triple in result.triples:
        g.add(triple)
    if fmt == "json-ld":
        context = dict(sorted(names.items()))
        return g.serialize(format="json-ld", context=context, auto_compact=True)
    return g.serialize(format="turtle")
