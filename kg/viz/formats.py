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


def write_gexf(g: nx.MultiDiGraph, path: Path) -> Path:
    """Write a view as GEXF 1.2 (without the writer's date, so the file is reproducible)."""
    from networkx.readwrite.gexf import GEXFWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(g)
    writer.write(path)
    return path
