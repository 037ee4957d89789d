"""Validation: SHACL shapes and `*-violation.rq` data checks, run in every build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from kg import resources
from kg.namespaces import PREFIXES
from kg.sources import parse_turtle


@dataclass(frozen=True)
class Violation:
    """One problem found: what check, which node, which path, what is wrong."""

    check: str
    focus: str
    path: str
    message: str

    def line(self) -> str:
        """Return the violation as one readable line."""
        where = f" {self.path}" if self.path else ""
        return f"{self.check}: {self.focus}{where}: {self.message}"


def prefixed_graph() -> Graph:
    """Return an empty graph with the project's prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def union(ds: Dataset) -> Graph:
    """Return every triple of every graph of `ds` as one graph, prefixes kept."""
    g = prefixed_graph()
    g.addN((s, p, o, g) for s, p, o, _ in ds.quads((None, None, None, None)))
    return g


def shacl(data: Graph, shapes_path: Path | None = None) -> list[Violation]:
    """Validate `data` (ontology included) against the shapes; return the violations."""
    from pyshacl import validate  # heavy: imported only when validating

    shapes = parse_turtle(shapes_path or resources.shapes_file())
    _conforms, results, _text = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(results, Graph)
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
        found.append(
            Violation(
                check=_shape_name(shapes, shape, nm),
                focus=focus.n3(nm) if focus is not None else "?",
                path=path.n3(nm) if path is not None and not isinstance(path, Graph) else "",
                message=str(message) if message else "does not conform",
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path, v.check, v.message))


def _shape_name(shapes: Graph, shape: Node | None, nm: NamespaceManager) -> str:
    """Name a shape; a blank property shape is named after the node shape that holds it."""
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        return parent.n3(nm) if isinstance(parent, URIRef) else "shape"
    return shape.n3(nm) if shape is not None else "shape"


def violation_queries(directory: Path | None = None) -> list[Path]:
    """Return the `*-violation.rq` checks of the catalog, sorted by name."""
    return sorted((directory or resources.queries_dir()).glob("*-violation.rq"))


def run_violation_queries(data: Graph, directory: Path | None = None) -> list[Violation]:
    """Run every `*-violation.rq` check on `data` (a dataset: union default graph); rows fail."""
    found = []
    for path in violation_queries(directory):
        result = data.query(path.read_text(encoding="utf-8"))
        for row in result:
            assert isinstance(row, tuple)
            values = [v.n3(data.namespace_manager) if v is not None else "" for v in row]
            focus = values[0] if values else "?"
            message = " ".join(values[1:]) or "check returned a row"
            found.append(Violation(path.stem, focus, "", message))
    return found


def validate(ds: Dataset) -> list[Violation]:
    """Run the shapes and the violation checks on the whole dataset."""
    return shacl(union(ds)) + run_violation_queries(ds)
