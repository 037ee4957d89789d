"""Hostile and careless sources: one line naming the file and
line, a non-zero exit, and never a broken export; `kg check` and `kg build` refuse the same."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.errors import EvidenceError
from kg.evidence import locate, sentences, splits_character
from kg.sources import read_utf8

SLUG = "us-china-military-channels"
Edit = Callable[[Path, str, str], None]


def _kg(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def _build(sources: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return _kg(["build", "--sources", str(sources), "--out", str(tmp_path / "out")], tmp_path)


def _check(sources: Path, tmp_path: Path, slug: str = SLUG) -> subprocess.CompletedProcess[str]:
    return _kg(["check", slug, "--sources", str(sources)], tmp_path)


# --- characters that XML cannot carry ------------------------------------------------------


def test_a_form_feed_in_a_text_is_refused_with_its_line(sources_copy: Path, tmp_path: Path):
    text = sources_copy / SLUG / "text.txt"
    data = text.read_text(encoding="utf-8")
    at = data.index("\n", 100)
    text.write_text(data[:at] + "\f" + data[at:], encoding="utf-8")
    result = _build(sources_copy, tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert f"{text}:{data.count(chr(10), 0, at) + 1}:" in line and "U+000C (form feed)" in line
    assert not (tmp_path / "out").exists()
    assert _check(sources_copy, tmp_path).returncode == 2


@pytest.mark.parametrize("escape", ["\\u0000", "\\u001B", "\\uFFFF"])
def test_a_label_that_xml_cannot_carry_is_refused(
    sources_copy: Path, tmp_path: Path, edit: Edit, escape: str
) -> None:
    registry = sources_copy / "entities.ttl"
    edit(registry, 'rdfs:label "Philippines"@en', f'rdfs:label "Philip{escape}pines"@en')
    result = _build(sources_copy, tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert f"{registry}:" in line and "ent:philippines" in line and "XML exports" in line


def test_line_separators_in_labels_give_well_formed_exports_and_the_right_count(
    sources_copy: Path, tmp_path: Path, edit: Edit
) -> None:
    """U+2028 and U+0085 are text (not line ends) to N-Triples; every XML export stays valid."""
    edit(
        sources_copy / "entities.ttl",
        'rdfs:label "Philippines"@en',
        'rdfs:label "Philip\\u2028pi\\u0085nes"@en',
    )
    result = _build(sources_copy, tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    quads = (out / "scs-kg.nq").read_bytes().count(b"\n")
    assert f"{quads} quads" in result.stderr
    ET.parse(out / "scs-kg.rdf")
    views = _kg(
        ["views", "--data", str(out / "scs-kg.trig"), "--out", str(tmp_path / "v")], tmp_path
    )
    assert views.returncode == 0, views.stderr
    for path in sorted((tmp_path / "v").glob("*.g*")):  # GraphML and GEXF
        ET.parse(path)


# --- the same checks in `kg check` and `kg build` --------------------------------------


def _second_source(sources: Path) -> Path:
    """A copy of the article as a second source, its facts still in the first one's namespace."""
    other = sources / "copy-of-the-article"
    other.mkdir()
    (other / "text.txt").write_bytes((sources / SLUG / "text.txt").read_bytes())
    facts = (sources / SLUG / "facts.ttl").read_text(encoding="utf-8")
    facts = facts.replace(f"src:{SLUG}", "src:copy-of-the-article")
    (other / "facts.ttl").write_text(facts, encoding="utf-8")
    return other


def test_facts_minted_in_another_source_s_namespace_are_refused_by_both(
    sources_copy: Path, tmp_path: Path
) -> None:
    _second_source(sources_copy)
    built = _build(sources_copy, tmp_path)
    assert built.returncode == 2
    line = _one_line(built)
    assert "copy-of-the-article/facts.ttl:" in line and "another source's namespace" in line
    assert "fact:" in line  # it names the fact
    checked = _check(sources_copy, tmp_path, "copy-of-the-article")
    assert checked.returncode == 1
    assert "another source's namespace" in checked.stdout


def test_relabelling_a_registry_entity_is_refused_by_both(
    sources_copy: Path, tmp_path: Path
) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    with facts.open("a", encoding="utf-8") as f:
        f.write('\nent:china rdfs:label "Cathay"@en .\n')
    built = _build(sources_copy, tmp_path)
    assert built.returncode == 2
    line = _one_line(built)
    assert "ent:china" in line and "entities.ttl only" in line
    checked = _check(sources_copy, tmp_path)
    assert checked.returncode == 1 and "ent:china" in checked.stdout


@pytest.mark.parametrize("value", ['"-5"^^xsd:integer', '"abc"', '"abc"^^xsd:integer', '"1.5"'])
def test_a_bad_quote_start_is_one_line_in_both(
    sources_copy: Path, tmp_path: Path, edit: Edit, value: str
) -> None:
    edit(
        sources_copy / SLUG / "facts.ttl",
        '    kg:quote  "Admiral Dong Jun" .',
        f'    kg:quote  "Admiral Dong Jun" ;\n    kg:quoteStart {value} .',
    )
    built = _build(sources_copy, tmp_path)
    assert built.returncode == 2
    line = _one_line(built)
    assert "kg:quoteStart" in line and "facts.ttl:" in line
    checked = _check(sources_copy, tmp_path)
    assert checked.returncode == 1 and "kg:quoteStart" in checked.stdout
    assert "Traceback" not in checked.stderr


# --- Unicode ------------------------------------------------------------------------------

TEXT = "Le ministre a parlé à Hà Nội.\r\nUne deuxième phrase, avec 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 et 👍🏽 ici."


def test_a_quote_in_another_normalization_says_so() -> None:
    nfd = unicodedata.normalize("NFD", "a parlé à Hà Nội")
    with pytest.raises(EvidenceError, match="differs in Unicode normalization"):
        locate(TEXT, nfd, fact="f", source="s")


def test_a_quote_may_not_cut_a_character() -> None:
    decomposed = unicodedata.normalize("NFD", TEXT)
    e = decomposed.index("parle") + len("parle")  # before the combining acute accent
    with pytest.raises(EvidenceError, match="ends inside a character"):
        locate(decomposed, decomposed[3:e], fact="f", source="s")
    thumb = TEXT.index("👍")
    with pytest.raises(EvidenceError, match="emoji modifier"):
        locate(TEXT, TEXT[thumb - 3 : thumb + 1], fact="f", source="s")
    crlf = TEXT.index("\r\n")
    with pytest.raises(EvidenceError, match="between CR and LF"):
        locate(TEXT, TEXT[crlf - 4 : crlf + 1], fact="f", source="s")
    assert locate(TEXT, TEXT[thumb - 3 : thumb + 2], fact="f", source="s").end == thumb + 2


def test_a_byte_order_mark_is_not_part_of_the_text(
    sources_copy: Path, tmp_path: Path, edit: Edit
) -> None:
    article = tmp_path / "bom-article.txt"
    article.write_bytes(b"\xef\xbb\xbfA Test Title\nThe Philippines joined ASEAN.\n")
    new = _kg(["new", str(article), "--sources", str(sources_copy)], tmp_path)
    assert new.returncode == 0, new.stderr
    facts = sources_copy / "bom-article" / "facts.ttl"
    assert re.search(r'dct:title +"A Test Title"@en', facts.read_text(encoding="utf-8"))
    assert read_utf8(sources_copy / "bom-article" / "text.txt")[1].startswith("A Test")
    with facts.open("a", encoding="utf-8") as f:
        f.write("\nfact:membership a kg:Membership ; kg:member ent:philippines ;\n")
        f.write('    kg:organization ent:asean ; kg:quote "The Philippines joined ASEAN" .\n')
    built = _build(sources_copy, tmp_path)
    assert built.returncode == 0, built.stderr
    nq = (tmp_path / "out" / "scs-kg.nq").read_text(encoding="utf-8")
    assert "bom-article#char=13,41>" in nq  # code point 0 is the "A", not the mark


# --- properties: quotes and offsets over arbitrary Unicode ------------------------------------

_CHARS = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from(["\u0301", "\u0323", "\ufe0f", "\u200d", "\U0001f3fd", "\r\n", "\ufeff"]),
    st.sampled_from(list("ab .!?“”\"'\n")),
)
_TEXTS = st.lists(_CHARS, min_size=1, max_size=60).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(text=_TEXTS, data=st.data())
def test_a_located_quote_slices_to_itself_in_code_points(text: str, data: st.DataObject) -> None:
    begin = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(begin + 1, len(text)))
    quote = text[begin:end]
    cuts = splits_character(text, begin) or splits_character(text, end)
    occurrences = [i for i in range(len(text)) if text.startswith(quote, i)]
    if cuts:
        with pytest.raises(EvidenceError):
            locate(text, quote, fact="f", source="s", start=begin)
        return
    span = locate(text, quote, fact="f", source="s", start=begin)
    assert (span.begin, span.end) == (begin, end) and span.slice(text) == quote
    if len(occurrences) == 1:
        assert locate(text, quote, fact="f", source="s") == span
    else:
        with pytest.raises(EvidenceError, match=f"occurs {len(occurrences)} times"):
            locate(text, quote, fact="f", source="s")


@settings(max_examples=300)
@given(text=_TEXTS)
def test_sentences_are_ordered_stripped_spans_of_the_text(text: str) -> None:
    last = 0
    for span in sentences(text):
        assert last <= span.begin < span.end <= len(text)
        body = span.slice(text)
        assert body == body.strip() and "\n" not in body
        last = span.end


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_a_byte_order_mark_never_counts_as_a_code_point(text: str, tmp_path: Path) -> None:
    assume(not text.startswith("\ufeff"))
    path = tmp_path / "t.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_utf8(path)[1] == text
