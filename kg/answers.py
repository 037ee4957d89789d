"""Stored answers of `kg query` and `kg sparql`, and the command line's quick path to them.

A repeated query over an unchanged build is answered with the bytes its first run wrote (kept
in the cache, kind `query`, see `kg.cache.answer_slot`). `kg.console.main`, the `kg` command,
looks such an answer up (`answered`) before anything heavy is imported: it reads `kg query
NAME [OPTION...]` with the one declaration of `kg query`'s options (`kg.options.QUERY_OPTIONS`,
which `kg.cli` declares the command from), writes the stored answer and ends; anything else,
and every miss, goes to the full command line (`kg.cli`), which computes the key with the same
function (`catalog_slot`) from the options it parsed. The query's file is found as the catalog
finds it (`kg.resources.query_file`). This module imports neither the command-line framework
nor an RDF library.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kg.cache import AnswerSlot

from kg.errors import InputError
from kg.options import key_parts, param_pairs, quick_options  # light: a hit imports no RDF library
from kg.outfolder import DEFAULT_DATA, DUMP_FILE


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


def catalog_slot(name: str, options: Mapping[str, Any]) -> tuple[AnswerSlot | None, str | None]:
    """The slot of `kg query NAME` with these options (by destination, as `kg.options`
    declares them) and the query text it is keyed by.

    (None, None) if the query or an option's value is bad: the full run reports it. A run keeps
    its answer only if it ran that very text (the file could change in between).
    """
    text, parts = _catalog_text(name), key_parts(options)
    if text is None or parts is None:
        return None, None
    data, store = options["data"], options["store"]
    found = slot(
        Path(data) if data is not None else None,
        str(options["engine"]),
        Path(store) if store is not None else None,
        "query",
        name,
        text,
        *parts,
        query=text,
    )
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
    try:
        return param_pairs(pairs)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def answered(args: list[str]) -> bool:
    """Write the stored answer of a repeated `kg query` given these arguments, if there is one."""
    options = quick_options(args)
    if options is None:
        return False
    return write_stored(catalog_slot(str(options["name"]), options)[0])
