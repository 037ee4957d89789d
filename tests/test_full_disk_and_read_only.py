"""A full disk or a read-only folder: the commands that rewrite the analyst's files (and the
cache) say so in one line naming the file, exit 2, and leave every file as it was, with no
temporary file behind.

Each case runs `python -m kg` in a mount namespace of its own (`unshare -m`) on a real tmpfs:
filled to the last byte, or remounted read-only. The namespace, and its mount, end with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cache import open_cache
from kg.draft import write_draft

from .conftest import SLUG
from .draft_fixtures import undrafted

SCRIPT = r"""
set -u
mount -t tmpfs -o size=2m,mode=0755 tmpfs "$MNT"
cp -a "$SEED/." "$MNT/"
if [ "$MODE" = full ]; then dd if=/dev/zero of="$MNT/filler" bs=1k 2>/dev/null; fi
if [ "$MODE" = ro ]; then mount -o remount,ro "$MNT"; fi
state() { (cd "$MNT" && find . -path ./filler -prune -o -print | sort &&
           find . -type f ! -name filler -exec sha256sum {} + | sort -k2); }
state > "$OUT/before"
"$@" < "$OUT/stdin" > "$OUT/stdout" 2> "$OUT/stderr"
echo $? > "$OUT/rc"
state > "$OUT/after"
"""


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs t /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root to mount a tmpfs")


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What goes on the small disk: the sources with a fresh draft, and a cache with entries."""
    seed = tmp_path_factory.mktemp("seed")
    root = undrafted(seed / "sources")
    write_draft(root / SLUG, root)
    cache = open_cache(seed / "cache")
    assert cache is not None
    for n in range(3):
        cache.entry("query", f"{n:064x}", ".json").write(b"[]")
    assert len(cache.files()) == 3
    return seed


def _run(seed: Path, tmp_path: Path, mode: str, args: list[str], stdin: str = "") -> str:
    """Run kg with ARGS ($MNT: the mount) on the seed's copy; return its stderr."""
    mnt, out = tmp_path / "mnt", tmp_path / "out"
    mnt.mkdir()
    out.mkdir()
    (out / "stdin").write_text(stdin, encoding="utf-8")
    env = {
        **os.environ,
        "MNT": str(mnt),
        "SEED": str(seed),
        "OUT": str(out),
        "MODE": mode,
        "KG_CACHE_DIR": str(mnt / "cache") if args[0] == "cache" else str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "kg", *(a.replace("$MNT", str(mnt)) for a in args)]
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", SCRIPT, "sh", *command],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    stderr = (out / "stderr").read_text(encoding="utf-8")
    assert (out / "rc").read_text().strip() == "2", stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert str(mnt) in lines[0]  # it names the file
    assert (out / "after").read_text() == (out / "before").read_text()  # intact, no litter
    return lines[0]


@needs_mount
@pytest.mark.parametrize("mode", ["full", "ro"])
def test_review_on_a_full_or_read_only_disk(seed: Path, tmp_path: Path, mode: str) -> None:
    line = _run(seed, tmp_path, mode, ["review", SLUG, "--sources", "$MNT/sources"], "a\n")
    assert "facts.ttl" in line or "draft.ttl" in line


@needs_mount
@pytest.mark.parametrize("mode", ["full", "ro"])
def test_accept_on_a_full_or_read_only_disk(seed: Path, tmp_path: Path, mode: str) -> None:
    args = ["draft", SLUG, "--sources", "$MNT/sources", "--accept", "fact:role-pete-hegseth"]
    assert "facts.ttl: not written" in _run(seed, tmp_path, mode, args)


@needs_mount
@pytest.mark.parametrize("mode", ["full", "ro"])
def test_draft_force_on_a_full_or_read_only_disk(seed: Path, tmp_path: Path, mode: str) -> None:
    args = ["draft", SLUG, "--sources", "$MNT/sources", "--force"]
    assert "draft.ttl: not written" in _run(seed, tmp_path, mode, args)


@needs_mount
@pytest.mark.parametrize("mode", ["full", "ro"])
def test_new_on_a_full_or_read_only_disk(seed: Path, tmp_path: Path, mode: str) -> None:
    text = tmp_path / "article.txt"
    text.write_text("FICTIONAL: Manila and Hanoi held talks.\n" * 200, encoding="utf-8")
    args = ["new", str(text), "--slug", "fictional-talks", "--sources", "$MNT/sources"]
    assert "fictional-talks" in _run(seed, tmp_path, mode, args)


@needs_mount
@pytest.mark.parametrize("command", [["cache", "clear"], ["cache", "prune", "--days", "0"]])
def test_cache_prune_and_clear_on_a_read_only_disk(
    seed: Path, tmp_path: Path, command: list[str]
) -> None:
    assert "Read-only file system" in _run(seed, tmp_path, "ro", command)


def test_a_write_that_fails_midway_leaves_every_file_and_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a mount (any user): the disk fills while facts.ttl's new copy is written."""
    from typer.testing import CliRunner

    from kg.cli import app

    root = undrafted(tmp_path / "sources")
    write_draft(root / SLUG, root)
    before = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = CliRunner().invoke(
        app, ["draft", SLUG, "--sources", str(root), "--accept", "fact:role-pete-hegseth"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {root / SLUG / 'facts.ttl'}: not written: No space left on device\n"
    )
    after = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert after == before
