"""Every view page in Debian's Chromium, offline: its state (filters, selection, zoom, time
range) kept in the URL and restored when the URL is opened again; the drawing exported as PNG
and SVG images of its size and the facts as CSV, as downloads made in the page (no request);
the details panel in sight without scrolling."""

from __future__ import annotations

import csv
import io
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset

from kg.graph import open as open_graph
from kg.namespaces import ENT
from kg.viz import write_view
from kg.viz.projection import project
from tests.test_viz_browser import browser, viewing  # noqa: F401

pytestmark = pytest.mark.slow  # drives Chromium

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "viz" / "timeline.trig"
TL = "https://w3id.org/scs-kg/fact/tl/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def pages(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("shared")
    views: dict[str, Any] = {}
    for name, graph, view in [
        ("all", dataset, "all"),
        ("actors", dataset, "actors"),
        ("timeline", open_graph(FIXTURE).dataset, "timeline"),
    ]:
        g = project(graph, view)
        views[name] = (g, write_view(g, out / f"{name}.html", "html"))
    return views


def _fragment(page: Any) -> str:
    url = str(page.url)
    return url[url.index("#") :] if "#" in url else ""


def _download(page: Any, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(button)
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _drawing_size(page: Any, element: str) -> tuple[int, int, float]:
    """The on-screen width and height (CSS pixels) of the drawing in ELEMENT, and the ratio of
    device pixels to CSS pixels."""
    width, height, ratio = page.evaluate(
        """(id) => { const r = document.getElementById(id).getBoundingClientRect();
          return [Math.round(r.width), Math.round(r.height), window.devicePixelRatio]; }""",
        element,
    )
    return width, height, ratio


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_graph_view_reopened_from_its_url_has_the_same_filters_selection_and_zoom(
    browser: Any,  # noqa: F811
    pages: dict[str, Any],
) -> None:
    g, path = pages["all"]
    with viewing(browser, path) as opened:
        page = opened.page
        assert _fragment(page) == ""  # nothing chosen yet: a plain URL
        page.locator('#kg-legend input[data-class="Statement"]').uncheck()
        page.locator('#kg-edge-legend input[data-quad="0"]').uncheck()
        page.click("#kg-table-toggle")
        page.fill("#kg-table-filter", "claimant")
        rows = page.locator("#kg-table-body tr").count()
        page.fill("#kg-search", "Scarborough")
        page.press("#kg-search", "Enter")
        box = page.locator("#kg-network").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(300)
        fragment = _fragment(page)
        assert "hc=Statement" in fragment and "hq=0" in fragment and "sel=n%3A" in fragment
        before = page.evaluate(
            """() => ({scale: kgGraph.network.getScale(), at: kgGraph.network.getViewPosition(),
                       hidden: kgGraph.hiddenClasses, quads: kgGraph.hiddenQuads,
                       selected: kgGraph.network.getSelectedNodes(),
                       hiddenNodes: kgGraph.nodeData.get({filter: n => n.hidden}).length})"""
        )
        assert before["selected"] == [str(ENT["scarborough-shoal"])]

    with viewing(browser, path, fragment) as again:
        page = again.page
        after = page.evaluate(
            """() => ({scale: kgGraph.network.getScale(), at: kgGraph.network.getViewPosition(),
                       hidden: kgGraph.hiddenClasses, quads: kgGraph.hiddenQuads,
                       selected: kgGraph.network.getSelectedNodes(),
                       hiddenNodes: kgGraph.nodeData.get({filter: n => n.hidden}).length})"""
        )
        assert after["hidden"] == before["hidden"] == ["Statement"]
        assert after["quads"] == before["quads"] == ["0"]
        assert after["hiddenNodes"] == before["hiddenNodes"] > 0
        assert after["selected"] == before["selected"]
        assert after["scale"] == pytest.approx(before["scale"], rel=1e-4)
        assert after["at"]["x"] == pytest.approx(before["at"]["x"], abs=0.05)
        assert after["at"]["y"] == pytest.approx(before["at"]["y"], abs=0.05)
        assert not page.locator('#kg-legend input[data-class="Statement"]').is_checked()
        assert g.nodes[str(ENT["scarborough-shoal"])]["label"] in page.inner_text("#kg-details")
        assert page.is_visible("#kg-table") and page.input_value("#kg-table-filter") == "claimant"
        assert page.locator("#kg-table-body tr").count() == rows > 0
        assert _fragment(page) == fragment  # reopening does not change the state


def test_the_timeline_reopened_from_its_url_has_the_same_filters_selection_and_range(
    browser: Any,  # noqa: F811
    pages: dict[str, Any],
) -> None:
    _, path = pages["timeline"]
    with viewing(browser, path) as opened:
        page = opened.page
        page.locator('#kg-legend input[data-key="q3"]').uncheck()
        page.select_option("#kg-group-by", "source")
        page.locator("#kg-timeline .vis-item", has_text="talks over a range").click()
        box = page.locator("#kg-timeline .vis-center").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 40)
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(500)
        fragment = _fragment(page)
        state = """() => ({window: [kgTimeline.timeline.getWindow().start.valueOf(),
                                    kgTimeline.timeline.getWindow().end.valueOf()],
                           selected: kgTimeline.timeline.getSelection(), mode: kgTimeline.mode,
                           hidden: kgTimeline.hiddenKeys, shown: kgTimeline.shownItems})"""
        before = page.evaluate(state)
        assert before["selected"] == [TL + "talks"] and before["shown"] == 4
        assert "from=" in fragment and "g=source" in fragment and "hk=q3" in fragment

    with viewing(browser, path, fragment) as again:
        page = again.page
        page.wait_for_timeout(300)
        assert page.evaluate(state) == before
        assert "talks over a range" in page.inner_text("#kg-details")
        assert not page.locator('#kg-legend input[data-key="q3"]').is_checked()
        assert page.input_value("#kg-group-by") == "source"


def test_a_graph_view_exports_its_drawing_as_png_and_svg_and_its_facts_as_csv(
    browser: Any,  # noqa: F811
    pages: dict[str, Any],
) -> None:
    g, path = pages["actors"]
    with viewing(browser, path) as opened:
        page = opened.page
        width, height, ratio = _drawing_size(page, "kg-network")
        name, png = _download(page, "#kg-export-png")
        assert name == "actor-network.png"
        assert _png_size(png) == (round(width * ratio), round(height * ratio))
        assert len(png) > 20_000  # the drawing, not an empty canvas
        name, svg = _download(page, "#kg-export-svg")
        assert name == "actor-network.svg"
        root = ET.fromstring(svg)
        assert (root.get("width"), root.get("height")) == (str(width), str(height))
        nodes = root.findall(f".//{SVG}g[@class='node']")
        assert len(nodes) == g.number_of_nodes()
        assert len(root.findall(f".//{SVG}g[@class='edge']")) == g.number_of_edges()
        titles = sorted(n.findtext(f"{SVG}title") for n in nodes)
        assert titles == sorted(d["label"] for _, d in g.nodes(data=True))
        # every node lies inside the picture, where the page draws it
        for n in nodes:
            shape = n.find(f"{SVG}circle")
            if shape is not None:
                assert (
                    0 <= float(shape.get("cx")) <= width and 0 <= float(shape.get("cy")) <= height
                )
        name, data = _download(page, "#kg-export-csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert rows[0] == ["kind", "who", "whom", "type", "CAMEO", "quote", "source", "fact"]
        assert len(rows) - 1 == g.number_of_edges()


def test_the_timeline_exports_its_drawing_and_its_facts(
    browser: Any,  # noqa: F811
    pages: dict[str, Any],
) -> None:
    _, path = pages["timeline"]
    with viewing(browser, path) as opened:
        page = opened.page
        width, height, ratio = _drawing_size(page, "kg-timeline")
        name, svg = _download(page, "#kg-export-svg")
        root = ET.fromstring(svg)
        assert (root.get("width"), root.get("height")) == (str(width), str(height))
        texts = {t.text for t in root.iter(f"{SVG}text")}
        # the group names, the axis and the (hostile) item labels, as text
        assert {"China", "Philippines", "<img src=x onerror=alert(1)>", "2015"} <= texts
        assert "<script>alert(2)</script> appeal on a day" in texts
        coloured = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "rgb(132, 60, 57)"]
        assert len(coloured) == 1  # the seizure, in its class's colour
        name, png = _download(page, "#kg-export-png")
        assert name == "timeline-of-events-and-statements.png"
        assert _png_size(png) == (round(width * ratio), round(height * ratio))
        assert len(png) > 10_000
        name, data = _download(page, "#kg-export-csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert len(rows) - 1 == 9  # six dated, three undated
        by_iri = {r[-1]: r for r in rows[1:]}
        assert by_iri[TL + "seizure"][:3] == ["2012-01-01", "2013-01-01", "year"]
        assert by_iri[TL + "timeless"][:3] == ["", "", ""]
        # a cell a spreadsheet would run as a formula is prefixed; a negative number is kept
        made = page.evaluate("kgShare.csv(['x'], [['=1+1'], ['-2.5'], ['-x'], ['@a'], ['a\"b']])")
        assert made == '"x"\r\n"\'=1+1"\r\n"-2.5"\r\n"\'-x"\r\n"\'@a"\r\n"a""b"\r\n'


@pytest.mark.parametrize("name", ["all", "timeline"])
def test_the_details_panel_is_in_sight_without_scrolling(
    browser: Any,  # noqa: F811
    pages: dict[str, Any],
    name: str,
) -> None:
    _, path = pages[name]
    with viewing(browser, path) as opened:
        page = opened.page
        if name == "all":
            page.fill("#kg-search", "Philippines")
            page.press("#kg-search", "Enter")
            label = "Philippines"
        else:
            page.locator("#kg-timeline .vis-item", has_text="seizure in a year").click()
            label = "seizure in a year"
        details = page.locator("#kg-details")
        assert label in details.inner_text()
        top = page.evaluate("document.getElementById('kg-details').getBoundingClientRect().top")
        assert 0 < top < 120  # at the top of the panel, in the 900-pixel-high window
        scrolled = page.evaluate(
            "[window.scrollY, document.getElementById('kg-panel').scrollTop,"
            " document.getElementById('kg-details-box').scrollTop]"
        )
        assert scrolled == [0, 0, 0]


def test_the_hash_holds_only_what_the_page_reads(
    browser: Any,  # noqa: F811
    pages: dict[str, Any],
) -> None:
    """A URL with a hostile or unknown state opens the view as it is, with no error."""
    _, path = pages["actors"]
    with viewing(
        browser, path, "#sel=n%3A%3Cimg%20src%3Dx%3E&hc=%E0%A4%A&z=-1&x=NaN&junk"
    ) as opened:
        page = opened.page
        assert page.evaluate("kgGraph.network.getSelectedNodes()") == []
        assert page.evaluate("kgGraph.hiddenClasses") == []
        assert page.evaluate("document.getElementsByTagName('img').length") == 0


def test_a_time_range_filters_a_graph_view_and_is_kept_in_its_url(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The graph views carry each event's and statement's span (as the timeline draws it): a
    range hides what lies outside it, undated facts apart; the URL keeps the range."""
    g = project(open_graph(FIXTURE).dataset, "all")
    path = write_view(g, tmp_path / "all.html", "html")
    with viewing(browser, path) as opened:
        page = opened.page
        shown = """() => kgGraph.nodeData.get({filter: n => !n.hidden}).map(n => n.id)
                          .filter(id => id.startsWith('https://w3id.org/scs-kg/fact/tl/')).sort()"""
        facts = [
            "appeal",
            "december",
            "patrol",
            "resolved",
            "ruling",
            "seizure",
            "talks",
            "timeless",
        ]
        assert page.evaluate(shown) == sorted(TL + f for f in [*facts, "week"])
        page.fill("#kg-time-from", "2016-01-01")
        page.fill("#kg-time-to", "2016-07-12")  # the day of the appeal: included
        assert page.evaluate(shown) == [
            TL + f for f in ("appeal", "december", "ruling", "timeless", "week")
        ]
        page.locator("#kg-time-undated").uncheck()
        assert page.evaluate(shown) == [TL + "appeal", TL + "ruling"]
        # an edge of a fact outside the range is hidden with it
        hidden_edges = page.evaluate(
            "kgGraph.edgeData.get({filter: e => e.hidden}).map(e => kgGraph.data.edges"
            ".find(d => d.id === e.id).fact).filter(f => f.startsWith('https://w3id.org/scs-kg/fact/tl/'))"
        )
        assert TL + "seizure" in hidden_edges and TL + "ruling" not in hidden_edges
        fragment = _fragment(page)
        assert "t0=2016-01-01" in fragment and "t1=2016-07-12" in fragment and "nd=1" in fragment
    with viewing(browser, path, fragment) as again:
        assert again.page.evaluate(shown) == [TL + "appeal", TL + "ruling"]
        assert again.page.input_value("#kg-time-from") == "2016-01-01"
        assert not again.page.locator("#kg-time-undated").is_checked()
