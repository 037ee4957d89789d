"""Two hands at once: accepts of different drafts run together (real processes) lose nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.authoring import check_source
from kg.draft import DRAFT_FILE, write_draft
from kg.draft.decisions import read as read_decisions
from kg.draft.review import read_draft

from .conftest import SLUG
from .draft_fixtures import undrafted

TRIALS = 20


def _independent(root: Path) -> list[str]:
    """Drafts that need no other draft (roles, memberships, metonyms)."""
    names = [b.name for b in read_draft(root / SLUG / DRAFT_FILE).blocks]
    wanted = ("fact:role-", "fact:membership-", "fact:metonym-")
    return [n for n in names if n.startswith(wanted)]


@pytest.mark.slow
def test_concurrent_accepts_of_different_drafts_never_lose_a_fact(tmp_path: Path) -> None:
    template = undrafted(tmp_path / "template")
    write_draft(template / SLUG, template)
    names = _independent(template)
    assert len(names) >= 8
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    for trial in range(TRIALS):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(template, root)
        count = 2 + trial % 3  # 2, 3 or 4 processes at once
        chosen = [names[(trial + k * 3) % len(names)] for k in range(count)]
        assert len(set(chosen)) == count
        command = [sys.executable, "-m", "kg", "draft", SLUG, "--sources", str(root), "--accept"]
        running = [
            subprocess.Popen(
                [*command, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
            )
            for name in chosen
        ]
        outputs = [p.communicate(timeout=120) for p in running]
        for p, (out, err) in zip(running, outputs, strict=True):
            assert p.returncode == 0, err.decode()
            assert b"accepted fact:" in out
        facts = (root / SLUG / "facts.ttl").read_text(encoding="utf-8")
        for name in chosen:
            assert facts.count(f"\n{name}\n") == 1, f"trial {trial}: {name} lost or doubled"
        left = {b.name for b in read_draft(root / SLUG / DRAFT_FILE).blocks}
        assert not left & set(chosen)
        assert len(left) == len(read_draft(template / SLUG / DRAFT_FILE).blocks) - count
        decided = [d["proposal"] for d in read_decisions(root / SLUG)]
        assert sorted(decided) == sorted(chosen)
        assert not [p for p in (root / SLUG).iterdir() if p.name.startswith(".")]
    assert check_source(root / SLUG, root) == []


def test_two_kg_new_of_one_slug_at_once_register_it_once(tmp_path: Path) -> None:
    from kg import resources

    root = tmp_path / "sources"
    shutil.copytree(resources.sources_dir(), root)
    texts = []
    for n, place in enumerate(("Manila", "Hanoi", "Jakarta")):  # three texts, one slug
        text = tmp_path / f"article-{n}.txt"
        text.write_text(f"FICTIONAL: {place} held invented talks.\n", encoding="utf-8")
        texts.append(text)
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "kg", "new", "--slug", "fictional-talks"]
    running = [
        subprocess.Popen(
            [*command, str(text), "--sources", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for text in texts
    ]
    results = [(p, *p.communicate(timeout=120)) for p in running]
    codes = sorted(p.returncode for p, _, _ in results)
    assert codes == [0, 2, 2]
    for p, _out, err in results:
        if p.returncode == 2:
            assert err.decode().startswith("error: ") and "exists already" in err.decode()
            assert len(err.decode().strip().splitlines()) == 1
    assert check_source(root / "fictional-talks", root) == []
    assert not [p for p in root.iterdir() if p.name.startswith(".")]
