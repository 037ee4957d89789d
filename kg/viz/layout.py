"""Positions computed in Python for views too large for the browser's physics.

vis-network's physics on thousands of nodes can run for minutes (or hours), so a large view is
laid out here, once, and the page draws it with physics off. The layout is igraph's
Fruchterman-Reingold with its grid (linear in the nodes per step, where networkx's
`spring_layout` is quadratic), from a fixed seed over the nodes and edges in sorted order, with
coordinates rounded to integers: the same view gives the same positions, so the page stays
byte-identical. Isolated nodes go in rows under the laid-out graph, as the page does for small
views, so that they do not shrink the fit.
"""

from __future__ import annotations

import math
import random
import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

LARGE = 500  # nodes: above this the page draws precomputed positions with physics off
# Canvas (vis-network units, px at zoom 1) per node, as a square's side: labels of neighbours
# do not cover each other once zoomed in; the fitted view is too small for labels, which
# vis-network then does not draw.
SPACING = 110.0
ROW_STEP, ROW_GAP = 160, 90  # isolated nodes: spacing along and between rows
ITERATIONS = 500
NUDGE = 24.0  # how far apart nodes laid out on one spot are moved


def is_large(g: nx.MultiDiGraph) -> bool:
    """Tell whether a view is drawn from precomputed positions (more than LARGE nodes)."""
    return g.number_of_nodes() > LARGE


def positions(g: nx.MultiDiGraph, seed: int) -> dict[str, tuple[int, int]]:
    """Return deterministic, rounded canvas positions for every node of a view."""
    import igraph

    nodes = sorted(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges()})
    pairs = [(a, b) for a, b in pairs if a != b]
    linked = sorted({i for pair in pairs for i in pair})
    has_edge = set(linked)
    lonely = [n for i, n in enumerate(nodes) if i not in has_edge]
    if len(linked) < 2:  # nothing to lay out: every node in rows
        return _rows(lonely, 0, 0, max(ROW_STEP * 10, 1))
    renumber = {old: new for new, old in enumerate(linked)}
    graph = igraph.Graph(n=len(linked), edges=[(renumber[a], renumber[b]) for a, b in pairs])
    rng = random.Random(seed)
    side = len(linked) ** 0.5  # igraph's own spread: its grid cells then hold a few nodes each
    start = [[rng.uniform(-side, side) / 2, rng.uniform(-side, side) / 2] for _ in linked]
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = graph.layout_fruchterman_reingold(seed=start, niter=ITERATIONS, grid="grid")
    finally:
        igraph.set_random_number_generator(random)  # igraph's default generator
    xy = [(float(x), float(y)) for x, y in coords.coords]
    xs, ys = [x for x, _ in xy], [y for _, y in xy]
    area = max((max(xs) - min(xs)) * (max(ys) - min(ys)), 1e-9)
    scale = SPACING * (len(xy) / area) ** 0.5  # about SPACING x SPACING of canvas per node
    mid_x = statistics.fmean(x for x, _ in xy)
    mid_y = statistics.fmean(y for _, y in xy)
    out: dict[str, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for old, new in renumber.items():  # in sorted node order
        x, y = (xy[new][0] - mid_x) * scale, (xy[new][1] - mid_y) * scale
        spot, turn = (round(x), round(y)), 0
        while spot in taken:  # nodes with the same neighbours can meet: step out on a spiral
            turn += 1
            r, a = NUDGE * turn**0.5, turn * 2.399963  # the golden angle, in radians
            spot = (round(x + r * math.cos(a)), round(y + r * math.sin(a)))
        taken.add(spot)
        out[nodes[old]] = spot
    left = min(x for x, _ in out.values())
    right = max(x for x, _ in out.values())
    bottom = max(y for _, y in out.values())
    out.update(_rows(lonely, left, bottom + 120, right - left))
    return out


def _rows(nodes: list[str], left: int, top: int, width: int) -> dict[str, tuple[int, int]]:
    """Place nodes in rows of the given width, from (left, top) downwards."""
    per_row = max(1, width // ROW_STEP + 1)
    return {
        n: (left + (i % per_row) * ROW_STEP, top + (i // per_row) * ROW_GAP)
        for i, n in enumerate(nodes)
    }
