"""Fictional saved articles for the review queue's tests: a corpus of pending sources."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from kg import resources
from kg.cli import app

runner = CliRunner()

# Invented articles: an invented minister named by two of them, a third naming nobody new.
ARTICLES = {
    "alpha": (
        "2026-01-02",
        "FICTIONAL TEST ARTICLE: Tanabe in Jakarta\n\n"
        "Japanese Foreign Minister Aiko Tanabe met ASEAN leaders in Jakarta on Monday. "
        "Tanabe said the talks were useful.\n",
    ),
    "beta": (
        "2026-01-05",
        "FICTIONAL TEST ARTICLE: Tanabe in Manila\n\n"
        "Japanese Foreign Minister Aiko Tanabe said on Friday that China had provoked the "
        "incident.\n",
    ),
    "gamma": (
        "2025-12-30",
        "FICTIONAL TEST ARTICLE: A shoal\n\n"
        "China said on Tuesday that the Philippines had provoked the incident at Scarborough "
        "Shoal.\n",
    ),
}


def corpus(target: Path, slugs: list[str] | None = None) -> Path:
    """Copy the packaged sources to `target` and register fictional articles with kg new."""
    shutil.copytree(resources.sources_dir(), target)
    inputs = target.parent / "inputs"
    inputs.mkdir(exist_ok=True)
    for slug in slugs or list(ARTICLES):
        date, text = ARTICLES[slug]
        path = inputs / f"{slug}.txt"
        path.write_text(text, encoding="utf-8")
        cmd = ["new", str(path), "--slug", slug, "--published", date, "--sources", str(target)]
        result = runner.invoke(app, cmd)
        assert result.exit_code == 0, result.output
    return target


def kg(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Run a kg command; return its exit code, stdout and stderr."""
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr
