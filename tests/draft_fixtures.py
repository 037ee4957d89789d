"""Sources to draft in the tests: the article without its facts, and the held-out fixtures."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kg import resources

from .conftest import SLUG

EVAL = Path(__file__).resolve().parent / "fixtures" / "draft-eval"
HELD_OUT = sorted(p for p in EVAL.iterdir() if (p / "facts.ttl").is_file())


def metadata_only(facts: str) -> str:
    """Return a facts file cut after its source block: prefixes and metadata, no facts."""
    head = facts.split("# --- Roles ---")[0] if "# --- Roles ---" in facts else facts
    return re.split(r"\n# --- (?!Source)", head)[0].rstrip("\n") + "\n"


def undrafted(target: Path) -> Path:
    """Copy the packaged sources to `target`, the article's facts cut to its metadata."""
    shutil.copytree(resources.sources_dir(), target)
    facts = target / SLUG / "facts.ttl"
    facts.write_text(metadata_only(facts.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def with_held_out(target: Path, name: str) -> Path:
    """Copy the packaged sources and one held-out fixture (its entities added to the registry),
    its facts cut to the metadata; return the fixture's folder in the copy."""
    shutil.copytree(resources.sources_dir(), target)
    source = EVAL / name
    folder = target / name
    folder.mkdir()
    shutil.copyfile(source / "text.txt", folder / "text.txt")
    facts = (source / "facts.ttl").read_text(encoding="utf-8")
    (folder / "facts.ttl").write_text(metadata_only(facts), encoding="utf-8")
    with (target / "entities.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + (source / "entities.ttl").read_text(encoding="utf-8"))
    return folder
