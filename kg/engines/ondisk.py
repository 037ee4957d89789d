"""The on-disk store of `--store`: a folder kg claims with its marker, never another's."""

from __future__ import annotations

from pathlib import Path

from kg.errors import InputError

STORE_MARKER = "scs-kg-store.json"


_MADE_BY = "scs-kg on-disk store"


def claim_store(store_dir: Path) -> Path:
    """Return the marker of a store folder kg made, making a new or empty folder kg's own.

    Refuses (one line) a path that is a file and a non-empty folder without kg's marker: a
    user's files, or an Oxigraph database kg did not make, are never written to or cleared.
    """
    marker = store_dir / STORE_MARKER
    if store_dir.exists() and not store_dir.is_dir():
        raise InputError(f"--store {store_dir}: is a file, not a folder")
    if store_dir.is_dir() and any(store_dir.iterdir()):
        if marker_data(marker) is None:
            raise InputError(
                f"--store {store_dir}: not a store kg made (no {STORE_MARKER}): "
                "give a new or empty folder"
            )
        return marker
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        write_marker(marker, "")
    except OSError as exc:
        raise InputError(f"--store {store_dir}: {exc.strerror or exc}") from None
    return marker


def marker_data(marker: Path) -> str | None:
    """The build digest a store's marker records ("" while loading), or None if not kg's."""
    import json

    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("made-by") != _MADE_BY:
        return None
    data = found.get("data")
    return data if isinstance(data, str) else ""


def write_marker(marker: Path, digest: str) -> None:
    """Write a store's marker atomically: kg made this store from the build `digest`."""
    import json

    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps({"made-by": _MADE_BY, "data": digest}) + "\n", encoding="utf-8")
    tmp.replace(marker)
