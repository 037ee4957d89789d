"""Build: sources, registry and ontology become one dataset with evidence and direct edges."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import Node

from kg import evidence, resources
from kg.derive import derive
from kg.errors import EvidenceError, InputError
from kg.namespaces import (
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    FACT,
    KG,
    NIF,
    ONTOLOGY_GRAPH,
    PREFIXES,
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

_AUTHORING = {KG.quote, KG.quoteStart}


@dataclass
class Built:
    """The built dataset and what went into it."""

    dataset: Dataset
    sources: list[Source] = field(default_factory=list)


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
_CODE = ("build.py", "evidence.py", "sources.py", "namespaces.py")


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


def _read_cached(path: Path, g: Graph) -> None:
    """Add a compiled source's triples, as cached in N-Triples, to `g`."""
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
    g.addN((term(t.subject), term(t.predicate), term(t.object), g) for t in triples)


def _write_cached(path: Path, g: Graph) -> None:
    """Cache a compiled source (only one without blank nodes: their labels are not kept)."""
    if any(isinstance(t, BNode) for triple in g for t in triple):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(g.serialize(format="nt", encoding="utf-8").decode("utf-8"), encoding="utf-8")
    tmp.replace(path)


def build(
    sources_root: Path | None = None,
    ontology_path: Path | None = None,
    cache: Path | bool | None = True,
) -> Built:
    """Load ontology, registry and every source below `sources_root`; derive the direct layer.

    Each source's compiled graph is cached by the content of its files, the ontology and the
    build's code (`cache`: True for `kg.sources.cache_dir()`, a folder, or None/False for none),
    so a rebuild compiles again only the sources that changed.
    """
    root = sources_root or resources.sources_dir()
    ontology_file = ontology_path or resources.ontology_file()
    ontology = parse_turtle(ontology_file)
    folder = cache_dir() if cache is True else (cache or None)
    base = _cache_base(ontology_file.read_bytes()) if folder is not None else None
    declared = declared_terms(ontology)
    ds = new_dataset()
    _copy(ontology, ds.graph(ONTOLOGY_GRAPH))

    registry_path = root / REGISTRY_FILE
    registry = parse_turtle(registry_path)
    check_terms(registry, declared, registry_path)
    _copy(registry, ds.graph(ENTITIES_GRAPH))

    built = Built(ds)
    folders = discover(root)
    if not folders:
        raise InputError(f"{root}: no sources (folders with a facts.ttl)")
    facts_union = Graph()
    with progress("building sources", len(folders)) as step:
        for source_folder in folders:
            source, facts_bytes = read_source(source_folder)
            cached = None
            if folder is not None and base is not None:
                cached = _cache_file(folder, base, source, facts_bytes)
            ds.bind(source.slug, FACT[source.slug + "/"], override=True, replace=True)
            g = ds.graph(source_graph(source.slug))
            if cached is not None and cached.is_file():
                _read_cached(cached, g)
            else:
                source = load_source(source_folder)
                check_terms(source.facts, declared, source.facts_path)
                compile_source(source, g)
                if cached is not None:
                    _write_cached(cached, g)
            facts_union += g
            built.sources.append(source)
            step()
    derive(facts_union, ds.graph(DERIVED_GRAPH))
    return built
