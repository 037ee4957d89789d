"""The Python API: open the graph, run a catalog query with parameters, get rows or a DataFrame.

`KnowledgeGraph.open("out")` opens a build folder or RDF file (None: out/, else a build in
memory); `kg.query("cq2-allies", actor="united-states").dicts()` runs a catalog query and
`kg.dataframe(...)` gives its DataFrame. A graph made in rdflib works the same way, and ad-hoc
SPARQL needs no PREFIX for the project's prefixes:

>>> from rdflib import Dataset
>>> from kg.api import KnowledgeGraph
>>> data = Dataset()
>>> _ = data.parse(data='''
...     @prefix ent: <https://w3id.org/scs-kg/id/> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     ent:philippines rdfs:label "Philippines" .''', format="turtle")
>>> kg = KnowledgeGraph.from_dataset(data)
>>> kg.sparql("SELECT ?label WHERE { ent:philippines rdfs:label ?label }").dicts()
[{'label': 'Philippines'}]
>>> kg.entity("Philippines")  # a short name, a prefixed name, an IRI or a label
rdflib.term.URIRef('https://w3id.org/scs-kg/id/philippines')
>>> kg.entity("Vietnam")
Traceback (most recent call last):
kg.errors.InputError: parameter entity: unknown entity 'Vietnam' (choose one of: philippines)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, URIRef

from kg import catalog, prefixes
from kg.catalog import CatalogQuery, Choices
from kg.engines.base import Engine, QueryDataset, is_update
from kg.engines.open import open_engine
from kg.engines.timeout import check_timeout, run_with_timeout
from kg.errors import InputError
from kg.results import Result

if TYPE_CHECKING:
    from kg.build import Built


# the triple an inference record names (rdf:subject, rdf:predicate, rdf:object) and its reason
_INFERRED = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?record ?subject ?predicate ?object ?reason WHERE {
  ?record rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  OPTIONAL { ?record rdfs:comment ?reason }
}
ORDER BY ?subject ?predicate ?object ?reason
"""


class KnowledgeGraph:
    """The graph behind one engine, with the query catalog."""

    def __init__(
        self, engine: Engine, timeout: float | None = None, queries: Path | None = None
    ) -> None:
        self.engine = engine
        self.timeout = check_timeout(timeout)
        self.queries_dir = queries
        self._choices: dict[str, Choices] = {}
        self._sources: set[str] | None = None

    @classmethod
    def open(
        cls,
        data: Path | str | None = None,
        *,
        engine: str = "oxigraph",
        store: Path | str | None = None,
        endpoint: str | None = None,
        timeout: float | None = None,
        allow_service: bool = False,
    ) -> KnowledgeGraph:
        """Open a build's output (folder or RDF file), a remote endpoint, or build in memory.

        `allow_service`: let queries use SERVICE, which sends them to other endpoints; refused
        otherwise (the embedded engines read the loaded data and nothing else).
        """
        check_timeout(timeout)
        if endpoint:
            return cls(open_engine(endpoint=endpoint, timeout=timeout), timeout)
        from kg import graph

        built = graph.open(Path(data) if data is not None else None)
        return cls.from_built(
            built, engine=engine, store=store, timeout=timeout, allow_service=allow_service
        )

    @classmethod
    def from_built(
        cls,
        built: Built,
        *,
        engine: str = "oxigraph",
        store: Path | str | None = None,
        timeout: float | None = None,
        allow_service: bool = False,
    ) -> KnowledgeGraph:
        """Open the graph `kg.graph.open` loaded (or `kg.build.build()` made) on an engine."""
        store_dir = Path(store) if store else None
        found = open_engine(built, engine, store_dir, timeout=timeout, allow_service=allow_service)
        return cls(found, timeout)

    @classmethod
    def from_dataset(
        cls,
        dataset: Dataset,
        *,
        engine: str = "oxigraph",
        timeout: float | None = None,
        allow_service: bool = False,
    ) -> KnowledgeGraph:
        """Wrap a dataset made in rdflib (such as `kg.build.build().dataset`)."""
        from kg import graph

        built = graph.from_dataset(dataset)
        return cls.from_built(built, engine=engine, timeout=timeout, allow_service=allow_service)

    def catalog(self) -> dict[str, CatalogQuery]:
        """Return the catalog's queries by name."""
        return catalog.load_catalog(self.queries_dir)

    def bindings(self, name: str, params: dict[str, str]) -> tuple[CatalogQuery, dict[str, Any]]:
        """Look up a catalog query and turn text parameter values into checked RDF terms."""
        query = catalog.get(name, self.queries_dir)
        return query, catalog.bind(
            query, params, self.engine.exists, self.engine.local_names, self.choices
        )

    def choices(self, kind: str) -> Choices:
        """Return the values a parameter type may take (`entity`, `statement-type`) and labels."""
        found = self._choices.get(kind)
        if found is None:
            labels: dict[URIRef, set[tuple[int, str]]] = {}
            for value, label, rank in self.engine.run(catalog.CHOICES[kind]).rows:
                if isinstance(value, URIRef):
                    labels.setdefault(value, set())
                    if label is not None:
                        labels[value].add((int(str(rank or 0)), str(label)))
            found = self._choices[kind] = {  # rdfs:label first, then skos:prefLabel, altLabel
                v: tuple(dict.fromkeys(text for _r, text in sorted(ls))) for v, ls in labels.items()
            }
        return found

    def sources(self) -> set[str]:
        """Return the slugs of the graph's sources (the `slug:` prefixes of its facts)."""
        if self._sources is None:
            from kg.namespaces import KG, SRC

            rows = self.engine.run(f"SELECT DISTINCT ?s WHERE {{ ?s a <{KG.Source}> }}").rows
            self._sources = {
                str(r[0])[len(str(SRC)) :] for r in rows if str(r[0]).startswith(str(SRC))
            }
        return self._sources

    def query(self, name: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Result:
        """Run a catalog query; parameters as a dict or keywords (`actor="pete-hegseth"`)."""
        values = {k: str(v) for k, v in {**(params or {}), **kwargs}.items()}
        query, bound = self.bindings(name, values)
        if is_update(query.text):
            raise InputError(f"query {name} is a SPARQL Update: run it with `kg sparql`")
        return self.run(query.text, bound)

    def run(
        self,
        text: str,
        bindings: dict[str, Any] | None = None,
        dataset: QueryDataset | None = None,
    ) -> Result:
        """Run SPARQL text with bound RDF terms (over `dataset`, if given: the SPARQL Protocol's
        default and named graphs), within the timeout if one is set."""
        engine = self.engine
        return run_with_timeout(lambda: engine.run(text, bindings, dataset), self.timeout)

    def sparql(
        self, text: str, allow_update: bool = False, dataset: QueryDataset | None = None
    ) -> Result | None:
        """Run ad-hoc SPARQL; an Update is refused unless `allow_update` (then returns None).

        The project's prefixes (`kg:`, `ent:`, `rdfs:` ...) need no declaration: those the
        query uses and does not declare are added (see `kg.prefixes`). An update changes the
        engine's copy of the graph: in memory for this process (gone when it ends;
        `engine.update_note()` says so); an on-disk `--store` refuses updates.
        """
        update = is_update(text)
        if update and not allow_update:
            raise InputError(
                "the query is a SPARQL Update (INSERT/DELETE/LOAD/CLEAR/DROP ...): "
                "refused without --allow-update"
            )
        full, added = prefixes.declare(text, self.sources)
        try:
            if update:
                self.engine.update(full)
                return None
            return self.run(full, dataset=dataset)
        except InputError as exc:
            fixed = prefixes.syntax_line(str(exc), added)
            if fixed == str(exc):
                raise
            raise InputError(fixed) from None

    def dataframe(self, name: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Run a catalog query and return a pandas DataFrame."""
        return self.query(name, params, **kwargs).to_dataframe()

    def entity(self, value: str) -> URIRef:
        """Resolve an entity given by short name, prefixed name or IRI; unknown is an error."""
        query = catalog.get("entity-facts", self.queries_dir)
        term = catalog.bind(
            query, {"entity": value}, self.engine.exists, self.engine.local_names, self.choices
        )
        found = term["entity"]
        assert isinstance(found, URIRef)
        return found

    def describe(self, entity: str) -> tuple[Result, Result]:
        """Return what the graph knows about an entity (short name, IRI or label) and its facts."""
        iri = str(self.entity(entity))
        return self.query("entity-profile", entity=iri), self.query("entity-facts", entity=iri)

    def inferred(self, record: str) -> Result:
        """Return the triple an inference record (kg:Inference) says is inferred, and why."""
        return self.run(_INFERRED, {"record": URIRef(record)})
