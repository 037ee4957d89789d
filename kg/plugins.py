"""Tables of the project's named parts: query engines, graph views and view formats.

In the style of rdflib's plugin registry, each row maps a name to its implementation, given as
`module:attribute` and imported only when used, with a title for people. The command line
takes its choices, help text and shell completion from these tables, and the modules that do
the work look their parts up here, so a new engine, view or view format is one row here plus
its class or function. Nothing heavy is imported by this module: `kg --help` and completion
stay fast.

(The export formats of `kg build` have their own table, in `kg.export`.)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kg.errors import InputError


@dataclass(frozen=True)
class Plugin:
    """One row: a name, its implementation (`module:attribute`, imported lazily) and a title."""

    name: str
    target: str
    title: str

    def load(self) -> Any:
        """Import and return the implementation."""
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class View(Plugin):
    """A view of the graph; `focus`: it is drawn around one entity (`--focus`); `page`: the
    function that writes its HTML page (`module:attribute`)."""

    focus: bool = False
    page: str = "kg.viz.html:write_html"


class Table:
    """Rows by name, in the order given; the first row is the default.

    `unknown` is the one line for a name that is not in the table: a format string with
    `{name!r}`, `{names}` (comma-separated) and `{spoken}` ("a, b or c").
    """

    def __init__(self, kind: str, rows: list[Any], unknown: str) -> None:
        self.kind = kind
        self.rows: dict[str, Any] = {row.name: row for row in rows}
        self.unknown = unknown

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows.values())

    def __contains__(self, name: object) -> bool:
        return name in self.rows

    @property
    def names(self) -> tuple[str, ...]:
        """The names, in table order."""
        return tuple(self.rows)

    @property
    def default(self) -> str:
        """The name of the first row."""
        return next(iter(self.rows))

    def get(self, name: str) -> Any:
        """Return the row of a name; an unknown name is one InputError listing the known ones."""
        row = self.rows.get(name)
        if row is None:
            raise InputError(
                self.unknown.format(name=name, names=", ".join(self.rows), spoken=self.spoken())
            )
        return row

    def load(self, name: str) -> Any:
        """Return the implementation of a name (imported now)."""
        return self.get(name).load()

    def spoken(self, default: bool = False) -> str:
        """Return the names as a phrase, "a, b or c"; `default`: "a (default), b or c"."""
        names = [f"{n} (default)" if default and i == 0 else n for i, n in enumerate(self.rows)]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

    def complete(self, incomplete: str) -> list[tuple[str, str]]:
        """Shell completion: the names starting with what was typed, with their titles."""
        return [(row.name, row.title) for row in self if row.name.startswith(incomplete)]


ENGINES = Table(
    "engine",
    [
        Plugin(
            "oxigraph",
            "kg.engines.embedded:OxigraphEngine",
            "Embedded Oxigraph, in memory or on disk",
        ),
        Plugin(
            "rdflib", "kg.engines.embedded:RdflibEngine", "rdflib's own SPARQL engine, in memory"
        ),
    ],
    "--engine {name!r}: want {spoken}",
)
"""The embedded query engines (`--engine`); a remote endpoint is `--endpoint URL` instead."""

VIEWS = Table(
    "view",
    [
        View("all", "kg.viz.projection:project_all", "Actors, claims and events"),
        View("actors", "kg.viz.projection:project_actors", "Actor network"),
        View(
            "claims", "kg.viz.projection:project_claims", "Territorial claims and their contesters"
        ),
        View(
            "timeline",
            "kg.viz.timeline:project_timeline",
            "Timeline of events and statements",
            page="kg.viz.timeline:write_timeline",
        ),
        View(
            "map",
            "kg.viz.map:project_map",
            "Map of places, claims and events",
            page="kg.viz.map:write_map",
        ),
        View("ego", "kg.viz.projection:project_all", "Around", focus=True),
    ],
    "unknown view {name!r} (choose one of: {names})",
)
"""The views of `kg viz`: each function adds its nodes and edges to an empty networkx graph;
a view with `focus` keeps then only what lies within `--depth` steps of its focus."""

VIEW_FORMATS = Table(
    "format",
    [
        Plugin("html", "kg.viz:write_page", "A self-contained interactive HTML page"),
        Plugin("graphml", "kg.viz.formats:write_graphml", "GraphML, for Gephi, yEd or networkx"),
        Plugin("gexf", "kg.viz.formats:write_gexf", "GEXF, for Gephi"),
    ],
    "unknown format {name!r} (choose one of: {names})",
)
"""The files a view is written as (`kg viz --format`, and every one by `kg views`)."""
