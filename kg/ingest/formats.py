"""What a saved file is, read within limits: a web page, a PDF, an RSS/Atom feed or plain text.

The kind is told from the bytes, not the name. A file is sized before it is read; a compressed
archive is refused unopened (nothing is ever decompressed, so a zip bomb cannot go off).
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import InputError

PAGE, PDF, FEED, TEXT = "page", "pdf", "feed", "text"

# Size limits, checked on the file's size before a byte is read (and on what a fetch receives).
MAX_BYTES = {PAGE: 16 * 2**20, FEED: 16 * 2**20, TEXT: 16 * 2**20, PDF: 64 * 2**20}
MAX_ANY = max(MAX_BYTES.values())
MAX_DEPTH = 200  # HTML elements nested deeper than this (libxml2 stops silently at 256)
MAX_ELEMENTS = 30_000  # HTML elements of one page (extraction time grows faster than their count)
MAX_ITEMS = 1000  # items of one feed
MAX_PAGES = 2000  # pages of one PDF

MEDIA_TYPES = {
    PAGE: ("text/html", "original.html"),
    PDF: ("application/pdf", "original.pdf"),
    FEED: ("application/xml", "original.xml"),
    TEXT: ("text/plain", "text.txt"),
}

_ARCHIVES = [
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
]
# What may stand before a document's first element: a BOM, white space, an XML declaration,
# comments, processing instructions and a DOCTYPE.
_PROLOG = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s+|<\?[^>]{0,2000}\?>|<!--.{0,4000}?-->|<!doctype[^>\[]{0,2000}>)*",
    re.IGNORECASE | re.DOTALL,
)
_DTD_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]{0,2000}\[|<!ENTITY", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:rss|feed|rdf)[\s>:]", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:html|head|body|meta|title)[\s>/]", re.IGNORECASE)
_PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_DOCTYPE = re.compile(rb"<!doctype\s+html", re.IGNORECASE)


def refuse_entities(data: bytes, where: str) -> None:
    """Refuse XML bytes that declare entities or hold an internal DTD subset (never expanded)."""
    if _DTD_SUBSET.search(data):
        raise InputError(
            f"{where}: the file declares XML entities (a DOCTYPE with an internal subset): "
            "refused, entities are never expanded"
        )


def size_of(path: Path) -> int:
    """Return a file's size in bytes, or raise InputError naming it."""
    try:
        if not path.is_file():
            raise InputError(f"{path}: file not found")
        return path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def read_input(path: Path) -> tuple[str, bytes]:
    """Return a file's kind and bytes: sized first, its kind told from its first bytes, then
    read only if its size is within the limit of its kind."""
    size = size_of(path)
    if size > MAX_ANY:
        raise InputError(
            f"{path}: {mebibytes(size)}, larger than the limit of {mebibytes(MAX_ANY)}"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            kind = sniff(head, str(path))
            check_size(size, kind, str(path))
            data = head + handle.read(MAX_BYTES[kind] + 1 - len(head))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    check_size(len(data), kind, str(path))  # it grew while it was read
    if kind == TEXT:
        check_utf8(data, str(path))
    return kind, data


def sniff(head: bytes, where: str) -> str:
    """Return the kind of a file from its first bytes, or raise InputError naming it."""
    if not head.strip():
        raise InputError(f"{where}: the file is empty")
    for magic, what in _ARCHIVES:
        if head.startswith(magic):
            raise InputError(f"{where}: {what}: archives are not opened; unpack it first")
    if head.lstrip()[:5] == b"%PDF-":
        return PDF
    refuse_entities(head, where)
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    if _FEED_ROOT.match(rest):
        return FEED
    if _HTML_DOCTYPE.search(head[:2048]) or _HTML_START.match(rest):
        return PAGE
    if where.lower().endswith(_PAGE_SUFFIXES) and rest.startswith(b"<"):
        return PAGE  # a page saved without <html>: its name says what the bytes suggest
    if head.lstrip().startswith((b"<?xml", b"\xef\xbb\xbf<?xml")):
        raise InputError(f"{where}: XML but not an RSS or Atom feed")
    if b"\x00" in head:
        raise InputError(f"{where}: not a web page, PDF, RSS/Atom feed or text (binary data)")
    check_utf8(head[:-4] if len(head) >= 8192 else head, where)  # a character may be cut
    return TEXT


def check_utf8(data: bytes, where: str) -> None:
    """Raise InputError if the bytes are not UTF-8 (a text file that is none of the formats)."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not a web page, PDF, RSS/Atom feed or UTF-8 text (not UTF-8 at byte "
            f"{exc.start})"
        ) from None


def check_size(size: int, kind: str, where: str) -> None:
    """Raise InputError if a file of `kind` is larger than its limit."""
    if size > MAX_BYTES[kind]:
        raise InputError(
            f"{where}: {mebibytes(size)}, larger than the limit of "
            f"{mebibytes(MAX_BYTES[kind])} for a {kind}"
        )


def mebibytes(size: int) -> str:
    """A size for people, in MiB with one decimal."""
    return f"{size / 2**20:.1f} MiB"
