"""Visualise: project the graph into networkx views and write them as HTML, GraphML or GEXF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("html", "graphml", "gexf")
TITLES = {
    "all": "Actors, claims and events",
    "actors": "Actor network",
    "claims": "Territorial claims and their contesters",
    "ego": "Around",
}


def title_for(g: nx.MultiDiGraph) -> str:
    """Return the heading of a view (the ego view names its focus by label)."""
    view = str(g.graph.get("view", "all"))
    base = TITLES.get(view, view)
    if view == "ego":
        focus = str(g.graph.get("focus", ""))
        label = str(g.nodes[focus]["label"]) if focus in g else focus
        base = f"{base} {label} (depth {g.graph.get('depth', 1)})"
    return f"scs-kg: {base}"


def write_view(g: nx.MultiDiGraph, path: Path, fmt: str) -> Path:
    """Write a projected view to `path` in one of FORMATS and return the path."""
    if fmt == "html":
        from kg.viz.html import write_html

        return write_html(g, path, title_for(g))
    if fmt == "graphml":
        from kg.viz.formats import write_graphml

        return write_graphml(g, path)
    if fmt == "gexf":
        from kg.viz.formats import write_gexf

        return write_gexf(g, path)
    raise InputError(f"unknown format {fmt!r} (choose one of: {', '.join(FORMATS)})")
