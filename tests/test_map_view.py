"""The map view: a place gets a point only from a GeoSPARQL WGS84 POINT the graph carries; every
other place is listed apart with why; in Chromium, offline, every feature with a point is drawn
inside the region, the places with none are counted, the view reopens from its URL as it was,
and its exports are images of the drawing."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Dataset, Literal

from kg.graph import open as open_graph
from kg.viz import write_view
from kg.viz.map import BASEMAP, GEO, page_data, point, render
from kg.viz.projection import project
from tests.test_viz_browser import assert_clean, browser, open_view  # noqa: F401

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "viz" / "map.trig"
ENT = "https://w3id.org/scs-kg/id/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def view() -> nx.MultiDiGraph:
    return project(open_graph(FIXTURE).dataset, "map")


@pytest.mark.parametrize(
    ("wkt", "expected"),
    [
        ("POINT(114.5 10.2)", (114.5, 10.2)),
        ("  point ( -0.5   51.25 ) ", (-0.5, 51.25)),
        ("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(1 2)", (1.0, 2.0)),
        ("<http://www.opengis.net/def/crs/EPSG/0/4326> POINT(2 1)", None),  # lat-lon order: no
        ("POINT(200 10)", None),
        ("POINT(10)", None),
        ("POLYGON((110 5, 111 5, 111 6, 110 5))", None),
        ("POINT(1 2) POINT(3 4)", None),
        ("POINT(" + "1" * 5000 + " 2)", None),
    ],
)
def test_only_a_wgs84_point_is_a_point(wkt: str, expected: tuple[float, float] | None) -> None:
    assert point(Literal(wkt, datatype=GEO.wktLiteral)) == expected


def test_places_are_placed_only_from_the_graph_and_the_rest_listed_with_why(
    view: nx.MultiDiGraph,
) -> None:
    data = page_data(view, "t")
    placed = {p["id"].removeprefix(ENT): (p["lon"], p["lat"]) for p in data["places"]}
    assert placed == {"alpha-reef": (114.5, 10.2), "beta-shoal": (117.7, 15.1)}
    why = {p["id"].removeprefix(ENT): p["why"] for p in data["unplaced"]}
    assert why == {
        "harbour": "its geometry is not a WGS84 point: POLYGON((110 5, 111 5, 111 6, 110 5))",
        "test-sea": "no geometry in the graph",
    }
    alpha = next(p for p in data["places"] if p["id"] == ENT + "alpha-reef")
    assert alpha["claimants"] == [ENT + "statia"] and alpha["contesters"] == [ENT + "borduria"]
    assert alpha["events"] == ["https://w3id.org/scs-kg/fact/map/patrol"]
    assert [c["label"] for c in data["claimants"]] == ["Borduria", "Statia"]


def test_the_packaged_article_places_nothing_and_lists_every_place(dataset: Dataset) -> None:
    g = project(dataset, "map")
    data = page_data(g, "t")
    assert data["places"] == [] and data["points"] == []  # no geo:asWKT in the graph today
    places = {n for n, d in g.nodes(data=True) if d["group"] == "Place"}
    assert {p["id"] for p in data["unplaced"]} == places and len(places) >= 3
    assert {p["why"] for p in data["unplaced"]} == {"no geometry in the graph"}
    assert ENT + "scarborough-shoal" in places


def test_the_page_is_self_contained_and_byte_identical(view: nx.MultiDiGraph) -> None:
    page = render(view, "scs-kg: m")
    assert render(project(open_graph(FIXTURE).dataset, "map"), "scs-kg: m") == page
    assert "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "<img src=x" not in page
    basemap = json.loads(re.search(r'id="kg-basemap">(.*?)</script>', page, re.S)[1])
    assert len(basemap["countries"]) > 10 and basemap["box"] == [92.0, -4.0, 134.0, 26.0]


def test_the_basemap_ships_with_its_provenance() -> None:
    from importlib import resources

    base = resources.files("kg.viz").joinpath(BASEMAP).parent
    assert "public domain" in base.joinpath("SOURCE.md").read_text(encoding="utf-8")
    assert "Michael Bostock" in base.joinpath("LICENSE.world-atlas.txt").read_text(encoding="utf-8")


# --- in Chromium ---


@pytest.fixture(scope="module")
def map_page(view: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_view(view, tmp_path_factory.mktemp("map") / "map.html", "html")


def _features(page: Any) -> dict[str, list[float]]:
    return page.evaluate(
        """() => { const r = document.getElementById('kg-map').getBoundingClientRect(), out = {};
                   document.querySelectorAll('#kg-map g.feature').forEach(g => {
                     const b = g.querySelector('circle.halo').getBoundingClientRect();
                     out[g.getAttribute('data-id')] = [b.left + b.width / 2 - r.left,
                                                       b.top + b.height / 2 - r.top]; });
                   return out; }"""
    )


@pytest.mark.slow
def test_the_map_draws_every_feature_with_a_point_inside_the_region_offline(
    browser: Any,  # noqa: F811
    map_page: Path,
) -> None:
    opened = open_view(browser, map_page)
    page = opened.page
    at = _features(page)
    assert sorted(at) == [ENT + "alpha-reef", ENT + "beta-shoal"]
    width, height = page.evaluate(
        "(() => { const r = document.getElementById('kg-map').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    for x, y in at.values():
        assert 0 < x < width and 0 < y < height
    # west of Beta Shoal (117.7 E) and south of it (10.2 N < 15.1 N): where the points say
    assert at[ENT + "alpha-reef"][0] < at[ENT + "beta-shoal"][0]
    assert at[ENT + "alpha-reef"][1] > at[ENT + "beta-shoal"][1]
    assert page.inner_text("#kg-unplaced-count") == "(2)"
    assert page.locator("#kg-unplaced li").count() == 2
    assert page.locator("#kg-map line.claim").count() == 2  # Statia (it has a point) to both
    assert page.locator("#kg-map path[fill='#efe9dc']").count() > 10  # the basemap's land
    texts = page.eval_on_selector_all("#kg-map text", "ts => ts.map(t => t.textContent)")
    assert "<img src=x onerror=alert(1)> Shoal" in texts
    assert page.evaluate("document.getElementsByTagName('img').length") == 0
    page.locator(f'#kg-map g.feature[data-id="{ENT}alpha-reef"]').click()
    details = page.inner_text("#kg-details")
    assert "Alpha Reef" in details and "Statia" in details and "patrol near Alpha Reef" in details
    assert_clean(opened)
    page.context.close()


@pytest.mark.slow
def test_the_map_reopens_from_its_url_and_exports_its_drawing(
    browser: Any,  # noqa: F811
    map_page: Path,
) -> None:
    opened = open_view(browser, map_page)
    page = opened.page
    page.locator(f'#kg-legend input[data-claimant="{ENT}borduria"]').uncheck()
    page.locator("#kg-unplaced li", has_text="Test Sea").click()
    box = page.locator("#kg-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(200)
    url = str(page.url)
    state = "() => [kgMap.view, kgMap.selected, kgMap.svg.getAttribute('viewBox')]"
    before = page.evaluate(state)
    assert before[1] == ENT + "test-sea"
    assert_clean(opened)
    page.context.close()
    again = open_view(browser, map_page, url[url.index("#") :])
    page = again.page
    after = page.evaluate(state)
    assert after[1] == before[1] and after[2] == before[2]
    assert after[0] == pytest.approx(before[0], rel=1e-4)
    assert not page.locator(f'#kg-legend input[data-claimant="{ENT}borduria"]').is_checked()
    assert "no geometry in the graph" in page.inner_text("#kg-details")
    width, height = page.evaluate(
        "(() => { const r = document.getElementById('kg-map').getBoundingClientRect();"
        " return [Math.round(r.width), Math.round(r.height)]; })()"
    )
    with page.expect_download() as info:
        page.click("#kg-export-svg")
    root = ET.fromstring(Path(info.value.path()).read_bytes())
    assert (root.get("width"), root.get("height")) == (str(width), str(height))
    assert len(root.findall(f".//{SVG}g[@class='feature']")) == 2
    with page.expect_download() as info:
        page.click("#kg-export-png")
    png = Path(info.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (width, height)
    assert len(png) > 20_000
    with page.expect_download() as info:
        page.click("#kg-export-csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 1 + 4 and rows[0][:4] == ["place", "class", "longitude", "latitude"]
    assert_clean(again)
    page.context.close()


def test_the_readme_shows_the_map_screenshots_at_1400_by_900() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shots = re.findall(r"!\[[^\]]*\]\((docs/map[^)]*\.png)\)", readme)
    assert shots == ["docs/map-article.png", "docs/map-fixture.png"]
    for shot in shots:
        head = (root / shot).read_bytes()[:24]
        assert struct.unpack(">II", head[16:24]) == (1400, 900), shot


@pytest.mark.slow
def test_a_place_with_many_events_shows_their_count_and_the_details_list_each(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Up to five events at a place are a square each; more are one badge with their count
    (a corpus with dozens at each place stays legible), and the details still list each."""
    from rdflib import URIRef
    from rdflib.namespace import PROV, RDF, RDFS

    from kg.namespaces import KG

    dataset = open_graph(FIXTURE).dataset
    graph = dataset.graph(URIRef("https://w3id.org/scs-kg/graph/source/m"))
    for i in range(24):
        event = URIRef(f"https://w3id.org/scs-kg/fact/map/drill-{i}")
        graph.add((event, RDF.type, KG.MilitaryExercise))
        graph.add((event, RDFS.label, Literal(f"drill {i} near Beta Shoal", lang="en")))
        graph.add((event, PROV.atLocation, URIRef(ENT + "beta-shoal")))
    g = project(dataset, "map")
    places = {p["id"]: p for p in page_data(g, "")["places"]}
    assert len(places[ENT + "beta-shoal"]["events"]) == 24
    assert len(places[ENT + "alpha-reef"]["events"]) == 1
    opened = open_view(browser, write_view(g, tmp_path / "map.html", "html"))
    page = opened.page
    beta = page.locator(f'#kg-map g.feature[data-id="{ENT}beta-shoal"]')
    alpha = page.locator(f'#kg-map g.feature[data-id="{ENT}alpha-reef"]')
    assert beta.locator("rect.event").count() == 0
    assert beta.locator("g.events").get_attribute("data-count") == "24"
    assert beta.locator("g.events text").text_content() == "24 ev."
    assert alpha.locator("rect.event").count() == 1 and alpha.locator("g.events").count() == 0
    page.evaluate("id => kgMap.select(id)", ENT + "beta-shoal")  # as a click on it does
    details = page.inner_text("#kg-details")
    assert all(f"drill {i} near Beta Shoal" in details for i in range(24))
    assert_clean(opened)
    page.context.close()
