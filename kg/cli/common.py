"""What every command shares: the --debug state, one-line error reporting, the common options
(`--data`, `--sources`) and where a source named on the command line is."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from kg.errors import EXIT_ERROR, InputError, KgError
from kg.options import DATA, Option

if TYPE_CHECKING:
    from kg.build import Built

SourcesOption = Annotated[
    Path | None, typer.Option("--sources", help="Sources folder (default: the packaged one).")
]


def option(row: Option[Any], **extra: Any) -> Any:
    """A typer option declared from its row of `kg.options` (flags, help, metavar)."""
    if row.metavar is not None:
        extra.setdefault("metavar", row.metavar)
    return typer.Option(*row.flags, help=row.help, **extra)


DataOption = Annotated[Path | None, option(DATA)]

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class State:
    """Options given before the command."""

    debug: bool = False


state = State()


def say(message: str) -> None:
    """Write a message for people to stderr (data goes to stdout)."""
    typer.echo(message, err=True)


def sources_root(sources: Path | None) -> Path:
    """Return the sources folder: the one given, else the packaged one."""
    from kg import resources

    return sources or resources.sources_dir()


def source_folder(source: str, sources: Path | None) -> Path:
    """Resolve SOURCE: a slug in the sources folder, or the path of a source folder."""
    path = Path(source)
    if path.is_dir():
        return path
    if path.name in ("facts.ttl", "text.txt") and path.is_file():
        return path.parent
    root = sources_root(sources)
    if (root / source).is_dir() and "/" not in source:
        return root / source
    raise InputError(f"{source}: no such source (a slug in {root}, or a source folder)")


def load_graph(data: Path | None) -> Built:
    """Load the graph a command reads (`kg.graph.open`); say so when it builds the sources."""
    from kg import graph

    if data is None and not graph.default_is_built():
        where = graph.DEFAULT_DATA
        say(f"no build in {where}/: building the graph in memory (`kg build` makes it fast)")
    return graph.open(data)


def errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a KgError into one line on stderr and its exit code (a traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            if state.debug:
                raise
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"error: {first}", file=sys.stderr)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # a full disk, a read-only folder: say which file, in one line
            if state.debug:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper
