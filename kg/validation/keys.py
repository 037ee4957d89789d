"""The validation cache: what keys a verdict (the engine's identity, the content validated) and
how a cached verdict is checked on every read."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.build import Built
from kg.cache import Cache, Entry, all_of, hash_parts, json_shaped, open_cache
from kg.validation.neighbourhood import term_key

CACHE_VERSION = "1"


def hash_key(*parts: str | bytes) -> hashlib._Hash:
    """A SHA-256 of the parts, each length-prefixed (`kg.cache.hash_parts`)."""
    return hash_parts(hashlib.sha256(), *parts)


@functools.cache
def code_identity() -> str:
    """Identify validation's own code (kg/validation/*.py): cached verdicts change with it."""
    h = hashlib.sha256(b"kg.validation 1\0")
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (the shapes, for pySHACL's verdicts)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def base_key(
    engine: str, engine_id: str, shapes_digest: str, shared_key: str, checks: list[Path]
) -> hashlib._Hash:
    """What every source's cached verdict is keyed by, before its own content: the engine and
    its identity, the shapes (the compiled program's digest, or the file's), validation's code,
    the shared graphs (`Built.shared_key`, the build's digest) and the data checks' texts."""
    base = hash_key(CACHE_VERSION, engine, engine_id, shapes_digest, code_identity())
    base.update(shared_key.encode("ascii"))
    for path in checks:
        base.update(hash_key(path.name, path.read_bytes()).digest())
    return base


def _row_ok(row: Any) -> bool:
    return isinstance(row, list) and len(row) == 5 and all(isinstance(x, str) for x in row)


ROWS_OK = json_shaped(lambda rows: all_of(rows, _row_ok))


ENTRY_OK = json_shaped(lambda entry: _entry_ok(entry))


def _entry_ok(entry: Any) -> bool:
    """Whether a cached per-source verdict has the shape `validate_built` writes."""
    return (
        isinstance(entry, dict)
        and set(entry) == {"k", "r", "subclass", "shacl", "checks"}
        and all_of(entry["k"], lambda x: isinstance(x, str))
        and all_of(entry["r"], lambda x: isinstance(x, str))
        and isinstance(entry["subclass"], bool)
        and all_of(entry["shacl"], _row_ok)
        and isinstance(entry["checks"], dict)
        and all(isinstance(k, str) and type(v) is int for k, v in entry["checks"].items())
    )


def listed(cache: Cache | None, kind: str) -> set[str] | None:
    """The names of the files of a kind in the cache, listed at once (None: unknown, read each
    entry); reading a missing entry costs a failed open, and a cold build misses every one."""
    if cache is None:
        return None
    try:
        with os.scandir(cache.folder / kind) as found:
            return {f.name for f in found}
    except FileNotFoundError:
        return set()
    except OSError:
        return None


def read_entry(entry: Entry | None, check: Callable[[bytes], bool]) -> Any:
    """Return a cached verdict (verified, marked as used), or None when missing or damaged."""
    body = entry.read(check) if entry is not None else None
    return json.loads(body) if body is not None else None


def cache_of(built: Built, cache: Cache | Path | bool | None) -> Cache | None:
    """The cache of the verdicts: True for the build's own (None if it has none)."""
    if isinstance(cache, Cache):
        return cache
    if not cache:
        return None
    if cache is True:
        return built.cache
    return open_cache(cache)


def pyshacl_version() -> str:
    """pySHACL's version, which identifies it in cache keys."""
    from importlib.metadata import version

    return version("pyshacl")


def engine_identity() -> str:
    """Identify the compiled engine's code (`kg.shacl.code_identity`) in cache keys."""
    from kg.shacl import code_identity as compiler

    return compiler()


def digest_triples(triples: Any) -> str:
    """Identify rdflib triples by their sorted lines."""
    lines = sorted(f"{term_key(s)} {term_key(p)} {term_key(o)}" for s, p, o in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
