# ruff: noqa: F811  (pytest fixtures imported from test_viz_browser are parameters here)
"""The views as an analyst reads them: legible at the default fit, isolated nodes out
of the way, every edge colour explained and filterable, statements coloured in every view, an
entity's facts with their quotes, a panel that folds away on a narrow window. In Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="module")
def opened(browser: Any, article_views: dict[str, Any]) -> Iterator[Callable[[str], Any]]:
    """Each view opened once for the module (tests leave it as they found it)."""
    pages: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in pages:
            pages[name] = open_view(browser, article_views[name][1])
        return pages[name]

    yield get
    for page in pages.values():
        page.page.context.close()


def test_page_data_explains_every_colour_and_prefixes_predicates(
    article_views: dict[str, Any],
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


Views = dict[str, Any]
Opener = Callable[[str], Any]


@pytest.mark.parametrize("name", ["all", "actors", "ego"])
def test_labels_are_at_least_9px_once_fitted(opened: Opener, name: str) -> None:
    view = opened(name)
    sizes = view.page.evaluate("kgGraph.fontSizes")  # set when the layout was fitted
    assert sizes["scale"] > 0
    assert sizes["node"] * sizes["scale"] >= 9 and sizes["edge"] * sizes["scale"] >= 9
    assert_clean(view)


def test_an_isolated_node_does_not_shrink_the_fit(opened: Opener, article_views: Views) -> None:
    g = article_views["actors"][0]
    lonely = [n for n in g.nodes if g.degree(n) == 0]
    assert lonely  # South Korea, in this article
    view = opened("actors")
    box = view.page.evaluate(
        """(lonely) => {
             const net = kgGraph.network, ids = kgGraph.nodeData.getIds();
             const rest = ids.filter((id) => !lonely.includes(id));
             const pos = net.getPositions(ids);
             const ys = rest.map((id) => pos[id].y), xs = rest.map((id) => pos[id].x);
             const dom = (x, y) => net.canvasToDOM({x: x, y: y});
             const s = kgGraph.fontSizes.scale / net.getScale();  // as fitted
             const w = (Math.max(...xs) - Math.min(...xs)) * net.getScale() * s;
             const h = (Math.max(...ys) - Math.min(...ys)) * net.getScale() * s;
             const r = document.getElementById('kg-network').getBoundingClientRect();
             return {h: h / r.height, w: w / r.width,
                     below: lonely.every((id) => pos[id].y > Math.max(...ys)),
                     inside: lonely.every((id) => pos[id].x >= Math.min(...xs) - 1 &&
                                                  pos[id].x <= Math.max(...xs) + 1)}; }""",
        lonely,
    )
    assert box["below"] and box["inside"]
    assert max(box["h"], box["w"]) > 0.75  # the connected graph fills the view
    assert_clean(view)


def test_edge_status_and_source_filters(opened: Opener, article_views: Views) -> None:
    g = article_views["all"][0]
    view = opened("all")
    page = view.page
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
    source.check()
    assert page.evaluate(hidden) == 0
    # event status: planned, past
    statuses = sorted({d["status"] for _n, d in g.nodes(data=True) if d.get("status")})
    assert statuses  # the article has planned and past events
    first = statuses[0]
    events = [n for n, d in g.nodes(data=True) if d.get("status") == first]
    hidden_nodes = "kgGraph.nodeData.get({filter: (n) => n.hidden === true}).map((n) => n.id)"
    page.locator(f'#kg-statuses input[data-status="{first}"]').uncheck()
    assert sorted(page.evaluate(hidden_nodes)) == sorted(events)
    page.locator(f'#kg-statuses input[data-status="{first}"]').check()
    assert page.evaluate(hidden_nodes) == []
    assert_clean(view)


def test_statement_type_filter(opened: Opener, article_views: Views) -> None:
    g = article_views["actors"][0]
    only = [d for *_e, d in g.edges(data=True) if d["statement_type"] == "criticism"]
    assert only
    page = opened("actors").page
    hidden = "kgGraph.edgeData.get({filter: (e) => e.hidden === true}).length"
    page.locator('#kg-types input[data-type="criticism"]').uncheck()
    assert page.evaluate(hidden) == len(only)  # `criticism, labelling` stays: labelling is shown
    assert page.evaluate("kgGraph.hiddenTypes") == ["criticism"]
    page.locator('#kg-types input[data-type="criticism"]').check()
    assert page.evaluate(hidden) == 0
    assert_clean(opened("actors"))


def test_an_entitys_details_list_its_facts_with_quotes(
    opened: Opener, article_views: Views
) -> None:
    g = article_views["actors"][0]
    view = opened("actors")
    page = view.page
    page.fill("#kg-search", "Pete Hegseth")
    page.press("#kg-search", "Enter")
    hegseth = "https://w3id.org/scs-kg/id/pete-hegseth"
    facts = page.locator("#kg-details .kg-facts li")
    assert facts.count() == g.degree(hegseth)
    assert page.inner_text("#kg-details .kg-facts h3") == f"Facts ({g.degree(hegseth)})"
    quotes = page.locator("#kg-details .kg-facts blockquote").all_inner_texts()
    assert any(q.startswith("Hegseth criticized") for q in quotes)
    assert "Class\nPerson" in page.inner_text("#kg-details")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-actors-selected.png"))
    facts.first.click()  # a fact's row selects its edge
    assert len(page.evaluate("kgGraph.network.getSelectedEdges()")) == 1
    assert "Predicate\nkg:" in page.inner_text("#kg-details")
    assert_clean(view)


def test_facts_table_sorts_filters_and_links_both_ways(
    opened: Opener, article_views: Views
) -> None:
    g = article_views["actors"][0]
    view = opened("actors")
    page = view.page
    assert not page.is_visible("#kg-table")
    page.click("#kg-table-toggle")
    rows = page.locator("#kg-table-body tr")
    m = g.number_of_edges()
    assert rows.count() == m
    assert page.inner_text("#kg-table-count") == f"{m} of {m} facts"
    page.click('#kg-table th[data-key="who"]')
    who = page.locator("#kg-table-body tr td:nth-child(2)").all_inner_texts()
    assert who == sorted(who, key=str.lower)
    page.click('#kg-table th[data-key="who"]')
    last = max(who, key=str.lower)
    assert page.locator("#kg-table-body tr td:nth-child(2)").all_inner_texts()[0] == last
    page.fill("#kg-table-filter", "troublemaker")
    assert 0 < rows.count() < m
    assert all("troublemaker" in t.lower() for t in rows.all_inner_texts())
    page.fill("#kg-table-filter", "")
    rows.first.click()  # a row selects its edge in the graph and shows it
    edge = page.get_attribute("#kg-table-body tr >> nth=0", "data-edge")
    assert page.evaluate("kgGraph.network.getSelectedEdges()") == [edge]
    assert "Relation" in page.inner_text("#kg-details")
    page.fill("#kg-search", "Tian Junli")  # a node marks its rows
    page.press("#kg-search", "Enter")
    tian = "https://w3id.org/scs-kg/id/tian-junli"
    assert page.locator("#kg-table-body tr.mark").count() == g.degree(tian) > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-actors-table.png"))
    page.click("#kg-table-toggle")
    assert not page.is_visible("#kg-table")
    assert_clean(view)


def test_the_panel_folds_away_on_a_narrow_window(opened: Opener) -> None:
    view = opened("actors")
    page = view.page
    page.set_viewport_size({"width": 900, "height": 800})
    assert not page.is_visible("#kg-panel")
    assert page.evaluate("document.getElementById('kg-network').clientWidth") >= 880
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz-actors-narrow.png"))
    page.click("#kg-panel-toggle")
    assert page.is_visible("#kg-panel") and page.is_visible("#kg-legend")
    page.click("#kg-panel-toggle")
    assert not page.is_visible("#kg-panel")
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.is_visible("#kg-panel")
    assert_clean(view)
