"""`kg build --out DIR` never loses a user's data: it refuses folders
the project did not make, keeps what it did not write, and repairs an interrupted swap."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import resources
from kg.errors import InputError
from kg.outfolder import MARKER, read_marker, recover, replace_folder

pytestmark = pytest.mark.slow  # runs and kills real builds

ROOT = Path(__file__).resolve().parent.parent


def _kg(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder as an analyst has it: sources, notes and a git repository."""
    folder = tmp_path / "project"
    shutil.copytree(resources.sources_dir(), folder / "sources")
    (folder / "notes.md").write_text("my notes\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


@pytest.mark.parametrize(
    ("out", "why"),
    [
        (".", "is the working directory"),
        ("..", "holds the working directory"),
        ("sources", "which the build reads"),
        ("sources/us-china-military-channels", "which the build reads"),
        ("notes.md", "is a file"),
        ("HOME", "home folder"),
    ],
)
def test_a_folder_the_build_did_not_make_is_refused(project: Path, out: str, why: str) -> None:
    before = _tree(project)
    target = str(project / "home") if out == "HOME" else out
    result = _kg(
        ["build", "--sources", "sources", "--out", target], project, HOME=str(project / "home")
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --out ") and why in lines[0], lines
    assert _tree(project) == before


def test_a_non_empty_unmarked_folder_and_a_git_folder_are_refused(project: Path) -> None:
    (project / "mine").mkdir()
    (project / "mine" / "draft.txt").write_text("x", encoding="utf-8")
    refused = _kg(["build", "--sources", "sources", "--out", "mine"], project)
    assert refused.returncode == 2 and "no build made" in refused.stderr
    (project / "repo").mkdir()
    subprocess.run(["git", "init", "-q", str(project / "repo")], check=True)
    out = _kg(["build", "--sources", "sources", "--out", "repo"], project)
    assert out.returncode == 2 and ".git" in out.stderr
    assert (project / "mine" / "draft.txt").read_text(encoding="utf-8") == "x"
    assert (project / "repo" / ".git").is_dir()


def test_a_marked_folder_is_replaced_and_what_the_build_did_not_write_is_kept(
    project: Path,
) -> None:
    first = _kg(["build", "--sources", "sources", "--out", "out"], project)
    assert first.returncode == 0, first.stderr
    out = project / "out"
    listed = read_marker(out)
    assert listed is not None and len(listed) == 13
    assert sorted(p.name for p in out.iterdir()) == sorted([*listed, MARKER])
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    (out / "views").mkdir()
    (out / "views" / "all.html").write_text("<html>", encoding="utf-8")
    exports = {name: (out / name).read_bytes() for name in listed}
    (out / "scs-kg.ttl").write_text("stale", encoding="utf-8")
    again = _kg(["build", "--sources", "sources", "--out", "out"], project)
    assert again.returncode == 0, again.stderr
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (out / "views" / "all.html").read_text(encoding="utf-8") == "<html>"
    assert {name: (out / name).read_bytes() for name in listed} == exports
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".out")) == []


def _writers(fail_at: str | None = None) -> dict[str, object]:
    def content(name: str) -> bytes:
        if name == fail_at:
            raise KeyboardInterrupt  # as Ctrl-C or SIGTERM would, mid-export
        return f"new {name}\n".encode()

    return {name: (lambda name=name: content(name)) for name in ("a.nt", "b.ttl", "c.rdf")}


def test_an_interrupted_export_leaves_the_last_good_output_and_no_litter(tmp_path: Path) -> None:
    out = tmp_path / "out"
    replace_folder(out, _writers(), "test")  # type: ignore[arg-type]
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    good = _tree(out)
    with pytest.raises(KeyboardInterrupt):
        replace_folder(out, _writers(fail_at="b.ttl"), "test")  # type: ignore[arg-type]
    assert _tree(out) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_swap_cut_between_the_renames_is_restored(tmp_path: Path) -> None:
    """kill -9 after the old output was renamed and some of its entries carried over."""
    out = tmp_path / "out"
    replace_folder(out, _writers(), "test")  # type: ignore[arg-type]
    for name in ("notes.txt", "more.txt"):
        (out / name).write_text(name, encoding="utf-8")
    good = _tree(out)
    # the state a killed build leaves: out renamed away, one entry moved into the new folder
    old, new = tmp_path / ".out.scs-kg-old-99999", tmp_path / ".out.scs-kg-new-99999"
    shutil.copytree(out, new)
    (new / "notes.txt").unlink()
    (new / ".scs-kg-pending").write_text("", encoding="utf-8")
    out.rename(old)
    (old / "more.txt").rename(new / "more.txt")
    recover(out)
    assert _tree(out) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    # and the next build goes on from there
    replace_folder(out, _writers(), "test")  # type: ignore[arg-type]
    assert (out / "more.txt").read_text(encoding="utf-8") == "more.txt"


def test_recovery_removes_empty_folders_a_kill_left_before_or_after_their_markers(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    replace_folder(out, _writers(), "test")  # type: ignore[arg-type]
    for name in (".out.scs-kg-new-41", ".out.scs-kg-old-42"):
        (tmp_path / name).mkdir()
    recover(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recovery_removes_only_what_carries_the_project_s_names_and_markers(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    replace_folder(out, _writers(), "test")  # type: ignore[arg-type]
    foreign = [tmp_path / ".out.scs-kg-new-1", tmp_path / ".out.mine", tmp_path / ".out.old-2"]
    for folder in foreign:
        folder.mkdir()
        (folder / "data.txt").write_text("a user's", encoding="utf-8")
    recover(out)
    assert all((f / "data.txt").is_file() for f in foreign)


def test_one_folder_inside_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="--out"):
        replace_folder(tmp_path / "file" / "out", _writers(), "test")  # type: ignore[arg-type]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_is_repaired_by_the_next(project: Path, sig: signal.Signals) -> None:
    """A real `kg build` killed while it writes its exports, then built again."""
    assert _kg(["build", "--sources", "sources", "--out", "out"], project).returncode == 0
    good = _tree(project / "out")
    caught = False
    for _attempt in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "build", "--sources", "sources", "--out", "out"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if any(project.glob(".out.scs-kg-new-*")):
                proc.send_signal(sig)
                caught = True
                break
            time.sleep(0.002)
        proc.wait(60)
        if caught:
            break
    assert caught, "the build always finished before it could be killed"
    if sig == signal.SIGTERM:  # it cleaned up after itself
        # 143, or 0 when the build had just swapped its output in as the signal came
        assert proc.returncode in (0, 128 + signal.SIGTERM)
        assert not [p for p in project.iterdir() if p.name.startswith(".out.")]
        assert _tree(project / "out") == good
    again = _kg(["build", "--sources", "sources", "--out", "out"], project)
    assert again.returncode == 0, again.stderr
    assert _tree(project / "out") == good
    assert not [p for p in project.iterdir() if p.name.startswith(".out.")]
