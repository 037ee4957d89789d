"""Shapes to queries: each shape with targets becomes SPARQL SELECT queries for its violations.

A shape with targets (`sh:targetClass` through `rdfs:subClassOf*`, `sh:targetNode`,
`sh:targetSubjectsOf`, `sh:targetObjectsOf`, or a shape that is a class) gives one query per
constraint component of it and of its property shapes (`kg.shacl.components`). A shape that
uses something the components do not compile is named in a warning and left to pySHACL, alone
(`Program.fallback`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, NamespaceManager
from rdflib.term import Node

from kg.shacl.components import Check, Uncompilable, components_of
from kg.shacl.paths import may_be_empty, path_text, sparql_path
from kg.shacl.terms import iri, term

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_DEPTH = 16  # shapes within shapes (sh:or, sh:node, ...) deeper than this are not compiled


def describe(g: Graph, node: Node, depth: int = 0) -> str:
    """A text that identifies a node of the shapes graph by what it says (blank nodes by their
    content), the same in every run."""
    if not isinstance(node, BNode):
        return node.n3()
    memo = _MEMO.setdefault(id(g), (g, {}))[1]
    found = memo.get(node)
    if found is None:
        if depth > 24:
            return "[...]"
        parts = sorted(
            f"{p.n3()} {describe(g, o, depth + 1)}" for p, o in g.predicate_objects(node)
        )
        found = memo[node] = "[" + " ; ".join(parts) + "]"
    return found


# descriptions already written, per shapes graph (kept with the graph, so that its id is not
# reused); a graph that changes is not described again: shapes graphs are read, never edited
_MEMO: dict[int, tuple[Graph, dict[Node, str]]] = {}


@dataclass(eq=False)
class Shape:
    """A node or property shape being compiled: what its queries share."""

    sg: Graph
    node: Node
    nm: NamespaceManager
    key: str  # identifies the shape in results (a blank shape by its content)
    name: str  # the shape named in reports (a blank property shape: its node shape)
    target: str = ""  # a SPARQL group binding ?this to each focus node ("": none)
    top: str = ""  # the key of the shape with the targets (its checks are screened together)
    depth: int = 0
    path: Node | None = None
    sparql: str = ""  # the path as a SPARQL property path
    text: str = ""  # the path as report text
    zero: bool = False  # the path can be of length zero (`*`, `?`)
    message: str | None = None
    severity: URIRef = SH.Violation
    checks: list[Check] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.path = self.sg.value(self.node, SH.path)
        if self.path is not None:
            self.sparql = sparql_path(self.sg, self.path)
            self.text = path_text(self.sg, self.path, self.nm)
            self.zero = may_be_empty(self.sg, self.path)
        messages = sorted(str(m) for m in self.sg.objects(self.node, SH.message))
        self.message = messages[0] if messages else None
        severity = self.sg.value(self.node, SH.severity)
        if isinstance(severity, URIRef):
            self.severity = severity

    # --- queries ---------------------------------------------------------------------------

    def _check(
        self, component: URIRef, query: str, keep: Any = None, screen: str | None = None
    ) -> Check:
        return Check(self, component, query, keep, screen=screen)

    def _focus(self) -> str:
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self.target} }} }}"

    def value_check(
        self,
        component: URIRef,
        cond: str,
        keep: Any = None,
        extra: str = "",
    ) -> Check:
        """A query for the values (`?value`) for which `cond` holds (`keep`: a test of each
        value in Python, after the query), and its per-focus screen."""
        if self.path is None:
            body = f"{self.target} BIND(?this AS ?value) {extra} FILTER({cond})"
            screen = f"EXISTS {{ BIND(?this AS ?value) {extra} FILTER({cond}) }}"
        elif self.zero:
            screen = f"EXISTS {{ ?this {self.sparql} ?value . {extra} FILTER({cond}) }}"
            body = f"{self._focus()} ?this {self.sparql} ?value . {extra} FILTER({cond})"
        else:
            screen = f"EXISTS {{ ?this {self.sparql} ?value . {extra} FILTER({cond}) }}"
            body = (
                f"?this {self.sparql} ?value . {extra} FILTER({cond}) "
                f"FILTER EXISTS {{ {self.target} }}"
            )
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {body} }}"
        if keep is not None:
            return self._check(component, query, keep)
        prescreen = None
        if self.path is not None and not self.zero:
            where = f"?this {self.sparql} ?value . {extra} FILTER({cond})"
            prescreen = f"SELECT ?this WHERE {{ {where} }} LIMIT 1"
        return Check(self, component, query, screen=screen, prescreen=prescreen)

    def count_check(
        self, component: URIRef, cond: str, test: str, at_least_one: bool = False, var: str = "?_v"
    ) -> Check:
        """A query for the focus nodes whose number of values (those for which `cond` holds)
        fails `test` (`< n`, `> n`)."""
        values = f"?this {self.sparql} {var} ." + (f" FILTER({cond})" if cond else "")
        if at_least_one:
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {self._focus()} "
                f"FILTER NOT EXISTS {{ {values} }} }}"
            )
        elif test.startswith("<"):
            query = (
                f"SELECT ?this WHERE {{ {self._focus()} OPTIONAL {{ {values} }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT {var}) {test})"
            )
        else:
            where = (
                f"{self._focus()} {values}"
                if self.zero
                else f"{values} FILTER EXISTS {{ {self.target} }}"
            )
            query = (
                f"SELECT ?this WHERE {{ {where} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT {var}) {test})"
            )
        prescreen = None
        if test.startswith(">") and not cond and not self.zero:
            prescreen = (
                f"SELECT ?this WHERE {{ ?this {self.sparql} {var} . }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT {var}) {test}) LIMIT 1"
            )
        screen = self._count_screen(cond, test, var)
        return Check(self, component, query, screen=screen, prescreen=prescreen)

    def _count_screen(self, cond: str, test: str, var: str) -> str | None:
        """A per-focus expression for a count test of 1 or 2 (None: the query alone)."""
        op, n = test.split()
        wanted = {"<": int(n) - 1, ">": int(n)}[op] + 1  # values that make (or break) it
        if wanted not in (1, 2, 3) or (op == "<" and wanted > 2):
            return None
        names = ["?_a", "?_b", "?_c"][:wanted]
        tests = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        if cond:
            tests += [f"({cond.replace(var, a)})" for a in names]
        where = f"?this {self.sparql} {', '.join(names)} ."
        if tests:
            where += f" FILTER({' && '.join(tests)})"
        return f"{'NOT ' if op == '<' else ''}EXISTS {{ {where} }}"

    def scan_check(self, component: URIRef, predicate: URIRef, datatype: Node) -> Check:
        """A check of the datatype of a predicate's values, read from N-Triples; the query
        tells whether a node is a focus node."""
        query = f"SELECT ?this WHERE {{ {self.target} }} LIMIT 1"
        return Check(self, component, query, scan=(str(predicate), str(datatype)))

    def has_check(self, component: URIRef, wanted: str) -> Check:
        """A query for the focus nodes without the value `wanted`."""
        if self.path is None:
            return self.value_check(component, f"!sameTerm(?this, {wanted})")
        missing = f"NOT EXISTS {{ ?this {self.sparql} {wanted} }}"
        query = f"SELECT DISTINCT ?this WHERE {{ {self._focus()} FILTER {missing} }}"
        return self._check(component, query, screen=missing)

    def conforms_to(self, shape: Node, var: str) -> str:
        """A SPARQL expression true when `var` conforms to another shape (sh:or, sh:node ...)."""
        if self.depth >= _DEPTH:
            raise Uncompilable("shapes nested too deep (or recursive)")
        if (shape, SH.deactivated, Literal(True)) in self.sg:
            return "true"
        if (shape, SH.path, None) in self.sg or (shape, SH.property, None) in self.sg:
            raise Uncompilable("a property shape inside a logical or qualified constraint")
        inner = Shape(self.sg, shape, self.nm, self.key, self.name, depth=self.depth + 1)
        held = [c.holds(var) for c in components_of(inner)]
        return "(" + " && ".join(held) + ")" if held else "true"


def _targets(sg: Graph, node: Node) -> str:
    """The SPARQL group that binds ?this to each focus node of a shape ("" if it has none)."""
    if (node, SH.target, None) in sg:
        raise Uncompilable("sh:target (a SPARQL-based target) is not compiled")
    groups = []
    classes = set(sg.objects(node, SH.targetClass))
    if (node, RDF.type, RDFS.Class) in sg:
        classes.add(node)  # an implicit class target
    for c in sorted(classes, key=str):
        # the class and its subclasses, found once per store (`kg.shacl.engine`)
        groups.append(f"VALUES ?_class {{ %%VALUES {iri(c)}%% }} ?this {iri(RDF.type)} ?_class .")
    for n in sorted(sg.objects(node, SH.targetNode), key=str):
        groups.append(f"VALUES ?this {{ {term(n)} }}")
    for p in sorted(sg.objects(node, SH.targetSubjectsOf), key=str):
        groups.append(f"?this {iri(p)} ?_target .")
    for p in sorted(sg.objects(node, SH.targetObjectsOf), key=str):
        groups.append(f"?_target {iri(p)} ?this .")
    if len(groups) == 1:
        return groups[0]
    return " UNION ".join(f"{{ {g} }}" for g in groups)


def top_shapes(sg: Graph) -> list[Node]:
    """The shapes with targets (explicit, or a shape that is a class), sorted."""
    found: set[Node] = set()
    for p in TARGETS:
        found.update(sg.subjects(p, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for s in sg.subjects(RDF.type, kind):
            if (s, RDF.type, RDFS.Class) in sg:
                found.add(s)
    return sorted(found, key=lambda n: describe(sg, n))


def alone(sg: Graph, top: Node, tops: list[Node] | None = None) -> Graph:
    """A shape with targets and all it refers to (its property shapes, lists, the shapes it
    names), without the targets of any other shape: what validates `top` alone. `tops`: the
    shapes with targets (`top_shapes`), if known."""
    others = set(top_shapes(sg) if tops is None else tops) - {top}
    out = Graph(bind_namespaces="none")
    seen: set[Node] = set()
    todo = [top]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in sg.predicate_objects(node):
            if node in others and (p in TARGETS or (p == RDF.type and o == RDFS.Class)):
                continue
            out.add((node, p, o))
            if isinstance(o, (BNode, URIRef)) and (o, None, None) in sg:
                todo.append(o)
    return out


def _name(sg: Graph, node: Node, nm: NamespaceManager) -> str:
    """Name a shape in reports; a blank property shape after the node shape that holds it."""
    if isinstance(node, BNode):
        parent = sg.value(None, SH.property, node)
        return parent.n3(nm) if isinstance(parent, URIRef) else "shape"
    return node.n3(nm)


@dataclass
class Program:
    """The compiled shapes: checks to run as SPARQL, shapes left to pySHACL (with why)."""

    shapes: Graph
    checks: list[Check]
    fallback: list[tuple[Node, str]]
    keys: dict[Node, str]  # every shape's key (for pySHACL's results on the fallback shapes)
    names: dict[Node, str]
    digest: str  # identifies the shapes graph and the compiler's output


def compile_shapes(sg: Graph, nm: NamespaceManager) -> Program:
    """Compile a shapes graph into queries; name each shape that cannot be compiled."""
    checks: list[Check] = []
    fallback: list[tuple[Node, str]] = []
    keys: dict[Node, str] = {}
    names: dict[Node, str] = {}
    seen: dict[str, int] = {}
    tops = top_shapes(sg)

    def key_of(node: Node, parent: str) -> str:
        if not isinstance(node, BNode):
            return str(node)
        text = describe(sg, node)
        base = f"{parent} {hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"
        seen[base] = seen.get(base, 0) + 1
        return base if seen[base] == 1 else f"{base}.{seen[base]}"

    for top in tops:
        if (top, SH.deactivated, Literal(True)) in sg:
            continue
        key = key_of(top, "")
        keys[top], names[top] = key, _name(sg, top, nm)
        children = sorted(sg.objects(top, SH.property), key=lambda n: describe(sg, n))
        for child in children:
            keys[child] = key_of(child, key)
            names[child] = _name(sg, child, nm)
        try:
            found: list[Check] = []
            target = _targets(sg, top)
            shape = Shape(sg, top, nm, key, names[top], target=target, top=key)
            for component in components_of(shape):
                found += component.checks()
            for child in children:
                if (child, SH.deactivated, Literal(True)) in sg:
                    continue
                if (child, SH.property, None) in sg:
                    raise Uncompilable("a property shape with property shapes of its own")
                inner = Shape(sg, child, nm, keys[child], names[child], target=target, top=key)
                if inner.path is None:
                    raise Uncompilable("a property shape without sh:path")
                for component in components_of(inner):
                    found += component.checks()
            checks += found
        except Uncompilable as exc:
            fallback.append((top, str(exc)))
    digest = hashlib.sha256()
    # what the shapes say (a pattern, a message), blank nodes by their content
    lines = {f"{describe(sg, s)} {p.n3()} {describe(sg, o)}" for s, p, o in sg}
    for line in sorted(lines):
        digest.update(line.encode("utf-8") + b"\n")
    for check in checks:
        digest.update(f"{check.shape.key}\0{check.component}\0{check.query}\n".encode())
    for node, why in fallback:
        digest.update(f"fallback {keys[node]} {why}\n".encode())
    return Program(sg, checks, fallback, keys, names, digest.hexdigest())
