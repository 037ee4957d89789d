"""One term as a result shows it: in a cell (`short`, a prefixed name where one reads back),
as N-Triples (`nt`), as a SPARQL JSON binding.

The table and the JSON of rows already read format a cell from a pyoxigraph term when it is
an IRI, a blank node, a plain or language-tagged string or a canonical integer, exactly as
from the rdflib term; other literals, whose lexical form rdflib normalises, go through
rdflib. Results repeat terms a lot, so each distinct term is formatted once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.prefixes import short_iri
from kg.terms import XSD_INTEGERS

if TYPE_CHECKING:
    from kg.results.result import Result


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


def json_term(term: Node) -> dict[str, str]:
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


def cells_of(
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


def fast_text(names: dict[str, str] | None) -> Callable[[Any], str | None]:
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


def fast_json(term: Any) -> dict[str, str] | None:
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
