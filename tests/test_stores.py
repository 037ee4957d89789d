"""Real SPARQL servers as they come: Oxigraph and Virtuoso 7 in their default set-up.

Each server is started on free loopback ports with its own temporary database and stopped
afterwards: `oxigraph serve --location DIR` (no `--union-default-graph`) and Debian's
`virtuoso-t` with a small virtuoso.ini (its default graph holds its own system graphs) after
`grant SPARQL_UPDATE to "SPARQL"`. On each: `kg push`, every catalog query, `kg sparql` and
`kg describe` give the embedded engine's answers (canonical comparison), pushing twice leaves
the same data, and `--prune` removes a source's graph. A missing Virtuoso skips its tests on a
developer's machine and fails them in CI (`scripts/install-interop.sh` installs it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import catalog
from kg.cli import app
from kg.engines.open import open_engine
from kg.engines.remote import RemoteEngine
from kg.graph import open as open_graph
from tests.test_endpoint import free_port, wait_for
from tests.test_interop import need

pytestmark = pytest.mark.slow  # starts Oxigraph and Virtuoso servers

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
GONE = "https://w3id.org/scs-kg/graph/source/removed-article"

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
ServerThreads = 4
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


# Catalog queries that Virtuoso 7.2.5 (Debian) answers wrongly, and why: none. The queries
# avoid what it gets wrong, each saying so in its text: `BIND (EXISTS { … } AS ?x)` comes back as
# the integer 0 or 1 (the flags are STRDT(COALESCE(…)) over an OPTIONAL sub-select); no rows
# for `?class rdfs:subClassOf* kg:Fact` joined with a variable predicate (the derived graph
# holds the entailed types: `a kg:Fact`); a FILTER over a UNION of branches that BIND ?s and ?o
# applied to one branch only (entity-neighbourhood: each branch its own variables). The list is
# kept exact: an entry must still differ there.
VIRTUOSO_DEFECTS: dict[str, str] = {}
DEFECTS = {"virtuoso": VIRTUOSO_DEFECTS, "oxigraph": {}}


@dataclass
class Server:
    """A running server: its name, Graph Store Protocol URL and SPARQL query URL."""

    name: str
    store: str
    query: str


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _oxigraph(folder: Path) -> Iterator[Server]:
    if not Path(OXIGRAPH).is_file():
        need("oxigraph", False)
    port = free_port()
    proc = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, proc)
        base = f"http://127.0.0.1:{port}"
        yield Server("oxigraph", f"{base}/store", f"{base}/query")
    finally:
        _stop(proc)


def _virtuoso(folder: Path) -> Iterator[Server]:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    need("virtuoso-t (Debian's virtuoso-opensource-7-bin)", binary is not None and bool(isql))
    assert binary is not None and isql is not None
    sql, web = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=folder, sql=sql, http=web), encoding="utf-8")
    proc = subprocess.Popen(
        [binary, "+foreground", "+no-checkpoint", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{web}"
        deadline = time.monotonic() + 90
        while True:  # the HTTP server comes up last, once the new database is made
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso did not start: {log}")
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        grant = subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert grant.returncode == 0, grant.stdout + grant.stderr
        yield Server("virtuoso", f"{base}/sparql-graph-crud", f"{base}/sparql")
    finally:
        _stop(proc)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A real server in its default set-up, empty, on free loopback ports; stopped afterwards."""
    folder = tmp_path_factory.mktemp(request.param)
    start = _oxigraph if request.param == "oxigraph" else _virtuoso
    yield from start(folder)


@pytest.fixture(scope="module")
def pushed(server: Server, out_dir: Path) -> Server:
    """The server after `kg push` of the build."""
    code, _out, err = run("push", "--endpoint", server.store, "--data", str(out_dir))
    assert code == 0, err
    return server


def _quads(path: Path) -> set[ox.Quad]:
    return set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def _graph_names(out_dir: Path) -> list[str]:
    return sorted({q.graph_name.value for q in _quads(out_dir / "scs-kg.nq")})


def _count(url: str) -> int:
    return int(str(RemoteEngine(url).run(COUNT).rows[0][0]))


def test_push_gives_the_build_and_twice_the_same(pushed: Server, out_dir: Path) -> None:
    quads = len(_quads(out_dir / "scs-kg.nq"))
    assert RemoteEngine(pushed.query).server_graphs() == _graph_names(out_dir)
    assert _count(pushed.query) == quads
    code, _out, err = run("push", "--endpoint", pushed.store, "--data", str(out_dir))
    assert code == 0, err
    assert RemoteEngine(pushed.query).server_graphs() == _graph_names(out_dir)
    assert _count(pushed.query) == quads


def test_the_server_default_graph_is_not_the_build(pushed: Server, out_dir: Path) -> None:
    """What the dataset parameters fix: the server's own default graph differs from the union."""
    from kg.engines.http import http
    from kg.engines.remote import read_answer

    body = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    data, ctype = http(
        "POST",
        pushed.query,
        body.encode(),
        "application/x-www-form-urlencoded",
        "application/sparql-results+json",
    )
    bare = int(str(read_answer(pushed.query, data, ctype).rows[0][0]))
    union = len({q.triple for q in _quads(out_dir / "scs-kg.nq")})
    assert bare != union  # Oxigraph: empty default graph; Virtuoso: system graphs as well
    n = RemoteEngine(pushed.query).run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert int(str(n)) == union


@pytest.mark.parametrize("name", sorted(catalog.load_catalog()))
def test_catalog_query_matches_the_embedded_engine(
    name: str, pushed: Server, out_dir: Path
) -> None:
    remote = RemoteEngine(pushed.query)
    local = open_engine(open_graph(out_dir))
    query = catalog.get(name)
    bound = catalog.bind(query, {}, remote.exists, remote.local_names)
    assert bound == catalog.bind(query, {}, local.exists, local.local_names)
    expected = local.run(query.text, bound).canonical()
    if name in DEFECTS[pushed.name]:
        assert remote.run(query.text, bound).canonical() != expected, (
            f"{pushed.name} now agrees on {name}: remove it from its defects"
        )
        return
    assert remote.run(query.text, bound).canonical() == expected


def test_cli_query_sparql_and_describe_match(pushed: Server, out_dir: Path) -> None:
    for args in (
        ["query", "cq1-states-contesting-claims", "-p", "claimant=china", "-f", "tsv"],
        ["query", "cq3-events-of-actor", "-p", "actor=dong-jun", "-f", "tsv"],
        ["sparql", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"],
        ["sparql", "ASK { ?s a <https://w3id.org/scs-kg/ontology#State> }", "-f", "json"],
        ["describe", "dong-jun"],
    ):
        if args[0] == "describe" and "entity-facts" in DEFECTS[pushed.name]:
            continue
        code, remote, err = run(*args, "--endpoint", pushed.query)
        assert code == 0, err
        code, local, err = run(*args, "--data", str(out_dir))
        assert code == 0, err
        if args[0] == "sparql" and "-f" not in args:
            assert sorted(remote.splitlines()) == sorted(local.splitlines())
        else:
            assert remote == local, args


def test_prune_removes_a_source_no_longer_in_the_build(
    pushed: Server, out_dir: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "with-removed.nq"
    gone = f'<{GONE}#x> <http://www.w3.org/2000/01/rdf-schema#label> "gone" <{GONE}> .\n'
    extra.write_bytes((out_dir / "scs-kg.nq").read_bytes() + gone.encode())
    code, _out, err = run("push", "--endpoint", pushed.store, "--data", str(extra))
    assert code == 0, err
    engine = RemoteEngine(pushed.query)
    assert GONE in engine.server_graphs()
    code, _out, err = run("push", "--endpoint", pushed.store, "--data", str(out_dir))
    assert code == 0, err
    assert GONE in engine.server_graphs()  # the default: left on the server
    args = ["push", "--endpoint", pushed.store, "--data", str(out_dir), "--prune"]
    code, _out, err = run(*args)
    assert code == 2 and "--query-endpoint" in err
    code, _out, err = run(*args, "--query-endpoint", pushed.query)
    assert code == 0, err
    assert f"DELETE {GONE}" in err
    assert engine.server_graphs() == _graph_names(out_dir)
    assert _count(pushed.query) == len(_quads(out_dir / "scs-kg.nq"))
