"""Output folders that never lose anything: refused unless the project made them, swapped whole.

A build writes its files into a fresh hidden folder beside the output folder, then swaps the two.
The output folder carries a marker, `.scs-kg-output.json`, listing the files the project wrote;
only those are ever replaced or removed. Anything else found in a marked folder (an analyst's
notes, the views and reports that later commands add) is moved into the new folder, so it
survives every build. A folder without the marker is used only when it is empty.

Every step of the swap is a rename within one parent folder, under an exclusive lock on that
folder, and the next build repairs what an interrupted one left: it restores the last good
output when the swap was cut, moves carried entries back, and removes only hidden folders that
carry the project's names and markers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError

MARKER = ".scs-kg-output.json"
DEFAULT_DATA = Path("out")  # where `kg build` writes, and where the commands look first
DUMP_FILE = (
    "scs-kg.nq"  # the build's N-Quads dump: what `--data FOLDER`, `kg diff` and the API read
)
_PENDING = ".scs-kg-pending"  # inside a new folder until it has become the output folder
_NEW = "scs-kg-new"
_OLD = "scs-kg-old"

# file name -> what writes it: its text, its bytes, or its bytes in pieces (written as they come)
Writers = dict[str, Callable[[], str | bytes | Iterable[bytes]]]


def read_marker(folder: Path) -> list[str] | None:
    """Return the files a marked folder's marker lists, or None if the folder is not marked."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = found.get("files") if isinstance(found, dict) else None
    if found.get("made by") != "scs-kg" or not isinstance(files, list):
        return None
    return [f for f in files if isinstance(f, str) and "/" not in f and f not in ("", ".", "..")]


def _marker_text(files: list[str], command: str) -> str:
    content = {"made by": "scs-kg", "command": command, "files": sorted(files)}
    return json.dumps(content, indent=2, sort_keys=True) + "\n"


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_target(out: Path, protected: list[Path] | None = None) -> None:
    """Raise InputError (one line) unless `out` may be replaced by a build's output.

    Refused: the working directory or a folder holding it, the home folder or one holding it,
    a `protected` folder (the sources, the cache), one inside or holding such a folder, a file,
    a link, a folder holding a `.git`, and a non-empty folder that no build made.
    """
    shown = str(out)
    if out.is_symlink():
        raise InputError(f"--out {shown}: is a symbolic link; give the folder itself")
    target = out.resolve()
    cwd = Path.cwd().resolve()
    if _within(cwd, target):
        what = "is the working directory" if cwd == target else "holds the working directory"
        raise InputError(f"--out {shown}: {what}; give a folder of its own, such as out/")
    home = Path.home().resolve()
    if _within(home, target):
        raise InputError(f"--out {shown}: is or holds the home folder; give a folder of its own")
    for folder in protected or []:
        keep = folder.resolve()
        if _within(keep, target) or _within(target, keep):
            raise InputError(
                f"--out {shown}: is, holds or lies inside {folder}, which the build reads; "
                "give a folder of its own"
            )
    if not target.exists():
        return
    if not target.is_dir():
        raise InputError(f"--out {shown}: is a file, not a folder")
    if (target / ".git").exists():
        raise InputError(f"--out {shown}: holds a .git repository; give a folder of its own")
    if read_marker(target) is None and any(target.iterdir()):
        raise InputError(
            f"--out {shown}: a folder that no build made (no {MARKER}) and not empty; "
            "give a new or empty folder"
        )


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder (another build to the same place waits)."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _ours(folder: Path, kind: str, name: str) -> bool:
    pattern = rf"\.{re.escape(name)}\.{kind}-\d+"
    return re.fullmatch(pattern, folder.name) is not None and folder.is_dir()


def _litter(out: Path, kind: str) -> list[Path]:
    return sorted(p for p in out.parent.glob(f".{out.name}.{kind}-*") if _ours(p, kind, out.name))


def _remove_listed(folder: Path, names: list[str]) -> None:
    """Remove the listed files of a folder, then the folder if that left it empty."""
    for name in names:
        path = folder / name
        with contextlib.suppress(FileNotFoundError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # not empty: something unexpected stays where it is


def _carried(folder: Path) -> list[str]:
    """Return what a new folder holds besides its own files (entries carried into it)."""
    if not (folder / _PENDING).is_file():
        return []
    listed = read_marker(folder) or []
    own = {*listed, MARKER, _PENDING}
    return sorted(p.name for p in folder.iterdir() if p.name not in own)


def recover(out: Path) -> None:
    """Repair what an interrupted build left beside `out` (call with the parent locked)."""
    out = out.resolve()
    if not out.parent.is_dir():
        return
    olds = [p for p in _litter(out, _OLD) if read_marker(p) is not None]
    news = [p for p in _litter(out, _NEW) if (p / _PENDING).is_file()]
    if not out.exists() and olds:
        last = olds[-1]  # the swap was cut: the last good output comes back
        for new in news:
            for name in _carried(new):  # entries carried over already go back
                if not (last / name).exists():
                    (new / name).rename(last / name)
        last.rename(out)
        olds = olds[:-1]
    for new in news:
        carried = _carried(new)
        if carried:  # never the case unless the swap was cut; keep them
            continue
        _remove_listed(new, [*(read_marker(new) or []), MARKER, _PENDING])
        with contextlib.suppress(OSError):
            new.rmdir()
    for old in olds:
        _remove_listed(old, [*(read_marker(old) or []), MARKER])
    for kind in (_NEW, _OLD):  # killed before its marker was written, or after it was removed
        for folder in _litter(out, kind):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only ever an empty folder
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        (out / _PENDING).unlink()


def replace_folder(
    out: Path, writers: Writers, command: str, protected: list[Path] | None = None
) -> list[Path]:
    """Write the files into a new folder and swap it for `out`; return the files written.

    `out` is checked first (`check_target`); entries of the old folder that the project did
    not write are carried into the new one. On any failure, or an interrupt, the last good
    output stays as it was and nothing is left beside it.
    """
    from kg.progress import progress

    shown = out
    out = out.absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {shown}: {exc.strerror or exc}") from None
    with _locked(out.parent):
        recover(out)
        check_target(shown, protected)
        out = out.resolve()
        new = out.parent / f".{out.name}.{_NEW}-{os.getpid()}"
        old = out.parent / f".{out.name}.{_OLD}-{os.getpid()}"
        names = sorted(writers)
        try:
            new.mkdir()
            (new / _PENDING).write_text("", encoding="utf-8")
            (new / MARKER).write_text(_marker_text(names, command), encoding="utf-8")
            with progress("writing exports", len(writers)) as step:
                for name in names:
                    content = writers[name]()
                    with (new / name).open("wb") as f:
                        if isinstance(content, str):
                            f.write(content.encode("utf-8"))
                        elif isinstance(content, bytes):
                            f.write(content)
                        else:
                            for chunk in content:
                                f.write(chunk)
                    step()
            os.chmod(new, 0o755)
            listed: list[str] = []
            if out.exists():
                listed = read_marker(out) or []
                out.rename(old)
                own = {*listed, MARKER}
                for entry in sorted(old.iterdir(), key=lambda p: p.name):
                    if entry.name not in own and not (new / entry.name).exists():
                        entry.rename(new / entry.name)  # kept: the project did not write it
            new.rename(out)
            (out / _PENDING).unlink()
            if old.exists():
                _remove_listed(old, [*listed, MARKER])
        except OSError as exc:  # a full disk, a read-only folder: one line, the old output kept
            recover(out)
            raise InputError(f"--out {shown}: {exc.strerror or os.strerror(errno.EIO)}") from None
        except BaseException:  # an interrupt (Ctrl-C, SIGTERM) or a bug: the same repair
            recover(out)
            raise
    return [out / name for name in names]
