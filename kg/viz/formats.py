"""GraphML and GEXF files of a projected view, for Gephi and Cytoscape, with the same attributes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError

if TYPE_CHECKING:
    import networkx as nx


def check_xml(g: nx.MultiDiGraph, what: str) -> None:
    """Refuse, in one line naming the node or edge, a view holding text XML cannot carry
    (the same characters the build refuses in sources: `kg.sources.xml_problem`)."""
    from kg.sources import xml_problem

    def texts(owner: str, data: dict[str, object]) -> None:
        for key, value in [(None, owner), *sorted(data.items(), key=lambda kv: str(kv[0]))]:
            for text in (str(key), value) if key is not None else (value,):
                why = xml_problem(text) if isinstance(text, str) else None
                if why is not None:
                    where = f" {key}" if key is not None else ""
                    raise InputError(
                        f"{owner}{where}: {why}, which {what} cannot carry: nothing written"
                    )

    texts(f"the view {g.graph.get('view', '')}".strip(), dict(g.graph))
    for node, data in g.nodes(data=True):
        texts(str(node), data)
    for u, v, data in g.edges(data=True):
        texts(f"{u} -> {v}", data)


def write_graphml(g: nx.MultiDiGraph, path: Path) -> Path:
    """Write a view as GraphML (directed, parallel edges kept, attributes typed)."""
    import networkx as nx

    check_xml(g, "GraphML")
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

    check_xml(g, "GEXF")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(styled(g))
    writer.write(path)
    return path
