"""What every query engine offers, and the terms a query is given and gives back."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg import terms
from kg.errors import InputError
from kg.results import Result
from kg.sandbox import tokens

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
