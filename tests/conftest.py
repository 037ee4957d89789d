"""Shared fixtures: the built graph of the packaged sources, and editable copies of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset

from kg import resources
from kg.build import Built, build
from kg.export import write_outputs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SLUG = "us-china-military-channels"
_CACHE_ENV = ("KG_CACHE_DIR", "XDG_CACHE_HOME", "KG_JOBS")
_saved: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Point the build's cache at a fresh temporary folder: the suite never reads or prunes
    the user's own cache (`~/.cache/scs-kg`), and child processes inherit the setting."""
    for name in _CACHE_ENV:
        _saved[name] = os.environ.get(name)
    folder = tempfile.mkdtemp(prefix="kg-test-cache-")
    os.environ["KG_CACHE_DIR"] = folder
    os.environ["XDG_CACHE_HOME"] = folder
    # pytest-xdist already runs a test per core: builds stay in their process unless a test
    # asks for workers (tests/test_parallel.py sets KG_JOBS itself)
    os.environ["KG_JOBS"] = "1"
    config.stash[_CACHE_KEY] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the suite's cache folder and restore the environment."""
    folder = config.stash.get(_CACHE_KEY, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    for name, value in _saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


_CACHE_KEY = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def built() -> Built:
    """The packaged sources, built (not yet validated)."""
    return build()


@pytest.fixture(scope="session")
def dataset(built: Built) -> Dataset:
    """The built dataset."""
    return built.dataset


@pytest.fixture(scope="session")
def out_dir(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exports of the build, written as `kg build` writes them (from its parts)."""
    out = tmp_path_factory.mktemp("export") / "out"
    write_outputs(built, out, [s.iri for s in built.sources])
    return out


@pytest.fixture
def sources_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged sources folder."""
    target = tmp_path / "sources"
    shutil.copytree(resources.sources_dir(), target)
    return target


@pytest.fixture
def edit() -> Callable[[Path, str, str], None]:
    """Replace one exact string in a file (the string must be there once)."""

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace


def run_kg(args: list[str], seed: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m kg ARGS` in a fresh process with the given PYTHONHASHSEED; it must succeed."""
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
