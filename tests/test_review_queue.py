"""The review queue across sources: `kg draft --all` drafts only what nobody reviewed, and
`kg review` with no source walks every pending proposal, by publication date then slug,
saying how many proposals and sources are left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.draft import DRAFT_FILE
from kg.draft.queue import order, pending, unreviewed

from .conftest import SLUG
from .ingest_fixtures import PAGE
from .queue_fixtures import corpus, kg


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return corpus(tmp_path / "sources")


def test_a_source_as_kg_new_wrote_it_is_unreviewed_and_one_fact_makes_it_reviewed(
    root: Path,
) -> None:
    assert unreviewed(root / "alpha")
    assert not unreviewed(root / SLUG)  # the packaged article has its facts
    facts = root / "alpha" / "facts.ttl"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + '\nfact:x a kg:Statement ; rdfs:label "x"@en ; kg:quote "Tanabe said" .\n',
        encoding="utf-8",
    )
    assert not unreviewed(root / "alpha")


def test_a_saved_page_as_kg_new_registered_it_is_unreviewed(root: Path) -> None:
    code, _out, err = kg("new", str(PAGE), "--slug", "page", "--sources", str(root))
    assert code == 0, err
    assert "#original" in (root / "page" / "facts.ttl").read_text(encoding="utf-8")
    assert unreviewed(root / "page")


def test_a_broken_facts_file_elsewhere_is_named_and_the_rest_drafted(root: Path) -> None:
    broken = root / "beta" / "facts.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nfact:x a .\n", encoding="utf-8")
    assert [f.name for f in order(root)][-2:] == ["beta", SLUG]  # undated, by slug
    code, out, err = kg("draft", "--all", "--sources", str(root))
    assert code == 2  # bad input
    assert out.split() == [str(root / s / DRAFT_FILE) for s in ("gamma", "alpha")]
    assert f"error: {broken}" in err
    assert err.strip().splitlines()[-1].startswith("error: 1 source(s) not drafted: ")
    code, _out, err = kg("review", "alpha", "--sources", str(root), input="q\n")
    assert code == 0, err


def test_sources_are_ordered_by_publication_date_then_slug_undated_last(root: Path) -> None:
    assert [f.name for f in order(root)] == ["gamma", "alpha", "beta", SLUG]  # SLUG: undated


def test_draft_all_drafts_only_the_unreviewed_sources(root: Path) -> None:
    code, _out, _err = kg("draft", "beta", "--sources", str(root))
    assert code == 0
    edited = (root / "beta" / DRAFT_FILE).read_text(encoding="utf-8") + "# my note\n"
    (root / "beta" / DRAFT_FILE).write_text(edited, encoding="utf-8")

    code, out, err = kg("draft", "--all", "--sources", str(root))
    assert code == 0, err
    assert out.split() == [str(root / s / DRAFT_FILE) for s in ("gamma", "alpha")]
    assert "drafted 2 source(s)" in err
    assert "left out 1 with facts" in err
    assert "left out 1 with a draft.ttl (--force redrafts them)" in err
    assert not (root / SLUG / DRAFT_FILE).exists()  # reviewed: never drafted
    assert (root / "beta" / DRAFT_FILE).read_text(encoding="utf-8") == edited

    code, out, err = kg("draft", "--all", "--force", "--sources", str(root))
    assert code == 0, err
    assert len(out.split()) == 3
    assert "# my note" not in (root / "beta" / DRAFT_FILE).read_text(encoding="utf-8")
    assert not (root / SLUG / DRAFT_FILE).exists()


def test_draft_all_leaves_a_source_with_an_accepted_fact(root: Path) -> None:
    assert kg("draft", "gamma", "--sources", str(root))[0] == 0
    code, _out, err = kg("review", "gamma", "--sources", str(root), input="a\nq\n")
    assert code == 0, err
    assert "accepted 1 fact(s)" in err or "accepted 2 fact(s)" in err
    (root / "gamma" / DRAFT_FILE).unlink()
    code, out, err = kg("draft", "--all", "--force", "--sources", str(root))
    assert code == 0, err
    assert str(root / "gamma" / DRAFT_FILE) not in out
    assert not (root / "gamma" / DRAFT_FILE).exists()


def test_draft_all_takes_no_source(root: Path) -> None:
    code, _out, err = kg("draft", "alpha", "--all", "--sources", str(root))
    assert code != 0
    assert err.count("\n") == 1 and "--all drafts every unreviewed source" in err


def _headers(out: str) -> list[str]:
    return re.findall(r"(?m)^== .* ==$", out)


def test_review_without_source_walks_the_corpus_with_counts(root: Path) -> None:
    assert kg("draft", "--all", "--sources", str(root))[0] == 0
    queue = pending(root)
    assert [p.folder.name for p in queue] == ["gamma", "alpha", "beta"]
    total = sum(p.proposals for p in queue)
    asked = total + 5
    code, out, err = kg("review", "--sources", str(root), input="s\n" * asked)
    assert code == 0, err
    assert f"{total} proposal(s) to review in 3 source(s)" in err
    headers = _headers(out)
    assert len(headers) == total  # every proposal asked about once, skips included
    first = queue[0].proposals
    assert headers[0] == f"== gamma (1/3): {first} proposal(s) left here, {total} in 3 source(s) =="
    assert headers[first].startswith("== alpha (2/3): ")
    assert headers[-1] == "== beta (3/3): 1 proposal(s) left here, 1 in 1 source(s) =="
    lefts = [int(re.search(r", (\d+) in", h).group(1)) for h in headers]  # type: ignore[union-attr]
    assert lefts == list(range(total, 0, -1))
    # skipped proposals stay pending
    assert f"left: {total} proposal(s) in 3 source(s)" in err


def test_review_without_source_accepts_rejects_and_quits_across_sources(root: Path) -> None:
    assert kg("draft", "--all", "--sources", str(root))[0] == 0
    queue = pending(root)
    answers = "r\n" * queue[0].proposals + "a\nq\n"  # all of gamma rejected, then alpha
    code, out, err = kg("review", "--sources", str(root), input=answers)
    assert code == 0, err
    headers = _headers(out)
    assert headers[-1].startswith("== alpha (2/3): ")
    assert not (root / "gamma" / DRAFT_FILE).read_text(encoding="utf-8").count("# draft ")
    assert (
        "fact:"
        in (root / "alpha" / "facts.ttl")
        .read_text(encoding="utf-8")
        .split("# --- Accepted from draft.ttl")[1]
    )
    left = pending(root)
    assert [p.folder.name for p in left] == ["alpha", "beta"]
    assert f"left: {sum(p.proposals for p in left)} proposal(s) in 2 source(s)" in err
    assert kg("check", "alpha", "--sources", str(root))[0] == 0


def test_review_without_source_says_when_nothing_is_pending(root: Path) -> None:
    code, out, err = kg("review", "--sources", str(root))
    assert code == 0
    assert out == ""
    assert "nothing to review" in err


def test_a_draft_that_is_not_utf8_is_named_in_one_line(root: Path) -> None:
    assert kg("draft", "--all", "--sources", str(root))[0] == 0
    draft = root / "alpha" / DRAFT_FILE
    draft.write_bytes(draft.read_bytes() + b"\n# \xff\xfe\n")
    code, _out, err = kg("review", "--sources", str(root), input="q\n")
    assert code == 2
    assert err == f"error: {draft}: not UTF-8 text (byte {len(draft.read_bytes()) - 3})\n"
