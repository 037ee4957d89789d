"""The answer cache of `kg query` and `kg sparql`: a hit writes the very bytes of a miss, any
change to the data is a miss, a damaged entry is recomputed, and a hit loads no RDF library."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kg.api
import kg.cache
from kg.build import Built
from kg.cache import Cache, open_cache
from kg.cli import app
from kg.export import write_outputs

ALLY = (
    "<https://w3id.org/scs-kg/id/china> <https://w3id.org/scs-kg/ontology#allyOf> "
    "<https://w3id.org/scs-kg/id/vietnam> <https://w3id.org/scs-kg/source/extra> .\n"
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of the test's own; data files count as settled at once (SETTLE_SECONDS 0)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    monkeypatch.setattr(kg.cache, "SETTLE_SECONDS", 0.0)
    return folder


@pytest.fixture
def data(out_dir: Path, tmp_path: Path) -> Path:
    """An editable copy of the build folder."""
    target = tmp_path / "out"
    shutil.copytree(out_dir, target)
    return target


class Opens:
    """Counts the graphs the commands open (a hit opens none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = kg.api.KnowledgeGraph.from_built.__func__  # type: ignore[attr-defined]

        def counting(cls: type, *args: object, **kwargs: object) -> object:
            self.count += 1
            return real(cls, *args, **kwargs)

        monkeypatch.setattr(kg.api.KnowledgeGraph, "from_built", classmethod(counting))


def run(*args: str, input: str | None = None) -> tuple[int, bytes, str]:
    """Run the CLI; return exit code, stdout bytes and stderr."""
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout_bytes, result.stderr


def answers(folder: Path) -> list[Path]:
    """The query answers a cache folder holds."""
    return Cache(folder).files(["query"])


@pytest.mark.parametrize(
    "args",
    [
        ["query", "cq2-allies", "-f", "csv"],
        ["query", "cq3-events-of-actor", "-p", "actor=Dong Jun", "-f", "json"],
        ["query", "cq2-allies", "--wide"],
        ["query", "entity-neighbourhood", "-f", "turtle"],
        ["sparql", "SELECT ?s WHERE { ?s a kg:State } ORDER BY ?s", "-f", "xml"],
    ],
    ids=["csv", "json-label-param", "table", "construct", "sparql"],
)
def test_a_hit_writes_the_bytes_of_a_miss(
    args: list[str], data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opens = Opens(monkeypatch)
    code, miss, err = run(*args, "-d", str(data))
    assert code == 0, err
    assert opens.count == 1 and len(answers(cache_dir)) == 1
    code, hit, err = run(*args, "-d", str(data))
    assert (code, err) == (0, "")
    assert opens.count == 1, "the second run loaded the graph: not a hit"
    assert hit == miss and hit


def test_parameters_format_engine_and_width_each_have_their_entry(
    data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["query", "cq3-events-of-actor", "-d", str(data)]
    variants = [
        ["-f", "csv"],
        ["-f", "tsv"],
        ["-f", "csv", "-p", "actor=dong-jun"],
        ["-f", "csv", "-e", "rdflib"],
        ["-f", "table"],
    ]

    def each() -> list[bytes]:
        monkeypatch.setenv("COLUMNS", "100")
        found = [run(*base, *v)[1] for v in variants]
        monkeypatch.setenv("COLUMNS", "60")
        return [*found, run(*base)[1]]  # a narrower table

    first = each()
    assert len(answers(cache_dir)) == len(variants) + 1
    assert len(set(first[:3])) == 3 and first[-1] != first[-2]
    opens = Opens(monkeypatch)
    assert each() == first and opens.count == 0


def test_a_changed_data_file_is_a_miss(
    data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["sparql", "SELECT ?o WHERE { ent:china kg:allyOf ?o }", "-d", str(data), "-f", "csv"]
    before = run(*args)[1]
    assert b"vietnam" not in before
    dump = data / "scs-kg.nq"
    with dump.open("a", encoding="utf-8") as f:
        f.write(ALLY)
    after = run(*args)[1]
    assert b"id/vietnam" in after
    # the same size and modification time, other content: the change time tells
    stat = dump.stat()
    text = dump.read_bytes()
    dump.write_bytes(text.replace(b"id/vietnam", b"id/malaysi"))
    os.utime(dump, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert dump.stat().st_size == stat.st_size and dump.stat().st_mtime_ns == stat.st_mtime_ns
    third = run(*args)[1]
    assert b"id/malaysi" in third and b"id/vietnam" not in third


def test_a_rebuild_is_a_miss(
    data: Path, built: Built, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["query", "cq2-allies", "-d", str(data), "-f", "csv"]
    first = run(*args)[1]
    write_outputs(built, data, [s.iri for s in built.sources])  # a new build in the folder
    opens = Opens(monkeypatch)
    assert run(*args)[1] == first and opens.count == 1
    assert run(*args)[1] == first and opens.count == 1  # and that answer is kept


def _flip(data: bytes) -> bytes:
    head, _sep, body = data.partition(b"\n")
    return head + b"\n" + body.replace(b"Philippines", b"Philippinez", 1)


@pytest.mark.parametrize(
    "fault",
    [lambda d: d[: len(d) // 2], lambda _d: b"", _flip, lambda d: d + b"x,y,z,w\r\n"],
    ids=["cut", "empty", "a cell edited", "a row added"],
)
def test_a_damaged_answer_is_discarded_and_computed_again(
    fault: object, data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["query", "cq2-allies", "-d", str(data), "-f", "csv"]
    miss = run(*args)[1]
    (entry,) = answers(cache_dir)
    assert callable(fault)
    entry.write_bytes(fault(entry.read_bytes()))
    opens = Opens(monkeypatch)
    code, out, err = run(*args)
    assert code == 0 and out == miss and opens.count == 1
    assert err.startswith("warning: cache entry query/") and "damaged" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = run(*args)  # stored again, intact
    assert (code, out, err) == (0, miss, "") and opens.count == 1


def test_a_file_that_just_changed_is_not_cached(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    dump = data / "scs-kg.nq"
    dump.write_bytes(dump.read_bytes())  # changed a moment ago: may change again unseen
    assert kg.cache.SETTLE_SECONDS >= 2
    assert run("query", "cq2-allies", "-d", str(data), "-f", "csv")[0] == 0
    assert answers(tmp_path / "cache") == []


def test_updates_service_errors_and_in_memory_builds_are_not_cached(
    data: Path, cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    select = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run("sparql", select, "-d", str(data), "--allow-update")[0] == 0
    assert run("sparql", select, "-d", str(data), "--allow-service")[0] == 0
    assert run("query", "cq2-allies", "-d", str(data), "-p", "actor=chna")[0] == 2
    assert run("query", "cq2-allies", "-d", str(data), "-f", "yaml")[0] == 2
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no out/ here: the graph is built in memory
    assert run("query", "cq2-allies", "-f", "csv")[0] == 0
    assert answers(cache_dir) == []


@pytest.mark.parametrize(
    "call",
    ["NOW()", "RAND()", "STRUUID()", "UUID()", "BNODE()", "str(now ( ))", "STR(\\u004EOW())"],
)  # rdflib expands `\\u` escapes before parsing (Oxigraph refuses them outside strings)
def test_a_query_calling_a_non_deterministic_function_is_never_replayed(
    call: str, data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opens = Opens(monkeypatch)
    query = f"SELECT ?s ({call} AS ?v) WHERE {{ ?s a kg:State }}"
    args = ["-d", str(data), "-f", "csv", "-e", "rdflib" if "\\u" in call else "oxigraph"]
    first = run("sparql", query, *args)
    second = run("sparql", query, *args)
    assert first[0] == second[0] == 0, first[2]
    assert opens.count == 2 and answers(cache_dir) == []
    if call == "RAND()":
        assert first[1] != second[1]  # a fresh answer each time


@pytest.mark.parametrize(
    "decoy",
    [
        'SELECT ?s ("NOW()" AS ?v) WHERE { ?s a kg:State }',
        "SELECT ?s WHERE { ?s a kg:State } # RAND()",
        "SELECT ?now WHERE { ?now a kg:State }",
        "SELECT ?s WHERE { ?s a kg:State FILTER(?s != <http://example.org/UUID()>) }",
    ],
    ids=["string", "comment", "variable", "iri"],
)
def test_a_function_name_outside_a_call_is_still_answered_from_the_cache(
    decoy: str, data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opens = Opens(monkeypatch)
    assert run("sparql", decoy, "-d", str(data), "-f", "csv")[0] == 0
    assert run("sparql", decoy, "-d", str(data), "-f", "csv")[0] == 0
    assert opens.count == 1 and len(answers(cache_dir)) == 1


def test_cache_info_and_clear_cover_answers(data: Path, cache_dir: Path) -> None:
    run("query", "cq2-allies", "-d", str(data), "-f", "csv")
    run("query", "cq1-states-contesting-claims", "-d", str(data), "-f", "csv")
    marker = cache_dir / "build"
    marker.mkdir()
    (marker / ("0" * 64 + ".json")).write_text("{}", encoding="utf-8")  # another kind's entry
    code, out, _err = run("cache", "info")
    assert code == 0 and "3 entries" in out.decode() and "query 2 (" in out.decode()
    code, _out, err = run("cache", "clear", "--kind", "query")
    assert code == 0 and "removed 2 entries" in err
    assert answers(cache_dir) == [] and len(Cache(cache_dir).files()) == 1
    assert run("cache", "clear", "--kind", "queries")[0] == 2


_PROBE = """
import sys
from kg.console import main
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("rdflib", "pyoxigraph", "typer"))
print("heavy:", heavy, file=sys.stderr)
"""


def test_a_hit_loads_no_rdf_library_nor_the_cli_framework(data: Path, tmp_path: Path) -> None:
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    age = time.time() - (data / "scs-kg.nq").stat().st_ctime
    time.sleep(max(0.0, kg.cache.SETTLE_SECONDS + 0.1 - age))
    args = ["query", "cq2-allies", "-d", str(data), "-f", "tsv"]
    miss = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, check=True
    )
    assert b"heavy: ['pyoxigraph'" in miss.stderr  # the miss ran the query, on kg.cli
    hit = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, check=True
    )
    assert hit.stdout == miss.stdout and hit.stdout.count(b"\n") == 2
    assert hit.stderr.decode().strip() == "heavy: []"
    cache = open_cache(tmp_path / "cache", create=False)
    assert cache is not None and len(cache.files(["query"])) == 1


@pytest.mark.parametrize(
    ("args", "quick"),
    [
        (["-d", "DATA", "-f", "csv", "-p", "actor=dong-jun"], True),
        (["--param=actor=dong-jun", "--data=DATA", "--format", "csv"], True),
        (["--format=csv", "--data", "DATA", "-p", "actor=x", "-p", "actor=dong-jun"], True),
        (["-d", "DATA", "-fcsv", "-p", "actor=dong-jun"], False),  # joined: left to click
        (["-d", "DATA", "-f", "csv", "-p", "actor=dong-jun", "--timeout", "5"], False),
        (["-d", "DATA", "-f", "csv", "-p", "actor=dong-jun", "--help"], False),
        (["-d", "DATA", "-f", "csv", "-p", "actor=dong-jun", "extra"], False),
        (["-d", "DATA", "-f", "tsv", "-p", "actor=dong-jun"], False),  # another format: a miss
        (["-d", "DATA", "-f", "csv"], False),  # another parameter value: a miss
        (["-d", "DATA", "-f", "csv", "-p", "actor=dong-jun", "-e", "rdflib"], False),
    ],
)
def test_the_quick_path_answers_only_what_the_cli_would_read_the_same(
    args: list[str],
    quick: bool,
    data: Path,
    cache_dir: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kg.answers import answered

    full = ["query", "cq3-events-of-actor", "-d", str(data), "-f", "csv", "-p", "actor=dong-jun"]
    stored = run(*full)[1]
    given = ["query", "cq3-events-of-actor", *(str(data) if a == "DATA" else a for a in args)]
    given = [f"--data={data}" if a == "--data=DATA" else a for a in given]
    capsysbinary.readouterr()
    assert answered(given) is quick
    assert capsysbinary.readouterr().out == (stored if quick else b"")
    if quick:  # the full command line reads them as the same query: the same key, a hit
        opens = Opens(monkeypatch)
        assert run(*given)[1] == stored and opens.count == 0


def _query_command() -> Any:
    """The click command `kg query` is, as typer declares it."""
    import typer.main

    return typer.main.get_command(app).commands["query"]  # type: ignore[attr-defined]


def test_kg_query_declares_exactly_the_options_of_the_one_table() -> None:
    """`kg query`'s options are the rows of `kg.options.QUERY_OPTIONS`: flags, kind, default
    and help; an option declared apart from the table fails here."""
    from kg.options import QUERY_OPTIONS

    declared = {
        p.name: (tuple(p.opts), p.is_flag, p.multiple, p.default, p.help)
        for p in _query_command().params
        if p.name != "name"
    }
    assert declared == {
        o.dest: (o.flags, o.kind == "flag", o.kind == "many", o.default, o.help)
        for o in QUERY_OPTIONS.values()
    }


def _spellings(flags: tuple[str, ...], value: str | None) -> list[list[str]]:
    """Every way a command line may give an option: each flag, and `--long=value`."""
    if value is None:
        return [[f] for f in flags]
    return [[f, value] for f in flags] + [[f"{f}={value}"] for f in flags if f.startswith("--")]


# a value for each option of `kg query` (the test fails when an option has none)
_VALUES = {
    "param": "actor=dong-jun",
    "fmt": "csv",
    "data": "DATA",
    "engine": "rdflib",
    "store": "STORE",
    "endpoint": "http://127.0.0.1:9/sparql",
    "timeout": "5",
    "max_response": "1M",
    "wide": None,
    "show_help": None,
}


def test_the_quick_path_reads_a_command_line_as_kg_query_does() -> None:
    """For each option in each spelling, alone and with the others, the quick path reads the
    values click reads, or leaves the command line to the full one (an option of role `full`)."""
    from kg.options import QUERY_OPTIONS, quick_options

    assert set(_VALUES) == set(QUERY_OPTIONS)
    command = _query_command()
    quick = [o for o in QUERY_OPTIONS.values() if o.role != "full"]
    together = [w for o in quick for w in _spellings(o.flags, _VALUES[o.dest])[0]]
    lines = [s for o in QUERY_OPTIONS.values() for s in _spellings(o.flags, _VALUES[o.dest])]
    lines += [together, [*together, "-p", "actor=x"]]
    for words in lines:
        args = ["query", "cq3-events-of-actor", *words]
        read = quick_options(args)
        full = command.make_context("query", args[1:]).params
        if any(o.role == "full" and full[o.dest] != o.default for o in QUERY_OPTIONS.values()):
            assert read is None, words
            continue
        assert read is not None, words
        for option in quick:
            want = full[option.dest]
            want = [*want] if option.kind == "many" and want else (want or option.default)
            got = read[option.dest]
            assert (got if got is None or option.kind != "value" else type(want)(got)) == want


def test_the_quick_path_answers_each_option_as_kg_query_does(
    data: Path,
    cache_dir: Path,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each option the quick path reads, in each spelling: the full command line stores an
    answer, and the quick path writes those very bytes, without loading the graph."""
    from kg.answers import answered
    from kg.options import QUERY_OPTIONS

    monkeypatch.setenv("COLUMNS", "100")
    given = {"DATA": str(data), "STORE": str(tmp_path / "store")}
    for option in QUERY_OPTIONS.values():
        if option.role == "full":
            continue
        for words in _spellings(option.flags, _VALUES[option.dest]):
            words = [given.get(w, w.replace("=DATA", f"={data}")) for w in words]
            words = [w.replace("=STORE", f"={tmp_path / 'store'}") for w in words]
            args = ["query", "cq3-events-of-actor", *words]
            if option.dest != "data":
                args += ["-d", str(data)]
            code, stored, err = run(*args)
            assert code == 0 and stored, (words, err)
            capsysbinary.readouterr()
            opens = Opens(monkeypatch)
            assert answered(args), words
            assert capsysbinary.readouterr().out == stored and opens.count == 0


def test_an_option_added_to_the_table_reaches_the_quick_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new row is read by the quick path and enters the answer's key, with no other edit."""
    from kg import options

    row = options.Option("limit", ("--limit", "-l"), "At most this many rows.", None, "key")
    monkeypatch.setitem(options.QUERY_OPTIONS, "limit", row)
    base = ["query", "cq2-allies", "-f", "csv"]
    read = options.quick_options([*base, "--limit=5"])
    assert read is not None and read["limit"] == "5" and read["fmt"] == "csv"
    short = options.quick_options([*base, "-l", "7"])
    assert short is not None and short["limit"] == "7"
    keys = [options.key_parts(r) for r in (read, short)]
    assert keys[0] is not None and keys[0][-1] == "5" and keys[0] != keys[1]
