"""The workbench's result views, links and highlighting, in Debian's Chromium, offline.

A SELECT answer is drawn as a graph (vis-network), a timeline (vis-timeline) or a map (the
Natural Earth basemap) when its variables allow, chosen by a tab or by the query's
`#defaultView:` comment; a link opens the page with a query (ad-hoc, or from the catalog with
its parameters) and its view, and runs it; the editor highlights SPARQL. Every request outside
the server is aborted and recorded, and fails the test.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from tests.test_serve import _open, get, server  # noqa: F401  # the workbench fixture
from tests.test_viz_browser import ARTIFACTS, browser  # noqa: F401  # the Chromium fixture

pytestmark = pytest.mark.slow  # drives Chromium

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<img src=x onerror=alert(1)>"
WKT = "<http://www.opengis.net/ont/geosparql#wktLiteral>"
# Who speaks to whom: subject/object IRI pairs of the packaged article, with the statement type.
SPEAKS = (
    "#defaultView:Graph\n"
    "SELECT DISTINCT ?source ?target ?edgeLabel WHERE {\n"
    "  ?st kg:speaker ?source ; kg:addressee ?target ; kg:statementType ?edgeLabel .\n"
    "}\nORDER BY ?source ?target ?edgeLabel\n"
)
# Four dated rows (years, a day, an instant; one label hostile) and one with no time.
DATED = (
    "#defaultView:Timeline\n"
    "SELECT ?label ?time WHERE { VALUES (?label ?time) {\n"
    '  ("a year" "2012"^^xsd:gYear) ("a day" "2024-05-01"^^xsd:date)\n'
    '  ("an instant" "2025-01-02T10:00:00Z"^^xsd:dateTime) ("' + HOSTILE + '" "2018"^^xsd:gYear)\n'
    '  ("undated" UNDEF) } }'
)
# Three points (made-up labels, one hostile) and one row whose literal is no point.
PLACED = (
    "#defaultView:Map\n"
    "SELECT ?label ?wkt WHERE { VALUES (?label ?wkt) {\n"
    f'  ("point one" "POINT(117.75 15.15)"^^{WKT}) ("point two" "POINT(115.85 9.73)"^^{WKT})\n'
    f'  ("{HOSTILE}" "POINT(112 16)"^^{WKT}) ("no point" "LINESTRING(1 2, 3 4)"^^{WKT}) }} }}'
)


def _visit(browser: Any, url: str) -> tuple[Any, list[str], list[str], list[str]]:  # noqa: F811
    """Open a workbench URL (all outside requests aborted and recorded); also record dialogs."""
    page, errors, outside = _open(browser, url)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page, errors, outside, dialogs


def _run(page: Any, text: str) -> None:
    page.fill("#editor", text)
    page.click("#run-sparql")
    page.locator("#status.ok").wait_for()


def _drawn(page: Any, view: str) -> None:
    page.wait_for_selector(f"#view[data-drawn={view}]", timeout=30_000)


def _shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"workbench-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path


def _api(server: str, text: str) -> dict[str, Any]:  # noqa: F811
    status, _, body, _ = get(f"{server}/api/run?" + urllib.parse.urlencode({"query": text}))
    assert status == 200, body
    return dict(json.loads(body))


def test_a_graph_answer_is_drawn_as_a_graph(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside, dialogs = _visit(browser, server + "/")
    _run(page, SPEAKS)
    _drawn(page, "graph")
    rows = _api(server, SPEAKS)["rows"]
    pairs = {(r[0]["value"], r[1]["value"]) for r in rows}
    assert len(rows) >= 3
    drawn = page.evaluate(
        "() => { const n = document.querySelector('#view-graph canvas');"
        " const x = n.getContext('2d').getImageData(0, 0, n.width, n.height).data;"
        " let ink = 0; for (let i = 3; i < x.length; i += 4) if (x[i] > 0) ink++;"
        " return { canvases: document.querySelectorAll('#view-graph canvas').length, ink: ink }; }"
    )
    assert drawn["canvases"] == 1 and drawn["ink"] > 2000  # the canvas has a drawing on it
    assert page.evaluate("() => kgWorkbenchDrawn().edges") == len(rows)
    assert page.evaluate("() => kgWorkbenchDrawn().nodes") == len({n for p in pairs for n in p})
    status = page.inner_text("#status")
    assert status.endswith(f"graph: {len({n for p in pairs for n in p})} nodes, {len(rows)} edges")
    assert page.get_attribute("#view-tabs [data-view=graph]", "aria-selected") == "true"
    assert page.locator("#results").is_hidden()
    # the table is one tab away; the timeline and map tabs say why they are not offered
    assert page.is_disabled("#view-tabs [data-view=map]")
    assert "geo:wktLiteral" in (page.get_attribute("#view-tabs [data-view=map]", "title") or "")
    page.click("#view-tabs [data-view=table]")
    assert page.locator("table.results tbody tr").count() == len(rows)
    assert errors == [] and outside == [] and dialogs == []
    page.context.close()


def test_a_dated_answer_is_drawn_as_a_timeline(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside, dialogs = _visit(browser, server + "/")
    _run(page, DATED)
    _drawn(page, "timeline")
    # the years and the day as ranges, the instant as a point (vis-timeline adds its dot apart)
    assert page.locator("#view-timeline .vis-item.vis-range").count() == 3
    assert page.locator("#view-timeline .vis-item.vis-point").count() == 1
    assert page.locator("#view-timeline .vis-item:not(.vis-dot)").count() == 4
    assert page.inner_text("#status").endswith("timeline: 4 dated, 1 with no time (in the table)")
    assert page.locator("#view-timeline .vis-item", has_text=HOSTILE).count() == 1  # as text
    assert page.locator("#view img, #view script").count() == 0
    # a year is drawn as the span of its year: wider than a day's
    year = page.locator("#view-timeline .vis-item", has_text="a year").bounding_box()
    day = page.locator("#view-timeline .vis-item", has_text="a day").bounding_box()
    assert year is not None and day is not None and year["width"] > 5 * day["width"]
    page.locator("#view-timeline .vis-item", has_text="a year").click()
    assert "2012" in page.inner_text(".view-details")
    assert errors == [] and outside == [] and dialogs == []
    page.context.close()


def test_a_placed_answer_is_drawn_on_the_offline_map(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside, dialogs = _visit(browser, server + "/")
    _run(page, PLACED)
    _drawn(page, "map")
    assert page.locator("#view-map svg g.land path").count() > 5  # the basemap's countries
    assert page.locator("#view-map svg g.point").count() == 3
    assert page.locator("#view-map svg g.point text", has_text=HOSTILE).count() == 1  # as text
    assert page.locator("#view img, #view script").count() == 0
    page.locator("#view-map svg g.point", has_text="point one").click()
    assert "POINT(117.75 15.15)" in page.inner_text(".view-details")
    # ?lat ?lon numbers are points too
    _run(
        page,
        "#defaultView:Map\nSELECT ?label ?lat ?lon WHERE { VALUES (?label ?lat ?lon) "
        '{ ("north" 20.5 114.25) ("south" 5 110) } }',
    )
    _drawn(page, "map")
    assert page.locator("#view-map svg g.point").count() == 2
    assert errors == [] and outside == [] and dialogs == []
    page.context.close()


def test_a_link_reopens_the_query_and_its_view_and_runs_it(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside, _ = _visit(browser, server + "/")
    _run(page, PLACED.replace("#defaultView:Map\n", ""))  # no comment: the table first
    assert page.locator("table.results tbody tr").count() == 4
    page.click("#view-tabs [data-view=map]")
    _drawn(page, "map")
    link = page.input_value("#share-link")
    assert page.url == link  # the address bar is the link too
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["view"] == ["map"]
    page.click("#copy-link")
    page.context.close()
    again, errors2, outside2, _ = _visit(browser, link)
    _drawn(again, "map")
    assert again.locator("#view-map svg g.point").count() == 3
    assert again.input_value("#editor") == PLACED.replace("#defaultView:Map\n", "")
    again.context.close()
    # a view the answer does not allow: the query's #defaultView, and the status says why
    graphless = server + "/?" + urllib.parse.urlencode({"query": DATED, "view": "graph"})
    fourth, errors4, outside4, _ = _visit(browser, graphless)
    _drawn(fourth, "timeline")
    assert fourth.inner_text("#status") == (
        "SPARQL: 5 rows · timeline: 4 dated, 1 with no time (in the table) · no graph view: "
        "a graph needs two columns of IRIs (?source ?target, or ?s ?o)"
    )
    assert errors4 == [] and outside4 == []
    fourth.context.close()
    # a catalog query by name, with its parameters
    named = (
        server + "/?" + urllib.parse.urlencode({"name": "cq2-allies", "p.actor": "United States"})
    )
    third, errors3, outside3, _ = _visit(browser, named)
    assert third.inner_text("#chosen-name") == "cq2-allies"
    assert third.input_value("#param-actor") == "United States"
    assert third.inner_text("#status") == "cq2-allies: 1 row"
    assert third.locator("table.results a", has_text="Philippines").count() == 1
    assert third.input_value("#share-link") == named
    third.context.close()
    assert errors == errors2 == errors3 == [] and outside == outside2 == outside3 == []


def test_the_editor_highlights_sparql_as_text(browser: Any, server: str) -> None:  # noqa: F811
    page, errors, outside, dialogs = _visit(browser, server + "/")
    text = (
        '# who <b>said</b> it\nSELECT ?s WHERE {\n\t?s rdfs:label "<img src=x onerror=alert(1)>" ;'
        " a <https://w3id.org/scs-kg/ontology#State> . FILTER(STRLEN(?s) > 1) }"
    )
    page.fill("#editor", text)
    box = "#editor-highlight"
    assert page.locator(f"{box} .cm-keyword", has_text="SELECT").count() == 1
    assert page.locator(f"{box} .cm-keyword", has_text="WHERE").count() == 1
    assert page.locator(f"{box} .cm-variable-2", has_text="?s").count() == 3
    assert page.locator(f"{box} .cm-comment").inner_text() == "# who <b>said</b> it"
    assert page.locator(f"{box} .cm-string").inner_text() == '"<img src=x onerror=alert(1)>"'
    assert page.locator(f"{box} .cm-atom", has_text="rdfs:label").count() == 1
    assert page.locator(f"{box} .cm-builtin", has_text="STRLEN").count() == 1
    assert page.locator(f"{box} b, {box} img").count() == 0
    # the highlighted copy is the text, character for character, under the textarea
    assert page.evaluate("document.getElementById('editor-highlight').textContent") == text + "\n"
    a = page.locator("#editor").bounding_box()
    b = page.locator(box).bounding_box()
    assert a == b
    assert errors == [] and outside == [] and dialogs == []
    page.context.close()


def test_the_workbench_serves_its_libraries_without_source_maps(server: str) -> None:  # noqa: F811
    for path, media in (
        ("/static/vendor/vis-network.min.js", "text/javascript"),
        ("/static/vendor/vis-network.css", "text/css"),
        ("/static/vendor/vis-timeline-graph2d.min.js", "text/javascript"),
        ("/static/vendor/codemirror-runmode.js", "text/javascript"),
        ("/static/vendor/codemirror-sparql.js", "text/javascript"),
        ("/static/views.js", "text/javascript"),
        ("/static/basemap.json", "application/json"),
    ):
        status, ctype, body, headers = get(server + path)
        assert status == 200 and ctype.startswith(media), path
        assert "sourceMappingURL" not in body[-300:], path
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert json.loads(get(server + "/static/basemap.json")[2])["box"] == [92.0, -4.0, 134.0, 26.0]


def test_the_vendored_highlighter_is_the_published_one_with_its_licence() -> None:
    from importlib import resources

    base = resources.files("kg.web").joinpath("vendor/codemirror-5.65.21")
    listed = [
        line.split("  ")
        for line in base.joinpath("SOURCE.md").read_text(encoding="utf-8").splitlines()
        if re.fullmatch(r"[0-9a-f]{64}  \S+", line)
    ]
    assert sorted(name for _, name in listed) == ["LICENSE", "runmode-standalone.js", "sparql.js"]
    for digest, name in listed:
        assert hashlib.sha256(base.joinpath(name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in base.joinpath("LICENSE").read_text(encoding="utf-8")


def test_screenshot_of_a_result_view(browser: Any, server: str) -> None:  # noqa: F811
    """docs/workbench-graph.png: who speaks to whom in the packaged article, in the workbench."""
    link = server + "/?" + urllib.parse.urlencode({"query": SPEAKS})
    page, errors, outside, _ = _visit(browser, link)
    _drawn(page, "graph")
    page.evaluate("() => { kgWorkbenchDrawn().network.fit({ animation: false }); }")
    page.locator("#results-section").scroll_into_view_if_needed()
    path = _shot(page, "graph")
    assert errors == [] and outside == []
    page.context.close()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
