"""Query results in one shape for every engine, written in the W3C SPARQL results formats.

SELECT and ASK results go out as a terminal table or as SPARQL 1.1 Query Results CSV, TSV,
JSON or XML; CONSTRUCT and DESCRIBE results as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import jsonld
from kg.errors import InputError
from kg.namespaces import FACT, PREFIXES

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "json-ld")
_GRAPH_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld"}

Row = tuple[Node | None, ...]


class Result:
    """The answer to a query: rows of a SELECT, the boolean of an ASK, or triples.

    The embedded and remote engines hand over their rows as pyoxigraph terms (`terms`) with a
    `convert` function to rdflib terms; `rows` converts them only when first read, and the
    writers below format pyoxigraph terms directly, so output needs no rdflib terms at all.
    """

    def __init__(
        self,
        kind: str,  # "select", "ask" or "graph"
        vars: list[str] | None = None,
        rows: list[Row] | None = None,
        boolean: bool | None = None,
        triples: list[tuple[Node, Node, Node]] | None = None,
        *,
        terms: list[tuple[Any, ...]] | None = None,
        convert: Callable[[Any], Node | None] | None = None,
    ) -> None:
        if terms is not None and convert is None:
            raise ValueError("a Result of pyoxigraph terms needs a convert function")
        self.kind = kind
        self.vars = vars if vars is not None else []
        self._rows = rows if rows is not None or terms is not None else []
        self.boolean = boolean
        self.triples = triples if triples is not None else []
        self.terms = terms
        self.convert = convert

    @property
    def rows(self) -> list[Row]:
        """The rows as rdflib terms (None for unbound), converted on first use."""
        if self._rows is None:
            convert = self.convert
            assert self.terms is not None and convert is not None
            self._rows = [tuple(convert(t) for t in row) for row in self.terms]
        return self._rows

    @rows.setter
    def rows(self, value: list[Row]) -> None:
        self._rows = value
        self.terms = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.kind, self.vars, self.rows, self.boolean, self.triples) == (
            other.kind,
            other.vars,
            other.rows,
            other.boolean,
            other.triples,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return (
            f"Result(kind={self.kind!r}, vars={self.vars!r}, rows={self.rows!r}, "
            f"boolean={self.boolean!r}, triples={self.triples!r})"
        )

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
        return short_iri(str(term), names)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def short_iri(text: str, names: dict[str, str] | None = None) -> str:
    """Return an IRI as a prefixed name (longest namespace, or a source's `slug:`), else `<iri>`."""
    best = ""
    name = ""
    for prefix, ns in (names or PREFIXES).items():
        if text.startswith(ns) and len(ns) > len(best) and _local_ok(text[len(ns) :]):
            best, name = ns, f"{prefix}:{text[len(ns) :]}"
    if not best and text.startswith(str(FACT)):
        slug, _, local = text[len(str(FACT)) :].partition("/")
        if local and _local_ok(local):
            return f"{slug}:{local}"
    return name if best else f"<{text}>"


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
    cells = [
        [c.replace("\n", " ") for c in row]
        for row in _cells(result, _fast_text(names), lambda t: short(t, names), "")
    ]
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
    out.writerows(
        _cells(result, _fast_csv, lambda t: f"_:{t}" if isinstance(t, BNode) else str(t), "")
    )
    return buf.getvalue()


def to_tsv(result: Result, names: dict[str, str] | None = None) -> str:
    """SPARQL 1.1 Query Results TSV: `?var` header, terms in N-Triples syntax."""
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(row) for row in _cells(result, _fast_nt, nt, "")]
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
            {v: t for v, t in zip(result.vars, row, strict=True) if t is not None}
            for row in _cells(result, _fast_json, _json_term, None)  # type: ignore[arg-type]
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
    opening = [f"      <binding name={quoteattr(v)}>" for v in result.vars]
    for row in _cells(result, _fast_xml, _xml_value, None):
        lines.append("    <result>")
        lines += [f"{o}{value}</binding>" for o, value in zip(opening, row, strict=True) if value]
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
        return jsonld.text(jsonld.dumps(g, dict(sorted(names.items())), compact=True))
    return g.serialize(format="turtle")


# --- formatting pyoxigraph terms directly ----------------------------------------------
# Each writer formats a cell from a pyoxigraph term when the term is an IRI, a blank node, a
# plain string or a language-tagged string, exactly as the rdflib writer does; other literals
# (numbers, dates ...), whose lexical form rdflib normalises, go through rdflib. Results
# repeat terms a lot, so each distinct term is formatted once.

_BAD_IRI_CHARS = frozenset('<>" {}|\\^`')  # rdflib refuses to write these in N-Triples


def _cells(
    result: Result,
    fast: Callable[[Any], Any],
    slow: Callable[[Node | None], Any],
    unbound: Any,
) -> list[list[Any]]:
    """Format every cell: pyoxigraph terms by `fast` (None: not handled), rdflib ones by `slow`."""
    if result.terms is None:
        return [[unbound if t is None else slow(t) for t in row] for row in result.rows]
    convert = result.convert
    assert convert is not None
    cache: dict[Any, Any] = {}
    out = []
    for row in result.terms:
        cells = []
        for term in row:
            if term is None:
                cells.append(unbound)
                continue
            cell = cache.get(term)
            if cell is None:
                cell = fast(term)
                if cell is None:
                    cell = slow(convert(term))
                cache[term] = cell
            cells.append(cell)
        out.append(cells)
    return out


def _plain(term: Any) -> tuple[str, str | None, str | None] | None:
    """Return (text, language, datatype) of a pyoxigraph literal that rdflib keeps as written.

    That is a plain or language-tagged string (datatype None), or an integer in canonical form
    (`12`, `-3`, `0`); None for anything else, whose lexical form rdflib may normalise.
    """
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return None
    language = term.language
    if language:
        return term.value, language, None
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return term.value, None, None
    if datatype in _XSD_INTEGERS:
        text = term.value
        if _CANONICAL_INTEGER.fullmatch(text):
            return text, None, datatype
    return None


_XSD_STRING = str(XSD.string)
_XSD_INTEGERS = frozenset(
    f"{XSD}{name}"
    for name in [
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)
_CANONICAL_INTEGER = re.compile(r"-?[1-9][0-9]*|0")


def quote(text: str) -> str:
    """Quote a string as rdflib's `Literal.n3()` does (long quotes when it has a newline)."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        return '"""' + encoded.replace("\r", "\\r") + '"""'
    escaped = text.replace("\n", "\\n").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "\\r") + '"'


def _fast_text(names: dict[str, str] | None) -> Callable[[Any], str | None]:
    """The table cell of a pyoxigraph term: prefixed name, `_:id` or literal text."""
    import pyoxigraph as ox

    def fast(term: Any) -> str | None:
        if isinstance(term, ox.NamedNode):
            return short_iri(term.value, names)
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        found = _plain(term)
        return None if found is None else found[0]

    return fast


def _fast_csv(term: Any) -> str | None:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    found = _plain(term)
    return None if found is None else found[0]


def _fast_nt(term: Any) -> str | None:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        value = term.value
        return None if _BAD_IRI_CHARS.intersection(value) else f"<{value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    found = _plain(term)
    if found is None:
        return None
    text, language, datatype = found
    if language:
        return f"{quote(text)}@{language}"
    return f"{quote(text)}^^<{datatype}>" if datatype else quote(text)


def _fast_json(term: Any) -> dict[str, str] | None:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    found = _plain(term)
    if found is None:
        return None
    text, language, datatype = found
    cell = {"type": "literal", "value": text}
    if language:
        cell["xml:lang"] = language
    elif datatype:
        cell["datatype"] = datatype
    return cell


def _fast_xml(term: Any) -> str | None:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    found = _plain(term)
    if found is None:
        return None
    text, language, datatype = found
    attr = ""
    if language:
        attr = f" xml:lang={quoteattr(language)}"
    elif datatype:
        attr = f" datatype={quoteattr(datatype)}"
    return f"<literal{attr}>{escape(text)}</literal>"


def _xml_value(term: Node | None) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attr = ""
    if term.language:
        attr = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype != XSD.string:
        attr = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attr}>{escape(str(term))}</literal>"
