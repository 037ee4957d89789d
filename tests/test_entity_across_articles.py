"""One entity across articles: a new entity that several drafts name, or that the registry holds
under a variant or a title, is proposed once, as that entity; `kg registry merge` joins two
registry entries reversibly, refusing entities of different kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import registry
from kg.draft import DRAFT_FILE
from kg.draft.crossref import reconcile
from kg.draft.decisions import DECISIONS_FILE
from kg.draft.review import read_draft
from kg.draft.turtle import marker_ok
from kg.merges import MERGES_FILE
from kg.namespaces import ENT

from .conftest import SLUG
from .queue_fixtures import corpus, kg


def _proposed(root: Path, slug: str) -> list[str]:
    return [
        b.name for b in read_draft(root / slug / DRAFT_FILE).blocks if b.name.startswith("ent:")
    ]


def _mentions(root: Path, slug: str, name: str) -> bool:
    text = (root / slug / DRAFT_FILE).read_text(encoding="utf-8")
    return any(
        name in line.split() or f"{name}." in line.split() or f"{name};" in line.split()
        for line in text.splitlines()
        if not line.startswith("#")
    )


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    root = corpus(tmp_path / "sources", ["alpha", "beta"])
    code, _out, err = kg("draft", "--all", "--sources", str(root))
    assert code == 0, err
    return root


def test_two_pending_sources_naming_the_same_new_person_propose_it_once(drafted: Path) -> None:
    assert "ent:aiko-tanabe" in _proposed(drafted, "alpha")  # the first by publication date
    assert "ent:aiko-tanabe" not in _proposed(drafted, "beta")
    assert _mentions(drafted, "beta", "ent:aiko-tanabe")  # beta's facts name that entity
    for slug in ("alpha", "beta"):
        assert marker_ok((drafted / slug / DRAFT_FILE).read_text(encoding="utf-8"))
    every = _proposed(drafted, "alpha") + _proposed(drafted, "beta")
    assert every.count("ent:aiko-tanabe") == 1
    assert every.count("ent:role-foreign-minister") == 1
    assert reconcile(drafted) == []  # done once: the pass changes nothing more


def test_accepting_a_fact_takes_the_entity_from_the_draft_that_proposes_it(drafted: Path) -> None:
    names = [b.name for b in read_draft(drafted / "beta" / DRAFT_FILE).blocks]
    statement = next(n for n in names if n.startswith("fact:stmt-aiko-tanabe"))
    code, out, err = kg("draft", "beta", "--accept", statement, "--sources", str(drafted))
    assert code == 0, err
    assert "also accepted ent:aiko-tanabe (needed by " in err
    assert "proposed in the draft of alpha" in err
    assert f"accepted ent:aiko-tanabe into {drafted / 'entities.ttl'}" in out
    assert ENT["aiko-tanabe"] in registry.entities(registry.load(drafted))
    assert "ent:aiko-tanabe" not in _proposed(drafted, "alpha")
    log = (drafted / "alpha" / DECISIONS_FILE).read_text(encoding="utf-8").splitlines()
    entry = json.loads(log[-1])
    assert (entry["proposal"], entry["decision"], entry["along_with"]) == (
        "ent:aiko-tanabe",
        "accept",
        statement,
    )
    assert kg("check", "beta", "--sources", str(drafted))[0] == 0


REGISTERED = {
    "a variant name": '"Tanabe"@en ;\n    skos:altLabel "Aiko Tanabe"@en',
    "a title and name": '"Foreign Minister Aiko Tanabe"@en',
}


@pytest.mark.parametrize("how", sorted(REGISTERED))
def test_a_name_the_registry_holds_is_that_entity(drafted: Path, how: str) -> None:
    with (drafted / "entities.ttl").open("a", encoding="utf-8") as handle:
        handle.write(f"\nent:tanabe\n    a kg:Person ;\n    rdfs:label {REGISTERED[how]} .\n")
    code, _out, err = kg("review", "alpha", "--sources", str(drafted), input="q\n")
    assert code == 0, err
    assert "alpha: ent:aiko-tanabe is ent:tanabe of the registry" in err
    assert "ent:aiko-tanabe" not in _proposed(drafted, "alpha")
    assert _mentions(drafted, "alpha", "ent:tanabe")
    assert _mentions(drafted, "beta", "ent:tanabe")
    assert not _mentions(drafted, "beta", "ent:aiko-tanabe")


def test_a_name_held_by_an_entity_of_another_kind_is_not_that_entity(drafted: Path) -> None:
    with (drafted / "entities.ttl").open("a", encoding="utf-8") as handle:
        handle.write('\nent:aiko-tanabe-city\n    a kg:City ;\n    rdfs:label "Aiko Tanabe"@en .\n')
    before = (drafted / "alpha" / DRAFT_FILE).read_bytes()
    assert reconcile(drafted) == []
    assert (drafted / "alpha" / DRAFT_FILE).read_bytes() == before


@pytest.fixture
def accepted(drafted: Path) -> Path:
    """beta's statement accepted (the minister with it), and a second entry for the minister."""
    names = [b.name for b in read_draft(drafted / "beta" / DRAFT_FILE).blocks]
    statement = next(n for n in names if n.startswith("fact:stmt-aiko-tanabe"))
    assert kg("draft", "beta", "--accept", statement, "--sources", str(drafted))[0] == 0
    with (drafted / "entities.ttl").open("a", encoding="utf-8") as handle:
        handle.write(
            '\nent:a-tanabe\n    a          kg:Person ;\n    rdfs:label "A. Tanabe"@en .\n'
        )
    return drafted


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MERGES_FILE
    }


def _built(root: Path, out: Path) -> None:
    code, _out, err = kg("build", "--sources", str(root), "-o", str(out))
    assert code == 0, err


def test_merge_and_undo_round_trip_to_the_original_bytes(accepted: Path, tmp_path: Path) -> None:
    for draft in accepted.glob(f"*/{DRAFT_FILE}"):
        draft.unlink()  # drafts have a test of their own below
    original = _files(accepted)
    code, out, err = kg(
        "registry", "merge", "ent:a-tanabe", "ent:aiko-tanabe", "--reason", "one minister",
        "--sources", str(accepted),
    )  # fmt: skip
    assert code == 0, err
    assert sorted(out.split()) == sorted(
        [str(accepted / "entities.ttl"), str(accepted / "beta" / "facts.ttl")]
    )
    facts = (accepted / "beta" / "facts.ttl").read_text(encoding="utf-8")
    assert "ent:aiko-tanabe" not in facts and "ent:a-tanabe" in facts
    graph = registry.load(accepted)
    assert ENT["aiko-tanabe"] not in registry.entities(graph)
    names = {str(n.text) for n in registry.names(graph) if n.entity == ENT["a-tanabe"]}
    assert names == {"A. Tanabe", "Aiko Tanabe"}
    assert registry.near_duplicates(graph) == []
    assert kg("check", "beta", "--sources", str(accepted))[0] == 0
    _built(accepted, tmp_path / "merged")
    record = json.loads((accepted / MERGES_FILE).read_text(encoding="utf-8").splitlines()[0])
    assert (record["id"], record["kept"], record["merged"], record["reason"]) == (
        1,
        "ent:a-tanabe",
        "ent:aiko-tanabe",
        "one minister",
    )
    listed = kg("registry", "merges", "--sources", str(accepted))[1]
    assert listed.startswith("1\tent:a-tanabe <- ent:aiko-tanabe\t")

    code, _out, err = kg("registry", "unmerge", "1", "--sources", str(accepted))
    assert code == 0, err
    assert _files(accepted) == original
    assert kg("check", "beta", "--sources", str(accepted))[0] == 0
    _built(accepted, tmp_path / "undone")
    assert "(undone)" in kg("registry", "merges", "--sources", str(accepted))[1]
    code, _out, err = kg("registry", "merge", "--undo", "1", "--sources", str(accepted))
    assert code != 0 and "undone already" in err


def test_a_merge_rewrites_pending_drafts_and_its_undo_puts_them_back(accepted: Path) -> None:
    # alpha's draft still names the minister in its facts
    assert _mentions(accepted, "alpha", "ent:aiko-tanabe")
    original = _files(accepted)
    code, _out, err = kg(
        "registry", "merge", "a-tanabe", "aiko-tanabe", "--reason", "one", "--sources",
        str(accepted),
    )  # fmt: skip
    assert code == 0, err
    draft = (accepted / "alpha" / DRAFT_FILE).read_text(encoding="utf-8")
    assert marker_ok(draft)
    assert _mentions(accepted, "alpha", "ent:a-tanabe")
    assert not _mentions(accepted, "alpha", "ent:aiko-tanabe")
    code, _out, err = kg("registry", "merge", "--undo", "1", "--sources", str(accepted))
    assert code == 0, err
    assert _files(accepted) == original


def test_a_merge_across_classes_is_refused_in_one_line(accepted: Path) -> None:
    original = _files(accepted)
    code, out, err = kg(
        "registry", "merge", "ent:china", "ent:a-tanabe", "--reason", "x", "--sources",
        str(accepted),
    )  # fmt: skip
    assert code != 0
    said = "ent:china is a kg:State and ent:a-tanabe a kg:Person: not one entity; not merged"
    assert err == f"error: {said}\n"
    assert out == ""
    assert _files(accepted) == original
    assert not (accepted / MERGES_FILE).exists()


def test_a_merge_needs_a_reason_and_two_registered_entities(accepted: Path) -> None:
    root = str(accepted)
    code, _out, err = kg("registry", "merge", "a-tanabe", "aiko-tanabe", "--sources", root)
    assert code != 0 and "--reason" in err
    code, _out, err = kg(
        "registry", "merge", "a-tanabe", "nobody", "--reason", "x", "--sources", root
    )
    assert code != 0 and "no entity ent:nobody" in err
    code, _out, err = kg("registry", "unmerge", "7", "--sources", root)
    assert code != 0 and "no merge 7" in err


def test_an_undo_stops_at_a_line_edited_since_the_merge(accepted: Path) -> None:
    root = str(accepted)
    assert (
        kg("registry", "merge", "a-tanabe", "aiko-tanabe", "--reason", "x", "--sources", root)[0]
        == 0
    )
    facts = accepted / "beta" / "facts.ttl"
    edited = facts.read_text(encoding="utf-8").replace("ent:a-tanabe", "ent:china", 1)
    facts.write_text(edited, encoding="utf-8")
    registry_before = (accepted / "entities.ttl").read_bytes()
    code, _out, err = kg("registry", "unmerge", "1", "--sources", root)
    assert code != 0
    assert err.startswith(f"error: {facts}:") and "changed since the merge; not undone" in err
    assert facts.read_text(encoding="utf-8") == edited
    assert (accepted / "entities.ttl").read_bytes() == registry_before


def test_the_packaged_article_is_untouched_by_the_queue(drafted: Path) -> None:
    assert not (drafted / SLUG / DRAFT_FILE).exists()


def test_an_undo_keeps_what_was_written_since_elsewhere_in_the_files(accepted: Path) -> None:
    original = _files(accepted)
    root = str(accepted)
    assert (
        kg("registry", "merge", "a-tanabe", "aiko-tanabe", "--reason", "x", "--sources", root)[0]
        == 0
    )
    note = "# a line written after the merge\n"
    for name in ("entities.ttl", "beta/facts.ttl"):
        path = accepted / name
        path.write_text(note + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, _out, err = kg("registry", "unmerge", "1", "--sources", root)
    assert code == 0, err
    for name in ("entities.ttl", "beta/facts.ttl"):
        assert (accepted / name).read_bytes() == note.encode() + original[name]


def test_a_merge_and_the_cross_draft_pass_wait_for_the_sources_lock(accepted: Path) -> None:
    import threading

    from kg.editing import locked
    from kg.merges import merge

    with (accepted / "entities.ttl").open("a", encoding="utf-8") as handle:
        handle.write(
            '\nent:tanabe\n    a kg:Person ;\n    rdfs:label "Aiko Tanabe (minister)"@en .\n'
        )
    registry_before = (accepted / "entities.ttl").read_bytes()
    done: list[str] = []
    with locked(accepted):  # another command is reading and writing the sources
        runs = [
            threading.Thread(
                target=lambda: done.append(str(merge(accepted, "a-tanabe", "tanabe", "one")[0].id))
            ),
            threading.Thread(target=lambda: done.append(f"pass {len(reconcile(accepted))}")),
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=1.0)
        assert done == []  # both wait
        assert (accepted / "entities.ttl").read_bytes() == registry_before
    for run in runs:
        run.join(timeout=60)
    assert sorted(done) == ["1", "pass 0"]
    assert (accepted / "entities.ttl").read_bytes() != registry_before


def test_a_facts_file_that_is_not_utf8_stops_a_merge_in_one_line(accepted: Path) -> None:
    facts = accepted / "beta" / "facts.ttl"
    facts.write_bytes(facts.read_bytes() + b"# \xff\n")
    original = _files(accepted)
    code, _out, err = kg(
        "registry", "merge", "a-tanabe", "aiko-tanabe", "--reason", "x", "--sources",
        str(accepted),
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"error: {facts}: not UTF-8 text") and err.count("\n") == 1
    assert _files(accepted) == original
