"""`kg cache`: see and prune the cache folder (`KG_CACHE_DIR`): builds' parts, query answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import errors, say
from kg.errors import InputError

if TYPE_CHECKING:
    from kg.cache import Cache

app = typer.Typer(
    help="The cache of compiled sources, validation verdicts and query answers (KG_CACHE_DIR)."
)

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
    """Print the cache folder, its number of entries and their size, in all and by kind."""
    cache = _cache()
    files = cache.files()
    size = sum(p.stat().st_size for p in files)
    kinds: dict[str, list[int]] = {}
    for path in files:
        count_size = kinds.setdefault(path.parent.name, [0, 0])
        count_size[0] += 1
        count_size[1] += path.stat().st_size
    each = ", ".join(f"{kind} {n} ({b / 1e6:.1f} MB)" for kind, (n, b) in sorted(kinds.items()))
    typer.echo(
        f"{cache.folder}: {len(files)} entries, {size / 1e6:.1f} MB" + (f": {each}" if each else "")
    )


KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", help="Only entries of this kind: build, derive, validate, shacl, export, query."
    ),
]


def _kinds(kind: str | None) -> tuple[str, ...]:
    from kg.cache import KINDS

    if kind is None:
        return KINDS
    if kind not in KINDS:
        raise InputError(f"--kind {kind}: want one of {', '.join(KINDS)}")
    return (kind,)


@app.command("prune")
@errors
def prune(
    days: Annotated[
        float, typer.Option("--days", min=0, help="Remove entries not used for this many days.")
    ] = DEFAULT_DAYS,
    kind: KindOption = None,
) -> None:
    """Remove the entries no command has used for `--days` days (edited sources, old builds)."""
    cache = _cache()
    count, size = cache.prune(days, _kinds(kind))
    say(
        f"removed {count} entries ({size / 1e6:.1f} MB) unused for {days:g} days "
        f"from {cache.folder}"
    )


@app.command("clear")
@errors
def clear(kind: KindOption = None) -> None:
    """Remove every entry of the cache (the next build compiles and validates everything)."""
    cache = _cache()
    count, size = cache.prune(None, _kinds(kind))
    say(f"removed {count} entries ({size / 1e6:.1f} MB) from {cache.folder}")
