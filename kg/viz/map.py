"""The map view: the contested features on an offline basemap, with who claims and contests them.

A place is drawn only where the graph gives it a point: `geo:hasGeometry` to a geometry whose
`geo:asWKT` is a WGS84 `POINT(longitude latitude)` (GeoSPARQL; the CRS84 default, or that CRS
named). Nothing is placed by guess: every other place is listed apart, with why (no geometry, or
a geometry that is not a readable point). Features are coloured by their claimants, contested
claims ringed, claims and contests drawn as lines from a claimant or contester that has a point,
and events shown at their place (`prov:atLocation`). The basemap is Natural Earth's 1:50m
countries (public domain) cut to the region (scripts/vendor-basemap.py) and shipped in the
package; the page is built like the other views: self-contained, no request, labels as text,
the same bytes for the same graph.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from kg.errors import KgError
from kg.namespaces import KG
from kg.viz.projection import Edge, Projector

if TYPE_CHECKING:
    import networkx as nx

GEO = Namespace("http://www.opengis.net/ont/geosparql#")
BASEMAP = "vendor/natural-earth/south-china-sea-50m.json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_NUMBER = r"[+-]?\d{1,3}(?:\.\d{1,12})?"
_POINT = re.compile(
    rf"\s*(?:<(?P<crs>[^<>\s]{{1,200}})>\s*)?POINT\s*\(\s*(?P<lon>{_NUMBER})\s+(?P<lat>{_NUMBER})\s*\)\s*",
    re.IGNORECASE,
)
# Colours of the claimants, in the order of their IRIs (not the class colours: states all share
# one there).
PALETTE = [
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
]  # fmt: skip


def point(wkt: Node) -> tuple[float, float] | None:
    """Return (longitude, latitude) of a WGS84 WKT POINT, or None if it is not one."""
    if not isinstance(wkt, Literal):
        return None
    text = str(wkt)
    found = _POINT.fullmatch(text) if len(text) <= 400 else None
    if found is None or (found["crs"] and found["crs"] != CRS84):
        return None
    lon, lat = float(found["lon"]), float(found["lat"])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def _located(p: Projector, node: URIRef) -> tuple[tuple[float, float] | None, str]:
    """A node's point and its WKT, or (None, why not)."""
    texts = [w for g in p.objs(node, GEO.hasGeometry) for w in p.objs(g, GEO.asWKT)]
    texts += list(p.objs(node, GEO.asWKT))
    if not texts:
        return None, "no geometry in the graph"
    for wkt in sorted(texts, key=str):
        found = point(wkt)
        if found is not None:
            return found, str(wkt)
    return None, "its geometry is not a WGS84 point: " + str(sorted(texts, key=str)[0])[:80]


def project_map(p: Projector, g: nx.MultiDiGraph) -> None:
    """Places with their point where the graph gives one, their claims, contests and events."""
    places = p.nodes_of(["Place"])
    claims = p.nodes_of(["Claim"])
    events = {e: c for e, c in p.nodes_of(["Event"]).items() if any(p.objs(e, PROV.atLocation))}
    edges: list[Edge] = [*p.fact_edges(sorted(claims, key=str)), *p.direct([KG.contests])]
    edges += [
        e for e in p.fact_edges(sorted(events, key=str)) if e.predicate == str(PROV.atLocation)
    ]
    actors = {
        URIRef(e.target if e.predicate == str(KG.claimant) else e.source)
        for e in edges
        if e.predicate in (str(KG.claimant), str(KG.contests))
    }
    keep = {**places, **claims, **events}
    for a in actors:
        cls = p.node_class(a)
        if cls is not None:
            keep[a] = cls
    p.add_nodes(g, keep)
    for node in [*places, *actors]:
        if str(node) not in g:
            continue
        found, wkt = _located(p, node)
        if found is not None:
            g.nodes[str(node)].update(lon=found[0], lat=found[1], wkt=wkt)
        else:
            g.nodes[str(node)]["unplaced"] = wkt
    p.add_edges(g, edges)


@cache
def _basemap() -> str:
    try:
        return resources.files("kg.viz").joinpath(BASEMAP).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise KgError(f"the map's basemap is missing: {exc}") from exc


def _of_group(g: nx.MultiDiGraph, group: str) -> list[tuple[str, dict[str, Any]]]:
    """The nodes of a group (Claim, Event, ...) with their data, in order."""
    return [(n, g.nodes[n]) for n in sorted(g.nodes) if g.nodes[n].get("group") == group]


def _ends(g: nx.MultiDiGraph, n: str, predicate: URIRef) -> list[str]:
    """The nodes an edge of `predicate` leads to from `n`, in order."""
    return sorted(v for _, v, e in g.out_edges(n, data=True) if e["predicate"] == str(predicate))


def page_data(g: nx.MultiDiGraph, title: str) -> dict[str, Any]:
    """Return the places (placed and not), claims, contests, events and claimants, in order."""
    from kg.viz.html import humanise

    def label(n: str) -> str:
        return str(g.nodes[n].get("label", n))

    claimants: dict[str, list[str]] = {}
    contesters: dict[str, list[str]] = {}
    claims = []
    for n, d in _of_group(g, "Claim"):
        who, where = _ends(g, n, KG.claimant), _ends(g, n, KG.claimedPlace)
        against = sorted(
            u for u, _, e in g.in_edges(n, data=True) if e["predicate"] == str(KG.contests)
        )
        for place in where:
            claimants.setdefault(place, []).extend(who)
            contesters.setdefault(place, []).extend(against)
        claims.append(
            {"id": n, "label": label(n), "claimants": who, "places": where, "contesters": against,
             "quote": str(d.get("quote", "")), "source": str(d.get("source_title", ""))}
        )  # fmt: skip
    everyone = sorted({a for c in claims for a in c["claimants"]})
    colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(everyone)}
    events = []
    for n, d in _of_group(g, "Event"):
        at = _ends(g, n, PROV.atLocation)
        events.append(
            {"id": n, "label": label(n), "clsLabel": humanise(str(d.get("class", ""))),
             "places": at, "quote": str(d.get("quote", "")),
             "source": str(d.get("source_title", ""))}
        )  # fmt: skip
    places, unplaced, points = [], [], {}
    for n in sorted(g.nodes):
        d = g.nodes[n]
        if "lon" in d:
            points[n] = {"id": n, "label": label(n), "lon": d["lon"], "lat": d["lat"]}
        if d.get("group") != "Place":
            continue
        item = {
            "id": n,
            "label": label(n),
            "clsLabel": humanise(str(d.get("class", ""))),
            "claimants": sorted(set(claimants.get(n, []))),
            "contesters": sorted(set(contesters.get(n, []))),
            "events": [e["id"] for e in events if n in e["places"]],
            "wikidata": str(d.get("wikidata", "")),
        }
        if "lon" in d:
            places.append({**item, "lon": d["lon"], "lat": d["lat"], "wkt": str(d["wkt"])})
        else:
            unplaced.append({**item, "why": str(d.get("unplaced", ""))})
    return {
        "title": title,
        "places": places,
        "unplaced": unplaced,
        "points": [points[k] for k in sorted(points)],
        "claims": claims,
        "events": events,
        "claimants": [{"iri": a, "label": label(a), "color": colours[a]} for a in everyone],
        "labels": {n: label(n) for n in sorted(g.nodes) if g.nodes[n].get("group") == "Actor"},
    }


def render(g: nx.MultiDiGraph, title: str) -> str:
    """Return the map page: one self-contained HTML document."""
    from kg.viz.html import fill, json_for_script, script_safe, shared

    template, css, js, share = (shared(n) for n in ("map.html", "map.css", "map.js", "share.js"))
    data = page_data(g, title)
    values = {
        "TITLE": html.escape(title, quote=True),
        "COUNTS": f"{len(data['places'])} placed, {len(data['unplaced'])} with no point",
        "CONTROLS": "",
        "DATA": json_for_script(data),
        "BASEMAP": script_safe(_basemap()),
        "APP_CSS": shared("common.css") + css,
        "APP_JS": share + js,
    }
    return fill(template, values)


def write_map(g: nx.MultiDiGraph, path: Path, title: str) -> Path:
    """Write the map page to `path` (UTF-8, LF line ends) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(g, title), encoding="utf-8", newline="\n")
    return path
