"""`kg new` on what analysts save: a news page, a PDF, RSS and Atom feeds, a folder of them.

Every fixture is FICTIONAL (tests/ingest_fixtures.py): made-up states, people and outlets.
"""

from __future__ import annotations

import hashlib
import os
import pty
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from typer.testing import CliRunner

from kg.authoring import slug_of
from kg.cli import app
from kg.namespaces import KG, SRC
from kg.sources import discover, parse_turtle

from .ingest_fixtures import (
    ARTICLE,
    PAGE,
    TITLE,
    make_atom,
    make_pdf,
    make_rss,
    mixed_folder,
    page_html,
    paragraphs,
    story,
)

runner = CliRunner()
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _new(sources: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["new", *args, "--sources", str(sources)])
    return result.exit_code, result.output


def _value(facts: object, slug: str, prop: str) -> object:
    return facts.value(SRC[slug], URIRef(prop))  # type: ignore[attr-defined]


def _no_hyphenation(text: str) -> str:
    return " ".join(re.sub(r"(\w)-\s+(\w)", r"\1\2", text).split())


BOILERPLATE = [
    "cookie",
    "Accept all",
    "Home",
    "Subscribe",
    "ADVERTISEMENT",
    "Win a cruise",
    "Sponsored",
    "Related articles",
    "Reef patrols double",
    "Fishing season opens",
    "All rights reserved",
    "Privacy",
    "Dana Okafor",  # the byline is metadata (dct:creator), not the article's words
]


def test_a_saved_news_page_gives_the_article_text_and_its_metadata(sources_copy: Path) -> None:
    code, output = _new(sources_copy, str(PAGE))
    assert code == 0, output
    folder = sources_copy / "news-page"
    text = (folder / "text.txt").read_text(encoding="utf-8")
    assert text == ARTICLE.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert not any(b.lower() in line.lower() for b in BOILERPLATE), line
    assert (folder / "original.html").read_bytes() == PAGE.read_bytes()
    facts = parse_turtle(folder / "facts.ttl")
    slug = "news-page"
    assert _value(facts, slug, DCT + "title") == Literal(TITLE, lang="en-GB")
    assert _value(facts, slug, DCT + "language") == Literal("en-GB")
    assert _value(facts, slug, DCT + "creator") == Literal("Dana Okafor")
    assert _value(facts, slug, DCT + "publisher") == Literal("The Saltmere Courier")
    assert _value(facts, slug, DCT + "issued") == Literal(
        "2026-03-10", datatype=URIRef(XSD + "date")
    )
    assert _value(facts, slug, SCHEMA + "url") == URIRef(
        "https://courier.example/world/2026/03/coastguards-hotline"
    )
    # both digests: text.txt as extracted, and the original kept beside it
    text_digest = hashlib.sha256((folder / "text.txt").read_bytes()).hexdigest()
    assert _value(facts, slug, SCHEMA + "sha256") == Literal(text_digest)
    original = _value(facts, slug, "http://www.w3.org/ns/prov#wasDerivedFrom")
    assert original == URIRef(f"{SRC[slug]}#original")
    assert facts.value(original, URIRef(SCHEMA + "sha256")) == Literal(
        hashlib.sha256(PAGE.read_bytes()).hexdigest()
    )
    assert facts.value(original, URIRef(SCHEMA + "name")) == Literal("original.html")
    assert facts.value(original, URIRef(SCHEMA + "encodingFormat")) == Literal("text/html")
    result = runner.invoke(app, ["check", slug, "--sources", str(sources_copy)])
    assert result.exit_code == 0, result.output


def test_the_same_article_as_a_pdf_gives_the_same_text_up_to_hyphenation(
    tmp_path: Path, sources_copy: Path
) -> None:
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(make_pdf(paragraphs()))
    code, output = _new(sources_copy, str(pdf))
    assert code == 0, output
    folder = sources_copy / "printed"
    text = (folder / "text.txt").read_text(encoding="utf-8")
    assert _no_hyphenation(text) == _no_hyphenation(ARTICLE.read_text(encoding="utf-8"))
    assert text.split("\n\n")[0] == TITLE  # paragraphs kept apart, the title first
    assert len(text.split("\n\n")) == len(paragraphs())
    assert (folder / "original.pdf").read_bytes() == pdf.read_bytes()
    facts = parse_turtle(folder / "facts.ttl")
    assert _value(facts, "printed", DCT + "title") == Literal(TITLE, lang="en-GB")
    assert _value(facts, "printed", DCT + "creator") == Literal("Dana Okafor")
    assert _value(facts, "printed", DCT + "issued") is None  # a PDF's date is not its article's
    original = URIRef(f"{SRC['printed']}#original")
    assert facts.value(original, URIRef(DCT + "created")) == Literal(
        "2026-03-11", datatype=URIRef(XSD + "date")
    )
    assert facts.value(original, URIRef(SCHEMA + "encodingFormat")) == Literal("application/pdf")


def test_a_hyphenated_line_end_in_a_pdf_is_joined(tmp_path: Path, sources_copy: Path) -> None:
    words = "coordination " * 14  # long words, so that some line of the PDF breaks inside one
    paras = ["FICTIONAL hyphenation test", "The coastguards agreed on " + words.strip() + "."]
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, paras[0])
    pdf.ln(4)
    pdf.multi_cell(0, 6, "The coastguards agreed on co-\nordination of their patrols.")
    path = tmp_path / "hyphen.pdf"
    path.write_bytes(bytes(pdf.output()))
    code, output = _new(sources_copy, str(path))
    assert code == 0, output
    text = (sources_copy / "hyphen" / "text.txt").read_text(encoding="utf-8")
    assert "coordination of their patrols." in text
    assert "co- ordination" not in text


@pytest.mark.parametrize(
    ("name", "make", "publisher", "author", "first", "link"),
    [
        ("ledger.rss", make_rss, "The Ysmere Ledger", "Ilse Brandt", 1000, "https://ledger.example/news/story-"),
        ("notes.atom", make_atom, "Orsk Harbour Notes", "Tomas Quispe", 2000, "https://orsk.example/notes/"),
    ],
)  # fmt: skip
def test_a_feed_of_20_items_gives_20_sources_with_their_metadata(
    tmp_path: Path,
    sources_copy: Path,
    name: str,
    make: object,
    publisher: str,
    author: str,
    first: int,
    link: str,
) -> None:
    feed = tmp_path / name
    feed.write_text(make(20), encoding="utf-8")  # type: ignore[operator]
    before = set(discover(sources_copy))
    code, output = _new(sources_copy, str(feed))
    assert code == 0, output
    added = sorted(set(discover(sources_copy)) - before)
    assert len(added) == 20
    by_title = {}
    for folder in added:
        facts = parse_turtle(folder / "facts.ttl")
        slug = folder.name
        assert (SRC[slug], RDF.type, KG.Source) in facts
        assert _value(facts, slug, DCT + "publisher") == Literal(publisher)
        assert _value(facts, slug, DCT + "creator") == Literal(author)
        assert _value(facts, slug, DCT + "issued").datatype == URIRef(XSD + "date")
        by_title[str(_value(facts, slug, DCT + "title"))] = (folder, facts)
        # the item's own element is kept, and the feed it came in is named with its digest
        element = (folder / "original.xml").read_bytes()
        assert element in feed.read_bytes() and element.startswith((b"<item>", b"<entry>"))
        assert str(_value(facts, slug, DCT + "title")).encode() in element
        original = URIRef(f"{SRC[slug]}#original")
        container = facts.value(original, URIRef(SCHEMA + "isPartOf"))
        assert facts.value(container, URIRef(SCHEMA + "name")) == Literal(name)
        assert facts.value(container, URIRef(SCHEMA + "sha256")) == Literal(
            hashlib.sha256(feed.read_bytes()).hexdigest()
        )
    paras = story(first + 3)
    folder, facts = by_title[paras[0]]
    assert (folder / "text.txt").read_text(encoding="utf-8") == "\n\n".join(paras) + "\n"
    assert _value(facts, folder.name, SCHEMA + "url") == URIRef(f"{link}{first + 3}")


@pytest.mark.parametrize(
    ("page_url", "given"),
    [
        ("https://ledger.example/news/story-1000", "folder"),  # found by its address
        ("https://mirror.example/elsewhere", "folder"),  # by its name, among the inputs
        ("https://mirror.example/elsewhere", "feed"),  # by its name, beside the feed given
    ],
)
def test_a_feed_item_is_read_from_its_page_saved_beside_the_feed(
    tmp_path: Path, sources_copy: Path, page_url: str, given: str
) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "ledger.rss").write_text(make_rss(2), encoding="utf-8")
    longer = [*story(1000), "A last paragraph that only the full page carries, in this fiction."]
    page = page_html(longer, url=page_url, site="")
    (saved / "story-1000.html").write_text(page, encoding="utf-8")
    code, output = _new(sources_copy, str(saved if given == "folder" else saved / "ledger.rss"))
    assert code == 0, output
    texts = {f.name: (f / "text.txt").read_text(encoding="utf-8") for f in discover(sources_copy)}
    full = [t for t in texts.values() if "only the full page carries" in t]
    assert len(full) == 1  # the page is read once, for its item
    assert len(texts) == 1 + 2  # the packaged source, and the feed's two items
    folder = next(f for f in discover(sources_copy) if "only the full page" in texts[f.name])
    facts = parse_turtle(folder / "facts.ttl")
    assert _value(facts, folder.name, DCT + "publisher") == Literal("The Ysmere Ledger")
    assert _value(facts, folder.name, DCT + "issued") == Literal(
        "2026-03-10", datatype=URIRef(XSD + "date")
    )  # the page's own date wins over the item's
    assert (folder / "original.html").read_text(encoding="utf-8") == page


def test_reading_saved_files_opens_no_connection(
    tmp_path: Path, sources_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    (tmp_path / "feed.rss").write_text(make_rss(3), encoding="utf-8")
    (tmp_path / "page.html").write_text(
        page_html(story(9)).replace("<article>", '<article><img src="http://img.example/a.png">'),
        encoding="utf-8",
    )
    (tmp_path / "print.pdf").write_bytes(make_pdf(story(10)))
    code, output = _new(sources_copy, str(tmp_path / "feed.rss"), str(tmp_path / "page.html"),
                        str(tmp_path / "print.pdf"))  # fmt: skip
    assert code == 0, output
    assert len(discover(sources_copy)) == 1 + 5


def _kg() -> str:
    return str(Path(sys.executable).with_name("kg"))


def test_a_folder_of_50_mixed_files_is_registered_in_one_command_with_a_progress_bar(
    tmp_path: Path, sources_copy: Path
) -> None:
    folder = mixed_folder(tmp_path / "saved", 50)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [_kg(), "new", str(folder), "--sources", str(sources_copy)],
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the command has finished
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert proc.wait() == 0, shown[-2000:]
    assert "reading" in shown and "registering" in shown  # the bars' labels
    added = [f for f in discover(sources_copy) if f.name != "us-china-military-channels"]
    assert len(added) == 50
    kinds = sorted({p.name for f in added for p in f.iterdir() if p.name.startswith("original")})
    assert kinds == ["original.html", "original.pdf"]
    result = runner.invoke(app, ["validate", "--sources", str(sources_copy)])
    assert result.exit_code == 0, result.output
    assert "conforms: 51 source(s)" in result.output


def test_what_a_page_does_not_state_is_not_invented(tmp_path: Path, sources_copy: Path) -> None:
    paras = story(4)
    body = "".join(f"<p>{p}</p>" for p in paras[1:])
    page = tmp_path / "bare.html"
    page.write_text(
        f"<html><head><title>{paras[0]}</title>"
        '<link rel="canonical" href="javascript:alert(1)"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{paras[0]}</h1>{body}</article>"
        "</body></html>",
        encoding="utf-8",
    )
    code, output = _new(sources_copy, str(page))
    assert code == 0, output
    facts = parse_turtle(sources_copy / "bare" / "facts.ttl")
    for prop in ("issued", "creator", "publisher", "language"):
        assert _value(facts, "bare", DCT + prop) is None, prop
    assert _value(facts, "bare", SCHEMA + "url") is None
    assert _value(facts, "bare", DCT + "title") == Literal(paras[0])
    assert (sources_copy / "bare" / "text.txt").read_text("utf-8") == "\n\n".join(paras) + "\n"


def test_boilerplate_inside_the_article_element_is_left_out(
    tmp_path: Path, sources_copy: Path
) -> None:
    paras = paragraphs()
    first = "".join(f"<p>{p}</p>" for p in paras[1:4])
    rest = "".join(f"<p>{p}</p>" for p in paras[4:])
    page = tmp_path / "inside.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>{paras[0]}</title></head><body>'
        f"<main><article><h1>{paras[0]}</h1>"
        '<div class="share-buttons"><a href="#">Share on Twitter</a> <a href="#">Email</a></div>'
        f"{first}"
        '<div class="newsletter-signup"><p>Sign up for our daily briefing newsletter.</p>'
        '<form><input type="email"><button>Subscribe</button></form></div>'
        f"{rest}"
        '<div class="tags">Topics: <a href="/t/reef">Reef</a></div>'
        '<section class="comments"><h3>Comments (2)</h3><p>Great article, thanks!</p></section>'
        "</article><aside><h2>Most read</h2><ol><li><a href='/1'>Invented bakery opens</a></li>"
        "</ol></aside></main></body></html>",
        encoding="utf-8",
    )
    code, output = _new(sources_copy, str(page))
    assert code == 0, output
    text = (sources_copy / "inside" / "text.txt").read_text(encoding="utf-8")
    assert text == ARTICLE.read_text(encoding="utf-8")


def test_the_kind_is_told_from_the_bytes_not_the_name(tmp_path: Path, sources_copy: Path) -> None:
    misnamed = tmp_path / "misnamed.txt"
    misnamed.write_bytes(make_pdf(story(21)))
    feed = tmp_path / "feed.html"
    feed.write_text(make_rss(1, first_seed=22), encoding="utf-8")
    fragment = tmp_path / "fragment.html"  # saved without <html>: its name says "page"
    fragment.write_text(
        "<div><h1>" + story(23)[0] + "</h1>" + "".join(f"<p>{p}</p>" for p in story(23)[1:])
        + "</div>", encoding="utf-8",
    )  # fmt: skip
    code, output = _new(sources_copy, str(misnamed), str(feed), str(fragment))
    assert code == 0, output
    assert (sources_copy / "misnamed" / "original.pdf").is_file()
    item = sources_copy / slug_of(story(22)[0])
    assert (item / "original.xml").read_bytes().startswith(b"<item>")
    assert (sources_copy / "fragment" / "original.html").is_file()
    text = (sources_copy / "fragment" / "text.txt").read_text(encoding="utf-8")
    assert text == "\n\n".join(story(23)) + "\n"


def test_a_feed_in_another_script_gets_slugs_from_its_name(
    tmp_path: Path, sources_copy: Path
) -> None:
    feed = tmp_path / "harbour-daily.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>虚构港口日报</title><language>zh-CN</language>"  # FICTIONAL "harbour daily"
        "<item><title>虚构的港口重新开放</title>"
        "<description>&lt;p&gt;这是为测试编造的故事。&lt;/p&gt;</description></item>"
        "<item><title>虚构的渔船回港</title>"
        "<description>&lt;p&gt;这也是编造的。&lt;/p&gt;</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    code, output = _new(sources_copy, str(feed))
    assert code == 0, output
    first = sources_copy / "harbour-daily-item-1"
    text = (first / "text.txt").read_text("utf-8")
    assert text == "虚构的港口重新开放\n\n这是为测试编造的故事。\n"
    facts = parse_turtle(first / "facts.ttl")
    slug = first.name
    assert _value(facts, slug, DCT + "title") == Literal("虚构的港口重新开放", lang="zh-CN")
    assert _value(facts, slug, DCT + "publisher") == Literal("虚构港口日报")
    assert (sources_copy / "harbour-daily-item-2").is_dir()


def test_a_pdf_of_short_paragraphs_keeps_them_apart_and_ignores_a_file_name_title(
    tmp_path: Path, sources_copy: Path
) -> None:
    from fpdf import FPDF

    paras = story(5)[:3]  # a title and a sentence of one line each, then a long paragraph
    pdf = FPDF()
    pdf.set_title("Microsoft Word - draft3.docx")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for p in paras:
        pdf.multi_cell(0, 6, p)
        pdf.ln(4)
    path = tmp_path / "short.pdf"
    path.write_bytes(bytes(pdf.output()))
    code, output = _new(sources_copy, str(path))
    assert code == 0, output
    assert (sources_copy / "short" / "text.txt").read_text("utf-8") == "\n\n".join(paras) + "\n"
    facts = parse_turtle(sources_copy / "short" / "facts.ttl")
    assert _value(facts, "short", DCT + "title") == Literal(paras[0])  # the first line


def test_a_pdf_of_three_pages_gives_its_whole_text(tmp_path: Path, sources_copy: Path) -> None:
    paras = story(1, sentences=90)
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf(paras))
    code, output = _new(sources_copy, str(path))
    assert code == 0, output
    text = (sources_copy / "long" / "text.txt").read_text(encoding="utf-8")
    assert _no_hyphenation(text) == _no_hyphenation("\n\n".join(paras))
    # a paragraph ending on a page's last line at almost full width runs into the next page's
    # first: the one place paragraphs are not told apart (the words are all there, in order)
    assert len(paras) - 1 <= len(text.split("\n\n")) <= len(paras)
