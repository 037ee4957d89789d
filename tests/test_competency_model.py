"""CQ9–CQ12 and the modelling rules of docs/model.md, asserted through the catalog queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import ORG, RDF, SKOS

from kg import catalog, resources
from kg.api import KnowledgeGraph
from kg.build import new_dataset
from kg.namespaces import DERIVED_GRAPH, ENT, KG, PLOVER, source_graph
from kg.sources import parse_turtle

FACT = "https://w3id.org/scs-kg/fact/us-china-military-channels/"
SLUG = "us-china-military-channels"


@pytest.fixture(scope="module")
def graph(out_dir: Path) -> KnowledgeGraph:
    """The Python API over the build output (Oxigraph)."""
    return KnowledgeGraph.open(out_dir)


def _statements(dataset: Dataset) -> set[str]:
    return {str(s) for s in dataset.subjects(RDF.type, KG.Statement)}


# --- CQ9: statements on behalf of an organisation, from every level above -------------------


@pytest.mark.parametrize(
    "level", ["pla-southern-theater-command", "peoples-liberation-army", "china"]
)
def test_cq9_found_from_the_unit_and_every_level_above(graph: KnowledgeGraph, level: str) -> None:
    rows = graph.query("cq9-statements-on-behalf-of", organization=level).dicts()
    assert [(r["statement"], r["speakerLabel"], r["unitLabel"], r["postLabel"]) for r in rows] == [
        (
            FACT + "stmt-tian-troublemaker",
            "Tian Junli",
            "PLA Southern Theater Command",
            "spokesperson",
        )
    ]
    (row,) = rows
    # the collective speaker's report of the same act, linked to the spokesperson's
    assert row["sameAct"] == FACT + "stmt-chinese-military-troublemaker"
    assert row["sameActSpeakerLabel"] == "Chinese military"


def test_cq9_nothing_for_an_organisation_spoken_for_by_nobody(graph: KnowledgeGraph) -> None:
    assert graph.query("cq9-statements-on-behalf-of", organization="united-states").rows == []
    assert graph.query("cq9-statements-on-behalf-of", organization="asean").rows == []


def test_sub_organisations_are_derived_as_w3c_org(dataset: Dataset) -> None:
    derived = dataset.graph(DERIVED_GRAPH)
    chain = {(str(s), str(o)) for s, o in derived.subject_objects(ORG.subOrganizationOf)}
    assert chain == {
        (str(ENT["pla-southern-theater-command"]), str(ENT["peoples-liberation-army"])),
        (str(ENT["peoples-liberation-army"]), str(ENT["china"])),
        (str(ENT["chinese-military"]), str(ENT["china"])),
    }


# --- CQ10: what each statement refers to ---------------------------------------------------


def test_cq10_every_statement_refers_to_something(graph: KnowledgeGraph, dataset: Dataset) -> None:
    rows = graph.query("cq10-statement-subjects").dicts()
    assert {r["statement"] for r in rows} == _statements(dataset)
    assert len(_statements(dataset)) == 20
    kinds = {
        (r["statement"][len(FACT) :], r["link"], r["thingLabel"], r["kind"], r["inferred"])
        for r in rows
    }
    assert {
        (
            "stmt-trump-relations-never-better",
            "about",
            "United States–China relations",
            "relationship",
            False,
        ),
        (
            "stmt-hegseth-ties-never-better",
            "about",
            "United States–China relations",
            "relationship",
            True,
        ),
        ("stmt-hegseth-code-of-conduct", "about", "Code of Conduct", "instrument", False),
        (
            "stmt-hegseth-code-of-conduct",
            "calls for",
            "ASEAN expedites the Code of Conduct with China",
            "event",
            False,
        ),
        (
            "stmt-hegseth-scarborough-claim",
            "about",
            None,
            "territorial claim",
            False,
        ),
        ("stmt-hegseth-destabilizing", "about", "China’s actions in the region", "event", False),
        ("stmt-hegseth-destabilizing", "target", "China", "actor", False),
        (
            "stmt-chinese-officials-accuse-washington",
            "about",
            "military presence of the United States in the region",
            "event",
            False,
        ),
    } <= kinds
    # the six statements that had neither a target nor an about link now have one
    for name in (
        "stmt-hegseth-peace-stability",
        "stmt-hegseth-ties-never-better",
        "stmt-us-urges-maritime-defenses",
        "stmt-manila-calls-regional-response",
        "stmt-trump-relations-never-better",
        "stmt-hegseth-shared-surveillance",
    ):
        assert any(k[0] == name for k in kinds), name


def test_cq10_a_statement_known_only_by_its_words(dataset: Dataset) -> None:
    """Rule 1's last resort: a statement that names no actor, fact, instrument or relationship
    is listed by its kg:subjectMatter (kind "words"); the words of one that names something
    are not listed."""
    words = FACT + "stmt-words-only"
    catch = Literal("the catch is half what it was")
    kg_graph = _with(
        dataset,
        [
            (URIRef(words), RDF.type, KG.Statement),
            (URIRef(words), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("w")),
            (URIRef(words), KG.subjectMatter, catch),
        ],
    )
    rows = kg_graph.query("cq10-statement-subjects").dicts()
    assert [(r["link"], r["thing"], r["kind"]) for r in rows if r["statement"] == words] == [
        ("subject matter", str(catch), "words")
    ]
    assert [r["statement"] for r in rows if r["kind"] == "words"] == [words]


def test_relations_between_two_actors_in_one_query(graph: KnowledgeGraph) -> None:
    rows = graph.query("statements-about-relations").dicts()
    said = {(r["speakerLabel"], r["statement"][len(FACT) :], r["inferred"]) for r in rows}
    assert said == {
        ("Pete Hegseth", "stmt-hegseth-peace-stability", True),
        ("Pete Hegseth", "stmt-hegseth-ties-never-better", True),
        ("Donald Trump", "stmt-trump-relations-never-better", False),
        ("Bridget Welsh", "stmt-welsh-damage-control", False),
    }
    both_ways = graph.query("statements-about-relations", party="china", other="united-states")
    assert len(both_ways.rows) == len(rows)
    assert graph.query("statements-about-relations", party="china", other="philippines").rows == []


# --- CQ11: one time per event, as precise as the text, and a status -------------------------


def test_cq11_times_and_statuses(graph: KnowledgeGraph) -> None:
    rows = graph.query("cq11-times-and-statuses").dicts()
    things = [r["thing"] for r in rows]
    assert len(things) == len(set(things)), "an event or instrument with more than one time"
    timed = {
        r["label"]: (r["time"], r["granularity"], r["relative"], r["year"], r["month"])
        for r in rows
        if r["time"] is not None
    }
    assert {k: (v[0], v[1], v[2]) for k, v in timed.items()} == {
        "meeting between Donald Trump and Xi Jinping in South Korea": (
            "earlier this week",
            "week",
            "earlier this week",
        ),
        "U.S.-ASEAN maritime exercise": ("December", "month", "scheduled for December"),
        "seizure of the Scarborough Shoal from the Philippines": ("2012", "year", None),
    }
    assert str(timed["seizure of the Scarborough Shoal from the Philippines"][3]) == "2012"
    # precision, date type and the days each time covers: a year the text gives spans its
    # year; the article has no publication date, so its relative times are not placed
    placed = {
        r["label"]: (r["precision"], r["dateType"], r["begin"], r["end"])
        for r in rows
        if r["time"] is not None
    }
    assert {k: (v[0], v[1], v[2] and str(v[2]), v[3] and str(v[3])) for k, v in placed.items()} == {
        "meeting between Donald Trump and Xi Jinping in South Korea": (
            "week",
            "relative",
            None,
            None,
        ),
        "U.S.-ASEAN maritime exercise": ("month", "relative", None, None),
        "seizure of the Scarborough Shoal from the Philippines": (
            "year",
            "exact",
            "2012-01-01",
            "2012-12-31",
        ),
    }
    assert all(r["resolved"] is None and r["reported"] is None for r in rows)
    status = {r["label"]: r["status"] for r in rows}
    assert status["Code of Conduct"] == "delayed"
    assert status["U.S.-ASEAN maritime exercise"] == "planned"
    assert status["naval and air drills"] == "past"
    assert status["confrontations between the Philippines and Chinese maritime forces"] == "ongoing"
    assert status["ASEAN expedites the Code of Conduct with China"] == "requested"
    assert all(r["status"] for r in rows), [r["label"] for r in rows if not r["status"]]


def test_statements_have_one_time_path(dataset: Dataset) -> None:
    time = "http://www.w3.org/2006/time#"
    (when,) = dataset.objects(
        URIRef(FACT + "stmt-hegseth-announces-channels"), URIRef(time + "hasTime")
    )
    assert (when, KG.relativeTime, Literal("today", lang="en")) in dataset
    assert not list(dataset.objects(None, URIRef(time + "inXSDgYear")))


# --- CQ12: CAMEO, PLOVER, verbal or material -------------------------------------------------


def test_cq12_cameo_plover_and_act_kind(graph: KnowledgeGraph, dataset: Dataset) -> None:
    rows = graph.query("cq12-statements-cameo-plover").dicts()
    assert {r["statement"] for r in rows} == _statements(dataset)
    assert {r["actKind"] for r in rows} == {"verbal"}
    mapping = {
        (r["type"], r["cameoCode"], r["quadClass"], r["plover"], r["ploverMode"]) for r in rows
    }
    assert mapping == {
        ("announcement", "01", 1, None, None),
        ("assessment", "01", 1, None, None),
        ("reassurance", "01", 1, None, None),
        ("warning", "01", 1, None, None),
        ("characterisation", "01", 1, None, None),
        ("appeal", "02", 1, "REQUEST", None),
        ("proposal", "03", 1, "AGREE", None),
        ("endorsement", "05", 1, "SUPPORT", None),
        ("criticism", "11", 3, "ACCUSE", "ACCUSE-disapprove"),
        ("accusation", "11", 3, "ACCUSE", "ACCUSE-allege"),
        ("labelling", "11", 3, "ACCUSE", "ACCUSE-disapprove"),
        ("rejection", "12", 3, "REJECT", None),
    }


def test_labelling_is_only_for_calling_an_actor_a_name(dataset: Dataset) -> None:
    labelled = set(dataset.subjects(KG.statementType, KG.Labelling))
    assert {str(s)[len(FACT) :] for s in labelled} == {
        "stmt-chinese-military-troublemaker",
        "stmt-tian-troublemaker",
    }
    characterised = {
        str(s)[len(FACT) :] for s in dataset.subjects(KG.statementType, KG.Characterisation)
    }
    assert {"stmt-hegseth-destabilizing", "stmt-hegseth-scarborough-claim"} <= characterised


def test_every_statement_type_maps_to_cameo_and_says_about_plover() -> None:
    ontology = parse_turtle(resources.ontology_file())
    cameo = set(ontology.subjects(RDF.type, KG.CameoCategory))
    plover_types = set(ontology.subjects(RDF.type, KG.PloverCategory))
    assert len(plover_types) == 16
    for kind in ontology.subjects(RDF.type, KG.StatementType):
        assert len(set(ontology.objects(kind, SKOS.broadMatch)) & cameo) == 1, kind
        matches = set(ontology.objects(kind, SKOS.closeMatch))
        assert matches or (kind, SKOS.scopeNote, None) in ontology, kind
        assert all(str(m).startswith(str(PLOVER)) for m in matches), kind


# --- the direct layer keeps roles; who said what; inferences apart ---------------------------


def test_participated_in_keeps_the_role(dataset: Dataset) -> None:
    derived = dataset.graph(DERIVED_GRAPH)
    agreement = URIRef(FACT + "agreement-military-channels")
    roles = {
        (str(derived.value(r, RDF.subject)), str(derived.value(r, KG.inRole)))
        for r in derived.subjects(RDF.object, agreement)
        if derived.value(r, RDF.predicate) == KG.participatedIn
    }
    assert roles == {
        (str(ENT["united-states"]), str(ENT["role-party"])),
        (str(ENT["china"]), str(ENT["role-party"])),
        (str(ENT["pete-hegseth"]), str(ENT["role-announcer"])),
    }
    # what an appeal asks for has not happened: nobody participated in it
    asked = URIRef(FACT + "action-expedite-code-of-conduct")
    assert (None, KG.participatedIn, asked) not in derived


def test_seizure_slots(dataset: Dataset) -> None:
    seizure = URIRef(FACT + "seizure-scarborough-shoal")
    assert dataset.value(seizure, KG.eventObject) == ENT["scarborough-shoal"]
    assert dataset.value(seizure, KG.unstatedRole) == ENT["role-seizer"]
    assert dataset.value(seizure, URIRef("http://www.w3.org/ns/prov#atLocation")) is None


def test_who_said_what_covers_every_statement(graph: KnowledgeGraph, dataset: Dataset) -> None:
    rows = graph.query("who-said-what").dicts()
    assert {r["statement"] for r in rows} == _statements(dataset)
    by = {r["statement"][len(FACT) :]: r for r in rows}
    tian = by["stmt-tian-troublemaker"]
    assert (tian["onBehalfOfLabel"], tian["targetLabel"]) == (
        "PLA Southern Theater Command",
        "Philippines",
    )
    assert tian["source"] == "https://w3id.org/scs-kg/source/us-china-military-channels"
    assert by["stmt-hegseth-announces-channels"]["time"] == "today"
    # what a statement is about in its own words (model rule 1) is a column of its own
    assert by["stmt-chinese-officials-accuse-washington"]["subjectMatter"] == (
        "exacerbating tensions through its military presence in the region"
    )
    trump = [r for r in rows if r["statement"] == FACT + "stmt-trump-relations-never-better"]
    assert {(r["addresseeLabel"], r["addresseeInferred"]) for r in trump} == {
        ("Pete Hegseth", True)
    }
    # what the text states and nothing more: the stated addressees only
    stated = {
        (r["statement"][len(FACT) :], r["addresseeLabel"])
        for r in rows
        if r["addresseeLabel"] and not r["addresseeInferred"]
    }
    assert ("stmt-trump-relations-never-better", "Pete Hegseth") not in stated
    assert ("stmt-hegseth-code-of-conduct", "ASEAN") in stated


def test_inferences_are_asserted_and_explained(graph: KnowledgeGraph, dataset: Dataset) -> None:
    rows = graph.query("inferences").dicts()
    records = set(dataset.subjects(RDF.type, KG.Inference))
    assert len(rows) == len(records) >= 10
    for r in rows:
        assert r["reason"] and r["quote"]
        triple = (URIRef(r["subject"]), URIRef(r["predicate"]), URIRef(r["object"]))
        assert triple in dataset
    predicates = {r["predicate"] for r in rows}
    assert {
        str(KG.addressee),
        str(KG.madeDuring),
        str(KG.participation),
        str(KG.sameActAs),
    } <= predicates


# --- the violation checks of the rules can fail -----------------------------------------------


def _with(built_dataset: Dataset, add: list[tuple], remove: list[tuple] = ()) -> KnowledgeGraph:  # type: ignore[type-arg]
    ds = new_dataset()
    ds.addN(built_dataset.quads((None, None, None, None)))
    g = ds.graph(source_graph(SLUG))
    for triple in remove:
        for ctx in ds.contexts():
            ctx.remove(triple)
    for triple in add:
        g.add(triple)
    return KnowledgeGraph.from_dataset(ds, engine="oxigraph")


@pytest.mark.parametrize(
    ("check", "add", "remove"),
    [
        (
            "seizure-slots-violation",
            [],
            [(URIRef(FACT + "seizure-scarborough-shoal"), KG.unstatedRole, ENT["role-seizer"])],
        ),
        (
            "seizure-slots-violation",
            [
                (
                    URIRef(FACT + "seizure-scarborough-shoal"),
                    URIRef("http://www.w3.org/ns/prov#atLocation"),
                    ENT["scarborough-shoal"],
                )
            ],
            [],
        ),
        (
            "statement-type-slots-violation",
            [
                (
                    URIRef(FACT + "stmt-chinese-officials-dismiss-critiques"),
                    KG.statementType,
                    KG.Labelling,
                )
            ],
            [],
        ),
        (
            "statement-type-slots-violation",
            [],
            [(URIRef(FACT + "stmt-hegseth-destabilizing"), KG.about, None)],
        ),
        (
            "inference-record-violation",
            [],
            [(URIRef(FACT + "stmt-trump-relations-never-better"), KG.addressee, None)],
        ),
    ],
)
def test_rule_checks_find_what_breaks_them(
    built,  # type: ignore[no-untyped-def]
    check: str,
    add: list[tuple],  # type: ignore[type-arg]
    remove: list[tuple],  # type: ignore[type-arg]
) -> None:
    query = catalog.get(check)
    assert KnowledgeGraph.from_dataset(built.dataset, engine="oxigraph").run(query.text).rows == []
    broken = _with(built.dataset, add, remove)
    assert len(broken.run(query.text).rows) == 1


# --- relative times: resolved only against a publication date, into the derived graph --------


@pytest.mark.parametrize(
    ("words", "issued", "month", "status", "expected"),
    [
        ("today", "2026-11-20", None, None, ("inXSDDate", "2026-11-20")),
        ("yesterday", "2026-03-01", None, None, ("inXSDDate", "2026-02-28")),
        ("last month", "2026-01-15", None, None, ("inXSDgYearMonth", "2025-12")),
        ("next year", "2026", None, None, ("inXSDgYear", "2027")),
        ("scheduled for December", "2026-11-20", 12, "Planned", ("inXSDgYearMonth", "2026-12")),
        ("in March", "2026-11-20", None, "Planned", ("inXSDgYearMonth", "2027-03")),
        ("in December", "2026-11-20", 12, "Past", ("inXSDgYearMonth", "2025-12")),
        ("today", "2026-11", None, None, None),  # a month is not precise enough for a day
        ("earlier this week", "2026-11-20", None, None, None),  # no single XSD value
        ("some day", "2026-11-20", None, None, None),
    ],
)
def test_relative_times_resolve_against_the_publication_date(
    words: str,
    issued: str,
    month: int | None,
    status: str | None,
    expected: tuple | None,  # type: ignore[type-arg]
) -> None:
    from kg.timeline import resolve

    found = resolve(words, Literal(issued), month, KG[status] if status else None)
    got = None if found is None else (str(found[0]).rsplit("#", 1)[1], str(found[1]))
    assert got == expected


def test_resolved_times_are_derived_and_traced(tmp_path: Path) -> None:
    from rdflib import Graph

    from kg.derive import derive

    facts = Graph()
    facts.parse(
        data="""
        @prefix kg: <https://w3id.org/scs-kg/ontology#> .
        @prefix time: <http://www.w3.org/2006/time#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <https://example.org/> .
        ex:src dct:issued "2026-11-20"^^xsd:date .
        ex:stmt a kg:Statement ; prov:hadPrimarySource ex:src ; time:hasTime ex:today .
        ex:today kg:relativeTime "today"@en .
        ex:undated a kg:Statement ; time:hasTime ex:today2 .
        ex:today2 kg:relativeTime "today"@en .
        """,
        format="turtle",
    )
    out = Graph()
    derive(facts, out)
    time = "http://www.w3.org/2006/time#"
    day = Literal("2026-11-20", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    today = URIRef("https://example.org/today")
    # the time's calendar value, and the first and last day of its interval (one day here)
    (interval,) = out.objects(today, URIRef(time + "intervalEquals"))
    begin = out.value(interval, URIRef(time + "hasBeginning"))
    end = out.value(interval, URIRef(time + "hasEnd"))
    resolved = set(out.subject_objects(URIRef(time + "inXSDDate")))
    assert resolved == {(today, day), (begin, day), (end, day)}
    assert not list(out.objects(URIRef("https://example.org/today2"), None))  # no source date
    records = set(out.subjects(RDF.predicate, URIRef(time + "inXSDDate")))
    assert len(records) == 3
    for record in records:
        assert (
            record,
            URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
            URIRef("https://example.org/stmt"),
        ) in out
