"""The cost of the entailed types (issue 23): what the class hierarchy adds to the graph.

Every node carries the types its class's superclasses give (`kg.derive.entailed_types`, in the
derived graph). Per size, `make bench` measures: the quads this adds and their share of the
dataset, the time of the entailment step alone (the same function over the same graphs the
build runs it on: the ontology, the registry and each source), and on raw pyoxigraph the simple
form `?x a kg:Fact` (and `kg:Event`) against the path form `?x a/rdfs:subClassOf* kg:Fact` an
analyst had to write before, both `SELECT DISTINCT` and checked to give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KG = "https://w3id.org/scs-kg/ontology#"
RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"

# (label, simple form, path form): the same rows, the second without the entailed types
FORMS = [
    (
        "Fact",
        f"SELECT DISTINCT ?x WHERE {{ ?x a <{KG}Fact> }}",
        f"SELECT DISTINCT ?x WHERE {{ ?x a/{RDFS_SUBCLASS}* <{KG}Fact> }}",
    ),
    (
        "Event",
        f"SELECT DISTINCT ?x WHERE {{ ?x a <{KG}Event> }}",
        f"SELECT DISTINCT ?x WHERE {{ ?x a/{RDFS_SUBCLASS}* <{KG}Event> }}",
    ),
]


def bench_entailment_step(
    built: Any, median_time: Callable[..., tuple[float, Any]], repeat: int
) -> dict[str, Any]:
    """The entailed `rdf:type` triples of a build: how many, and the step's time (median)."""
    from kg.derive import entailed_types, superclasses
    from kg.namespaces import DERIVED_GRAPH, ONTOLOGY_GRAPH

    shared = [p.load() for p in built.shared if p.name != DERIVED_GRAPH]
    ontology = next(p.load() for p in built.shared if p.name == ONTOLOGY_GRAPH)
    graphs = [*shared, *(unit.graph.load() for unit in built.units)]

    def step() -> set[Any]:
        supers = superclasses(ontology)
        return {t for g in graphs for t in entailed_types(g, supers)}

    took, entailed = median_time(step, repeat)
    return {"entailed_quads": len(entailed), "entailment_step_s": took}


def bench_entailment_queries(
    store: Any, paired_median: Callable[..., tuple[float, float, Any]], repeat: int
) -> list[dict[str, Any]]:
    """`?x a kg:C` against `?x a/rdfs:subClassOf* kg:C` on a pyoxigraph store (medians, ms)."""

    def run(text: str) -> list[Any]:
        return list(store.query(text, use_default_graph_as_union=True))

    rows = []
    for label, simple, path in FORMS:
        t_simple, t_path, found = paired_median(
            lambda q=simple: run(q), lambda q=path: run(q), repeat
        )
        by_path = run(path)
        assert {r[0] for r in found} == {r[0] for r in by_path}, f"{label}: the forms differ"
        rows.append(
            {"class": label, "rows": len(found), "simple_ms": t_simple * 1000,
             "path_ms": t_path * 1000}
        )  # fmt: skip
    return rows


def markdown(sizes: list[dict[str, Any]]) -> list[str]:
    """The table of the entailed types' cost, per size."""
    rows = [s for s in sizes if "entailed_quads" in s]
    if not rows:
        return []
    lines = [
        "## The entailed types: their cost (issue 23)",
        "",
        "Quads the class hierarchy adds to the derived graph (`kg.derive.entailed_types`), "
        "their share of the dataset, the entailment step alone (the same function over the "
        "ontology, the registry and every source, median) against the whole build, and on raw "
        "pyoxigraph `SELECT DISTINCT ?x WHERE { ?x a kg:C }` against the path form "
        "`?x a/rdfs:subClassOf* kg:C` (same rows, checked), ms.",
        "",
        "| size | quads | entailed quads | share | entailment step s | build s | "
        "`a kg:Fact` ms | path form ms | `a kg:Event` ms | path form ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in rows:
        forms = {f["class"]: f for f in s.get("entailment_queries", [])}
        cells = []
        for label in ("Fact", "Event"):
            f = forms.get(label)
            cells += (
                [f"{f['simple_ms']:.2f} ({f['rows']:,} rows)", f"{f['path_ms']:.2f}"]
                if f
                else ["", ""]
            )
        lines.append(
            f"| {s['size']} | {s['quads']:,} | {s['entailed_quads']:,} | "
            f"{100 * s['entailed_quads'] / s['quads']:.1f} % | {s['entailment_step_s']:.2f} | "
            f"{s['build_only_s']:.1f} | " + " | ".join(cells) + " |"
        )
    return [*lines, ""]
