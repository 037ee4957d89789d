"""SHACL compiled to SPARQL: the shapes' violations found by queries on a pyoxigraph store.

`compile_shapes` turns a shapes graph into one SELECT query per constraint component of each
shape with targets (`kg.shacl.components`: one class per SHACL core component, as pySHACL has);
`run` runs them on a store whose default graph is the union of its graphs, and pySHACL on the
few shapes the compiler leaves to it (each named in a warning). pySHACL stays the reference:
`kg validate --engine pyshacl` runs it, and the tests check that both give the same results.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from kg.shacl.compiler import Program, compile_shapes
from kg.shacl.components import COMPONENTS, Check
from kg.shacl.engine import Result, run, scan_lines, union_graph
from kg.shacl.terms import Uncompilable

__all__ = [
    "COMPONENTS",
    "Check",
    "Program",
    "Result",
    "Uncompilable",
    "code_identity",
    "compile_shapes",
    "run",
    "scan_lines",
    "union_graph",
]


@functools.cache
def code_identity() -> str:
    """Identify the compiler's code (cache keys of compiled verdicts change with it)."""
    h = hashlib.sha256(b"kg.shacl 1\0")
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def compiled(shapes: Graph, nm: NamespaceManager) -> Program:
    """Compile a shapes graph, warning once per shape left to pySHACL."""
    from kg.cache import warn

    program = compile_shapes(shapes, nm)
    for node, why in program.fallback:
        name = node.n3(shapes.namespace_manager)
        warn(f"shape {name}: {why}; pySHACL validates this shape (slower)")
    return program
