"""A saved web page: the article's main text and metadata, by trafilatura (no network)."""

from __future__ import annotations

import re
from typing import Any

from kg.errors import InputError
from kg.ingest.article import Article, Found, clean, iso_date, language_tag, paragraphs
from kg.ingest.formats import MAX_DEPTH, MAX_ELEMENTS, PAGE

# The mark a browser leaves in a saved page: <!-- saved from url=(0042)https://... -->
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(https?://[^\s>]{1,2000}?)\s*-->")


def load_tree(data: bytes | str, where: str) -> Any:
    """Parse HTML (its encoding guessed as trafilatura does), refusing a tree nested too deep."""
    from trafilatura import load_html

    tree = load_html(data)
    if tree is None:
        raise InputError(f"{where}: not a web page that can be parsed")
    check_depth(tree, where)
    return tree


def check_depth(tree: Any, where: str) -> None:
    """Raise InputError if elements nest deeper than MAX_DEPTH (the parser would cut it), or
    if there are more than MAX_ELEMENTS of them (extraction slows down faster than they grow)."""
    todo = [(tree, 1)]
    count = 0
    while todo:
        element, depth = todo.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise InputError(
                f"{where}: HTML nested deeper than {MAX_DEPTH} elements: refused (a page's "
                "article is never that deep; the parser would cut it)"
            )
        if count > MAX_ELEMENTS:
            raise InputError(
                f"{where}: more than {MAX_ELEMENTS:,} HTML elements: refused (a news page has "
                "a few thousand)"
            )
        todo.extend((child, depth + 1) for child in element)


def read_page(data: bytes, where: str, slug_hint: str) -> Article:
    """Return the article of a saved page: its main text (no navigation, ads, banners or
    related links) and its title, author, publisher, date, address and language."""
    from trafilatura import bare_extraction

    tree = load_tree(data, where)
    language = language_tag(tree.get("lang") or tree.get("xml:lang"))
    doc = bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise InputError(f"{where}: no article text found in the page")
    saved = _SAVED_FROM.search(data[:4096])
    url = clean(getattr(doc, "url", None)) or (
        saved.group(1).decode("ascii", "replace") if saved else None
    )
    title = clean(getattr(doc, "title", None))
    publisher = clean(getattr(doc, "sitename", None))
    host = (getattr(doc, "hostname", None) or "").lower().removeprefix("www.")
    if publisher and publisher.lower().removeprefix("www.") == host:
        publisher = None  # trafilatura's fallback, the address's host: not a publisher's name
    lines = body.split("\n")
    if title and " ".join(lines[0].split()) != title:
        lines.insert(0, title)
    found = Found(
        title=title,
        author=clean(getattr(doc, "author", None)),
        publisher=publisher,
        published=iso_date(getattr(doc, "date", None)),
        url=url if url and re.match(r"https?://", url) else None,
        language=language,
    )
    return Article(where, PAGE, paragraphs(lines), found, data, slug_hint)


def fragment_text(html: str, where: str) -> list[str]:
    """Return the paragraphs of an HTML fragment (a feed item's content)."""
    import lxml.html

    if "<" not in html:
        return [p for p in re.split(r"\n\s*\n", html) if p.strip()]
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises ParserError and a few others on junk
        raise InputError(f"{where}: its HTML content cannot be parsed") from None
    check_depth(root, where)
    for bad in root.iter("script", "style", "noscript"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n\n" + (br.tail or "")
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr"}
    for element in root.iter(*blocks):
        element.tail = "\n\n" + (element.tail or "")
        if element.text:
            element.text = "\n\n" + element.text
    text = root.text_content()
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]
