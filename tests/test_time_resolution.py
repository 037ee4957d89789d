"""Times placed on the calendar: one resolver, ISO weeks, month ends, leap years, year spans;
a fictional dated source built end to end; `kg check` refusing a precision its values contradict.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from typer.testing import CliRunner

from kg.api import KnowledgeGraph
from kg.cli import app
from kg.namespaces import DERIVED_GRAPH, KG, SRC
from kg.sources import parse_turtle
from kg.timeline import Interval, calendar_interval, interval, resolve

runner = CliRunner()
TIME = "http://www.w3.org/2006/time#"
DCT = "http://purl.org/dc/terms/"


def _d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# expression, publication date, status -> first day, last day, precision (None: not resolved)
TABLE: list[tuple[str, str, str | None, tuple[str, str, str] | None]] = [
    # days
    ("today", "2026-11-20", None, ("2026-11-20", "2026-11-20", "day")),
    ("earlier today", "2026-11-20", None, ("2026-11-20", "2026-11-20", "day")),
    ("yesterday", "2024-03-01", None, ("2024-02-29", "2024-02-29", "day")),  # leap year
    ("yesterday", "2023-03-01", None, ("2023-02-28", "2023-02-28", "day")),
    ("tomorrow", "2025-12-31", None, ("2026-01-01", "2026-01-01", "day")),
    ("three days ago", "2026-01-02", None, ("2025-12-30", "2025-12-30", "day")),
    ("on Monday", "2026-11-20", "Past", ("2026-11-16", "2026-11-16", "day")),
    ("on Monday", "2026-11-20", "Planned", ("2026-11-23", "2026-11-23", "day")),
    ("last Friday", "2026-11-20", None, ("2026-11-13", "2026-11-13", "day")),  # a Friday
    ("next Friday", "2026-11-20", None, ("2026-11-27", "2026-11-27", "day")),
    # ISO 8601 weeks, Monday to Sunday
    ("this week", "2026-11-20", None, ("2026-11-16", "2026-11-22", "week")),
    ("earlier this week", "2026-11-20", None, ("2026-11-16", "2026-11-20", "week")),
    ("later this week", "2026-11-18", None, ("2026-11-18", "2026-11-22", "week")),
    ("last week", "2026-11-16", None, ("2026-11-09", "2026-11-15", "week")),  # a Monday
    ("last week", "2026-11-22", None, ("2026-11-09", "2026-11-15", "week")),  # a Sunday
    ("next week", "2026-12-29", None, ("2027-01-04", "2027-01-10", "week")),  # across years
    ("last week", "2021-01-06", None, ("2020-12-28", "2021-01-03", "week")),  # ISO week 53
    ("two weeks ago", "2024-03-06", None, ("2024-02-19", "2024-02-25", "week")),
    ("earlier this week", "2026-11", None, None),  # no day: no week
    # months: their last day, leap years
    ("last month", "2024-03-31", None, ("2024-02-01", "2024-02-29", "month")),
    ("last month", "2023-03-31", None, ("2023-02-01", "2023-02-28", "month")),
    ("last month", "2026-01-15", None, ("2025-12-01", "2025-12-31", "month")),
    ("next month", "2026-12", None, ("2027-01-01", "2027-01-31", "month")),
    ("earlier this month", "2026-04-10", None, ("2026-04-01", "2026-04-10", "month")),
    ("later this month", "2024-02-10", None, ("2024-02-10", "2024-02-29", "month")),
    ("scheduled for December", "2026-11-20", "Planned", ("2026-12-01", "2026-12-31", "month")),
    ("in March", "2026-11-20", "Planned", ("2027-03-01", "2027-03-31", "month")),
    ("in December", "2026-11-20", "Past", ("2025-12-01", "2025-12-31", "month")),
    ("last December", "2026-12-05", None, ("2025-12-01", "2025-12-31", "month")),
    ("next February", "2027-06-01", None, ("2028-02-01", "2028-02-29", "month")),
    ("in February", "2026", None, None),  # a year is not precise enough for a month name
    # years: a whole-year span
    ("this year", "2026", None, ("2026-01-01", "2026-12-31", "year")),
    ("next year", "2026-11-20", None, ("2027-01-01", "2027-12-31", "year")),
    ("last year", "2024-02-29", None, ("2023-01-01", "2023-12-31", "year")),
    ("earlier this year", "2026-03-15", None, ("2026-01-01", "2026-03-15", "year")),
    ("two years ago", "2026-07-01", None, ("2024-01-01", "2024-12-31", "year")),
    ("by December 2027", "2026-11-20", None, ("2027-12-01", "2027-12-31", "month")),
    # not resolved, never guessed
    ("in fiscal 2027", "2026-11-20", None, None),  # a fiscal year differs by government
    ("in FY2027", "2026-11-20", None, None),
    ("in recent weeks", "2026-11-20", None, None),
    ("some day", "2026-11-20", None, None),
    ("today", "2026-11", None, None),  # a month is not precise enough for a day
    ("today", "2024-13-45", None, None),  # no such date
    ("today", "0000-01-01", None, None),
    ("999 years ago", "0500-06-01", None, None),  # before year 1
]


@pytest.mark.parametrize(("words", "issued", "status", "expected"), TABLE)
def test_relative_expressions_resolve_to_intervals(
    words: str, issued: str, status: str | None, expected: tuple[str, str, str] | None
) -> None:
    found = interval(words, Literal(issued), status=KG[status] if status else None)
    want = None if expected is None else Interval(_d(expected[0]), _d(expected[1]), expected[2])
    assert found == want


def test_a_long_paste_is_no_time_expression() -> None:
    assert interval("today " + "x" * 1_000_000, Literal("2026-11-20")) is None
    assert interval("x" * 190 + " today", Literal("2026-11-20")) is not None


def test_every_week_runs_monday_to_sunday() -> None:
    day = dt.date(2023, 12, 25)
    while day < dt.date(2025, 1, 8):
        for words in ("this week", "last week", "next week"):
            week = interval(words, Literal(day.isoformat()))
            assert week is not None and week.unit == "week"
            assert week.begin.isoweekday() == 1 and week.end.isoweekday() == 7
            assert week.days() == 7
        this = interval("this week", Literal(day.isoformat()))
        assert this is not None and this.begin <= day <= this.end
        assert this.begin.isocalendar()[:2] == day.isocalendar()[:2]
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(("year", "days"), [(2023, 365), (2024, 366), (1900, 365), (2000, 366)])
def test_a_year_spans_its_whole_year(year: int, days: int) -> None:
    span = calendar_interval(year)
    assert (span.begin, span.end, span.unit) == (dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    assert span.days() == days
    assert calendar_interval(year, 2).days() == days - 337  # February: 28 or 29 days


def test_the_calendar_value_comes_from_the_same_resolver() -> None:
    # one resolver: the single XSD value exists only for a whole day, month or year
    assert resolve("last month", Literal("2024-03-31")) == (
        URIRef(TIME + "inXSDgYearMonth"),
        Literal("2024-02", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")),
    )
    assert resolve("last week", Literal("2024-03-31")) is None
    assert resolve("earlier this month", Literal("2024-03-15")) is None
    assert interval("scheduled for December", Literal("2026-11-20"), month=13) is None


# --------------------------------------------------------------------------- end to end

TEXT = """FICTIONAL TEST ARTICLE: Invented talks in an invented week

The Philippines and China held talks earlier this week. Their envoys spoke again yesterday.
A joint patrol is planned for next month, and a review of the invented accord is due next year.
Officials said a survey had been made last week. Patrols ran from 2016 to 2018.
Drills were held in the tenth week of 2023.
The accord was first signed in 2012.
"""


def _event(name: str, cls: str, label: str, status: str, time: str, quote: str) -> str:
    return f"""
fact:{name}
    a                kg:{cls} ;
    rdfs:label       "{label}"@en ;
    time:hasTime     fact:{time} ;
    kg:participation fact:{name}-philippines ;
    kg:status        kg:{status} ;
    kg:quote         "{quote}" .

fact:{name}-philippines
    a                  kg:Participation ;
    kg:participant     ent:philippines ;
    kg:participantRole ent:role-participant .
"""


def _time(name: str, label: str, unit: str, relative: str | None, extra: str = "") -> str:
    words = f'\n    kg:relativeTime             "{relative}"@en ;' if relative else ""
    return f"""
fact:{name}
    a                           time:DateTimeInterval ;
    rdfs:label                  "{label}"@en ;{words}
    time:hasDateTimeDescription fact:{name}-description .

fact:{name}-description
    a             time:DateTimeDescription ;
    time:unitType time:unit{unit}{extra} .
"""


FACTS = (
    _event("talks", "Meeting", "talks", "Past", "time-week", "held talks earlier this week")
    + _event(
        "call", "Conversation", "envoys' call", "Past", "time-yesterday", "spoke again yesterday"
    )
    + _event(
        "patrol",
        "MilitaryExercise",
        "joint patrol",
        "Planned",
        "time-next-month",
        "A joint patrol is planned for next month",
    )
    + _event(
        "review",
        "Action",
        "review of the accord",
        "Planned",
        "time-next-year",
        "a review of the invented accord is due next year",
    )
    + _event(
        "survey", "Action", "survey", "Past", "time-last-week", "a survey had been made last week"
    )
    + _event(
        "patrols",
        "MilitaryExercise",
        "patrols",
        "Past",
        "time-2016-2018",
        "Patrols ran from 2016 to 2018",
    )
    + _event(
        "drills",
        "MilitaryExercise",
        "drills",
        "Past",
        "time-week-10",
        "Drills were held in the tenth week of 2023",
    )
    + _event(
        "signing",
        "Agreement",
        "signing of the accord",
        "Past",
        "time-2012",
        "The accord was first signed in 2012",
    )
    + _time("time-week", "earlier this week", "Week", "earlier this week")
    + _time("time-yesterday", "yesterday", "Day", "yesterday")
    + _time("time-next-month", "next month", "Month", "next month")
    + _time("time-next-year", "next year", "Year", "next year")
    + _time("time-last-week", "last week", "Week", "last week")
    + _time("time-2012", "2012", "Year", None, ' ;\n    time:year     "2012"^^xsd:gYear')
    + _time("time-2016-2018", "from 2016 to 2018", "Year", None)
    + _time(
        "time-week-10",
        "the tenth week of 2023",
        "Week",
        None,
        ' ;\n    time:year     "2023"^^xsd:gYear ;\n    time:week     "10"^^xsd:nonNegativeInteger',
    )
    + """
fact:time-2016-2018
    time:hasBeginning fact:time-2016 ;
    time:hasEnd       fact:time-2018 .

fact:time-2016 a time:Instant ; time:inXSDgYear "2016"^^xsd:gYear .
fact:time-2018 a time:Instant ; time:inXSDgYear "2018"^^xsd:gYear .
"""
)

# published on a Thursday, the leap day: its ISO week runs from Monday 26 February to 3 March
PUBLISHED = "2024-02-29"
EXPECTED = {
    "talks": ("week", "relative", "2024-02-26", "2024-02-29"),
    "envoys' call": ("day", "relative", "2024-02-28", "2024-02-28"),
    "joint patrol": ("month", "relative", "2024-03-01", "2024-03-31"),
    "review of the accord": ("year", "relative", "2025-01-01", "2025-12-31"),
    "survey": ("week", "relative", "2024-02-19", "2024-02-25"),
    "patrols": ("range", "exact", "2016-01-01", "2018-12-31"),
    "signing of the accord": ("year", "exact", "2012-01-01", "2012-12-31"),
    "drills": ("week", "exact", "2023-03-06", "2023-03-12"),  # ISO week 10 of 2023
}


def _register(tmp_path: Path, sources: Path, *options: str) -> Path:
    article = tmp_path / "invented-week.txt"
    article.write_text(TEXT, encoding="utf-8")
    args = ["new", str(article), "--slug", "fictional-week", "--sources", str(sources)]
    result = runner.invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    facts = sources / "fictional-week" / "facts.ttl"
    with facts.open("a", encoding="utf-8") as out:
        out.write(FACTS)
    return facts


def test_a_dated_fictional_source_builds_with_its_times_placed(
    tmp_path: Path, sources_copy: Path
) -> None:
    facts = _register(
        tmp_path, sources_copy, "--date", PUBLISHED, "--author", "A. Fictional", "--publisher",
        "Invented Wire", "--url", "https://example.org/invented-week",
    )  # fmt: skip
    meta = parse_turtle(facts)
    src = SRC["fictional-week"]
    assert meta.value(src, URIRef(DCT + "issued")) == Literal(
        PUBLISHED, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")
    )
    assert meta.value(src, URIRef(DCT + "creator")) == Literal("A. Fictional")
    assert meta.value(src, URIRef(DCT + "publisher")) == Literal("Invented Wire")
    check = runner.invoke(app, ["check", "fictional-week", "--sources", str(sources_copy)])
    assert check.exit_code == 0, check.output
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", "--sources", str(sources_copy), "--out", str(out)])
    assert built.exit_code == 0, built.output

    graph = KnowledgeGraph.open(out)
    rows = [r for r in graph.query("cq11-times-and-statuses").dicts() if r["label"] in EXPECTED]
    got = {
        r["label"]: (r["precision"], r["dateType"], str(r["begin"]), str(r["end"])) for r in rows
    }
    assert got == EXPECTED
    # reported on the source's date, apart from when each event happened
    assert {str(r["reported"]) for r in rows} == {PUBLISHED}
    resolved = {r["label"]: r["resolved"] and str(r["resolved"]) for r in rows}
    assert resolved["envoys' call"] == "2024-02-28"
    assert resolved["joint patrol"] == "2024-03"
    assert resolved["review of the accord"] == "2025"
    assert resolved["talks"] is None  # a part of a week: no single XSD value
    assert resolved["signing of the accord"] is None  # not relative: the text gives it

    # each placed interval is derived, reified with its fact (inferred, traceable)
    traced = graph.run(
        f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
           PREFIX prov: <http://www.w3.org/ns/prov#>
           PREFIX time: <http://www.w3.org/2006/time#>
           SELECT ?t ?fact WHERE {{
             GRAPH <{DERIVED_GRAPH}> {{
               ?r rdf:subject ?t ; rdf:predicate time:intervalEquals ;
                  prov:wasDerivedFrom ?fact .
             }}
           }}"""
    ).rows
    ours = "https://w3id.org/scs-kg/fact/fictional-week/"
    facts_traced = sorted(
        str(fact)[len(ours) :] for _t, fact in traced if str(fact).startswith(ours)
    )
    assert facts_traced == sorted(
        ["talks", "call", "patrol", "review", "survey", "patrols", "signing", "drills"]
    )


def test_without_a_publication_date_relative_times_stay_unplaced(
    tmp_path: Path, sources_copy: Path
) -> None:
    _register(tmp_path, sources_copy)
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", "--sources", str(sources_copy), "--out", str(out)])
    assert built.exit_code == 0, built.output
    rows = KnowledgeGraph.open(out).query("cq11-times-and-statuses").dicts()
    placed = {r["label"] for r in rows if r["label"] in EXPECTED and r["begin"] is not None}
    assert placed == {"patrols", "signing of the accord", "drills"}  # given, not relative

    # the analyst learns the date and writes it into the source's metadata: the next build
    # places every relative time against it
    facts = sources_copy / "fictional-week" / "facts.ttl"
    with facts.open("a", encoding="utf-8") as out_file:
        out_file.write(f'\nsrc:fictional-week dct:issued "{PUBLISHED}"^^xsd:date .\n')
    built = runner.invoke(app, ["build", "--sources", str(sources_copy), "--out", str(out)])
    assert built.exit_code == 0, built.output
    rows = KnowledgeGraph.open(out).query("cq11-times-and-statuses").dicts()
    got = {
        r["label"]: (r["precision"], r["dateType"], str(r["begin"]), str(r["end"]))
        for r in rows
        if r["label"] in EXPECTED
    }
    assert got == EXPECTED


@pytest.mark.parametrize(
    ("old", "new", "shape"),
    [
        (  # a year-precision time that gives a month
            'time:unitType time:unitYear ;\n    time:year     "2012"^^xsd:gYear',
            'time:unitType time:unitYear ;\n    time:year     "2012"^^xsd:gYear ;\n'
            '    time:month    "--03"^^xsd:gMonth',
            "kgsh:MonthPrecisionShape",
        ),
        (  # a relative time called exact
            'kg:relativeTime             "yesterday"@en ;',
            'kg:relativeTime             "yesterday"@en ;\n    kg:dateType kg:Exact ;',
            "kgsh:RelativeTimeShape",
        ),
        (  # a range end in no calendar type
            'fact:time-2016 a time:Instant ; time:inXSDgYear "2016"^^xsd:gYear .',
            'fact:time-2016 a time:Instant ; time:inXSDgYear "2016" .',
            "kgsh:RangeEndShape",
        ),
        (  # a week in a day-precision description
            'time:unitType time:unitWeek ;\n    time:year     "2023"',
            'time:unitType time:unitDay ;\n    time:year     "2023"',
            "kgsh:WeekPrecisionShape",
        ),
        (  # a precision OWL-Time does not have
            "time:unitType time:unitWeek .\n\nfact:time-yesterday",
            "time:unitType time:unitHour .\n\nfact:time-yesterday",
            "kgsh:TimeDescriptionShape",
        ),
    ],
)
def test_kg_check_refuses_an_inconsistent_precision(
    tmp_path: Path, sources_copy: Path, old: str, new: str, shape: str
) -> None:
    facts = _register(tmp_path, sources_copy, "--date", PUBLISHED)
    text = facts.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    facts.write_text(text.replace(old, new), encoding="utf-8")
    result = runner.invoke(app, ["check", "fictional-week", "--sources", str(sources_copy)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if shape in line]
    assert lines, result.output
    assert all(line.startswith(f"{facts}:") for line in lines), lines
    built = runner.invoke(app, ["validate", "--sources", str(sources_copy)])
    assert built.exit_code == 1, built.output  # the build refuses the same file


def test_the_new_terms_are_in_the_ontology() -> None:
    from kg import resources

    onto = parse_turtle(resources.ontology_file())
    for concept in (KG.Exact, KG.Approximate, KG.Relative):
        assert (concept, RDF.type, KG.DateType) in onto
        assert (
            concept,
            URIRef("http://www.w3.org/2004/02/skos/core#inScheme"),
            KG.DateTypeScheme,
        ) in onto
    assert (KG.dateType, URIRef("http://www.w3.org/2000/01/rdf-schema#range"), KG.DateType) in onto


def test_two_publication_dates_or_a_month_13_place_nothing() -> None:
    from rdflib import Graph

    from kg.derive import derive

    facts = Graph().parse(
        format="turtle",
        data="""
        @prefix kg: <https://w3id.org/scs-kg/ontology#> .
        @prefix time: <http://www.w3.org/2006/time#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <https://example.org/> .
        ex:two dct:issued "2026-11-20"^^xsd:date , "2025-01-02"^^xsd:date .
        ex:one dct:issued "2026-11-20"^^xsd:date .
        ex:a a kg:Statement ; prov:hadPrimarySource ex:two ; time:hasTime ex:t1 .
        ex:t1 kg:relativeTime "yesterday"@en .
        ex:b a kg:Event ; prov:hadPrimarySource ex:one ; time:hasTime ex:t2 .
        ex:t2 kg:relativeTime "in December"@en ; time:hasDateTimeDescription ex:d2 .
        ex:d2 time:unitType time:unitMonth ; time:month "--13"^^xsd:gMonth .
        """,
    )
    out = Graph()
    assert derive(facts, out) == 0
    assert len(out) == 0
