"""Rewriting the analyst's files safely: `kg new`, `kg draft`, `kg review`, `kg draft --accept`.

Every command that rewrites a source's files (facts.ttl, draft.ttl, the decisions log) or the
registry (entities.ttl) holds `locked(sources_root)` from the moment it reads them to the moment
its writes are in place, so two of them at once take turns and neither loses the other's work.
The lock is an exclusive `flock` on the sources folder itself (no lock file is left behind).

`replace_files` writes new contents through temporary files in each file's own folder and
renames them over the old ones only when every one of them is written, so a full disk or a
read-only folder leaves the old files (and no temporary file). A replaced file keeps its mode
and owner, and a symbolic link is written through: its target is replaced, the link stays.
`read_exact` reads a file as it is (line endings included), so that text appended to it can
follow the file's own line endings (`line_ending`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on a sources folder while its files are read, checked and written."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise InputError(f"{folder}: cannot be opened to lock it: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def read_exact(path: Path) -> str:
    """Return a UTF-8 file's text with its line endings as they are (no newline translation)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def line_ending(text: str) -> str:
    """Return the line ending a text uses ("\\r\\n" if its first line ends so, else "\\n")."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def with_ending(text: str, ending: str) -> str:
    """Return a text written with "\\n" line endings in the given line ending."""
    return text if ending == "\n" else text.replace("\n", ending)


def _target(path: Path) -> Path:
    """Return the file a path names: itself, or the end of its chain of symbolic links."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _prepare(path: Path, content: str) -> Path:
    """Write a file's new content to a temporary file beside it, with the old file's mode."""
    target = _target(path)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            if old is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(old.st_mode))
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(handle.fileno(), old.st_uid, old.st_gid)
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def replace_files(contents: list[tuple[Path, str]]) -> None:
    """Replace files with new contents: all are written first, then each renamed into place.

    Contents are written as given (their line endings included). A failure while writing
    leaves every old file and removes the temporary ones.
    """
    ready: list[tuple[Path, Path]] = []
    try:
        for path, content in contents:
            try:
                ready.append((_prepare(path, content), _target(path)))
            except OSError as exc:  # name the file written, not its temporary copy
                raise OSError(exc.errno, f"not written: {exc.strerror}", str(path)) from exc
    except BaseException:
        for tmp, _ in ready:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in ready:
        os.replace(tmp, target)


def read_records(path: Path, what: str) -> list[tuple[int, dict[str, Any]]]:
    """Return a JSON-lines log's records with their line numbers (none if the file is missing);
    a line that is not one JSON object is one error naming the file, the line and `what`."""
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(read_exact(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            entry = None
        if not isinstance(entry, dict):
            raise InputError(f"{path}:{n}: not {what} (one JSON object a line)")
        out.append((n, entry))
    return out


def append_line(path: Path, line: str) -> None:
    """Append one line to a file (made if missing) in one write; a failed write is undone."""
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        size = os.fstat(fd).st_size
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(28, "No space left on device", str(path))
            os.fsync(fd)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)  # no half line is left
            if isinstance(exc, OSError):
                raise OSError(exc.errno, f"not written: {exc.strerror}", str(path)) from exc
            raise
    finally:
        os.close(fd)
