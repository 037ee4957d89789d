"""`kg queries`, `kg query`, `kg sparql`, `kg describe`, `kg push` and `kg serve`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import errors, say
from kg.errors import InputError

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        help="A build folder (with scs-kg.nq) or an RDF file; default: out/, else build now.",
    ),
]
EngineOption = Annotated[
    str, typer.Option("--engine", "-e", help="Embedded engine: oxigraph (default) or rdflib.")
]
StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="On-disk Oxigraph store folder: loaded once, then reused."),
]
EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint", help="A remote SPARQL 1.1 query endpoint URL instead."),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="table|csv|tsv|json|xml (SELECT/ASK); turtle|nt|json-ld (CONSTRUCT/DESCRIBE).",
    ),
]
TimeoutOption = Annotated[
    float | None, typer.Option("--timeout", help="Stop the query after this many seconds.")
]
ServiceOption = Annotated[
    bool,
    typer.Option(
        "--allow-service", help="Let SERVICE send (parts of) the query to other endpoints."
    ),
]


def register(app: typer.Typer) -> None:
    """Add the query commands to the app."""
    app.command("queries")(queries)
    app.command("query")(query)
    app.command("sparql")(sparql)
    app.command("describe")(describe)
    app.command("push")(push)
    app.command("serve")(serve)


def _open(
    data: Path | None,
    engine: str,
    store: Path | None,
    endpoint: str | None,
    timeout: float | None,
    allow_service: bool = False,
) -> KnowledgeGraph:
    from kg.api import DEFAULT_DATA, KnowledgeGraph
    from kg.sandbox import check_timeout
    from kg.store import NQUADS

    check_timeout(timeout)  # before anything is loaded or built
    if data is None and not endpoint and not (DEFAULT_DATA / NQUADS).is_file():
        say(f"no build in {DEFAULT_DATA}/: building the graph in memory (`kg build` makes it fast)")
    return KnowledgeGraph.open(
        data,
        engine=engine,
        store=store,
        endpoint=endpoint,
        timeout=timeout,
        allow_service=allow_service,
    )


def _emit(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@errors
def queries(
    tag: Annotated[str | None, typer.Option("--tag", help="Only queries with this tag.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or tsv.")] = "table",
) -> None:
    """List the query catalog: name, summary and parameters."""
    from kg import catalog
    from kg.results import Result, write

    found = [q for q in catalog.load_catalog().values() if tag is None or tag in q.tags]
    if fmt not in ("table", "tsv"):
        raise InputError(f"--format {fmt}: `kg queries` writes table or tsv")
    if fmt == "tsv":
        rows = ["name\tsummary\tparams\ttags"]
        rows += [
            f"{q.name}\t{q.summary}\t{' '.join(p.signature() for p in q.params)}\t"
            f"{','.join(q.tags)}"
            for q in found
        ]
        _emit("\n".join(rows) + "\n")
        return
    from rdflib import Literal

    result = Result(
        "select",
        vars=["name", "params", "summary"],
        rows=[
            (
                Literal(q.name),
                Literal(" ".join(p.signature() for p in q.params)),
                Literal(q.summary),
            )
            for q in found
        ],
    )
    _emit(write(result, "table"))


@errors
def query(
    name: Annotated[str, typer.Argument(help="A catalog query (see `kg queries`).")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter value: name=value.")
    ] = None,
    fmt: FormatOption = "table",
    data: DataOption = None,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = None,
) -> None:
    """Run a catalog query by name, with parameters (`-p actor=dong-jun`)."""
    from kg import catalog
    from kg.results import write

    query_def = catalog.get(name)  # fail fast on an unknown name, before loading anything
    values = catalog.parse_assignments(param or [])
    graph = _open(data, engine, store, endpoint, timeout)
    result = graph.query(query_def.name, values)
    _emit(write(result, fmt))


@errors
def sparql(
    text: Annotated[
        str | None, typer.Argument(help="The query; `-` or nothing reads standard input.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the query from a file.")] = None,
    fmt: FormatOption = "table",
    data: DataOption = None,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = None,
    allow_update: Annotated[
        bool,
        typer.Option(
            "--allow-update",
            help="Allow INSERT/DELETE/CLEAR/DROP ... on this process's in-memory copy (never "
            "saved; an on-disk --store refuses them; an --endpoint keeps them).",
        ),
    ] = False,
    allow_service: ServiceOption = False,
) -> None:
    """Run ad-hoc SPARQL from an argument, a file or standard input."""
    from kg.results import write
    from kg.sources import read_utf8

    if file is not None:
        _data, text = read_utf8(file, "no such file")
    elif text is None or text == "-":
        if sys.stdin.isatty():
            raise InputError("no query: give it as an argument, with --file, or on stdin")
        text = sys.stdin.read()
    if not text.strip():
        raise InputError("empty query")
    graph = _open(data, engine, store, endpoint, timeout, allow_service)
    result = graph.sparql(text, allow_update=allow_update)
    if result is None:
        say(graph.engine.update_note())
        return
    _emit(write(result, fmt))


@errors
def describe(
    entity: Annotated[str, typer.Argument(help="Short name (pete-hegseth), ent:... or an IRI.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, or csv|tsv|json|xml for the facts.")
    ] = "text",
    data: DataOption = None,
    engine: EngineOption = "oxigraph",
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Print what the graph knows about an entity, each fact with its quote."""
    from kg.results import short, write

    graph = _open(data, engine, store, endpoint, None)
    profile, facts = graph.describe(entity)
    if fmt != "text":
        _emit(write(facts, fmt))
        return
    iri = graph.entity(entity)
    lines = [short(iri)]
    for _entity, prop, value in profile.rows:
        lines.append(f"  {short(prop)}  {short(value)}")
    lines.append(f"facts ({len({row[1] for row in facts.rows})}):")
    last = None
    for _entity, fact, kind, prop, quote, source in facts.rows:
        if fact != last:
            lines.append(f"  {short(fact)} ({kind}, {short(source)})")
            lines.append(f"    “{quote}”")
            last = fact
        lines.append(f"    via {short(prop)}")
    _emit("\n".join(lines) + "\n")


@errors
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="Graph Store Protocol URL (e.g. http://127.0.0.1:7878/store). Credentials: "
            "KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD, KG_ENDPOINT_AUTH=basic|digest.",
        ),
    ],
    data: DataOption = None,
    timeout: TimeoutOption = None,
) -> None:
    """Upload every named graph with SPARQL 1.1 Graph Store Protocol PUT (idempotent)."""
    from kg.api import DEFAULT_DATA
    from kg.store import push as run_push

    done = run_push(data or DEFAULT_DATA, endpoint, timeout)
    for name, count in done:
        say(f"PUT {name or '(default graph)'}: {count} triples")
    say(f"pushed {len(done)} graph(s), {sum(c for _n, c in done)} triples to {endpoint}")


@errors
def serve(
    data: DataOption = None,
    store: StoreOption = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 7878,
) -> None:
    """Serve the graph read-only on http://127.0.0.1:PORT with a query page; Ctrl-C stops."""
    import shutil
    import signal
    import subprocess
    import tempfile

    from kg.api import DEFAULT_DATA
    from kg.store import OxigraphEngine

    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).is_file():
        raise InputError("the `oxigraph` server is not installed (pip install oxigraph)")
    tmp = None
    if store is None:
        tmp = tempfile.TemporaryDirectory(prefix="kg-serve-")
        store = Path(tmp.name) / "store"
    engine = OxigraphEngine.load(data or DEFAULT_DATA, store)
    del engine  # release the store's lock before the server opens it
    args = [binary, "serve-read-only", "--location", str(store)]
    args += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    say(
        f"serving {store} read-only at http://127.0.0.1:{port}/ "
        "(SPARQL endpoint /query); Ctrl-C stops"
    )
    proc = subprocess.Popen(args)

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)  # stop the server on SIGTERM too
    try:
        code = proc.wait()
        if code != 0:
            raise InputError(f"the oxigraph server stopped with exit code {code}")
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(10)
        say("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if tmp is not None:
            tmp.cleanup()
