"""Validation of the whole dataset at once: what `kg.validation.by_source` falls back to, and
the shapes that read further than one source (on the union of every graph)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg import resources
from kg.build import Built, content_digest
from kg.cache import Cache
from kg.progress import progress
from kg.sources import parse_turtle
from kg.validation.checks import run_checks, run_violation_queries, violation_queries
from kg.validation.chunked import shacl_dataset
from kg.validation.keys import (
    CACHE_VERSION,
    ROWS_OK,
    cache_of,
    engine_identity,
    hash_key,
    read_entry,
)
from kg.validation.report import Violation, order
from kg.validation.shapes import DEFAULT_ENGINE, compiled_program, compiled_results


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
        found = shacl_dataset(ds, cache=cache_of(built, cache))
        with progress("running data checks", 2) as step:
            step()
            found += run_violation_queries(ds)
            step()
        return found
    program = compiled_program(parse_turtle(resources.shapes_file()))
    with progress("validating the whole graph", 3) as step:
        store = built.store()
        step()
        rows = whole_rows(built, program, cache_of(built, cache), store)
        step()
        unique: dict[tuple[Violation, str], Violation] = {}
        for row in rows:
            v = Violation(*row[:4])
            unique[(v, row[4])] = v
        result = sorted(unique.values(), key=order)
        paths = violation_queries()
        result += run_checks(store, paths, built.empty_dataset().namespace_manager)
        step()
    return result


def whole_rows(
    built: Built, program: Any, cache: Cache | None, store: Any = None
) -> list[list[str]]:
    """The compiled shapes' verdicts on the whole graph (a store of every part), cached by the
    content validated (a graph made in rdflib has no source digests) and the queries."""
    nt = [part.nt() for part in built.parts()]
    key = hash_key(CACHE_VERSION, engine_identity(), program.digest)
    key.update(content_digest(*nt).encode("ascii"))
    entry = cache.entry("shacl", key.hexdigest(), ".json") if cache is not None else None
    rows = read_entry(entry, ROWS_OK)
    if rows is None:
        store = store if store is not None else built.store()
        rows = [
            [v.check, v.focus, v.path, v.message, extra]
            for v, _focus, extra in compiled_results(store, nt, program=program)
        ]
        if entry is not None:
            entry.write(json.dumps(rows).encode("utf-8"))
    return rows
