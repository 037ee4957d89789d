"""Locate hand-copied quotes in a source text and split the text into sentences.

Offsets are Python string indices, which count Unicode code points, as NIF and RFC 5147 do.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kg.errors import EvidenceError

# A sentence ends at . ! or ? (optionally followed by a closing quote) before white space and
# a capital letter or an opening quote; abbreviations such as "U.S." do not end one.
_END = re.compile(r"[.!?][”’\"']?(?=\s+[“\"'A-Z])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Adm|Gen|Sen|Rep|St|No|Col|Lt|Cmdr|Capt|Amb|Maj"
    r"|Brig|Gov|Pres|Prof|Sgt|Rev|Hon|Jr|Sr|Sec|Supt|Insp|Cdr|Vice Adm|Rear Adm)\."
    r"|\b[A-Z][a-z]+ [A-Z]\.)$"
)  # titles, and a middle initial after a name ("Samuel J. Paparo"), end no sentence


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


_JOINERS = {"\u200d"}  # a zero-width joiner binds the characters on both sides


def splits_character(text: str, at: int) -> str | None:
    """Say why offset `at` falls inside a user-perceived character of `text`, or None.

    Inside: before a combining mark, a variation selector or an emoji modifier (they belong to
    the character before them), beside a zero-width joiner, or between CR and LF.
    """
    if at <= 0 or at >= len(text):
        return None
    before, after = text[at - 1], text[at]
    if unicodedata.category(after) in ("Mn", "Me", "Mc"):
        return f"before the combining mark U+{ord(after):04X}"
    if "\ufe00" <= after <= "\ufe0f" or "\U000e0100" <= after <= "\U000e01ef":
        return f"before the variation selector U+{ord(after):04X}"
    if "\U0001f3fb" <= after <= "\U0001f3ff":
        return f"before the emoji modifier U+{ord(after):04X}"
    if before in _JOINERS or after in _JOINERS:
        return "beside a zero-width joiner"
    if before == "\r" and after == "\n":
        return "between CR and LF"
    return None


def _not_found(text: str, quote: str, fact: str, source: str) -> EvidenceError:
    for form in ("NFC", "NFD", "NFKC"):
        if unicodedata.normalize(form, quote) in unicodedata.normalize(form, text):
            return EvidenceError(
                f"{fact}: quote not found in source {source}: {quote!r} looks the same as words "
                f"of the text but differs in Unicode normalization (they match as {form}); "
                "copy the characters exactly as the text has them"
            )
    return EvidenceError(f"{fact}: quote not found in source {source}: {quote!r}")


def _whole(text: str, span: Span, quote: str, fact: str) -> Span:
    for at, edge in ((span.begin, "starts"), (span.end, "ends")):
        why = splits_character(text, at)
        if why:
            raise EvidenceError(
                f"{fact}: quote {quote!r} {edge} inside a character (at offset {at}, {why}); "
                "take the whole character"
            )
    return span


def locate(text: str, quote: str, *, fact: str, source: str, start: int | None = None) -> Span:
    """Return the span of `quote` in `text`, or raise EvidenceError naming the fact and quote.

    The span never cuts a character in two (see `splits_character`).
    """
    if not quote:
        raise EvidenceError(f"{fact}: empty quote")
    found: list[int] = []  # every occurrence, overlapping ones too
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    if start is not None:
        if start < 0 or text[start : start + len(quote)] != quote:
            where = f"; it occurs at {', '.join(map(str, found))}" if found else ""
            raise EvidenceError(
                f"{fact}: quote {quote!r} is not at offset {start} of source {source}{where}"
            )
        return _whole(text, Span(start, start + len(quote)), quote, fact)
    if not found:
        raise _not_found(text, quote, fact, source)
    if len(found) > 1:
        raise EvidenceError(
            f"{fact}: quote {quote!r} occurs {len(found)} times in source {source} "
            f"(at {', '.join(map(str, found))}); lengthen it or give kg:quoteStart"
        )
    return _whole(text, Span(found[0], found[0] + len(quote)), quote, fact)


def covering(spans: list[Span], inner: Span) -> list[Span]:
    """Return the spans (sentences) that overlap `inner`."""
    return [s for s in spans if s.begin < inner.end and inner.begin < s.end]
