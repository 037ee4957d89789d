"""Results kept as pyoxigraph terms: converted to rdflib only when read, written identically."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from kg import catalog
from kg.api import KnowledgeGraph
from kg.engines.embedded import OxigraphEngine
from kg.engines.open import open_engine
from kg.graph import open as open_graph
from kg.results import TABLE_FORMATS, Result, write

# Every kind of term a writer formats: IRIs, a blank node, plain and tagged strings with
# quotes, backslashes, newlines, CR and tabs, and typed literals whose lexical form rdflib
# normalises ("01" -> "1", "1.50" -> "1.5", "1" -> "true") or keeps (dates, gYear, xsd:string).
TRICKY = r"""
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?a ?b ?c WHERE {
  VALUES (?a ?b ?c) {
    (<https://w3id.org/scs-kg/entity/china> "plain" "tagged"@en)
    (<https://w3id.org/scs-kg/fact/some-source/f1> "say \"no\"\\ok" "Zweite\nZeile"@de-CH)
    (<http://example.org/a%20b#x> "line one\nline \"two\"" "ends in quote\n\"")
    (<urn:x:y> "tab\there\r\nand CR" "\"\"\" triple\n")
    ("01"^^xsd:integer "1.50"^^xsd:decimal "1"^^xsd:boolean)
    ("2012"^^xsd:gYear "2024-05-01"^^xsd:date "1.0E0"^^xsd:double)
    ("typed string"^^xsd:string "<b>&amp;</b>" "")
    (UNDEF "cr\ronly" "é ü 中文"@zh)
    ("-0"^^xsd:integer "+5"^^xsd:int "007"^^xsd:nonNegativeInteger)
    ("-12"^^xsd:integer "0"^^xsd:nonNegativeInteger "123456789012345678901234567890"^^xsd:long)
  }
}
"""
BLANK = "SELECT ?s ?t WHERE { BIND(BNODE() AS ?s) BIND(STRLEN('abc') AS ?t) }"


@pytest.fixture(scope="module")
def engine(out_dir: Path) -> OxigraphEngine:
    """The embedded Oxigraph engine over the build output."""
    found = open_engine(open_graph(out_dir), "oxigraph")
    assert isinstance(found, OxigraphEngine)
    return found


def _converted(result: Result) -> Result:
    """The same result with its rows as rdflib terms: what the writers received before."""
    return Result(result.kind, vars=list(result.vars), rows=list(result.rows))


def test_rows_stay_pyoxigraph_terms_until_read(engine: OxigraphEngine) -> None:
    """The engine hands over pyoxigraph terms; `rows` converts them, once, on first read."""
    result = engine.run(TRICKY)
    assert result.terms is not None and len(result.terms) == 10
    assert not result.converted  # nothing converted yet
    rows = result.rows
    assert rows is result.rows  # converted once
    assert rows[0] == (
        URIRef("https://w3id.org/scs-kg/entity/china"),
        Literal("plain"),
        Literal("tagged", lang="en"),
    )
    assert rows[4][0] == Literal("01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))
    assert rows[6] == (
        Literal("typed string"),
        Literal("<b>&amp;</b>"),
        Literal(""),
    )  # xsd:string: plain
    assert rows[7][:2] == (None, Literal("cr\ronly"))


def _values(text: str) -> list[tuple[tuple[str, str, str], ...]]:
    """Read TSV results back (pyoxigraph) into comparable cells: numbers compared by value."""
    import pyoxigraph as ox

    from kg.engines.base import from_ox
    from kg.results import canonical_term

    parsed = ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.TSV)
    return [tuple(canonical_term(from_ox(t)) for t in sol) for sol in parsed]


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_writers_on_pyoxigraph_terms_match_rdflib_terms(engine: OxigraphEngine, fmt: str) -> None:
    """Every format is byte-identical whether pyoxigraph writes its answer or rdflib rows.

    Doubles are left out here: pyoxigraph and rdflib write a double's canonical form
    differently ("1" and "1.0"); the next test checks they keep its value.
    """
    for text in (TRICKY.replace('"1.0E0"^^xsd:double', '"1"'), BLANK):
        result = engine.run(text)
        fast = write(result, fmt)
        assert not result.converted  # no rdflib terms were needed
        if fmt != "table":
            assert not result.taken_out  # pyoxigraph wrote its answer itself
        assert fast == write(_converted(result), fmt)
    assert "Zweite" in write(engine.run(TRICKY), fmt)


def test_every_term_keeps_its_value_either_way(engine: OxigraphEngine) -> None:
    """With doubles too, both ways of writing give the same terms and values."""
    result = engine.run(TRICKY)
    fast = write(result, "tsv")
    assert _values(fast) == _values(write(_converted(result), "tsv"))
    assert len(_values(fast)) == 10


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_every_catalog_query_writes_the_same_from_either_terms(out_dir: Path, fmt: str) -> None:
    """All catalog queries, in every format: pyoxigraph-term output equals the rdflib one."""
    graph = KnowledgeGraph.open(out_dir)
    nonempty = 0
    for name in catalog.load_catalog():
        result = graph.query(name)
        if result.kind != "select":
            continue
        assert result.terms is not None, name
        assert write(result, fmt) == write(_converted(result), fmt), name
        nonempty += bool(result.terms)
    assert nonempty >= 10  # the comparison saw real rows


def test_python_api_values_unchanged(engine: OxigraphEngine) -> None:
    """dicts() still gives Python values from the rdflib terms (numbers, booleans, text)."""
    first, *_rest = engine.run(
        "SELECT ?n ?b ?s WHERE { BIND(1 + 1 AS ?n) BIND(true AS ?b) BIND('x' AS ?s) }"
    ).dicts()
    assert first == {"n": 2, "b": True, "s": "x"}


def test_results_in_pyoxigraph_terms_cross_processes(engine: OxigraphEngine) -> None:
    """A result still in pyoxigraph terms pickles (the --timeout child sends it back)."""
    result = engine.run(TRICKY)
    back = pickle.loads(pickle.dumps(result))
    assert back.terms is not None and back == result
    assert write(back, "tsv") == write(result, "tsv")


def test_timeout_path_gives_the_same_output(out_dir: Path) -> None:
    """The forked --timeout path returns the same rows and output as the direct call."""
    direct = KnowledgeGraph.open(out_dir)
    forked = KnowledgeGraph.open(out_dir, timeout=60)
    for name in ("cq8-fact-source", "sources"):
        a, b = direct.query(name), forked.query(name)
        assert a == b and write(a, "json") == write(b, "json")


def test_blank_nodes_and_results_built_by_hand_still_write() -> None:
    """A Result made of rdflib terms (as `kg queries` builds) writes as before."""
    result = Result("select", vars=["x", "y"], rows=[(BNode("b0"), Literal("v")), (None, None)])
    assert write(result, "csv") == "x,y\r\n_:b0,v\r\n,\r\n"
    assert write(result, "tsv") == '?x\t?y\n_:b0\t"v"\n\t\n'


def test_non_canonical_literals_keep_their_value() -> None:
    """Non-canonical typed literals (as pyoxigraph may hand over) are written with their value."""
    import pyoxigraph as ox

    from kg.engines.base import Converter

    xsd = "http://www.w3.org/2001/XMLSchema#"
    terms = [
        ox.Literal(lex, datatype=ox.NamedNode(xsd + dt))
        for lex, dt in [
            ("007", "integer"),
            ("+5", "int"),
            ("-0", "integer"),
            ("1.50", "decimal"),
            ("1", "boolean"),
            ("1.0E0", "double"),
            ("12", "integer"),
            ("x", "integer"),
        ]
    ]
    result = Result("select", vars=["v"], terms=[(t,) for t in terms], convert=Converter())
    for fmt in TABLE_FORMATS:
        assert write(result, fmt)  # every format writes them
    assert _values(write(result, "tsv")) == _values(write(_converted(result), "tsv"))
    assert "\n7\n" in write(result, "tsv")  # "007" is the integer 7
