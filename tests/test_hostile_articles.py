"""Hostile saved articles: each refused by `kg new` in one line naming the file, exit 2, and
nothing written to the sources folder (alone or in a folder with good files)."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

from .ingest_fixtures import make_pdf, make_rss, page_html, paragraphs, story

runner = CliRunner()


def _snapshot(root: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    )


def _huge_page(path: Path) -> None:
    with path.open("wb") as f:
        f.write(b"<!DOCTYPE html><html><body><p>FICTIONAL</p>")
        f.truncate(100 * 2**20)  # 100 MB, sparse: nothing to read but its size


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("page.html", b"\0" * (64 * 2**20))  # 64 MiB of zeros in 64 KiB


def _gzip_page(path: Path) -> None:
    path.write_bytes(gzip.compress(page_html(story(3)).encode() + b" " * 2**24))


def _nested_html(path: Path) -> None:
    depth = 100_000
    path.write_text(
        "<!DOCTYPE html><html><body>" + "<div>" * depth + "<p>FICTIONAL deep text</p>"
        + "</div>" * depth + "</body></html>", encoding="utf-8",
    )  # fmt: skip


def _wide_html(path: Path) -> None:
    path.write_text(
        "<!DOCTYPE html><html><body>" + "<p>FICTIONAL</p>" * 40_000 + "</body></html>", "utf-8"
    )


def _pdf_with(action: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        from pypdf import PdfReader, PdfWriter
        from pypdf.actions import JavaScript

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(paragraphs()))))
        if action == "encrypt":
            writer.encrypt("fictional-secret", algorithm="RC4-128")
        else:
            writer.add_open_action(JavaScript("app.alert('FICTIONAL');"))
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
        if action == "escaped":  # the name spelled with a #xx escape
            data = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
        path.write_bytes(data)

    return make


def _pdf_of_contents(contents: bytes) -> bytes:
    """A one-page PDF written by hand whose page contents are `contents`, compressed."""
    import zlib

    packed = zlib.compress(contents, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objects) + 1, xref))
    return out.getvalue()


def _pdf_bomb(path: Path) -> None:
    line = b"BT /F1 12 Tf 72 700 Td (FICTIONAL words) Tj ET\n"
    path.write_bytes(_pdf_of_contents(line * (2 * 2**20 // len(line))))  # 2 MiB in 7 KB


def _broken_pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n")


def _many_items(path: Path) -> None:
    item = b"<item><title>FICTIONAL</title><description>x</description></item>"
    path.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                     + item * 100_000 + b"</channel></rss>")  # fmt: skip


def _billion_laughs(path: Path) -> None:
    entities = "\n".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{entities}\n]>\n'
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>FICTIONAL</title>'
        "<description>&lol9;</description></item></channel></rss>\n",
        encoding="utf-8",
    )


def _binary(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)


def _svg(path: Path) -> None:
    path.write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8")


def _latin1(path: Path) -> None:
    path.write_bytes("FICTIONAL caf\xe9 story\n".encode("latin-1"))


HOSTILE = [
    ("huge.html", _huge_page, "100.0 MiB, larger than the limit"),
    ("bomb.zip", _zip_bomb, "a zip archive: archives are not opened"),
    ("page.html.gz", _gzip_page, "a gzip-compressed file: archives are not opened"),
    ("deep.html", _nested_html, "HTML nested deeper than 200 elements"),
    ("wide.html", _wide_html, "more than 30,000 HTML elements"),
    ("script.pdf", _pdf_with("js"), "the PDF carries JavaScript"),
    ("escaped.pdf", _pdf_with("escaped"), "the PDF carries JavaScript"),
    ("locked.pdf", _pdf_with("encrypt"), "the PDF is encrypted"),
    ("bomb.pdf", _pdf_bomb, "times the file's size (a decompression bomb)"),
    ("broken.pdf", _broken_pdf, "not a PDF that can be read"),
    ("huge.rss", _many_items, "more than 1000 items in one feed"),
    ("laughs.rss", _billion_laughs, "the file declares XML entities"),
    ("picture.png", _binary, "not a web page, PDF, RSS/Atom feed or text"),
    ("drawing.svg", _svg, "XML but not an RSS or Atom feed"),
    ("latin1.txt", _latin1, "not UTF-8 at byte 13"),
]


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_in_one_line_and_nothing_is_written(
    tmp_path: Path, sources_copy: Path, name: str, make: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / name
    make(path)
    before = _snapshot(sources_copy)
    result = runner.invoke(app, ["new", str(path), "--sources", str(sources_copy)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {path}"), lines[0]
    assert message in lines[0], lines[0]
    assert _snapshot(sources_copy) == before


def test_one_hostile_file_in_a_folder_refuses_the_folder(
    tmp_path: Path, sources_copy: Path
) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a-good-page.html").write_text(page_html(story(1)), encoding="utf-8")
    (folder / "b-good-feed.rss").write_text(make_rss(3), encoding="utf-8")
    _billion_laughs(folder / "c-laughs.rss")
    (folder / "d-good-note.txt").write_text("\n\n".join(story(2)), encoding="utf-8")
    before = _snapshot(sources_copy)
    result = runner.invoke(app, ["new", str(folder), "--sources", str(sources_copy)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {folder / 'c-laughs.rss'}: the file declares XML entities (a DOCTYPE with an "
        "internal subset): refused, entities are never expanded"
    ]
    assert _snapshot(sources_copy) == before


def test_a_pdf_with_more_text_than_any_article_is_refused(
    tmp_path: Path, sources_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.ingest.pdf.MAX_TEXT", 500)  # the fixture article has about 1,000
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf(paragraphs()))
    before = _snapshot(sources_copy)
    result = runner.invoke(app, ["new", str(path), "--sources", str(sources_copy)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {path}: more than 500 characters of text, or more than 60 s to read them: refused"
    ]
    assert _snapshot(sources_copy) == before


def test_a_file_over_the_limit_is_refused_before_a_byte_is_read(
    tmp_path: Path, sources_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.html"
    _huge_page(path)
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            opened.append(str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    result = runner.invoke(app, ["new", str(path), "--sources", str(sources_copy)])
    assert result.exit_code == 2
    assert "100.0 MiB, larger than the limit of 64.0 MiB" in result.output
    assert opened == []


def test_javascript_is_found_in_the_document_structure_too(tmp_path: Path) -> None:
    """The byte scan misses names inside compressed object streams; the walk over the catalog,
    pages, annotations and form fields does not depend on how the file is stored."""
    from pypdf import PdfReader

    from kg.ingest.pdf import object_javascript

    _pdf_with("js")(tmp_path / "script.pdf")
    assert object_javascript(PdfReader(tmp_path / "script.pdf"))
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(make_pdf(paragraphs()))  # fpdf2 writes an /OpenAction: a view, not a script
    assert not object_javascript(PdfReader(clean))
