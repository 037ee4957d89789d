"""kg draft on fictional articles in other registers, and on the unseen ones written apart from the
rules: kg check accepts every draft it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg import resources
from kg.cli import app
from kg.namespaces import KG

from .draft_fixtures import EVAL

REGISTERS = EVAL / "registers"
UNSEEN = EVAL / "unseen"
ARTICLES = [p for folder in (REGISTERS, UNSEEN) for p in sorted(folder.glob("*.txt"))]
runner = CliRunner()


@pytest.mark.parametrize("article", ARTICLES, ids=[f"{p.parent.name}/{p.stem}" for p in ARTICLES])
def test_kg_check_accepts_the_draft_of_an_article_in_another_register(
    tmp_path: Path, article: Path
) -> None:
    name = article.stem
    root = tmp_path / "sources"
    root.mkdir()
    shutil.copyfile(resources.sources_dir() / "entities.ttl", root / "entities.ttl")
    made = runner.invoke(app, ["new", str(article), "--sources", str(root), "--slug", name])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["draft", name, "--sources", str(root), "--check"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output.splitlines()[-1]
    # what a statement or event is about in its words lies inside its quote (model rule 1)
    drafted = Graph().parse(root / name / "draft.ttl", format="turtle")
    for node, words in drafted.subject_objects(KG.subjectMatter):
        assert str(words) in str(drafted.value(node, KG.quote)), (node, words)
