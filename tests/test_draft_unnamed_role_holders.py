"""A role whose holder the text does not name ("A spokesperson for the Thai foreign ministry")
is drafted with a placeholder person the analyst names: one per article, and accepting it passes
kg check (docs/model.md, "An unnamed role holder")."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rdflib import Graph
from typer.testing import CliRunner

from kg import registry, resources
from kg.cli import app
from kg.draft.drafter import draft_text
from kg.sources import parse_turtle

runner = CliRunner()
TEXT = (
    "FICTIONAL: Thai ministry responds\n\n"
    "A spokesperson for the Thai foreign ministry said on Monday that Thailand was following "
    "the case closely. A senior Chinese military official told reporters the drills were "
    "routine.\n"
)


def _holders(text: str) -> list[tuple[str, str]]:
    entities: Graph = registry.load(resources.sources_dir())
    draft = draft_text(text, entities, parse_turtle(resources.ontology_file()))
    return [
        (e.local, e.label)
        for e in draft.new_entities
        if e.cls == "kg:Person" and e.label.startswith("unnamed ")
    ]


def test_an_unnamed_holder_is_a_placeholder_person_of_its_own_article() -> None:
    one = _holders(TEXT)
    assert [label.rsplit(" (", 1)[0] for _, label in one] == [
        "unnamed spokesperson for the Thai foreign ministry",
        "unnamed senior Chinese military official",
    ]
    assert _holders(TEXT) == one  # the same text, the same IRIs
    other = _holders(TEXT.replace("Monday", "Tuesday"))
    assert not {local for local, _ in one} & {local for local, _ in other}


def test_accepting_an_unnamed_holder_passes_kg_check(tmp_path: Path) -> None:
    root = tmp_path / "sources"
    shutil.copytree(resources.sources_dir(), root)
    article = tmp_path / "thai.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert (
        runner.invoke(
            app, ["new", str(article), "--sources", str(root), "--slug", "thai"]
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["draft", "thai", "--sources", str(root)]).exit_code == 0
    draft = (root / "thai" / "draft.ttl").read_text(encoding="utf-8")
    roles = re.findall(
        r"^# draft fact:(role-unnamed-[a-z0-9-]+) — rule role\.unnamed-holder", draft, re.M
    )
    assert len(roles) == 2
    result = runner.invoke(
        app, ["draft", "thai", "--sources", str(root), "--accept", ",".join(roles)]
    )
    assert result.exit_code == 0, result.output
    assert "unnamed spokesperson for the Thai foreign ministry" in (
        root / "entities.ttl"
    ).read_text(encoding="utf-8")
    result = runner.invoke(app, ["check", "thai", "--sources", str(root)])
    assert result.exit_code == 0, result.output
