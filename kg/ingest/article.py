"""An article read from a saved file: its text, its metadata and the original it came from."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# Characters no XML export can carry (kg.sources refuses them in a text): dropped from
# extracted text, where they are never the article's words.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Found:
    """Metadata an extractor read from a file; None means the file does not say."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    created: str | None = None  # the file's own date (a PDF's creation date)
    url: str | None = None
    language: str | None = None
    identifier: str | None = None  # a feed item's id


@dataclass
class Article:
    """One article to register: where it came from, its text and what the file says of it."""

    origin: str  # the file (or `FEED#N` for a feed's item, or the address) for messages
    kind: str  # page, pdf, feed or text (kg.ingest.formats)
    text: str
    found: Found = field(default_factory=Found)
    original: bytes = b""  # the file as saved (a text file is its own original)
    slug_hint: str = ""
    retrieved: str | None = None  # when fetched from an address: the date-time, UTC
    fetched_url: str | None = None
    text_bytes: bytes | None = None  # a text file's bytes, copied byte-exact
    container: tuple[str, str] | None = None  # the feed an item came in: its name and SHA-256


def paragraphs(lines: list[str]) -> str:
    """Join paragraphs (runs of white space inside each made one space) with a blank line."""
    kept = [" ".join(_NOT_XML.sub(" ", p).split()) for p in lines]
    return "\n\n".join(p for p in kept if p) + "\n"


def normalised(text: str) -> str:
    """The text with every run of white space made one space: what duplicates compare."""
    return " ".join(text.split())


def iso_date(value: str | None) -> str | None:
    """Return the ISO date (YYYY-MM-DD, YYYY-MM or YYYY) that starts a date string, or None."""
    if not value:
        return None
    found = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d])", value)
    if not found:
        return None
    return "-".join(part for part in found.groups() if part)


def language_tag(value: str | None) -> str | None:
    """Return a BCP 47 language tag from a page's or feed's language, or None if it is not one."""
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    return tag if re.fullmatch(r"[a-zA-Z]{2,8}(?:-[a-zA-Z0-9]{1,8})*", tag) else None


def clean(value: str | None, limit: int = 500) -> str | None:
    """A metadata value as one line of at most `limit` characters, or None if empty."""
    if value is None:
        return None
    one = " ".join(_NOT_XML.sub(" ", str(value)).split())
    return one[:limit] or None


_LIBRARIES = (
    "trafilatura",
    "htmldate",
    "courlan",
    "justext",
    "pypdf",
    "feedparser",
    "charset_normalizer",
)


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Keep the extractors' log records and warnings off stderr while files are read: what
    is wrong with a file is said once, in kg's own line."""
    loggers = [logging.getLogger(name) for name in _LIBRARIES]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
