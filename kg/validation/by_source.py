"""Validation of a build, source by source, each source's verdicts cached.

When every source is on its own (`kg.validation.neighbourhood`), validating each source with the
shared graphs gives exactly the verdicts of the union on the nodes it owns, and those verdicts
depend only on its own content, the shared graphs and the shapes: they are cached under that key,
so a rebuild after an edit validates only the edited source. When one is not (or the shapes reach
further, or direct edges join facts of several sources), `per_source` gives None and
`validate_built` validates the whole dataset (`kg.validation.whole`).

The compiled shapes run chunk by chunk in forked workers (`kg.parallel`), each chunk of sources
with the shared graphs in a store of its own. The data checks whose header says
`#+ scope: source` (`kg.catalog.SCOPES`, each query says why) are counted on each source alone
with the shared graphs: a source with no row has none in the union, and any row found is checked
again on the whole store. The others run on the whole store always.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kg import resources
from kg.build import Built, add_parts
from kg.cache import Cache, Entry
from kg.errors import InputError
from kg.namespaces import DERIVED_GRAPH
from kg.parallel import ordered, workers_for
from kg.prefixes import prefixed_graph
from kg.progress import progress
from kg.sources import parse_turtle
from kg.terms import from_ox
from kg.validation import keys
from kg.validation.checks import any_row, monotone, per_source_checks, run_checks, violation_queries
from kg.validation.chunked import SOURCES_PER_CHUNK
from kg.validation.keys import (
    ENTRY_OK,
    ROWS_OK,
    base_key,
    file_digest,
    listed,
    pyshacl_version,
    read_entry,
)
from kg.validation.neighbourhood import (
    neighbourhood,
    on_their_own,
    owners_of,
    shape_reach,
    summary_nt,
)
from kg.validation.report import Violation, order
from kg.validation.shapes import (
    DEFAULT_ENGINE,
    ENGINES,
    compiled_program,
    compiled_results,
    pyshacl_results,
    split_shapes,
)
from kg.validation.stores import DERIVED_OF, load_nt, to_oxigraph
from kg.validation.whole import validate_whole, whole_rows


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
    return each one's neighbourhood summary (`neighbourhood`), SHACL verdicts and number of
    rows per per-source check.

    `program`: the compiled shapes (`kg.shacl`), run as queries on a store per chunk of
    sources (`check_compiled`); None: pySHACL validates the sources chunk by chunk. `narrow`:
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
        return check_compiled(built, todo, program, texts, reach, targets_of, narrow)
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
            owned, out[i] = neighbourhood(unit.slug, triples, forward, inverse, targets_of)
            out[i].update(shacl=[], checks={})
            data.addN((s, p, o, data) for s, p, o in triples if p in read)
            for node in owned:
                by_focus.setdefault(node, []).append(i)
        del triples
        for v, focus, extra in pyshacl_results(data, shapes, inplace=True):
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
    chunks = chunks_of(todo)
    found: dict[int, dict[str, Any]] = {}
    with (
        ordered(one, chunks, workers_for(len(chunks))) as answers,
        progress("validating sources", len(chunks)) as step,
    ):
        for verdicts in answers:
            found.update(verdicts)
            step()
    return found


def check_compiled(
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
    (`monotone`) and that finds none on the chunk finds none on any of its sources alone; a
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
            load_nt(store, body, name)
        lines = list(shared_lines)  # what the datatype scans read (not the whole N-Triples)
        graphs: dict[int, list[Any]] = {}
        unit_of: dict[str, int] = {}  # each source's graphs, by name
        for i in chunk:
            unit = built.units[i]
            bodies = (unit.graph.nt(), unit.derived.nt())
            out[i] = summary_nt(unit.slug, bodies, forward, inverse, targets)
            out[i].update(shacl=[], checks={})
            # each source's direct edges in a graph of their own (not the derived graph of
            # all), so that the per-source checks below read one source at a time
            graphs[i] = [ox_graph_name(unit.graph.name), ox.NamedNode(f"{DERIVED_OF}{i}")]
            for name, body in zip(graphs[i], bodies, strict=True):
                load_nt(store, body, name)
                lines += scanned(body)
                unit_of[str(name)] = i
        del bodies
        owners = owners_of(store, targets_of, unit_of)
        for v, focus, extra in compiled_results(store, [b"\n".join(lines)], program=program):
            for i in owners(focus):
                out[i]["shacl"].append([v.check, v.focus, v.path, v.message, extra])
        del lines
        for verdict in out.values():
            verdict["shacl"].sort()  # the same whatever other sources were validated with it
        names = [name for name, _body in shared]
        count_checks(store, texts, wanted, graphs, names, unit_of, out)
        return out

    # chunks of at most SOURCES_PER_CHUNK, as many as a multiple of the workers; a source's
    # verdicts do not depend on its chunk
    found: dict[int, dict[str, Any]] = {}
    chunks = chunks_of(ids)
    with (
        ordered(one, chunks, workers_for(len(chunks))) as answers,
        progress("validating sources", len(chunks)) as step,
    ):
        for verdicts in answers:
            found.update(verdicts)
            step()
    return found


NEEDS_FROM = 500  # sources to count checks on from which reading what the checks need pays


def chunks_of(ids: list[int]) -> list[list[int]]:
    """`ids` in chunks of at most SOURCES_PER_CHUNK, as many as a multiple of the workers
    (each worker validates its chunks, see `kg.parallel`)."""
    workers = workers_for(len(ids))
    count = -(-len(ids) // SOURCES_PER_CHUNK)
    count = -(-count // workers) * workers
    size = max(1, -(-len(ids) // count)) if ids else 1
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def count_checks(
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
        if monotone(text) and not any_row(store.query(text, use_default_graph_as_union=True)):
            todo: list[int] = []
        else:
            todo = sorted(may_have_rows(store, wanted[check], graphs, shared, unit_of))
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


def may_have_rows(
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
        if store.query(f"ASK {{ {pattern} }}"):
            return every  # in the store's default graph (a shared part without a name)
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


def validate_built(
    built: Built,
    cache: Cache | None = None,
    shapes_path: Path | None = None,
    queries: Path | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list[Violation]:
    """Validate a build's product source by source (`per_source`), with each source's verdicts
    cached by the content validated (`cache` or None), or, when its sources are not on their
    own, as a whole (`validate_whole`): the result is the same as `validate_whole(built)`."""
    found = per_source(built, cache, shapes_path, queries, engine)
    return found if found is not None else validate_whole(built, cache, engine)


def per_source(
    built: Built,
    cache: Cache | None = None,
    shapes_path: Path | None = None,
    queries: Path | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list[Violation] | None:
    """Validate a build's product source by source, each source's verdicts cached by the
    content validated (`cache` or None); None when it cannot be (its sources are not on their
    own, the shapes reach further, direct edges join sources): then only the whole can."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}: use one of {', '.join(ENGINES)}")
    shapes_file = shapes_path or resources.shapes_file()
    shapes = parse_turtle(shapes_file)
    program = deep = None
    if engine == "compiled":
        # the shapes that read further than one step run on the union, the others per source
        shapes, further = split_shapes(shapes)
        deep = compiled_program(further) if len(further) else None
        program = compiled_program(shapes)
    reach = shape_reach(shapes)
    if reach is None or len(built.cross.load()):
        return None
    engine_id = pyshacl_version() if program is None else keys.engine_identity() + program.digest
    targets_of = set(shapes.objects(None, SH.targetObjectsOf))
    checks = violation_queries(queries)
    shapes_digest = program.digest if program is not None else file_digest(shapes_file)
    base = base_key(engine, engine_id, shapes_digest, built.shared_key, checks)
    present = listed(cache, "validate")  # one listing, not a failed open per missing entry
    entries: list[dict[str, Any] | None] = []
    files: list[Entry | None] = []
    for unit in built.units:
        key = base.copy()
        key.update(unit.digest.encode("ascii"))  # what is validated, not what it came from
        file = cache.entry("validate", key.hexdigest(), ".json") if cache is not None else None
        there = file is not None and (present is None or file.path.name in present)
        entries.append(read_entry(file, ENTRY_OK) if there else None)
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
    if not on_their_own([u.slug for u in built.units], summaries, shared):
        return None

    for i in verdicts:
        entry = entries[i]
        assert entry is not None
        file = files[i]
        if file is not None:
            file.write(json.dumps(entry, sort_keys=True).encode("utf-8"))

    # the shared graphs' own nodes
    shared_file = cache.entry("validate", base.hexdigest(), ".json") if cache else None
    shared_rows = read_entry(shared_file, ROWS_OK)
    if shared_rows is None:
        mine = set(shared.subjects()) | {o for p in targets_of for o in shared.objects(None, p)}
        if program is None:
            results = pyshacl_results(shared, shapes, inplace=True)
        else:
            nt = [part.nt() for part in built.shared]
            results = [
                (v, from_ox(focus), extra)
                for v, focus, extra in compiled_results(to_oxigraph(shared), nt, program=program)
            ]
        shared_rows = [
            [v.check, v.focus, v.path, v.message, extra]
            for v, focus, extra in results
            if focus in mine
        ]
        if shared_file is not None:
            shared_file.write(json.dumps(shared_rows).encode("utf-8"))

    found: dict[tuple[Violation, str], Violation] = {}
    further_rows = whole_rows(built, deep, cache) if deep is not None else []
    for rows in [shared_rows, further_rows, *(e["shacl"] for e in entries if e is not None)]:
        for row in rows:
            v = Violation(*row[:4])
            found[(v, row[4])] = v
    result = sorted(found.values(), key=order)
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
            result += run_checks(store, whole, built.empty_dataset().namespace_manager)
            step()
    return result
