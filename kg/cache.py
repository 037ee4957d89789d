"""The cache: compiled sources, direct edges, verdicts and export pieces, each verified on read.

An entry is one file `FOLDER/KIND/KEY.SUFFIX`: a header line with the SHA-256 of the kind, the
key and the body, then the body. Every read checks that digest, so an entry that was cut,
emptied, edited or moved to another key is never used: it is discarded with a one-line warning
and its content computed again. The folder is marked with a `CACHEDIR.TAG` (the Cache Directory
Tagging convention, which backup tools honour); the project writes, prunes and clears only a
folder it marked, and there only the files named as it names them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError

KINDS = ("build", "derive", "validate", "shacl", "export")
TAG_FILE = "CACHEDIR.TAG"
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by scs-kg (kg build).\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_HEADER = b"# scs-kg cache 1 sha256="
_NAME = re.compile(r"[0-9a-f]{64}(\.\d+\.tmp|\.nt|\.json|\.frag)")


class CacheError(InputError):
    """A cache entry that changed while a build was reading it."""


def warn(message: str) -> None:
    """Tell the user about a cache problem that the build works around (one line on stderr)."""
    print(f"warning: {message}", file=sys.stderr)


def folder_setting() -> Path | None:
    """Return the folder the cache is set to (`KG_CACHE_DIR`; empty turns it off)."""
    env = os.environ.get("KG_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scs-kg"


def is_ours(folder: Path) -> bool:
    """Whether a folder carries the project's cache tag."""
    tag = folder / TAG_FILE
    try:
        return tag.is_file() and not tag.is_symlink() and tag.read_text("utf-8") == TAG
    except (OSError, UnicodeDecodeError):
        return False


def _adoptable(folder: Path) -> bool:
    """An empty folder, or one holding only the kinds' subfolders (an untagged older cache)."""
    return all(p.name in KINDS and p.is_dir() and not p.is_symlink() for p in folder.iterdir())


def open_cache(folder: Path | None = None, *, create: bool = True) -> Cache | None:
    """Return the cache in `folder` (default: the setting), or None when it is off or unusable.

    A folder that is not the project's (no tag, and files of someone else's in it) or is not a
    folder at all is not used: the build goes on without a cache and says why once.
    """
    folder = folder if folder is not None else folder_setting()
    if folder is None:
        return None
    try:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            warn(f"cache folder {folder} is not a folder; working without a cache")
            return None
        if is_ours(folder):
            return Cache(folder)
        if not create and not folder.exists():
            return Cache(folder)
        if folder.exists() and not _adoptable(folder):
            warn(
                f"cache folder {folder} holds files that scs-kg did not write (no {TAG_FILE}); "
                "working without a cache (set KG_CACHE_DIR to another folder)"
            )
            return None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / TAG_FILE).write_text(TAG, encoding="utf-8")
    except OSError as exc:
        warn(f"cache folder {folder}: {exc.strerror or exc}; working without a cache")
        return None
    return Cache(folder)


def digest(kind: str, key: str, body: bytes) -> str:
    """Return the digest an entry's header carries: SHA-256 of its kind, key and body."""
    h = hashlib.sha256()
    for part in (kind.encode(), key.encode(), body):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def key_of(*parts: str | bytes) -> str:
    """Return a cache key: the SHA-256 of the parts, each prefixed by its length."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One cache entry: where it is and what its digest must be."""

    cache: Cache
    kind: str
    key: str
    suffix: str

    @property
    def path(self) -> Path:
        """The entry's file."""
        return self.cache.folder / self.kind / f"{self.key}{self.suffix}"

    def _verified(self, data: bytes) -> bytes | None:
        head, sep, body = data.partition(b"\n")
        if not sep or not head.startswith(_HEADER):
            return None
        expected = head[len(_HEADER) :].decode("ascii", "replace")
        return body if expected == digest(self.kind, self.key, body) else None

    def read(self, check: Callable[[bytes], bool] | None = None) -> bytes | None:
        """Return the entry's body if it is there and intact (marked as used), else None.

        A damaged entry (its digest does not match, or `check` refuses its body) is removed
        with a warning, so that it is computed again.
        """
        path = self.path
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            warn(f"cache entry {self.kind}/{path.name}: {exc.strerror or exc}; computed again")
            return None
        body = self._verified(data)
        if body is None or (check is not None and not check(body)):
            warn(
                f"cache entry {self.kind}/{path.name} is damaged (its content does not match "
                "its digest); discarded and computed again"
            )
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: `kg cache prune` removes entries long unused
        return body

    def body(self) -> bytes:
        """Return the body of an entry the build has accepted; raise if it changed since."""
        body = self.read()
        if body is None:
            raise CacheError(
                f"cache entry {self.kind}/{self.path.name} changed or vanished while the build "
                "was reading it; run the command again"
            )
        return body

    def write(self, body: bytes) -> None:
        """Write the entry atomically (a reader sees the old file, the new one, or none)."""
        path = self.path
        head = _HEADER + digest(self.kind, self.key, body).encode("ascii") + b"\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{self.key}.{os.getpid()}.tmp")
            tmp.write_bytes(head + body)
            tmp.replace(path)
        except OSError as exc:  # a full disk or a read-only cache: the build goes on
            warn(f"cache entry {self.kind}/{path.name} not written: {exc.strerror or exc}")
            with contextlib.suppress(OSError, UnboundLocalError):
                tmp.unlink()


@dataclass(frozen=True)
class Cache:
    """A cache folder the project tagged (or will tag when it first writes)."""

    folder: Path

    def entry(self, kind: str, key: str, suffix: str) -> Entry:
        """Return the entry of a kind (`build`, `derive`, `validate`, `shacl`, `export`) and key."""
        assert kind in KINDS and re.fullmatch(r"[0-9a-f]{64}", key), (kind, key)
        return Entry(self, kind, key, suffix)

    def files(self) -> list[Path]:
        """Return the files the project wrote in this folder (nothing else)."""
        if not is_ours(self.folder):
            return []
        found: list[Path] = []
        for kind in KINDS:
            sub = self.folder / kind
            if sub.is_dir() and not sub.is_symlink():
                found.extend(
                    p
                    for p in sub.iterdir()
                    if _NAME.fullmatch(p.name) and p.is_file() and not p.is_symlink()
                )
        return sorted(found)

    def prune(self, days: float | None = None) -> tuple[int, int]:
        """Remove the entries not used for `days` days (None: all); return (files, bytes).

        Every build and validation marks the entries it uses, so those of sources edited or
        removed since are the ones that age. Each removal is one atomic unlink.
        """
        limit = None if days is None else time.time() - days * 86400
        count = size = 0
        for path in self.files():
            try:
                stat = path.stat()
                if limit is not None and stat.st_mtime >= limit:
                    continue
                path.unlink()
            except FileNotFoundError:  # removed meanwhile by another process
                continue
            count += 1
            size += stat.st_size
        return count, size


def json_shaped(validate: Callable[[Any], bool]) -> Callable[[bytes], bool]:
    """Return a body check: the body is JSON and `validate` accepts the value."""
    import json

    def check(body: bytes) -> bool:
        try:
            return bool(validate(json.loads(body.decode("utf-8"))))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            return False

    return check


def all_of(items: Iterable[Any], test: Callable[[Any], bool]) -> bool:
    """Whether `items` is a list and `test` holds for each item (for JSON shape checks)."""
    return isinstance(items, list) and all(test(item) for item in items)
