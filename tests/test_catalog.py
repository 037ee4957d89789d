"""The query catalog: headers, answers to CQ1–CQ8, same results on both engines, safe binding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg import catalog
from kg.api import KnowledgeGraph
from kg.engines.base import Engine
from kg.engines.embedded import RdflibEngine
from kg.engines.open import open_engine
from kg.engines.remote import with_values
from kg.errors import InputError
from kg.graph import open as open_graph
from kg.namespaces import ENT, KG

FACT = "https://w3id.org/scs-kg/fact/us-china-military-channels/"


@pytest.fixture(scope="module")
def engines(out_dir: Path) -> dict[str, Engine]:
    """Both embedded engines over the same build output."""
    return {e: open_engine(open_graph(out_dir), e) for e in ("oxigraph", "rdflib")}


@pytest.fixture(scope="module")
def graph(out_dir: Path) -> KnowledgeGraph:
    """The Python API over the build output (Oxigraph)."""
    return KnowledgeGraph.open(out_dir)


def _labels(graph: KnowledgeGraph, name: str, column: str, **params: str) -> set[str]:
    return {row[column] for row in graph.query(name, **params).dicts()}


# --- the catalog itself ------------------------------------------------------------------


def test_catalog_has_twenty_questions_with_headers() -> None:
    queries = catalog.load_catalog()
    questions = [q for q in queries.values() if not q.is_violation]
    assert len(questions) >= 20
    for cq in range(1, 9):
        assert any(q.name.startswith(f"cq{cq}-") for q in questions), f"no query for CQ{cq}"
    for q in queries.values():
        assert q.summary and q.description and q.tags, q.name
        for p in q.params:
            # every parameter is a variable of the query, projected so that it can be bound
            assert re.search(rf"SELECT[^{{]*\?{p.name}\b", q.text) or "CONSTRUCT" in q.text, (
                q.name,
                p.name,
            )


def test_violation_checks_still_in_catalog() -> None:
    names = {q.name for q in catalog.load_catalog().values() if q.is_violation}
    assert names >= {"derived-edge-untraced-violation", "evidence-length-violation"}


def test_header_parsing(tmp_path: Path) -> None:
    path = tmp_path / "x.rq"
    path.write_text(
        "#+ summary: One\n#+ description: first line\n#+   second line\n"
        "#+ params:\n#+   - who: entity = china ; the actor\n#+   - year: year?\n"
        "#+   - kind: statement-type\n#+ tags: a, b\n\nSELECT ?who WHERE { ?who ?p ?o }\n",
        encoding="utf-8",
    )
    q = catalog.load_query(path)
    assert q.summary == "One"
    assert q.description == "first line second line"
    assert q.tags == ("a", "b")
    assert [(p.name, p.type, p.default, p.optional, p.required) for p in q.params] == [
        ("who", "entity", "china", False, False),
        ("year", "year", None, True, False),
        ("kind", "statement-type", None, False, True),
    ]
    assert q.params[0].doc == "the actor"
    assert q.scope == "whole"  # the default: a data check runs on the whole graph
    path.write_text("#+ summary: A check\n#+ scope: source\nSELECT * {}\n", encoding="utf-8")
    assert catalog.load_query(path).scope == "source"
    path.write_text("#+ scope: sources\nASK {}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.rq: unknown scope 'sources' \(want one of: whole"):
        catalog.load_query(path)
    path.write_text("#+ params:\n#+   - who: colour = red\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown type colour"):
        catalog.load_query(path)


def test_unknown_query_suggests_nearest() -> None:
    with pytest.raises(InputError, match=r"unknown query 'cq2-alies' \(did you mean: cq2-allies"):
        catalog.get("cq2-alies")


# --- the competency questions, through the catalog ---------------------------------------


def test_cq1(graph: KnowledgeGraph) -> None:
    assert _labels(graph, "cq1-states-contesting-claims", "stateLabel") == {
        "Philippines",
        "Vietnam",
        "Malaysia",
        "Brunei",
    }


def test_cq2(graph: KnowledgeGraph) -> None:
    assert _labels(graph, "cq2-allies", "allyLabel") == {"Philippines"}
    assert _labels(graph, "cq2-allies", "allyLabel", actor="philippines") == {"United States"}


def test_cq3(graph: KnowledgeGraph) -> None:
    rows = graph.query("cq3-events-of-actor").dicts()
    events = {(r["kind"], r["eventLabel"], r["placeLabel"], r["sidelinesOf"]) for r in rows}
    assert events == {
        ("conversation", "conversation between Pete Hegseth and Dong Jun", None, None),
        (
            "agreement",
            "agreement to set up direct military communications channels",
            "Kuala Lumpur",
            "regional security meeting in Kuala Lumpur",
        ),
        ("address", "address by Pete Hegseth to ASEAN leaders", None, None),
        ("conversation", "conversation between Pete Hegseth and Donald Trump", None, None),
    }


def test_cq4(graph: KnowledgeGraph, dataset) -> None:  # type: ignore[no-untyped-def]
    rows = graph.query("cq4-quoted-statements").dicts()
    quotations = {str(o) for o in dataset.objects(None, KG.quotation)}
    assert {r["quotation"] for r in rows} == quotations
    assert len(rows) == len(quotations) == 8
    by_quote = {r["quotation"]: r for r in rows}
    assert by_quote["troublemaker"]["speakerLabel"] == "Chinese military"
    assert by_quote["troublemaker"]["targetLabel"] == "Philippines"
    assert by_quote["never been better."]["addresseeLabel"] == "Dong Jun"


def test_cq5(graph: KnowledgeGraph) -> None:
    rows = graph.query("cq5-criticism-accusation-labelling").dicts()
    assert {(r["speakerLabel"], r["targetLabel"]) for r in rows} == {
        ("Pete Hegseth", "China"),
        ("Chinese officials", "United States"),
        ("Chinese military", "Philippines"),
        ("Tian Junli", "Philippines"),
    }
    troublemaker = {r["speakerLabel"] for r in rows if r["label"] == "troublemaker"}
    assert troublemaker == {"Chinese military", "Tian Junli"}
    # the PLA Southern Theater Command labelled the Philippines through its spokesperson
    behalf = {(r["speakerLabel"], r["onBehalfOfLabel"]) for r in rows if r["onBehalfOfLabel"]}
    assert behalf == {("Tian Junli", "PLA Southern Theater Command")}
    about = _labels(graph, "claims-network", "placeLabel")
    assert about == {"South China Sea", "Scarborough Shoal"}


def test_cq6(graph: KnowledgeGraph) -> None:
    rows = graph.query("cq6-exercises").dicts()
    got: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        got.setdefault((r["exerciseLabel"], r["status"]), set()).add(r["participantLabel"])
    assert got == {
        ("naval and air drills", "past"): {
            "Philippines",
            "United States",
            "Australia",
            "New Zealand",
        },
        ("U.S.-ASEAN maritime exercise", "planned"): {"United States", "ASEAN"},
    }


def test_cq7(graph: KnowledgeGraph) -> None:
    assert _labels(graph, "cq7-claims-of", "placeLabel") == {
        "South China Sea",
        "Scarborough Shoal",
    }
    assert _labels(graph, "cq7-claims-of", "placeLabel", claimant="philippines") == set()


def test_cq8(graph: KnowledgeGraph, out_dir: Path) -> None:
    rows = graph.query("cq8-fact-source", fact="us-china-military-channels:stmt-tian-troublemaker")
    (row,) = rows.dicts()
    text = (Path(__file__).parent.parent / "sources/us-china-military-channels/text.txt").read_text(
        encoding="utf-8"
    )
    assert text[row["begin"] : row["end"]] == row["quote"]
    assert row["quote"] in row["sentence"]
    assert row["sentence"].startswith("Tian Junli, spokesperson")
    every = graph.query("cq8-fact-source").dicts()
    assert len({r["fact"] for r in every}) > 50
    assert all(text[r["begin"] : r["end"]] == r["quote"] for r in every)


# --- both engines agree ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(catalog.load_catalog()))
def test_same_results_on_both_engines(name: str, engines: dict[str, Engine]) -> None:
    query = catalog.get(name)
    ox, rd = engines["oxigraph"], engines["rdflib"]
    bound = catalog.bind(query, {}, ox.exists, ox.local_names)
    a, b = ox.run(query.text, bound), rd.run(query.text, bound)
    assert a.kind == b.kind
    assert a.canonical() == b.canonical()
    size = len(a.rows) if a.kind == "select" else len(a.triples)
    if query.is_violation:
        assert size == 0
    else:
        assert size > 0, "an empty answer would make the comparison vacuous"


# --- binding is by RDF term, never by text -----------------------------------------------

HOSTILE = ["x> } ; DROP ALL ; #", 'troublemaker" } ; DROP ALL ; #', "a'b\"c\\d\n}"]


@pytest.fixture
def label_query(tmp_path: Path) -> catalog.CatalogQuery:
    """A query with a string parameter, as a catalog file."""
    path = tmp_path / "by-label.rq"
    path.write_text(
        "#+ summary: s\n#+ description: d\n#+ params:\n#+   - label: string\n#+ tags: t\n"
        "PREFIX kg: <https://w3id.org/scs-kg/ontology#>\n"
        "SELECT ?label ?st WHERE { ?st kg:label ?label }\n",
        encoding="utf-8",
    )
    return catalog.load_query(path)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_cannot_change_the_query(
    value: str, label_query: catalog.CatalogQuery, engines: dict[str, Engine]
) -> None:
    before = {
        e.name: e.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows for e in engines.values()
    }
    bound = catalog.bind(label_query, {"label": value})
    assert bound == {"label": Literal(value)}
    for engine in engines.values():
        assert engine.run(label_query.text, bound).rows == []
        # the same value written as a VALUES block (the remote path) is still one literal
        text = with_values(label_query.text, bound)
        prepareQuery(text)  # parses: the value did not break out of its literal
        assert engine.run(text).rows == []
        after = engine.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        assert after == before[engine.name]
    good = catalog.bind(label_query, {"label": "troublemaker"})
    for engine in engines.values():
        assert {str(r[1]) for r in engine.run(label_query.text, good).rows} == {
            FACT + "stmt-chinese-military-troublemaker",
            FACT + "stmt-tian-troublemaker",
        }
        assert len(engine.run(with_values(label_query.text, good)).rows) == 2


@pytest.mark.parametrize("value", ["x> } ; DROP ALL ; #", "ent:a b", "<http://x/>{"])
def test_hostile_iri_is_refused(value: str, engines: dict[str, Engine]) -> None:
    query = catalog.get("cq2-allies")
    ox = engines["oxigraph"]
    with pytest.raises(InputError, match="parameter actor"):
        catalog.bind(query, {"actor": value}, ox.exists, ox.local_names)


def test_entity_forms_and_unknown_entity(engines: dict[str, Engine]) -> None:
    query = catalog.get("cq2-allies")
    ox = engines["oxigraph"]
    for form in ("united-states", "ent:united-states", str(ENT["united-states"])):
        bound = catalog.bind(query, {"actor": form}, ox.exists, ox.local_names)
        assert bound == {"actor": URIRef(ENT["united-states"])}
    with pytest.raises(
        InputError, match=r"unknown entity 'untied-states' \(did you mean: united-states"
    ):
        catalog.bind(query, {"actor": "untied-states"}, ox.exists, ox.local_names)


def test_parameter_errors(engines: dict[str, Engine]) -> None:
    ox = engines["oxigraph"]
    with pytest.raises(InputError, match="unknown parameter 'who'"):
        catalog.bind(catalog.get("cq2-allies"), {"who": "china"}, ox.exists)
    with pytest.raises(InputError, match="not a year"):
        catalog.bind(catalog.get("events-in-year"), {"year": "twenty"}, ox.exists)
    with pytest.raises(
        InputError, match=r"unknown statement-type 'Critcism' \(did you mean: Criticism"
    ):
        catalog.bind(
            catalog.get("statements-of-type"), {"type": "Critcism"}, ox.exists, ox.local_names
        )
    with pytest.raises(InputError, match="missing parameter kind"):
        path = Path(catalog.get("cq2-allies").path).parent  # a required parameter, no default
        q = catalog.CatalogQuery("q", path, "", params=(catalog.Param("kind", "string"),))
        catalog.bind(q, {})


def test_year_and_statement_type_bind_on_both_engines(engines: dict[str, Engine]) -> None:
    for engine in engines.values():
        q = catalog.get("events-in-year")
        rows = engine.run(q.text, catalog.bind(q, {"year": "2012"}, engine.exists)).rows
        assert {str(r[2]) for r in rows} == {
            "seizure of the Scarborough Shoal from the Philippines"
        }
        assert engine.run(q.text, catalog.bind(q, {"year": "2013"}, engine.exists)).rows == []
        q = catalog.get("statements-of-type")
        bound = catalog.bind(q, {"type": "Warning"}, engine.exists, engine.local_names)
        assert [str(r[1]) for r in engine.run(q.text, bound).rows] == [
            FACT + "stmt-hegseth-we-seek-peace"
        ]


def test_dataframe_and_dataset_api(built) -> None:  # type: ignore[no-untyped-def]
    for engine in ("oxigraph", "rdflib"):
        graph = KnowledgeGraph.from_dataset(built.dataset, engine=engine)
        df = graph.dataframe("cq2-allies")
        assert list(df.columns) == ["actor", "ally", "allyLabel", "quote"]
        assert df["allyLabel"].tolist() == ["Philippines"]
    assert isinstance(RdflibEngine(built.dataset).run("ASK { ?s ?p ?o }").boolean, bool)


def test_untraced_edge_check_finds_an_untraced_edge(built) -> None:  # type: ignore[no-untyped-def]
    """The violation check can fail: a derived edge without a reified source fact is a row."""
    from kg.build import new_dataset
    from kg.namespaces import DERIVED_GRAPH

    ds = new_dataset()
    ds.addN(built.dataset.quads((None, None, None, None)))
    edge = (URIRef(ENT["brunei"]), KG.alliedWith, URIRef(ENT["china"]))
    ds.graph(DERIVED_GRAPH).add(edge)
    query = catalog.get("derived-edge-untraced-violation")
    for engine in ("oxigraph", "rdflib"):
        graph = KnowledgeGraph.from_dataset(ds, engine=engine)
        assert graph.run(query.text).rows == [edge]
