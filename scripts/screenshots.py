"""Write the README's screenshots of the timeline and map views (1400x900, Debian's Chromium,
offline).

    .venv/bin/python scripts/screenshots.py

docs/timeline-article.png is the packaged article's timeline; docs/timeline-corpus.png the
timeline of a synthetic corpus of 28k triples (bench/generate.py: made-up names and years),
which shows the view with many dated facts. docs/map-article.png is the packaged article's map
(no place has a point yet: the list says so); docs/map-fixture.png the map of the test fixture
tests/fixtures/viz/map.trig, whose places, states and points are fictional.
docs/workbench-graph.png is `kg serve`'s workbench opened from a link with a query whose
answer is drawn as a graph (who speaks to whom in the packaged article).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import urllib.parse
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


WORKBENCH_QUERY = (
    "#defaultView:Graph\n"
    "# who speaks to whom, and how (each statement's speaker, addressee and type)\n"
    "SELECT DISTINCT ?source ?target ?edgeLabel WHERE {\n"
    "  ?st kg:speaker ?source ; kg:addressee ?target ; kg:statementType ?edgeLabel .\n"
    "}\nORDER BY ?source ?target ?edgeLabel\n"
)


def shoot_workbench(work: Path, out: Path) -> None:
    """Serve the packaged article's build and screenshot the workbench opened from a link."""
    from kg.api import KnowledgeGraph
    from kg.serve import make_server

    kg = Path(sys.executable).parent / "kg"
    subprocess.run([str(kg), "build", "--out", str(work / "out")], check=True, capture_output=True)
    httpd = make_server(KnowledgeGraph.open(work / "out"), 0)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort()
            )
            page = context.new_page()
            page.goto(base + "/?" + urllib.parse.urlencode({"query": WORKBENCH_QUERY}))
            page.wait_for_selector("#view[data-drawn=graph]", timeout=60_000)
            # the editor as tall as its query (it is resizable), then the query and its graph
            # the editor as tall as its query (it is resizable), the graph down to the window's
            # bottom: the query and its graph in one picture
            page.evaluate(
                "() => { document.getElementById('editor').style.height = '150px';"
                " document.getElementById('editor-section').scrollIntoView();"
                " const g = document.getElementById('view-graph');"
                " g.style.height = (innerHeight - g.getBoundingClientRect().top - 14) + 'px';"
                " const n = kgWorkbenchDrawn().network; n.redraw(); n.fit({ animation: false }); }"
            )
            page.wait_for_timeout(500)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)
    print(f"wrote {out}")


def main() -> None:
    """Write the screenshots."""
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
        shoot_workbench(work, DOCS / "workbench-graph.png")


if __name__ == "__main__":
    main()
