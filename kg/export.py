"""Exports: every standard serialization, the ontology, the shapes and a VoID description.

Output is byte-identical for the same input, and written atomically: the files go to a
temporary folder beside the target, which replaces the target only when all are written.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg import __version__, jsonld, resources
from kg.namespaces import (
    BASE,
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    FACT,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    VOID,
)
from kg.progress import progress

NAME = "scs-kg"
DATASET_IRI = URIRef(BASE + "dataset")
DUMP = BASE + "dump/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")

# file name, rdflib format, whether it keeps graph names
SERIALIZATIONS: list[tuple[str, str, bool]] = [
    (f"{NAME}.trig", "trig", True),
    (f"{NAME}.nq", "nquads", True),
    (f"{NAME}.jsonld", "json-ld", True),
    (f"{NAME}.ttl", "turtle", False),
    (f"{NAME}.nt", "nt", False),
    (f"{NAME}.rdf", "xml", False),
]
CONTEXT_FILE = "context.jsonld"


def context(ds: Dataset | Graph | None = None) -> dict[str, object]:
    """Return the JSON-LD context: the project's prefixes, nothing fetched."""
    return {"@context": prefixes(ds) if ds is not None else dict(sorted(PREFIXES.items()))}


_OX_FORMATS = {
    "trig": "TRIG",
    "nquads": "N_QUADS",
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "xml": "RDF_XML",
}


def sorted_quads(ds: Dataset | Graph, named: bool = True) -> list[Any]:
    """Return the quads (or, unnamed, the distinct triples) as pyoxigraph terms, sorted."""
    import pyoxigraph as ox

    data = ds.serialize(format="nquads" if isinstance(ds, Dataset) else "nt")
    parsed = ox.parse(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    if named:
        items: list[Any] = list(set(parsed))
        items.sort(
            key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
        )
    else:
        items = list({ox.Triple(q.subject, q.predicate, q.object) for q in parsed})
        items.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return items


def serialize(ds: Dataset, fmt: str, named: bool) -> str:
    """Serialize the dataset (or, for a triples-only format, the union of its graphs)."""
    if fmt == "json-ld":
        doc = jsonld.dumps(ds, prefixes(ds))
        assert isinstance(doc, dict)
        doc["@context"] = CONTEXT_FILE
        return jsonld.text(doc)
    return write_sorted(sorted_quads(ds, named), fmt, prefixes(ds))


def prefixes(ds: Dataset | Graph) -> dict[str, str]:
    """Return the project's prefixes and one per source for its facts (`<slug>:`)."""
    found = dict(PREFIXES)
    for prefix, ns in ds.namespaces():
        if str(ns).startswith(str(FACT)):
            found[prefix] = str(ns)
    return dict(sorted(found.items()))


def write_sorted(items: list[Any], fmt: str, names: dict[str, str] | None = None) -> str:
    """Serialize sorted pyoxigraph quads or triples with the given prefixes."""
    import pyoxigraph as ox

    rdf_format = getattr(ox.RdfFormat, _OX_FORMATS[fmt])
    prefixes = None if fmt in ("nt", "nquads") else (names or dict(sorted(PREFIXES.items())))
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data.decode("utf-8")


def void(ds: Dataset, files: list[str], sources: list[URIRef], triples: int | None = None) -> Graph:
    """Describe the dataset with VoID: counts, class partitions, subsets, sources, dumps.

    `triples` is the number of distinct triples of the union, if already known.
    """
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    if triples is None:
        triples = len({(s, p, o) for s, p, o, _g in ds.quads((None, None, None, None))})
    g.add((DATASET_IRI, RDF.type, VOID.Dataset))
    g.add((DATASET_IRI, DCTERMS.title, Literal("scs-kg: South China Sea diplomacy", lang="en")))
    g.add((DATASET_IRI, DCTERMS.license, LICENSE))
    g.add((DATASET_IRI, RDFS.comment, Literal(f"Built by scs-kg {__version__}.", lang="en")))
    g.add((DATASET_IRI, VOID.vocabulary, ONTOLOGY_IRI))
    g.add((DATASET_IRI, VOID.triples, Literal(triples, datatype=XSD.integer)))
    # one pass over the typing triples, graph by graph (the ontology and derived graphs left out)
    subjects = set()
    classes: Counter[URIRef] = Counter()
    for s, _p, cls, graph in ds.quads((None, RDF.type, None, None)):
        graph_name = graph.identifier if isinstance(graph, Graph) else graph
        if graph_name in (ONTOLOGY_GRAPH, DERIVED_GRAPH):
            continue
        subjects.add(s)
        if isinstance(cls, URIRef):
            classes[cls] += 1
    g.add((DATASET_IRI, VOID.entities, Literal(len(subjects), datatype=XSD.integer)))
    for cls, count in sorted(classes.items()):
        part = URIRef(f"{BASE}void/class/{_slug(cls)}")
        g.add((DATASET_IRI, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    for c in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if not isinstance(c.identifier, URIRef) or len(c) == 0:
            continue
        sub = URIRef(f"{BASE}void/graph/{_slug(c.identifier)}")
        g.add((DATASET_IRI, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, URIRef("http://www.w3.org/ns/sparql-service-description#name"), c.identifier))
        g.add((sub, VOID.triples, Literal(len(c), datatype=XSD.integer)))
    for source in sorted(sources):
        g.add((DATASET_IRI, DCTERMS.source, source))
    for name in sorted(files):
        g.add((DATASET_IRI, VOID.dataDump, URIRef(DUMP + name)))
    return g


def _slug(iri: URIRef) -> str:
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}-{text[len(ns) :]}".replace("/", "-").replace("#", "-")
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def write_outputs(ds: Dataset, out_dir: Path, sources: list[URIRef]) -> list[Path]:
    """Write every export into `out_dir`, atomically; return the files written."""
    import pyoxigraph as ox

    @functools.cache
    def items(named: bool) -> list[Any]:
        # sorted once for every format: the triples of the union come from the sorted quads
        if named:
            return sorted_quads(ds, named=True)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in items(True)}
        return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    @functools.cache
    def names() -> dict[str, str]:
        return prefixes(ds)

    writers: dict[str, Callable[[], str | bytes]] = {}
    for name, fmt, named in SERIALIZATIONS:
        if fmt == "json-ld":
            writers[name] = functools.partial(serialize, ds, fmt, named)
        else:
            writers[name] = functools.partial(
                lambda f, n: write_sorted(items(n), f, names()), fmt, named
            )
    writers[CONTEXT_FILE] = lambda: json.dumps(context(ds), indent=2, sort_keys=True) + "\n"
    writers["ontology.ttl"] = lambda: resources.ontology_file().read_bytes()
    writers["ontology.rdf"] = lambda: write_sorted(
        sorted_quads(ds.graph(ONTOLOGY_GRAPH), named=False), "xml"
    )
    writers["shapes.ttl"] = lambda: resources.shapes_file().read_bytes()
    writers["entities.ttl"] = lambda: ds.graph(ENTITIES_GRAPH).serialize(format="turtle")
    dumps = sorted(writers)
    writers["void.ttl"] = lambda: void(ds, dumps, sources, len(items(False))).serialize(
        format="turtle"
    )
    return atomic_folder(out_dir, writers)


def atomic_folder(out_dir: Path, writers: dict[str, Callable[[], str | bytes]]) -> list[Path]:
    """Write files into a fresh temporary folder, then swap it for `out_dir`."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        with progress("writing exports", len(writers)) as step:
            for name in sorted(writers):
                content = writers[name]()
                data = content.encode("utf-8") if isinstance(content, str) else content
                (tmp / name).write_bytes(data)
                step()
        os.chmod(tmp, 0o755)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out_dir / name for name in sorted(writers)]
