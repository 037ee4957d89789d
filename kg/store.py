"""Query engines over the built graph: embedded Oxigraph (default), rdflib, a remote endpoint.

Every engine answers with a `kg.results.Result` whose rows are rdflib terms (the embedded
Oxigraph keeps pyoxigraph's own unread answer and the remote engine the endpoint's bytes; rows
are converted only when read, and pyoxigraph writes the standard formats), and takes values
as RDF terms: pyoxigraph `substitutions`, rdflib `initBindings` on a prepared query, and for a
remote endpoint a `VALUES` block written from the terms' N-Triples form (see `values_block`).
The default graph is the union of all named graphs on every engine (a remote endpoint is sent
the build's graphs as the query's dataset, see `kg.endpoint`).
"""

from __future__ import annotations

import functools
import multiprocessing
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg import terms
from kg.errors import InputError, KgError
from kg.results import Result

NQUADS = "scs-kg.nq"
# The RDF files `--data` reads, by suffix: (pyoxigraph RdfFormat name, rdflib format name).
# `kg query`, `kg push` and `kg viz` read the same ones.
RDF_FILES = {
    ".nq": ("N_QUADS", "nquads"),
    ".trig": ("TRIG", "trig"),
    ".jsonld": ("JSON_LD", "json-ld"),
    ".ttl": ("TURTLE", "turtle"),
    ".nt": ("N_TRIPLES", "nt"),
    ".rdf": ("RDF_XML", "xml"),
}
_DATA_SUFFIXES = {suffix: ox_name for suffix, (ox_name, _rdflib) in RDF_FILES.items()}
_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}
_TOKENS = re.compile(
    r"#[^\n]*"  # a comment
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''  # long strings
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''  # strings
    r'|<[^<>"{}|^`\\\s]*>'  # an IRI
    r"|(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*"  # a prefixed name
    r"|[A-Za-z_][\w-]*|\{|\}|\S",  # a word, a brace, any other character
)


class QueryTimeout(KgError):
    """A query ran longer than its --timeout."""


class EndpointError(KgError):
    """A remote endpoint that is down, refuses or fails."""


Bindings = dict[str, URIRef | Literal]


def tokens(text: str) -> list[str]:
    """Split SPARQL into tokens: comments dropped; strings, IRIs and words kept whole."""
    return [t for t in _TOKENS.findall(text) if not t.startswith("#")]


@functools.lru_cache(maxsize=256)
def is_update(text: str) -> bool:
    """Whether the text is a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...)."""
    toks = tokens(text)
    i = 0
    while i < len(toks):
        word = toks[i].upper()
        if word == "PREFIX":
            i += 3
        elif word == "BASE":
            i += 2
        else:
            return word in _UPDATE_WORDS
    return False


def data_file(data: Path) -> Path:
    """Return the RDF file to load: the file itself (see `RDF_FILES`), or a build's scs-kg.nq."""
    path = data / NQUADS if data.is_dir() else data
    if not path.is_file():
        raise InputError(f"{path}: no such file (run `kg build --out {data}` first)")
    if path.suffix not in _DATA_SUFFIXES:
        raise InputError(f"{path}: unknown RDF format (want {', '.join(_DATA_SUFFIXES)})")
    return path


# --- term conversion -------------------------------------------------------------------


def from_ox(term: Any) -> Node | None:
    """Convert a pyoxigraph term to an rdflib term (None stays None)."""
    if term is None:
        return None
    try:
        return terms.from_ox(term)
    except TypeError:
        raise InputError(f"unsupported term in a result: {term!r}") from None


class Converter:
    """`from_ox` with a cache: results repeat terms (sources, sentences, labels) a lot.

    A class rather than a closure so that a result still in pyoxigraph terms can be pickled
    (`run_with_timeout` sends results between processes).
    """

    def __init__(self) -> None:
        self.cache: dict[Any, Node | None] = {}

    def __call__(self, term: Any) -> Node | None:
        """Convert one pyoxigraph term (None stays None)."""
        if term is None:
            return None
        found = self.cache.get(term)
        if found is None:
            found = self.cache[term] = from_ox(term)
        return found


def to_ox(term: Node) -> Any:
    """Convert an rdflib IRI or literal, a parameter's value, to a pyoxigraph term."""
    if not isinstance(term, URIRef | Literal):
        raise InputError(f"cannot bind {term!r}")
    return terms.to_ox(term)


def _from_rdflib(term: Node | None) -> Node | None:
    if (
        isinstance(term, Literal)
        and str(term.datatype) == "http://www.w3.org/2001/XMLSchema#string"
    ):
        return Literal(str(term))
    return term


def _syntax_error(message: str) -> InputError:
    first = message.splitlines()[0] if message else "invalid query"
    m = re.match(r"^error at (\d+):(\d+): (.*)$", first)
    if m:
        first = f"line {m.group(1)} column {m.group(2)}: {m.group(3)}"
    return InputError(f"SPARQL syntax error: {first}")


# --- engines ---------------------------------------------------------------------------


class Engine:
    """Something that runs SPARQL over the graph."""

    name = "engine"

    def run(self, text: str, bindings: Bindings | None = None) -> Result:
        """Run a query with parameter bindings and return its result."""
        raise NotImplementedError

    def update(self, text: str) -> None:
        """Run a SPARQL Update."""
        raise NotImplementedError

    def exists(self, term: URIRef) -> bool:
        """Whether the term occurs in the graph as a subject or object."""
        result = self.run("ASK { { ?term ?p ?o } UNION { ?s ?p ?term } }", {"term": term})
        return bool(result.boolean)

    def local_names(self, namespace: str) -> list[str]:
        """Return the local names of the subjects typed in a namespace (for suggestions)."""
        result = self.run("SELECT DISTINCT ?s WHERE { ?s a ?t }")
        return sorted(
            {str(r[0])[len(namespace) :] for r in result.rows if str(r[0]).startswith(namespace)}
        )


class OxigraphEngine(Engine):
    """The embedded Oxigraph store (pyoxigraph), in memory or on disk."""

    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store
        self._known: dict[URIRef, bool] = {}  # entity checks of parameters, until an update

    def exists(self, term: URIRef) -> bool:
        """Whether the term occurs in the graph (remembered until the next update)."""
        found = self._known.get(term)
        if found is None:
            found = self._known[term] = super().exists(term)
        return found

    @classmethod
    def load(cls, data: Path, store_dir: Path | None = None) -> OxigraphEngine:
        """Load a build's output into memory, or into an on-disk store loaded only once."""
        import pyoxigraph as ox

        path = data_file(data)
        fmt = getattr(ox.RdfFormat, _DATA_SUFFIXES[path.suffix])
        if store_dir is None:
            store = ox.Store()
            store.bulk_load(path=str(path), format=fmt)
            return cls(store)
        store_dir.mkdir(parents=True, exist_ok=True)
        stamp = store_dir.parent / f".{store_dir.name}.loaded"
        digest = _file_digest(path)
        store = ox.Store(str(store_dir))
        if not stamp.is_file() or stamp.read_text(encoding="utf-8") != digest:
            store.clear()
            store.bulk_load(path=str(path), format=fmt)
            store.flush()
            stamp.write_text(digest, encoding="utf-8")
        return cls(store)

    def run(self, text: str, bindings: Bindings | None = None) -> Result:
        """Run a query on the store; the default graph is the union of all graphs."""
        import pyoxigraph as ox

        subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        try:
            answer = self.store.query(text, use_default_graph_as_union=True, substitutions=subs)
        except SyntaxError as exc:
            raise _syntax_error(str(exc)) from None
        except (RuntimeError, OSError) as exc:
            raise KgError(f"oxigraph: {str(exc).splitlines()[0]}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", boolean=bool(answer))
        # pyoxigraph's answer as it is, read only when written (by pyoxigraph) or asked for
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            return Result("select", vars=names, native=answer, convert=Converter())
        return Result("graph", native=answer, convert=Converter())

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the store."""
        self._known.clear()
        try:
            self.store.update(text)
        except SyntaxError as exc:
            raise _syntax_error(str(exc)) from None


def _file_digest(path: Path) -> str:
    """Identify a build output cheaply: path, size and modification time."""
    stat = path.stat()
    return f"{path.resolve()} {stat.st_size} {stat.st_mtime_ns}"


class RdflibEngine(Engine):
    """rdflib's own SPARQL engine over a Dataset whose default graph is the union."""

    name = "rdflib"

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._prepared: dict[str, Any] = {}  # each query text is parsed once

    @classmethod
    def load(cls, data: Path) -> RdflibEngine:
        """Parse a build's output into an rdflib Dataset."""
        from kg.build import new_dataset

        path = data_file(data)
        ds = new_dataset()
        fmt = RDF_FILES[path.suffix][1]
        ds.parse(path, format=fmt)
        return cls(ds)

    def run(self, text: str, bindings: Bindings | None = None) -> Result:
        """Prepare the query once and run it with `initBindings`."""
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery

        try:
            prepared = self._prepared.get(text) or prepareQuery(text)
            self._prepared[text] = prepared
        except ParseException as exc:
            raise _syntax_error(f"line {exc.lineno} column {exc.col}: {exc.msg}") from None
        try:
            answer = self.dataset.query(prepared, initBindings=dict(bindings or {}))
        except Exception as exc:  # rdflib raises many kinds; report one line
            raise KgError(f"rdflib: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            names = [str(v) for v in answer.vars or []]
            rows = [tuple(_from_rdflib(t) for t in row) for row in answer]  # type: ignore[union-attr]
            return Result("select", vars=names, rows=rows)
        triples: list[Any] = [tuple(_from_rdflib(t) for t in tr) for tr in answer]  # type: ignore[union-attr]
        return Result("graph", triples=triples)

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the dataset."""
        from pyparsing import ParseException

        try:
            self.dataset.update(text)
        except ParseException as exc:
            raise _syntax_error(f"line {exc.lineno} column {exc.col}: {exc.msg}") from None


def values_block(bindings: Bindings) -> str:
    """Write bindings as a SPARQL `VALUES` block from the terms' N-Triples form (escaped)."""
    if not bindings:
        return ""
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"bad parameter name {name!r}")
    terms = []
    for name in names:
        term = bindings[name]
        if not isinstance(term, URIRef | Literal):
            raise InputError(f"cannot bind {term!r}")
        terms.append(term.n3())
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}"


def with_values(text: str, bindings: Bindings) -> str:
    """Insert a VALUES block at the start of the query's top-level WHERE group."""
    block = values_block(bindings)
    if not block:
        return text
    # Find the `{` that opens the WHERE group: after the WHERE keyword, or for SELECT/ASK
    # without WHERE the first `{` after the query form.
    pos = 0
    form = None
    for m in _TOKENS.finditer(text):
        tok = m.group(0)
        if tok.startswith("#"):
            continue
        word = tok.upper()
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
        elif form is not None and word == "WHERE":
            form = "WHERE"
        elif tok == "{" and form in ("WHERE", "SELECT", "ASK"):
            pos = m.end()
            break
    if not pos:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    return f"{text[:pos]}\n  {block}\n{text[pos:]}"


# --- timeouts --------------------------------------------------------------------------


def _child(conn: Any, func: Callable[[], Result]) -> None:
    try:
        conn.send(("ok", func()))
    except KgError as exc:
        conn.send(("kg", (type(exc).__name__, str(exc), exc.exit_code)))
    except Exception as exc:  # reported in the parent as one line
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_with_timeout(func: Callable[[], Result], timeout: float | None) -> Result:
    """Run `func` in a forked process and stop it after `timeout` seconds.

    Neither pyoxigraph nor rdflib can be interrupted inside a query, so a runaway query is
    stopped by ending the process that runs it.
    """
    if not timeout:
        return func()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(f"query stopped after its --timeout of {timeout:g} s")
        status, payload = parent.recv()
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if status == "ok":
        return payload
    if status == "kg":
        _name, message, code = payload
        err = KgError(message)
        err.exit_code = code
        raise err
    raise KgError(payload)


# --- opening ---------------------------------------------------------------------------


def open_engine(
    data: Path | None = None,
    engine: str = "oxigraph",
    store_dir: Path | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> Engine:
    """Open the engine a user asked for over a build's output (or a remote endpoint)."""
    if endpoint:
        from kg.endpoint import RemoteEngine

        return RemoteEngine(endpoint, timeout)
    if engine not in ("oxigraph", "rdflib"):
        raise InputError(f"--engine {engine!r}: want oxigraph or rdflib")
    if data is None:
        raise InputError("no data: give --data with a build folder or an RDF file")
    if engine == "rdflib":
        return RdflibEngine.load(data)
    return OxigraphEngine.load(data, store_dir)


def engine_from_dataset(dataset: Dataset, engine: str = "oxigraph") -> Engine:
    """Wrap an in-memory built dataset (as `kg.build.build()` returns) in an engine."""
    if engine == "rdflib":
        return RdflibEngine(dataset)
    import pyoxigraph as ox

    store = ox.Store()
    store.load(dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return OxigraphEngine(store)


_ENDPOINT_NAMES = ("PushReport", "RemoteEngine", "http", "push")


def __getattr__(name: str) -> Any:
    """The remote endpoint lives in `kg.endpoint`; `from kg.store import push` still works."""
    if name in _ENDPOINT_NAMES:
        from kg import endpoint

        return getattr(endpoint, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
