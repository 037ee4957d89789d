"""Validation's public functions under their former module name; the code is in `kg.validation`."""

from __future__ import annotations

from kg.validation import (
    DEFAULT_ENGINE,
    ENGINES,
    Violation,
    check_sources,
    per_source,
    per_source_checks,
    run_violation_queries,
    shacl,
    shacl_dataset,
    shape_reach,
    split_shapes,
    to_oxigraph,
    union,
    validate,
    validate_built,
    validate_whole,
    violation_queries,
)

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
