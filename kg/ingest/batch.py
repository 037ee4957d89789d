"""`kg new` on several inputs: read them all, check duplicates, then write each source whole.

Reading comes first and refuses at the first bad input, naming it, before anything is written.
Each source folder is then written under a hidden name and renamed into place, its facts file
last: `kg build` never sees half a source.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import InputError
from kg.ingest.article import Article, clean, quiet_libraries
from kg.ingest.duplicates import Index, Overlap, shingles, stories
from kg.ingest.formats import (
    FEED,
    MEDIA_TYPES,
    PAGE,
    PDF,
    TEXT,
    check_size,
    check_utf8,
    read_input,
    sniff,
)
from kg.namespaces import KG, SRC

if TYPE_CHECKING:
    from kg.authoring import Metadata

SLUG_LENGTH = 60
_MARKER = "\n# --- Facts"


@dataclass
class Given:
    """What the analyst gave on the command line; None means "as the file says"."""

    slug: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    retrieved: str | None = None
    license: str | None = None
    language: str | None = None
    allow_duplicate: bool = False
    skip_duplicates: bool = False
    author: str | None = None


@dataclass
class Planned:
    """An article to register under a slug, with the stories it repeats (if allowed)."""

    slug: str
    article: Article
    overlaps: list[Overlap] = field(default_factory=list)


@dataclass
class Plan:
    """What `kg new` will write, what it leaves out, and the stories told more than once."""

    planned: list[Planned] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each: the input and why
    flagged: list[str] = field(default_factory=list)  # one line each: a near-duplicate
    stories: list[list[str]] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def expand(inputs: list[str]) -> list[str]:
    """Return the files and addresses to read: a folder gives its files (not hidden ones, not
    sub-folders such as a saved page's `NAME_files/`), sorted by name."""
    from kg.ingest.fetch import is_address

    out: list[str] = []
    for value in inputs:
        if is_address(value):
            out.append(value)
            continue
        if "://" in value:
            raise InputError(f"{value}: only http and https addresses are fetched")
        path = Path(value)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                raise InputError(f"{path}: no file in the folder")
            out += [str(p) for p in files]
        else:
            out.append(value)
    return out


def read_one(value: str) -> list[Article]:
    """Read one file or address into its articles (a feed gives one per item)."""
    from kg.ingest.fetch import fetch, is_address

    if is_address(value):
        got = fetch(value)
        kind = sniff(got.data[:8192], value)
        check_size(len(got.data), kind, value)
        if kind == TEXT:
            check_utf8(got.data, value)
        hint = Path(urlsplit(got.final_url).path).stem or urlsplit(got.final_url).hostname or ""
        articles = _extract(kind, got.data, value, hint)
        retrieved = datetime.now(UTC).replace(microsecond=0).isoformat()
        for article in articles:
            article.retrieved = retrieved
            article.fetched_url = got.final_url
        return articles
    path = Path(value)
    kind, data = read_input(path)
    return _extract(kind, data, str(path), path.stem)


def _extract(kind: str, data: bytes, where: str, hint: str) -> list[Article]:
    if kind == PAGE:
        from kg.ingest.page import read_page

        return [read_page(data, where, hint)]
    if kind == PDF:
        from kg.ingest.pdf import read_pdf

        return [read_pdf(data, where, hint)]
    if kind == FEED:
        from kg.ingest.feed import read_feed

        return [item.article for item in read_feed(data, where, hint)]
    from kg.sources import check_characters

    text = data.decode("utf-8-sig")
    if not text.strip():
        raise InputError(f"{where}: the text is empty")
    check_characters(text, Path(where))
    return [Article(where, TEXT, text, original=data, slug_hint=hint, text_bytes=data)]


def read_all(inputs: list[str], tick: Callable[[], None] = lambda: None) -> list[Article]:
    """Read every input; a feed's item whose linked page is among them (or saved beside the
    feed, named as the link's last segment) is read from that page, the feed's words filling
    in what the page does not say."""
    articles: list[Article] = []
    with quiet_libraries():
        for value in inputs:
            articles += read_one(value)
            tick()
        return _pages_for_items(articles)


def _key(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}" + (
        f"?{parts.query}" if parts.query else ""
    )


def _pages_for_items(articles: list[Article]) -> list[Article]:
    pages = {_key(a.found.url): a for a in articles if a.kind == PAGE and a.found.url}
    by_path = {a.origin: a for a in articles if a.kind == PAGE}
    chosen: dict[int, Article] = {}  # id of a feed item -> the page read in its place
    for item in articles:
        if item.kind == FEED and item.found.url:
            page = pages.get(_key(item.found.url)) or _beside(item, by_path)
            if page is not None and all(page is not p for p in chosen.values()):
                chosen[id(item)] = page
    used = {id(p) for p in chosen.values()}
    out: list[Article] = []
    for article in articles:
        if id(article) in used:
            continue  # read in the place of the item that links to it
        page = chosen.get(id(article))
        if page is None:
            out.append(article)
            continue
        said, found = article.found, page.found
        found.title = found.title or said.title
        found.author = found.author or said.author
        found.publisher = found.publisher or said.publisher
        found.published = found.published or said.published
        found.language = found.language or said.language
        found.identifier = said.identifier
        page.origin = f"{page.origin} (linked from {article.origin})"
        out.append(page)
    return out


def _beside(item: Article, read: dict[str, Article]) -> Article | None:
    """The page an item links to, saved beside its feed as the link's last path segment (the
    article already `read` from it if it is among the inputs)."""
    feed_file = Path(item.origin.rsplit("#", 1)[0])
    segment = Path(urlsplit(item.found.url or "").path).name
    if not segment or not feed_file.is_file():
        return None
    stem = Path(segment).stem
    for name in dict.fromkeys([segment, f"{segment}.html", f"{stem}.html", f"{stem}.htm"]):
        candidate = feed_file.parent / name
        if str(candidate) in read:
            return read[str(candidate)]
        if re.fullmatch(r"[\w.-]+", name) and candidate.is_file():
            kind, data = read_input(candidate)
            if kind == PAGE:
                from kg.ingest.page import read_page

                return read_page(data, str(candidate), candidate.stem)
    return None


# --------------------------------------------------------------------------- planning


def slug_for(hint: str) -> str:
    """A slug from a file name or a title: lower-case ASCII words, at most 60 characters."""
    from kg.authoring import slug_of

    slug = slug_of(hint) or "article"
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0] or slug[:SLUG_LENGTH]
    return slug


def existing_index(root: Path, tick: Callable[[], None] = lambda: None) -> Index:
    """The texts of the sources already in `root`, indexed for duplicates."""
    from kg.sources import TEXT_FILE, discover, read_utf8

    index = Index()
    for folder in discover(root):
        _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
        index.add(f"source {folder.name!r}", text, bulk=True)
        tick()
    index.freeze()
    return index


def plan(articles: list[Article], root: Path, given: Given, index: Index) -> Plan:
    """Decide each article's slug and whether it repeats a source or another input."""
    from kg.authoring import SLUG

    if given.slug is not None and len(articles) != 1:
        raise InputError(f"--slug {given.slug!r}: the inputs hold {len(articles)} articles")
    for option, value in (("--title", given.title), ("--url", given.url)):
        if value is not None and len(articles) != 1:
            raise InputError(f"{option}: the inputs hold {len(articles)} articles, not one")
    if given.language and not re.fullmatch(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*", given.language):
        raise InputError(f"language {given.language!r}: not a language tag (BCP 47), e.g. 'en'")
    result = Plan()
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()
    exact: list[str] = []
    for article in articles:
        same = index.same(article.text)
        if same is not None:
            line = f"{article.origin}: the same text as {same} (white space aside)"
            if given.skip_duplicates:
                result.skipped.append(line + ": left out")
            else:
                exact.append(line)
            continue
        grams = shingles(article.text)
        overlaps = index.near(grams)
        pairs += [(article.origin, o.other) for o in overlaps]
        for overlap in overlaps:
            result.flagged.append(
                f"{article.origin}: the same story as {overlap.other}: {overlap.words()}"
            )
        index.add(article.origin, article.text, grams)
        if overlaps and given.skip_duplicates:
            result.skipped.append(
                f"{article.origin}: the same story as {overlaps[0].other}: left out"
            )
            continue
        if given.slug is not None:
            slug = given.slug
            if not SLUG.match(slug):
                raise InputError(f"slug {slug!r}: use lower-case ASCII words joined by '-'")
        else:
            base = slug_for(article.slug_hint)
            slug, n = base, 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
        if (root / slug).exists():
            raise InputError(f"{root / slug}: source {slug!r} exists already")
        taken.add(slug)
        result.planned.append(Planned(slug, article, overlaps))
    if exact:
        more = f" (and {len(exact) - 1} more)" if len(exact) > 1 else ""
        hint = "; --skip-duplicates leaves them out" if len(articles) > 1 else ""
        raise InputError(f"{exact[0]}: refused{more}{hint}")
    result.stories = stories([p.article.origin for p in result.planned], pairs)
    return result


# --------------------------------------------------------------------------- writing


def metadata(item: Planned, given: Given) -> Metadata:
    """The source's metadata: what the analyst gave, else what the file says."""
    from kg.authoring import Metadata

    a, found = item.article, item.article.found
    language = given.language or found.language or ("en" if a.kind == TEXT else "")
    return Metadata(
        title=given.title or found.title,
        author=given.author or found.author,
        publisher=given.publisher or found.publisher,
        published=given.published or _valid_date(found.published),
        url=given.url or _valid_url(found.url) or _valid_url(a.fetched_url),
        retrieved=given.retrieved or a.retrieved,
        license=given.license,
        language=language,
    )


def _valid_date(value: str | None) -> str | None:
    """A date the file states, if it is a real date (else it is not known: never an error)."""
    from kg.authoring import date_literal

    try:
        return value if value and date_literal(value, "date") is not None else None
    except InputError:
        return None


def _valid_url(value: str | None) -> str | None:
    """An address the file states, if it is an absolute http(s) IRI."""
    from kg.authoring import iri_of

    try:
        return value if value and iri_of(value, "URL") is not None else None
    except InputError:
        return None


def original_block(item: Planned, text_digest: str) -> str:
    """The Turtle block recording the saved file text.txt was extracted from."""
    from kg.authoring import iri_of

    a, slug = item.article, item.slug
    lines = []
    for overlap in item.overlaps:
        lines.append(
            f"# Registered with --allow-duplicate: the same story as {overlap.other} "
            f"({overlap.words()})."
        )
    rows: list[tuple[str, str]] = []  # the author is in the source's metadata block
    original = URIRef(f"{SRC[slug]}#original")
    if a.kind != TEXT:
        rows.append(("schema:sha256", Literal(text_digest).n3()))
        rows.append(("prov:wasDerivedFrom", original.n3()))
    if not rows:
        return "\n".join(lines) + "\n" if lines else ""
    lines += ["", "# --- Extraction: the saved file text.txt was taken from, kept beside it ---"]
    lines += ["", f"src:{slug}", _rows(rows) + " ."]
    if a.kind == TEXT:
        return "\n".join(lines) + "\n"
    media, name = MEDIA_TYPES[a.kind]
    file_rows = [
        ("a", "schema:MediaObject"),
        ("schema:name", Literal(name).n3()),
        ("schema:encodingFormat", Literal(media).n3()),
        ("schema:sha256", Literal(hashlib.sha256(a.original).hexdigest()).n3()),
    ]
    if _valid_date(a.found.created):
        from kg.authoring import date_literal, typed_literal

        created = date_literal(str(a.found.created), "file date")
        file_rows.append(("dct:created", typed_literal(created)))
    if a.container is not None:
        name, digest = a.container
        feed = f"[ a schema:DataFeed ; schema:name {Literal(name).n3()} ; schema:sha256 "
        file_rows.append(("schema:isPartOf", feed + f"{Literal(digest).n3()} ]"))
    if a.found.identifier:
        file_rows.append(("dct:identifier", Literal(a.found.identifier).n3()))
    if _valid_url(a.fetched_url):
        file_rows.append(("schema:contentUrl", iri_of(str(a.fetched_url), "address").n3()))
    lines += ["", original.n3(), _rows(file_rows) + " ."]
    return "\n".join(lines) + "\n"


def _rows(rows: list[tuple[str, str]]) -> str:
    width = max(len(p) for p, _ in rows)
    return " ;\n".join(f"    {p.ljust(width)} {o}" for p, o in rows)


def write(
    result: Plan, root: Path, given: Given, tick: Callable[[], None] = lambda: None
) -> list[Path]:
    """Write each planned source's folder; return the folders, in order."""
    from kg import registry, resources
    from kg.authoring import facts_skeleton, mentions
    from kg.sources import parse_turtle

    entities = registry.load(root)
    ontology = parse_turtle(resources.ontology_file())
    folders: list[Path] = []
    skeletons = []
    for item in result.planned:  # every facts file first: a bad date or URL writes nothing
        a = item.article
        data = a.text_bytes if a.text_bytes is not None else a.text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        known = mentions(a.text, entities, ontology).mentions
        skeleton = facts_skeleton(item.slug, metadata(item, given), a.text, known)
        block = original_block(item, digest)
        at = skeleton.find(_MARKER)
        skeleton = skeleton[:at] + block + skeleton[at:] if at >= 0 else skeleton + block
        graph = Graph().parse(data=skeleton, format="turtle")
        if (SRC[item.slug], RDF.type, KG.Source) not in graph:
            raise InputError(f"{a.origin}: the facts file written does not declare the source")
        skeletons.append((item, data, skeleton))
    for item, data, skeleton in skeletons:
        folders.append(_write_folder(root, item, data, skeleton))
        tick()
    return folders


def _write_folder(root: Path, item: Planned, data: bytes, skeleton: str) -> Path:
    """Write one source under a hidden name, rename it into place, then its facts file."""
    from kg.sources import FACTS_FILE, TEXT_FILE

    folder = root / item.slug
    if folder.exists():
        raise InputError(f"{folder}: source {item.slug!r} exists already")
    hidden = root / f".{item.slug}.new-{os.getpid()}"
    try:
        hidden.mkdir()
        (hidden / TEXT_FILE).write_bytes(data)
        if item.article.kind != TEXT:
            (hidden / MEDIA_TYPES[item.article.kind][1]).write_bytes(item.article.original)
        (hidden / (FACTS_FILE + ".part")).write_text(skeleton, encoding="utf-8")
        os.rename(hidden, folder)
    except BaseException as exc:
        shutil.rmtree(hidden, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(f"{folder}: not written: {exc.strerror or exc}") from None
        raise
    os.replace(folder / (FACTS_FILE + ".part"), folder / FACTS_FILE)
    return folder


def describe(article: Article) -> str:
    """One line on what was read: the kind and the metadata found."""
    found = article.found
    said = [
        f"{k} {clean(v, 60)!r}"
        for k, v in (
            ("title", found.title),
            ("by", found.author),
            ("publisher", found.publisher),
            ("published", found.published),
        )
        if v
    ]
    kind = {PAGE: "saved page", PDF: "PDF", FEED: "feed item"}.get(article.kind, article.kind)
    return kind + (f" ({', '.join(said)})" if said else "")


def run(
    inputs: list[str], root: Path, given: Given, say: Callable[[str], None]
) -> list[tuple[Path, str]]:
    """Register the articles of every input (files, folders, addresses) as new sources; return
    each source's folder and the line that says what was registered."""
    from kg.editing import locked
    from kg.progress import progress
    from kg.registry import REGISTRY_FILE

    if not (root / REGISTRY_FILE).is_file():
        raise InputError(f"{root}: not a sources folder (no {REGISTRY_FILE})")
    values = expand(inputs)
    with progress("reading", len(values)) as tick:
        articles = read_all(values, tick)
    with locked(root):  # another kg new, draft or review of this folder waits its turn
        return _register(articles, root, given, say)


def _register(
    articles: list[Article], root: Path, given: Given, say: Callable[[str], None]
) -> list[tuple[Path, str]]:
    """Plan and write the articles' sources (the caller holds the sources folder's lock)."""
    from kg.progress import progress

    result = plan(articles, root, given, existing_index(root))
    for line in result.flagged:
        say(line)
    for story in result.stories:
        say("one story: " + ", ".join(story))
    for line in result.skipped:
        say(line)
    near = [p for p in result.planned if p.overlaps]
    if near and not given.allow_duplicate:
        raise InputError(
            f"{near[0].article.origin}: the same story as {near[0].overlaps[0].other}"
            + (f" (and {len(near) - 1} more)" if len(near) > 1 else "")
            + ": pass --allow-duplicate to register it anyway, or --skip-duplicates to leave "
            "it out"
        )
    with progress("registering", len(result.planned)) as tick:
        folders = write(result, root, given, tick)
    done = []
    for item, folder in zip(result.planned, folders, strict=True):
        a = item.article
        how = (
            "text copied byte-exact"
            if a.kind == TEXT
            else f"text extracted from {a.origin}, a {describe(a)}"
        )
        done.append((folder, f"registered {folder.name}: {how}; fill in {folder / 'facts.ttl'}"))
    return done
