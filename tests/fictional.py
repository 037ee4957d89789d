"""The fictional second source of the tests: copied beside the packaged sources, never published."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg import resources

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fictional-source"
FICTIONAL = "fictional-source"


def sources_with_fictional(target: Path) -> Path:
    """Copy the packaged sources to `target` and add the fictional source; return `target`."""
    shutil.copytree(resources.sources_dir(), target)
    shutil.copytree(FIXTURE, target / FICTIONAL)
    return target


def line_of(path: Path, text: str) -> int:
    """Return the 1-based number of the first line of `path` that starts with `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))
