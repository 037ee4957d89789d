"""The views at corpus scale: the `all` view of a multi-source synthetic corpus of about 5,000
nodes, built through the real `kg build` path, timed in Python (projection and page) and in
Debian's Chromium (how long the page takes to open and to settle); then the timeline (every
event and statement, the dated ones drawn) and the map of the 1M-triple corpus (the one of the
1M row of `make bench`: same generator, same seed), opened the same way.

"Opens" is the time from the start of navigation to the network's first drawing, "settles" the
time until it has drawn the settled layout (physics stopped, or off because the positions came
computed): both read from `performance.now()` in the page (`kgGraph.drawnMs`, `kgGraph.settledMs`).
Without Chromium or Playwright the browser figures are "not measured", with the reason.

    python -m bench.views [--triples 280k] [--scale-triples 1M] [--runs 3] [--screenshot FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg.namespaces import CAMEO, ENT, FACT, KG, NIF, SRC

_ACTOR_CLASSES = [KG.State, KG.Person, KG.Group, KG.MilitaryOrganization]
_EVENT_CLASSES = [KG.Meeting, KG.Conversation, KG.MilitaryExercise, KG.Agreement]
_TYPES = [KG.Criticism, KG.Appeal, KG.Reassurance, KG.Accusation]


def synthetic(nodes: int = 5000) -> Graph:
    """Return a one-source graph whose `all` view has about `nodes` nodes, made directly as RDF
    (quick: the browser tests use it; the benchmark uses the built multi-source corpus)."""
    g = Graph()
    source = SRC["synthetic"]
    n_actors, n_places = nodes * 2 // 5, nodes // 10
    n_claims, n_events = nodes // 10, nodes // 5
    n_statements = nodes - n_actors - n_places - n_claims - n_events
    actors = [ENT[f"actor-{i}"] for i in range(n_actors)]
    places = [ENT[f"place-{i}"] for i in range(n_places)]
    for i, a in enumerate(actors):
        g.add((a, RDF.type, _ACTOR_CLASSES[i % len(_ACTOR_CLASSES)]))
        g.add((a, RDFS.label, Literal(f"Actor {i}", lang="en")))
    for i, p in enumerate(places):
        g.add((p, RDF.type, KG.MaritimeFeature))
        g.add((p, RDFS.label, Literal(f"Place {i}", lang="en")))
    for i, t in enumerate(_TYPES):
        g.add((t, RDFS.label, Literal(str(t).rsplit("#", 1)[-1].lower(), lang="en")))
        g.add((t, URIRef("http://www.w3.org/2004/02/skos/core#broadMatch"), CAMEO[f"{i + 1:02d}"]))
        g.add((CAMEO[f"{i + 1:02d}"], KG.quadClass, Literal(1 + i % 4)))

    def fact(name: str, cls: URIRef, i: int) -> URIRef:
        node = FACT[f"synthetic/{name}-{i}"]
        span = URIRef(f"{source}#char={i},{i + 10}")
        g.add((node, RDF.type, cls))
        g.add((node, KG.evidence, span))
        g.add((span, NIF.anchorOf, Literal(f"quote of {name} {i}")))
        g.add((node, PROV.hadPrimarySource, source))
        return node

    for i in range(n_claims):
        c = fact("claim", KG.TerritorialClaim, i)
        g.add((c, KG.claimant, actors[(i * 7) % n_actors]))
        g.add((c, KG.claimedPlace, places[i % n_places]))
        contest = fact("contest", KG.ClaimContest, i)
        g.add((contest, KG.contester, actors[(i * 13 + 1) % n_actors]))
        g.add((contest, KG.contestedClaim, c))
    for i in range(n_events):
        e = fact("event", _EVENT_CLASSES[i % len(_EVENT_CLASSES)], i)
        g.add((e, RDFS.label, Literal(f"Event {i}", lang="en")))
        for j in range(3):
            part = FACT[f"synthetic/event-{i}-{j}"]
            g.add((e, KG.participation, part))
            g.add((part, KG.participant, actors[(i * 3 + j * 11) % n_actors]))
    for i in range(n_statements):
        s = fact("statement", KG.Statement, i)
        g.add((s, RDFS.label, Literal(f"Statement {i}", lang="en")))
        g.add((s, KG.speaker, actors[(i * 5) % n_actors]))
        g.add((s, KG.target, actors[(i * 5 + 3) % n_actors]))
        g.add((s, KG.statementType, _TYPES[i % len(_TYPES)]))
    return g


CHROMIUM = Path("/usr/bin/chromium")
# Built triples of the generated corpus whose `all` view has about 5,000 nodes (measured: 270k
# gave 4,832 nodes and 18,485 edges).
VIEW_TRIPLES = "280k"
# The corpus whose timeline and map are timed: the "1M synthetic corpus" (issue 24).
SCALE_TRIPLES = "1M"
OPEN_S, SETTLE_S = 2.0, 10.0  # the targets (issue 13)


def corpus(work: Path, triples: str) -> Any:
    """Generate the synthetic corpus of about `triples` built triples and build it (`kg build`'s
    path); return the build."""
    from bench.generate import generate, parse_size
    from kg.build import build

    generate(work / f"corpus-{triples}", parse_size(triples))
    return build(work / f"corpus-{triples}", cache=work / f"cache-{triples}")


def corpus_view(work: Path, triples: str = VIEW_TRIPLES) -> tuple[Any, float, Any]:
    """Generate and build the corpus; return its `all` view, the seconds to project it, and
    the built dataset."""
    from kg.viz.projection import project

    dataset = corpus(work, triples).dataset
    start = time.perf_counter()
    view = project(dataset, "all")
    return view, time.perf_counter() - start, dataset


# What each page reports as drawn: the graph views' `kgGraph`, the timeline's `kgTimeline`
# (its `drawnMs`, from the start of navigation to vis-timeline's first drawing of the items).
_PROBES = {
    "graph": (
        "window.kgGraph && kgGraph.settledMs !== undefined",
        """() => ({open_ms: kgGraph.drawnMs, settle_ms: kgGraph.settledMs,
                   drawn: kgGraph.network.body.nodeIndices.length,
                   physics: kgGraph.network.physics.physicsEnabled})""",
    ),
    "timeline": (
        "window.kgTimeline && kgTimeline.drawnMs !== undefined",
        """() => ({open_ms: kgTimeline.drawnMs,
                   drawn: document.querySelectorAll('#kg-timeline .vis-item').length,
                   items: Object.keys(kgTimeline.timeline.itemSet.items).length})""",
    ),
    # the map: from the start of navigation to its features drawn (performance.now() once the
    # page's script has drawn them, after a frame: its `kgMap` is set at the end of the script)
    "map": (
        "window.kgMap && kgMap.drawnMs !== undefined",
        """() => ({open_ms: kgMap.drawnMs,
                   drawn: document.querySelectorAll('#kg-map g.feature').length,
                   placed: kgMap.placed})""",
    ),
}


def browser_missing() -> str | None:
    """Return why the page cannot be measured in Chromium here, or None if it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (scripts/install-browser.sh installs it)"
    return None


def _wait_for(page: Any, ready: str, timeout: float) -> None:
    """Wait until the page's `ready` expression is true, asked from Python every 20 ms: the
    pages' CSP forbids the string evaluation Playwright's wait_for_function polls with (the
    figures are read from `performance.now()` in the page, so the polling does not count)."""
    until = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({ready})"):
        if time.monotonic() > until:
            raise TimeoutError(f"the page did not get ready within {timeout:g} s: {ready}")
        time.sleep(0.02)


def browser_times(
    page_file: Path, runs: int, shot: Path | None = None, kind: str = "graph"
) -> list[dict[str, float]]:
    """Open the page `runs` times in headless Chromium (network blocked); return each run's
    opening (and for a graph view settling) times in ms, and what it drew."""
    ready, probe = _PROBES[kind]
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for i in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                )
                page = context.new_page()
                page.goto(page_file.resolve().as_uri())
                _wait_for(page, ready, 600.0)
                times.append(page.evaluate(probe))
                if shot is not None and i == 0:
                    page.screenshot(path=str(shot))
                context.close()
        finally:
            browser.close()
    return times


def bench_views(
    runs: int = 3,
    triples: str = VIEW_TRIPLES,
    shot: Path | None = None,
    scale_triples: str = SCALE_TRIPLES,
) -> dict:
    """Measure the corpus view (`triples`): its size, Python time, and opening/settling in
    Chromium; then the timeline and the map of the `scale_triples` corpus."""
    from kg.viz import write_view

    res: dict[str, Any] = {"view_triples": triples}
    with tempfile.TemporaryDirectory(prefix="kg-bench-view-") as tmp:
        work = Path(tmp)
        view, project_s, dataset = corpus_view(work, triples)
        start = time.perf_counter()
        page = write_view(view, work / "all.html", "html")
        res["view_nodes"] = view.number_of_nodes()
        res["view_edges"] = view.number_of_edges()
        res["view_project_s"] = project_s
        res["view_page_s"] = time.perf_counter() - start
        res["view_page_bytes"] = page.stat().st_size
        missing = browser_missing()
        if missing is not None:
            res["view_open_ms"] = res["view_settle_ms"] = None
            res["view_note"] = f"not measured: {missing}"
            return res
        res["view_load_before"] = os.getloadavg()[0]  # the machine is shared: how busy it was
        runs_ = browser_times(page, runs, shot)
        res["view_load_after"] = os.getloadavg()[0]
        res["view_runs"] = runs_
        res["view_open_ms"] = statistics.median(r["open_ms"] for r in runs_)
        res["view_settle_ms"] = statistics.median(r["settle_ms"] for r in runs_)
        if scale_triples != triples:
            del view, dataset  # free the smaller corpus before the larger one is built
            start = time.perf_counter()
            built = corpus(work, scale_triples)
            res["scale_build_s"] = time.perf_counter() - start
            res["scale_quads"], dataset = built.quad_count(), built.dataset
            del built
        res["scale_triples"] = scale_triples
        res.update(bench_timeline(dataset, work, runs, shot))
        res.update(bench_map(dataset, work, runs, shot))
    return res


def bench_timeline(dataset: Any, work: Path, runs: int, shot: Path | None = None) -> dict:
    """Measure the corpus's timeline: its items, Python time, and opening in Chromium."""
    from kg.viz import write_view
    from kg.viz.projection import project
    from kg.viz.timeline import page_data

    start = time.perf_counter()
    view = project(dataset, "timeline")
    res: dict[str, Any] = {"timeline_project_s": time.perf_counter() - start}
    start = time.perf_counter()
    page = write_view(view, work / "timeline.html", "html")
    res["timeline_page_s"] = time.perf_counter() - start
    res["timeline_page_bytes"] = page.stat().st_size
    data = page_data(view, "")
    res["timeline_dated"], res["timeline_undated"] = len(data["items"]), len(data["undated"])
    res["timeline_groups"] = len({i["actors"][0] if i["actors"] else "" for i in data["items"]})
    res["timeline_load_before"] = os.getloadavg()[0]
    tl_shot = shot.with_name(shot.stem + "-timeline" + shot.suffix) if shot else None
    runs_ = browser_times(page, runs, tl_shot, kind="timeline")
    res["timeline_load_after"] = os.getloadavg()[0]
    res["timeline_runs"] = runs_
    res["timeline_open_ms"] = statistics.median(r["open_ms"] for r in runs_)
    return res


def place_features(dataset: Any) -> int:
    """Give every maritime feature of the synthetic corpus a made-up WGS84 point inside the
    basemap's region (GeoSPARQL geo:hasGeometry / geo:asWKT; the same point for the same IRI):
    the generated corpus has no geometry, and a map with nothing placed measures nothing."""
    import hashlib

    from rdflib.namespace import GEO

    features = sorted(set(dataset.subjects(RDF.type, KG.MaritimeFeature)), key=str)
    for f in features:
        digest = hashlib.sha256(str(f).encode()).digest()
        lon = 105 + int.from_bytes(digest[:4], "big") / 2**32 * 17
        lat = 3 + int.from_bytes(digest[4:8], "big") / 2**32 * 19
        geometry = URIRef(str(f) + "-bench-geometry")
        dataset.add((f, GEO.hasGeometry, geometry))
        wkt = Literal(f"POINT({lon:.4f} {lat:.4f})", datatype=GEO.wktLiteral)
        dataset.add((geometry, GEO.asWKT, wkt))
    return len(features)


def bench_map(dataset: Any, work: Path, runs: int, shot: Path | None = None) -> dict:
    """Measure the corpus's map (its features given made-up points): Python time, and opening
    in Chromium."""
    from kg.viz import write_view
    from kg.viz.map import page_data
    from kg.viz.projection import project

    res: dict[str, Any] = {"map_features_placed": place_features(dataset)}
    start = time.perf_counter()
    view = project(dataset, "map")
    res["map_project_s"] = time.perf_counter() - start
    start = time.perf_counter()
    page = write_view(view, work / "map.html", "html")
    res["map_page_s"] = time.perf_counter() - start
    res["map_page_bytes"] = page.stat().st_size
    data = page_data(view, "")
    res["map_placed"], res["map_unplaced"] = len(data["places"]), len(data["unplaced"])
    res["map_claims"], res["map_events"] = len(data["claims"]), len(data["events"])
    res["map_load_before"] = os.getloadavg()[0]
    map_shot = shot.with_name(shot.stem + "-map" + shot.suffix) if shot else None
    runs_ = browser_times(page, runs, map_shot, kind="map")
    res["map_load_after"] = os.getloadavg()[0]
    res["map_runs"] = runs_
    res["map_open_ms"] = statistics.median(r["open_ms"] for r in runs_)
    return res


def main() -> None:
    """Command line: measure the corpus view and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default=VIEW_TRIPLES, help="the corpus of the `all` view")
    parser.add_argument(
        "--scale-triples", default=SCALE_TRIPLES, help="the corpus of the timeline and the map"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    print(bench_views(args.runs, args.triples, args.screenshot, args.scale_triples))


if __name__ == "__main__":
    main()
