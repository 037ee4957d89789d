"""Locate hand-copied quotes in a source text and split the text into sentences.

Offsets are Python string indices, which count Unicode code points, as NIF and RFC 5147 do.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from kg.errors import EvidenceError

# A sentence ends at . ! or ? (optionally followed by a closing quote) before white space and
# a capital letter or an opening quote; abbreviations such as "U.S." do not end one.
_END = re.compile(r"[.!?][”’\"']?(?=\s+[“\"'A-Z])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Adm|Gen|Sen|Rep|St|No|Col|Lt|Cmdr|Capt|Amb|Maj"
    r"|Brig|Gov|Pres|Prof|Sgt|Rev|Hon|Jr|Sr|Sec|Supt|Insp|Cdr|Vice Adm|Rear Adm|Ma)\."
    r"|\b[A-Z][a-z]+ [A-Z]\.)$"
)  # titles, "Ma." (Maria, in Filipino names), and a middle initial after a name ("Samuel J.
# Paparo"), end no sentence
# How far back from a sentence end `_ABBREVIATION` looks: its longest title (`Vice Adm.`), two
# letters with periods and a name with its middle initial (`Christopher J.`) fit, and a longer
# run of letters with periods (`U.S.A.`) matches within it too (`\b` at the window's start sees
# the character before it). Looking back a bounded way keeps the splitter linear in a line's
# length, however long the line and however many ends it has.
_LOOKBACK = 32


@dataclass(frozen=True)
class Span:
    """A span of a text, begin inclusive, end exclusive, in code points."""

    begin: int
    end: int

    def slice(self, text: str) -> str:
        """Return the characters of `text` this span covers."""
        return text[self.begin : self.end]


def sentences(text: str) -> list[Span]:
    """Split a text into sentence spans: lines first, then sentence ends outside quotations.

    Linear in the text's length: each character is looked at a bounded number of times.

    >>> text = "The U.S. Navy sailed. China said “Leave now. Go.” Manila protested."
    >>> [span.slice(text) for span in sentences(text)]
    ['The U.S. Navy sailed.', 'China said “Leave now. Go.”', 'Manila protested.']
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        body = line.group()
        cut = 0
        seen = opened = closed = 0  # the quotation marks of body[cut:seen]
        for end in _END.finditer(body):
            stop = end.end()
            if body[stop - 1] != "”" and _ABBREVIATION.search(body, max(0, stop - _LOOKBACK), stop):
                continue
            opened += body.count("“", seen, stop)
            closed += body.count("”", seen, stop)
            seen = stop
            if opened > closed:
                continue  # inside a quotation: the quoted words stay one sentence
            spans.append(_strip(text, start + cut, start + stop))
            cut = stop
            opened = closed = 0
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


_LISTED = 10  # the occurrences of a quote a message lists at most
_SHOWN = 200  # the characters of a quote a message shows at most


def _shown(quote: str) -> str:
    """A quote as a message shows it: its repr, a long one cut after `_SHOWN` characters."""
    if len(quote) <= _SHOWN:
        return repr(quote)
    return f"{quote[:_SHOWN]!r}… ({len(quote):,} characters)"


def _offsets(found: list[int]) -> str:
    """The offsets of a quote's occurrences for a message: the first `_LISTED`, then `…`."""
    return ", ".join(map(str, found[:_LISTED])) + (", …" if len(found) > _LISTED else "")


def _not_found(text: str, quote: str, fact: str, source: str) -> EvidenceError:
    for form in ("NFC", "NFD", "NFKC"):
        if unicodedata.normalize(form, quote) in unicodedata.normalize(form, text):
            return EvidenceError(
                f"{fact}: quote not found in source {source}: {_shown(quote)} looks the same as "
                f"words of the text but differs in Unicode normalization (they match as {form}); "
                "copy the characters exactly as the text has them"
            )
    return EvidenceError(f"{fact}: quote not found in source {source}: {_shown(quote)}")


def _whole(text: str, span: Span, quote: str, fact: str) -> Span:
    for at, edge in ((span.begin, "starts"), (span.end, "ends")):
        why = splits_character(text, at)
        if why:
            raise EvidenceError(
                f"{fact}: quote {_shown(quote)} {edge} inside a character (at offset {at}, {why}); "
                "take the whole character"
            )
    return span


def locate(text: str, quote: str, *, fact: str, source: str, start: int | None = None) -> Span:
    """Return the span of `quote` in `text`, or raise EvidenceError naming the fact and quote.

    The span never cuts a character in two (see `splits_character`).

    >>> text = "China said no. Manila protested. Manila protested again."
    >>> locate(text, "Manila protested again", fact="f1", source="s1")
    Span(begin=33, end=55)
    >>> locate(text, "Manila protested", fact="f1", source="s1", start=15)
    Span(begin=15, end=31)
    >>> locate(text, "Manila protested", fact="f1", source="s1")
    Traceback (most recent call last):
    kg.errors.EvidenceError: f1: quote 'Manila protested' occurs 2 times in source s1 (at 15, 33)...
    """
    if not quote:
        raise EvidenceError(f"{fact}: empty quote")
    # its occurrences, overlapping ones too, up to one more than a message lists: each search
    # is linear in the text, and a few of them keep `locate` so however often the quote occurs
    found: list[int] = []
    at = text.find(quote)
    while at != -1 and len(found) <= _LISTED:
        found.append(at)
        at = text.find(quote, at + 1)
    if start is not None:
        if start < 0 or text[start : start + len(quote)] != quote:
            where = f"; it occurs at {_offsets(found)}" if found else ""
            raise EvidenceError(
                f"{fact}: quote {_shown(quote)} is not at offset {start} of source {source}{where}"
            )
        return _whole(text, Span(start, start + len(quote)), quote, fact)
    if not found:
        raise _not_found(text, quote, fact, source)
    if len(found) > 1:
        times = f"{len(found)} times" if len(found) <= _LISTED else f"more than {_LISTED} times"
        raise EvidenceError(
            f"{fact}: quote {_shown(quote)} occurs {times} in source {source} "
            f"(at {_offsets(found)}); lengthen it or give kg:quoteStart"
        )
    return _whole(text, Span(found[0], found[0] + len(quote)), quote, fact)


def covering(spans: list[Span], inner: Span) -> list[Span]:
    """Return the spans (sentences) that overlap `inner`.

    `spans` are in text order and do not overlap, as `sentences` gives them: those that overlap
    are found by bisection, so a text's every quote or mention costs little however many
    sentences it has.
    """
    first = bisect.bisect_right(spans, inner.begin, key=_end)  # the first to end after it begins
    last = bisect.bisect_left(spans, inner.end, lo=first, key=_begin)  # the first to begin after
    return spans[first:last]


def _begin(span: Span) -> int:
    return span.begin


def _end(span: Span) -> int:
    return span.end
