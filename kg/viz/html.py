"""A self-contained, offline, escaped HTML page for a projected view, rendered by pyvis.

The view becomes the page's data (`page_data`), then a pyvis `Network` of it (`network`), which
renders the project's template (kg/viz/templates/page.html, through `Network.set_template_dir`)
with pyvis's vis-network script and stylesheet inlined (`cdn_resources="in_line"`; no bootstrap,
no CDN, no font or image from the network); a Content-Security-Policy forbids every request.
The graph travels as JSON in a `<script type="application/json">` block with `<`, `>` and `&`
escaped, and the page's own script writes data into the document only through `textContent`:
a label or quote that contains HTML or script is shown as text. Nodes and edges are sorted and
the layout has a fixed seed, so the same graph gives a byte-identical page and the same layout.
A small view is laid out by vis-network's physics in the browser; a large one (kg.viz.layout)
comes with positions computed here and is drawn with physics off. docs/architecture.md ("The
graph views' page: pyvis") says what goes through pyvis's API and what does not, and why.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.prefixes import short_iri
from kg.viz.layout import is_large, positions
from kg.viz.projection import classes

if TYPE_CHECKING:
    import networkx as nx
    from jinja2.bccache import Bucket, BytecodeCache
    from markupsafe import Markup
    from pyvis.network import Network

TEMPLATES = Path(__file__).parent / "templates"
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
_MAX_LABEL = 48


def humanise(name: str) -> str:
    """A class's name as words: `TerritorialClaim` -> `Territorial claim`."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


def clipped_label(label: str) -> str:
    """A label cut to the views' longest, ending in `…` if cut."""
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1].rstrip() + "…"


@cache
def shared(name: str) -> str:
    """A template of the view pages (kg/viz/templates), read once; one line if it is missing."""
    try:
        return (TEMPLATES / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"the view template {TEMPLATES / name} is missing: {exc}") from exc


PARTS = {"HEAD": "head.html", "HEADER": "header.html"}
"""The template parts a page's `@@NAME@@` stands for: the head every view page opens with
(head.html, which page.html includes too) and the bar atop the map and the timeline
(header.html: title, counts, the page's own `@@CONTROLS@@`, Fit, Export, status, Panel)."""


def fill(template: str, values: dict[str, str]) -> str:
    """A page from its template: each `@@PART@@` of `PARTS` its template part, then each
    `@@NAME@@` its value (values are not read again for names)."""
    for name, part in PARTS.items():
        template = template.replace(f"@@{name}@@", shared(part).removesuffix("\n"))
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], template)


def script_safe(text: str) -> str:
    """JSON text that cannot close or open a tag inside a <script> block (`&`, `<`, `>` and the
    line separators as JSON escapes, which read back the same).

    >>> print(script_safe('{"a":"</script>"}'))
    {"a":"\\u003c/script\\u003e"}
    """
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def json_for_script(data: Any) -> str:
    """Serialise to JSON that cannot close or open a tag inside a <script> block."""
    return script_safe(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


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
                "label": clipped_label(str(d.get("label") or n)),
                "full": str(d.get("label") or n),
                "cls": cls,
                "clsLabel": humanise(cls),
                "category": group,  # not `group`: pyvis's add_node drops the colour of a group
                "color": COLOURS.get(cls, "#cccccc"),
                "shape": SHAPES.get(group, "ellipse"),
                "iri": str(d.get("iri", n)),
                "wikidata": str(d.get("wikidata", "")),
                "quote": str(d.get("quote", "")),
                "sources": str(d.get("source", "")),
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
                "label": clipped_label(str(d.get("relation", ""))),
                "relation": str(d.get("relation", "")),
                "predicate": short_iri(str(d.get("predicate", ""))),
                "statementType": str(d.get("statement_type", "")),
                "symmetric": bool(d.get("symmetric", False)),
                "arrows": "" if large or d.get("symmetric", False) else "to",
                "color": QUAD.get(quad, QUAD[0])[0],
                "quad": quad,
                "cameo": str(d.get("cameo", "")),
                "fact": str(d.get("fact", "")),
                "quote": str(d.get("quote", "")),
                "sources": str(d.get("source", "")),
                "sourceTitle": str(d.get("source_title", "")),
                "start": str(d.get("time_start", "")),
                "end": str(d.get("time_end", "")),
                "timed": bool(d.get("timed", False)),  # its fact is an event or a statement
            }
        )
    order = {cls.split("#")[-1]: i for i, (cls, _) in enumerate(classes())}
    legend = [
        {
            "cls": cls,
            "label": humanise(cls),
            "color": COLOURS.get(cls, "#cccccc"),
            "shape": SHAPES.get(groups[cls], "ellipse"),
            "count": counts[cls],
        }
        for cls in sorted(counts, key=lambda c: (order.get(c, len(order)), c))
    ]
    quads = sorted({e["quad"] for e in edges})
    others = sorted({e["relation"] for e in edges if e["quad"] == 0})
    named = ", ".join(others[:_LEGEND_RELATIONS]) + (
        ", …" if len(others) > _LEGEND_RELATIONS else ""
    )
    sources = sorted(
        {s for item in [*nodes, *edges] for s in str(item["sources"]).split() if s},
    )
    titles: dict[str, str] = {}
    for item in [*nodes, *edges]:
        for iri, name in zip(
            str(item["sources"]).split(), str(item["sourceTitle"]).split("; "), strict=False
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
        + sum(1 for n in nodes if n["category"] in ("Event", "Statement")),
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
    "sources": "",
    "status": "",
    "focus": False,
    "start": "",
    "end": "",
}
_EDGE_DEFAULTS = {
    "statementType": "",
    "symmetric": False,
    "arrows": "",  # a large page is drawn without arrows
    "quad": 0,
    "cameo": "",
    "start": "",
    "end": "",
    "timed": False,
}


def _source_titles(item: dict[str, Any], titles: dict[str, str]) -> str:
    return "; ".join(titles.get(s, "") for s in str(item.get("sources", "")).split())


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
            "sources": fact.get("sources", "") if e["fact"] == e["from"] else "",
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


class _NodeIds(list[Any]):
    """pyvis's list of node ids, answering `in` from a set: pyvis's add_node and add_edge ask
    `id in node_ids` for every node and edge end, which on a plain list is quadratic."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[Any] = set()

    def append(self, item: Any) -> None:
        self._seen.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._seen


def network(content: dict[str, Any]) -> Network:
    """Return the pyvis network of a page's data: one pyvis node per node, one directed pyvis
    edge per edge, in the page's order, with every field the page shows, and its options."""
    from pyvis.network import Network

    net = Network(directed=True, heading=content["title"], cdn_resources="in_line")
    net.node_ids = _NodeIds()
    for n in content["nodes"]:
        net.add_node(n["id"], **{k: v for k, v in n.items() if k != "id"})
    for e in content["edges"]:
        net.add_edge(e["from"], e["to"], **{k: v for k, v in e.items() if k not in ("from", "to")})
    net.options = content["options"]
    return net


def inlined(text: str, what: str) -> str:
    """A vendored script or stylesheet to inline in a page: without its source map comment (the
    map is not shipped), refused in one line naming `what` if it could close its element."""
    text = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", text)
    text = re.sub(r"\n?/\*# sourceMappingURL=\S* \*/\s*$", "\n", text)
    if "</script" in text.lower() or "</style" in text.lower():
        raise KgError(f"{what} cannot be inlined safely (it closes a tag)")
    return text


def _inline(text: str) -> Markup:
    """The template's `inline` filter: `inlined`, as markup."""
    from markupsafe import Markup

    return Markup(inlined(str(text), "a script or stylesheet of the page"))


def _script_json(text: str) -> Markup:
    """JSON text (pyvis's options) made safe inside a <script> block."""
    from markupsafe import Markup

    return Markup(script_safe(str(text)))


@cache
def _compiled() -> BytecodeCache:
    """Jinja's compiled templates, kept in memory between pages: pyvis makes a new Jinja
    environment for each page, which would parse the inlined vis-network script again each
    time. Jinja checks a template's source against the checksum stored with its code."""
    from jinja2 import BytecodeCache

    class Compiled(BytecodeCache):
        def __init__(self) -> None:
            self.codes: dict[str, bytes] = {}

        def load_bytecode(self, bucket: Bucket) -> None:
            code = self.codes.get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket: Bucket) -> None:
            self.codes[bucket.key] = bucket.bytecode_to_string()

    return Compiled()


def render(g: nx.MultiDiGraph, title: str) -> str:
    """Return the page for a view: one self-contained HTML document, rendered by pyvis through
    the project's template (kg/viz/templates/page.html)."""
    import pyvis
    from jinja2 import TemplateError
    from markupsafe import Markup

    content = page_data(g, title)
    net = network(content)
    view = {k: v for k, v in content.items() if k not in ("nodes", "edges", "options")}
    if content["positioned"]:  # a large page: its data compact (page.js `expand`s it)
        small = compact({**content, "nodes": net.nodes, "edges": net.edges})
        net.nodes, net.edges, view["compact"] = small["nodes"], small["edges"], True
    # The project's template first; pyvis's own directory for the vis-network files it inlines.
    net.set_template_dir(
        [str(TEMPLATES), str(Path(pyvis.__file__).parent / "templates")], "page.html"
    )
    env = net.templateEnv
    env.bytecode_cache = _compiled()
    env.filters["tojson"] = lambda value: Markup(json_for_script(value))
    env.filters["inline"] = _inline
    env.filters["script_json"] = _script_json
    env.globals["view"] = view
    try:
        return str(net.generate_html())
    except (TemplateError, OSError) as exc:
        raise KgError(
            f"the page template {TEMPLATES / 'page.html'} cannot be rendered: {exc}"
        ) from exc


def write_html(g: nx.MultiDiGraph, path: Path, title: str) -> Path:
    """Write the page for a view to `path` (UTF-8, LF line ends) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(g, title), encoding="utf-8", newline="\n")
    return path
