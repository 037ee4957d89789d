"""The embedded engines over the built graph: Oxigraph (default), in memory or on disk, and rdflib.

Every engine answers with a `kg.results.Result` whose rows are rdflib terms (the embedded
Oxigraph keeps pyoxigraph's own unread answer; rows are converted only when read, and
pyoxigraph writes the standard formats), and takes values as RDF terms: pyoxigraph
`substitutions`, rdflib `initBindings` on a prepared query. The default graph is the union of
all named graphs.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg import sandbox
from kg.engines.base import Bindings, Converter, Engine, QueryDataset, to_ox
from kg.engines.ondisk import claim_store, marker_data, write_marker
from kg.errors import InputError, KgError
from kg.results import Result

if TYPE_CHECKING:
    from kg.build import Built


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
        if marker_data(marker) != digest:
            store.clear()
            built.store(into=store)
            store.flush()
            write_marker(marker, digest)
        return cls(store, built.origin, store_dir)

    def run(
        self, text: str, bindings: Bindings | None = None, dataset: QueryDataset | None = None
    ) -> Result:
        """Run a query on the store; the default graph is the union of all graphs."""
        import pyoxigraph as ox

        shape = sandbox.check(text, allow_service=self.allow_service)
        subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        with _oxigraph_errors(text):
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
        with _oxigraph_errors(text):
            self.store.update(text)


def _memory_note(origin: str) -> str:
    """What an update on an in-memory engine changed: this process's copy, nothing saved."""
    return (
        "update done in memory only: nothing was saved (it changed this process's copy of "
        f"{origin}; the next command will not see it)"
    )


@contextlib.contextmanager
def _oxigraph_errors(text: str) -> Iterator[None]:
    """What pyoxigraph refuses in a query or update `text`, as one line."""
    try:
        yield
    except SyntaxError as exc:
        raise _prefix_error(text) or _syntax_error(str(exc)) from None
    except (RuntimeError, OSError) as exc:
        raise KgError(f"oxigraph: {str(exc).splitlines()[0]}") from None


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
