"""The views as an analyst reads them (issue 13): legible at the default fit, isolated nodes out
of the way, every edge colour explained and filterable, statements coloured in every view, an
entity's facts with their quotes, a panel that folds away on a narrow window. In Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from kg.viz.html import QUAD, page_data
from tests.test_viz_browser import (  # noqa: F401  # the Chromium and view fixtures
    ARTIFACTS,
    article_views,
    assert_clean,
    browser,
    open_view,
)


def test_page_data_explains_every_colour_and_prefixes_predicates(
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    for name, (g, _path) in article_views.items():
        data = page_data(g, name)
        colours = {e["color"] for e in data["edges"]}
        assert colours == {row["color"] for row in data["edgeLegend"]}, name
        assert all(row["label"] and row["count"] for row in data["edgeLegend"])
        assert not [e for e in data["edges"] if e["predicate"].startswith(("http", "<"))]
        assert {n["clsLabel"] for n in data["nodes"]} >= {"State"}
        if name != "claims":  # statements are coloured by QuadClass in all, actors and ego
            assert {e["quad"] for e in data["edges"]} & {1, 3}, name
    grey = next(r for r in page_data(article_views["all"][0], "all")["edgeLegend"] if not r["quad"])
    assert grey["label"].startswith(QUAD[0][1] + ": ") and "claimant" in grey["label"]


@pytest.mark.parametrize("name", ["all", "actors", "ego"])
def test_labels_are_at_least_9px_once_fitted(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
    name: str,
) -> None:
    _g, path = article_views[name]
    opened = open_view(browser, path)
    sizes = opened.page.evaluate("kgGraph.fontSizes")
    scale = opened.page.evaluate("kgGraph.network.getScale()")
    assert sizes["scale"] == scale
    assert sizes["node"] * scale >= 9 and sizes["edge"] * scale >= 9
    assert_clean(opened)
    opened.page.context.close()


def test_an_isolated_node_does_not_shrink_the_fit(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    g, path = article_views["actors"]
    lonely = [n for n in g.nodes if g.degree(n) == 0]
    assert lonely  # South Korea, in this article
    opened = open_view(browser, path)
    box = opened.page.evaluate(
        """(lonely) => {
             const net = kgGraph.network, ids = kgGraph.nodeData.getIds();
             const rest = ids.filter((id) => !lonely.includes(id));
             const pos = net.getPositions(ids);
             const ys = rest.map((id) => pos[id].y), xs = rest.map((id) => pos[id].x);
             const dom = (x, y) => net.canvasToDOM({x: x, y: y});
             const a = dom(Math.min(...xs), Math.min(...ys));
             const b = dom(Math.max(...xs), Math.max(...ys));
             const r = document.getElementById('kg-network').getBoundingClientRect();
             return {h: (b.y - a.y) / r.height, w: (b.x - a.x) / r.width,
                     below: lonely.every((id) => pos[id].y > Math.max(...ys)),
                     inside: lonely.every((id) => pos[id].x >= Math.min(...xs) - 1 &&
                                                  pos[id].x <= Math.max(...xs) + 1)}; }""",
        lonely,
    )
    assert box["below"] and box["inside"]
    assert max(box["h"], box["w"]) > 0.75  # the connected graph fills the view
    assert_clean(opened)
    opened.page.context.close()


def test_edge_and_source_filters(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    g, path = article_views["all"]
    opened = open_view(browser, path)
    page = opened.page
    conflict = sum(1 for *_e, d in g.edges(data=True) if d["quad_class"] == 3)
    assert conflict > 0
    hidden = "kgGraph.edgeData.get({filter: (e) => e.hidden === true}).length"
    page.locator('#kg-edge-legend input[data-quad="3"]').uncheck()
    assert page.evaluate(hidden) == conflict
    assert page.evaluate("kgGraph.hiddenQuads") == ["3"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-all-filtered.png"))
    page.locator('#kg-edge-legend input[data-quad="3"]').check()
    assert page.evaluate(hidden) == 0
    source = page.locator("#kg-sources input").first
    source.uncheck()
    with_source = sum(1 for *_e, d in g.edges(data=True) if d["source"])
    assert with_source > 0 and page.evaluate(hidden) == with_source
    assert_clean(opened)
    page.context.close()


def test_an_entitys_details_list_its_facts_with_quotes(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    g, path = article_views["actors"]
    opened = open_view(browser, path)
    page = opened.page
    page.fill("#kg-search", "Pete Hegseth")
    page.press("#kg-search", "Enter")
    hegseth = "https://w3id.org/scs-kg/id/pete-hegseth"
    facts = page.locator("#kg-details .kg-facts li")
    assert facts.count() == g.degree(hegseth)
    assert page.inner_text("#kg-details .kg-facts h3") == f"Facts ({g.degree(hegseth)})"
    quotes = page.locator("#kg-details .kg-facts blockquote").all_inner_texts()
    assert any(q.startswith("Hegseth criticized") for q in quotes)
    assert "Class\nPerson" in page.inner_text("#kg-details")
    page.screenshot(path=str(ARTIFACTS / "viz-actors-selected.png"))
    facts.first.click()  # a fact's row selects its edge
    assert len(page.evaluate("kgGraph.network.getSelectedEdges()")) == 1
    assert "Predicate\nkg:" in page.inner_text("#kg-details")
    assert_clean(opened)
    page.context.close()


def test_the_panel_folds_away_on_a_narrow_window(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    _g, path = article_views["actors"]
    opened = open_view(browser, path)
    page = opened.page
    page.set_viewport_size({"width": 900, "height": 800})
    assert not page.is_visible("#kg-panel")
    assert page.evaluate("document.getElementById('kg-network').clientWidth") >= 880
    page.screenshot(path=str(ARTIFACTS / "viz-actors-narrow.png"))
    page.click("#kg-panel-toggle")
    assert page.is_visible("#kg-panel") and page.is_visible("#kg-legend")
    page.click("#kg-panel-toggle")
    assert not page.is_visible("#kg-panel")
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.is_visible("#kg-panel")
    assert_clean(opened)
    page.context.close()


def test_facts_table_sorts_filters_and_links_both_ways(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    g, path = article_views["actors"]
    opened = open_view(browser, path)
    page = opened.page
    assert not page.is_visible("#kg-table")
    page.click("#kg-table-toggle")
    rows = page.locator("#kg-table-body tr")
    assert rows.count() == g.number_of_edges()
    assert (
        page.inner_text("#kg-table-count")
        == f"{g.number_of_edges()} of {g.number_of_edges()} facts"
    )
    page.click('#kg-table th[data-key="who"]')
    who = page.locator("#kg-table-body tr td:nth-child(2)").all_inner_texts()
    assert who == sorted(who, key=str.lower)
    page.click('#kg-table th[data-key="who"]')
    assert page.locator("#kg-table-body tr td:nth-child(2)").all_inner_texts()[0] == max(
        who, key=str.lower
    )
    page.fill("#kg-table-filter", "troublemaker")
    assert 0 < rows.count() < g.number_of_edges()
    assert all("troublemaker" in t.lower() for t in rows.all_inner_texts())
    page.fill("#kg-table-filter", "")
    # a row selects its edge in the graph and shows it
    rows.first.click()
    edge = page.get_attribute("#kg-table-body tr >> nth=0", "data-edge")
    assert page.evaluate("kgGraph.network.getSelectedEdges()") == [edge]
    assert "Relation" in page.inner_text("#kg-details")
    # a node (found by search) marks its rows
    page.fill("#kg-search", "Tian Junli")
    page.press("#kg-search", "Enter")
    tian = "https://w3id.org/scs-kg/id/tian-junli"
    assert page.locator("#kg-table-body tr.mark").count() == g.degree(tian) > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-actors-table.png"))
    assert_clean(opened)
    page.context.close()


def test_status_filter_hides_planned_or_past_events(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    g, path = article_views["all"]
    statuses = sorted({d["status"] for _n, d in g.nodes(data=True) if d.get("status")})
    assert statuses  # the article has planned and past events
    opened = open_view(browser, path)
    page = opened.page
    first = statuses[0]
    events = [n for n, d in g.nodes(data=True) if d.get("status") == first]
    page.locator(f'#kg-statuses input[data-status="{first}"]').uncheck()
    hidden = page.evaluate(
        "kgGraph.nodeData.get({filter: (n) => n.hidden === true}).map((n) => n.id)"
    )
    assert sorted(hidden) == sorted(events)
    page.locator(f'#kg-statuses input[data-status="{first}"]').check()
    assert page.evaluate("kgGraph.nodeData.get({filter: (n) => n.hidden === true}).length") == 0
    assert_clean(opened)
    page.context.close()


def test_statement_type_filter(
    browser: Any,  # noqa: F811
    article_views: dict[str, Any],  # noqa: F811
) -> None:
    g, path = article_views["actors"]
    only = [d for *_e, d in g.edges(data=True) if d["statement_type"] == "criticism"]
    assert only
    opened = open_view(browser, path)
    page = opened.page
    page.locator('#kg-types input[data-type="criticism"]').uncheck()
    hidden = "kgGraph.edgeData.get({filter: (e) => e.hidden === true}).length"
    assert page.evaluate(hidden) == len(only)  # `criticism, labelling` stays: labelling is shown
    assert page.evaluate("kgGraph.hiddenTypes") == ["criticism"]
    assert_clean(opened)
    page.context.close()
