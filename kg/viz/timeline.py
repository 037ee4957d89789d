"""The timeline view: events and statements on a time axis (vis-timeline, vendored and inlined).

A fact's time is read as the graph gives it in OWL-Time (docs/model.md, rule 3): the values of
its `time:hasTime`'s description (`time:year`, `time:month`, `time:week`, `time:day`), a
calendar value resolved from a relative time (`time:inXSDDate`, `time:inXSDgYearMonth`,
`time:inXSDgYear`, written by `kg.timeline` into graph:derived), or an interval's
`time:hasBeginning` and `time:hasEnd`. The most precise of these is drawn as a span across the
whole of its unit: a year from 1 January to the next, a month across its month, a week across
its ISO week, a day across its day. Nothing else dates a fact: a month with no year, an
unresolved "earlier this week", no time at all, and the fact is listed apart as undated.

The page is built like the graph views (kg.viz.html): one self-contained HTML document, the
library and the page's own script inlined, a Content-Security-Policy forbidding every request,
the data as escaped JSON, every label written as text, and the same graph giving the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import TIME
from rdflib.term import Node

from kg.errors import KgError
from kg.namespaces import KG
from kg.viz.projection import Edge, Projector

if TYPE_CHECKING:
    import networkx as nx

VENDOR = "vendor/vis-timeline-8.5.4"
# Precision of a span, narrowest first: the narrowest a fact's time gives is the one drawn.
PRECISIONS = ("day", "week", "month", "year", "range")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
_STAMPS = (TIME.inXSDDateTimeStamp, TIME.inXSDDateTime)  # an instant: drawn as its day
# The actors a fact is grouped under: a statement's speaker (and on whose behalf), an event's
# participants; its other ends (targets, addressees) are shown in its details.
_STATEMENT_ACTORS = (KG.speaker, KG.onBehalfOf)
_STATEMENT_OTHERS = (KG.target, KG.addressee)


@dataclass(frozen=True)
class Span:
    """A fact's time as a half-open interval of days, with the precision it was given at."""

    start: dt.date
    end: dt.date  # exclusive: a year is [1 January, 1 January of the next year)
    precision: str


def _year(value: Node | None) -> int | None:
    found = re.match(r"\s*(\d{4})(?!\d)", str(value)) if isinstance(value, Literal) else None
    return int(found.group(1)) if found else None


def _number(value: Node | None, pattern: str) -> int | None:
    found = re.fullmatch(pattern, str(value).strip()) if isinstance(value, Literal) else None
    return int(found.group(1)) if found else None


def _span(start: dt.date, unit: str) -> Span | None:
    """The span of the unit (day, week, month, year) that starts at `start`, None past 9999."""
    try:
        if unit == "day":
            end = start + dt.timedelta(days=1)
        elif unit == "week":
            end = start + dt.timedelta(days=7)
        elif unit == "month":
            end = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        else:
            end = dt.date(start.year + 1, 1, 1)
    except (ValueError, OverflowError):
        return None
    return Span(start, end, unit)


def _calendar(value: Node | None, prop: URIRef) -> Span | None:
    """The span of an `xsd:date`, `xsd:gYearMonth` or `xsd:gYear` value, if it is one."""
    if not isinstance(value, Literal):
        return None
    text = str(value).strip()
    try:
        if prop in (TIME.inXSDDate, *_STAMPS):
            found = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
            return _span(dt.date(*map(int, found.groups())), "day") if found else None
        if prop == TIME.inXSDgYearMonth:
            found = re.match(r"(\d{4})-(\d{2})(?!\d)", text)
            return _span(dt.date(int(found[1]), int(found[2]), 1), "month") if found else None
        year = _year(value)
        return _span(dt.date(year, 1, 1), "year") if year else None
    except ValueError:
        return None


def _one(p: Projector, node: Node, prop: URIRef) -> Node | None:
    """One value of a property (the least, so that the same graph gives the same answer)."""
    return min(p.objs(node, prop), key=str, default=None)


def _described(p: Projector, description: Node) -> Span | None:
    """The span a `time:DateTimeDescription` gives, only with a year (a month alone is no date)."""
    year = _year(_one(p, description, TIME.year))
    if not year:
        return None
    month = _number(_one(p, description, TIME.month), r"-{0,2}(\d{1,2})")
    day = _number(_one(p, description, TIME.day), r"-{0,3}(\d{1,2})")
    week = _number(_one(p, description, TIME.week), r"(\d{1,2})")
    try:
        if month and day:
            return _span(dt.date(year, month, day), "day")
        if week:
            return _span(dt.date.fromisocalendar(year, week, 1), "week")
        if month:
            return _span(dt.date(year, month, 1), "month")
        return _span(dt.date(year, 1, 1), "year")
    except ValueError:
        return None


def _instant(p: Projector, node: Node) -> Span | None:
    for prop in (TIME.inXSDDate, *_STAMPS, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        for value in sorted(p.objs(node, prop), key=str):
            if (found := _calendar(value, prop)) is not None:
                return found
    for description in sorted(p.objs(node, TIME.inDateTime), key=str):
        if (found := _described(p, description)) is not None:
            return found
    return None


def span_of(p: Projector, time: Node) -> Span | None:
    """Return the most precise span a time node gives, or None if it gives no calendar date."""
    found: list[Span] = []
    for prop in (TIME.inXSDDate, *_STAMPS, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        found += [s for v in p.objs(time, prop) if (s := _calendar(v, prop)) is not None]
    for description in p.objs(time, TIME.hasDateTimeDescription):
        if (s := _described(p, description)) is not None:
            found.append(s)
    begins = sorted(p.objs(time, TIME.hasBeginning), key=str)
    ends = sorted(p.objs(time, TIME.hasEnd), key=str)
    begin = next((s for b in begins if (s := _instant(p, b))), None)
    end = next((s for e in ends if (s := _instant(p, e))), None)
    if begin is not None and end is not None and begin.start < end.end:
        found.append(Span(begin.start, end.end, "range"))
    if not found:
        return None
    return min(found, key=lambda s: (_RANK[s.precision], s.start, s.end))


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
    base = resources.files("kg.viz").joinpath(VENDOR)
    try:
        script = base.joinpath("vis-timeline-graph2d.min.js").read_text(encoding="utf-8")
        style = base.joinpath("vis-timeline-graph2d.min.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"the vendored vis-timeline (kg/viz/{VENDOR}) is missing: {exc}") from exc
    script = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", script)
    style = re.sub(r"\n?/\*# sourceMappingURL=\S* \*/\s*$", "\n", style)
    if "</script" in script.lower() or "</style" in style.lower():
        raise KgError("the vendored vis-timeline cannot be inlined safely (it closes a tag)")
    return script, style


@cache
def _templates() -> tuple[str, ...]:
    base = resources.files("kg.viz").joinpath("templates")
    names = ("timeline.html", "timeline.css", "timeline.js", "share.js")
    return tuple(base.joinpath(n).read_text(encoding="utf-8") for n in names)


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
    from kg.viz.html import json_for_script

    script, style = _assets()
    template, css, js, share = _templates()
    data = page_data(g, title)
    values = {
        "TITLE": html.escape(title, quote=True),
        "COUNTS": f"{len(data['items'])} dated, {len(data['undated'])} undated",
        "VIS_CSS": style,
        "VIS_JS": script,
        "DATA": json_for_script(data),
        "APP_CSS": css,
        "APP_JS": share + js,  # one script: what every view shares, then this page's own
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], template)


def write_timeline(g: nx.MultiDiGraph, path: Path, title: str) -> Path:
    """Write the timeline page to `path` (UTF-8, LF line ends) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(g, title), encoding="utf-8", newline="\n")
    return path
