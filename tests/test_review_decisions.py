"""Review that respects the analyst: reject as well as accept, drafts in the order of the text
with what they need, every decision recorded, and a rejected draft never proposed again."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import registry
from kg.authoring import check_source, new_source
from kg.cli import app
from kg.draft import DRAFT_FILE, review, write_draft
from kg.draft.decisions import DECISIONS_FILE, key_of, precision_report
from kg.draft.decisions import read as read_decisions
from kg.draft.review import read_draft, units
from kg.sources import parse_turtle

from .conftest import SLUG
from .draft_fixtures import HELD_OUT, undrafted, with_held_out
from .fictional import FIXTURE

runner = CliRunner()
ROLE = "fact:role-pete-hegseth"
TWO_MEETINGS = """FICTIONAL TEST ARTICLE: Two invented ASEAN meetings

This article is invented for tests. ASEAN met in Jakarta on Monday to discuss the South China Sea.
Vietnam said the talks were useful.
On Friday, ASEAN met again in Manila.
China said the Philippines had provoked the incident.
"""

SHARED_DAY = """FICTIONAL TEST ARTICLE: An invented day of talks and a collision

This article is invented for tests. Vietnam and China held talks in Hanoi on Monday.
Vietnam protested the collision on Monday.
"""


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """A copy of the sources whose article has no facts yet but a fresh draft."""
    root = undrafted(tmp_path / "sources")
    write_draft(root / SLUG, root)
    return root


def _draft(root: Path) -> review.DraftFile:
    return read_draft(root / SLUG / DRAFT_FILE)


def _prefixes(root: Path) -> str:
    text = (root / SLUG / DRAFT_FILE).read_text(encoding="utf-8")
    return "\n".join(re.findall(r"(?m)^@prefix .*$", text))


def _text(root: Path) -> str:
    return (root / SLUG / "text.txt").read_text(encoding="utf-8")


def _unit(root: Path, first: str) -> list[str]:
    found = units(_draft(root), _text(root), _prefixes(root))
    return next([b.name for b in u] for u in found if u[0].name == first)


def test_a_rejected_draft_leaves_the_draft_and_is_not_proposed_again(drafted: Path) -> None:
    key = key_of(_draft(drafted).find(ROLE), _text(drafted), _prefixes(drafted))
    assert key["class"] == "kg:RoleHolding" and "ent:pete-hegseth" in key["participants"]
    facts = (drafted / SLUG / "facts.ttl").read_bytes()
    result = runner.invoke(app, ["review", SLUG, "--sources", str(drafted)], input="r\nq\n")
    assert result.exit_code == 0, result.output
    assert "[a]ccept, [e]dit, [r]eject, [s]kip, [q]uit" in result.stdout
    assert ROLE not in [b.name for b in _draft(drafted).blocks]
    assert (drafted / SLUG / "facts.ttl").read_bytes() == facts
    [decision] = read_decisions(drafted / SLUG)
    assert decision["decision"] == "reject" and decision["proposal"] == ROLE
    assert decision["key"] == key
    # drafted again: the same proposal (by its class, quote and participants) is left out
    before = len(_draft(drafted).blocks)
    again = runner.invoke(app, ["draft", SLUG, "--sources", str(drafted)])
    assert again.exit_code == 0, again.output
    blocks = _draft(drafted).blocks
    assert len(blocks) == before
    keys = [key_of(b, _text(drafted), _prefixes(drafted)) for b in blocks]
    assert key not in keys
    # known by its key, not by the name it was given: a renamed record still holds
    log = drafted / SLUG / DECISIONS_FILE
    log.write_text(log.read_text(encoding="utf-8").replace(ROLE, "fact:x"), encoding="utf-8")
    (drafted / SLUG / DRAFT_FILE).unlink()
    write_draft(drafted / SLUG, drafted)
    assert ROLE not in [b.name for b in _draft(drafted).blocks]


def test_rejecting_a_statement_takes_its_placeholders_and_inference_records(
    drafted: Path,
) -> None:
    # "proposing …": the action it calls for (a requested action, a placeholder), then the
    # inference records of its addressee and setting
    unit = _unit(drafted, "fact:stmt-pete-hegseth-proposing")
    assert unit == [
        "fact:stmt-pete-hegseth-proposing",
        "fact:action-pete-hegseth-proposing",
        "fact:inferred-pete-hegseth-proposing-addressee",
        "fact:inferred-pete-hegseth-proposing-madeduring",
    ]
    assert review.placeholder(_draft(drafted).find("fact:action-pete-hegseth-proposing"))
    gone = review.reject(drafted / SLUG, drafted, unit)
    assert set(gone) == set(unit)
    left = {b.name for b in _draft(drafted).blocks}
    assert not left & set(unit)
    assert [d["proposal"] for d in read_decisions(drafted / SLUG)] == unit


def test_rejecting_a_claim_takes_the_contests_of_it(
    drafted: Path,
) -> None:
    claim = "fact:claim-china-south-china-sea"
    gone = review.reject(drafted / SLUG, drafted, [claim])
    contests = {n for n in gone if n.startswith("fact:contest-")}
    assert len(contests) == 4 and all(gone[n] == claim for n in contests)
    assert check_source(drafted / SLUG, drafted) == []
    names = [b.name for b in _draft(drafted).blocks]
    review.accept(drafted / SLUG, drafted, names)
    assert check_source(drafted / SLUG, drafted) == []


def test_rejecting_a_draft_keeps_a_time_another_draft_still_needs(
    drafted: Path, tmp_path: Path
) -> None:
    text = tmp_path / "shared-day.txt"
    text.write_text(SHARED_DAY, encoding="utf-8")
    folder = new_source(text, drafted, "fictional-shared-day")
    write_draft(folder, drafted)
    draft = read_draft(folder / DRAFT_FILE)
    prefixes = "\n".join(
        re.findall(r"(?m)^@prefix .*$", (folder / DRAFT_FILE).read_text(encoding="utf-8"))
    )
    found = units(draft, (folder / "text.txt").read_text(encoding="utf-8"), prefixes)
    unit = next([b.name for b in u] for u in found if u[0].name == "fact:meeting-vietnam-china")
    assert unit == ["fact:meeting-vietnam-china", "fact:time-monday"]
    gone = review.reject(folder, drafted, unit)
    assert list(gone) == ["fact:meeting-vietnam-china"]
    assert "fact:time-monday" in {b.name for b in read_draft(folder / DRAFT_FILE).blocks}
    assert check_source(folder, drafted) == []
    names = [b.name for b in read_draft(folder / DRAFT_FILE).blocks]
    review.accept(folder, drafted, names)
    assert check_source(folder, drafted) == []


def test_review_goes_in_the_order_of_the_text(drafted: Path) -> None:
    text, prefixes = _text(drafted), _prefixes(drafted)
    found = units(_draft(drafted), text, prefixes)
    assert sum(len(u) for u in found) == len(_draft(drafted).blocks)  # each shown once
    starts = [key_of(u[0], text, prefixes).get("begin") for u in found]
    placed = [s for s in starts if s is not None]
    assert placed == sorted(placed) and len(placed) >= len(found) - 1
    for unit in found:  # a statement comes with the actions and times it needs
        if unit[0].name.startswith("fact:stmt-"):
            needs = unit[0].references()
            for b in _draft(drafted).blocks:
                if b.defines() & needs and review.placeholder(b):
                    shown_before = any(b in u for u in found[: found.index(unit)])
                    assert b in unit or shown_before, (unit[0].name, b.name)


def test_every_decision_is_recorded_beside_the_source(drafted: Path) -> None:
    result = runner.invoke(app, ["review", SLUG, "--sources", str(drafted)], input="a\ns\nr\nq\n")
    assert result.exit_code == 0, result.output
    log = (drafted / SLUG / DECISIONS_FILE).read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in log]
    assert [(e["proposal"], e["decision"]) for e in entries] == [
        (ROLE, "accept"),
        ("fact:stmt-pete-hegseth-announced", "skip"),
        ("fact:time-today", "skip"),
        ("fact:establishment-united-states-china", "reject"),
        # the statement skipped before is about that event: it goes along, and says so
        ("fact:stmt-pete-hegseth-announced", "reject"),
    ]
    assert entries[-1]["along_with"] == "fact:establishment-united-states-china"
    assert (
        "also rejected fact:stmt-pete-hegseth-announced "
        "(it needs fact:establishment-united-states-china)" in result.stderr
    )
    for e in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["time"])
        assert e["source"] == SLUG
        assert set(e["key"]) >= {"class"}
    assert entries[0]["rule"] == "role.title-before-name" and entries[0]["confidence"] == 0.9
    assert entries[2]["rule"] == "time"
    # kg draft --accept records too, and what came along says so
    exercise = next(
        b.name for b in _draft(drafted).blocks if b.name.startswith("fact:military-exercise-united")
    )
    review.accept(drafted / SLUG, drafted, [exercise])
    added = read_decisions(drafted / SLUG)[len(entries) :]
    assert added[0] == {**added[0], "proposal": exercise, "decision": "accept"}
    assert any(e.get("along_with") == exercise for e in added[1:])
    report = precision_report([drafted / SLUG])
    assert "| role.title-before-name | 1 | 0 | 100% |" in report
    assert "| event.establishment | 0 | 1 | 0% |" in report
    assert "| all | 2 | 1 | 67% |" in report


def test_eval_draft_reports_each_rules_precision_from_decisions(drafted: Path) -> None:
    review.reject(drafted / SLUG, drafted, [ROLE])
    result = runner.invoke(app, ["eval-draft", SLUG, "--sources", str(drafted)])
    assert result.exit_code == 0, result.output
    assert "## Precision from the analysts' decisions" in result.stdout
    assert "| role.title-before-name | 0 | 1 | 0% |" in result.stdout


def _labels(folder: Path) -> list[str]:
    graph = parse_turtle(folder / "facts.ttl")
    return [registry.normalize(n.text) for n in registry.names(graph, metonyms=False)]


@pytest.mark.parametrize("which", ["article", "fictional", "two-meetings", *HELD_OUT])
def test_accepting_every_draft_passes_kg_check(tmp_path: Path, which: str | Path) -> None:
    if which == "article":
        root = undrafted(tmp_path / "sources")
        folder = root / SLUG
    elif isinstance(which, Path):
        folder = with_held_out(tmp_path / "sources", which.name)
        root = folder.parent
    else:
        root = tmp_path / "sources"
        from kg import resources

        shutil.copytree(resources.sources_dir(), root)
        text = tmp_path / "article.txt"
        if which == "fictional":
            shutil.copyfile(FIXTURE / "text.txt", text)
        else:
            text.write_text(TWO_MEETINGS, encoding="utf-8")
        folder = new_source(text, root, f"fictional-{which}")
    write_draft(folder, root)
    names = [b.name for b in read_draft(folder / DRAFT_FILE).blocks]
    review.accept(folder, root, names)
    assert check_source(folder, root) == []
    labels = _labels(folder)
    assert len(labels) == len(set(labels))  # no two facts with one name
    assert read_draft(folder / DRAFT_FILE).blocks == []
