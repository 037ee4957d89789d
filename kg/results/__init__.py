"""Query results in one shape for every engine, written in the W3C SPARQL results formats.

SELECT and ASK results go out as a terminal table or as SPARQL 1.1 Query Results CSV, TSV,
JSON or XML; CONSTRUCT and DESCRIBE results as Turtle, N-Triples or JSON-LD.

The package, by idea: `result` (`Result`, the one shape), `cells` (a term in a cell, in
N-Triples, in JSON), `table` (the terminal table), `writing` (`write`: every format).
"""

from __future__ import annotations

from kg.prefixes import short_iri
from kg.results.cells import nt, short
from kg.results.result import Result, Row, canonical_term, python_value
from kg.results.table import display_width, table
from kg.results.writing import GRAPH_FORMATS, TABLE_FORMATS, to_json, write, write_graph

__all__ = [
    "GRAPH_FORMATS",
    "TABLE_FORMATS",
    "Result",
    "Row",
    "canonical_term",
    "display_width",
    "nt",
    "python_value",
    "short",
    "short_iri",
    "table",
    "to_json",
    "write",
    "write_graph",
]
