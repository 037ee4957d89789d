"""An RSS or Atom feed: each item an article (or the page it links to, saved beside the feed).

A feed that declares XML entities is refused before any parser sees it (no entity expansion,
no "billion laughs"); so is one of more than MAX_ITEMS items, counted on the bytes first.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.errors import InputError
from kg.ingest.article import Article, Found, clean, iso_date, language_tag, paragraphs
from kg.ingest.formats import FEED, MAX_ITEMS, refuse_entities

_ITEM = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]", re.IGNORECASE)
_ITEM_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)


@dataclass
class Item:
    """One item of a feed: its article from the feed's own words, and the page it links to."""

    article: Article
    link: str | None


def check_feed_bytes(data: bytes, where: str) -> None:
    """Refuse entity declarations (and internal DTD subsets) and feeds with too many items."""
    refuse_entities(data, where)
    for count, _ in enumerate(_ITEM.finditer(data), start=1):
        if count > MAX_ITEMS:
            raise InputError(f"{where}: more than {MAX_ITEMS} items in one feed: refused")


def item_spans(data: bytes) -> list[tuple[int, int]] | None:
    """Where each item's element starts and ends in the feed's bytes, in order (one pass over
    the start tags, one over the end tags), or None if they do not pair up."""
    starts = [m.start() for m in _ITEM.finditer(data)]
    ends = [m.end() for m in _ITEM_END.finditer(data)]
    if len(starts) != len(ends):
        return None
    limits = [*starts[1:], len(data)]
    for start, end, limit in zip(starts, ends, limits, strict=True):
        if not start < end <= limit:
            return None
    return list(zip(starts, ends, strict=True))


def read_feed(data: bytes, where: str, slug_hint: str) -> list[Item]:
    """Return the feed's items, each an article with the feed's title as its publisher."""
    import feedparser

    check_feed_bytes(data, where)
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    if parsed.get("bozo") and not parsed.entries:
        why = parsed.get("bozo_exception")
        raise InputError(f"{where}: not a feed that can be read: {str(why).splitlines()[0]}")
    meta = parsed.feed
    publisher = clean(meta.get("title"))
    language = language_tag(meta.get("language"))
    spans = item_spans(data)
    if spans is not None and len(spans) != len(parsed.entries):
        spans = None
    container = (Path(urlsplit(where).path).name or where, hashlib.sha256(data).hexdigest())
    items: list[Item] = []
    for number, entry in enumerate(parsed.entries, start=1):
        here = f"{where}#{number}"
        title = clean(entry.get("title"))
        content = entry.get("content") or []
        html = max((c.get("value", "") for c in content), key=len, default="")
        html = html or entry.get("summary", "") or entry.get("description", "")
        from kg.ingest.page import fragment_text

        lines = fragment_text(html, here)
        if title and (not lines or " ".join(lines[0].split()) != title):
            lines.insert(0, title)
        if not lines:
            continue  # an item with neither title nor text is not an article
        link = entry.get("link")
        link = link if isinstance(link, str) and re.match(r"https?://", link) else None
        found = Found(
            title=title,
            author=_author(entry.get("author")),
            publisher=publisher,
            published=_date(entry.get("published_parsed") or entry.get("updated_parsed"))
            or iso_date(entry.get("published")),
            url=link,
            language=language_tag(entry.get("language")) or language,
            identifier=clean(entry.get("id"), 2000),
        )
        # a slug is made of ASCII words: a title without any names the item by its number
        hint = title if title and re.search(r"[A-Za-z0-9]", title) else f"{slug_hint}-item-{number}"
        # the item's own element is its original; the feed it came in is named with its digest
        original = data[slice(*spans[number - 1])] if spans is not None else data
        article = Article(here, FEED, paragraphs(lines), found, original, hint)
        article.container = container
        items.append(Item(article, link))
    if not items:
        raise InputError(f"{where}: the feed has no item with a title or text")
    return items


def _author(value: Any) -> str | None:
    """An item's author: RSS writes `email (Name)`, of which the name is kept."""
    if not isinstance(value, str):
        return None
    named = re.fullmatch(r"\s*\S+@\S+\s+\((.+)\)\s*", value)
    return clean(named.group(1) if named else value)


def _date(value: Any) -> str | None:
    if isinstance(value, time.struct_time):
        return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None
