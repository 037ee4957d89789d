"""`kg cache`: see and prune the build's cache folder (`KG_CACHE_DIR`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import errors, say
from kg.errors import InputError

if TYPE_CHECKING:
    from kg.cache import Cache

app = typer.Typer(help="The build's cache of compiled sources and validation verdicts.")

DEFAULT_DAYS = 30.0


def register(root: typer.Typer) -> None:
    """Add the cache command group to the app."""
    root.add_typer(app, name="cache")


def _cache() -> Cache:
    from kg.cache import Cache, folder_setting

    folder = folder_setting()
    if folder is None:
        raise InputError("KG_CACHE_DIR is empty: the cache is turned off")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"cache folder {folder}: not a folder")
    return Cache(folder)


@app.command("info")
@errors
def info() -> None:
    """Print the cache folder, its number of entries and their size."""
    cache = _cache()
    files = cache.files()
    size = sum(p.stat().st_size for p in files)
    typer.echo(f"{cache.folder}: {len(files)} entries, {size / 1e6:.1f} MB")


@app.command("prune")
@errors
def prune(
    days: Annotated[
        float, typer.Option("--days", min=0, help="Remove entries not used for this many days.")
    ] = DEFAULT_DAYS,
) -> None:
    """Remove the entries no build has used for `--days` days (edited or removed sources)."""
    cache = _cache()
    count, size = cache.prune(days)
    say(
        f"removed {count} entries ({size / 1e6:.1f} MB) unused for {days:g} days "
        f"from {cache.folder}"
    )


@app.command("clear")
@errors
def clear() -> None:
    """Remove every entry of the cache (the next build compiles and validates everything)."""
    cache = _cache()
    count, size = cache.prune()
    say(f"removed {count} entries ({size / 1e6:.1f} MB) from {cache.folder}")
