"""Validation: SHACL shapes and `*-violation.rq` data checks, run in every build.

Two engines check the shapes: "compiled" (the default: the shapes as SPARQL queries, `kg.shacl`,
on pyoxigraph stores) and "pyshacl" (pySHACL, the reference). Both give the same violations
(tests/test_compiled_validation_matches_pyshacl.py); the compiled one reads no rdflib terms.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, NamespaceManager
from rdflib.term import Node

from kg import resources
from kg.build import Built, add_parts, content_digest
from kg.cache import Cache, Entry, all_of, hash_parts, json_shaped, open_cache
from kg.catalog import load_query
from kg.errors import InputError
from kg.namespaces import DERIVED_GRAPH, FACT, SRC, owner
from kg.parallel import ordered, workers_for
from kg.prefixes import prefixed_graph
from kg.progress import progress
from kg.sources import parse_turtle
from kg.terms import cached_to_ox, from_ox


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
        found = [v for v, _focus, _extra in _shacl_results(data, shapes)]
    else:
        nt = [data.serialize(format="nt", encoding="utf-8")]
        found = [v for v, _f, _x in _compiled_results(to_oxigraph(data), nt, shapes)]
    return sorted(found, key=_order)


def _program(shapes: Graph) -> Any:
    """The shapes compiled to SPARQL (`kg.shacl`), warning about any left to pySHACL."""
    from kg.shacl import compiled

    return compiled(shapes, prefixed_graph().namespace_manager)


def _compiled_results(
    store: Any, nt: list[bytes], shapes: Graph | None = None, program: Any = None
) -> list[tuple[Violation, Any, str]]:
    """Run the compiled shapes on a pyoxigraph store (loaded from the N-Triples `nt`); return
    each violation with its focus node (a pyoxigraph term) and what tells results apart."""
    from kg.shacl import run

    if program is None:
        assert shapes is not None
        program = _program(shapes)
    nm = prefixed_graph().namespace_manager
    found = []
    for r in run(program, store, nt):
        if r.severity != str(SH.Violation):
            continue
        violation = Violation(r.check, from_ox(r.focus).n3(nm), r.path, r.message)
        value = from_ox(r.value).n3() if r.value is not None else ""
        found.append((violation, r.focus, f"{value} {r.component} {r.shape}"))
    return found


def _order(v: Violation) -> tuple[str, str, str, str]:
    return (v.focus, v.path, v.check, v.message)


def _shacl_results(
    data: Graph, shapes: Graph, inplace: bool = False
) -> list[tuple[Violation, Node | None, str]]:
    """Run pySHACL; return each violation with its focus node and what tells results apart.

    `inplace`: `data` is a throw-away copy, which pySHACL need not copy again.
    """
    from pyshacl import validate  # heavy: imported only when validating

    _conforms, results, _text = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=inplace,
    )
    assert isinstance(results, Graph)
    from kg.shacl.paths import path_text

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


def violation_queries(directory: Path | None = None) -> list[Path]:
    """Return the `*-violation.rq` checks of the catalog, sorted by name."""
    return sorted((directory or resources.queries_dir()).glob("*-violation.rq"))


def to_oxigraph(data: Graph) -> Any:
    """Copy a dataset (graphs kept) or a graph (into the default graph) into a pyoxigraph store."""
    import pyoxigraph as ox  # imported only when validating

    term = cached_to_ox()

    store = ox.Store()
    if isinstance(data, Dataset):
        quads = (
            ox.Quad(term(s), term(p), term(o), ox.DefaultGraph() if g is None else term(_name(g)))
            for s, p, o, g in data.quads((None, None, None, None))
        )
    else:
        quads = (ox.Quad(term(s), term(p), term(o)) for s, p, o in data)
    store.extend(quads)
    return store


def _name(g: Graph | Node) -> Node:
    return g.identifier if isinstance(g, Graph) else g


def run_violation_queries(data: Graph, directory: Path | None = None) -> list[Violation]:
    """Run every `*-violation.rq` check on `data` (a dataset: union default graph); rows fail.

    The checks run on pyoxigraph (the data is copied into an in-memory store), whose results are
    the same as rdflib's and which stays fast on large graphs.
    """
    paths = violation_queries(directory)
    if not paths:
        return []
    return _run_checks(to_oxigraph(data), paths, data.namespace_manager)


def _run_checks(store: Any, paths: list[Path], nm: NamespaceManager) -> list[Violation]:
    """Run `*-violation.rq` checks on a pyoxigraph store (union default graph); rows fail."""
    found = []
    for path in paths:
        result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        for solution in result:
            values = [
                from_ox(solution[i]).n3(nm) if solution[i] is not None else ""
                for i in range(len(result.variables))
            ]
            focus = values[0] if values else "?"
            message = " ".join(values[1:]) or "check returned a row"
            found.append(Violation(path.stem, focus, "", message))
    return found


# --- SHACL on a large dataset: in chunks of graphs, each chunk's verdicts cached ------------
#
# The shapes only look one step from a focus node: its own values on plain or inverse paths
# (and alternatives of those), and the values' types (sh:class, through the ontology's
# rdfs:subClassOf). So a node's verdict depends only on the triples with it as subject (for
# the predicates the shapes use), the triples with it as object (for inverse paths and
# sh:targetObjectsOf), and the types of its values. A chunk of named graphs is validated with
# the shared graphs (ontology, entities) and exactly those triples from outside the chunk, and
# only the verdicts on nodes the chunk owns are kept: its subjects and the objects of its
# target predicates. This gives the same results as validating the union; shapes that look
# further (sh:node, sequence or repeated paths, SPARQL, sh:closed) make `validate` fall back to
# the union. A chunk's verdicts are cached by the content of what it validated, so a rebuild
# after editing one source validates again only that source's chunk.

CACHE_VERSION = "1"
SOURCES_PER_CHUNK = 200
_DEEP = {
    SH.node,
    SH.rule,  # SHACL rules and SPARQL-based constraint components read anything
    SH.parameter,
    SH.select,
    SH.ask,
    SH.sparql,
    SH.closed,
    SH.target,
    SH.targetNode,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
    SH.qualifiedValueShapesDisjoint,
}
_PAIRS = (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint)


def shape_reach(shapes: Graph) -> tuple[set[Node], set[Node]] | None:
    """Return the predicates the shapes follow forward and backward, or None if they reach
    further than one step from a focus node."""
    from rdflib.collection import Collection

    if any(p in _DEEP for p in shapes.predicates()):
        return None
    forward: set[Node] = {RDF.type}
    inverse: set[Node] = set()

    def path(node: Node) -> bool:
        if isinstance(node, URIRef):
            forward.add(node)
            return True
        inv = shapes.value(node, SH.inversePath)
        if isinstance(inv, URIRef):
            inverse.add(inv)
            return True
        alt = shapes.value(node, SH.alternativePath)
        if alt is not None:
            return all(path(item) for item in Collection(shapes, alt))
        return False  # a sequence path or anything else: more than one step

    off = Literal(True)
    for prop, node in shapes.subject_objects(SH.path):
        holders = [prop, *shapes.subjects(SH.property, prop)]
        if any((h, SH.deactivated, off) in shapes for h in holders):
            continue  # a deactivated shape validates nothing (it only describes, `kg.shapes`)
        if not path(node):
            return None
    for shape in shapes.objects(None, SH.property):
        if (shape, SH.property, None) in shapes:
            return None  # a property shape with its own property shapes: two steps
    for value_shape in shapes.objects(None, SH.qualifiedValueShape):
        if (value_shape, SH.path, None) in shapes or (value_shape, SH.property, None) in shapes:
            return None
    for pair in _PAIRS:
        forward.update(shapes.objects(None, pair))
    forward.update(shapes.objects(None, SH.targetSubjectsOf))
    inverse.update(shapes.objects(None, SH.targetObjectsOf))
    return forward, inverse


def _term_key(t: Node) -> str:
    if isinstance(t, Literal):
        return t.n3()
    return ("_:" if isinstance(t, BNode) else "<") + str(t)


def _digest_triples(triples: Any) -> str:
    import hashlib

    lines = sorted(f"{_term_key(s)} {_term_key(p)} {_term_key(o)}" for s, p, o in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _row_ok(row: Any) -> bool:
    return isinstance(row, list) and len(row) == 5 and all(isinstance(x, str) for x in row)


_ROWS_OK = json_shaped(lambda rows: all_of(rows, _row_ok))
_ENTRY_OK = json_shaped(lambda entry: _entry_ok(entry))


def _entry_ok(entry: Any) -> bool:
    """Whether a cached per-source verdict has the shape `validate_built` writes."""
    return (
        isinstance(entry, dict)
        and set(entry) == {"k", "r", "subclass", "shacl", "checks"}
        and all_of(entry["k"], lambda x: isinstance(x, str))
        and all_of(entry["r"], lambda x: isinstance(x, str))
        and isinstance(entry["subclass"], bool)
        and all_of(entry["shacl"], _row_ok)
        and isinstance(entry["checks"], dict)
        and all(isinstance(k, str) and type(v) is int for k, v in entry["checks"].items())
    )


def shacl_dataset(
    ds: Dataset,
    shapes_path: Path | None = None,
    cache: Cache | Path | None = None,
    chunk: int = 0,
) -> list[Violation]:
    """Validate every graph of `ds` against the shapes, in chunks of graphs, with a cache.

    The result is the same as `shacl(union(ds))`. `chunk` is the number of source graphs per
    chunk (default SOURCES_PER_CHUNK); `cache` holds the verdicts (a folder, or None: none).
    """
    if isinstance(cache, Path):
        cache = open_cache(cache)

    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.namespaces import ENTITIES_GRAPH, ONTOLOGY_GRAPH

    shapes_file = shapes_path or resources.shapes_file()
    shapes = parse_turtle(shapes_file)
    reach = shape_reach(shapes)
    if reach is None:
        return shacl(union(ds), shapes_path)
    forward, inverse = reach
    targets_of = set(shapes.objects(None, SH.targetObjectsOf))
    graphs: dict[Node, Graph] = {g.identifier: g for g in ds.graphs() if len(g)}
    # every graph's triples, read once (reading a graph of a large dataset is slow in rdflib)
    triples_of: dict[Node, list[tuple[Node, Node, Node]]] = {gid: [] for gid in graphs}
    for s, p, o, graph in ds.quads((None, None, None, None)):
        name: Node | None = graph.identifier if isinstance(graph, Graph) else graph
        if name is None:
            name = DATASET_DEFAULT_GRAPH_ID
        if name in triples_of:
            triples_of[name].append((s, p, o))
    shared_ids: list[Node] = [i for i in (ONTOLOGY_GRAPH, ENTITIES_GRAPH) if i in graphs]
    member_ids: list[Node] = sorted((i for i in graphs if i not in shared_ids), key=str)

    # where each node has its forward triples and its inverse (object) triples
    by_subject: dict[Node, set[Node]] = {}
    by_object: dict[Node, set[Node]] = {}
    subclass: list[tuple[Node, Node, Node]] = []
    for graph_id, triples in triples_of.items():
        for s, p, o in triples:
            if p in forward:
                by_subject.setdefault(s, set()).add(graph_id)
            if p in inverse:
                by_object.setdefault(o, set()).add(graph_id)
            if p == RDFS.subClassOf and graph_id not in shared_ids:
                subclass.append((s, p, o))

    size = chunk or SOURCES_PER_CHUNK
    chunks = [member_ids[i : i + size] for i in range(0, len(member_ids), size)]
    chunks.append([])  # the shared graphs' own nodes
    base = hashlib.sha256()
    for part in (CACHE_VERSION, _pyshacl_version(), shapes_file.read_bytes().hex()):
        base.update(part.encode("utf-8"))
    for gid in shared_ids:
        base.update(_digest_triples(triples_of[gid]).encode("ascii"))

    found: dict[tuple[Violation, str], Violation] = {}
    with progress("validating shapes", len(chunks)) as step:
        for ids in chunks:
            inside = set(ids) | set(shared_ids)
            owned: set[Node] = set()
            for gid in ids or shared_ids:
                for s, p, o in triples_of[gid]:
                    owned.add(s)
                    if p in targets_of:
                        owned.add(o)
            extra = set(subclass)
            values: set[Node] = set()
            for node in owned:
                for gid in by_subject.get(node, set()) - inside:
                    for p, o in graphs[gid].predicate_objects(node):
                        if p in forward:
                            extra.add((node, p, o))
                for gid in by_object.get(node, set()) - inside:
                    for x, p in graphs[gid].subject_predicates(node):
                        if p in inverse:
                            extra.add((x, p, node))
                            values.add(x)
            for gid in ids:
                values.update(o for _s, p, o in triples_of[gid] if p in forward)
            values.update(o for _s, _p, o in extra)
            for value in values:
                if isinstance(value, Literal):
                    continue
                for gid in by_subject.get(value, set()) - inside:
                    for cls in graphs[gid].objects(value, RDF.type):
                        extra.add((value, RDF.type, cls))

            key = base.copy()
            for gid in ids:
                key.update(f"{gid} {_digest_triples(triples_of[gid])}".encode())
            key.update(_digest_triples(extra).encode("ascii"))
            cached = cache.entry("shacl", key.hexdigest(), ".json") if cache else None
            body = cached.read(_ROWS_OK) if cached is not None else None
            if body is not None:
                rows = json.loads(body)
                results = [(Violation(*row[:4]), row[4]) for row in rows]
            else:
                data = prefixed_graph()
                for gid in [*shared_ids, *ids]:
                    data.addN((s, p, o, data) for s, p, o in triples_of[gid])
                data.addN((s, p, o, data) for s, p, o in extra)
                results = [
                    (v, extra_key)
                    for v, focus, extra_key in _shacl_results(data, shapes, inplace=True)
                    if focus in owned
                ]
                if cached is not None:
                    rows = [[v.check, v.focus, v.path, v.message, k] for v, k in results]
                    cached.write(json.dumps(rows).encode("utf-8"))
            for v, extra_key in results:
                found[(v, extra_key)] = v
            step()
    return sorted(found.values(), key=_order)


def _pyshacl_version() -> str:
    from importlib.metadata import version

    return version("pyshacl")


def _cache_of(built: Built, cache: Cache | Path | bool | None) -> Cache | None:
    """The cache of the verdicts: True for the build's own (None if it has none)."""
    if isinstance(cache, Cache):
        return cache
    if not cache:
        return None
    if cache is True:
        return built.cache
    return open_cache(cache)


def validate(
    built: Built, cache: Cache | Path | bool | None = True, engine: str = DEFAULT_ENGINE
) -> list[Violation]:
    """Run the shapes and the violation checks on a build's product, source by source.

    `cache`: True for the build's cache, a cache or its folder, or None/False. Each source's
    verdicts are cached by the content validated (`validate_built`); when the sources are not
    on their own, the whole dataset is validated (`validate_whole`). `engine`: "compiled" (the
    shapes as SPARQL queries on pyoxigraph, `kg.shacl`) or "pyshacl".
    """
    return validate_built(built, _cache_of(built, cache), engine=engine)


def validate_whole(
    built: Built, cache: Cache | Path | bool | None = None, engine: str = DEFAULT_ENGINE
) -> list[Violation]:
    """Run the shapes on the whole dataset and the violation checks on its store: the verdicts
    `validate` gives, without reading sources alone.

    `cache`: True for the build's cache, a cache or its folder, or None/False. With pySHACL the
    dataset is validated in chunks of graphs (`shacl_dataset`); compiled, the queries run once
    on the store of every graph, its verdicts cached by the graph's content.
    """
    if engine == "pyshacl":
        ds = built.dataset
        found = shacl_dataset(ds, cache=_cache_of(built, cache))
        with progress("running data checks", 2) as step:
            step()
            found += run_violation_queries(ds)
            step()
        return found
    program = _program(parse_turtle(resources.shapes_file()))
    with progress("validating the whole graph", 3) as step:
        store = built.store()
        step()
        rows = _whole_rows(built, program, _cache_of(built, cache), store)
        step()
        unique: dict[tuple[Violation, str], Violation] = {}
        for row in rows:
            v = Violation(*row[:4])
            unique[(v, row[4])] = v
        result = sorted(unique.values(), key=_order)
        paths = violation_queries()
        result += _run_checks(store, paths, built.empty_dataset().namespace_manager)
        step()
    return result


def _whole_rows(
    built: Built, program: Any, cache: Cache | None, store: Any = None
) -> list[list[str]]:
    """The compiled shapes' verdicts on the whole graph (a store of every part), cached by the
    content validated (a graph made in rdflib has no source digests) and the queries."""
    nt = [part.nt() for part in built.parts()]
    key = _key(CACHE_VERSION, _compiler_identity(), program.digest)
    key.update(content_digest(*nt).encode("ascii"))
    entry = cache.entry("shacl", key.hexdigest(), ".json") if cache is not None else None
    rows = _read_entry(entry, _ROWS_OK)
    if rows is None:
        store = store if store is not None else built.store()
        rows = [
            [v.check, v.focus, v.path, v.message, extra]
            for v, _focus, extra in _compiled_results(store, nt, program=program)
        ]
        if entry is not None:
            entry.write(json.dumps(rows).encode("utf-8"))
    return rows


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


def _compiler_identity() -> str:
    from kg.shacl import code_identity

    return code_identity()


# --- Validation of a build, source by source, each source's verdicts cached ----------------
#
# A node's verdict depends only on its neighbourhood (see above): the triples with it as
# subject or (inverse paths) object, and its values' types. A source's share of the dataset
# (its graph and the edges derived from it alone) is "on its own" when no node of that
# neighbourhood is described anywhere else but in the shared graphs: no other source has a
# triple with one of its nodes as subject (for the predicates the shapes read) or as object
# (inverse paths), and the shared graphs mention none of its described nodes. When every source
# is on its own, validating each source with the shared graphs gives exactly the verdicts of
# the union on the nodes it owns, and those verdicts depend only on its own content, the
# shared graphs and the shapes: they are cached under that key, so a rebuild after an edit
# validates only the edited source. Each source keeps, with its verdicts, the nodes of its
# neighbourhood that are not in its own namespace (`fact:SLUG/`, `src:SLUG`), which is all it
# takes to check that every source is on its own; when one is not (or the shapes reach further,
# or direct edges join facts of several sources), the whole dataset is validated as above.
#
# The `*-violation.rq` checks whose header says `#+ scope: source` (`kg.catalog.SCOPES`, each
# query says why) run on each source alone with the shared graphs: a source with no row has none
# in the union, and any row found is checked again on the whole store. The others run on the
# whole store always.


def per_source_checks(checks: list[Path]) -> frozenset[str]:
    """Return the names of the checks whose header lets them run source by source."""
    return frozenset(path.stem for path in checks if load_query(path).scope == "source")


def _key(*parts: str | bytes) -> hashlib._Hash:
    return hash_parts(hashlib.sha256(), *parts)


def _neighbourhood(
    slug: str,
    g: list[tuple[Node, Node, Node]],
    forward: set[Node],
    inverse: set[Node],
    targets_of: set[Node],
) -> tuple[set[Node], dict[str, Any]]:
    """Return the nodes a source owns and its summary: described (k) and read (r) nodes outside
    its own namespace, and whether it has subclass triples."""
    owned: set[Node] = set()
    described: set[Node] = set()
    read: set[Node] = set()
    subclass = False
    for s, p, o in g:
        owned.add(s)
        if p in targets_of:
            owned.add(o)
        if p in forward:
            described.add(s)
            if not isinstance(o, Literal):
                read.add(o)
        if p in inverse:
            described.add(o)
            read.add(s)
        if p == RDFS.subClassOf:
            subclass = True
    read |= owned

    def foreign(nodes: set[Node]) -> list[str]:
        keys = (_term_key(n) for n in nodes)
        return sorted(k for k in keys if k.startswith("_:") or owner(k[1:]) != slug)

    return owned, {"k": foreign(described), "r": foreign(read), "subclass": subclass}


def _on_their_own(slugs: list[str], summaries: list[dict[str, Any]], shared: Graph) -> bool:
    """Whether every source's neighbourhood is its own (see above)."""
    known = set(slugs)
    described: dict[str, set[str]] = {}
    for slug, summary in zip(slugs, summaries, strict=True):
        if summary["subclass"]:
            return False
        for node in [*summary["k"], *summary["r"]]:
            home = owner(node[1:]) if node.startswith("<") else None
            if home in known and home != slug:
                return False  # it reads or describes another source's node
        for node in summary["k"]:
            described.setdefault(node, set()).add(slug)
    for slug, summary in zip(slugs, summaries, strict=True):
        for node in summary["r"]:
            if described.get(node, {slug}) - {slug}:
                return False
    for t in {t for triple in shared for t in triple if not isinstance(t, Literal)}:
        node = _term_key(t)
        if node in described or (isinstance(t, URIRef) and owner(str(t)) in known):
            return False
    return True


def check_sources(
    built: Built,
    todo: list[int],
    shapes: Graph,
    checks: list[Path],
    shared: Graph,
    reach: tuple[set[Node], set[Node]],
    program: Any = None,
    narrow: bool | None = None,
) -> dict[int, dict[str, Any]]:
    """Validate the sources `todo` (indices into `built.units`), each with the shared graphs;
    return each one's neighbourhood summary (`_neighbourhood`), SHACL verdicts and number of
    rows per per-source check.

    `program`: the compiled shapes (`kg.shacl`), run as queries on a store per chunk of
    sources (`_check_compiled`); None: pySHACL validates the sources chunk by chunk. `narrow`:
    whether the compiled engine counts a check's rows only on the sources with something it
    needs (`kg.validation.needs`); None: when there are NEEDS_FROM sources or more.

    The sources are read chunk by chunk and let go once validated, so that memory holds one
    chunk per worker (`kg.parallel`), not the corpus. pySHACL gets only the triples whose
    predicate a shape reads (the shapes' paths, `rdf:type` and `rdfs:subClassOf`, see
    `shape_reach`): no verdict depends on the others.
    """
    import pyoxigraph as ox

    forward, inverse = reach
    targets_of = set(shapes.objects(None, SH.targetObjectsOf))
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in checks]
    per_source = per_source_checks(checks)
    texts = [(name, text) for name, text in texts if name in per_source]
    if program is not None and todo:
        # one store of every source: each query runs once, on the whole graph
        if narrow is None:
            narrow = len(todo) >= NEEDS_FROM
        return _check_compiled(built, todo, program, texts, reach, targets_of, narrow)
    read = forward | inverse | {RDF.type, RDFS.subClassOf}
    shared_read = [t for t in shared if t[1] in read]

    def one(ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        data = prefixed_graph()
        data.addN((s, p, o, data) for s, p, o in shared_read)
        by_focus: dict[Node, list[int]] = {}
        for i in ids:
            unit = built.units[i]
            triples = unit.graph.triples() + unit.derived.triples()
            owned, out[i] = _neighbourhood(unit.slug, triples, forward, inverse, targets_of)
            out[i].update(shacl=[], checks={})
            data.addN((s, p, o, data) for s, p, o in triples if p in read)
            for node in owned:
                by_focus.setdefault(node, []).append(i)
        del triples
        for v, focus, extra in _shacl_results(data, shapes, inplace=True):
            for i in by_focus.get(focus, []) if focus is not None else []:
                out[i]["shacl"].append([v.check, v.focus, v.path, v.message, extra])
        del data, by_focus
        for verdict in out.values():
            verdict["shacl"].sort()  # the same whatever chunk the source was in
        # a new store per chunk: pyoxigraph keeps what `remove_graph` removed (its versions),
        # so one store for the whole corpus made each check slower than the one before
        store = ox.Store()
        add_parts(store, built.shared)
        for i in ids:
            unit = built.units[i]
            add_parts(store, [unit.graph, unit.derived])
            for name, text in texts:
                rows = store.query(text, use_default_graph_as_union=True)
                assert isinstance(rows, ox.QuerySolutions)
                out[i]["checks"][name] = len(list(rows))
            for part in (unit.graph, unit.derived):
                store.remove_graph(ox.NamedNode(str(part.name)))
        return out

    # chunks of at most SOURCES_PER_CHUNK, as many as a multiple of the workers (each worker
    # validates its chunks, see `kg.parallel`); a source's verdicts do not depend on its chunk
    chunks = _chunks(todo)
    found: dict[int, dict[str, Any]] = {}
    with (
        ordered(one, chunks, workers_for(len(chunks))) as answers,
        progress("validating sources", len(chunks)) as step,
    ):
        for verdicts in answers:
            found.update(verdicts)
            step()
    return found


def _check_compiled(
    built: Built,
    ids: list[int],
    program: Any,
    texts: list[tuple[str, str]],
    reach: tuple[set[Node], set[Node]],
    targets_of: set[Node],
    narrow: bool,
) -> dict[int, dict[str, Any]]:
    """Validate sources with the compiled shapes, chunk by chunk (forked workers, `kg.parallel`):
    each chunk's sources and the shared graphs in a store of their own, where the queries run
    once, and each verdict goes to the sources of the chunk that own its focus node (as
    `check_sources` does with pySHACL). No store of the whole corpus is made: memory holds one
    chunk per worker, and the two halves of the work run side by side.

    The per-source checks count each source's rows alone with the shared graphs (as
    `check_sources` runs them): the count is cached with its verdicts, so it must not depend
    on the other sources, which could remove rows it has alone. Each source's direct edges are
    kept in a graph of their own for that. A check whose rows only grow with the data
    (`_monotone`) and that finds none on the chunk finds none on any of its sources alone; a
    source where nothing a check needs matches (`kg.validation.needs`) has no row either.
    """
    from kg.build import ox_graph_name
    from kg.shacl import scan_lines
    from kg.validation.needs import needs

    forward = {f"<{p}>".encode() for p in reach[0]}
    inverse = {f"<{p}>".encode() for p in reach[1]}
    targets = {f"<{p}>".encode() for p in targets_of}
    scanned = scan_lines(program)
    # what each check needs (read before the workers are forked, which inherit it): reading a
    # query's algebra costs about what a few hundred queries on sources cost
    wanted = {check: needs(text) if narrow else None for check, text in texts}
    shared = [(ox_graph_name(part.name), part.nt()) for part in built.shared]
    shared_lines = [line for _name, body in shared for line in scanned(body)]

    def one(chunk: list[int]) -> dict[int, dict[str, Any]]:
        import pyoxigraph as ox

        out: dict[int, dict[str, Any]] = {}
        store = ox.Store()
        for name, body in shared:
            _load_nt(store, body, name)
        lines = list(shared_lines)  # what the datatype scans read (not the whole N-Triples)
        graphs: dict[int, list[Any]] = {}
        unit_of: dict[str, int] = {}  # each source's graphs, by name
        for i in chunk:
            unit = built.units[i]
            bodies = (unit.graph.nt(), unit.derived.nt())
            out[i] = _summary_nt(unit.slug, bodies, forward, inverse, targets)
            out[i].update(shacl=[], checks={})
            # each source's direct edges in a graph of their own (not the derived graph of
            # all), so that the per-source checks below read one source at a time
            graphs[i] = [ox_graph_name(unit.graph.name), ox.NamedNode(f"{_DERIVED_OF}{i}")]
            for name, body in zip(graphs[i], bodies, strict=True):
                _load_nt(store, body, name)
                lines += scanned(body)
                unit_of[str(name)] = i
        del bodies
        owners = _owners(store, targets_of, unit_of)
        for v, focus, extra in _compiled_results(store, [b"\n".join(lines)], program=program):
            for i in owners(focus):
                out[i]["shacl"].append([v.check, v.focus, v.path, v.message, extra])
        del lines
        for verdict in out.values():
            verdict["shacl"].sort()  # the same whatever other sources were validated with it
        names = [name for name, _body in shared]
        _count_checks(store, texts, wanted, graphs, names, unit_of, out)
        return out

    # chunks of at most SOURCES_PER_CHUNK, as many as a multiple of the workers; a source's
    # verdicts do not depend on its chunk
    found: dict[int, dict[str, Any]] = {}
    chunks = _chunks(ids)
    with (
        ordered(one, chunks, workers_for(len(chunks))) as answers,
        progress("validating sources", len(chunks)) as step,
    ):
        for verdicts in answers:
            found.update(verdicts)
            step()
    return found


NEEDS_FROM = 500  # sources to count checks on from which reading what the checks need pays


def _chunks(ids: list[int]) -> list[list[int]]:
    """`ids` in chunks of at most SOURCES_PER_CHUNK, as many as a multiple of the workers
    (each worker validates its chunks, see `kg.parallel`)."""
    workers = workers_for(len(ids))
    count = -(-len(ids) // SOURCES_PER_CHUNK)
    count = -(-count // workers) * workers
    size = max(1, -(-len(ids) // count)) if ids else 1
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _count_checks(
    store: Any,
    texts: list[tuple[str, str]],
    wanted: dict[str, tuple[tuple[str | None, str], ...] | None],
    graphs: dict[int, list[Any]],
    shared_names: list[Any],
    unit_of: dict[str, int],
    out: dict[int, dict[str, Any]],
) -> None:
    """Count the rows of each per-source check on each source of a chunk's store alone with
    the shared graphs (`graphs`: each source's graph and its direct edges' graph), into
    `out[i]["checks"]`: with its default graph theirs, and its direct edges standing for the
    derived graph (which a check may name)."""
    import pyoxigraph as ox

    derived = f"<{DERIVED_GRAPH}>"
    shared = {str(name) for name in shared_names}
    for check, text in texts:
        if _monotone(text) and not _any_row(store.query(text, use_default_graph_as_union=True)):
            todo: list[int] = []
        else:
            todo = sorted(_may_have_rows(store, wanted[check], graphs, shared, unit_of))
        for i in graphs:
            out[i]["checks"][check] = 0
        for i in todo:
            alone = [*shared_names, *graphs[i]]
            rows = store.query(
                text.replace(derived, str(graphs[i][1])),
                default_graph=alone,
                named_graphs=alone,
            )
            assert isinstance(rows, ox.QuerySolutions)
            out[i]["checks"][check] = len(list(rows))


def _may_have_rows(
    store: Any,
    wanted: tuple[tuple[str | None, str], ...] | None,
    graphs: dict[int, list[Any]],
    shared: set[str],
    unit_of: dict[str, int],
) -> set[int]:
    """The sources of a store where a check may have rows alone: those with a match of one of
    the patterns it needs (`kg.validation.needs`), in their own graphs or, for every source,
    in the shared graphs. Unknown needs: every source."""
    every = set(graphs)
    if wanted is None:
        return every
    found: set[int] = set()
    for graph, pattern in wanted:
        if graph is not None and graph != str(DERIVED_GRAPH):
            return every  # a graph other than the derived graph: not narrowed
        rows = store.query(
            f"SELECT DISTINCT ?_kg_graph WHERE {{ GRAPH ?_kg_graph {{ {pattern} }} }}"
        )
        for row in rows:
            name = str(row["_kg_graph"])
            if name in shared:
                return every  # the shared graphs are in every source's data
            i = unit_of.get(name)
            if i is None:
                continue
            if graph is None or name == str(graphs[i][1]):  # the derived graph: its edges only
                found.add(i)
    return found


_DERIVED_OF = "urn:x-scs-kg-validate-derived-of-source:"  # a graph per source's direct edges


def _any_row(rows: Any) -> bool:
    return any(True for _row in rows)


# what may make a query's answer lose rows when data is added (negation, aggregates, limits),
# or read a graph by its name (the store keeps each source's direct edges apart)
_SHRINKS = re.compile(
    r"\b(OPTIONAL|MINUS|NOT|EXISTS|BOUND|GRAPH|FROM|SERVICE|LIMIT|OFFSET|GROUP|HAVING|COUNT"
    r"|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b",
    re.I,
)


def _monotone(text: str) -> bool:
    """Whether a SELECT query's rows on part of a graph are always among its rows on the whole
    (a pattern with filters, unions and binds, nothing that shrinks its answer, `_SHRINKS`):
    then no row on the whole means no row on any part. Any such word makes it False, even in a
    string (which can only keep a check per source)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return _SHRINKS.search(body) is None


def _owners(
    store: Any, targets_of: set[Node], unit_of: dict[str, int]
) -> Callable[[Any], list[int]]:
    """A function giving the sources that own a focus node (`_neighbourhood`): those with a
    triple of which it is the subject, or the object of a `sh:targetObjectsOf` predicate, in
    their graphs of `store` (`unit_of`: each graph's source)."""
    import pyoxigraph as ox

    query = "SELECT DISTINCT ?g ?f WHERE { { GRAPH ?g { ?f ?_p ?_o } }"
    if targets_of:
        predicates = " ".join(f"<{p}>" for p in sorted(targets_of, key=str))
        query += f" UNION {{ VALUES ?_t {{ {predicates} }} GRAPH ?g {{ ?_s ?_t ?f }} }}"
    query += " }"
    found: dict[Any, list[int]] = {}

    def owners(focus: Any) -> list[int]:
        if focus not in found:
            rows = store.query(query, substitutions={ox.Variable("f"): focus})
            assert isinstance(rows, ox.QuerySolutions)
            units = {unit_of.get(str(row["g"])) for row in rows}
            found[focus] = sorted(i for i in units if i is not None)
        return found[focus]

    return owners


def _load_nt(store: Any, body: bytes, graph: Any) -> None:
    """Load N-Triples into a graph of a store, blank nodes keeping their labels (pyoxigraph's
    `load` renames them: then a verdict on a blank node would name it differently each run)."""
    import pyoxigraph as ox

    if b"_:" not in body:
        store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        return
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def _summary_nt(
    slug: str,
    bodies: tuple[bytes, ...],
    forward: set[bytes],
    inverse: set[bytes],
    targets_of: set[bytes],
) -> dict[str, Any]:
    """`_neighbourhood`'s summary of a source read from N-Triples text (one triple a line, as
    rdflib writes): the same as it gives from rdflib terms."""
    sub = f"<{RDFS.subClassOf}>".encode()
    # a node in the source's own namespace is never foreign (`owner`): skipped as bytes
    own = (f"<{FACT}{slug}/".encode(), f"<{SRC}{slug}#".encode())
    owned: set[bytes] = set()
    described: set[bytes] = set()
    read: set[bytes] = set()
    literals: list[bytes] = []  # inverse-path objects that are literals
    subclass = False
    for body in bodies:
        for s, p, o in _TRIPLE.findall(body):
            owned.add(s)
            if p in targets_of:
                owned.add(o)
            if p in forward:
                described.add(s)
                if not o.startswith(b'"'):
                    read.add(o)
            if p in inverse:
                if o.startswith(b'"'):
                    literals.append(o)
                else:
                    described.add(o)
                read.add(s)
            if p == sub:
                subclass = True
    read |= owned

    def key(t: bytes) -> str:
        text = t.decode("utf-8")
        if text.startswith("<"):
            return text[:-1]  # `<iri` as `_term_key` writes it
        if text.startswith("_:"):
            return text
        return _literal_key(t)

    def foreign(nodes: set[bytes], extra: list[str] | None = None) -> list[str]:
        keys = [key(n) for n in nodes if not n.startswith(own)] + (extra or [])
        return sorted({k for k in keys if k.startswith("_:") or owner(k[1:]) != slug})

    described_literals = [_literal_key(o) for o in literals]
    return {
        "k": foreign(described, described_literals),
        "r": foreign(read),
        "subclass": subclass,
    }


# an N-Triples line as rdflib writes it: subject, predicate, object (no comment lines)
_TRIPLE = re.compile(rb"^([^#\s]\S*) (\S+) (.*) \.$", re.M)


def _ox_literal(text: bytes) -> Any:
    """A literal written in N-Triples, as a pyoxigraph term."""
    import pyoxigraph as ox

    triple = next(iter(ox.parse(b"<a:s> <a:p> " + text + b" .\n", format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


def _literal_key(text: bytes) -> str:
    """`_term_key` of a literal written in N-Triples (rdflib's n3)."""
    return from_ox(_ox_literal(text)).n3()


def _read_entry(entry: Entry | None, check: Callable[[bytes], bool]) -> Any:
    """Return a cached verdict (verified, marked as used), or None when missing or damaged."""
    body = entry.read(check) if entry is not None else None
    return json.loads(body) if body is not None else None


def validate_built(
    built: Built,
    cache: Cache | None = None,
    shapes_path: Path | None = None,
    queries: Path | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list[Violation]:
    """Validate a build's product source by source, with each source's verdicts cached by the
    content validated (`cache` or None); the result is the same as `validate_whole(built)`."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}: use one of {', '.join(ENGINES)}")
    shapes_file = shapes_path or resources.shapes_file()
    shapes = parse_turtle(shapes_file)
    program = deep = None
    if engine == "compiled":
        # the shapes that read further than one step run on the union, the others per source
        shapes, further = split_shapes(shapes)
        deep = _program(further) if len(further) else None
        program = _program(shapes)
    reach = shape_reach(shapes)
    if reach is None or len(built.cross.load()):
        return validate_whole(built, cache, engine)
    engine_id = _pyshacl_version() if program is None else _compiler_identity() + program.digest
    targets_of = set(shapes.objects(None, SH.targetObjectsOf))
    checks = violation_queries(queries)
    here = Path(__file__).read_bytes()
    base = _key(CACHE_VERSION, engine, engine_id, shapes_file.read_bytes(), here)
    base.update(built.shared_key.encode("ascii"))
    for path in checks:
        base.update(_key(path.name, path.read_bytes()).digest())
    entries: list[dict[str, Any] | None] = []
    files: list[Entry | None] = []
    for unit in built.units:
        key = base.copy()
        key.update(unit.digest.encode("ascii"))  # what is validated, not what it came from
        file = cache.entry("validate", key.hexdigest(), ".json") if cache is not None else None
        entries.append(_read_entry(file, _ENTRY_OK))
        files.append(file)
    shared = prefixed_graph()
    for part in built.shared:
        part.into(shared)
    todo = [i for i, entry in enumerate(entries) if entry is None]
    # validated first, each source read once; when it turns out that a source is not on its
    # own, the verdicts are dropped (not cached) and the whole dataset is validated instead
    verdicts = check_sources(built, todo, shapes, checks, shared, reach, program)
    for i, verdict in verdicts.items():
        entries[i] = verdict
    summaries = [e for e in entries if e is not None]
    if not _on_their_own([u.slug for u in built.units], summaries, shared):
        return validate_whole(built, cache, engine)

    for i in verdicts:
        entry = entries[i]
        assert entry is not None
        file = files[i]
        if file is not None:
            file.write(json.dumps(entry, sort_keys=True).encode("utf-8"))

    # the shared graphs' own nodes
    shared_file = cache.entry("validate", base.hexdigest(), ".json") if cache else None
    shared_rows = _read_entry(shared_file, _ROWS_OK)
    if shared_rows is None:
        mine = set(shared.subjects()) | {o for p in targets_of for o in shared.objects(None, p)}
        if program is None:
            results = _shacl_results(shared, shapes, inplace=True)
        else:
            nt = [part.nt() for part in built.shared]
            results = [
                (v, from_ox(focus), extra)
                for v, focus, extra in _compiled_results(to_oxigraph(shared), nt, program=program)
            ]
        shared_rows = [
            [v.check, v.focus, v.path, v.message, extra]
            for v, focus, extra in results
            if focus in mine
        ]
        if shared_file is not None:
            shared_file.write(json.dumps(shared_rows).encode("utf-8"))

    found: dict[tuple[Violation, str], Violation] = {}
    further_rows = _whole_rows(built, deep, cache) if deep is not None else []
    for rows in [shared_rows, further_rows, *(e["shacl"] for e in entries if e is not None)]:
        for row in rows:
            v = Violation(*row[:4])
            found[(v, row[4])] = v
    result = sorted(found.values(), key=_order)
    per_source = per_source_checks(checks)
    whole = [
        path
        for path in checks
        if path.stem not in per_source
        or any(e["checks"].get(path.stem, 0) for e in entries if e is not None)
    ]
    if whole:
        with progress("running data checks", 2) as step:
            store = built.store()
            step()
            result += _run_checks(store, whole, built.empty_dataset().namespace_manager)
            step()
    return result
