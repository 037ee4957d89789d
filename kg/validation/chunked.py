"""pySHACL on a large dataset: in chunks of graphs, each chunk's verdicts cached.

A chunk of named graphs is validated with the shared graphs (ontology, entities) and exactly
the triples from outside the chunk its nodes' verdicts depend on (`kg.validation.neighbourhood`),
and only the verdicts on nodes the chunk owns are kept: its subjects and the objects of its
target predicates. This gives the same results as validating the union. A chunk's verdicts are
cached by the content of what it validated, so a rebuild after editing one source validates
again only that source's chunk.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kg import resources
from kg.cache import Cache, open_cache
from kg.prefixes import prefixed_graph
from kg.progress import progress
from kg.sources import parse_turtle
from kg.validation.keys import CACHE_VERSION, ROWS_OK, digest_triples, pyshacl_version
from kg.validation.neighbourhood import shape_reach
from kg.validation.report import Violation, order
from kg.validation.shapes import pyshacl_results, shacl, union

SOURCES_PER_CHUNK = 200


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
    for part in (CACHE_VERSION, pyshacl_version(), shapes_file.read_bytes().hex()):
        base.update(part.encode("utf-8"))
    for gid in shared_ids:
        base.update(digest_triples(triples_of[gid]).encode("ascii"))

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
                key.update(f"{gid} {digest_triples(triples_of[gid])}".encode())
            key.update(digest_triples(extra).encode("ascii"))
            cached = cache.entry("shacl", key.hexdigest(), ".json") if cache else None
            body = cached.read(ROWS_OK) if cached is not None else None
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
                    for v, focus, extra_key in pyshacl_results(data, shapes, inplace=True)
                    if focus in owned
                ]
                if cached is not None:
                    rows = [[v.check, v.focus, v.path, v.message, k] for v, k in results]
                    cached.write(json.dumps(rows).encode("utf-8"))
            for v, extra_key in results:
                found[(v, extra_key)] = v
            step()
    return sorted(found.values(), key=order)
