"""Build: sources, registry and ontology become one dataset with evidence and direct edges."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import IdentifiedNode, Node

from kg import evidence, resources
from kg.cache import Cache, CacheError, Entry, all_of, hash_parts, is_key, key_of, open_cache
from kg.derive import Supers, derive, entailed_types, joins, superclasses
from kg.errors import EvidenceError, InputError
from kg.namespaces import (
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    FACT,
    KG,
    NIF,
    ONTOLOGY_GRAPH,
    owner,
    source_graph,
)
from kg.parallel import ordered, workers_for
from kg.prefixes import new_dataset, prefixed_graph, source_prefix, with_sources
from kg.progress import progress
from kg.sources import (
    REGISTRY_FILE,
    Source,
    check_literals,
    check_terms,
    declared_terms,
    discover,
    load_source,
    parse_turtle,
    quote_start,
    read_source,
    require_clean,
)
from kg.terms import cached_to_ox

_AUTHORING = {KG.quote, KG.quoteStart}
Triple = tuple[Node, Node, Node]


@dataclass
class Part:
    """Where one named graph's share of triples is: a verified cache entry, N-Triples read from
    a file (`data`), or a graph in memory."""

    name: IdentifiedNode  # DATASET_DEFAULT_GRAPH_ID for the default graph
    entry: Entry | None = None
    graph: Graph | None = None
    data: bytes | None = None

    def nt(self) -> bytes:
        """Return this part's triples as N-Triples (the cache entry's body, verified again)."""
        if self.graph is not None:
            return self.graph.serialize(format="nt", encoding="utf-8")
        if self.data is not None:
            return self.data
        return self.entry.body() if self.entry is not None else b""

    def triples(self) -> list[Triple]:
        """Return this part's triples (read from the cache entry if not in memory)."""
        if self.graph is not None:
            return list(self.graph)
        body = self.data if self.data is not None else None
        if body is None and self.entry is not None:
            body = self.entry.body()
        return _parse_cached(body) if body is not None else []

    def into(self, g: Graph) -> None:
        """Add this part's triples to `g`."""
        triples = self.graph if self.graph is not None else self.triples()
        g.addN((s, p, o, g) for s, p, o in triples)

    def load(self) -> Graph:
        """Return this part's triples as a graph (read from the cache entry if not in memory)."""
        if self.graph is None:
            g = Graph()
            self.into(g)
            return g
        return self.graph


@dataclass
class Unit:
    """One source's share of the dataset: its compiled graph and the edges derived from it."""

    slug: str
    key: str  # the input key of the compiled source (its cache entry's name)
    graph: Part
    derived: Part
    digest: str  # its graph and edges (`content_digest`): what validation reads


class Built:
    """The graph, as parts: what a build made, or what `kg.graph` loaded (`kg.graph.open`).

    Every stage after the build takes one: validation, the exports, the query engines
    (`store()`), the views and the diff (`dataset`, made when first read).
    """

    origin = "the graph built in memory"  # what it holds, for messages

    def __init__(
        self,
        sources: list[Source],
        shared: list[Part],
        units: list[Unit],
        cross: Part,
        shared_key: str,
        cache: Cache | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        self.sources = sources
        # the ontology, the registry and the types they entail (in the derived graph), in memory
        self.shared = shared
        self.units = units
        self.cross = cross  # direct edges that join facts of different sources (usually none)
        self.shared_key = shared_key  # digest of the ontology and registry files
        self.cache = cache  # where the parts' entries are (None: all in memory)
        self._dataset = dataset  # made from the parts when first read (`dataset`)
        self._quads: int | None = None  # the quad count, once counted

    def empty_dataset(self) -> Dataset:
        """Return an empty dataset with the prefixes the built dataset has bound."""
        ds = new_dataset()
        for unit in self.units:
            ds.bind(source_prefix(unit.slug), FACT[unit.slug + "/"], override=True, replace=True)
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
        if self._quads is None:
            shared = [p for p in self.shared if p.name != DERIVED_GRAPH]
            count = sum(len(part.load()) for part in shared)
            count += sum(len(_nt_lines(unit.graph)) for unit in self.units)
            derived: set[bytes] = set()
            entailed = [p for p in self.shared if p.name == DERIVED_GRAPH]
            for part in [*(unit.derived for unit in self.units), self.cross, *entailed]:
                derived.update(_nt_lines(part))
            self._quads = count + len(derived)
        return self._quads

    def counted(self, quads: int) -> None:
        """Keep the quad count a later stage counted anyway (the exports count every graph's
        triples), so that `quad_count` need not read every part again."""
        self._quads = quads

    def prefixes(self) -> dict[str, str]:
        """Return the project's prefixes and one per source for its facts (`<slug>:`)."""
        return with_sources(unit.slug for unit in self.units)

    def fingerprint(self) -> str:
        """Identify the graph's content (what an on-disk store copied, see `kg.engines.ondisk`)."""
        return key_of(self.shared_key, *(u.digest for u in self.units), self.cross.nt())

    def store(self, into: Any = None) -> Any:
        """Return a pyoxigraph store with every quad (graph names as in `dataset`).

        `into`: a store to load into (an on-disk one) instead of a new one in memory.
        """
        import pyoxigraph as ox

        store = ox.Store() if into is None else into
        add_parts(store, self.parts())
        return store


def nt_lines(body: bytes) -> set[bytes]:
    """Return N-Triples text as its set of triple lines (one line per triple, as rdflib writes).

    Lines end only at LF: N-Triples escapes every other line break, and a literal may hold a
    character (U+2028, U+0085) that `str.splitlines` would take for one.
    """
    return {line for line in body.split(b"\n") if line and not line.startswith(b"#")}


def content_digest(*bodies: bytes) -> str:
    """Identify N-Triples texts by their lines, whatever order rdflib wrote them in (the order
    of a graph's triples changes from one process to the next, its lines do not)."""
    return key_of(*(b"\n".join(sorted(nt_lines(body))) for body in bodies))


def _nt_lines(part: Part) -> set[bytes]:
    """Return a part's triples as N-Triples lines (`nt_lines`)."""
    return nt_lines(part.nt())


def add_parts(store: Any, parts: list[Part]) -> None:
    """Load parts into a pyoxigraph store, each into its named graph."""
    import pyoxigraph as ox

    for part in parts:
        name = ox_graph_name(part.name)
        if part.graph is not None:
            store.extend(_ox_quads(part.graph, name))
        elif part.data is not None:
            store.load(part.data, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        elif part.entry is not None:
            store.load(part.entry.body(), format=ox.RdfFormat.N_TRIPLES, to_graph=name)


def ox_graph_name(name: Node) -> Any:
    """Return the pyoxigraph graph name of a part's name (rdflib's default graph: the default)."""
    import pyoxigraph as ox

    if name == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(name, BNode):
        return ox.BlankNode(str(name))
    return ox.NamedNode(str(name))


def _ox_quads(g: Graph, name: Any) -> Iterator[Any]:
    """Yield a graph's triples as pyoxigraph quads in the graph `name`."""
    import pyoxigraph as ox

    term = cached_to_ox()

    for s, p, o in g:
        yield ox.Quad(term(s), term(p), term(o), name)


def span_iri(source: URIRef, span: evidence.Span) -> URIRef:
    """Return the RFC 5147 IRI of a span of a source (`SOURCE#char=B,E`)."""
    return URIRef(f"{source}#char={span.begin},{span.end}")


def _add_span(g: Graph, source: Source, span: evidence.Span, context: URIRef) -> URIRef:
    node = span_iri(source.iri, span)
    g.addN(
        (node, p, o, g)
        for p, o in (
            (RDF.type, NIF.String),
            (RDF.type, NIF.OffsetBasedString),
            (NIF.anchorOf, Literal(span.slice(source.text))),
            (NIF.beginIndex, Literal(span.begin, datatype=XSD.nonNegativeInteger)),
            (NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)),
            (NIF.referenceContext, context),
        )
    )
    return node


def compile_source(source: Source, g: Graph) -> None:
    """Write one source's facts into `g`, each quote replaced by a checked evidence span."""
    kept = [(s, p, o) for s, p, o in source.facts if p not in _AUTHORING]
    if any(isinstance(t, BNode) for triple in kept for t in triple):
        facts = Graph()
        facts.addN((s, p, o, facts) for s, p, o in kept)
        _copy(facts, g)  # canonical blank-node labels
    else:
        g.addN((s, p, o, g) for s, p, o in kept)
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
        span = evidence.locate(
            text,
            str(quote),
            fact=f"{source.facts_path}: {name}",
            source=source.slug,
            start=quote_start(source.facts.value(fact, KG.quoteStart)),
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
    if _has_bnodes(src):
        src = to_canonical_graph(src)
    dst.addN((s, p, o, dst) for s, p, o in src)


# What a compiled source depends on besides its own files: the ontology (declared terms) and
# the code that compiles it. A change to either gives new cache keys.
CACHE_VERSION = "3"
_CODE = (
    "build.py",
    "derive.py",
    "shapes.py",
    "evidence.py",
    "sources.py",
    "turtle.py",
    "namespaces.py",
    "cache.py",
    "timeline.py",
)


def _cache_base(ontology_bytes: bytes) -> hashlib._Hash:
    h = hashlib.sha256(f"scs-kg build {CACHE_VERSION}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    h.update(resources.shapes_file().read_bytes())  # the edges each fact class implies
    h.update(ontology_bytes)
    return h


def _source_key(base: hashlib._Hash, source: Source, facts: bytes) -> str:
    return hash_parts(base.copy(), source.slug, source.sha256, facts).hexdigest()


def _parse_cached(body: bytes) -> list[Triple]:
    """Return N-Triples (a cache entry's body) as triples in rdflib terms."""
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

    try:
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        return [(term(t.subject), term(t.predicate), term(t.object)) for t in triples]
    except SyntaxError as exc:  # only a forged entry passes its digest and does not parse
        raise CacheError(f"a cache entry does not parse ({exc}); run `kg cache clear`") from exc


def _has_bnodes(g: Graph) -> bool:
    return any(isinstance(t, BNode) for triple in g for t in triple)


def _foreign(nodes: set[Node], slug: str) -> list[str]:
    """The nodes outside a source's own namespace, as sorted strings (blank nodes `_:`)."""
    out = []
    for n in nodes:
        text = ("_:" if isinstance(n, BNode) else "") + str(n)
        if isinstance(n, BNode) or owner(text) != slug:
            out.append(text)
    return sorted(out)


def _joins_ok(body: bytes) -> bool:
    """Whether a derive entry's body starts with a well-formed joins line (and the unit's
    digest)."""
    head = body.partition(b"\n")[0]
    if not head.startswith(b"# joins "):
        return False
    try:
        summary = json.loads(head[len(b"# joins ") :])
    except ValueError:
        return False
    return (
        isinstance(summary, dict)
        and set(summary) == {"subjects", "targets", "digest"}
        and isinstance(summary["digest"], str)
        and is_key(summary["digest"])
        and all(all_of(summary[k], lambda x: isinstance(x, str)) for k in ("subjects", "targets"))
    )


def _derive_part(
    source: Part, slug: str, entry: Entry | None, body: bytes, supers: Supers
) -> tuple[Part, dict[str, list[str]], str]:
    """Derive one source's direct edges; cache them with what would join them to other sources.

    Returns the part, the source's foreign fact nodes (see `derive.joins`) and the unit's
    digest (`content_digest` of the compiled graph's N-Triples, `body`, and the edges), which
    the entry keeps so that a warm build need not compute it again.
    """
    if entry is not None:
        cached = entry.read(_joins_ok)
        if cached is not None:
            summary = json.loads(cached.partition(b"\n")[0][len(b"# joins ") :])
            digest = summary.pop("digest")
            return Part(DERIVED_GRAPH, entry=entry), summary, digest
    facts = source.load()
    out = Graph()
    derive(facts, out, supers)
    subjects, targets = joins(facts)
    summary = {"subjects": _foreign(subjects, slug), "targets": _foreign(targets, slug)}
    nt = out.serialize(format="nt", encoding="utf-8")
    digest = content_digest(body, nt)
    if entry is not None and not _has_bnodes(out):
        head = json.dumps({**summary, "digest": digest})
        entry.write(f"# joins {head}\n".encode() + nt)
        if entry.path.is_file():
            return Part(DERIVED_GRAPH, entry=entry), summary, digest
    return Part(DERIVED_GRAPH, graph=out), summary, digest


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


def _make_unit(
    source_folder: Path,
    base: hashlib._Hash,
    declared: set[URIRef],
    store: Cache | None,
    supers: Supers,
    read: tuple[Source, str] | None = None,
) -> Made:
    """Compile one source (or read it from the cache) and derive its direct edges.

    `read`: the source as `_read_keyed` returned it, if it was read already.
    """
    source, key = read or _read_keyed(source_folder, base)
    entry = store.entry("build", key, ".nt") if store is not None else None
    name = source_graph(source.slug)
    body = entry.read() if entry is not None else None
    if entry is not None and body is not None:
        part = Part(name, entry=entry)
    else:
        source = load_source(source_folder)
        check_terms(source.facts, declared, source.facts_path)
        require_clean(source)
        g = prefixed_graph()
        compile_source(source, g)
        body = g.serialize(format="nt", encoding="utf-8")
        part = Part(name, graph=g)
        if entry is not None and not _has_bnodes(g):
            entry.write(body)
            if entry.path.is_file():
                part.entry = entry
    edges = store.entry("derive", key, ".nt") if store is not None else None
    derived, summary, digest = _derive_part(part, source.slug, edges, body, supers)
    if part.entry is not None:
        part.graph = None  # read again (and verified again) only when needed
    return source, Unit(source.slug, key, part, derived, digest), summary


def _read_keyed(source_folder: Path, base: hashlib._Hash) -> tuple[Source, str]:
    """Read a source's files (`read_source`); return it with its cache key."""
    source, facts_bytes = read_source(source_folder)
    return source, _source_key(base, source, facts_bytes)


def _cached(store: Cache, key: str) -> bool:
    """Whether a source's compiled graph and edges are both in the cache (read, not checked)."""
    return all(store.entry(kind, key, ".nt").path.is_file() for kind in ("build", "derive"))


Made = tuple[Source, Unit, dict[str, list[str]]]  # a source, its unit, its joins summary


def _sendable(made: Made) -> Made | None:
    """What a worker sends back of a unit it made: the unit when both its parts are cache
    entries (no triples to pickle), with the source's facts left out; otherwise None."""
    source, unit, summary = made
    parts = (unit.graph, unit.derived)
    if any(p.entry is None or p.graph is not None or p.data is not None for p in parts):
        return None
    light = Source(source.slug, source.iri, source.text, source.sha256, source.facts_path)
    del light.facts  # parsed again when asked for, as after `read_source`
    return light, unit, summary


def build(
    sources_root: Path | None = None,
    ontology_path: Path | None = None,
    cache: Path | bool | None = True,
) -> Built:
    """Load ontology, registry and every source below `sources_root`; derive the direct layer.

    Each source's compiled graph and its direct edges are cached by the content of its files,
    the ontology and the build's code (`cache`: True for the `KG_CACHE_DIR` folder, a folder,
    or None/False for none), so a rebuild compiles again only the sources that changed and
    reads none of the others: the result keeps where each graph is (`Built`).
    """
    root = sources_root or resources.sources_dir()
    ontology_file = ontology_path or resources.ontology_file()
    ontology_bytes = ontology_file.read_bytes()
    ontology = parse_turtle(ontology_file)
    store = (open_cache() if cache is True else open_cache(cache)) if cache else None
    base = _cache_base(ontology_bytes)
    declared = declared_terms(ontology)
    supers = superclasses(ontology)
    shared = [Part(ONTOLOGY_GRAPH, graph=Graph()), Part(ENTITIES_GRAPH, graph=Graph())]
    _copy(ontology, shared[0].load())

    registry_path = root / REGISTRY_FILE
    registry = parse_turtle(registry_path)
    check_terms(registry, declared, registry_path)
    check_literals(registry, registry_path)
    _copy(registry, shared[1].load())
    # the types the class hierarchy entails for the ontology's and the registry's own nodes
    # (each source's are derived with its edges): in the derived graph, as a shared part
    entailed = Graph()
    for part in shared:
        entailed.addN((s, p, o, entailed) for s, p, o in entailed_types(part.load(), supers))
    shared.append(Part(DERIVED_GRAPH, graph=entailed))
    shared_key = hashlib.sha256(
        b"%d\0%b%b" % (len(ontology_bytes), ontology_bytes, registry_path.read_bytes())
    ).hexdigest()

    folders = discover(root)
    if not folders:
        raise InputError(f"{root}: no sources (folders with a facts.ttl)")
    sources: list[Source] = []
    units: list[Unit] = []
    summaries: list[dict[str, list[str]]] = []

    def make(folder: Path, read: tuple[Source, str] | None = None) -> Made:
        return _make_unit(folder, base, declared, store, supers, read)

    def in_cache(folder: Path) -> Made | None:
        return _sendable(make(folder))

    # each source the cache lacks is compiled by a worker process into the cache, which sends
    # back the unit (its parts as cache entries); the others are read here, which is quicker
    # than sending them. A source whose parts cannot be cached (blank nodes) is compiled here
    # again. Without a cache, every source is compiled here.
    reads: Sequence[tuple[Source, str] | None] = [None] * len(folders)
    misses: list[Path] = []
    if store is not None and workers_for(len(folders)) > 1:
        keyed = [_read_keyed(folder, base) for folder in folders]
        misses = [f for f, (_s, key) in zip(folders, keyed, strict=True) if not _cached(store, key)]
        reads = keyed
    if workers_for(len(misses)) == 1:
        misses = []  # one source to compile (or none): no worker for it
    wanted = set(misses)
    with (
        ordered(in_cache, misses) as answers,
        progress("building sources", len(folders)) as step,
    ):
        found = iter(answers)
        for source_folder, read in zip(folders, reads, strict=True):
            sent = next(found) if source_folder in wanted else None
            source, unit, summary = make(source_folder, read) if sent is None else sent
            units.append(unit)
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
    return Built(sources, shared, units, cross, shared_key, store)
