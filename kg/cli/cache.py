"""`kg cache`: see and prune the build's cache folder (`KG_CACHE_DIR`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import errors, say
from kg.errors import InputError

app = typer.Typer(help="The build's cache of compiled sources and validation verdicts.")

DEFAULT_DAYS = 30.0


def register(root: typer.Typer) -> None:
    """Add the cache command group to the app."""
    root.add_typer(app, name="cache")


def _folder() -> Path:
    from kg.sources import cache_dir

    folder = cache_dir()
    if folder is None:
        raise InputError("KG_CACHE_DIR is empty: the cache is turned off")
    return folder


@app.command("info")
@errors
def info() -> None:
    """Print the cache folder, its number of entries and their size."""
    from kg.build import cache_files

    folder = _folder()
    files = cache_files(folder) if folder.is_dir() else []
    size = sum(p.stat().st_size for p in files)
    typer.echo(f"{folder}: {len(files)} entries, {size / 1e6:.1f} MB")


@app.command("prune")
@errors
def prune(
    days: Annotated[
        float, typer.Option("--days", min=0, help="Remove entries not used for this many days.")
    ] = DEFAULT_DAYS,
) -> None:
    """Remove the entries no build has used for `--days` days (edited or removed sources)."""
    from kg.build import prune_cache

    folder = _folder()
    count, size = prune_cache(folder, days) if folder.is_dir() else (0, 0)
    say(f"removed {count} entries ({size / 1e6:.1f} MB) unused for {days:g} days from {folder}")


@app.command("clear")
@errors
def clear() -> None:
    """Remove every entry of the cache (the next build compiles and validates everything)."""
    from kg.build import prune_cache

    folder = _folder()
    count, size = prune_cache(folder) if folder.is_dir() else (0, 0)
    say(f"removed {count} entries ({size / 1e6:.1f} MB) from {folder}")
