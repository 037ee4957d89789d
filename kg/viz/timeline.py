"""The timeline view: events and statements on a time axis (vis-timeline, vendored and inlined).

A fact's time is its OWL-Time read as a span of days (`kg.viz.spans.span_of`, which the
projection reads too): the most precise its time gives, across the whole of its unit. A fact
whose time gives no calendar date is listed apart as undated.

The page is built like the graph views (kg.viz.html): one self-contained HTML document, the
library and the page's own script inlined, a Content-Security-Policy forbidding every request,
the data as escaped JSON, every label written as text, and the same graph giving the same bytes.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import TIME

from kg.errors import KgError
from kg.namespaces import KG
from kg.viz.projection import Edge, Projector

if TYPE_CHECKING:
    import networkx as nx

VENDOR = "vendor/vis-timeline-8.5.4"
# The actors a fact is grouped under: a statement's speaker (and on whose behalf), an event's
# participants; its other ends (targets, addressees) are shown in its details.
_STATEMENT_ACTORS = (KG.speaker, KG.onBehalfOf)
_STATEMENT_OTHERS = (KG.target, KG.addressee)


def project_timeline(p: Projector, g: nx.MultiDiGraph) -> None:
    """Events and statements with their time (a span where dated) and the actors they involve."""
    facts = p.nodes_of(["Event", "Statement"])
    p.add_nodes(g, facts)
    actors: dict[URIRef, URIRef] = {}
    edges: list[Edge] = []
    for fact in sorted(facts, key=str):
        d = g.nodes[str(fact)]
        is_statement = d["group"] == "Statement"
        if is_statement:
            d["statement_type"], d["cameo"], d["quad_class"] = p.statement_types(fact)
            own = [(prop, o) for prop in _STATEMENT_ACTORS for o in p.objs(fact, prop)]
            others = [(prop, o) for prop in _STATEMENT_OTHERS for o in p.objs(fact, prop)]
        else:
            own = [
                (KG.participant, a)
                for part in p.objs(fact, KG.participation)
                for a in p.objs(part, KG.participant)
            ]
            others = []
        involved = []
        for prop, actor in [*own, *others]:
            cls = p.node_class(actor) if isinstance(actor, URIRef) else None
            if cls is None or not isinstance(actor, URIRef):
                continue
            actors[actor] = cls
            edges.append(Edge(str(fact), str(actor), str(prop), p.relation(prop), str(fact)))
            if (prop, actor) in own:
                involved.append(actor)
        d["actors"] = " ".join(sorted({str(a) for a in involved}))
        for time in sorted(p.objs(fact, TIME.hasTime), key=str)[:1]:  # its span: add_nodes
            words = sorted(str(w) for w in p.objs(time, KG.relativeTime))
            d["time_label"] = words[0] if words else p.label(time)
    p.add_nodes(g, {a: c for a, c in actors.items() if str(a) not in g})
    p.add_edges(g, edges)


@cache
def _assets() -> tuple[str, str]:
    """Return the vendored vis-timeline script and stylesheet, without the source map link."""
    from kg.viz.html import inlined

    base = resources.files("kg.viz").joinpath(VENDOR)
    try:
        script = base.joinpath("vis-timeline-graph2d.min.js").read_text(encoding="utf-8")
        style = base.joinpath("vis-timeline-graph2d.min.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"the vendored vis-timeline (kg/viz/{VENDOR}) is missing: {exc}") from exc
    what = "the vendored vis-timeline"
    return inlined(script, what), inlined(style, what)


def page_data(g: nx.MultiDiGraph, title: str) -> dict[str, Any]:
    """Return the dated items, the undated facts, the actors and sources, in a stable order."""
    from kg.viz.html import COLOURS, QUAD, clipped_label, humanise

    labels = {n: str(d.get("label", n)) for n, d in g.nodes(data=True)}
    dated, undated = [], []
    legend: dict[str, dict[str, Any]] = {}
    titles: dict[str, str] = {}
    for n in sorted(g.nodes):
        d = g.nodes[n]
        if d.get("group") not in ("Event", "Statement"):
            continue
        cls = str(d.get("class", ""))
        quad = int(d.get("quad_class", 0) or 0)
        if d["group"] == "Statement":
            key, colour = f"q{quad}", QUAD.get(quad, QUAD[0])[0]
            name = QUAD[quad][1] if quad in QUAD and quad else "statement with no CAMEO type"
        else:
            key, colour, name = cls, COLOURS.get(cls, "#cccccc"), humanise(cls)
        entry = legend.setdefault(key, {"key": key, "label": name, "color": colour, "count": 0})
        entry["count"] += 1
        actors = sorted(str(d.get("actors", "")).split(), key=lambda a: (labels.get(a, a), a))
        sources = str(d.get("source", "")).split()
        for iri, name in zip(sources, str(d.get("source_title", "")).split("; "), strict=False):
            titles.setdefault(iri, name)
        others = sorted(
            {labels.get(v, v) for _, v, e in g.out_edges(n, data=True) if v not in actors}
        )
        item: dict[str, Any] = {
            "id": n,
            "label": clipped_label(labels[n]),
            "full": labels[n],
            "cls": cls,
            "clsLabel": humanise(cls),
            "kind": d["group"],
            "key": key,
            "color": colour,
            "statementType": str(d.get("statement_type", "")),
            "cameo": str(d.get("cameo", "")),
            "actors": actors,
            "others": others,
            "source": sources,
            "quote": str(d.get("quote", "")),
            "status": str(d.get("status", "")),
            "when": str(d.get("time_label", "")),
        }
        if d.get("time_start"):
            item.update(start=d["time_start"], end=d["time_end"], precision=d["time_precision"])
            dated.append(item)
        else:
            undated.append(item)
    dated.sort(key=lambda i: (i["start"], i["end"], i["id"]))
    used = {a for i in [*dated, *undated] for a in i["actors"]}
    return {
        "title": title,
        "items": dated,
        "undated": undated,
        "actors": [{"iri": a, "label": labels.get(a, a)} for a in sorted(used)],
        "sources": [{"iri": s, "title": titles.get(s) or s} for s in sorted(titles)],
        "legend": sorted(legend.values(), key=lambda e: (not e["key"].startswith("q"), e["key"])),
    }


def render(g: nx.MultiDiGraph, title: str) -> str:
    """Return the timeline page: one self-contained HTML document."""
    from kg.viz.html import fill, json_for_script, shared

    script, style = _assets()
    names = ("timeline.html", "timeline.css", "timeline.js", "share.js")
    template, css, js, share = (shared(n) for n in names)
    data = page_data(g, title)
    values = {
        "TITLE": html.escape(title, quote=True),
        "COUNTS": f"{len(data['items'])} dated, {len(data['undated'])} undated",
        "CONTROLS": shared("group-by.html"),
        "VIS_CSS": style,
        "VIS_JS": script,
        "DATA": json_for_script(data),
        "APP_CSS": shared("common.css") + css,
        "APP_JS": share + js,  # one script: what every view shares, then this page's own
    }
    return fill(template, values)


def write_timeline(g: nx.MultiDiGraph, path: Path, title: str) -> Path:
    """Write the timeline page to `path` (UTF-8, LF line ends) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(g, title), encoding="utf-8", newline="\n")
    return path
