"""The data checks: the catalog's `*-violation.rq` queries, whose rows are violations, and which
of them may be counted source by source (`#+ scope: source` in the header, `kg.catalog.SCOPES`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from kg import resources
from kg.catalog import load_query
from kg.terms import from_ox
from kg.validation.report import Violation
from kg.validation.stores import to_oxigraph


def violation_queries(directory: Path | None = None) -> list[Path]:
    """Return the `*-violation.rq` checks of the catalog, sorted by name."""
    return sorted((directory or resources.queries_dir()).glob("*-violation.rq"))


def run_violation_queries(data: Graph, directory: Path | None = None) -> list[Violation]:
    """Run every `*-violation.rq` check on `data` (a dataset: union default graph); rows fail.

    The checks run on pyoxigraph (the data is copied into an in-memory store), whose results are
    the same as rdflib's and which stays fast on large graphs.
    """
    paths = violation_queries(directory)
    if not paths:
        return []
    return run_checks(to_oxigraph(data), paths, data.namespace_manager)


def run_checks(store: Any, paths: list[Path], nm: NamespaceManager) -> list[Violation]:
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


def per_source_checks(checks: list[Path]) -> frozenset[str]:
    """Return the names of the checks whose header lets them run source by source."""
    return frozenset(path.stem for path in checks if load_query(path).scope == "source")


def any_row(rows: Any) -> bool:
    return any(True for _row in rows)


# what may make a query's answer lose rows when data is added (negation, aggregates, limits),
# or read a graph by its name (the store keeps each source's direct edges apart)
_SHRINKS = re.compile(
    r"\b(OPTIONAL|MINUS|NOT|EXISTS|BOUND|GRAPH|FROM|SERVICE|LIMIT|OFFSET|GROUP|HAVING|COUNT"
    r"|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b",
    re.I,
)


def monotone(text: str) -> bool:
    """Whether a SELECT query's rows on part of a graph are always among its rows on the whole
    (a pattern with filters, unions and binds, nothing that shrinks its answer, `_SHRINKS`):
    then no row on the whole means no row on any part. Any such word makes it False, even in a
    string (which can only keep a check per source)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return _SHRINKS.search(body) is None
