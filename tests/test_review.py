"""Accepting drafts: kg draft --accept and kg review move blocks into facts.ttl as a clean diff."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg import evidence
from kg.authoring import check_source
from kg.cli import app
from kg.draft import DRAFT_FILE, review, write_draft
from kg.draft.review import read_draft
from kg.draft.turtle import marker_ok
from kg.errors import InputError

from .conftest import SLUG
from .draft_fixtures import undrafted

runner = CliRunner()


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """A copy of the sources whose article has no facts yet but a fresh draft."""
    root = undrafted(tmp_path / "sources")
    write_draft(root / SLUG, root)
    return root


def _names(root: Path) -> list[str]:
    return [b.name for b in read_draft(root / SLUG / DRAFT_FILE).blocks]


def test_accept_appends_the_blocks_to_facts_and_takes_them_out_of_the_draft(drafted: Path) -> None:
    facts = drafted / SLUG / "facts.ttl"
    before = facts.read_text(encoding="utf-8")
    names = ["fact:role-pete-hegseth", "fact:metonym-manila"]
    assert set(names) <= set(_names(drafted))
    result = runner.invoke(
        app, ["draft", SLUG, "--sources", str(drafted), "--accept", ",".join(names)]
    )
    assert result.exit_code == 0, result.output
    after = facts.read_text(encoding="utf-8")
    assert after.startswith(before)  # a clean diff: lines added at the end only
    assert "fact:role-pete-hegseth\n    a         kg:RoleHolding ;" in after
    assert "# drafted: fact:role-pete-hegseth — rule role.title-before-name" in after
    left = _names(drafted)
    assert not set(names) & set(left)
    assert marker_ok((drafted / SLUG / DRAFT_FILE).read_text(encoding="utf-8"))
    assert check_source(drafted / SLUG, drafted) == []
    # the rest of the draft is still what kg draft writes (nothing already in facts.ttl)
    rewritten = write_draft(drafted / SLUG, drafted)
    assert "fact:role-pete-hegseth\n" not in rewritten.content


def test_accept_brings_the_drafts_a_fact_needs(drafted: Path) -> None:
    contest = next(n for n in _names(drafted) if n.startswith("fact:contest-philippines"))
    result = review.accept(drafted / SLUG, drafted, [contest])
    assert result.facts[0] == contest
    assert any(n.startswith("fact:claim-china") for n in result.facts)
    assert any("needed by" in line for line in result.needed)
    exercise = next(n for n in _names(drafted) if n.startswith("fact:military-exercise-united"))
    result = review.accept(drafted / SLUG, drafted, [exercise])
    assert "fact:time-december" in result.facts
    assert check_source(drafted / SLUG, drafted) == []


def test_accepting_a_fact_with_a_proposed_entity_adds_the_entity_to_the_registry(
    tmp_path: Path,
) -> None:
    root = undrafted(tmp_path / "sources")
    registry_file = root / "entities.ttl"
    entry = re.compile(r"(?ms)^ent:chinese-military\n.*?\.\n\n")
    without, n = entry.subn("", registry_file.read_text(encoding="utf-8"))
    assert n == 1  # the registry lacks the name: the draft proposes it
    registry_file.write_text(without, encoding="utf-8")
    write_draft(root / SLUG, root)
    drafted = root
    statement = next(n for n in _names(drafted) if n.startswith("fact:stmt-chinese-military"))
    result = review.accept(drafted / SLUG, drafted, [statement])
    assert result.entities == ["ent:chinese-military"]
    registry_text = (drafted / "entities.ttl").read_text(encoding="utf-8")
    assert "ent:chinese-military\n    a          kg:MilitaryOrganization ;" in registry_text
    added = registry_text[len(without) :]
    assert not re.search(r"(?m)^# (draft|drafted:|why:) ", added)  # no drafting comment
    assert check_source(drafted / SLUG, drafted) == []


def test_accept_refuses_an_unknown_name_in_one_line_and_writes_nothing(drafted: Path) -> None:
    facts = drafted / SLUG / "facts.ttl"
    before = facts.read_bytes()
    result = runner.invoke(app, ["draft", SLUG, "--sources", str(drafted), "--accept", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "no draft fact:nope" in result.stderr
    assert facts.read_bytes() == before


def test_accept_never_overwrites_a_facts_file_edited_meanwhile(
    drafted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = drafted / SLUG / "facts.ttl"
    original = evidence.locate
    edited: list[bool] = []

    def edit_meanwhile(*args: Any, **kwargs: Any) -> Any:
        """Locate a quote of the accepted drafts; the first time, the analyst edits meanwhile."""
        found = original(*args, **kwargs)
        if not edited:
            edited.append(True)
            facts.write_text(facts.read_text(encoding="utf-8") + "# the analyst's edit\n", "utf-8")
        return found

    monkeypatch.setattr(evidence, "locate", edit_meanwhile)
    with pytest.raises(InputError, match="changed while drafts were accepted"):
        review.accept(drafted / SLUG, drafted, ["fact:role-pete-hegseth"])
    assert facts.read_text(encoding="utf-8").endswith("# the analyst's edit\n")
    assert "fact:role-pete-hegseth" in _names(drafted)


def test_an_edit_that_breaks_the_quote_is_refused(drafted: Path) -> None:
    block = read_draft(drafted / SLUG / DRAFT_FILE).find("fact:role-pete-hegseth")
    broken = review.DraftBlock(
        block.name, [line.replace('Pete Hegseth"', 'Pete Hegsett"') for line in block.lines]
    )
    with pytest.raises(InputError, match="quote not found"):
        review.accept(drafted / SLUG, drafted, [block.name], edited={block.name: broken})


def test_review_accepts_edits_and_skips_interactively(drafted: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text(
        "#!/bin/sh\nsed -i 's/^fact:establishment-united-states-china$/"
        'fact:establishment-hotline/\' "$1"\n'
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "EDITOR": str(editor), "VISUAL": str(editor)}
    result = runner.invoke(
        app, ["review", SLUG, "--sources", str(drafted)], input="a\ns\ne\nq\n", env=env
    )
    assert result.exit_code == 0, result.output
    facts = (drafted / SLUG / "facts.ttl").read_text(encoding="utf-8")
    # in the order of the text: the first sentence's role, its statement (with the time it
    # needs), then the next facts of the text
    shown = re.findall(r"(?m)^# draft (\S+)", result.stdout)
    assert shown == [
        "fact:role-pete-hegseth",
        "fact:stmt-pete-hegseth-announced",
        "fact:time-today",
        "fact:establishment-united-states-china",
        "fact:agreement-united-states-china",  # where the analyst quit
    ]
    assert "\nfact:role-pete-hegseth\n" in facts
    assert "\nfact:stmt-pete-hegseth-announced\n" not in facts
    assert "\nfact:establishment-hotline\n" in facts  # as edited
    assert "\nfact:time-today\n" not in facts  # the announcement's time, skipped with it
    assert "\nfact:establishment-united-states-china\n" not in facts
    assert "sentence: UPDATE: In a significant development" in result.stdout
    assert "accepted 2 fact(s)" in result.stderr
    left = _names(drafted)
    assert "fact:role-pete-hegseth" not in left
    assert "fact:stmt-pete-hegseth-announced" in left
    assert "fact:establishment-united-states-china" not in left
    assert check_source(drafted / SLUG, drafted) == []


def test_review_accepts_a_skipped_time_with_the_fact_that_needs_it(
    drafted: Path, tmp_path: Path
) -> None:
    from kg.authoring import new_source

    text = tmp_path / "shared-day.txt"
    text.write_text(
        "FICTIONAL TEST ARTICLE: An invented day of talks and a collision\n\n"
        "This article is invented for tests. Vietnam and China held talks in Hanoi on Monday.\n"
        "Vietnam protested the collision on Monday.\n",
        encoding="utf-8",
    )
    folder = new_source(text, drafted, "fictional-shared-day")
    write_draft(folder, drafted)
    result = runner.invoke(
        app, ["review", folder.name, "--sources", str(drafted)], input="s\ns\na\nq\n"
    )
    assert result.exit_code == 0, result.output
    shown = re.findall(r"(?m)^# draft (\S+)", result.stdout)
    assert shown[:4] == [
        "fact:meeting-vietnam-china",
        "fact:time-monday",
        "fact:stmt-vietnam-protested",
        "fact:confrontation-vietnam-china",
    ]
    facts = (folder / "facts.ttl").read_text(encoding="utf-8")
    assert "\nfact:meeting-vietnam-china\n" not in facts
    assert "\nfact:confrontation-vietnam-china\n" in facts
    assert "\nfact:time-monday\n" in facts
    assert "also accepted fact:time-monday (needed by fact:confrontation" in result.stderr
    assert check_source(folder, drafted) == []


def test_drafts_refer_to_what_was_accepted_before(drafted: Path) -> None:
    review.accept(drafted / SLUG, drafted, ["fact:claim-china-south-china-sea"])
    content = write_draft(drafted / SLUG, drafted).content
    assert "# draft fact:claim-china-south-china-sea " not in content
    assert "kg:contestedClaim fact:claim-china-south-china-sea ;" in content
    contest = next(n for n in _names(drafted) if n.startswith("fact:contest-philippines"))
    result = review.accept(drafted / SLUG, drafted, [contest])
    assert result.facts == [contest]
    assert check_source(drafted / SLUG, drafted) == []
