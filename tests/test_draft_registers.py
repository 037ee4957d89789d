"""kg draft on fictional articles in other registers: kg check accepts every draft it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import resources
from kg.cli import app

from .draft_fixtures import EVAL

REGISTERS = EVAL / "registers"
runner = CliRunner()


@pytest.mark.parametrize("name", sorted(p.stem for p in REGISTERS.glob("*.txt")))
def test_kg_check_accepts_the_draft_of_an_article_in_another_register(
    tmp_path: Path, name: str
) -> None:
    root = tmp_path / "sources"
    root.mkdir()
    shutil.copyfile(resources.sources_dir() / "entities.ttl", root / "entities.ttl")
    made = runner.invoke(
        app, ["new", str(REGISTERS / f"{name}.txt"), "--sources", str(root), "--slug", name]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["draft", name, "--sources", str(root), "--check"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output.splitlines()[-1]
