"""The shapes on one graph, by either engine: compiled to SPARQL (`kg.shacl`, the default) or
pySHACL (the reference, `kg.shacl.reference`), each result as a `Violation` with what tells
results apart (value, component, shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from kg import resources
from kg.prefixes import prefixed_graph
from kg.sources import parse_turtle
from kg.terms import from_ox
from kg.validation.neighbourhood import shape_reach
from kg.validation.report import Violation, order
from kg.validation.stores import to_oxigraph


def union(ds: Dataset) -> Graph:
    """Return every triple of every graph of `ds` as one graph, prefixes kept."""
    g = prefixed_graph()
    g.addN((s, p, o, g) for s, p, o, _ in ds.quads((None, None, None, None)))
    return g


ENGINES = ("compiled", "pyshacl")  # the shapes compiled to SPARQL (kg.shacl), or pySHACL


DEFAULT_ENGINE = "compiled"


def shacl(
    data: Graph, shapes_path: Path | None = None, engine: str = DEFAULT_ENGINE
) -> list[Violation]:
    """Validate `data` (ontology included) against the shapes; return the violations."""
    shapes = parse_turtle(shapes_path or resources.shapes_file())
    if engine == "pyshacl":
        found = [v for v, _focus, _extra in pyshacl_results(data, shapes)]
    else:
        nt = [data.serialize(format="nt", encoding="utf-8")]
        found = [v for v, _f, _x in compiled_results(to_oxigraph(data), nt, shapes)]
    return sorted(found, key=order)


def compiled_program(shapes: Graph) -> Any:
    """The shapes compiled to SPARQL (`kg.shacl`), warning about any left to pySHACL."""
    from kg.shacl import compiled

    return compiled(shapes, prefixed_graph().namespace_manager)


def compiled_results(
    store: Any, nt: list[bytes], shapes: Graph | None = None, program: Any = None
) -> list[tuple[Violation, Any, str]]:
    """Run the compiled shapes on a pyoxigraph store (loaded from the N-Triples `nt`); return
    each violation with its focus node (a pyoxigraph term) and what tells results apart."""
    from kg.shacl import run

    if program is None:
        assert shapes is not None
        program = compiled_program(shapes)
    nm = prefixed_graph().namespace_manager
    found = []
    for r in run(program, store, nt):
        if r.severity != str(SH.Violation):
            continue
        violation = Violation(r.check, from_ox(r.focus).n3(nm), r.path, r.message)
        value = from_ox(r.value).n3() if r.value is not None else ""
        found.append((violation, r.focus, f"{value} {r.component} {r.shape}"))
    return found


def pyshacl_results(
    data: Graph, shapes: Graph, inplace: bool = False
) -> list[tuple[Violation, Node | None, str]]:
    """Run pySHACL; return each violation with its focus node and what tells results apart.

    `inplace`: `data` is a throw-away copy, which pySHACL need not copy again.
    """
    from kg.shacl.paths import path_text
    from kg.shacl.reference import pyshacl_report

    results = pyshacl_report(data, shapes, inplace)

    nm = prefixed_graph().namespace_manager
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        if severity != SH.Violation:
            continue
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        shape = results.value(result, SH.sourceShape)
        value = results.value(result, SH.value)
        component = results.value(result, SH.sourceConstraintComponent)
        violation = Violation(
            check=_shape_name(shapes, shape, nm),
            focus=focus.n3(nm) if focus is not None else "?",
            path=path_text(results, path, nm) if path is not None else "",
            message=str(message) if message else "does not conform",
        )
        extra = f"{value.n3() if value is not None else ''} {component} {shape}"
        found.append((violation, focus, extra))
    return found


def _shape_name(shapes: Graph, shape: Node | None, nm: NamespaceManager) -> str:
    """Name a shape; a blank property shape is named after the node shape that holds it."""
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        return parent.n3(nm) if isinstance(parent, URIRef) else "shape"
    return shape.n3(nm) if shape is not None else "shape"


def split_shapes(shapes: Graph) -> tuple[Graph, Graph]:
    """The shapes with targets that read only one step from a focus node (`shape_reach`: they
    can be validated source by source), and those that read further (on the whole graph)."""
    from kg.shacl.compiler import alone, top_shapes

    if shape_reach(shapes) is not None:
        return shapes, Graph()  # all of them (the usual case: no graph is copied)
    near, far = Graph(bind_namespaces="none"), Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        near.bind(prefix, namespace)
        far.bind(prefix, namespace)
    tops = top_shapes(shapes)
    for top in tops:
        shape = alone(shapes, top, tops)
        into = near if shape_reach(shape) is not None else far
        into += shape
    return near, far
