"""The `kg` command line: one module per command group, composed here."""

from __future__ import annotations

import typer

from kg import __version__
from kg.cli import build as build_cmd
from kg.cli import cache as cache_cmd
from kg.cli import draft as draft_cmd
from kg.cli import query as query_cmd
from kg.cli import registry as registry_cmd
from kg.cli import sources as sources_cmd
from kg.cli import viz as viz_cmd
from kg.cli.common import state

app = typer.Typer(
    name="kg",
    help="scs-kg: a knowledge graph of South China Sea diplomacy, every fact traced to its quote.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scs-kg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show tracebacks instead of one-line errors."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    state.debug = debug
    if not debug:  # kg names an ill-typed literal itself, with its file and line
        import logging
        import warnings

        logging.getLogger("rdflib.term").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib(\.|$)")


build_cmd.register(app)
cache_cmd.register(app)
draft_cmd.register(app)
query_cmd.register(app)
registry_cmd.register(app)
sources_cmd.register(app)
viz_cmd.register(app)


def _terminate(signum: int, _frame: object) -> None:
    """Turn SIGTERM into an exit that runs every clean-up (temporary folders, children)."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Run the `kg` command line."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()
