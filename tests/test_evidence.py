"""Quotes are located exactly, and sentences are split where the text ends them."""

from __future__ import annotations

import pytest

from kg.errors import EvidenceError
from kg.evidence import Span, covering, locate, sentences

TEXT = (
    "Title line\n\nU.S. Defense Secretary Pete Hegseth spoke. "
    "He said, “We seek peace. We do not.” Then he left."
)


def test_sentences_split_on_ends_but_not_abbreviations_or_inside_quotations() -> None:
    got = [s.slice(TEXT) for s in sentences(TEXT)]
    assert got == [
        "Title line",
        "U.S. Defense Secretary Pete Hegseth spoke.",
        "He said, “We seek peace. We do not.”",
        "Then he left.",
    ]


def test_locate_returns_code_point_offsets_that_slice_to_the_quote() -> None:
    span = locate(TEXT, "“We seek peace.", fact="f", source="s")
    assert TEXT[span.begin : span.end] == "“We seek peace."
    assert span.begin == TEXT.index("“")


def test_locate_names_the_fact_and_quote_when_missing() -> None:
    with pytest.raises(EvidenceError, match=r"fact:x: quote not found in source s: 'We seek war'"):
        locate(TEXT, "We seek war", fact="fact:x", source="s")


def test_locate_rejects_an_ambiguous_quote_and_accepts_its_start() -> None:
    with pytest.raises(EvidenceError, match="occurs 2 times"):
        locate(TEXT, "We ", fact="f", source="s")
    second = TEXT.index("We do")
    assert locate(TEXT, "We ", fact="f", source="s", start=second) == Span(second, second + 3)
    with pytest.raises(EvidenceError, match="is not at offset 0"):
        locate(TEXT, "We ", fact="f", source="s", start=0)


def test_covering_finds_every_overlapping_sentence() -> None:
    spans = sentences(TEXT)
    inner = locate(TEXT, "spoke. He said", fact="f", source="s")
    assert [s.slice(TEXT) for s in covering(spans, inner)] == [
        "U.S. Defense Secretary Pete Hegseth spoke.",
        "He said, “We seek peace. We do not.”",
    ]
