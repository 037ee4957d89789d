"""`kg viz` and `kg views`: interactive HTML, GraphML and GEXF views of the graph."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import DataOption, errors, say
from kg.errors import InputError
from kg.plugins import VIEW_FORMATS, VIEWS

if TYPE_CHECKING:
    from rdflib import Graph

_FOCUSED = " or ".join(v.name for v in VIEWS if v.focus)  # the views drawn around a --focus

FocusOption = Annotated[
    str | None,
    typer.Option(
        "--focus", help=f"The entity of the {_FOCUSED} view: an IRI, ent:NAME, NAME or a label."
    ),
]
DepthOption = Annotated[
    int, typer.Option("--depth", help=f"Steps from the focus ({_FOCUSED} view).")
]


def register(app: typer.Typer) -> None:
    """Add the viz and views commands to the app."""
    app.command("viz")(viz)
    plain = ", ".join(v.name for v in VIEWS if not v.focus)
    app.command(
        "views",
        help=f"Write every view ({plain} and one {_FOCUSED} view per --focus) in every format.",
    )(views)


def _graph(data: Path | None) -> Graph:
    """Return the RDF graph to project, loaded as every command loads it (`kg.graph.open`)."""
    from kg import graph

    return graph.open(data).dataset


@errors
def viz(
    view: Annotated[
        str,
        typer.Argument(help=f"The view: {VIEWS.spoken()}.", autocompletion=VIEWS.complete),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file (default: VIEW.FORMAT).")
    ] = None,
    data: DataOption = None,
    focus: FocusOption = None,
    depth: DepthOption = 1,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=f"Output format: {VIEW_FORMATS.spoken()}.",
            autocompletion=VIEW_FORMATS.complete,
        ),
    ] = VIEW_FORMATS.default,
) -> None:
    """Write one view of the graph as a self-contained HTML page, GraphML or GEXF."""
    row = VIEWS.get(view)
    VIEW_FORMATS.get(fmt)
    if focus is not None and not row.focus:
        raise InputError(f"--focus applies to the {_FOCUSED} view only, not to {view!r}")
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
    """Write every view in every format (help: see `register`, from the table of views)."""
    from kg.viz import write_view
    from kg.viz.projection import project

    graph = _graph(data)
    jobs: list[tuple[str, str, str | None]] = [(v.name, v.name, None) for v in VIEWS if not v.focus]
    if focus:
        from kg.prefixes import local_name
        from kg.viz.projection import resolve

        whole = project(graph, VIEWS.default)
        for entity in focus:
            node = resolve(whole, entity)
            local = local_name(node.rstrip("/#"))
            safe = re.sub(r"[^A-Za-z0-9_-]+", "-", local) or "x"
            jobs += [(v.name, f"{v.name}-{safe}", entity) for v in VIEWS if v.focus]
    from kg.viz import manifest
    from kg.viz.formats import check_xml

    projected = [
        (name, project(graph, view, focus=target, depth=depth)) for view, name, target in jobs
    ]
    for _name, g in projected:  # before any file is written
        check_xml(g, "GraphML and GEXF")
    earlier = manifest.read(out)
    files: dict[str, str] = {}
    for name, g in projected:
        for fmt in VIEW_FORMATS.names:
            path = write_view(g, out / f"{name}.{fmt}", fmt)
            files[path.name] = manifest.digest(path)
    removed = manifest.prune(out, earlier, set(files))
    manifest.write(out, files)
    gone = f"; removed {len(removed)} of an earlier run ({', '.join(removed)})" if removed else ""
    say(f"wrote {len(files)} files ({len(jobs)} views) in {out}{gone}")
