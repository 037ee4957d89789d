"""docs/architecture.md matches the code: every module, file and name of kg it mentions exists,
and every package and top-level module of kg/ is described there."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import kg

ROOT = Path(kg.__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")

PATHS = sorted(set(re.findall(r"(?<![\w/.-])(kg/[\w/.-]*\w/?)", DOC)))
NAMES = sorted(set(re.findall(r"(?<![\w/.-])(kg(?:\.[A-Za-z_]\w*)+)", DOC)))


def _resolves(name: str) -> bool:
    """Whether a dotted name is a module of kg, or an attribute of one."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attribute in parts[i:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_the_page_names_modules_and_names() -> None:
    assert len(PATHS) > 40 and len(NAMES) > 40


@pytest.mark.parametrize("path", PATHS)
def test_every_path_it_names_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which does not exist"


@pytest.mark.parametrize("name", NAMES)
def test_every_dotted_name_it_gives_exists(name: str) -> None:
    assert _resolves(name), f"docs/architecture.md names {name}, which kg does not have"


def test_every_package_and_module_of_kg_is_described() -> None:
    """Each package (kg/NAME/) and each module directly in kg/ is named on the page."""
    package = ROOT / "kg"
    parts = [p for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file()]
    parts += [p for p in package.glob("*.py") if p.name != "__init__.py"]
    missing = []
    for part in sorted(parts):
        relative = part.relative_to(ROOT).as_posix()
        dotted = relative.removesuffix(".py").replace("/", ".")
        if not re.search(rf"`({re.escape(relative)}/?|{re.escape(dotted)})[`.:(\s]", DOC):
            missing.append(relative)
    assert missing == []


def test_each_common_change_touches_one_or_two_modules() -> None:
    """Each row of "Where to change what" names one or two modules of kg/ (files of the
    ontology, the shapes or the queries aside)."""
    section = DOC.split("## Where to change what", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 10
    for row in rows[1:]:
        change, files = row.strip("| ").split(" | ", 1)
        modules = set(re.findall(r"`(kg/[\w/.-]+)`", files))
        assert 1 <= len(modules) <= 2 or (not modules and "queries/" in files), change
