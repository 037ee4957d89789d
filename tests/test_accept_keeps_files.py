"""Accepting drafts rewrites facts.ttl as the analyst keeps it: its mode, its line endings, the
link it may be, and never a second copy of a fact an interrupted accept left in both files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.authoring import check_source
from kg.cli import app
from kg.draft import DRAFT_FILE, write_draft
from kg.draft.review import read_draft

from .conftest import SLUG
from .draft_fixtures import undrafted

runner = CliRunner()
ROLE = "fact:role-pete-hegseth"


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """A copy of the sources whose article has no facts yet but a fresh draft."""
    root = undrafted(tmp_path / "sources")
    write_draft(root / SLUG, root)
    return root


def _accept(root: Path, *names: str) -> str:
    result = runner.invoke(
        app, ["draft", SLUG, "--sources", str(root), "--accept", ",".join(names)]
    )
    assert result.exit_code == 0, result.output
    return result.stderr


def test_accept_keeps_the_mode_of_facts_ttl(drafted: Path) -> None:
    facts = drafted / SLUG / "facts.ttl"
    for mode in (0o644, 0o664, 0o640):
        facts.chmod(mode)
        name = next(b.name for b in read_draft(drafted / SLUG / DRAFT_FILE).blocks)
        _accept(drafted, name)
        assert facts.stat().st_mode & 0o777 == mode
        assert f"\n{name}\n" in facts.read_text(encoding="utf-8")


def test_accept_keeps_the_line_endings_of_a_crlf_facts_file(drafted: Path) -> None:
    facts = drafted / SLUG / "facts.ttl"
    crlf = facts.read_bytes().replace(b"\n", b"\r\n")
    facts.write_bytes(crlf)
    _accept(drafted, ROLE, "fact:metonym-manila")
    after = facts.read_bytes()
    assert after.startswith(crlf)  # the analyst's lines untouched
    assert b"\nfact:role-pete-hegseth\r\n" in after
    assert re.search(rb"(?<!\r)\n", after) is None  # every line ends as the file's do
    assert check_source(drafted / SLUG, drafted) == []


def test_accept_writes_through_a_symlinked_facts_file(drafted: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    facts = drafted / SLUG / "facts.ttl"
    target = shared / "facts.ttl"
    shutil.move(facts, target)
    facts.symlink_to(target)
    _accept(drafted, ROLE)
    assert facts.is_symlink() and facts.resolve() == target
    assert "\nfact:role-pete-hegseth\n" in target.read_text(encoding="utf-8")
    assert [p.name for p in shared.iterdir()] == ["facts.ttl"]  # no temporary file left


def test_a_fact_left_in_both_files_by_an_interrupted_accept_is_not_appended_twice(
    drafted: Path,
) -> None:
    draft = drafted / SLUG / DRAFT_FILE
    facts = drafted / SLUG / "facts.ttl"
    before = draft.read_bytes()
    _accept(drafted, ROLE)
    draft.write_bytes(before)  # as a kill between the two writes leaves them
    assert ROLE in [b.name for b in read_draft(draft).blocks]
    stderr = _accept(drafted, ROLE, "fact:metonym-manila")
    text = facts.read_text(encoding="utf-8")
    assert text.count("\nfact:role-pete-hegseth\n") == 1
    assert "\nfact:metonym-manila\n" in text
    assert f"{ROLE}: in facts.ttl already" in stderr
    assert ROLE not in [b.name for b in read_draft(draft).blocks]
    assert check_source(drafted / SLUG, drafted) == []
    # kg review finds it the same way
    draft.write_bytes(before)
    result = runner.invoke(app, ["review", SLUG, "--sources", str(drafted)], input="a\nq\n")
    assert result.exit_code == 0, result.output
    assert facts.read_text(encoding="utf-8").count("\nfact:role-pete-hegseth\n") == 1
    assert f"{ROLE}: in facts.ttl already" in result.stderr


def test_a_name_in_facts_ttl_with_other_content_is_refused_in_one_line(drafted: Path) -> None:
    facts = drafted / SLUG / "facts.ttl"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + '\nfact:role-pete-hegseth\n    a kg:RoleHolding ;\n    rdfs:label "mine"@en .\n',
        encoding="utf-8",
    )
    before = facts.read_bytes()
    result = runner.invoke(app, ["draft", SLUG, "--sources", str(drafted), "--accept", ROLE])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "defines fact:role-pete-hegseth already" in result.stderr
    assert facts.read_bytes() == before
