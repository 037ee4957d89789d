"""Write the README's screenshots of the timeline and map views (1400x900, Debian's Chromium,
offline).

    .venv/bin/python scripts/screenshots.py

docs/timeline-article.png is the packaged article's timeline; docs/timeline-corpus.png the
timeline of a synthetic corpus of 28k triples (bench/generate.py: made-up names and years),
which shows the view with many dated facts. docs/map-article.png is the packaged article's map
(no place has a point yet: the list says so); docs/map-fixture.png the map of the test fixture
tests/fixtures/viz/map.trig, whose places, states and points are fictional.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.generate import generate, parse_size
from kg.build import build
from kg.graph import open as open_graph
from kg.viz import write_view
from kg.viz.projection import project

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def shoot(page_file: Path, out: Path, then: str = "") -> None:
    """Open a page offline at 1400x900 and save a screenshot once it is drawn."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page = context.new_page()
        page.goto(page_file.resolve().as_uri())
        page.wait_for_selector("body[data-kg-state=settled]", state="attached", timeout=60_000)
        if then:
            page.evaluate(then)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


def main() -> None:
    """Write both screenshots."""
    with tempfile.TemporaryDirectory(prefix="kg-shots-") as tmp:
        work = Path(tmp)
        article = build(cache=False).dataset
        page = write_view(project(article, "timeline"), work / "article.html", "html")
        shoot(page, DOCS / "timeline-article.png", "kgTimeline.select(kgTimeline.data.items[0].id)")
        generate(work / "corpus", parse_size("28k"))
        corpus = build(work / "corpus", cache=work / "cache-c").dataset
        page = write_view(project(corpus, "timeline"), work / "corpus.html", "html")
        shoot(page, DOCS / "timeline-corpus.png", "kgTimeline.select(kgTimeline.data.items[3].id)")
        page = write_view(project(article, "map"), work / "map-article.html", "html")
        shoot(page, DOCS / "map-article.png")
        fixture = open_graph(ROOT / "tests" / "fixtures" / "viz" / "map.trig").dataset
        page = write_view(project(fixture, "map"), work / "map-fixture.html", "html")
        shoot(page, DOCS / "map-fixture.png", "kgMap.select(kgMap.data.places[0].id)")


if __name__ == "__main__":
    main()
