"""Query results in one shape for every engine, written in the W3C SPARQL results formats.

SELECT and ASK results go out as a terminal table or as SPARQL 1.1 Query Results CSV, TSV,
JSON or XML; CONSTRUCT and DESCRIBE results as Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import jsonld
from kg.errors import InputError, KgError
from kg.namespaces import FACT, PREFIXES
from kg.prefixes import prefixed_graph, short_iri, source_prefix, with_sources
from kg.terms import XSD_INTEGERS

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "nt", "json-ld")
_GRAPH_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld"}

Row = tuple[Node | None, ...]


@contextlib.contextmanager
def _engine_errors() -> Iterator[None]:
    """pyoxigraph evaluates while the answer is read: report its errors in one line."""
    try:
        yield
    except (RuntimeError, OSError) as exc:
        raise KgError(f"oxigraph: {str(exc).splitlines()[0]}") from None


class Result:
    """The answer to a query: rows of a SELECT, the boolean of an ASK, or triples.

    The embedded engine hands over pyoxigraph's own answer (`native`), not yet evaluated: the
    standard formats (CSV, TSV, JSON, XML, N-Triples) are then written by pyoxigraph itself,
    as fast as pyoxigraph alone. `terms` (pyoxigraph terms) and `rows` (rdflib terms) are
    taken from it only when read. The remote engine keeps the endpoint's own bytes the same way;
    rdflib's rows go out through the same pyoxigraph writers, so every engine writes one form.
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
        native: Any = None,
        replay: tuple[bytes, str] | None = None,
    ) -> None:
        lazy = terms is not None or native is not None or replay is not None
        if lazy and convert is None:
            raise ValueError("a Result of pyoxigraph terms needs a convert function")
        self.kind = kind
        self.vars = vars if vars is not None else []
        self._rows = rows if rows is not None else (None if lazy and kind == "select" else [])
        self.boolean = boolean
        self._triples = (
            triples if triples is not None else (None if lazy and kind == "graph" else [])
        )
        self._terms = terms
        self._native = native  # a pyoxigraph QuerySolutions or QueryTriples, not yet read
        self._replay = replay  # (bytes, format name): what `native` was serialized to
        self.convert = convert

    # --- taking the answer out of pyoxigraph, once ---------------------------------------

    def _solutions(self) -> Any:
        """Hand over pyoxigraph's answer once: the unread original, or parsed back from bytes."""
        import pyoxigraph as ox

        from kg import formats

        native, self._native = self._native, None
        if native is not None:
            return native
        assert self._replay is not None
        data, fmt = self._replay  # a format's name (`kg.formats`): pickled with the result
        if self.kind == "graph":
            return ox.parse(data, format=formats.RDF[fmt])
        return ox.parse_query_results(data, format=formats.RESULTS[fmt])

    @property
    def terms(self) -> list[tuple[Any, ...]] | None:
        """The rows (or triples) as pyoxigraph terms; None when the rows are rdflib terms."""
        if self._terms is None and (self._native is not None or self._replay is not None):
            found = self._solutions()
            with _engine_errors():
                if self.kind == "graph":
                    self._terms = [(t.subject, t.predicate, t.object) for t in found]
                else:
                    self._terms = [tuple(sol) for sol in found]
        return self._terms

    @property
    def rows(self) -> list[Row]:
        """The rows as rdflib terms (None for unbound), converted on first use."""
        if self._rows is None:
            convert = self.convert
            terms = self.terms
            assert terms is not None and convert is not None
            self._rows = [tuple(convert(t) for t in row) for row in terms]
        return self._rows

    @rows.setter
    def rows(self, value: list[Row]) -> None:
        self._rows = value
        self._terms = self._native = self._replay = None

    @property
    def triples(self) -> list[tuple[Node, Node, Node]]:
        """The triples of a CONSTRUCT or DESCRIBE as rdflib terms, converted on first use."""
        if self._triples is None:
            convert = self.convert
            terms = self.terms
            assert terms is not None and convert is not None
            self._triples = [tuple(convert(t) for t in tr) for tr in terms]  # type: ignore[misc]
        return self._triples

    @triples.setter
    def triples(self, value: list[tuple[Node, Node, Node]]) -> None:
        self._triples = value
        self._terms = self._native = self._replay = None

    def serialized(self, fmt: str) -> bytes:
        """Write the rows in a standard format (`csv`, `tsv`, `json`, `xml`) with pyoxigraph."""
        import pyoxigraph as ox

        from kg import formats

        target = formats.RESULTS[fmt]
        if self._native is not None and self._terms is None:
            # the first writing reads pyoxigraph's answer; CSV loses term kinds, so keep TSV
            first = "tsv" if fmt == "csv" else fmt
            native, self._native = self._native, None
            with _engine_errors():
                data = native.serialize(format=formats.RESULTS[first])
            self._replay = (data, first)
        if self._replay is not None and self._terms is None:
            data, first = self._replay
            if first == fmt:
                return data
            parsed = ox.parse_query_results(data, format=formats.RESULTS[first])
        else:  # rows already read, or rdflib's: through their JSON
            parsed = ox.parse_query_results(
                to_json(self).encode("utf-8"), format=ox.QueryResultsFormat.JSON
            )
        return parsed.serialize(format=target) or b""

    def ntriples(self) -> bytes:
        """Write the triples of a CONSTRUCT or DESCRIBE as N-Triples with pyoxigraph."""
        import pyoxigraph as ox

        if self._native is not None and self._terms is None:
            native, self._native = self._native, None
            with _engine_errors():
                self._replay = (native.serialize(format=ox.RdfFormat.N_TRIPLES), "nt")
        if self._replay is not None and self._terms is None:
            return self._replay[0]
        if self._terms is not None:
            items = [ox.Triple(*t) for t in self._terms]
        else:  # rdflib triples: through their N-Triples form
            text = "".join(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in self.triples)
            items = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
        return ox.serialize(items, format=ox.RdfFormat.N_TRIPLES) or b""

    def __getstate__(self) -> dict[str, Any]:
        """Pickle what was read (pyoxigraph's live answer cannot travel between processes)."""
        if self._native is not None:
            self.terms  # noqa: B018  # reads the answer
        return dict(self.__dict__)

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


def nt(term: Node | None) -> str:
    """Return the N-Triples form of a term (empty for unbound)."""
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term)).n3()
    return term.n3()


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


def table(result: Result, names: dict[str, str] | None = None, width: int | None = None) -> str:
    """Return aligned columns for a terminal: prefixed names and literal texts, and a row count.

    With a `width`, columns are narrowed (the widest first) until a line fits, and a cell cut
    short ends with `…`; without one every cell is shown whole.
    """
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    cells = [
        [" ".join(c.split()) for c in row]
        for row in _cells(result, _fast_text(names), lambda t: short(t, names), "")
    ]
    if not result.vars:
        return _count(len(cells))
    widths = [display_width(v) for v in result.vars]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    if width is not None:
        widths = fit_widths(widths, [display_width(v) for v in result.vars], width)
    lines = [_line(result.vars, widths)]
    lines.append("  ".join("-" * w for w in widths))
    lines += [_line(row, widths) for row in cells]
    return "\n".join(lines) + "\n" + _count(len(cells))


def _count(n: int) -> str:
    return "no rows\n" if n == 0 else f"{n} row{'s' if n != 1 else ''}\n"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(pad(clip(c, w), w) for c, w in zip(cells, widths, strict=True)).rstrip()


def display_width(text: str) -> int:
    """Return how many terminal columns a text takes (wide East Asian characters take two)."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def clip(text: str, width: int) -> str:
    """Cut a text to `width` columns with a `…` where it was cut.

    Text is cut at its end; a name without spaces (a prefixed name or `<iri>`) in its middle,
    so that the part that tells similar names apart stays.
    """
    if display_width(text) <= width:
        return text
    if " " in text or width < 9:
        return _head(text, width - 1).rstrip() + "…"
    tail = (width - 1) // 2
    head = _head(text, width - 1 - tail)
    end = _head(text[::-1], width - 1 - display_width(head))[::-1]
    return f"{head}…{end}"


def _head(text: str, width: int) -> str:
    """The longest start of a text that takes at most `width` columns."""
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def pad(text: str, width: int) -> str:
    """Pad a text with spaces to `width` columns."""
    return text + " " * max(0, width - display_width(text))


def fit_widths(widths: list[int], minimum: list[int], total: int) -> list[int]:
    """Narrow the widest columns until the columns and their gaps fit in `total` columns.

    Every column wider than a cap is cut to it (the cap as large as fits); a column keeps at
    least its heading's width (at most 12) and 6 columns, so a very narrow terminal gets lines
    longer than `total` rather than unreadable columns.
    """
    floor = [min(w, max(6, min(m, 12))) for w, m in zip(widths, minimum, strict=True)]
    budget = total - 2 * (len(widths) - 1)

    def capped(cap: int) -> list[int]:
        return [max(f, min(w, cap)) for w, f in zip(widths, floor, strict=True)]

    if sum(widths) <= budget:
        return list(widths)
    low, high = 0, max(widths)  # the largest cap that fits, by bisection
    while low < high:
        mid = (low + high + 1) // 2
        if sum(capped(mid)) <= budget:
            low = mid
        else:
            high = mid - 1
    return capped(low)


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


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON of rows already read (what pyoxigraph then rewrites)."""
    bindings = [
        {v: t for v, t in zip(result.vars, row, strict=True) if t is not None}
        for row in _cells(result, _fast_json, _json_term, None)  # type: ignore[arg-type]
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


# --- formatting pyoxigraph terms directly ----------------------------------------------
# The table and the JSON of rows already read format a cell from a pyoxigraph term when it is
# an IRI, a blank node, a plain or language-tagged string or a canonical integer, exactly as
# from the rdflib term; other literals, whose lexical form rdflib normalises, go through
# rdflib. Results repeat terms a lot, so each distinct term is formatted once.


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
_XSD_INTEGERS = frozenset(str(t) for t in XSD_INTEGERS)
_CANONICAL_INTEGER = re.compile(r"-?[1-9][0-9]*|0")


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
