"""Visualise: project the graph into networkx views and write them as HTML, GraphML or GEXF.

The views and the formats are the rows of `kg.plugins.VIEWS` and `kg.plugins.VIEW_FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.plugins import VIEW_FORMATS, VIEWS

if TYPE_CHECKING:
    import networkx as nx

FORMATS = VIEW_FORMATS.names


def title_for(g: nx.MultiDiGraph) -> str:
    """Return the heading of a view (a view with a focus names it by label)."""
    view = str(g.graph.get("view", "all"))
    row = VIEWS.rows.get(view)
    base = row.title if row is not None else view
    if row is not None and row.focus:
        focus = str(g.graph.get("focus", ""))
        label = str(g.nodes[focus]["label"]) if focus in g else focus
        base = f"{base} {label} (depth {g.graph.get('depth', 1)})"
    return f"scs-kg: {base}"


def write_view(g: nx.MultiDiGraph, path: Path, fmt: str) -> Path:
    """Write a projected view to `path` in one of FORMATS and return the path."""
    return VIEW_FORMATS.load(fmt)(g, path)


def write_page(g: nx.MultiDiGraph, path: Path) -> Path:
    """Write a view as its self-contained HTML page (the view's own kind of page), headed by its
    title."""
    import importlib

    row = VIEWS.rows.get(str(g.graph.get("view", "all")))
    target = row.page if row is not None else "kg.viz.html:write_html"
    module, _, attr = target.partition(":")
    writer: Callable[[nx.MultiDiGraph, Path, str], Path] = getattr(
        importlib.import_module(module), attr
    )
    return writer(g, path, title_for(g))
