"""A self-contained, offline, escaped HTML page for a projected view (vis-network, inlined).

The page inlines pyvis's bundled vis-network script and stylesheet (no bootstrap, no CDN, no font
or image from the network) and forbids every network request with a Content-Security-Policy. The
graph travels as JSON in a `<script type="application/json">` block with `<`, `>` and `&`
escaped, and the page's own script writes data into the document only through `textContent`:
a label or quote that contains HTML or script is shown as text. Nodes and edges are sorted and
the layout has a fixed seed, so the same graph gives a byte-identical page and the same layout.
A small view is laid out by vis-network's physics in the browser; a large one (kg.viz.layout)
comes with positions computed here and is drawn with physics off.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.results import short_iri
from kg.viz.layout import is_large, positions
from kg.viz.projection import CLASSES

if TYPE_CHECKING:
    import networkx as nx

VIS_DIR = "templates/lib/vis-9.1.2"
SEED = 20251125

# Colour of each class (by local name) and shape of each group.
COLOURS = {
    "State": "#1f77b4",
    "InternationalOrganization": "#17becf",
    "Government": "#9edae5",
    "MilitaryOrganization": "#393b79",
    "Organization": "#6b6ecf",
    "Person": "#ff7f0e",
    "Group": "#ffbb78",
    "Actor": "#aec7e8",
    "City": "#8c564b",
    "MaritimeArea": "#2ca02c",
    "MaritimeFeature": "#98df8a",
    "Place": "#c49c94",
    "TerritorialClaim": "#d62728",
    "Meeting": "#9467bd",
    "Conversation": "#c5b0d5",
    "Agreement": "#e377c2",
    "Address": "#f7b6d2",
    "MilitaryExercise": "#7f7f7f",
    "Seizure": "#843c39",
    "Confrontation": "#ad494a",
    "Establishment": "#bcbd22",
    "Event": "#dbdb8d",
    "Statement": "#e7ba52",
    "Instrument": "#637939",
}
SHAPES = {
    "Actor": "dot",
    "Place": "triangle",
    "Claim": "diamond",
    "Event": "square",
    "Statement": "hexagon",
    "Instrument": "star",
}
# Edge colour by GDELT QuadClass of the statement's CAMEO root (0: not a statement).
QUAD = {
    0: ("#9a9a9a", "not a statement"),
    1: ("#4a9a4a", "statement: verbal cooperation (CAMEO 01-05)"),
    2: ("#1b6e1b", "statement: material cooperation (CAMEO 06-09)"),
    3: ("#e08a00", "statement: verbal conflict (CAMEO 10-14)"),
    4: ("#c00000", "statement: material conflict (CAMEO 15-20)"),
}
_LEGEND_RELATIONS = 6  # relations named in the legend's grey row, at most
_ORDER = {cls.split("#")[-1]: i for i, (cls, _) in enumerate(CLASSES)}
_MAX_LABEL = 48


def _humanise(name: str) -> str:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1].rstrip() + "…"


@cache
def _vis_assets() -> tuple[str, str]:
    """Return pyvis's bundled vis-network script and stylesheet, without the source map link."""
    try:
        base = resources.files("pyvis").joinpath(VIS_DIR)
        script = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
        style = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError) as exc:
        raise KgError(f"pyvis's bundled vis-network ({VIS_DIR}) is missing: {exc}") from exc
    script = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", script)
    if "</script" in script.lower() or "</style" in style.lower():
        raise KgError("pyvis's bundled vis-network cannot be inlined safely (it closes a tag)")
    return script, style


@cache
def _templates() -> tuple[str, str, str, str]:
    """Return the page's own HTML template, stylesheet and script, and the script every view
    page shares (its state in the URL, its exports)."""
    base = resources.files("kg.viz").joinpath("templates")
    return tuple(  # type: ignore[return-value]
        base.joinpath(name).read_text(encoding="utf-8")
        for name in ("page.html", "page.css", "page.js", "share.js")
    )


def _json_for_script(data: Any) -> str:
    """Serialise to JSON that cannot close or open a tag inside a <script> block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def page_data(g: nx.MultiDiGraph, title: str) -> dict[str, Any]:
    """Return the nodes, edges, legend and options the page draws, in a stable order."""
    nodes = []
    large = is_large(g)  # drawn from positions computed here, with physics off
    at = positions(g, SEED) if large else {}
    counts: dict[str, int] = {}
    groups: dict[str, str] = {}
    for n in sorted(g.nodes):
        d = g.nodes[n]
        cls = str(d.get("class", "")) or "Thing"
        group = str(d.get("group", "")) or "Other"
        counts[cls] = counts.get(cls, 0) + 1
        groups[cls] = group
        nodes.append(
            {
                "id": n,
                "label": _short(str(d.get("label", n))),
                "full": str(d.get("label", n)),
                "cls": cls,
                "clsLabel": _humanise(cls),
                "group": group,
                "color": COLOURS.get(cls, "#cccccc"),
                "shape": SHAPES.get(group, "ellipse"),
                "iri": str(d.get("iri", n)),
                "wikidata": str(d.get("wikidata", "")),
                "quote": str(d.get("quote", "")),
                "source": str(d.get("source", "")),
                "sourceTitle": str(d.get("source_title", "")),
                "focus": n == g.graph.get("focus"),
                "status": str(d.get("status", "")),
                "start": str(d.get("time_start", "")),  # a dated fact: its span (end excluded)
                "end": str(d.get("time_end", "")),
                **({"x": at[n][0], "y": at[n][1]} if large else {}),
            }
        )
    rows = sorted(
        g.edges(keys=True, data=True),
        key=lambda e: (e[0], e[1], str(e[3].get("predicate", "")), str(e[3].get("fact", "")), e[2]),
    )
    edges = []
    for i, (u, v, _k, d) in enumerate(rows):
        quad = int(d.get("quad_class", 0) or 0)
        edges.append(
            {
                "id": f"e{i}",
                "from": u,
                "to": v,
                "label": _short(str(d.get("relation", ""))),
                "relation": str(d.get("relation", "")),
                "predicate": short_iri(str(d.get("predicate", ""))),
                "statementType": str(d.get("statement_type", "")),
                "symmetric": bool(d.get("symmetric", False)),
                "color": QUAD.get(quad, QUAD[0])[0],
                "quad": quad,
                "cameo": str(d.get("cameo", "")),
                "fact": str(d.get("fact", "")),
                "quote": str(d.get("quote", "")),
                "source": str(d.get("source", "")),
                "sourceTitle": str(d.get("source_title", "")),
                "start": str(d.get("time_start", "")),
                "end": str(d.get("time_end", "")),
                "timed": bool(d.get("timed", False)),  # its fact is an event or a statement
            }
        )
    legend = [
        {
            "cls": cls,
            "label": _humanise(cls),
            "color": COLOURS.get(cls, "#cccccc"),
            "shape": SHAPES.get(groups[cls], "ellipse"),
            "count": counts[cls],
        }
        for cls in sorted(counts, key=lambda c: (_ORDER.get(c, len(_ORDER)), c))
    ]
    quads = sorted({e["quad"] for e in edges})
    others = sorted({e["relation"] for e in edges if e["quad"] == 0})
    named = ", ".join(others[:_LEGEND_RELATIONS]) + (
        ", …" if len(others) > _LEGEND_RELATIONS else ""
    )
    sources = sorted(
        {s for item in [*nodes, *edges] for s in str(item["source"]).split() if s},
    )
    titles: dict[str, str] = {}
    for item in [*nodes, *edges]:
        for iri, name in zip(
            str(item["source"]).split(), str(item["sourceTitle"]).split("; "), strict=False
        ):
            titles.setdefault(iri, name)
    n = len(nodes)
    physics: dict[str, Any] = {
        "enabled": True,
        "solver": "barnesHut",
        "barnesHut": {
            "gravitationalConstant": -6000,
            "springLength": 140,
            "avoidOverlap": 0.2,
            "theta": 0.5,
        },
        # A small graph is laid out fully in the browser; a large one is not laid out there.
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 25, "fit": True},
    }
    options = {
        "layout": {"randomSeed": SEED, "improvedLayout": n <= 150},
        "physics": {"enabled": False} if large else physics,
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        "nodes": {"font": {"size": 14}, "size": 16, "borderWidth": 1},
        "edges": {
            "font": {"size": 10, "align": "middle", "color": "#444444"},
            "smooth": {"enabled": not large, "type": "dynamic"},
            "width": 1.2,
        },
    }
    return {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "edgeLegend": [
            {
                "quad": q,
                "color": QUAD[q][0],
                "label": QUAD[q][1] + (f": {named}" if q == 0 and named else ""),
                "count": sum(1 for e in edges if e["quad"] == q),
            }
            for q in quads
        ],
        "sources": [{"iri": s, "title": titles.get(s, "") or s} for s in sources],
        "statuses": sorted({n["status"] for n in nodes if n["status"]}),
        "statementTypes": [
            {"label": t, "quad": max(e["quad"] for e in edges if t in _types(e))}
            for t in sorted({t for e in edges for t in _types(e)})
        ],
        "options": options,
        "positioned": large,
        "timed": sum(1 for e in edges if e["timed"])
        + sum(1 for n in nodes if n["group"] in ("Event", "Statement")),
    }


def _types(edge: dict[str, Any]) -> list[str]:
    """The statement types of an edge (`criticism, labelling` holds two)."""
    return [t for t in str(edge.get("statementType", "")).split(", ") if t]


# What a large page leaves out of each node and edge, because page.js (`expand`) fills it in:
# empty fields, and fields equal to what the rest of the data says (the legend's colour of a
# class, the edge legend's colour of a QuadClass, a label that is not shortened, the source's
# title, an edge's fact when it is the edge's subject, its quote and source when they are its
# fact node's); an edge's ends are numbers, the index of the node. A 5,000-node page is about
# half the size and opens faster.
_NODE_DEFAULTS = {
    "wikidata": "",
    "quote": "",
    "source": "",
    "status": "",
    "focus": False,
    "start": "",
    "end": "",
}
_EDGE_DEFAULTS = {
    "statementType": "",
    "symmetric": False,
    "quad": 0,
    "cameo": "",
    "start": "",
    "end": "",
    "timed": False,
}


def _source_titles(item: dict[str, Any], titles: dict[str, str]) -> str:
    return "; ".join(titles.get(s, "") for s in str(item.get("source", "")).split())


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Return a page's data without the fields that page.js derives again (see `expand`)."""
    titles = {s["iri"]: s["title"] for s in data["sources"] if s["title"] != s["iri"]}
    legend = {c["cls"]: c for c in data["legend"]}
    quads = {q["quad"]: q["color"] for q in data["edgeLegend"]}

    def node(n: dict[str, Any]) -> dict[str, Any]:
        c = legend[n["cls"]]
        derived = {
            **_NODE_DEFAULTS,
            "full": n["label"],
            "iri": n["id"],
            "clsLabel": c["label"],
            "color": c["color"],
            "shape": c["shape"],
            "sourceTitle": _source_titles(n, titles),
        }
        return {k: v for k, v in n.items() if k not in derived or derived[k] != v}

    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    by_id = {n["id"]: n for n in data["nodes"]}

    def edge(e: dict[str, Any]) -> dict[str, Any]:
        fact = by_id.get(e["from"], {})
        derived = {
            **_EDGE_DEFAULTS,
            "label": e["relation"],
            "color": quads[e["quad"]],
            "fact": e["from"],
            "quote": fact.get("quote", "") if e["fact"] == e["from"] else "",
            "source": fact.get("source", "") if e["fact"] == e["from"] else "",
            "sourceTitle": _source_titles(e, titles),
        }
        out = {k: v for k, v in e.items() if k not in derived or derived[k] != v}
        return {**out, "from": index[e["from"]], "to": index[e["to"]]}

    return {
        **data,
        "nodes": [node(n) for n in data["nodes"]],
        "edges": [edge(e) for e in data["edges"]],
        "compact": True,
    }


def render(g: nx.MultiDiGraph, title: str) -> str:
    """Return the page for a view: one self-contained HTML document."""
    script, style = _vis_assets()
    template, app_css, app_js, share_js = _templates()
    content = page_data(g, title)
    data = _json_for_script(compact(content) if content["positioned"] else content)
    values = {
        "TITLE": html.escape(title, quote=True),
        "COUNTS": f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges",
        "VIS_CSS": style,
        "VIS_JS": script,
        "DATA": data,
        "APP_CSS": app_css,
        "APP_JS": share_js + app_js,  # one script: what every view shares, then this page's own
    }
    # One pass over the template: a value is never searched for tokens again.
    page = re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], template)
    return page


def write_html(g: nx.MultiDiGraph, path: Path, title: str) -> Path:
    """Write the page for a view to `path` (UTF-8, LF line ends) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(g, title), encoding="utf-8", newline="\n")
    return path
