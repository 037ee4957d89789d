"""The one result shape every engine answers with: rows of a SELECT, an ASK's boolean, triples."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import KgError
from kg.results.cells import nt

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
    def converted(self) -> bool:
        """Whether the rows (or triples) are rdflib terms yet: an engine's answer is converted
        only when `rows` or `triples` is read."""
        return (self._triples if self.kind == "graph" else self._rows) is not None

    @property
    def taken_out(self) -> bool:
        """Whether pyoxigraph's answer was read into terms (`terms`), rather than written by
        pyoxigraph itself in a standard format."""
        return self._terms is not None

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
        from kg.results.writing import to_json

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
