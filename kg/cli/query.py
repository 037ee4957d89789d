"""`kg queries`, `kg query`, `kg sparql`, `kg describe`, `kg push` and `kg serve`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import DataOption, errors, load_graph, option, say
from kg.errors import InputError
from kg.options import (
    DATA,
    ENDPOINT,
    ENGINE,
    FORMAT,
    HELP,
    MAX_RESPONSE,
    PARAM,
    STORE,
    TIMEOUT,
    WIDE,
    table_width,
)
from kg.plugins import ENGINES

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

EngineOption = Annotated[str, option(ENGINE, autocompletion=ENGINES.complete)]
StoreOption = Annotated[Path | None, option(STORE)]
EndpointOption = Annotated[str | None, option(ENDPOINT)]
FormatOption = Annotated[str, option(FORMAT)]
TimeoutOption = Annotated[float | None, option(TIMEOUT)]
MaxResponseOption = Annotated[str | None, option(MAX_RESPONSE)]
ServiceOption = Annotated[
    bool,
    typer.Option(
        "--allow-service", help="Let SERVICE send (parts of) the query to other endpoints."
    ),
]
WideOption = Annotated[bool, option(WIDE)]


def register(app: typer.Typer) -> None:
    """Add the query commands to the app."""
    group = typer.Typer(
        help="List the query catalog; `kg queries show NAME` prints a query's SPARQL.",
        invoke_without_command=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    group.callback()(queries)
    group.command("show")(show)
    app.add_typer(group, name="queries")
    app.command("query", context_settings={"help_option_names": []})(query)
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
    max_response: str | None = None,
) -> KnowledgeGraph:
    from kg.api import KnowledgeGraph
    from kg.engines.timeout import check_timeout

    check_timeout(timeout)  # before anything is loaded or built
    if endpoint:
        from kg.engines.remote import RemoteEngine

        return KnowledgeGraph(RemoteEngine(endpoint, timeout, limit=max_response), timeout)
    if max_response is not None:
        raise InputError("--max-response bounds an --endpoint's answers: give --endpoint")
    return KnowledgeGraph.from_built(
        load_graph(data),
        engine=engine,
        store=store,
        timeout=timeout,
        allow_service=allow_service,
    )


def _emit(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@errors
def queries(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Option("--tag", help="Only queries with this tag.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or tsv.")] = "table",
    wide: WideOption = False,
) -> None:
    """List the query catalog: name, summary and parameters."""
    if ctx.invoked_subcommand is not None:
        return
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
    _emit(write(result, "table", width=table_width(wide)))


@errors
def show(
    name: Annotated[
        str, typer.Argument(help="A catalog query.", autocompletion=lambda: _query_names())
    ],
) -> None:
    """Print a catalog query's SPARQL, header included (`> my.rq` gives a query to edit)."""
    from kg import catalog

    text = catalog.get(name).text
    _emit(text if text.endswith("\n") else text + "\n")


def _query_names() -> list[tuple[str, str]]:
    """Completion: the catalog's query names with their summaries."""
    from kg import catalog

    return [(q.name, q.summary) for q in catalog.load_catalog().values()]


def _complete_query(incomplete: str) -> list[tuple[str, str]]:
    return [(n, s) for n, s in _query_names() if n.startswith(incomplete)]


def _completion_graph(ctx: typer.Context) -> KnowledgeGraph | None:
    """Completion: the built graph (--data, else out/), or None; never builds."""
    from kg.api import KnowledgeGraph
    from kg.graph import DEFAULT_DATA, data_file

    data = ctx.params.get("data") or DEFAULT_DATA
    try:
        data_file(Path(data))
        return KnowledgeGraph.open(Path(data))
    except Exception:  # completion must never fail loudly
        return None


def _values(ctx: typer.Context, kind: str) -> list[tuple[str, str]]:
    """Completion: short names of the values of a parameter type, with a label."""
    from kg import catalog

    graph = _completion_graph(ctx)
    if graph is None:
        return []
    try:
        options = graph.choices(kind)
    except Exception:
        return []
    return sorted(
        (catalog.local_name(v), labels[0] if labels else "") for v, labels in options.items()
    )


def _complete_param(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Completion of `-p`: the query's parameter names, then values of the parameter's type."""
    from kg import catalog

    # while `-p` still waits for its value, the query name stays among the unparsed words
    name = ctx.params.get("name") or next((a for a in ctx.args if not a.startswith("-")), "")
    try:
        query_def = catalog.get(str(name))
    except Exception:
        return []
    key, sep, value = incomplete.partition("=")
    if not sep:
        return [
            (f"{p.name}=", f"{p.type}: {p.doc}".rstrip(": "))
            for p in query_def.params
            if p.name.startswith(key)
        ]
    param = next((p for p in query_def.params if p.name == key), None)
    if param is None or param.type not in catalog.CHOICES:
        return []
    return [(f"{key}={n}", label) for n, label in _values(ctx, param.type) if n.startswith(value)]


def _complete_entity(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return [(n, label) for n, label in _values(ctx, "entity") if n.startswith(incomplete)]


def query_help(query_def: object) -> str:
    """The help of one catalog query: usage, summary, description, parameters and defaults."""
    import textwrap

    from kg.catalog import TYPES, CatalogQuery

    assert isinstance(query_def, CatalogQuery)
    q = query_def
    lines = [f"Usage: kg query {q.name} [-p NAME=VALUE]... [OPTIONS]", ""]
    if q.summary:
        lines += textwrap.wrap(q.summary, 78, initial_indent="  ", subsequent_indent="  ")
        lines.append("")
    if q.description:
        lines += textwrap.wrap(q.description, 78, initial_indent="  ", subsequent_indent="  ")
        lines.append("")
    if q.params:
        lines.append("Parameters (-p NAME=VALUE):")
        for p in q.params:
            if p.default is not None:
                when = f"default {p.default}"
            elif p.optional:
                when = "optional: unbound when not given"
            else:
                when = "required"
            lines.append(f"  {p.name}  {p.doc or p.type} ({when})")
            lines += textwrap.wrap(
                TYPES[p.type], 78, initial_indent="    ", subsequent_indent="    "
            )
    else:
        lines.append("Parameters: none")
    if q.tags:
        lines.append(f"Tags: {', '.join(q.tags)}")
    lines.append(f"SPARQL: kg queries show {q.name}; options: kg query --help")
    return "\n".join(lines) + "\n"


@errors
def query(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(help="A catalog query (see `kg queries`).", autocompletion=_complete_query),
    ] = None,
    param: Annotated[list[str] | None, option(PARAM, autocompletion=_complete_param)] = (
        PARAM.default
    ),
    fmt: FormatOption = FORMAT.default,
    data: DataOption = DATA.default,
    engine: EngineOption = ENGINE.default,
    store: StoreOption = STORE.default,
    endpoint: EndpointOption = ENDPOINT.default,
    timeout: TimeoutOption = TIMEOUT.default,
    max_response: MaxResponseOption = MAX_RESPONSE.default,
    wide: WideOption = WIDE.default,
    show_help: Annotated[bool, option(HELP)] = HELP.default,
) -> None:
    """Run a catalog query by name, with parameters (`-p actor=dong-jun`, `-p actor="Dong Jun"`).

    `kg query NAME --help` shows the query's description and parameters. A repeated query over
    an unchanged build is answered from the cache (`kg cache`), without loading the graph.
    """
    from kg.answers import catalog_slot, parse_assignments, write_stored
    from kg.engines.timeout import check_timeout

    if name is None:
        if show_help:
            _emit(ctx.get_help() + "\n")
            return
        raise InputError("which query? give its name (see `kg queries`)")
    slot = keyed = None
    if not show_help and not endpoint:
        check_timeout(timeout)
        slot, keyed = catalog_slot(name, ctx.params)  # as the quick path reads them
        if write_stored(slot):
            return
    from kg import catalog
    from kg.results import write

    query_def = catalog.get(name)  # fail fast on an unknown name, before loading anything
    if show_help:
        _emit(query_help(query_def))
        return
    values = parse_assignments(param or [])
    graph = _open(data, engine, store, endpoint, timeout, max_response=max_response)
    result = graph.query(query_def.name, values)
    answer = write(result, fmt, width=table_width(wide))
    _emit(answer)
    if slot is not None and query_def.text == keyed:  # the text the key holds ran
        slot.store(answer)


@errors
def sparql(
    text: Annotated[
        str | None, typer.Argument(help="The query; `-` or nothing reads standard input.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the query from a file.")] = None,
    fmt: FormatOption = "table",
    data: DataOption = None,
    engine: EngineOption = ENGINES.default,
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
    max_response: MaxResponseOption = None,
    wide: WideOption = False,
) -> None:
    """Run ad-hoc SPARQL from an argument, a file or standard input.

    The project's prefixes (kg ent fact src nif prov time rdfs rdf owl skos dct xsd ...) need
    no PREFIX line; a query's own declarations win. A repeated query over an unchanged build
    is answered from the cache (not with --allow-update, --allow-service or --endpoint, nor
    a query calling NOW(), RAND(), UUID(), STRUUID() or BNODE()). A query file or standard
    input is read no further than 1 MiB.
    """
    text = _query_text(file, text)
    slot = None
    if not (endpoint or allow_update or allow_service):
        from kg.answers import slot as answer_slot
        from kg.answers import write_stored
        from kg.engines.timeout import check_timeout

        check_timeout(timeout)
        width = table_width(wide) if fmt == "table" else None
        slot = answer_slot(data, engine, store, "sparql", text, fmt, f"{width}", query=text)
        if write_stored(slot):
            return
    from kg.results import write

    if not text.strip():
        raise InputError("empty query")
    graph = _open(data, engine, store, endpoint, timeout, allow_service, max_response)
    result = graph.sparql(text, allow_update=allow_update)
    if result is None:
        say(f"update done at {endpoint}" if endpoint else graph.engine.update_note())
        return
    answer = write(result, fmt, width=table_width(wide))
    _emit(answer)
    if slot is not None:
        slot.store(answer)


def _query_text(file: Path | None, text: str | None) -> str:
    """The query: the argument, else the file's or standard input's text, read no further than
    `MAX_QUERY_BYTES` (a longer one, such as /dev/zero, is refused in one line)."""
    from kg.sandbox import MAX_QUERY_BYTES

    if file is None and text is not None and text != "-":
        return text
    if file is None:
        if sys.stdin.isatty():
            raise InputError("no query: give it as an argument, with --file, or on stdin")
        where = "standard input"
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(MAX_QUERY_BYTES + 1) if stream is not None else None
        if data is None:  # a text stream only (as in tests): count its characters' bytes
            data = sys.stdin.read(MAX_QUERY_BYTES + 1).encode("utf-8")
    else:
        where = str(file)
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_QUERY_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{file}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{file}: a folder, not a query file") from None
        except OSError as exc:
            raise InputError(f"{file}: {exc.strerror or exc}") from None
    if len(data) > MAX_QUERY_BYTES:
        raise InputError(
            f"{where}: a query over {MAX_QUERY_BYTES:,} bytes (1 MiB) is refused, read no further"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 at byte {exc.start}") from None


# the properties by which an inference record (kg:Inference) names the triple it records
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RECORD_PARTS = {f"{_RDF}{name}" for name in ("subject", "predicate", "object")}


@errors
def describe(
    entity: Annotated[
        str,
        typer.Argument(
            help='Short name (pete-hegseth), ent:..., an IRI or a label ("Dong Jun").',
            autocompletion=_complete_entity,
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, or csv|tsv|json|xml for the facts.")
    ] = "text",
    data: DataOption = None,
    engine: EngineOption = ENGINES.default,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Print what the graph knows about an entity, each fact with its quote."""
    from kg.results import short, write

    graph = _open(data, engine, store, endpoint, None)
    iri = graph.entity(entity)
    profile, facts = graph.describe(str(iri))
    if fmt != "text":
        _emit(write(facts, fmt))
        return
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
        if str(prop) in _RECORD_PARTS:  # an inference record names the entity: say what it infers
            for _record, subject, predicate, obj, reason in graph.inferred(str(fact)).rows:
                triple = f"{short(subject)} {short(predicate)} {short(obj)}"
                lines.append(f"    inferred, not stated: {triple}")
                if reason is not None:
                    lines.append(f"    why: {reason}")
            continue
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
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="Deadline of each request in seconds (default 60)."),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Also delete the project's graphs the build no longer has (removed sources). "
            "Default: they are left on the server.",
        ),
    ] = False,
    query_endpoint: Annotated[
        str | None,
        typer.Option(
            "--query-endpoint",
            help="The server's SPARQL query URL, which --prune asks for the graphs it holds.",
        ),
    ] = None,
    max_response: Annotated[
        str | None,
        typer.Option(
            "--max-response",
            help="The most bytes one answer may have (e.g. 1M; default: $KG_MAX_RESPONSE, "
            "else 256M).",
            metavar="SIZE",
        ),
    ] = None,
) -> None:
    """Replace every graph of the build with Graph Store Protocol PUT (pushing twice is a no-op)."""
    from kg.engines.http import max_response as limit
    from kg.engines.remote import push as run_push

    most = limit(max_response)  # a bad size is refused before the graph is loaded
    report = run_push(
        load_graph(data), endpoint, timeout, prune=prune, query_url=query_endpoint, limit=most
    )
    for name, count in report.replaced:
        say(f"PUT {name or '(default graph)'}: {count} triples")
    for name in report.removed:
        say(f"DELETE {name}: no longer in the build")
    total = sum(c for _n, c in report.replaced)
    removed = f", removed {len(report.removed)} graph(s)" if prune else ""
    say(f"pushed {len(report.replaced)} graph(s), {total} triples{removed} to {endpoint}")


SERVE_TIMEOUT = 60.0  # seconds a query may run on `kg serve`


@errors
def serve(
    data: DataOption = None,
    store: StoreOption = None,
    port: Annotated[
        str, typer.Option("--port", help="Port on 127.0.0.1 (1-65535).", metavar="PORT")
    ] = "7878",
    verbose: Annotated[bool, typer.Option("--verbose", help="Log every request.")] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Stop a query this many seconds after its request arrived (waiting for a free "
            "query slot counted); it is answered with 503.",
        ),
    ] = SERVE_TIMEOUT,
    idle_timeout: Annotated[
        float,
        typer.Option(
            "--idle-timeout",
            help="Close a connection that has not sent a whole request within this many seconds.",
        ),
    ] = 20.0,
    max_queries: Annotated[
        int | None,
        typer.Option(
            "--max-queries",
            help="Queries run at once (default: one per processor, at least 2); others wait "
            "within their --timeout.",
        ),
    ] = None,
) -> None:
    """Serve the workbench page and a read-only SPARQL endpoint on 127.0.0.1; Ctrl-C stops.

    http://127.0.0.1:PORT/ is the query page (the catalog with forms, an editor that knows the
    project's prefixes, entity pages); /query is the SPARQL 1.1 Protocol endpoint for other
    tools (readable from any origin; GET /query alone is its service description). Each query
    runs in a forked process, ended --timeout seconds after its request arrived (the engine
    cannot be interrupted inside a query), waiting for a free slot counted; nothing is
    written, unless --store is given.
    """
    from kg.engines.timeout import check_timeout
    from kg.serve import make_server, parse_port, run

    number = parse_port(port)  # before loading anything
    check_timeout(idle_timeout, "--idle-timeout")
    if max_queries is not None and not 1 <= max_queries <= 256:
        raise InputError(f"--max-queries {max_queries}: want an integer from 1 to 256")
    graph = _open(data, ENGINES.default, store, None, timeout)
    server = make_server(graph, number, verbose, idle_timeout=idle_timeout, max_queries=max_queries)
    run(server, say)
