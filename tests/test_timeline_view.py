"""The timeline view's data: each fact's OWL-Time read as a span as wide as its precision, what
has no calendar date kept apart, and a self-contained page that is the same bytes every time."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset

from kg.graph import open as open_graph
from kg.viz import write_view
from kg.viz.projection import project
from kg.viz.timeline import VENDOR, page_data, render

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "viz" / "timeline.trig"
TL = "https://w3id.org/scs-kg/fact/tl/"


@pytest.fixture(scope="module")
def view() -> nx.MultiDiGraph:
    return project(open_graph(FIXTURE).dataset, "timeline")


def test_each_precision_is_drawn_across_its_whole_unit(view: nx.MultiDiGraph) -> None:
    items = {i["id"].removeprefix(TL): i for i in page_data(view, "t")["items"]}
    spans = {k: (i["start"], i["end"], i["precision"]) for k, i in items.items()}
    assert spans == {
        "seizure": ("2012-01-01", "2013-01-01", "year"),  # a year: 1 January to the next
        "ruling": ("2016-07-01", "2016-08-01", "month"),
        "appeal": ("2016-07-12", "2016-07-13", "day"),
        "patrol": ("2024-03-04", "2024-03-11", "week"),  # ISO week 10 of 2024, Monday to Monday
        "talks": ("2020-03-01", "2020-06-01", "range"),  # to the end of the month it ends in
        "resolved": ("2025-11-04", "2025-11-05", "day"),  # "today", resolved in graph:derived
    }
    assert items["resolved"]["when"] == "today"  # the words the text gave stay shown


def test_what_has_no_calendar_date_is_listed_apart(view: nx.MultiDiGraph) -> None:
    data = page_data(view, "t")
    undated = {i["id"].removeprefix(TL): i["when"] for i in data["undated"]}
    # a month with no year, an unresolved week, no time at all: nothing is guessed
    assert undated == {
        "december": "scheduled for December",
        "week": "earlier this week",
        "timeless": "",
    }
    assert "start" not in data["undated"][0]
    assert len(data["items"]) + len(data["undated"]) == sum(
        1 for _, d in view.nodes(data=True) if d["group"] in ("Event", "Statement")
    )


def test_items_are_grouped_by_their_actors_and_coloured_by_quad_class(
    view: nx.MultiDiGraph,
) -> None:
    items = {i["id"].removeprefix(TL): i for i in page_data(view, "t")["items"]}
    ent = "https://w3id.org/scs-kg/id/"
    assert items["talks"]["actors"] == [f"{ent}china", f"{ent}philippines"]  # by label
    assert items["ruling"]["actors"] == [f"{ent}philippines"]  # the speaker, not the target
    assert items["ruling"]["others"] == ["China"]
    assert (items["ruling"]["key"], items["ruling"]["color"]) == (
        "q3",
        "#e08a00",
    )  # verbal conflict
    assert (items["appeal"]["key"], items["appeal"]["color"]) == ("q1", "#4a9a4a")
    assert items["seizure"]["key"] == "Seizure"
    assert items["appeal"]["source"] == ["https://w3id.org/scs-kg/source/b"]


def test_the_page_is_self_contained_and_byte_identical(view: nx.MultiDiGraph) -> None:
    page = render(view, "scs-kg: t")
    assert render(project(open_graph(FIXTURE).dataset, "timeline"), "scs-kg: t") == page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "sourceMappingURL" not in page
    assert "vis-timeline and vis-graph2d" in page and "@version 8.5.4" in page  # inlined
    assert re.findall(r"^<script[^>]*>", page, re.M) == [
        '<script type="application/json" id="kg-data">',
        "<script>",
        "<script>",
    ]
    # hostile labels travel escaped in the JSON, never as markup
    assert "<script>alert(2)" not in page and "\\u003cscript\\u003ealert(2)" in page
    assert "<img src=x" not in page


def test_the_vendored_library_ships_with_its_licence() -> None:
    from importlib import resources

    base = resources.files("kg.viz").joinpath(VENDOR)
    assert "Apache-2.0 OR MIT" in base.joinpath("LICENSE.md").read_text(encoding="utf-8")
    for name in ("LICENSE.MIT.txt", "LICENSE.Apache-2.0.txt", "SOURCE.md"):
        assert base.joinpath(name).is_file(), name


def test_the_corpus_timeline_in_every_format(dataset: Dataset, tmp_path: Path) -> None:
    g = project(dataset, "timeline")
    data = page_data(g, "t")
    # the packaged article: the seizure "in 2012" is dated; its relative times ("today",
    # "earlier this week") stay undated while its source has no publication date
    seizure = "https://w3id.org/scs-kg/fact/us-china-military-channels/seizure-scarborough-shoal"
    assert [(i["id"], i["start"], i["end"]) for i in data["items"]] == [
        (seizure, "2012-01-01", "2013-01-01")
    ]
    assert len(data["undated"]) > 10
    html = write_view(g, tmp_path / "timeline.html", "html")
    assert "scs-kg: Timeline of events and statements" in html.read_text(encoding="utf-8")
    back = nx.read_graphml(write_view(g, tmp_path / "timeline.graphml", "graphml"))
    assert back.nodes[seizure]["time_start"] == "2012-01-01"
    assert back.nodes[seizure]["time_precision"] == "year"
    assert write_view(g, tmp_path / "timeline.gexf", "gexf").is_file()


def test_the_readme_shows_the_timeline_screenshots_at_1400_by_900() -> None:
    import struct

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shots = re.findall(r"!\[[^\]]*\]\((docs/timeline[^)]*\.png)\)", readme)
    assert shots == ["docs/timeline-article.png", "docs/timeline-corpus.png"]
    for shot in shots:
        head = (root / shot).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", head[16:24]) == (1400, 900), shot


def test_an_instant_is_drawn_as_its_day_and_a_bad_value_dates_nothing() -> None:
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import TIME, XSD

    from kg.viz.projection import Projector
    from kg.viz.spans import span_of

    g = Graph()
    stamp, bad, early = URIRef("urn:t:stamp"), URIRef("urn:t:bad"), URIRef("urn:t:early")
    g.add(
        (
            stamp,
            TIME.inXSDDateTimeStamp,
            Literal("2024-02-29T23:30:00+08:00", datatype=XSD.dateTimeStamp),
        )
    )
    g.add((bad, TIME.inXSDDate, Literal("2023-02-30", datatype=XSD.string)))
    description = BNode()
    g.add((bad, TIME.hasDateTimeDescription, description))
    g.add((description, TIME.month, Literal("--13", datatype=XSD.gMonth)))
    g.add((description, TIME.year, Literal("9999", datatype=XSD.gYear)))
    g.add((early, TIME.inXSDgYear, Literal("0001", datatype=XSD.gYear)))
    p = Projector(g)
    found = span_of(p, stamp)
    assert found is not None and (str(found.start), str(found.end), found.precision) == (
        "2024-02-29",
        "2024-03-01",
        "day",
    )
    assert span_of(p, bad) is None  # 30 February, month 13 of 9999 (and its year has no end)
    early_span = span_of(p, early)
    assert early_span is not None and str(early_span.start) == "0001-01-01"
