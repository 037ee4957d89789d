"""The cache: compiled sources, direct edges, verdicts, export pieces and query answers, each
verified on read.

An entry is one file `FOLDER/KIND/KEY.SUFFIX`: a header line with the SHA-256 of the kind, the
key and the body, then the body. Every read checks that digest, so an entry that was cut,
emptied, edited or moved to another key is never used: it is discarded with a one-line warning
and its content computed again. The folder is marked with a `CACHEDIR.TAG` (the Cache Directory
Tagging convention, which backup tools honour); the project writes, prunes and clears only a
folder it marked, and there only the files named as it names them.

Query answers (kind `query`) are the bytes `kg query` and `kg sparql` wrote, keyed by the data
file's state (see `file_state`), the code that wrote them (`code_identity`) and everything the
command was given: a repeated query over an unchanged build is answered without loading it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError

KINDS = ("build", "derive", "validate", "shacl", "export", "query")
TAG_FILE = "CACHEDIR.TAG"
PRUNED_FILE = "last-pruned"  # empty; its modification time is when a build last pruned
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by scs-kg (kg build).\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_HEADER = b"# scs-kg cache 1 sha256="
_NAME = re.compile(r"[0-9a-f]{64}(\.\d+\.tmp|\.nt|\.json|\.frag|\.out)")


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
    """An empty folder, or one holding only the kinds' subfolders (an untagged older cache) and
    a tag another process is writing this moment (so far a beginning of the tag's text)."""
    return all(
        (p.name in KINDS and p.is_dir() and not p.is_symlink()) or _tag_being_written(p)
        for p in folder.iterdir()
    )


def _tag_being_written(path: Path) -> bool:
    """Whether `path` is a tag file holding a beginning of the tag (a concurrent open_cache)."""
    if path.name != TAG_FILE or path.is_symlink() or not path.is_file():
        return False
    try:
        return TAG.startswith(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        return False


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


def hash_parts(h: hashlib._Hash, *parts: str | bytes) -> hashlib._Hash:
    """Feed `h` each part (text as UTF-8) prefixed by its length, and return it.

    The one way keys and digests are made: no two different lists of parts feed the same bytes.
    """
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h


def digest(kind: str, key: str, body: bytes) -> str:
    """Return the digest an entry's header carries: SHA-256 of its kind, key and body."""
    return hash_parts(hashlib.sha256(), kind, key, body).hexdigest()


_KEY = re.compile(r"[0-9a-f]{64}")


def is_key(text: str) -> bool:
    """Whether a text has the form of a key or digest (`key_of`: 64 lowercase hex digits)."""
    return _KEY.fullmatch(text) is not None


def key_of(*parts: str | bytes) -> str:
    """Return a cache key: the SHA-256 of the parts, each prefixed by its length."""
    return hash_parts(hashlib.sha256(), *parts).hexdigest()


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
        except BaseException as exc:  # also Ctrl-C, or SIGTERM (a stopped worker)
            with contextlib.suppress(OSError, UnboundLocalError):
                tmp.unlink()  # no half-written file is left
            if not isinstance(exc, OSError):
                raise
            # a full disk or a read-only cache: the build goes on
            warn(f"cache entry {self.kind}/{path.name} not written: {exc.strerror or exc}")


@dataclass(frozen=True)
class Cache:
    """A cache folder the project tagged (or will tag when it first writes)."""

    folder: Path

    def entry(self, kind: str, key: str, suffix: str) -> Entry:
        """Return the entry of a kind (one of `KINDS`) and key."""
        assert kind in KINDS and is_key(key), (kind, key)
        return Entry(self, kind, key, suffix)

    def files(self, kinds: Iterable[str] = KINDS) -> list[Path]:
        """Return the files the project wrote in this folder (nothing else), of these kinds."""
        if not is_ours(self.folder):
            return []
        found: list[Path] = []
        for kind in kinds:
            sub = self.folder / kind
            if sub.is_dir() and not sub.is_symlink():
                found.extend(
                    p
                    for p in sub.iterdir()
                    if _NAME.fullmatch(p.name) and p.is_file() and not p.is_symlink()
                )
        return sorted(found)

    def prune(self, days: float | None = None, kinds: Iterable[str] = KINDS) -> tuple[int, int]:
        """Remove the entries (of `kinds`) not used for `days` days (None: all); return (files,
        bytes).

        Every build and validation marks the entries it uses, so those of sources edited or
        removed since are the ones that age. Each removal is one atomic unlink.
        """
        limit = None if days is None else time.time() - days * 86400
        count = size = 0
        for path in self.files(kinds):
            try:
                info = path.stat()
                if limit is not None and info.st_mtime >= limit:
                    continue
                path.unlink()
            except FileNotFoundError:  # removed meanwhile by another process
                continue
            count += 1
            size += info.st_size
        return count, size

    def prune_daily(self, days: float, every: float = 86400.0) -> tuple[int, int] | None:
        """Prune as `prune(days)` does unless that was done less than `every` seconds ago
        (then None): a build need not look at every entry of a large cache each time.

        When it was last done is the time of the folder's `PRUNED_FILE`, an empty file; where
        something else has that name (a link, a folder), it is left alone and this prunes.
        """
        if not is_ours(self.folder):
            return None
        stamp = self.folder / PRUNED_FILE
        try:
            found = stamp.lstat()
        except FileNotFoundError:
            found = None
        except OSError:
            return self.prune(days)
        if found is not None and not stat.S_ISREG(found.st_mode):
            return self.prune(days)
        if found is not None and 0 <= time.time() - found.st_mtime < every:
            return None
        removed = self.prune(days)
        with contextlib.suppress(OSError):  # a read-only cache: it prunes again next time
            stamp.touch()
        return removed


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


# --- query answers ---------------------------------------------------------------------

QUERY_VERSION = "1"
SETTLE_SECONDS = 2.5
"""How long a data file must have been left alone before answers over it are stored.

A file's modification and change times have a granularity (a clock tick; 2 s on FAT): a file
written again within the same tick can keep its state, so answers computed from it are stored
only when its last change lies further back than that, and any later change shows.
"""
MAX_ANSWER_BYTES = 256 * 2**20  # a larger answer is written out but not kept


def file_state(path: Path) -> str:
    """Identify a file's content by its state: device, inode, size, modification and change time.

    A change to the file, its replacement (a new build swaps in new files) or a restored
    modification time all change the change time (ctime), which no user can set; so two equal
    states mean the same content, as for git's index.
    """
    return _state(path.stat())


def _state(st: os.stat_result) -> str:
    return f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


def _library_state(name: str) -> str:
    """The installed files of a library (name, size, mtime), found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return f"{name}: not installed"
    folder = Path(spec.origin).parent
    lines = [name, str(folder)]
    for path in sorted(folder.iterdir()):
        if path.is_file():
            st = path.stat()
            lines.append(f"{path.name} {st.st_size} {st.st_mtime_ns}")
    return "\n".join(lines)


@functools.cache
def code_identity() -> str:
    """Identify the code an answer depends on: kg's own modules, pyoxigraph, rdflib, Python."""
    here = Path(__file__).resolve().parent
    parts: list[str | bytes] = [f"scs-kg query {QUERY_VERSION}", sys.version]
    for path in sorted(here.rglob("*.py")):
        parts += [path.relative_to(here).as_posix(), path.read_bytes()]
    parts += [_library_state("pyoxigraph"), _library_state("rdflib")]
    return key_of(*parts)


@dataclass(frozen=True)
class AnswerSlot:
    """Where the answer of one command over one data file is kept (see `answer_slot`)."""

    data: Path
    state: str
    settled: bool
    key: str

    def read(self) -> bytes | None:
        """Return the stored answer if there is an intact one (a damaged one is discarded)."""
        cache = open_cache(create=False)
        if cache is None or not is_ours(cache.folder):
            return None
        return cache.entry("query", self.key, ".out").read()

    def store(self, answer: str) -> None:
        """Keep the answer, unless the data file changed since the lookup or had just changed."""
        try:
            body = answer.encode("utf-8")
            unchanged = file_state(self.data) == self.state
        except (UnicodeEncodeError, OSError):
            return
        if not (self.settled and unchanged) or len(body) > MAX_ANSWER_BYTES:
            return
        cache = open_cache()
        if cache is not None:
            cache.entry("query", self.key, ".out").write(body)


def answer_slot(data: Path, *parts: str) -> AnswerSlot | None:
    """Return the slot of an answer over the data file and the command's `parts`, or None.

    None when the cache is off or the file cannot be read. The key holds the file's state, the
    code's identity and the parts (engine, query text, bound values, format ...).
    """
    if folder_setting() is None:
        return None
    try:
        st = data.stat()
    except OSError:
        return None
    state = _state(st)
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLE_SECONDS * 1e9
    key = key_of("query", code_identity(), str(data.resolve()), state, *parts)
    return AnswerSlot(data, state, settled, key)
