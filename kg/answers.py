"""Stored answers of `kg query` and `kg sparql`, and the command line's quick path to them.

A repeated query over an unchanged build is answered with the bytes its first run wrote (kept
in the cache, kind `query`, see `kg.cache.answer_slot`). `kg.console.main`, the `kg` command,
looks such an answer up (`answered`) before anything heavy is imported: for `kg query NAME`
with only the options it reads the same way as the full command line (`QUERY_OPTIONS`, whose
flags `kg.cli` declares those options with, and `--wide`) it writes the stored answer and
ends; anything else, and every miss, goes to the full command line (`kg.cli`), which computes
the same key. The query's file is found as the catalog finds it (`kg.resources.query_file`).
This module imports neither the command-line framework nor an RDF library.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.cache import AnswerSlot

from kg.errors import InputError
from kg.outfolder import DEFAULT_DATA, DUMP_FILE  # light modules: a hit imports no RDF library
from kg.plugins import ENGINES


def table_width(wide: bool) -> int | None:
    """The terminal width a table fits in: $COLUMNS, the terminal's, else 100; None if wide."""
    import shutil

    return None if wide else shutil.get_terminal_size((100, 24)).columns


def slot(
    data: Path | None, engine: str, store: Path | None, *parts: str, query: str
) -> AnswerSlot | None:
    """Where the answer of `query` over a build file is kept, or None: nothing is kept without
    a build file (the graph is built in memory, or the run reports a missing file), nor for a
    query that calls a function whose value changes between runs (`NOW()`, `RAND()` ...).
    """
    from kg.cache import answer_slot
    from kg.sandbox import volatile

    if volatile(query):
        return None
    path = data if data is not None else DEFAULT_DATA
    file = path / DUMP_FILE if path.is_dir() else path
    if not file.is_file():
        return None
    where = "in memory" if store is None else f"store {store.resolve()}"
    return answer_slot(file, engine, where, *parts)


def catalog_slot(
    name: str,
    params: list[str],
    fmt: str,
    wide: bool,
    data: Path | None,
    engine: str,
    store: Path | None,
) -> tuple[AnswerSlot | None, str | None]:
    """The slot of `kg query NAME` with these options and the query text it is keyed by.

    (None, None) if the query or a `-p` pair is bad: the full run reports it. A run keeps its
    answer only if it ran that very text (the file could change in between).
    """
    text, pairs = _catalog_text(name), _param_parts(params)
    if text is None or pairs is None:
        return None, None
    width = table_width(wide) if fmt == "table" else None
    found = slot(data, engine, store, "query", name, text, fmt, f"{width}", *pairs, query=text)
    return found, text


def write_stored(found: AnswerSlot | None) -> bool:
    """Write the stored answer of a slot, if there is an intact one; return whether it did."""
    body = found.read() if found is not None else None
    if body is None:
        return False
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("_", "-")
    if buffer is not None and encoding in ("utf-8", "utf8"):
        buffer.write(body)  # the very bytes the run that stored it wrote
        buffer.flush()
    else:
        sys.stdout.write(body.decode("utf-8"))
        sys.stdout.flush()
    return True


def _catalog_text(name: str) -> str | None:
    """The text of a catalog query by file name (as `catalog.get` finds it), else None."""
    from kg import resources

    path = resources.query_file(name)
    try:
        return path.read_text(encoding="utf-8") if path is not None else None
    except (OSError, UnicodeDecodeError):
        return None


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """Turn `-p name=value` strings into a dict; a pair without `=` is an InputError."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {pair!r}: want name=value")
        values[key.strip()] = value
    return values


def _param_parts(pairs: list[str]) -> list[str] | None:
    """The `-p name=value` pairs as `kg query` reads them, sorted; None if bad."""
    try:
        values = parse_assignments(pairs)
    except InputError:
        return None
    return [f"{k}={v}" for k, v in sorted(values.items())]


QUERY_OPTIONS = {
    "data": ("--data", "-d"),
    "fmt": ("--format", "-f"),
    "engine": ("--engine", "-e"),
    "param": ("--param", "-p"),
    "store": ("--store",),
}
"""The options of `kg query` that take a value and that the quick path reads, by destination:
`kg.cli` declares these options with these very flags, so both read a command line alike."""
WIDE = "--wide"
"""The flag of `kg query` (no value) that the quick path reads too."""
_VALUED = {flag: dest for dest, flags in QUERY_OPTIONS.items() for flag in flags}


def quick_options(args: list[str]) -> dict[str, str | list[str] | bool | None] | None:
    """Read `query NAME [OPTION VALUE | --OPTION=VALUE | --wide]...` as `kg query` reads it.

    None for anything else (another command, `--help`, `--timeout`, `--endpoint`, options
    joined to their value as `-fcsv`, a value that starts with `-` or is empty): the full
    command line then reads the arguments.
    """
    if len(args) < 2 or args[0] != "query" or args[1].startswith("-") or not args[1]:
        return None
    found: dict[str, str | list[str] | bool | None] = {
        "name": args[1],
        "data": None,
        "fmt": "table",
        "engine": ENGINES.default,
        "store": None,
        "wide": False,
    }
    params: list[str] = []
    i = 2
    while i < len(args):
        arg = args[i]
        if arg == WIDE:
            found["wide"] = True
            i += 1
            continue
        key, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key not in _VALUED:
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
        i += 1 if eq else 2
        if not value or value.startswith("-"):
            return None
        if _VALUED[key] == "param":
            params.append(value)
        else:
            found[_VALUED[key]] = value
    found["params"] = params
    return found


def answered(args: list[str]) -> bool:
    """Write the stored answer of a repeated `kg query` given these arguments, if there is one."""
    options = quick_options(args)
    if options is None:
        return False
    data, store = options["data"], options["store"]
    params = options["params"]
    assert isinstance(params, list)
    found, _text = catalog_slot(
        str(options["name"]),
        params,
        str(options["fmt"]),
        bool(options["wide"]),
        Path(data) if isinstance(data, str) else None,
        str(options["engine"]),
        Path(store) if isinstance(store, str) else None,
    )
    return write_stored(found)
