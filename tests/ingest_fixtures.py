"""Saved articles made for the tests (and the benchmark): all FICTIONAL, made-up states and people.

The news page and its article text are files (tests/fixtures/ingest/); the PDF, the feeds, the
syndicated copies and the mixed folders are made here, from a seed, the same every time.
"""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime
from pathlib import Path

INGEST = Path(__file__).resolve().parent / "fixtures" / "ingest"
PAGE = INGEST / "news-page.html"
ARTICLE = INGEST / "article.txt"
TITLE = "FICTIONAL: Coastguards of two invented states agree on a hotline"

_PLACES = "Veloria Astrana Saltmere Corallin Durnhold Ysmere Karvos Belmaine Orsk Tavenna"
_ROLES = "minister admiral envoy spokeswoman commander governor mayor ambassador"
_NAMES = "Marenko Okafor Lindqvist Tamura Haddad Novak Quispe Adeyemi Brandt Castell"
_VERBS = "proposed rejected welcomed criticised announced postponed signed questioned endorsed"
_THINGS = (
    "a fishing accord|a patrol schedule|a joint survey|a reef closure|a port fee|a ferry route|"
    "a weather station|a rescue drill|a cable project|a lighthouse repair|a customs rule"
)
_WHEN = "on Monday|on Tuesday|last week|this morning|in March|after talks|before dawn"
_WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]  # 1 Feb 2026 is a Sunday


def paragraphs() -> list[str]:
    """The fixture article's paragraphs, its title first."""
    return ARTICLE.read_text(encoding="utf-8").strip().split("\n\n")


def story(seed: int, sentences: int = 12) -> list[str]:
    """A made-up news story from a seed: its title, then paragraphs of three sentences."""
    rng = random.Random(seed)
    places, roles, names = _PLACES.split(), _ROLES.split(), _NAMES.split()
    verbs, things, when = _VERBS.split(), _THINGS.split("|"), _WHEN.split("|")

    def sentence() -> str:
        return (
            f"The {rng.choice(roles)} {rng.choice(names)} of {rng.choice(places)} "
            f"{rng.choice(verbs)} {rng.choice(things)} with {rng.choice(places)} "
            f"{rng.choice(when)}, item {rng.randrange(10**6)}."
        )

    title = f"FICTIONAL story {seed}: {rng.choice(places)} and {rng.choice(places)} talk"
    body = [" ".join(sentence() for _ in range(3)) for _ in range(sentences // 3)]
    return [title, "This story is invented for the scs-kg tests; nothing in it happened.", *body]


def page_html(paras: list[str], *, author: str = "Dana Okafor", site: str = "The Saltmere "
              "Courier", url: str = "https://courier.example/a", date: str = "2026-03-10",
              lang: str = "en") -> str:  # fmt: skip
    """A saved news page around an article: cookie banner, navigation, ads, related links."""
    title, body = paras[0], paras[1:]
    ps = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site)}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:title" content="{html.escape(title)}">
<link rel="canonical" href="{html.escape(url)}">
<meta property="article:published_time" content="{date}T09:00:00+00:00">
</head><body>
<div class="cookie-banner"><p>We use cookies. Accept all cookies to continue.</p></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<aside class="ad"><p>ADVERTISEMENT: sea-sickness tablets, half price.</p></aside>
<article><h1>{html.escape(title)}</h1>
{ps}
</article>
<aside class="related"><h2>Related articles</h2><ul>
<li><a href="/x">Another invented headline about reefs</a></li></ul></aside>
<footer><p>© 2026 {html.escape(site)}. All rights reserved.</p></footer>
</body></html>
"""


def make_pdf(paras: list[str], *, author: str = "Dana Okafor", lang: str = "en-GB") -> bytes:
    """The article as a PDF of the kind a browser's "print to PDF" gives: one paragraph after
    another, lines broken by width, with a title, an author and a language."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(paras[0])
    pdf.set_author(author)
    pdf.set_lang(lang)
    pdf.set_creation_date(datetime(2026, 3, 11, 7, 0, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.multi_cell(0, 8, paras[0])
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for p in paras[1:]:
        pdf.multi_cell(0, 6, p)
        pdf.ln(4)
    return bytes(pdf.output())


def _item_html(paras: list[str]) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras[1:])


def make_rss(count: int, *, first_seed: int = 1000, title: str = "The Ysmere Ledger") -> str:
    """An RSS 2.0 feed of `count` made-up stories, each item with its text in the feed."""
    items = []
    for n in range(count):
        paras = story(first_seed + n)
        day = 1 + n % 28
        items.append(
            f"""<item><title>{html.escape(paras[0])}</title>
<link>https://ledger.example/news/story-{first_seed + n}</link>
<guid isPermaLink="false">ledger-{first_seed + n}</guid>
<author>desk@ledger.example (Ilse Brandt)</author>
<pubDate>{_WEEKDAYS[(day - 1) % 7]}, {day:02d} Feb 2026 08:00:00 GMT</pubDate>
<description>{html.escape(_item_html(paras))}</description></item>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{html.escape(title)}</title>
<link>https://ledger.example/</link><description>Invented news</description>
<language>en-us</language>
{"".join(items)}
</channel></rss>
"""


def make_atom(count: int, *, first_seed: int = 2000, title: str = "Orsk Harbour Notes") -> str:
    """An Atom 1.0 feed of `count` made-up stories."""
    entries = []
    for n in range(count):
        paras = story(first_seed + n)
        entries.append(
            f"""<entry><title>{html.escape(paras[0])}</title>
<link href="https://orsk.example/notes/{first_seed + n}"/>
<id>urn:orsk:{first_seed + n}</id>
<author><name>Tomas Quispe</name></author>
<published>2026-01-{1 + n % 28:02d}T10:00:00Z</published>
<updated>2026-01-{1 + n % 28:02d}T10:00:00Z</updated>
<content type="html">{html.escape(_item_html(paras))}</content></entry>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>{html.escape(title)}</title>
<id>urn:orsk:notes</id><updated>2026-01-31T00:00:00Z</updated>
{"".join(entries)}
</feed>
"""


def syndicated(seed: int = 77) -> list[tuple[str, list[str]]]:
    """One wire story as three outlets ran it: each its own headline, one with a paragraph cut."""
    paras = story(seed, sentences=18)
    body = paras[1:]
    heads = [
        "Velorian port deal signed, says wire",
        "Astrana and Veloria agree on port fees",
        "Port accord: what we know",
    ]
    return [(heads[0], [heads[0], *body]), (heads[1], [heads[1], *body]),
            (heads[2], [heads[2], *body[:-1]])]  # fmt: skip


def mixed_folder(folder: Path, count: int = 50, seed: int = 5000) -> Path:
    """A folder of `count` saved articles, pages, PDFs and texts in turn, every story its own."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        paras = story(seed + n)
        kind = n % 3
        if kind == 0:
            (folder / f"page-{n:03d}.html").write_text(
                page_html(paras, url=f"https://courier.example/{seed + n}"), encoding="utf-8"
            )
        elif kind == 1:
            (folder / f"print-{n:03d}.pdf").write_bytes(make_pdf(paras))
        else:
            (folder / f"note-{n:03d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return folder
