"""Validation: SHACL shapes and `*-violation.rq` data checks, run in every build.

Two engines check the shapes: "compiled" (the default: the shapes as SPARQL queries, `kg.shacl`,
on pyoxigraph stores) and "pyshacl" (pySHACL, the reference, called in one place:
`kg.shacl.reference`). Both give the same violations
(tests/test_compiled_validation_matches_pyshacl.py); the compiled one reads no rdflib terms.

The modules, one idea each: `report` (`Violation`), `shapes` (the shapes on one graph, either
engine), `checks` (the data checks), `needs` (what a data check's rows need), `neighbourhood`
(what a verdict depends on; whether sources are on their own), `stores` (pyoxigraph stores),
`keys` (the cache), `by_source` (a build source by source, the usual way), `whole` (the whole
dataset at once), `chunked` (pySHACL on a large dataset in chunks of graphs).
"""

from __future__ import annotations

from pathlib import Path

from kg.build import Built
from kg.cache import Cache
from kg.validation.by_source import check_sources, per_source, validate_built
from kg.validation.checks import (
    per_source_checks,
    run_violation_queries,
    violation_queries,
)
from kg.validation.chunked import shacl_dataset
from kg.validation.keys import cache_of
from kg.validation.neighbourhood import shape_reach
from kg.validation.report import Violation
from kg.validation.shapes import DEFAULT_ENGINE, ENGINES, shacl, split_shapes, union
from kg.validation.stores import to_oxigraph
from kg.validation.whole import validate_whole

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Violation",
    "check_sources",
    "per_source",
    "per_source_checks",
    "run_violation_queries",
    "shacl",
    "shacl_dataset",
    "shape_reach",
    "split_shapes",
    "to_oxigraph",
    "union",
    "validate",
    "validate_built",
    "validate_whole",
    "violation_queries",
]


def validate(
    built: Built, cache: Cache | Path | bool | None = True, engine: str = DEFAULT_ENGINE
) -> list[Violation]:
    """Run the shapes and the violation checks on a build's product, source by source.

    `cache`: True for the build's cache, a cache or its folder, or None/False. Each source's
    verdicts are cached by the content validated (`validate_built`); when the sources are not
    on their own, the whole dataset is validated (`validate_whole`). `engine`: "compiled" (the
    shapes as SPARQL queries on pyoxigraph, `kg.shacl`) or "pyshacl".
    """
    return validate_built(built, cache_of(built, cache), engine=engine)
