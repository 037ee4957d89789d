"""Embedded query engines over the built graph: Oxigraph (default) and rdflib.

Every engine answers with a `kg.results.Result` whose rows are rdflib terms (the embedded
Oxigraph keeps pyoxigraph's own unread answer and the remote engine the endpoint's bytes; rows
are converted only when read, and pyoxigraph writes the standard formats), and takes values
as RDF terms: pyoxigraph `substitutions`, rdflib `initBindings` on a prepared query, and for a
remote endpoint a `VALUES` block written from the terms' N-Triples form (see `values_block`).
The default graph is the union of all named graphs on every engine (a remote endpoint is sent
the build's graphs as the query's dataset, see `kg.endpoint`, whose `RemoteEngine` is a
subclass of `Engine` here). Also here: the on-disk `--store` and its marker, `open_engine`
(the engine a user asked for, or the remote one), and queries run in a forked process within
their timeout (`run_with_timeout`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import multiprocessing
import pickle
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg import sandbox, terms
from kg.errors import InputError, KgError
from kg.results import Result
from kg.sandbox import TOKENS, tokens

if TYPE_CHECKING:
    from kg.build import Built

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


class QueryTimeout(KgError):
    """A query ran longer than its --timeout."""


class EndpointError(KgError):
    """A remote endpoint that is down, refuses or fails."""


Bindings = dict[str, URIRef | Literal]


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a request names (SPARQL 1.1 Protocol `default-graph-uri` and
    `named-graph-uri`): it replaces the union default graph and any FROM / FROM NAMED."""

    default: tuple[URIRef, ...] = ()
    named: tuple[URIRef, ...] = ()


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
    allow_service = False  # whether a query may use SERVICE (see kg.sandbox)
    origin = "the graph"  # what the engine holds, for messages

    @classmethod
    def load(cls, built: Built, store_dir: Path | None = None) -> Engine:
        """Open the graph (`kg.graph.open`); an embedded engine's way in.

        `store_dir`: an on-disk store to keep the graph in, for engines that have one.
        """
        raise NotImplementedError

    def update_note(self) -> str:
        """Say where the change of an update that just ran lives."""
        return "update done"

    def run(
        self, text: str, bindings: Bindings | None = None, dataset: QueryDataset | None = None
    ) -> Result:
        """Run a query with parameter bindings (over `dataset` if given) and return its result."""
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

    def __init__(self, store: Any, origin: str = "the graph", location: Path | None = None) -> None:
        self.store = store
        self.origin = origin
        self.location = location  # the on-disk store folder, or None in memory
        self._known: dict[URIRef, bool] = {}  # entity checks of parameters, until an update

    def update_note(self) -> str:
        """Say where the change lives: in this process's memory only."""
        return _memory_note(self.origin)

    def exists(self, term: URIRef) -> bool:
        """Whether the term occurs in the graph (remembered until the next update)."""
        found = self._known.get(term)
        if found is None:
            found = self._known[term] = super().exists(term)
        return found

    @classmethod
    def load(cls, built: Built, store_dir: Path | None = None) -> OxigraphEngine:
        """Load the graph into memory, or into an on-disk store that kg made (reused)."""
        import pyoxigraph as ox

        if store_dir is None:
            return cls(built.store(), built.origin)
        marker = claim_store(store_dir)
        digest = built.fingerprint()
        try:
            store = ox.Store(str(store_dir))
        except OSError as exc:
            raise InputError(f"--store {store_dir}: {str(exc).splitlines()[0]}") from None
        if _marker_data(marker) != digest:
            store.clear()
            built.store(into=store)
            store.flush()
            _write_marker(marker, digest)
        return cls(store, built.origin, store_dir)

    def run(
        self, text: str, bindings: Bindings | None = None, dataset: QueryDataset | None = None
    ) -> Result:
        """Run a query on the store; the default graph is the union of all graphs."""
        import pyoxigraph as ox

        shape = sandbox.check(text, allow_service=self.allow_service)
        subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        try:
            if dataset is not None:  # the protocol's dataset: exactly the graphs it names
                answer = self.store.query(
                    text,
                    default_graph=[ox.NamedNode(str(g)) for g in dataset.default],
                    named_graphs=[ox.NamedNode(str(g)) for g in dataset.named],
                    substitutions=subs,
                )
            else:  # FROM / FROM NAMED select graphs of the store; without them, the union
                answer = self.store.query(
                    text, use_default_graph_as_union=not shape.dataset, substitutions=subs
                )
        except SyntaxError as exc:
            raise _prefix_error(text) or _syntax_error(str(exc)) from None
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
        """Run a SPARQL Update on an in-memory store (an on-disk store copies a build: refused)."""
        sandbox.check(text, allow_service=self.allow_service)
        if self.location is not None:
            raise InputError(
                f"--store {self.location} holds a copy of {self.origin} that kg reloads when the "
                "build changes: updates are refused there (edit the sources and run kg build)"
            )
        self._known.clear()
        try:
            self.store.update(text)
        except SyntaxError as exc:
            raise _prefix_error(text) or _syntax_error(str(exc)) from None
        except (RuntimeError, OSError) as exc:
            raise KgError(f"oxigraph: {str(exc).splitlines()[0]}") from None


def _memory_note(origin: str) -> str:
    """What an update on an in-memory engine changed: this process's copy, nothing saved."""
    return (
        "update done in memory only: nothing was saved (it changed this process's copy of "
        f"{origin}; the next command will not see it)"
    )


STORE_MARKER = "scs-kg-store.json"
_MADE_BY = "scs-kg on-disk store"


def claim_store(store_dir: Path) -> Path:
    """Return the marker of a store folder kg made, making a new or empty folder kg's own.

    Refuses (one line) a path that is a file and a non-empty folder without kg's marker: a
    user's files, or an Oxigraph database kg did not make, are never written to or cleared.
    """
    marker = store_dir / STORE_MARKER
    if store_dir.exists() and not store_dir.is_dir():
        raise InputError(f"--store {store_dir}: is a file, not a folder")
    if store_dir.is_dir() and any(store_dir.iterdir()):
        if _marker_data(marker) is None:
            raise InputError(
                f"--store {store_dir}: not a store kg made (no {STORE_MARKER}): "
                "give a new or empty folder"
            )
        return marker
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        _write_marker(marker, "")
    except OSError as exc:
        raise InputError(f"--store {store_dir}: {exc.strerror or exc}") from None
    return marker


def _marker_data(marker: Path) -> str | None:
    """The build digest a store's marker records ("" while loading), or None if not kg's."""
    import json

    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("made-by") != _MADE_BY:
        return None
    data = found.get("data")
    return data if isinstance(data, str) else ""


def _write_marker(marker: Path, digest: str) -> None:
    """Write a store's marker atomically: kg made this store from the build `digest`."""
    import json

    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps({"made-by": _MADE_BY, "data": digest}) + "\n", encoding="utf-8")
    tmp.replace(marker)


def _prefix_error(text: str) -> InputError | None:
    """One line naming a prefix the query uses but does not declare, if it has one."""
    from kg.prefixes import declared_and_used

    declared, used = declared_and_used(text)
    missing = [prefix for prefix in used if prefix not in declared]
    if not missing:
        return None
    return InputError(
        f"SPARQL syntax error: unknown prefix {missing[0] + ':'!r}: declare it with PREFIX"
    )


# rdflib's parser recurses through about thirty Python frames per level of parentheses: the
# default limit of 1,000 fails at about 30 levels, below the sandbox's MAX_DEPTH.
_RDFLIB_RECURSION = 20_000


def _rdflib_sandbox() -> None:
    """Never let rdflib read a FROM, FROM NAMED, USING or LOAD target from a file or URL.

    With `SPARQL_LOAD_GRAPHS` off, rdflib takes such a graph from the dataset (SPARQL dataset
    semantics) instead of parsing the IRI; set before every query, so nothing can turn it back.
    """
    import sys

    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    if sys.getrecursionlimit() < _RDFLIB_RECURSION:
        sys.setrecursionlimit(_RDFLIB_RECURSION)


class RdflibEngine(Engine):
    """rdflib's own SPARQL engine over a Dataset whose default graph is the union."""

    name = "rdflib"

    def __init__(self, dataset: Dataset, origin: str = "the graph") -> None:
        self.dataset = dataset
        self.origin = origin
        self._prepared: dict[str, Any] = {}  # each query text is parsed once
        _rdflib_sandbox()

    def update_note(self) -> str:
        """Say where the change lives: in this process's memory only."""
        return _memory_note(self.origin)

    @classmethod
    def load(cls, built: Built, store_dir: Path | None = None) -> RdflibEngine:
        """Read the graph as an rdflib Dataset (in memory: no `store_dir`)."""
        if store_dir is not None:
            raise InputError("--store is an Oxigraph store: it does not go with --engine rdflib")
        _rdflib_sandbox()
        return cls(built.dataset, built.origin)

    def run(
        self, text: str, bindings: Bindings | None = None, dataset: QueryDataset | None = None
    ) -> Result:
        """Prepare the query once and run it with `initBindings`."""
        if dataset is not None:
            raise InputError("the rdflib engine takes no protocol dataset: use FROM / FROM NAMED")
        sandbox.check(text, allow_service=self.allow_service)
        _rdflib_sandbox()
        try:
            prepared = self._prepared.get(text) or _prepare(text)
            self._prepared[text] = prepared
            answer = self.dataset.query(prepared, initBindings=dict(bindings or {}))
        except KgError:
            raise
        except Exception as exc:  # rdflib raises many kinds; report one line
            raise _rdflib_error(exc) from None
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            names = [str(v) for v in answer.vars or []]
            rows = [tuple(_from_rdflib(t) for t in row) for row in answer]  # type: ignore[union-attr]
            return Result("select", vars=names, rows=rows)
        triples: list[Any] = [tuple(_from_rdflib(t) for t in tr) for tr in answer]  # type: ignore[union-attr]
        return Result("graph", triples=triples)

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the dataset (in memory)."""
        import rdflib.plugins.sparql as rdflib_sparql
        from pyparsing import ParseException

        sandbox.check(text, allow_service=self.allow_service)
        _rdflib_sandbox()
        # As on Oxigraph, an update's default graph is the dataset's own (unnamed) graph; with
        # the union as its default graph rdflib fails to INSERT into it (ValueError)
        union = rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION
        rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = False
        try:
            self.dataset.update(text)
        except ParseException as exc:
            raise _syntax_error(f"line {exc.lineno} column {exc.col}: {exc.msg}") from None
        except Exception as exc:  # rdflib raises many kinds; report one line
            raise _prefix_error(text) or _rdflib_error(exc) from None
        finally:
            rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = union


def _prepare(text: str) -> Any:
    """Parse a query with rdflib, or raise one line naming the line, column or prefix."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text)
    except ParseException as exc:
        raise _syntax_error(f"line {exc.lineno} column {exc.col}: {exc.msg}") from None
    except Exception as exc:  # "Unknown namespace prefix : foo" and others
        if "prefix" in str(exc).lower():
            raise _prefix_error(text) or _syntax_error(str(exc)) from None
        raise


def _rdflib_error(exc: Exception) -> KgError:
    """One line for an error rdflib raised while it ran a query or an update."""
    if isinstance(exc, RecursionError):
        return InputError("the query is nested too deeply for the rdflib engine")
    message = str(exc).splitlines()[0] if str(exc) else ""
    return KgError(f"rdflib: {type(exc).__name__}: {message}".rstrip(": "))


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
    for m in TOKENS.finditer(text):
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


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)
_MAX_ANSWER: contextvars.ContextVar[int | None] = contextvars.ContextVar("max_answer", default=None)


class AnswerTooLarge(InputError):
    """A query's answer over the size its forked process may hand back."""


@contextlib.contextmanager
def deadline(until: float | None, *, max_answer: int | None = None) -> Iterator[None]:
    """Within this block every query of this thread ends by `until` (`time.monotonic()`), and
    hands back at most `max_answer` bytes (pickled) if given, else `MAX_ANSWER_BYTES`.

    `kg serve` sets it when a request arrives, so the request's whole time (waiting for a
    query slot included) stays within its timeout, however busy the server is.
    """
    token = _DEADLINE.set(until)
    size = _MAX_ANSWER.set(max_answer)
    try:
        yield
    finally:
        _MAX_ANSWER.reset(size)
        _DEADLINE.reset(token)


_STOPS = {signal.SIGTERM, signal.SIGINT}
MAX_ANSWER_BYTES = 1 << 30
"""The largest answer a query's forked process may hand back (pickled): 1 GiB."""


def _child(conn: Any, func: Callable[[], Result]) -> None:
    # The parent ends this process with SIGTERM; a handler it had (`kg serve` turns SIGTERM
    # into a clean stop) must not run here and print a traceback.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked from the fork until now
    try:
        conn.send(("ok", func()))
    except KgError as exc:
        conn.send(("kg", (type(exc).__name__, str(exc), exc.exit_code)))
    except Exception as exc:  # reported in the parent as one line
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


# the errors a query's process reports as what they are (a bad query stays a client's error)
_CHILD_ERRORS: dict[str, type[KgError]] = {
    cls.__name__: cls for cls in (InputError, QueryTimeout, EndpointError)
}


def run_with_timeout(func: Callable[[], Result], timeout: float | None) -> Result:
    """Run `func` in a forked process and stop it after `timeout` seconds.

    Neither pyoxigraph nor rdflib can be interrupted inside a query, so a runaway query is
    stopped by ending the process that runs it. Within a `deadline` block the query also ends
    by that deadline (answered as a timeout too).
    """
    until = _DEADLINE.get()
    if not timeout and until is None:
        return func()
    now = time.monotonic()
    end = min(x for x in (now + timeout if timeout else None, until) if x is not None)
    message = f"query stopped after its --timeout of {timeout:g} s" if timeout else ""
    if end <= now:
        raise QueryTimeout(message or "query not started: its deadline had passed")
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func), daemon=True)
    # the child inherits the parent's signal handlers until `_child` resets them: a stop sent
    # in between waits (blocked in the forking thread, so in the child) instead of running them
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        proc.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    child.close()
    try:
        if not parent.poll(max(end - time.monotonic(), 0.0)):
            raise QueryTimeout(message or "query stopped at its deadline")
        most = _MAX_ANSWER.get() or MAX_ANSWER_BYTES
        try:  # the length comes first: a longer answer is refused before it is read
            status, payload = pickle.loads(parent.recv_bytes(most))
        except OSError:
            raise AnswerTooLarge(
                f"the query's answer is over {most / (1 << 20):g} MiB: narrow it (LIMIT)"
            ) from None
        except EOFError:  # killed (out of memory) or crashed before it answered
            proc.join(1)
            raise KgError(
                f"the query's process ended without an answer (exit status {proc.exitcode})"
            ) from None
        proc.join(1)  # the child has answered and is exiting: let it end by itself
    finally:
        parent.close()
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if status == "ok":
        return payload
    if status == "kg":
        name, message, code = payload
        err = _CHILD_ERRORS.get(name, KgError)(message)
        err.exit_code = code
        raise err
    raise KgError(payload)


# --- opening ---------------------------------------------------------------------------


def open_engine(
    data: Built | None = None,
    engine: str = "oxigraph",
    store_dir: Path | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
) -> Engine:
    """Open the engine a user asked for over the graph (`kg.graph.open`), or a remote endpoint.

    `allow_service`: let queries on an embedded engine use SERVICE (outbound requests).
    """
    if endpoint:
        from kg.endpoint import RemoteEngine

        return RemoteEngine(endpoint, timeout)
    from kg.plugins import ENGINES

    kind: type[Engine] = ENGINES.load(engine)
    if data is None:
        raise InputError("no data: give the graph (kg.graph.open) or an endpoint")
    found = kind.load(data, store_dir)
    found.allow_service = allow_service
    return found


_ENDPOINT_NAMES = ("PushReport", "RemoteEngine", "http", "push")


def __getattr__(name: str) -> Any:
    """The remote endpoint lives in `kg.endpoint`; `from kg.store import push` still works."""
    if name in _ENDPOINT_NAMES:
        from kg import endpoint

        return getattr(endpoint, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
