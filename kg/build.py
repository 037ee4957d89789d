"""Build: sources, registry and ontology become one dataset with evidence and direct edges."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import Node

from kg import evidence, resources
from kg.derive import derive, joins
from kg.errors import EvidenceError, InputError
from kg.namespaces import (
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    FACT,
    KG,
    NIF,
    ONTOLOGY_GRAPH,
    PREFIXES,
    SRC,
    source_graph,
)
from kg.progress import progress
from kg.sources import (
    REGISTRY_FILE,
    Source,
    cache_dir,
    check_terms,
    declared_terms,
    discover,
    load_source,
    parse_turtle,
    read_source,
)
from kg.terms import cached_to_ox

_AUTHORING = {KG.quote, KG.quoteStart}
Triple = tuple[Node, Node, Node]


@dataclass
class Part:
    """Where one named graph's share of triples is: a cached N-Triples file or a graph."""

    name: URIRef
    path: Path | None = None
    graph: Graph | None = None

    def triples(self) -> list[Triple]:
        """Return this part's triples (read from the cache file if not in memory)."""
        if self.graph is not None:
            return list(self.graph)
        return _read_cached(self.path) if self.path is not None else []

    def into(self, g: Graph) -> None:
        """Add this part's triples to `g`."""
        triples = self.graph if self.graph is not None else self.triples()
        g.addN((s, p, o, g) for s, p, o in triples)

    def load(self) -> Graph:
        """Return this part's triples as a graph (read from the cache file if not in memory)."""
        if self.graph is None:
            g = Graph()
            self.into(g)
            return g
        return self.graph


@dataclass
class Unit:
    """One source's share of the dataset: its compiled graph and the edges derived from it."""

    slug: str
    key: str  # the content key of the compiled source (its cache file's name)
    graph: Part
    derived: Part


class Built:
    """The built dataset and what went into it, as parts; `dataset` is made when first read."""

    def __init__(
        self,
        sources: list[Source],
        shared: list[Part],
        units: list[Unit],
        cross: Part,
        shared_key: str,
    ) -> None:
        self.sources = sources
        self.shared = shared  # the ontology and the registry, in memory
        self.units = units
        self.cross = cross  # direct edges that join facts of different sources (usually none)
        self.shared_key = shared_key  # digest of the ontology and registry files
        self._dataset: Dataset | None = None

    def empty_dataset(self) -> Dataset:
        """Return an empty dataset with the prefixes the built dataset has bound."""
        ds = new_dataset()
        for unit in self.units:
            ds.bind(unit.slug, FACT[unit.slug + "/"], override=True, replace=True)
        return ds

    @property
    def dataset(self) -> Dataset:
        """The whole dataset in rdflib: shared graphs, one graph per source, derived edges."""
        if self._dataset is None:
            ds = self.empty_dataset()
            for part in self.shared:
                part.into(ds.graph(part.name))
            for unit in self.units:
                unit.graph.into(ds.graph(unit.graph.name))
            derived = ds.graph(DERIVED_GRAPH)
            for unit in self.units:
                unit.derived.into(derived)
            self.cross.into(derived)
            self._dataset = ds
        return self._dataset

    def parts(self) -> list[Part]:
        """Every part, in the dataset's order (derived parts share the derived graph's name)."""
        return [
            *self.shared,
            *(u.graph for u in self.units),
            *(u.derived for u in self.units),
            self.cross,
        ]

    def quad_count(self) -> int:
        """Return the number of quads of the dataset, counted without making it."""
        if self._dataset is not None:
            return len(self._dataset)
        count = sum(len(part.load()) for part in self.shared)
        count += sum(len(_nt_lines(unit.graph)) for unit in self.units)
        derived: set[str] = set()
        for part in [*(unit.derived for unit in self.units), self.cross]:
            derived.update(_nt_lines(part))
        return count + len(derived)

    def prefixes(self) -> dict[str, str]:
        """Return the project's prefixes and one per source for its facts (`<slug>:`)."""
        found = dict(PREFIXES)
        for unit in self.units:
            found[unit.slug] = str(FACT[unit.slug + "/"])
        return dict(sorted(found.items()))

    def store(self) -> Any:
        """Return a pyoxigraph store with every quad (graph names as in `dataset`)."""
        import pyoxigraph as ox

        store = ox.Store()
        add_parts(store, self.parts())
        return store


def _nt_lines(part: Part) -> set[str]:
    """Return a part's triples as N-Triples lines (one line per triple, as rdflib writes)."""
    if part.graph is not None:
        text = part.graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    elif part.path is not None:
        text = part.path.read_text(encoding="utf-8")
    else:
        return set()
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def add_parts(store: Any, parts: list[Part]) -> None:
    """Load parts into a pyoxigraph store, each into its named graph."""
    import pyoxigraph as ox

    for part in parts:
        name = ox.NamedNode(str(part.name))
        if part.graph is not None:
            store.extend(_ox_quads(part.graph, name))
        elif part.path is not None:
            store.load(path=str(part.path), format=ox.RdfFormat.N_TRIPLES, to_graph=name)


def _ox_quads(g: Graph, name: Any) -> Iterator[Any]:
    """Yield a graph's triples as pyoxigraph quads in the graph `name`."""
    import pyoxigraph as ox

    term = cached_to_ox()

    for s, p, o in g:
        yield ox.Quad(term(s), term(p), term(o), name)


def _prefixed_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def new_dataset() -> Dataset:
    """Return an empty dataset with the project's prefixes bound."""
    ds = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds


def span_iri(source: URIRef, span: evidence.Span) -> URIRef:
    """Return the RFC 5147 IRI of a span of a source (`SOURCE#char=B,E`)."""
    return URIRef(f"{source}#char={span.begin},{span.end}")


def _add_span(g: Graph, source: Source, span: evidence.Span, context: URIRef) -> URIRef:
    node = span_iri(source.iri, span)
    g.add((node, RDF.type, NIF.String))
    g.add((node, RDF.type, NIF.OffsetBasedString))
    g.add((node, NIF.anchorOf, Literal(span.slice(source.text))))
    g.add((node, NIF.beginIndex, Literal(span.begin, datatype=XSD.nonNegativeInteger)))
    g.add((node, NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)))
    g.add((node, NIF.referenceContext, context))
    return node


def compile_source(source: Source, g: Graph) -> None:
    """Write one source's facts into `g`, each quote replaced by a checked evidence span."""
    facts = Graph()
    facts.addN((s, p, o, facts) for s, p, o in source.facts if p not in _AUTHORING)
    _copy(facts, g)
    text = source.text
    g.add((source.iri, KG.sha256, Literal(source.sha256)))
    whole = evidence.Span(0, len(text))
    context = _add_span(g, source, whole, span_iri(source.iri, whole))
    g.add((context, RDF.type, NIF.Context))
    g.add((context, NIF.isString, Literal(text)))
    g.add((context, NIF.sourceUrl, source.iri))
    sentences = evidence.sentences(text)
    for sentence in sentences:
        g.add((_add_span(g, source, sentence, context), RDF.type, NIF.Sentence))

    for fact, quote in sorted(source.facts.subject_objects(KG.quote)):
        name = fact.n3(source.facts.namespace_manager)
        start = source.facts.value(fact, KG.quoteStart)
        span = evidence.locate(
            text,
            str(quote),
            fact=f"{source.facts_path}: {name}",
            source=source.slug,
            start=int(start) if isinstance(start, Literal) else None,
        )
        for prop in (KG.quotation, KG.mentionText, KG.label):
            for words in source.facts.objects(fact, prop):
                if str(words) not in str(quote):
                    raise EvidenceError(
                        f"{source.facts_path}: {name}: {prop.n3(g.namespace_manager)} "
                        f"{str(words)!r} is not inside its quote {str(quote)!r}"
                    )
        node = _add_span(g, source, span, context)
        for sentence in evidence.covering(sentences, span):
            g.add((node, NIF.sentence, span_iri(source.iri, sentence)))
        g.add((fact, KG.evidence, node))
        g.add((fact, PROV.hadPrimarySource, source.iri))


def _copy(src: Graph, dst: Graph) -> None:
    """Copy triples; blank nodes get canonical labels so that exports are byte-identical."""
    if any(isinstance(t, BNode) for triple in src for t in triple):
        src = to_canonical_graph(src)
    dst.addN((s, p, o, dst) for s, p, o in src)


# What a compiled source depends on besides its own files: the ontology (declared terms) and
# the code that compiles it. A change to either gives new cache keys.
CACHE_VERSION = "1"
_CODE = ("build.py", "derive.py", "evidence.py", "sources.py", "namespaces.py", "timeline.py")


def _cache_base(ontology_bytes: bytes) -> hashlib._Hash:
    h = hashlib.sha256(f"scs-kg build {CACHE_VERSION}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    h.update(ontology_bytes)
    return h


def _cache_file(folder: Path, base: hashlib._Hash, source: Source, facts: bytes) -> Path:
    h = base.copy()
    for part in (source.slug.encode(), source.sha256.encode(), facts):
        h.update(len(part).to_bytes(8, "big") + part)
    return folder / "build" / f"{h.hexdigest()}.nt"


def _read_cached(path: Path) -> list[Triple]:
    """Return a compiled source's triples, as cached in N-Triples, in rdflib terms."""
    import pyoxigraph as ox

    memo: dict[Any, Node] = {}

    def term(t: Any) -> Node:
        found = memo.get(t)
        if found is None:
            if isinstance(t, ox.NamedNode):
                found = URIRef(t.value)
            elif t.language:
                found = Literal(t.value, lang=t.language)
            elif t.datatype.value == str(XSD.string):
                found = Literal(t.value)
            else:
                found = Literal(t.value, datatype=URIRef(t.datatype.value))
            memo[t] = found
        return found

    triples = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return [(term(t.subject), term(t.predicate), term(t.object)) for t in triples]


def _write_cached(path: Path, g: Graph) -> None:
    """Cache a compiled source (only one without blank nodes: their labels are not kept)."""
    if any(isinstance(t, BNode) for triple in g for t in triple):
        return
    write_entry(path, g.serialize(format="nt", encoding="utf-8").decode("utf-8"))


def owner(term: str) -> str | None:
    """Return the slug of the source whose namespace (`fact:SLUG/…`, `src:SLUG#…`) holds an IRI."""
    for ns, stop in ((str(FACT), "/"), (str(SRC), "#")):
        if term.startswith(ns):
            return term[len(ns) :].split(stop, 1)[0]
    return None


def _foreign(nodes: set[Node], slug: str) -> list[str]:
    """The nodes outside a source's own namespace, as sorted strings (blank nodes `_:`)."""
    out = []
    for n in nodes:
        text = ("_:" if isinstance(n, BNode) else "") + str(n)
        if isinstance(n, BNode) or owner(text) != slug:
            out.append(text)
    return sorted(out)


def _derive_part(source: Part, slug: str, path: Path | None) -> tuple[Part, dict[str, list[str]]]:
    """Derive one source's direct edges; cache them with what would join them to other sources.

    Returns the part and the source's foreign fact nodes (see `derive.joins`).
    """
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as f:
            first = f.readline()
        if first.startswith("# joins "):
            with contextlib.suppress(ValueError):  # unreadable: derived again
                summary = json.loads(first[len("# joins ") :])
                touch_entry(path)
                return Part(DERIVED_GRAPH, path=path), summary
    facts = source.load()
    out = Graph()
    derive(facts, out)
    subjects, targets = joins(facts)
    summary = {"subjects": _foreign(subjects, slug), "targets": _foreign(targets, slug)}
    if path is not None and not any(isinstance(t, BNode) for tr in out for t in tr):
        body = out.serialize(format="nt", encoding="utf-8").decode("utf-8")
        write_entry(path, f"# joins {json.dumps(summary)}\n{body}")
        return Part(DERIVED_GRAPH, path=path), summary
    return Part(DERIVED_GRAPH, graph=out), summary


def _cross_sources(units: list[Unit], summaries: list[dict[str, list[str]]]) -> list[Unit]:
    """Return the sources whose facts may join facts of other sources in a direct edge.

    A source whose facts (subjects of the properties the edges read) and linked claims or
    participations are all in its own namespace, and whose own nodes no other source describes,
    derives exactly its own edges. Any other source is returned, with every source holding a
    node it links to, so that deriving from their union adds the edges across sources.
    """
    slugs = {u.slug: u for u in units}
    holders: dict[str, set[str]] = {}
    for unit, summary in zip(units, summaries, strict=True):
        for node in summary["subjects"]:
            holders.setdefault(node, set()).add(unit.slug)
    picked: set[str] = set()
    for unit, summary in zip(units, summaries, strict=True):
        nodes = [*summary["subjects"], *summary["targets"]]
        if not nodes:
            continue
        picked.add(unit.slug)
        for node in nodes:
            picked.update(holders.get(node, set()))
            home = owner(node)
            if home in slugs:
                picked.add(home)
    return [u for u in units if u.slug in picked]


def write_entry(path: Path, text: str) -> None:
    """Write a cache file atomically (a reader sees the old file, the new one, or none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def touch_entry(path: Path) -> None:
    """Mark a cache file as used now (`kg cache prune` removes files long unused)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def build(
    sources_root: Path | None = None,
    ontology_path: Path | None = None,
    cache: Path | bool | None = True,
) -> Built:
    """Load ontology, registry and every source below `sources_root`; derive the direct layer.

    Each source's compiled graph and its direct edges are cached by the content of its files,
    the ontology and the build's code (`cache`: True for `kg.sources.cache_dir()`, a folder,
    or None/False for none), so a rebuild compiles again only the sources that changed and
    reads none of the others: the result keeps where each graph is (`Built`).
    """
    root = sources_root or resources.sources_dir()
    ontology_file = ontology_path or resources.ontology_file()
    ontology_bytes = ontology_file.read_bytes()
    ontology = parse_turtle(ontology_file)
    folder = cache_dir() if cache is True else (cache or None)
    base = _cache_base(ontology_bytes)
    declared = declared_terms(ontology)
    shared = [Part(ONTOLOGY_GRAPH, graph=Graph()), Part(ENTITIES_GRAPH, graph=Graph())]
    _copy(ontology, shared[0].load())

    registry_path = root / REGISTRY_FILE
    registry = parse_turtle(registry_path)
    check_terms(registry, declared, registry_path)
    _copy(registry, shared[1].load())
    shared_key = hashlib.sha256(
        b"%d\0%b%b" % (len(ontology_bytes), ontology_bytes, registry_path.read_bytes())
    ).hexdigest()

    folders = discover(root)
    if not folders:
        raise InputError(f"{root}: no sources (folders with a facts.ttl)")
    sources: list[Source] = []
    units: list[Unit] = []
    summaries: list[dict[str, list[str]]] = []
    with progress("building sources", len(folders)) as step:
        for source_folder in folders:
            source, facts_bytes = read_source(source_folder)
            key = _cache_file(Path(), base, source, facts_bytes).stem
            cached = folder / "build" / f"{key}.nt" if folder is not None else None
            name = source_graph(source.slug)
            if cached is not None and cached.is_file():
                touch_entry(cached)
                part = Part(name, path=cached)
            else:
                source = load_source(source_folder)
                check_terms(source.facts, declared, source.facts_path)
                g = _prefixed_graph()
                compile_source(source, g)
                if cached is not None:
                    _write_cached(cached, g)
                part = Part(name, path=cached if cached and cached.is_file() else None, graph=g)
            edges_file = folder / "derive" / f"{key}.nt" if folder is not None else None
            derived, summary = _derive_part(part, source.slug, edges_file)
            if part.path is not None:
                part.graph = None  # read again from the cache only when needed
            units.append(Unit(source.slug, key, part, derived))
            summaries.append(summary)
            sources.append(source)
            step()
    cross = Part(DERIVED_GRAPH, graph=Graph())
    joined = _cross_sources(units, summaries)
    if joined:
        facts = Graph()
        for unit in joined:
            unit.graph.into(facts)
        derive(facts, cross.load())
    return Built(sources, shared, units, cross, shared_key)


# --- The cache folder: what the build and validation wrote, and pruning it -----------------

CACHE_KINDS = ("build", "derive", "validate", "shacl")
_CACHE_NAME = re.compile(r"[0-9a-f]{64}(\.\d+\.tmp|\.nt|\.json)")


def cache_files(folder: Path) -> list[Path]:
    """Return the files the build and validation wrote in a cache folder (nothing else)."""
    found: list[Path] = []
    for kind in CACHE_KINDS:
        sub = folder / kind
        if sub.is_dir() and not sub.is_symlink():
            found.extend(
                p
                for p in sub.iterdir()
                if _CACHE_NAME.fullmatch(p.name) and p.is_file() and not p.is_symlink()
            )
    return sorted(found)


def prune_cache(folder: Path, days: float | None = None) -> tuple[int, int]:
    """Remove the cache files not used for `days` days (None: all); return (files, bytes).

    Every build and validation marks the entries it uses, so those of sources edited or
    removed since are the ones that age. Only files named as the project names them, in the
    folders it writes, are removed; each removal is one atomic unlink.
    """
    limit = None if days is None else time.time() - days * 86400
    count = size = 0
    for path in cache_files(folder):
        try:
            stat = path.stat()
            if limit is not None and stat.st_mtime >= limit:
                continue
            path.unlink()
        except FileNotFoundError:  # removed meanwhile by another process
            continue
        count += 1
        size += stat.st_size
    return count, size
