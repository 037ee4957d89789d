"""The list of files `kg views` wrote in a folder, so that a later run removes only its own.

`kg views` writes `.kg-views.json` beside the views: each file's name and SHA-256. The next run
removes the files of the earlier one that it does not write again (an ego view no longer asked
for), and only when the file is still the bytes the project wrote: a file the user made, or
changed since, is never deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

MANIFEST = ".kg-views.json"
_KIND = "scs-kg views"


def digest(path: Path) -> str:
    """Return a file's SHA-256 in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(folder: Path) -> dict[str, str]:
    """Return the files an earlier run wrote (name → SHA-256); empty if none or unreadable."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = doc.get("files") if isinstance(doc, dict) and doc.get("written-by") == _KIND else None
    if not isinstance(files, dict):
        return {}
    return {
        str(k): str(v)
        for k, v in files.items()
        if isinstance(k, str)
        and isinstance(v, str)
        and "/" not in k
        and "\\" not in k
        and k not in ("", ".", "..", MANIFEST)
    }


def prune(folder: Path, earlier: dict[str, str], kept: set[str]) -> list[str]:
    """Remove the files of an earlier run not written again, if unchanged; return their names."""
    removed = []
    for name in sorted(set(earlier) - kept):
        path = folder / name
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink() and digest(path) == earlier[name]:
                path.unlink()
                removed.append(name)
    return removed


def write(folder: Path, files: dict[str, str]) -> None:
    """Record the files this run wrote."""
    doc = {"written-by": _KIND, "files": dict(sorted(files.items()))}
    text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(folder / MANIFEST)
