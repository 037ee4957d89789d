"""`kg viz` and `kg views`: interactive HTML, GraphML and GEXF views of the graph."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import errors, say
from kg.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph

VIEW_NAMES = ("all", "actors", "claims", "ego")
FORMAT_NAMES = ("html", "graphml", "gexf")

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="An RDF file to project (.trig, .nq, .ttl, .nt, .rdf, .jsonld) or a build folder "
        "(with scs-kg.nq); default: out/, else build now.",
    ),
]
FocusOption = Annotated[
    str | None,
    typer.Option("--focus", help="The entity of the ego view: an IRI, ent:NAME, NAME or a label."),
]
DepthOption = Annotated[int, typer.Option("--depth", help="Steps from the focus (ego view).")]


def register(app: typer.Typer) -> None:
    """Add the viz and views commands to the app."""
    app.command("viz")(viz)
    app.command("views")(views)


def _graph(data: Path | None) -> Graph:
    """Return the RDF graph to project, loaded as every command loads it (`kg.graph.open`)."""
    from kg import graph

    return graph.open(data).dataset


def _check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(f"unknown {name} {value!r} (choose one of: {', '.join(allowed)})")


@errors
def viz(
    view: Annotated[str, typer.Argument(help="The view: all, actors, claims or ego.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file (default: VIEW.FORMAT).")
    ] = None,
    data: DataOption = None,
    focus: FocusOption = None,
    depth: DepthOption = 1,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: html, graphml or gexf.")
    ] = "html",
) -> None:
    """Write one view of the graph as a self-contained HTML page, GraphML or GEXF."""
    _check("view", view, VIEW_NAMES)
    _check("format", fmt, FORMAT_NAMES)
    if focus is not None and view != "ego":
        raise InputError(f"--focus applies to the ego view only, not to {view!r}")
    from kg.viz import write_view
    from kg.viz.projection import project

    g = project(_graph(data), view, focus=focus, depth=depth)
    path = write_view(g, out or Path(f"{view}.{fmt}"), fmt)
    say(f"wrote {path}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")


@errors
def views(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out/views"),
    data: DataOption = None,
    focus: Annotated[
        list[str] | None,
        typer.Option("--focus", help="An entity to draw an ego view of (repeatable)."),
    ] = None,
    depth: DepthOption = 1,
) -> None:
    """Write every view (all, actors, claims and one ego view per --focus) in every format."""
    from kg.viz import write_view
    from kg.viz.projection import project

    graph = _graph(data)
    jobs: list[tuple[str, str, str | None]] = [(v, v, None) for v in ("all", "actors", "claims")]
    if focus:
        from kg.viz.projection import resolve

        whole = project(graph, "all")
        for entity in focus:
            node = resolve(whole, entity)
            local = node.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            jobs.append(("ego", "ego-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", local) or "x"), entity))
    from kg.viz import manifest

    earlier = manifest.read(out)
    files: dict[str, str] = {}
    for view, name, target in jobs:
        g = project(graph, view, focus=target, depth=depth)
        for fmt in FORMAT_NAMES:
            path = write_view(g, out / f"{name}.{fmt}", fmt)
            files[path.name] = manifest.digest(path)
    removed = manifest.prune(out, earlier, set(files))
    manifest.write(out, files)
    gone = f"; removed {len(removed)} of an earlier run ({', '.join(removed)})" if removed else ""
    say(f"wrote {len(files)} files ({len(jobs)} views) in {out}{gone}")
