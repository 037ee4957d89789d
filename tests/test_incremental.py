"""Incremental rebuilds: after an edit, only the edited source is compiled and validated again,
and the dataset and verdicts are exactly those of a cold build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

import kg.build
import kg.cache
import kg.validation
import kg.validation.by_source
from bench.generate import generate, parse_size
from kg.build import Built, build
from kg.cache import Cache
from kg.derive import derive, entailed_types, superclasses
from kg.errors import InputError
from kg.export import write_outputs
from kg.namespaces import (
    DERIVED_GRAPH,
    ENT,
    ENTITIES_GRAPH,
    FACT,
    KG,
    ONTOLOGY_GRAPH,
    PREFIXES,
    SRC,
    source_graph,
)
from kg.validation import run_violation_queries, shacl, union, validate, validate_whole

pytestmark = pytest.mark.slow  # builds and validates a multi-source corpus several times

Quad = tuple[Any, Any, Any, Any]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "sources"
    generate(folder, parse_size("4k"))
    return folder


@pytest.fixture
def sources(corpus: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(corpus, tmp_path / "sources"))


def _quads(ds: Dataset) -> set[Quad]:
    return {
        (s, p, o, getattr(g, "identifier", g)) for s, p, o, g in ds.quads((None, None, None, None))
    }


def _same(a: Built, b: Built) -> None:
    """Two builds have the same quads, graphs and prefixes (counted with and without rdflib)."""
    counts = (a.quad_count(), b.quad_count(), len(a.store()))  # before the datasets are made
    assert _quads(a.dataset) == _quads(b.dataset)
    assert sorted(a.dataset.namespaces()) == sorted(b.dataset.namespaces())
    bound = {p: str(ns) for p, ns in a.dataset.namespaces() if str(ns).startswith(str(FACT))}
    assert a.prefixes() == b.prefixes() == dict(sorted((PREFIXES | bound).items()))
    assert counts == (len(a.dataset),) * 3


def _union_verdicts(ds: Dataset) -> list[kg.validation.Violation]:
    """The verdicts of validating the union in one piece: the reference."""
    return shacl(union(ds)) + run_violation_queries(ds)


def _append(sources: Path, slug: str, turtle: str) -> None:
    facts = sources / slug / "facts.ttl"
    with facts.open("a", encoding="utf-8") as f:
        f.write(turtle)


def _fact(built: Built, slug: str, cls: URIRef) -> URIRef:
    found = sorted(built.dataset.graph(source_graph(slug)).subjects(RDF.type, cls))
    assert found, (slug, cls)
    node = found[0]
    assert isinstance(node, URIRef)
    return node


class Spy:
    """Counts the work of a build and a validation: compiled sources, validated sources and
    cache entries read back after the build accepted them (their keys)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # the work counted is this process's: no worker processes (tests/test_parallel.py
        # checks that a build with workers does the same work, by its cache entries)
        monkeypatch.setenv("KG_JOBS", "1")
        self.compiled: list[str] = []
        self.validated: list[str] = []
        self.read: list[str] = []
        compile_source, check_sources = (
            kg.build.compile_source,
            kg.validation.by_source.check_sources,
        )
        body = kg.cache.Entry.body

        def compiling(source: Any, g: Graph) -> None:
            self.compiled.append(source.slug)
            compile_source(source, g)

        def checking(built: Built, todo: list[int], *args: Any) -> Any:
            self.validated.extend(built.units[i].slug for i in todo)
            return check_sources(built, todo, *args)

        def reading(entry: kg.cache.Entry) -> bytes:
            self.read.append(entry.key)
            return body(entry)

        monkeypatch.setattr(kg.build, "compile_source", compiling)
        monkeypatch.setattr(kg.validation.by_source, "check_sources", checking)
        monkeypatch.setattr(kg.cache.Entry, "body", reading)

    def reset(self) -> None:
        """Forget the work counted so far."""
        self.compiled.clear()
        self.validated.clear()
        self.read.clear()


def test_a_warm_rebuild_after_an_edit_equals_a_cold_build(sources: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert validate(build(sources, cache=cache), cache=cache) == []
    _append(sources, "bench-000004", "# edited\n")
    facts = sources / "bench-000007" / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    assert "kg:status kg:Past" in text
    facts.write_text(text.replace("kg:status kg:Past", "kg:status kg:Planned", 1), "utf-8")
    warm = build(sources, cache=cache)
    cold = build(sources, cache=None)
    _same(warm, cold)
    assert (None, KG.status, KG.Planned) in warm.dataset.graph(source_graph("bench-000007"))
    assert validate(warm, cache=cache) == validate_whole(cold, cache=None) == []
    assert _union_verdicts(cold.dataset) == []


def test_only_the_edited_source_is_compiled_and_validated_again(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    spy = Spy(monkeypatch)
    validate(build(sources, cache=cache), cache=cache)
    everything = sorted(p.name for p in sources.iterdir() if p.is_dir())
    assert sorted(spy.compiled) == sorted(spy.validated) == everything
    spy.reset()
    _append(sources, "bench-000005", "# edited\n")  # new bytes, the same graph
    assert validate(build(sources, cache=cache), cache=cache) == []
    assert spy.compiled == ["bench-000005"] and spy.validated == []  # verdicts follow content
    spy.reset()
    _append(sources, "bench-000005", 'src:bench-000005 rdfs:comment "edited"@en .\n')
    built = build(sources, cache=cache)
    assert validate(built, cache=cache) == []
    assert spy.compiled == spy.validated == ["bench-000005"]
    # no other source's graph is read back: only the edited one's (compiled, then derived)
    unit = next(u for u in built.units if u.slug == "bench-000005")
    assert spy.read and set(spy.read) == {unit.key}
    # nothing at all on a rebuild without an edit
    spy.reset()
    assert validate(build(sources, cache=cache), cache=cache) == []
    assert spy.compiled == spy.validated == spy.read == []


def test_an_edit_that_breaks_a_shape_is_caught_on_the_warm_rebuild(
    sources: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    before = build(sources, cache=cache)
    assert validate(before, cache=cache) == []
    stmt = _fact(before, "bench-000002", KG.Statement)
    facts = sources / "bench-000002" / "facts.ttl"
    original = facts.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    speaker = next(i for i, line in enumerate(lines) if "kg:speaker" in line)
    del lines[speaker]
    facts.write_text("".join(lines), encoding="utf-8")
    warm = build(sources, cache=cache)
    found = validate(warm, cache=cache)
    assert [v.check for v in found] == ["kgsh:StatementShape"]
    assert found[0].focus == f"<{stmt}>"
    cold = build(sources, cache=None)
    assert found == validate_whole(cold, cache=None) == _union_verdicts(cold.dataset)
    # and mending it makes the next rebuild conform again
    facts.write_text(original, encoding="utf-8")
    assert validate(build(sources, cache=cache), cache=cache) == []


def test_faults_across_sources_give_the_verdicts_of_the_union(
    sources: Path, tmp_path: Path
) -> None:
    """Faults whose verdict depends on triples of other sources, added to a warm cache."""
    cache = tmp_path / "cache"
    before = build(sources, cache=cache)
    assert validate(before, cache=cache) == []
    role = _fact(before, "bench-000002", KG.RoleHolding)
    stmt1 = _fact(before, "bench-000001", KG.Statement)
    # a statement whose speaker is a fact of another source (not an actor)
    _append(sources, "bench-000001", f"<{stmt1}> kg:speaker <{role}> .\n")
    # a fact without a quote, thus without evidence: its direct edge is untraced
    naked = FACT["bench-000006/naked"]
    _append(
        sources,
        "bench-000006",
        f"<{naked}> a kg:Membership ; kg:member ent:china ; kg:organization ent:asean .\n",
    )
    warm = build(sources, cache=cache)
    cold = build(sources, cache=None)
    _same(warm, cold)
    found = validate(warm, cache=cache)
    checks = {v.check for v in found}
    assert {"derived-edge-untraced-violation", "kgsh:StatementShape"} <= checks
    assert found == validate_whole(cold, cache=None) == _union_verdicts(cold.dataset)
    assert validate(build(sources, cache=cache), cache=cache) == found  # again, from the cache


def test_describing_what_another_source_or_the_registry_owns_is_refused(
    sources: Path, tmp_path: Path
) -> None:
    """A source never describes another source's facts nor a registry entity: two sources
    cannot mint the same fact, and the build names the file, line and node."""
    before = build(sources, cache=tmp_path / "cache")
    event3 = sorted(before.dataset.graph(source_graph("bench-000003")).subjects(KG.status, None))
    newcomer = ENT["newcomer"]
    for slug, turtle, why in [
        ("bench-000002", f"<{event3[0]}> kg:status kg:Planned .\n", "another source's namespace"),
        ("bench-000001", f'<{newcomer}> a kg:State ; rdfs:label "N"@en .\n', "registry entity"),
    ]:
        facts = sources / slug / "facts.ttl"
        original = facts.read_text(encoding="utf-8")
        _append(sources, slug, turtle)
        with pytest.raises(InputError, match=why) as raised:
            build(sources, cache=tmp_path / "cache")
        line = len(original.split("\n"))
        assert str(raised.value).startswith(f"{facts}:{line}: ")
        facts.write_text(original, encoding="utf-8")


def test_a_fault_inside_one_source_is_found_source_by_source(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    validate(build(sources, cache=cache), cache=cache)
    naked = FACT["bench-000008/naked"]
    _append(
        sources,
        "bench-000008",
        f"<{naked}> a kg:Membership ; kg:member ent:china ; kg:organization ent:asean .\n",
    )
    spy = Spy(monkeypatch)
    warm = build(sources, cache=cache)
    found = validate(warm, cache=cache)
    assert spy.validated == ["bench-000008"]  # the fast path: no whole-dataset validation
    assert {v.check for v in found} == {"kgsh:FactShape", "derived-edge-untraced-violation"}
    cold = build(sources, cache=None)
    assert found == validate_whole(cold, cache=None) == _union_verdicts(cold.dataset)


@pytest.mark.parametrize(
    ("turtle", "check"),
    [
        ("<{fact}> a kg:Inference .\n", "inference-record-violation"),
        (
            "<{fact}> a kg:Statement ; kg:speaker ent:china ; kg:statementType kg:Labelling .\n",
            "statement-type-slots-violation",
        ),
        ("<{fact}> a kg:Seizure .\n", "seizure-slots-violation"),
    ],
)
def test_slot_checks_are_found_source_by_source_as_on_the_union(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, turtle: str, check: str
) -> None:
    cache = tmp_path / "cache"
    validate(build(sources, cache=cache), cache=cache)
    _append(sources, "bench-000008", turtle.format(fact=FACT["bench-000008/faulty"]))
    spy = Spy(monkeypatch)
    warm = build(sources, cache=cache)
    found = validate(warm, cache=cache)
    assert spy.validated == ["bench-000008"]
    assert check in {v.check for v in found}
    cold = build(sources, cache=None)
    assert found == validate_whole(cold, cache=None) == _union_verdicts(cold.dataset)


def test_removing_a_source_removes_its_graphs_and_edges(sources: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = build(sources, cache=cache)
    gone = "bench-000003"
    assert len(before.dataset.graph(source_graph(gone)))
    shutil.rmtree(sources / gone)
    warm = build(sources, cache=cache)
    _same(warm, build(sources, cache=None))
    assert gone not in {u.slug for u in warm.units} | {s.slug for s in warm.sources}
    assert not len(warm.dataset.graph(source_graph(gone)))
    mine = (str(FACT[gone + "/"]), str(SRC[gone]))
    assert not [q for q in _quads(warm.dataset) if any(str(t).startswith(mine) for t in q)]
    assert gone not in warm.prefixes()
    assert validate(warm, cache=cache) == []


def _union_derived(built: Built) -> set[Any]:
    facts = Graph()
    for unit in built.units:
        facts += built.dataset.graph(unit.graph.name)
    out = Graph()
    supers = superclasses(built.dataset.graph(ONTOLOGY_GRAPH))
    derive(facts, out, supers)  # with the types the class hierarchy entails (rdfs9)
    for shared in (ONTOLOGY_GRAPH, ENTITIES_GRAPH):  # and those of the registry's nodes
        out.addN((s, p, o, out) for s, p, o in entailed_types(built.dataset.graph(shared), supers))
    return set(out)


def test_direct_edges_equal_those_derived_from_the_union(sources: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = build(sources, cache=cache)
    assert set(built.dataset.graph(DERIVED_GRAPH)) == _union_derived(built)
    assert not len(built.cross.load())  # every source derives its own edges
    # a claim contested in another source than the claim's: the edge joins two sources
    claims = [
        (u.slug, c)
        for u in built.units
        for c in built.dataset.graph(u.graph.name).subjects(RDF.type, KG.TerritorialClaim)
    ]
    slug, claim = claims[0]
    claimant = built.dataset.value(claim, KG.claimant)
    other = next(u.slug for u in built.units if u.slug != slug)
    contest = FACT[f"{other}/contest-elsewhere"]
    _append(
        sources,
        other,
        f"<{contest}> a kg:ClaimContest ; kg:contester ent:japan ; kg:contestedClaim <{claim}> .\n",
    )
    warm = build(sources, cache=cache)
    derived = set(warm.dataset.graph(DERIVED_GRAPH))
    assert (ENT["japan"], KG.contestsClaimOf, claimant) in derived
    assert derived == _union_derived(warm)
    assert len(warm.cross.load())
    _same(warm, build(sources, cache=None))
    cold = build(sources, cache=None)
    assert validate(warm, cache=cache) == _union_verdicts(cold.dataset)
    assert build(sources, cache=cache).quad_count() == len(cold.dataset)
    exported = build(sources, cache=cache)  # the count the exports keep, edges across sources
    write_outputs(exported, tmp_path / "out")
    assert exported.quad_count() == len(cold.dataset)


def test_the_packaged_article_builds_and_validates_the_same_lazily(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for _ in range(2):  # cold, then warm
        built = build(cache=cache)
        assert validate(built, cache=cache) == []
        assert set(built.dataset.graph(DERIVED_GRAPH)) == _union_derived(built)
        _same(built, build(cache=None))


def _age(path: Path, days: float) -> None:
    when = time.time() - days * 86400
    os.utime(path, (when, when))


def test_pruning_removes_only_stale_entries(sources: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    validate(build(sources, cache=cache), cache=cache)
    for path in Cache(cache).files():
        _age(path, 40)  # everything long unused...
    _append(sources, "bench-000009", 'src:bench-000009 rdfs:comment "edited"@en .\n')
    validate(build(sources, cache=cache), cache=cache)  # ...but what this build uses
    used = {p for p in Cache(cache).files() if p.stat().st_mtime > time.time() - 3600}
    stale = set(Cache(cache).files()) - used
    assert len(stale) == 3  # the edited source's old compiled graph, edges and verdicts
    assert {p.parent.name for p in stale} == {"build", "derive", "validate"}
    foreign = [cache / "notes.txt", cache / "build" / "mine.nt", tmp_path / "elsewhere.nt"]
    for path in foreign:
        path.write_text("not the project's", encoding="utf-8")
        _age(path, 400)
    assert Cache(cache).prune(30)[0] == 3
    assert set(Cache(cache).files()) == used
    assert all(p.exists() for p in foreign)
    assert Cache(cache).prune(30) == (0, 0)
    validate(build(sources, cache=cache), cache=cache)  # still a complete cache
    assert set(Cache(cache).files()) == used
    count, size = Cache(cache).prune()  # clear
    assert count == len(used) and size > 0
    assert Cache(cache).files() == [] and all(p.exists() for p in foreign)


def test_kg_build_prunes_stale_entries_once_a_day(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kg build` removes entries unused for 30 days, looking at the entries at most once a
    day (the time of the cache's `last-pruned` file), never through a link of someone's."""
    from typer.testing import CliRunner

    from kg.cache import PRUNED_FILE
    from kg.cli import app

    cache = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(cache))
    runner = CliRunner()

    def kg_build() -> None:
        done = runner.invoke(
            app, ["build", "--sources", str(sources), "--out", str(tmp_path / "o")]
        )
        assert done.exit_code == 0, done.output

    def stale(name: str) -> Path:
        path = cache / "build" / f"{name * 64}.nt"
        path.write_bytes(b"an entry no build used for 40 days")
        _age(path, 40)
        return path

    kg_build()
    stamp = cache / PRUNED_FILE
    assert stamp.is_file() and stamp.stat().st_size == 0
    old = stale("a")
    kg_build()
    assert old.exists()  # pruned less than a day ago
    _age(stamp, 2)
    kg_build()
    assert not old.exists() and time.time() - stamp.stat().st_mtime < 3600
    theirs = tmp_path / "theirs.txt"
    theirs.write_text("someone's", encoding="utf-8")
    _age(theirs, 400)
    stamp.unlink()
    stamp.symlink_to(theirs)
    old = stale("b")
    kg_build()
    assert not old.exists()  # pruned, and the link and its target left as they were
    assert stamp.is_symlink() and time.time() - theirs.stat().st_mtime > 300 * 86400


def test_kg_cache_commands(sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    cache = tmp_path / "cache"
    build(sources, cache=cache)
    monkeypatch.setenv("KG_CACHE_DIR", str(cache))
    runner = CliRunner()
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0 and f"{len(Cache(cache).files())} entries" in info.output
    kept = runner.invoke(app, ["cache", "prune", "--days", "1"])
    assert kept.exit_code == 0 and Cache(cache).files()
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and Cache(cache).files() == []
    bad = runner.invoke(app, ["cache", "prune", "--days", "-1"])
    assert bad.exit_code == 2
    monkeypatch.setenv("KG_CACHE_DIR", "")
    off = runner.invoke(app, ["cache", "prune"])
    assert off.exit_code == 2 and "cache is turned off" in off.output
