"""`kg new` refuses a text already registered and flags the same story told again.

Fixtures are FICTIONAL (tests/ingest_fixtures.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.ingest.duplicates import Index, shingles
from kg.sources import discover

from .ingest_fixtures import ARTICLE, PAGE, make_pdf, page_html, paragraphs, story, syndicated

runner = CliRunner()


def _new(sources: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["new", *args, "--sources", str(sources)])
    return result.exit_code, result.output


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _wire(tmp_path: Path) -> list[Path]:
    files = []
    for n, (_head, paras) in enumerate(syndicated()):
        path = tmp_path / f"outlet-{n + 1}.html"
        path.write_text(page_html(paras, url=f"https://outlet{n + 1}.example/wire"), "utf-8")
        files.append(path)
    return files


def test_the_same_text_with_other_white_space_is_refused_naming_the_source(
    tmp_path: Path, sources_copy: Path
) -> None:
    assert _new(sources_copy, str(ARTICLE))[0] == 0
    rewrapped = tmp_path / "again.txt"
    text = ARTICLE.read_text(encoding="utf-8")
    rewrapped.write_text("  " + text.replace(". ", ".\n").replace("\n\n", "\n \n\n"), "utf-8")
    before = _listing(sources_copy)
    code, output = _new(sources_copy, str(rewrapped))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "again.txt" in lines[0] and "the same text as source 'article'" in lines[0]
    assert _listing(sources_copy) == before


def test_a_page_and_its_pdf_are_one_text(tmp_path: Path, sources_copy: Path) -> None:
    assert _new(sources_copy, str(PAGE))[0] == 0
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(make_pdf(paragraphs()))
    code, output = _new(sources_copy, str(pdf))
    assert code == 2
    assert "printed.pdf: the same text as source 'news-page'" in output


def test_a_wire_story_from_three_outlets_is_found_as_one_story(
    tmp_path: Path, sources_copy: Path
) -> None:
    files = _wire(tmp_path)
    before = _listing(sources_copy)
    code, output = _new(sources_copy, *map(str, files))
    assert code == 2, output
    assert "one story: " + ", ".join(map(str, files)) in output
    error = output.strip().splitlines()[-1]
    assert error.startswith("error: ") and "--allow-duplicate" in error
    assert "the same story as" in output and "Jaccard" in output
    assert _listing(sources_copy) == before  # the analyst decides: nothing written yet

    code, output = _new(sources_copy, *map(str, files), "--skip-duplicates")
    assert code == 0, output
    kept = [f.name for f in discover(sources_copy)]
    assert "outlet-1" in kept and "outlet-2" not in kept and "outlet-3" not in kept


def test_the_analyst_may_register_the_same_story_and_it_is_noted(
    tmp_path: Path, sources_copy: Path
) -> None:
    files = _wire(tmp_path)
    assert _new(sources_copy, str(files[0]))[0] == 0
    code, output = _new(sources_copy, str(files[2]))  # the copy with a paragraph cut
    assert code == 2
    assert "outlet-3.html: the same story as source 'outlet-1'" in output
    shared = re.search(r"(\d+)% of the shorter text's 5-word shingles shared", output)
    assert shared and int(shared.group(1)) >= 90  # all but the headline's
    code, output = _new(sources_copy, str(files[2]), "--allow-duplicate")
    assert code == 0, output
    facts = (sources_copy / "outlet-3" / "facts.ttl").read_text(encoding="utf-8")
    assert "# Registered with --allow-duplicate: the same story as source 'outlet-1'" in facts


def test_different_stories_are_not_flagged() -> None:
    index = Index()
    for seed in range(1000, 1200):  # the wire story is seed 77
        text = "\n\n".join(story(seed))
        assert index.near(shingles(text)) == [], seed
        index.add(str(seed), text)
    wire = "\n\n".join(syndicated()[0][1])
    index.add("wire", wire)
    trimmed = "\n\n".join(syndicated()[2][1])
    (found,) = index.near(shingles(trimmed))
    assert found.other == "wire" and found.contained > 0.95 and 0.5 < found.jaccard < 0.9


def test_the_sources_index_and_the_run_index_count_the_same_overlaps() -> None:
    texts = {str(seed): "\n\n".join(story(seed)) for seed in range(60, 90)}  # 77: the wire's
    bulk, one_by_one = Index(), Index()
    for name, text in texts.items():
        bulk.add(name, text, bulk=True)
        one_by_one.add(name, text)
    bulk.freeze()
    for _head, paras in syndicated():
        grams = shingles("\n\n".join(paras))
        found = bulk.near(grams)
        assert found == one_by_one.near(grams)
        assert [o.other for o in found] == ["77"]


def test_a_folder_registered_again_with_new_files_needs_skip_duplicates(
    tmp_path: Path, sources_copy: Path
) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    for seed in (1, 2):
        (saved / f"page-{seed}.html").write_text(page_html(story(seed)), encoding="utf-8")
    assert _new(sources_copy, str(saved))[0] == 0
    (saved / "page-3.html").write_text(page_html(story(3)), encoding="utf-8")
    code, output = _new(sources_copy, str(saved))
    assert code == 2
    assert output.strip().splitlines() == [
        f"error: {saved / 'page-1.html'}: the same text as source 'page-1' (white space aside): "
        "refused (and 1 more); --skip-duplicates leaves them out"
    ]
    code, output = _new(sources_copy, str(saved), "--skip-duplicates")
    assert code == 0, output
    assert sorted(f.name for f in discover(sources_copy))[:3] == ["page-1", "page-2", "page-3"]


def test_the_same_story_in_chinese_is_found_by_its_characters() -> None:
    body = (
        "这是为测试编造的故事。虚构的维洛里亚海岸警卫队与阿斯特拉纳王国周二同意开通直通电话，"
        "此前双方在虚构的珊瑚礁附近发生了一周的紧张对峙。双方官员下月将再次会面。"
    )  # FICTIONAL: invented states, the fixture article's story
    index = Index()
    index.add("wire", "虚构港口签署协议\n\n" + body)
    (found,) = index.near(shingles("海岸警卫队同意开通热线\n\n" + body))
    assert found.other == "wire" and found.jaccard > 0.6
    assert index.near(shingles("虚构的渔船今天回港，船员们平安无事，港口官员表示欢迎。")) == []
