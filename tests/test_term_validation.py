"""One validator of terms and calendar values, shared by `kg check` and `kg build`: a facts file
either passes both or is refused by both, at the same file and line, naming the term, without
a traceback or a stray warning (kg.sources.term_problem, value_problem, source_problems)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef, namespace
from typer.testing import CliRunner

from kg.cli import app
from kg.sources import term_problem, value_problem
from kg.timeline import resolve

SLUG = "us-china-military-channels"
SOURCE = "    a            kg:Source ;"
MONTH = 'time:month    "--12"^^xsd:gMonth'
ISSUED = f'{SOURCE} dct:issued "2024-11-05"^^xsd:date ;'

# name: (the edits to facts.ttl, words the refusal names)
CASES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "a lone surrogate": ([(SOURCE, f'{SOURCE} rdfs:label "a \\uD800 b" ;')], ["\\uD800"]),
    "an emoji as a surrogate pair": (
        [(SOURCE, f'{SOURCE} rdfs:label "smile \\uD83D\\uDE00" ;')],
        ["\\uD83D\\uDE00", "\\U0001F600"],
    ),
    "a space in an IRI": (
        [(SOURCE, f"{SOURCE} dct:source <https://example.org/a\\u0020b> ;")],
        ["<https://example.org/a\\u0020b>", "not a valid IRI"],
    ),
    "a > in an IRI": (
        [(SOURCE, f"{SOURCE} dct:source <https://example.org/a\\u003Eb> ;")],
        ["<https://example.org/a\\u003Eb>"],
    ),
    "a form feed in an IRI": (
        [(SOURCE, f"{SOURCE} dct:source <https://example.org/a\\u000Cb> ;")],
        ["<https://example.org/a\\u000Cb>"],
    ),
    "a malformed language tag": (
        [(SOURCE, f'{SOURCE} rdfs:label "x"@en-US-x ;')],
        ["@en-US-x", "not well-formed"],
    ),
    "a date with month 13": (
        [(SOURCE, f'{SOURCE} dct:issued "2024-13-45"^^xsd:date ;')],
        ["dct:issued", "2024-13-45", "no month 13"],
    ),
    "a date in year 0": (
        [(SOURCE, f'{SOURCE} dct:issued "0000-01-05"^^xsd:date ;')],
        ["dct:issued", "year 0000"],
    ),
    "two publication dates": (
        [(SOURCE, f'{ISSUED} dct:issued "2023-01-02"^^xsd:date ;')],
        ["dct:issued", "more than one publication date"],
    ),
    "a month that is no gMonth": ([(SOURCE, ISSUED), (MONTH, 'time:month "abc"')], ['"abc"']),
    "month 13": (
        [(SOURCE, ISSUED), (MONTH, 'time:month "--13"^^xsd:gMonth')],
        ["time:month", "no month 13"],
    ),
    "a time in hour 25": (
        [
            (
                SOURCE,
                f'{SOURCE} <http://purl.org/pav/retrievedOn> "2024-01-01T25:00:00"^^xsd:dateTime ;',
            )
        ],
        ["retrieval date", "2024-01-01T25:00:00"],
    ),
}

runner = CliRunner()


def _edit(facts: Path, edits: list[tuple[str, str]]) -> None:
    text = facts.read_text(encoding="utf-8")
    text = text.replace("@prefix dct:", "@prefix pav:  <http://purl.org/pav/> .\n@prefix dct:", 1)
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    facts.write_text(text, encoding="utf-8")


def _where(lines: list[str], facts: Path) -> str:
    found = [
        m.group(1)
        for line in lines
        for m in [re.search(rf"{re.escape(str(facts))}:(\d+):", line)]
        if m
    ]
    assert found, lines
    return found[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_and_build_refuse_the_same_term_at_the_same_line(
    case: str, sources_copy: Path, tmp_path: Path
) -> None:
    edits, words = CASES[case]
    facts = sources_copy / SLUG / "facts.ttl"
    _edit(facts, edits)
    check = runner.invoke(app, ["check", SLUG, "--sources", str(sources_copy)])
    build = runner.invoke(
        app, ["build", "--sources", str(sources_copy), "--out", str(tmp_path / "out")]
    )
    for result in (check, build):
        assert result.exit_code in (1, 2), (result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and "Failed to convert" not in result.output
        assert len(result.stderr.splitlines()) == 1, result.stderr  # no stray warning line
    assert build.exit_code == 2
    checked = [x for x in check.output.splitlines() if str(facts) in x]
    built = build.stderr.splitlines()
    assert _where(checked, facts) == _where(built, facts), (checked, built)
    for word in words:
        assert any(word in x for x in checked) and word in built[0], (word, checked, built)
    assert not (tmp_path / "out").exists()


def test_an_emoji_written_whole_or_as_one_escape_is_accepted(
    sources_copy: Path, tmp_path: Path
) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    _edit(facts, [(SOURCE, f'{SOURCE} rdfs:label "smile \\U0001F600 😀" ;')])
    build = runner.invoke(
        app, ["build", "--sources", str(sources_copy), "--out", str(tmp_path / "out")]
    )
    assert build.exit_code == 0, build.output
    assert "smile \U0001f600 \U0001f600" in (tmp_path / "out" / "scs-kg.nq").read_text("utf-8")


@pytest.mark.parametrize(
    ("term", "ok"),
    [
        (URIRef("https://example.org/a"), True),
        (URIRef("urn:x:y"), True),
        (URIRef("https://example.org/a b"), False),
        (URIRef("https://example.org/{x}"), False),
        (URIRef("relative/path"), False),
        (URIRef("https://example.org/\ud800"), False),
        (Literal("x", lang="zh-Hant-TW"), True),
        (Literal("x", lang="en-US-x"), False),
        (Literal("\U0001f600"), True),
        (Literal("\ud83d\ude00"), False),
        (Literal("x", datatype=URIRef("not an iri")), False),
    ],
)
def test_a_term_is_what_oxigraph_carries(term: URIRef | Literal, ok: bool) -> None:
    assert (term_problem(term) is None) is ok


@pytest.mark.parametrize(
    ("value", "datatype", "ok"),
    [
        ("2024-02-29", namespace.XSD.date, True),
        ("2023-02-29", namespace.XSD.date, False),
        ("2024-13-45", namespace.XSD.date, False),
        ("0000-01-05", namespace.XSD.date, False),
        ("2024-11-05Z", namespace.XSD.date, True),
        ("2024-11", namespace.XSD.gYearMonth, True),
        ("2024-13", namespace.XSD.gYearMonth, False),
        ("2024", namespace.XSD.gYear, True),
        ("0000", namespace.XSD.gYear, False),
        ("--12", namespace.XSD.gMonth, True),
        ("--13", namespace.XSD.gMonth, False),
        ("abc", namespace.XSD.gMonth, False),
        ("2024-11-05T10:30:00", namespace.XSD.dateTime, True),
        ("2024-11-05T24:30:00", namespace.XSD.dateTime, False),
        ("anything", namespace.XSD.string, True),
    ],
)
def test_a_calendar_value_exists(value: str, datatype: URIRef, ok: bool) -> None:
    assert (value_problem(URIRef("urn:p"), Literal(value, datatype=datatype)) is None) is ok


def test_the_timeline_never_resolves_against_a_date_that_does_not_exist() -> None:
    for issued in ("2024-13-45", "0000-01-05", "2024-02-30"):
        assert resolve("today", Literal(issued)) is None
        assert resolve("today", Literal(issued, datatype=namespace.XSD.date)) is None
    assert resolve("scheduled for the month", Literal("2024-11-05"), 13) is None
    found = resolve("today", Literal("2024-02-29", datatype=namespace.XSD.date))
    assert found is not None and str(found[1]) == "2024-02-29"


def test_check_prints_no_stray_warning_for_an_ill_typed_literal(sources_copy: Path) -> None:
    """rdflib warns (with a traceback or a `UserWarning` line) about ill-typed literals; kg
    reports what it refuses itself, so a clean check is its one line."""
    import os
    import subprocess
    import sys

    facts = sources_copy / SLUG / "facts.ttl"
    _edit(
        facts,
        [
            (
                SOURCE,
                f'{SOURCE} rdfs:comment "abc"^^xsd:decimal, "x"^^xsd:integer, "y"^^xsd:boolean ;',
            )
        ],
    )
    for args in (["check", SLUG], ["build", "--out", str(sources_copy.parent / "out")]):
        result = subprocess.run(
            [sys.executable, "-m", "kg", *args, "--sources", str(sources_copy)],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"},
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
