"""A PDF: its text in paragraphs (line breaks and hyphenation undone) and metadata, by pypdf.

An encrypted PDF, or one that carries JavaScript (document, page, annotation or form actions),
is refused: the analyst saves a plain copy.
"""

from __future__ import annotations

import io
import itertools
import re
import time
from typing import Any

from kg.errors import InputError
from kg.ingest.article import Article, Found, clean, iso_date, language_tag, paragraphs
from kg.ingest.formats import MAX_PAGES, PDF

MAX_CONTENT = 16 * 2**20  # bytes of page contents, decompressed
MAX_RATIO = 100  # decompressed page contents / the file's size
MAX_TEXT = 2_000_000  # characters of text (a long report has a few hundred thousand)
MAX_SECONDS = 60.0

# A PDF name token; `#xx` escapes spell any byte (`/J#61vaScript` is `/JavaScript`).
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]{1,127}")
_SCRIPT_NAMES = {b"/JavaScript", b"/JS"}
_FILE_NAME_TITLE = re.compile(
    r"^(?:Microsoft (?:Word|PowerPoint) - |untitled\b)|\.(?:docx?|odt|rtf|pdf|html?|txt)$", re.I
)


def _unescape(name: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)


def raw_javascript(data: bytes) -> bool:
    """Whether the file's bytes name JavaScript (outside compressed streams)."""
    for match in _NAME.finditer(data):
        name = match.group()
        if (name[:2] == b"/J" or b"#" in name) and _unescape(name) in _SCRIPT_NAMES:
            return True
    return False


def _has_script(action: Any, depth: int = 0) -> bool:
    """Whether an action (or an additional-actions dictionary, or a chain of /Next) runs JS."""
    if depth > 20:
        return True  # a chain that deep is not an honest document's
    try:
        action = action.get_object() if action is not None else None
    except Exception:
        return False
    if not isinstance(action, dict):
        return False
    if "/JS" in action or action.get("/S") == "/JavaScript":
        return True
    nexts = action.get("/Next")
    if nexts is not None:
        nexts = nexts.get_object()
        for item in nexts if isinstance(nexts, list) else [nexts]:
            if _has_script(item, depth + 1):
                return True
    return any(
        _has_script(value, depth + 1)
        for key, value in action.items()
        if key not in ("/Parent", "/P", "/Next", "/Dest", "/D") and len(key) <= 3
    )


def object_javascript(reader: Any) -> bool:
    """Whether the document's catalog, pages, annotations or form fields run JavaScript."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    if _has_script(root.get("/OpenAction")) or _has_script(root.get("/AA")):
        return True
    for page in reader.pages:
        if _has_script(page.get("/AA")):
            return True
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if _has_script(annotation.get("/A")) or _has_script(annotation.get("/AA")):
                return True
    form = root.get("/AcroForm")
    if form is not None:
        for field in form.get_object().get("/Fields") or []:
            if _has_script(field.get_object().get("/AA")):
                return True
    return False


def read_pdf(data: bytes, where: str, slug_hint: str) -> Article:
    """Return the article of a PDF, refusing one that is encrypted or runs JavaScript."""
    from pypdf import PdfReader

    if raw_javascript(data):
        raise InputError(f"{where}: the PDF carries JavaScript: refused (save a plain copy)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InputError(f"{where}: the PDF is encrypted: refused (save a plain copy)")
        if len(reader.pages) > MAX_PAGES:
            raise InputError(f"{where}: more than {MAX_PAGES} pages: refused")
        if object_javascript(reader):
            raise InputError(f"{where}: the PDF carries JavaScript: refused (save a plain copy)")
        check_contents(reader, len(data), where)
        lines = _paragraphs(reader, where)
        info: Any = reader.metadata or {}
        root: Any = reader.trailer["/Root"].get_object()
        lang = root.get("/Lang")
    except InputError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, LimitReachedError and others
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{where}: not a PDF that can be read: {why}") from None
    if not any(line.strip() for line in lines):
        raise InputError(f"{where}: no text in the PDF (a scan needs OCR first)")
    title = clean(info.get("/Title"))
    if title and _FILE_NAME_TITLE.search(title):
        title = None  # a file name a word processor wrote, not the article's title
    if title and " ".join(lines[0].split()) != title:
        lines.insert(0, title)
    found = Found(
        title=title,
        author=clean(info.get("/Author")),
        created=_pdf_date(info.get("/CreationDate")),
        language=language_tag(str(lang) if lang is not None else None),
    )
    return Article(where, PDF, paragraphs(lines), found, data, slug_hint)


def _ends_paragraph(line: str, full: int) -> bool:
    """Whether the last line of a page ends its paragraph: a sentence's end, short of the
    page's usual line (its median length), as a paragraph's last line is."""
    words = line.strip()
    return bool(words) and words[-1] in '.!?:"”’)' and len(words) < 0.85 * full


def _hyphenated(line: str) -> bool:
    """Whether a line ends in a word cut by a hyphen (`co-`)."""
    return len(line) >= 2 and line[-1] == "-" and line[-2].isalpha()


def _pdf_date(value: Any) -> str | None:
    """A PDF date (`D:YYYYMMDDHHmmSS...`) as an ISO date."""
    found = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if not found:
        return None
    return iso_date("-".join(p for p in found.groups() if p))


def check_contents(reader: Any, size: int, where: str) -> None:
    """Refuse page contents that decompress past MAX_CONTENT bytes, or to more than
    MAX_RATIO times the file's size (a decompression bomb), before any text is read."""
    total = 0
    for page in reader.pages:
        contents = page.get_contents()
        total += len(contents.get_data()) if contents is not None else 0
        if total > MAX_CONTENT:
            raise InputError(
                f"{where}: the PDF's pages decompress to more than {MAX_CONTENT // 2**20} MiB: "
                "refused"
            )
    if total > 2**20 and total > MAX_RATIO * size:
        raise InputError(
            f"{where}: the PDF's pages decompress to {total // size} times the file's size "
            "(a decompression bomb): refused"
        )


class _TooLong(Exception):
    """Raised from inside pypdf's text extraction to stop it."""


def _paragraphs(reader: Any, where: str) -> list[str]:
    """The text of every page as paragraphs: lines are grouped by their height on the page; a
    gap wider than the usual spacing of lines (or than 2.2 times the font size), or a change of
    font size, starts a paragraph; a word hyphenated at the end of a line is joined again."""
    lines: list[tuple[int, float, float, str]] = []  # page, y, font size, text
    budget = {"chars": MAX_TEXT, "until": time.monotonic() + MAX_SECONDS}

    for number, page in enumerate(reader.pages):
        chunks: list[tuple[float, float, str]] = []

        def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
            budget["chars"] -= len(text)
            if budget["chars"] < 0 or time.monotonic() > budget["until"]:
                raise _TooLong
            if text.strip():
                scale = abs(cm[3]) or 1.0
                chunks.append((tm[5] * cm[3] + cm[5], (size or 0) * scale, text))  # noqa: B023

        try:
            plain = page.extract_text(visitor_text=visit)
        except _TooLong:
            raise InputError(
                f"{where}: more than {MAX_TEXT:,} characters of text, or more than "
                f"{MAX_SECONDS:g} s to read them: refused"
            ) from None
        if not chunks and plain.strip():  # no positions: one line each
            lines += [(number, 0.0, 0.0, t) for t in plain.split("\n")]
            continue
        same: list[str] = []  # the chunks of the line being read, joined when it ends
        for y, size, text in chunks:
            parts = text.split("\n")
            if same and lines[-1][0] == number and abs(lines[-1][1] - y) < 1.0:
                same.append(parts.pop(0))
                lines[-1] = (number, lines[-1][1], max(lines[-1][2], size), "")
            for part in parts:
                if same:
                    lines[-1] = (*lines[-1][:3], "".join(same))
                lines.append((number, y, size, ""))
                same = [part]
        if same:
            lines[-1] = (*lines[-1][:3], "".join(same))
    gaps = [a[1] - b[1] for a, b in itertools.pairwise(lines) if a[0] == b[0] and a[1] > b[1]]
    usual = sorted(gaps)[len(gaps) // 4] if gaps else 0.0  # the spacing of lines within one
    by_page: dict[int, list[int]] = {}
    for line in lines:
        by_page.setdefault(line[0], []).append(len(line[3].strip()))
    width = {page: sorted(sizes)[len(sizes) // 2] for page, sizes in by_page.items()}
    out: list[str] = []
    current: list[str] = []  # the paragraph's lines so far (joined once: no quadratic path)
    previous: tuple[int, float, float, str] | None = None
    for line in lines:
        words = " ".join(line[3].split())
        if not words:
            continue
        gap = previous[1] - line[1] if previous is not None and line[0] == previous[0] else 0.0
        new = previous is None or (
            (usual > 0 and gap > usual * 1.3)
            or gap > 2.2 * line[2] > 0  # wider than any line spacing: paragraphs of one line
            or abs(line[2] - previous[2]) > 1.0
            or (line[0] != previous[0] and _ends_paragraph(previous[3], width[previous[0]]))
        )
        if new and current:
            out.append("".join(current))
            current = []
        if not current:
            current.append(words)
        elif _hyphenated(current[-1]) and words[:1].islower():
            current[-1] = current[-1][:-1]  # hyphenated at the line's end: joined again
            current.append(words)
        else:
            current.append(" " + words)
        previous = line
    if current:
        out.append("".join(current))
    return out
