"""A long line costs time in proportion to its length: sentences, quotes, facts files.

The figures (each stage of `kg new`, `kg check` and `kg build` at 1, 2 and 4 MB on one line)
come from `make bench` (`bench/long_lines.py`). Here: the linear code gives what the code it
replaced gave (the sentences, the overlapping sentences, rdflib's Turtle values and errors), a
sentence search looks at a bounded number of sentences, and a 2 MB one-line article goes
through `kg new`, `kg check` and `kg build` within a generous bound (slow tests: 5 to 60 s a
stage on a loaded 2-core machine, where the splitter alone used to take over 600 s).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from kg import authoring, resources, turtle
from kg.authoring import LineFinder
from kg.errors import EvidenceError
from kg.evidence import Span, covering, locate, sentences

ROOT = Path(__file__).resolve().parent.parent


# --- what the linear code must give: the code it replaced, kept here as the definition ------

_END = re.compile(r"[.!?][”’\"']?(?=\s+[“\"'A-Z])")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Adm|Gen|Sen|Rep|St|No)\.)$")


def _sentences_by_definition(text: str) -> list[tuple[int, int]]:
    """The splitter as it was (time in the square of a line's length): the reference."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start, body, cut = line.start(), line.group(), 0
        for end in _END.finditer(body):
            stop = end.end()
            if _ABBREVIATION.search(body[:stop]) and not body[:stop].endswith("”"):
                continue
            if body[cut:stop].count("“") > body[cut:stop].count("”"):
                continue
            spans.append(_stripped(text, start + cut, start + stop))
            cut = stop
        if body[cut:].strip():
            spans.append(_stripped(text, start + cut, line.end()))
    return spans


def _stripped(text: str, begin: int, end: int) -> tuple[int, int]:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    return begin, end


PIECES = [
    "We met. ", "He said. ", "U.S. ", "A.B.C. ", "Mr. ", "Mrs. Lee. ", "No. ", "“", "”", "’",
    '"', "'", "!", "?", ". ", ".” ", "?’ ", "\n", "  ", "\t", "x", "Z", "Dr.", " A", "a.B. ",
]  # fmt: skip


@settings(max_examples=400)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_sentences_are_those_of_the_definition(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert [(s.begin, s.end) for s in sentences(text)] == _sentences_by_definition(text)


def test_sentences_of_long_runs_of_initials_and_open_quotations() -> None:
    text = "A." * 300 + " Then. " + "“He said. " * 50 + "” End. " + "Z." * 5 + " Next. One."
    assert [(s.begin, s.end) for s in sentences(text)] == _sentences_by_definition(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.data())
def test_covering_gives_every_sentence_that_overlaps(
    pieces: list[str], data: st.DataObject
) -> None:
    text = "".join(pieces)
    spans = sentences(text)
    begin = data.draw(st.integers(0, len(text)))
    inner = Span(begin, data.draw(st.integers(begin, len(text))))
    expected = [s for s in spans if s.begin < inner.end and inner.begin < s.end]
    assert covering(spans, inner) == expected


def test_covering_looks_at_a_logarithmic_number_of_sentences() -> None:
    text = "One sentence here. " * 100_000
    spans = sentences(text)
    assert len(spans) == 100_000

    class Looked(list[Span]):
        """The sentences, counting each one looked at, by index (as bisection reads them) or
        in a loop."""

        looks = 0

        def __getitem__(self, index: Any) -> Any:
            Looked.looks += 1
            return super().__getitem__(index)

        def __iter__(self) -> Iterator[Span]:
            for span in super().__iter__():
                Looked.looks += 1
                yield span

    spans = Looked(spans)
    at = text.index("here", 19 * 50_000)
    found = covering(spans, Span(at, at + 4))
    assert [s.slice(text) for s in found] == ["One sentence here."]
    assert 0 < Looked.looks <= 2 * (math.log2(len(spans)) + 2)


def test_a_quote_found_everywhere_gets_one_short_line() -> None:
    text = "a" * 1_000_000
    with pytest.raises(EvidenceError) as caught:
        locate(text, "a" * 300_000, fact="f", source="s")
    message = str(caught.value)
    assert "occurs more than 10 times" in message and "(300,000 characters)" in message
    assert "\n" not in message and len(message) < 600
    with pytest.raises(EvidenceError, match=r"occurs 2 times in source s \(at 0, 3\)"):
        locate("ab ab", "ab", fact="f", source="s")


# --- facts files: rdflib's Turtle, with its string literals joined once -----------------------

_BODY = st.lists(
    st.sampled_from(
        ["a", " ", '"', "'", "\\", "\\n", '\\"', "\\'", "\\u00e9", "\\U0001F600", "\n", "\r",
         "“", "\\t", "\\x", "\\u12", '""', "''", '"""', "'''", "é"]
    ),
    max_size=14,
).map("".join)  # fmt: skip


def _read(doc: str, fmt: str) -> object:
    try:
        return sorted(Graph().parse(data=doc, format=fmt))
    except Exception as exc:  # the same error, where rdflib raises one
        return (type(exc).__name__, getattr(exc, "_why", None), getattr(exc, "lines", None))


@settings(max_examples=500)
@given(_BODY, st.sampled_from(['"', "'", '"""', "'''"]))
def test_turtle_literals_read_as_rdflib_reads_them(body: str, delim: str) -> None:
    turtle.register()
    doc = f"<urn:a> <urn:b> {delim}{body}{delim} .\n<urn:a> <urn:c> 'x' .\n"
    assert _read(doc, turtle.FORMAT) == _read(doc, "turtle")


def test_a_facts_file_with_a_long_literal_reads_whole(tmp_path: Path) -> None:
    from kg.sources import parse_turtle

    value = "don't say “yes”,\nsay 'no'. " * 20_000
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    path = tmp_path / "facts.ttl"
    path.write_text(f'<urn:a> <urn:b> "{escaped}" .\n', encoding="utf-8")
    assert str(next(iter(parse_turtle(path).objects()))) == value


# --- a 2 MB line through every stage (slow) ----------------------------------------------------


def _article(shape: str, size: int) -> str:
    unit = {
        "prose": (  # sentences of news length, ends, abbreviations, quotations, apostrophes
            "The coast guard ship sailed near the reef on Tuesday while officials in Manila and "
            "Beijing said the U.S. talks on a code of conduct would go on. “We don't agree on "
            "everything,” one of them said, “but we talk, and we will meet again when the season "
            "of storms is over.” "
        ),
        "bare": "ship coast guard reef talks ",
        "quotes": "“”\"'’‘" * 8,
    }[shape]
    return "Long line\n\nAdmiral Dong Jun met his Chinese counterpart. " + unit * (
        size // len(unit)
    )


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["prose", "bare", "quotes"])
def test_a_2mb_one_line_article_goes_through_every_stage(shape: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(resources.sources_dir() / "entities.ttl", sources)
    text = _article(shape, 2_000_000) + "\n"
    article = tmp_path / "long-line.txt"
    article.write_text(text, encoding="utf-8")
    env = dict(os.environ, KG_CACHE_DIR=str(tmp_path / "cache"))

    def kg(*args: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "kg", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,  # the splitter alone took over 600 s on a 2 MB line; now 5 to 60 s
            check=False,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout + run.stderr

    kg("new", str(article), "--sources", str(sources))
    line = text.split("\n")[2]
    quote = line.replace("\\", "\\\\").replace('"', '\\"')
    with open(sources / "long-line" / "facts.ttl", "a", encoding="utf-8") as facts:
        facts.write(  # the prefixes are those `kg new` declared
            "\nfact:affiliation a kg:Affiliation ;\n"
            "    kg:affiliate ent:dong-jun ;\n    kg:affiliatedTo ent:china ;\n"
            f'    kg:quote "{quote}" .\n'
        )
    assert "long-line: ok" in kg("check", "long-line", "--sources", str(sources))
    kg("build", "--sources", str(sources), "--out", str(tmp_path / "out"))
    nt = (tmp_path / "out" / "scs-kg.nt").read_text(encoding="utf-8")
    assert nt.count("#isString>") == 1 and "ontology#evidence>" in nt


# --- a facts file's every problem finds its line in one reading of the file --------------------


def _line_by_definition(finder: LineFinder, node: URIRef, subject_only: bool) -> int:
    """The line search as it was (the whole file read again for every problem): the reference."""
    patterns = finder.patterns(node)
    used = 0
    for number, code in enumerate(finder.lines, start=1):
        if not subject_only and code.lstrip().startswith("#"):
            continue
        for pattern in patterns:
            hit = pattern.search(code)
            if hit is not None and hit.start() == 0:
                return number
            if hit is not None and not subject_only:
                used = used or number
    return used


def _facts_files() -> list[Path]:
    found = sorted(resources.sources_dir().glob("*/facts.ttl"))
    found += sorted((ROOT / "tests" / "fixtures").rglob("*.ttl"))
    return [p for p in found if p.name != "shapes.ttl"]


def test_lines_of_terms_are_those_of_the_definition() -> None:
    from kg.sources import parse_turtle

    checked = 0
    for path in _facts_files():
        try:
            graph = parse_turtle(path)
        except Exception:  # a fixture that is malformed on purpose
            continue
        finder = LineFinder(path, graph)
        nodes = {t for triple in graph for t in triple if isinstance(t, URIRef)}
        for node in sorted(nodes):
            assert finder.line(node) == _line_by_definition(finder, node, False), (path, node)
            assert finder.subject_line(node) == _line_by_definition(finder, node, True)
            checked += 1
    assert checked > 500


_LINE_PIECES = [
    "kg:a", "kg:a.b", "ent:x", "<urn:x>", "<urn:x", ">", "x", " ", ".", ":", "-", "#", "/",
    "<", "kg:", "a:b", ";", "ent:x.", "ex:kg:a", "\tkg:a",
]  # fmt: skip


@settings(max_examples=300)
@given(lines=st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=8).map("".join), max_size=6))
def test_lines_of_terms_on_any_line_are_those_of_the_definition(
    lines: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("lines") / "facts.ttl"
    path.write_text("\n".join(lines), encoding="utf-8")
    graph = Graph()
    graph.bind("kg", "urn:kg#")
    graph.bind("ent", "urn:ent/")
    finder = LineFinder(path, graph)
    for node in ["urn:kg#a", "urn:kg#a.b", "urn:ent/x", "urn:x", "urn:kg#", "urn:ent/x."]:
        term = URIRef(node)
        assert finder.line(term) == _line_by_definition(finder, term, False), (lines, node)
        assert finder.subject_line(term) == _line_by_definition(finder, term, True)


def test_many_problems_read_the_facts_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "facts.ttl"
    path.write_text(
        "@prefix kg: <urn:kg#> .\n" + "".join(f"kg:f{i} kg:p kg:o{i} .\n" for i in range(2000)),
        encoding="utf-8",
    )
    graph = Graph().parse(path)
    finder = LineFinder(path, graph)
    read = []
    real = authoring.spellings_in
    monkeypatch.setattr(authoring, "spellings_in", lambda *a: read.append(1) or real(*a))
    for i in range(0, 2000, 7):
        assert finder.line(URIRef(f"urn:kg#f{i}")) == i + 2
        assert finder.line(URIRef(f"urn:kg#o{i}")) == i + 2
    assert len(read) == len(finder.lines) == 2002  # each line once (the last one empty)
