"""The options of `kg query`, declared once: flags, help, default, and what the quick path does
with each.

`kg.cli` declares `kg query`'s options from these rows (`kg.cli.common.option`; `kg sparql`
and `kg viz` take the rows they share), and the console script's quick path (`kg.answers`)
reads a command line with the same rows, so an option added here reaches both.
`tests/test_query_cache.py` checks that `kg query` declares exactly these options and that the
quick path reads a command line as the full one does. This module imports no command-line
framework (the quick path must not), and nothing heavy.

A row's `role` says what a stored answer has to do with the option:

- `graph`: which graph answers (`--data`, `--engine`, `--store`): part of where the answer is
  kept (`kg.answers.slot`);
- `key`: part of the answer's key (`--format`, `--param`, `--wide`), as `key_part` gives it;
- `full`: the quick path leaves a command line that gives it to the full command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from kg.outfolder import DUMP_FILE
from kg.plugins import ENGINES

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    """One option of `kg query`: its destination, flags, help, default and role."""

    dest: str
    flags: tuple[str, ...]
    help: str
    default: T
    role: Literal["graph", "key", "full"]
    kind: Literal["value", "many", "flag"] = "value"
    metavar: str | None = None
    key_part: Callable[[Any, Mapping[str, Any]], list[str] | None] = field(
        default=lambda value, _options: [f"{value}"], compare=False, repr=False
    )
    """The option's part of the answer's key, given its value and every option's (a `key`
    row); None when the value is bad, which the full command line reports."""


def param_pairs(pairs: list[str]) -> dict[str, str]:
    """Turn `-p name=value` strings into a dict (the last value of a name wins); a pair
    without `=` is a ValueError naming it."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param {pair!r}: want name=value")
        values[key.strip()] = value
    return values


def _params_part(pairs: list[str], _options: Mapping[str, Any]) -> list[str] | None:
    """The `-p name=value` pairs as `kg query` reads them, sorted; None if one is bad."""
    try:
        values = param_pairs(pairs)
    except ValueError:
        return None
    return [f"{k}={v}" for k, v in sorted(values.items())]


def table_width(wide: bool) -> int | None:
    """The terminal width a table fits in: $COLUMNS, the terminal's, else 100; None if wide."""
    import shutil

    return None if wide else shutil.get_terminal_size((100, 24)).columns


def _width_part(wide: bool, options: Mapping[str, Any]) -> list[str]:
    """A table's width is part of its answer (other formats have none)."""
    return [f"{table_width(wide) if options['fmt'] == 'table' else None}"]


PARAM: Option[list[str] | None] = Option(
    "param",
    ("--param", "-p"),
    "A parameter value: name=value; an entity by short name, IRI or label.",
    None,
    "key",
    kind="many",
    key_part=lambda value, options: _params_part(value or [], options),
)
FORMAT: Option[str] = Option(
    "fmt",
    ("--format", "-f"),
    "table|csv|tsv|json|xml (SELECT/ASK); turtle|nt|json-ld (CONSTRUCT/DESCRIBE).",
    "table",
    "key",
)
DATA: Option[Any] = Option(
    "data",
    ("--data", "-d"),
    f"A build folder (with {DUMP_FILE}) or an RDF file (.nq, .trig, .jsonld, .ttl, .nt, .rdf); "
    "default: out/, else build now.",
    None,
    "graph",
)
ENGINE: Option[str] = Option(
    "engine",
    ("--engine", "-e"),
    f"Embedded engine: {ENGINES.spoken(default=True)}.",
    ENGINES.default,
    "graph",
)
STORE: Option[Any] = Option(
    "store",
    ("--store",),
    "On-disk Oxigraph store folder: loaded once, then reused.",
    None,
    "graph",
)
ENDPOINT: Option[str | None] = Option(
    "endpoint",
    ("--endpoint",),
    "A remote SPARQL 1.1 query endpoint URL instead.",
    None,
    "full",
)
TIMEOUT: Option[float | None] = Option(
    "timeout",
    ("--timeout",),
    "Stop the query after this many seconds (an endpoint's: 60 s).",
    None,
    "full",
)
MAX_RESPONSE: Option[str | None] = Option(
    "max_response",
    ("--max-response",),
    "With --endpoint: the most bytes one answer may have (e.g. 64M; default: "
    "$KG_MAX_RESPONSE, else 256M).",
    None,
    "full",
    metavar="SIZE",
)
WIDE: Option[bool] = Option(
    "wide",
    ("--wide",),
    "Table: every cell whole (default: fit the terminal, cut cells end in …).",
    False,
    "key",
    kind="flag",
    key_part=_width_part,
)
HELP: Option[bool] = Option(
    "show_help",
    ("--help",),
    "Show this help; with NAME, that query's parameters.",
    False,
    "full",
    kind="flag",
)

QUERY_OPTIONS: dict[str, Option[Any]] = {
    o.dest: o
    for o in (PARAM, FORMAT, DATA, ENGINE, STORE, ENDPOINT, TIMEOUT, MAX_RESPONSE, WIDE, HELP)
}
"""Every option of `kg query` by destination, in the order its help lists them."""


def quick_options(args: list[str]) -> dict[str, Any] | None:
    """Read `query NAME [OPTION...]` with `QUERY_OPTIONS` as `kg query` reads it: each option's
    value by destination (its default when not given), `name` the query.

    None for anything the quick path leaves to the full command line: another command, an
    option of role `full` or unknown, a short option joined to its value (`-fcsv`), a value
    that is empty or starts with `-`.

    >>> found = quick_options(["query", "cq2-allies", "-f", "csv", "--param=a=b", "--wide"])
    >>> found["name"], found["fmt"], found["param"], found["wide"], found["data"]
    ('cq2-allies', 'csv', ['a=b'], True, None)
    >>> quick_options(["query", "cq2-allies", "--timeout", "5"]) is None  # role `full`
    True
    """
    if len(args) < 2 or args[0] != "query" or args[1].startswith("-") or not args[1]:
        return None
    flags = {flag: o for o in QUERY_OPTIONS.values() for flag in o.flags}
    found: dict[str, Any] = {o.dest: o.default for o in QUERY_OPTIONS.values()}
    found["name"] = args[1]
    many: dict[str, list[str]] = {}
    i = 2
    while i < len(args):
        flag, eq, value = args[i].partition("=") if args[i].startswith("--") else (args[i], "", "")
        option = flags.get(flag)
        if option is None or option.role == "full" or (eq and option.kind == "flag"):
            return None
        i += 1
        if option.kind == "flag":
            found[option.dest] = True
            continue
        if not eq:
            if i >= len(args):
                return None
            value, i = args[i], i + 1
        if not value or value.startswith("-"):
            return None
        if option.kind == "many":
            many.setdefault(option.dest, []).append(value)
        else:
            found[option.dest] = value
    return {**found, **many}


def key_parts(options: Mapping[str, Any]) -> list[str] | None:
    """The answer's key from the options of role `key`, in the table's order; None if a value
    is bad."""
    parts: list[str] = []
    for option in QUERY_OPTIONS.values():
        if option.role == "key":
            part = option.key_part(options[option.dest], options)
            if part is None:
                return None
            parts += part
    return parts
