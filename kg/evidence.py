"""Locate hand-copied quotes in a source text and split the text into sentences.

Offsets are Python string indices, which count Unicode code points, as NIF and RFC 5147 do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import EvidenceError

# A sentence ends at . ! or ? (optionally followed by a closing quote) before white space and
# a capital letter or an opening quote; abbreviations such as "U.S." do not end one.
_END = re.compile(r"[.!?][”’\"']?(?=\s+[“\"'A-Z])")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Adm|Gen|Sen|Rep|St|No)\.)$")


@dataclass(frozen=True)
class Span:
    """A span of a text, begin inclusive, end exclusive, in code points."""

    begin: int
    end: int

    def slice(self, text: str) -> str:
        """Return the characters of `text` this span covers."""
        return text[self.begin : self.end]


def sentences(text: str) -> list[Span]:
    """Split a text into sentence spans: lines first, then sentence ends outside quotations."""
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        body = line.group()
        cut = 0
        for end in _END.finditer(body):
            stop = end.end()
            if _ABBREVIATION.search(body[:stop]) and not body[:stop].endswith("”"):
                continue
            if body[cut:stop].count("“") > body[cut:stop].count("”"):
                continue  # inside a quotation: the quoted words stay one sentence
            spans.append(_strip(text, start + cut, start + stop))
            cut = stop
        if body[cut:].strip():
            spans.append(_strip(text, start + cut, line.end()))
    return spans


def _strip(text: str, begin: int, end: int) -> Span:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    return Span(begin, end)


def locate(text: str, quote: str, *, fact: str, source: str, start: int | None = None) -> Span:
    """Return the span of `quote` in `text`, or raise EvidenceError naming the fact and quote."""
    if not quote:
        raise EvidenceError(f"{fact}: empty quote")
    found = [m.start() for m in re.finditer(re.escape(quote), text)]
    if start is not None:
        if text[start : start + len(quote)] != quote:
            where = f"; it occurs at {', '.join(map(str, found))}" if found else ""
            raise EvidenceError(
                f"{fact}: quote {quote!r} is not at offset {start} of source {source}{where}"
            )
        return Span(start, start + len(quote))
    if not found:
        raise EvidenceError(f"{fact}: quote not found in source {source}: {quote!r}")
    if len(found) > 1:
        raise EvidenceError(
            f"{fact}: quote {quote!r} occurs {len(found)} times in source {source} "
            f"(at {', '.join(map(str, found))}); lengthen it or give kg:quoteStart"
        )
    return Span(found[0], found[0] + len(quote))


def covering(spans: list[Span], inner: Span) -> list[Span]:
    """Return the spans (sentences) that overlap `inner`."""
    return [s for s in spans if s.begin < inner.end and inner.begin < s.end]
