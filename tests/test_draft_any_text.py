"""kg draft on any text: it drafts, or fails with one line and a non-zero exit, never a crash."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from typer.testing import CliRunner

from kg import registry, resources, shapes
from kg.cli import app
from kg.draft.drafter import MAX_CHARS, draft_text
from kg.draft.rules import load
from kg.draft.turtle import render
from kg.errors import InputError
from kg.sources import parse_turtle

runner = CliRunner()

# pieces news text is made of, and hostile ones: quotes left open, marks alone, lists, Q&A
PIECES = [
    "China",
    "the Philippines",
    "Vietnam's foreign ministry",
    "Defense Secretary Pete Hegseth",
    "Adm. Samuel Paparo",
    "said",
    "told reporters",
    "according to officials",
    "he said",
    "she said.",
    "“",
    "”",
    '"',
    "'",
    "’",
    ",",
    ".",
    ":",
    "\n\n",
    "\n",
    "Q:",
    "A:",
    "- ",
    "1.",
    "on Monday",
    "protested",
    "rejected the ruling",
    "held talks in Manila",
    "who met",
    "—",
    "(",
    ")",
    "Scarborough Shoal",
    "Lin",
]


@pytest.fixture(scope="module")
def world() -> tuple[Graph, Graph, object]:
    """The packaged registry, the ontology and the rules, read once."""
    return (
        registry.load(resources.sources_dir()),
        parse_turtle(resources.ontology_file()),
        load(),
    )


def _draft_and_render(text: str, world: tuple[Graph, Graph, object]) -> Graph:
    entities, ontology, rules = world
    draft = draft_text(text, entities, ontology, rules)  # type: ignore[arg-type]
    order = shapes.order()
    graph = Graph()
    graph.parse(data=render("t", "t", draft, set(), order), format="turtle")
    return graph


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join))
def test_any_news_shaped_text_drafts_to_parseable_turtle(
    world: tuple[Graph, Graph, object], text: str
) -> None:
    _draft_and_render(text, world)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.text(max_size=400))
def test_any_unicode_text_drafts(world: tuple[Graph, Graph, object], text: str) -> None:
    _draft_and_render(text, world)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Talks held\n\nDefense Secretary Pete Hegseth spoke on Monday: “We do not seek conflict.”"
        "\n\nHegseth criticized China.",
        "“The talks failed.”\n\n“We will not give up,” said Lin.",
        "Q: Is that so?\nA: “No,” Lin said.\n\nQ: Why?\nA: Because.",
        "- China protested\n- Vietnam said it would respond\n1. Manila",
        "china said the philippines " * 300,
    ],
)
def test_layouts_that_once_crashed_draft(world: tuple[Graph, Graph, object], text: str) -> None:
    _draft_and_render(text, world)


@pytest.mark.parametrize("mark", ["“", '"', "”", "’"])
def test_a_long_run_of_quote_marks_is_read_in_linear_time(
    world: tuple[Graph, Graph, object], mark: str
) -> None:
    # a run of 50,000 marks once took minutes (spaCy's suffix search and a quotation regex were
    # quadratic on it); read in pieces now, it is one of many inputs well under a minute
    started = time.monotonic()
    _draft_and_render(mark * 50_000, world)
    assert time.monotonic() - started < 30


def test_a_text_over_the_bound_is_refused_with_one_line(
    world: tuple[Graph, Graph, object], tmp_path: Path
) -> None:
    entities, ontology, rules = world
    with pytest.raises(InputError, match="at most"):
        draft_text("word " * (MAX_CHARS // 4), entities, ontology, rules)  # type: ignore[arg-type]
    article = tmp_path / "big.txt"
    article.write_text("Big\n\n" + "China said no. " * (MAX_CHARS // 15 + 100), encoding="utf-8")
    root = tmp_path / "sources"
    root.mkdir()
    (root / "entities.ttl").write_text(
        (resources.sources_dir() / "entities.ttl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    made = runner.invoke(app, ["new", str(article), "--sources", str(root), "--slug", "big"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["draft", "big", "--sources", str(root)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "at most" in result.output and "text.txt" in result.output
    assert len(result.output.strip().splitlines()) == 1
