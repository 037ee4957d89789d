"""GraphML and GEXF files of a projected view, for Gephi and Cytoscape, with the same attributes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def write_graphml(g: nx.MultiDiGraph, path: Path) -> Path:
    """Write a view as GraphML (directed, parallel edges kept, attributes typed)."""
    import networkx as nx

    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml_xml(g, path, encoding="utf-8", prettyprint=True)
    return path


def _rgb(colour: str) -> dict[str, int | float]:
    value = colour.lstrip("#")
    return {"r": int(value[0:2], 16), "g": int(value[2:4], 16), "b": int(value[4:6], 16), "a": 1.0}


def styled(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the view with GEXF `viz` styles: the page's class colours, a size by degree,
    and a position where the view has been laid out (numeric `x` and `y` node attributes)."""
    from kg.viz.html import COLOURS

    h = g.copy()
    for n, d in h.nodes(data=True):
        viz: dict[str, object] = {
            "color": _rgb(COLOURS.get(str(d.get("class", "")), "#cccccc")),
            "size": float(10 + 2 * min(g.degree(n), 20)),
        }
        x, y = d.get("x"), d.get("y")
        if isinstance(x, int | float) and isinstance(y, int | float):
            viz["position"] = {"x": float(x), "y": float(y), "z": 0.0}
        d["viz"] = viz
    return h


def write_gexf(g: nx.MultiDiGraph, path: Path) -> Path:
    """Write a view as GEXF 1.2 with viz:color, viz:size and viz:position (where laid out),
    without the writer's date, so the file is reproducible."""
    from networkx.readwrite.gexf import GEXFWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(styled(g))
    writer.write(path)
    return path
