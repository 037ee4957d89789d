"""Gephi opens a view styled: GEXF with viz:color, viz:size and, once laid out, viz:position."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
from rdflib import Dataset

from kg.namespaces import ENT
from kg.viz import write_view
from kg.viz.html import COLOURS
from kg.viz.projection import project

GEXF = "{http://www.gexf.net/1.2draft}"
VIZ = "{http://www.gexf.net/1.2draft/viz}"


def _nodes(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {n.attrib["id"]: n for n in root.iter(f"{GEXF}node")}


def test_every_node_has_its_class_colour_and_a_size(dataset: Dataset, tmp_path: Path) -> None:
    g = project(dataset, "actors")
    nodes = _nodes(write_view(g, tmp_path / "actors.gexf", "gexf"))
    assert set(nodes) == set(g.nodes)
    for n, node in nodes.items():
        colour = node.find(f"{VIZ}color")
        assert colour is not None, n
        want = COLOURS.get(str(g.nodes[n].get("class", "")), "#cccccc").lstrip("#")
        got = "".join(f"{int(colour.attrib[c]):02x}" for c in "rgb")
        assert got == want, n
        size = node.find(f"{VIZ}size")
        assert size is not None and float(size.attrib["value"]) >= 10
        assert node.find(f"{VIZ}position") is None  # not laid out
    china = str(ENT["china"])
    sizes = {n: float(node.find(f"{VIZ}size").attrib["value"]) for n, node in nodes.items()}  # type: ignore[union-attr]
    assert sizes[china] > min(sizes.values())  # bigger with more edges
    assert "viz" not in g.nodes[china]  # the view itself is left as it was


def test_a_laid_out_view_keeps_its_positions(dataset: Dataset, tmp_path: Path) -> None:
    g = project(dataset, "actors")
    layout = nx.spring_layout(nx.Graph(g), seed=1)
    for n, (x, y) in layout.items():
        g.nodes[n]["x"], g.nodes[n]["y"] = float(x) * 500, float(y) * 500
    nodes = _nodes(write_view(g, tmp_path / "laid-out.gexf", "gexf"))
    for n, node in nodes.items():
        pos = node.find(f"{VIZ}position")
        assert pos is not None, n
        assert float(pos.attrib["x"]) == g.nodes[n]["x"]
        assert float(pos.attrib["y"]) == g.nodes[n]["y"]
    back = nx.read_gexf(tmp_path / "laid-out.gexf")
    assert back.number_of_nodes() == g.number_of_nodes()
