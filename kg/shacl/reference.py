"""pySHACL, the reference engine, called in one place: with the options every caller uses."""

from __future__ import annotations

from rdflib import Graph


def pyshacl_report(data: Graph, shapes: Graph, inplace: bool = False) -> Graph:
    """Validate `data` against `shapes` with pySHACL (no inference, SHACL advanced features,
    warnings allowed); return its report graph. `inplace`: `data` is a throw-away copy, which
    pySHACL need not copy again."""
    from pyshacl import validate  # heavy: imported only when validating

    _conforms, report, _text = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=inplace,
    )
    assert isinstance(report, Graph)
    return report
