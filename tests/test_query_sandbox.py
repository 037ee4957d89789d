"""The query engine as a sandbox, and the on-disk store, against hostile or careless input.

Each test ran `kg` in a fresh process on
the real engines (pyoxigraph and rdflib) and failed before the fix: a user's folder filled with
RocksDB files, SERVICE requests sent, `FROM <file:...>` read, a segfault (exit 139), tracebacks.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from kg import catalog
from kg.api import KnowledgeGraph
from kg.engines.remote import values_block, with_values
from kg.errors import InputError
from kg.sandbox import MAX_DEPTH, MAX_TOKENS, tokens

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ["oxigraph", "rdflib"]
ONTOLOGY = "https://w3id.org/scs-kg/graph/ontology"
ENTITIES = "https://w3id.org/scs-kg/graph/entities"


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m kg ARGS` in a fresh process (exit codes and crashes are real)."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=ROOT,
        env=dict(os.environ, **(env or {})),
        capture_output=True,
        text=True,
        check=False,
    )


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the same `kg` command in this process (faster; for cases that cannot crash it)."""
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, list(args), env=env)
    out = result.stdout_bytes.decode("utf-8").replace("\r\n", "\n")
    return subprocess.CompletedProcess(list(args), result.exit_code, out, result.stderr)


def refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    """The command failed with exit 2, nothing on stdout and one line naming the fault."""
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-1000:]
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]


def count(out_dir: Path, graph: str | None = None) -> int:
    """The number of quads of the build (or of one of its graphs), read by pyoxigraph."""
    quads = ox.parse(path=str(out_dir / "scs-kg.nq"), format=ox.RdfFormat.N_QUADS)
    return sum(1 for q in quads if graph is None or q.graph_name == ox.NamedNode(graph))


# --- --store uses only a store kg made -----------------------------------------------


def test_store_refuses_a_users_folder_a_foreign_database_and_a_file(
    out_dir: Path, tmp_path: Path
) -> None:
    users = tmp_path / "notes"
    users.mkdir()
    (users / "notes.txt").write_text("mine\n", encoding="utf-8")
    refused(kg("query", "cq2-allies", "-d", str(out_dir), "--store", str(users)), "not a store")
    assert sorted(p.name for p in users.iterdir()) == ["notes.txt"]

    foreign = tmp_path / "foreign"
    db = ox.Store(str(foreign))
    db.add(ox.Quad(ox.NamedNode("http://f/s"), ox.NamedNode("http://f/p"), ox.Literal("mine")))
    db.flush()
    del db
    refused(kg("query", "cq2-allies", "-d", str(out_dir), "--store", str(foreign)), "not a store")
    assert len(ox.Store.read_only(str(foreign))) == 1

    a_file = tmp_path / "a-file"
    a_file.write_text("mine\n", encoding="utf-8")
    refused(kg("sparql", "ASK {}", "-d", str(out_dir), "--store", str(a_file)), "is a file")
    assert a_file.read_text(encoding="utf-8") == "mine\n"


def test_store_refuses_updates_and_memory_says_nothing_was_saved(
    out_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    insert = "INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }"
    ask = "ASK { <http://a/s> ?p ?o }"
    base = ["-d", str(out_dir), "--store", str(store)]
    assert kg("sparql", ask, *base).stdout == "no\n"
    assert (store / "scs-kg-store.json").is_file()
    refused(kg("sparql", insert, *base, "--allow-update"), "updates are refused there")
    assert kg("sparql", ask, *base).stdout == "no\n"  # reused, and unchanged
    done = kg("sparql", insert, "-d", str(out_dir), "--allow-update")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == (
        "update done in memory only: nothing was saved (it changed this process's copy of "
        f"{out_dir / 'scs-kg.nq'}; the next command will not see it)"
    )


# --- SERVICE only with --allow-service -----------------------------------------------


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[str]]]:
    """A SPARQL endpoint on a free loopback port that records each request it gets."""
    seen: list[str] = []
    answer = json.dumps(
        {
            "head": {"vars": ["x"]},
            "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
        }
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self) -> None:
            seen.append(self.command)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = reply

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_unless_allowed(
    engine: str, out_dir: Path, endpoint: tuple[str, list[str]]
) -> None:
    url, seen = endpoint
    base = ["-d", str(out_dir), "-e", engine, "-f", "csv"]
    query = f"SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }}"
    refused(kg("sparql", query, *base), "refused without --allow-service")
    escaped = query.replace("SERVICE", "\\u0053ERVICE")  # rdflib expands it before parsing
    refused(kg("sparql", escaped, *base), "refused without --allow-service")
    assert seen == []
    harmless = 'SELECT ?service WHERE { BIND("SERVICE <http://x/>" AS ?service) } # SERVICE'
    assert cli("sparql", harmless, *base).stdout.splitlines() == ["service", "SERVICE <http://x/>"]
    done = kg("sparql", query, *base, "--allow-service")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["x", "remote"]
    assert seen


def test_service_is_refused_at_the_engine_for_every_caller(out_dir: Path) -> None:
    graph = KnowledgeGraph.open(out_dir)
    with pytest.raises(InputError, match="--allow-service"):
        graph.engine.run("ASK { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    with pytest.raises(InputError, match="--allow-service"):
        graph.engine.update("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/> {} }")


# --- FROM selects graphs of the loaded dataset; LOAD is refused ----------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_from_never_reads_a_file_and_selects_the_datasets_graphs(
    engine: str, out_dir: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text('<http://s/secret> <http://s/p> "SECRET" .\n', encoding="utf-8")
    base = ["-d", str(out_dir), "-e", engine, "-f", "csv"]
    done = cli("sparql", f"SELECT ?s ?p ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}", *base)
    assert done.returncode == 0, done.stderr
    assert "SECRET" not in done.stdout and done.stdout.splitlines() == ["s,p,o"]
    n = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    one = cli("sparql", n.format(f"FROM <{ONTOLOGY}>"), *base).stdout.splitlines()[1]
    assert int(one) == count(out_dir, ONTOLOGY)
    two = cli("sparql", n.format(f"FROM <{ONTOLOGY}> FROM <{ENTITIES}>"), *base)
    assert int(two.stdout.splitlines()[1]) == count(out_dir, ONTOLOGY) + count(out_dir, ENTITIES)
    named = (
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert cli("sparql", named, *base).stdout.splitlines()[1:] == [
        f"{ONTOLOGY},{count(out_dir, ONTOLOGY)}"
    ]
    load = f"LOAD <{secret.as_uri()}>"
    refused(cli("sparql", load, *base, "--allow-update"), "LOAD reads a file or a URL")


# --- over-deep and over-long queries -------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_over_deep_and_over_long_queries_are_refused(
    engine: str, out_dir: Path, tmp_path: Path
) -> None:
    base = ["-d", str(out_dir), "-e", engine, "-f", "csv"]
    deep = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
    refused(kg("sparql", deep, *base), f"the limit is {MAX_DEPTH}")
    union = tmp_path / "union.rq"  # too long for an argument
    union.write_text(
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 20_000) + " }", encoding="utf-8"
    )
    refused(kg("sparql", "--file", str(union), *base), f"the limit is {MAX_TOKENS}")
    # the deepest nesting allowed runs on both engines (rdflib failed at about 30 levels)
    at_limit = "ASK { FILTER(" + "(" * (MAX_DEPTH - 2) + "true" + ")" * (MAX_DEPTH - 2) + ") }"
    assert cli("sparql", at_limit, *base).stdout.splitlines() == ["_askResult", "true"]


# --- one line instead of a traceback ------------------------------------------------


def test_engine_side_errors_are_one_line(out_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "q.rq"
    bad.write_bytes(b'SELECT * WHERE { ?s ?p "\xff" }')
    refused(cli("sparql", "--file", str(bad), "-d", str(out_dir)), f"{bad}: not UTF-8 at byte 24")
    for value in ("nan", "inf", "-1", "0"):
        done = cli("sparql", "ASK {}", "-d", str(out_dir), "--timeout", value)
        refused(done, f"--timeout {value}: want a positive number of seconds")
    refused(
        cli("sparql", "SELECT * WHERE { ?s foo:bar ?o }", "-d", str(out_dir), "-e", "rdflib"),
        "unknown prefix 'foo:': declare it with PREFIX",
    )
    a_file = tmp_path / "cache-file"
    a_file.write_text("", encoding="utf-8")
    done = kg("sparql", "ASK {}", "-d", str(out_dir), env={"KG_CACHE_DIR": str(a_file)})
    assert (done.returncode, done.stdout) == (0, "yes\n"), done.stderr


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("name", "body", "line"),
    [
        ("bad.nq", "<http://a/> <http://b/> <http://c/> .\ngarbage <<< here\n", 2),
        ("bad.ttl", '@prefix x: <http://x/> .\nx:a x:b x:c .\nx:a x:b "open .\n', 3),
        ("bad.trig", "<http://g/> { <http://a/> <http://b/> }\n", 1),
    ],
)
def test_malformed_data_names_the_file_and_line(
    engine: str, name: str, body: str, line: int, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    refused(cli("sparql", "ASK {}", "-d", str(path), "-e", engine), f"{path}:{line}: malformed")


# --- parameter binding: arbitrary Unicode never changes a query's shape -----------------

ECHO = "SELECT ?value WHERE { }"
STRING = catalog.Param("value", "string")
IRI = catalog.Param("value", "iri")
text = st.text(st.characters(codec="utf-8"), max_size=40)


@pytest.fixture(scope="module")
def engines(dataset: object) -> dict[str, KnowledgeGraph]:
    """Both embedded engines over the built graph, in memory."""
    return {e: KnowledgeGraph.from_dataset(dataset, engine=e) for e in ENGINES}  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(value=text)
def test_a_string_parameter_comes_back_unchanged(
    value: str, engines: dict[str, KnowledgeGraph]
) -> None:
    term = catalog.to_term(STRING, value)
    assert term == Literal(value)
    for graph in engines.values():
        assert graph.run(ECHO, {"value": term}).rows == [(Literal(value),)]
    # an endpoint gets the value in a VALUES block: one term, the query's tokens kept
    sent = with_values(ECHO, {"value": term})
    assert tokens(sent) == [*tokens(ECHO)[:4], *tokens(values_block({"value": term})), "}"]
    assert len(tokens(values_block({"value": term}))) == len(
        tokens(values_block({"value": Literal("x")}))
    )
    store = ox.Store()
    assert [s["value"] for s in store.query(sent)] == [ox.Literal(value)]  # type: ignore[union-attr]


@settings(max_examples=60, deadline=None)
@given(local=text)
def test_an_iri_parameter_comes_back_unchanged_or_is_refused(
    local: str, engines: dict[str, KnowledgeGraph]
) -> None:
    value = "http://example.org/" + local
    try:
        term = catalog.to_term(IRI, value)
    except InputError as exc:
        assert str(exc).startswith("parameter value (iri): ") and "\n" not in str(exc)
        return
    assert term == URIRef(value.strip())  # surrounding white space is not part of it
    for graph in engines.values():
        assert graph.run(ECHO, {"value": term}).rows == [(term,)]
    sent = with_values(ECHO, {"value": term})
    assert len(tokens(sent)) == len(tokens(with_values(ECHO, {"value": URIRef("http://x/")})))
    assert [s["value"] for s in ox.Store().query(sent)] == [ox.NamedNode(str(term))]  # type: ignore[union-attr]


# --- a query file or standard input is read no further than 1 MiB -------------------


def test_a_query_over_1_mib_is_refused_unread(out_dir: Path, tmp_path: Path) -> None:
    from kg.sandbox import MAX_QUERY_BYTES

    over = f"over {MAX_QUERY_BYTES:,} bytes (1 MiB) is refused, read no further"
    refused(kg("sparql", "--file", "/dev/zero", "-d", str(out_dir)), f"/dev/zero: a query {over}")
    at_limit = "ASK {} #" + "x" * (MAX_QUERY_BYTES - 9) + "\n"
    assert len(at_limit.encode()) == MAX_QUERY_BYTES
    done = subprocess.run(
        [sys.executable, "-m", "kg", "sparql", "-d", str(out_dir), "-f", "csv"],
        input=at_limit,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.splitlines()) == (0, ["_askResult", "true"]), done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "kg", "sparql", "-", "-d", str(out_dir)],
        input=at_limit + "#",
        capture_output=True,
        text=True,
        check=False,
    )
    refused(done, f"standard input: a query {over}")
    folder = tmp_path / "folder.rq"
    folder.mkdir()
    refused(cli("sparql", "--file", str(folder), "-d", str(out_dir)), "a folder, not a query file")
