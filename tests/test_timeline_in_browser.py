"""The timeline page in Debian's Chromium, offline (every request outside the page fails the
test): one item per dated fact, a year drawn as wide as its year on the axis, the undated facts
counted apart, hostile labels shown as text, and the grouping switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.graph import open as open_graph
from kg.viz import write_view
from kg.viz.projection import project
from tests.test_viz_browser import browser, screenshot, viewing  # noqa: F401

pytestmark = pytest.mark.slow  # drives Chromium

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "viz" / "timeline.trig"
TL = "https://w3id.org/scs-kg/fact/tl/"


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.MultiDiGraph, Path]:
    g = project(open_graph(FIXTURE).dataset, "timeline")
    return g, write_view(g, tmp_path_factory.mktemp("tl") / "timeline.html", "html")


def _box(page: Any, fact: str) -> dict[str, float]:
    """The on-screen box of a fact's item."""
    return page.evaluate(
        """(id) => { const r = kgTimeline.timeline.itemSet.items[id].dom.box
                         .getBoundingClientRect();
                     return {left: r.left, width: r.width, top: r.top, height: r.height}; }""",
        fact,
    )


def _axis(page: Any, year: int, month: int = 1, day: int = 1) -> float:
    """Where a date (midnight UTC) lies on the screen, as the timeline's axis places it."""
    return page.evaluate(
        """([y, m, d]) => { const t = kgTimeline.timeline, at = new Date(Date.UTC(y, m - 1, d));
                            const r = t.dom.centerContainer.getBoundingClientRect();
                            return r.left + t.body.util.toScreen(at); }""",
        [year, month, day],
    )


def test_one_item_per_dated_fact_and_the_undated_counted_apart(
    browser: Any,  # noqa: F811
    timeline: tuple[nx.MultiDiGraph, Path],
) -> None:
    g, path = timeline
    with viewing(browser, path) as opened:
        page = opened.page
        facts = [n for n, d in g.nodes(data=True) if d["group"] in ("Event", "Statement")]
        dated = sorted(n for n in facts if g.nodes[n].get("time_start"))
        undated = sorted(set(facts) - set(dated))
        assert len(dated) == 6 and len(undated) == 3
        # one item per dated fact, each drawn in the window the page opens on (fitted to them)
        assert page.evaluate("Object.keys(kgTimeline.timeline.itemSet.items).sort()") == dated
        assert page.locator("#kg-timeline .vis-item.vis-range").count() == len(dated)
        shown = "Object.values(kgTimeline.timeline.itemSet.items).filter(i => i.displayed).length"
        assert page.evaluate(shown) == len(dated)
        assert page.inner_text("#kg-undated-count") == "(3)"
        assert (
            sorted(page.eval_on_selector_all("#kg-undated li", "ls => ls.map(l => l.dataset.id)"))
            == undated
        )
        assert page.inner_text("#kg-counts") == "6 dated, 3 undated"
        # a hostile label is an item's text; the hostile actor's name a group's text
        texts = page.locator("#kg-timeline .vis-item").all_inner_texts()
        assert "<script>alert(2)</script> appeal on a day" in texts
        groups = page.locator("#kg-timeline .vis-labelset .vis-label").all_inner_texts()
        assert groups == ["<img src=x onerror=alert(1)>", "China", "Philippines"]
        counts = page.evaluate(
            "['img', 'iframe', 'svg', 'a', 'b', 'script']"
            ".map(t => document.getElementsByTagName(t).length)"
        )
        assert counts == [0, 0, 0, 0, 0, 3]
        # the tooltip of the hostile item is text: no element in it, no vis-timeline tooltip (HTML)
        page.locator("#kg-timeline .vis-item", has_text="appeal on a day").hover()
        page.wait_for_selector(".kg-tip", state="visible")
        assert page.inner_text(".kg-tip").startswith("<script>alert(2)</script> appeal on a day")
        assert page.evaluate("document.querySelector('.kg-tip').childElementCount") == 0
        assert page.locator(".vis-tooltip").count() == 0
        screenshot(opened, "timeline")


def test_a_year_is_as_wide_as_its_year_and_a_month_as_its_month(
    browser: Any,  # noqa: F811
    timeline: tuple[nx.MultiDiGraph, Path],
) -> None:
    _, path = timeline
    with viewing(browser, path) as opened:
        page = opened.page
        page.evaluate(
            """() => kgTimeline.timeline.setWindow(
                         new Date(Date.UTC(2011, 6, 1)), new Date(Date.UTC(2017, 0, 1)),
                         {animation: false})"""
        )
        page.wait_for_timeout(300)
        year = _box(page, TL + "seizure")
        assert abs(year["left"] - _axis(page, 2012)) <= 1.5
        assert abs(year["width"] - (_axis(page, 2013) - _axis(page, 2012))) <= 1.5
        assert year["width"] > 100  # visibly a span, not a point
        month = _box(page, TL + "ruling")
        assert abs(month["width"] - (_axis(page, 2016, 8) - _axis(page, 2016, 7))) <= 1.5
        assert abs(month["width"] / year["width"] - 31 / 366) < 0.01  # July of a leap year
        day = _box(page, TL + "appeal")
        assert abs(day["left"] - _axis(page, 2016, 7, 12)) <= 1.5


def test_grouping_by_source_and_filtering_a_kind(
    browser: Any,  # noqa: F811
    timeline: tuple[nx.MultiDiGraph, Path],
) -> None:
    _, path = timeline
    with viewing(browser, path) as opened:
        page = opened.page
        page.select_option("#kg-group-by", "source")
        page.wait_for_timeout(200)
        groups = page.locator("#kg-timeline .vis-labelset .vis-label").all_inner_texts()
        assert groups == ["<b>Source B</b>", "Source A"]  # titles as text, in order
        page.locator('#kg-legend input[data-key="q3"]').uncheck()  # verbal conflict statements
        assert page.evaluate("kgTimeline.shownItems") == 4
        assert page.locator("#kg-timeline .vis-item.vis-range").count() == 4
        assert page.inner_text("#kg-undated-count") == "(3)"  # none of the undated is q3
        page.locator('#kg-legend input[data-key="q1"]').uncheck()  # the undated "timeless" is q1
        assert page.text_content("#kg-undated-count") == "(2 of 3)"
        assert page.locator("#kg-undated li:not([hidden])").count() == 2


@pytest.mark.parametrize("view", ["timeline", "map"])
def test_hostile_labels_in_the_timeline_and_map_stay_text(
    browser: Any,  # noqa: F811
    tmp_path: Path,
    view: str,
) -> None:
    """The hostile fixture of the graph views: no dialog, no request, no element from the data."""
    hostile = Path(__file__).resolve().parent / "fixtures" / "viz" / "hostile.trig"
    g = project(open_graph(hostile).dataset, view)
    with viewing(browser, write_view(g, tmp_path / f"{view}.html", "html")) as opened:
        page = opened.page
        text = page.inner_text("body")
        shown = {
            "timeline": '<iframe src="https://example.org/"></iframe> meeting',
            "map": "@@TITLE@@ <svg onload=alert(9)>",
        }
        assert shown[view] in text
        for node in page.locator("#kg-undated li, #kg-unplaced li").all():
            node.click()
        counts = page.evaluate(
            "['img', 'iframe', 'a', 'b', 'script']"
            ".map(t => document.getElementsByTagName(t).length)"
        )
        assert counts == [0, 0, 0, 0, 3]  # the data, the library or basemap, the page's script


def test_thousands_of_facts_open_on_every_dated_item_and_list_the_undated_by_pages(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """With more facts than a list can lay out at once: every dated fact is an item of the
    window the page opens on, the undated count is whole, their list grows 500 at a time, and
    the boxes of 60 sources come folded, made when opened."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import PROV, RDF, RDFS, TIME

    from kg.namespaces import ENT, KG
    from kg.viz.timeline import page_data

    dataset = open_graph(FIXTURE).dataset
    graph = dataset.graph(URIRef("https://w3id.org/scs-kg/graph/source/a"))
    for i in range(2200):
        fact = URIRef(f"{TL}bulk-{i}")
        graph.add((fact, RDF.type, KG.Statement))
        graph.add((fact, RDFS.label, Literal(f"bulk statement {i}", lang="en")))
        graph.add((fact, KG.speaker, ENT[("china", "philippines")[i % 2]]))
        graph.add((fact, PROV.hadPrimarySource, URIRef(f"https://w3id.org/scs-kg/source/{i % 60}")))
        if i % 2:
            graph.add((fact, TIME.hasTime, URIRef(TL + "time-2012")))
    g = project(dataset, "timeline")
    data = page_data(g, "")
    dated, undated = [i["id"] for i in data["items"]], [i["id"] for i in data["undated"]]
    assert (len(dated), len(undated)) == (6 + 1100, 3 + 1100)
    with viewing(browser, write_view(g, tmp_path / "timeline.html", "html")) as opened:
        page = opened.page
        assert page.evaluate("Object.keys(kgTimeline.timeline.itemSet.items).sort()") == sorted(
            dated
        )
        # the window the page opens on holds every dated fact whole
        inside = """() => { const w = kgTimeline.timeline.getWindow();
                            return Object.values(kgTimeline.timeline.itemSet.items).filter(
                              i => i.data.start >= w.start && i.data.end <= w.end).length; }"""
        assert page.evaluate(inside) == len(dated)
        assert page.inner_text("#kg-undated-count") == f"({len(undated)})"
        assert page.locator("#kg-undated li").count() == 500
        more = page.locator("#kg-undated-more")
        assert more.inner_text() == f"Show 500 more ({len(undated) - 500} not listed)"
        more.click()
        more.click()
        assert not more.is_visible()
        listed = page.eval_on_selector_all("#kg-undated li", "ls => ls.map(l => l.dataset.id)")
        assert listed == undated  # each once, in the order of the data
        # a filter lists again from the first of the facts it keeps, the count says how many of all
        page.locator('#kg-legend input[data-key="q0"]').uncheck()
        kept = [i["id"] for i in data["undated"] if i["key"] != "q0"]
        assert page.text_content("#kg-undated-count") == f"({len(kept)} of {len(undated)})"
        assert (
            page.eval_on_selector_all("#kg-undated li", "ls => ls.map(l => l.dataset.id)") == kept
        )
        assert not more.is_visible()
        # the sources: folded, their boxes made when the fold opens, each still a filter
        page.locator('#kg-legend input[data-key="q0"]').check()
        assert len(data["sources"]) == 62
        assert page.locator("#kg-sources input").count() == 0
        page.locator("#kg-sources-fold summary").click()
        page.locator("#kg-sources input").nth(61).wait_for()  # made on the fold's toggle event
        assert page.locator("#kg-sources input").count() == 62
        page.locator('#kg-sources input[data-source="https://w3id.org/scs-kg/source/1"]').uncheck()
        odd = sum(1 for i in range(2200) if i % 60 == 1 and i % 2)
        assert page.evaluate("kgTimeline.shownItems") == len(dated) - odd
