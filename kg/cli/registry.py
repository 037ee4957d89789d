"""`kg registry merge`, `kg registry unmerge`, `kg registry merges`: one entity, one IRI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import SourcesOption, errors, say, sources_root
from kg.errors import InputError

app = typer.Typer(
    help="Merge two registry entries that are one entity (reversibly), and undo merges.",
    no_args_is_help=True,
)


def register(parent: typer.Typer) -> None:
    """Add the registry commands to the app."""
    parent.add_typer(app, name="registry")


@app.command("merge")
@errors
def merge(
    kept: Annotated[
        str | None,
        typer.Argument(metavar="A", help="The entity kept (ent:NAME): B's mentions become A."),
    ] = None,
    merged: Annotated[
        str | None,
        typer.Argument(metavar="B", help="The entity merged into A (ent:NAME), then retired."),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the two are one entity (kept in the log).")
    ] = "",
    undo: Annotated[
        int | None, typer.Option("--undo", help="Undo the merge of this id instead.")
    ] = None,
    sources: SourcesOption = None,
) -> None:
    """Merge registry entry B into A: B's names go to A, every mention of B becomes A."""
    from kg.merges import merge as run_merge

    root = sources_root(sources)
    if undo is not None:
        if kept or merged:
            raise InputError("--undo ID takes no entities")
        _undo(root, undo)
        return
    if not kept or not merged:
        raise InputError("give the entity kept and the entity merged into it (A B)")
    made, files = run_merge(root, kept, merged, reason)
    for path in files:
        typer.echo(str(path))
    say(
        f"merged {made.merged} into {made.kept} (merge {made.id}, {len(files)} file(s)); "
        f"undo with kg registry unmerge {made.id}"
    )


def _undo(root: Path, number: int) -> None:
    from kg.merges import undo as run_undo

    made, files = run_undo(root, number)
    for path in files:
        typer.echo(str(path))
    say(f"undid merge {made.id}: {made.merged} is its own entry again ({len(files)} file(s))")


@app.command("unmerge")
@errors
def unmerge(
    number: Annotated[
        int, typer.Argument(metavar="ID", help="The merge's id (kg registry merges).")
    ],
    sources: SourcesOption = None,
) -> None:
    """Undo a merge: the lines it changed are put back where they still stand."""
    _undo(sources_root(sources), number)


@app.command("merges")
@errors
def merges(sources: SourcesOption = None) -> None:
    """List the merges of the registry: id, kept <- merged, time, reason."""
    from kg.merges import read_log

    for made in read_log(sources_root(sources)):
        typer.echo(made.line())
