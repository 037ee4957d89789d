"""A browsable HTML reference of the ontology, generated from its Turtle.

Offline (nothing fetched, no script), escaped (every label and definition goes through
`html.escape`) and deterministic (terms sorted, lists kept in their RDF order): the same
ontology gives the same bytes. pyLODE was tried first: 3.4.1 fails at import, and 3.3.4 orders
`owl:unionOf` members and picks the document title nondeterministically.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg import resources
from kg.namespaces import BASE, ONTOLOGY_IRI, PREFIXES
from kg.prefixes import curie
from kg.sources import parse_turtle

OWN = (BASE + "ontology#", BASE + "cameo/")

SECTIONS: list[tuple[str, str, list[URIRef]]] = [
    ("classes", "Classes", [OWL.Class]),
    ("object-properties", "Object properties", [OWL.ObjectProperty]),
    ("datatype-properties", "Datatype properties", [OWL.DatatypeProperty]),
    ("annotation-properties", "Annotation properties", [OWL.AnnotationProperty]),
    ("schemes", "Concept schemes", [SKOS.ConceptScheme]),
    ("concepts", "Concepts", [SKOS.Concept]),
]

# Property shown for a term, with its heading, in this order.
FIELDS: list[tuple[URIRef, str]] = [
    (RDF.type, "type"),
    (RDFS.subClassOf, "subclass of"),
    (RDFS.subPropertyOf, "subproperty of"),
    (RDFS.domain, "domain"),
    (RDFS.range, "range"),
    (OWL.inverseOf, "inverse of"),
    (SKOS.inScheme, "in scheme"),
    (SKOS.notation, "notation"),
    (SKOS.broadMatch, "broad match"),
    (SKOS.closeMatch, "close match"),
    (SKOS.exactMatch, "exact match"),
    (SKOS.scopeNote, "scope note"),
    (RDFS.comment, "comment"),
]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem;
  line-height: 1.45; color: #222; }
code { background: #f3f3f3; padding: 0 .2em; }
nav ul { columns: 3; }
section.term { border-top: 1px solid #ddd; padding: .5rem 0; }
dl { display: grid; grid-template-columns: 10rem 1fr; margin: .3rem 0; }
dt { font-weight: 600; color: #555; }
dd { margin: 0; }
"""


def _local(node: Node) -> str | None:
    text = str(node)
    for ns in OWN:
        if isinstance(node, URIRef) and text.startswith(ns) and text != ns:
            prefix = "" if ns.endswith("#") else "cameo-"
            return prefix + text[len(ns) :]
    return None


def curie_of(node: URIRef) -> str:
    """A readable prefixed name (see `kg.prefixes.curie`, not strict), else the IRI itself."""
    return curie(str(node), strict=False) or str(node)


def _label(g: Graph, node: Node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        values = sorted(
            g.objects(node, prop), key=lambda v: (getattr(v, "language", "") != "en", v)
        )
        if values:
            return str(values[0])
    return curie_of(node) if isinstance(node, URIRef) else str(node)


def _value(g: Graph, node: Node) -> str:
    """Render a value: an own term as an internal link, an IRI as a link, a class expression."""
    if isinstance(node, Literal):
        return escape(str(node))
    if isinstance(node, BNode):
        for prop, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
            members = g.value(node, prop)
            if members is not None:
                return word.join(_value(g, m) for m in Collection(g, members))
        return "(anonymous)"
    local = _local(node)
    if local is not None:
        return f'<a href="#{escape(local)}"><code>{escape(curie_of(URIRef(str(node))))}</code></a>'
    return f'<a href="{escape(str(node))}"><code>{escape(curie_of(URIRef(str(node))))}</code></a>'


def _definition(g: Graph, term: URIRef) -> str:
    values = sorted(g.objects(term, SKOS.definition), key=str)
    return "".join(f"<p>{escape(str(v))}</p>" for v in values)


def _term(g: Graph, term: URIRef) -> str:
    local = _local(term) or ""
    rows = [f"<dt>IRI</dt><dd><code>{escape(str(term))}</code></dd>"]
    for prop, heading in FIELDS:
        values = sorted(g.objects(term, prop), key=lambda v: (isinstance(v, BNode), str(v)))
        if prop == RDF.type:
            values = [v for v in values if v != OWL.NamedIndividual]
        if values:
            shown = ", ".join(_value(g, v) for v in values)
            rows.append(f"<dt>{escape(heading)}</dt><dd>{shown}</dd>")
    used_as_domain = sorted(g.subjects(RDFS.domain, term), key=str)
    if used_as_domain:
        shown = ", ".join(_value(g, v) for v in used_as_domain)
        rows.append(f"<dt>properties</dt><dd>{shown}</dd>")
    return (
        f'<section class="term" id="{escape(local)}">'
        f"<h3>{escape(_label(g, term))} <small><code>{escape(curie_of(term))}</code></small></h3>"
        f"{_definition(g, term)}<dl>{''.join(rows)}</dl></section>"
    )


def members(g: Graph, classes: list[URIRef]) -> list[URIRef]:
    """Return the ontology's own terms typed with one of `classes`, sorted by IRI."""
    found = {
        s
        for cls in classes
        for s in g.subjects(RDF.type, cls)
        if isinstance(s, URIRef) and _local(s) is not None
    }
    return sorted(found, key=str)


def render(g: Graph) -> str:
    """Return the HTML reference of an ontology graph."""
    title = str(g.value(ONTOLOGY_IRI, DCTERMS.title) or _label(g, ONTOLOGY_IRI))
    head = [
        f"<dt>IRI</dt><dd><code>{escape(str(ONTOLOGY_IRI))}</code></dd>",
    ]
    for prop, heading in (
        (OWL.versionIRI, "version IRI"),
        (OWL.versionInfo, "version"),
        (DCTERMS.license, "license"),
        (DCTERMS.creator, "creator"),
        (DCTERMS.created, "created"),
        (DCTERMS.modified, "modified"),
    ):
        for value in sorted(g.objects(ONTOLOGY_IRI, prop), key=str):
            head.append(f"<dt>{heading}</dt><dd>{_value(g, value)}</dd>")
    description = g.value(ONTOLOGY_IRI, DCTERMS.description)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(str(description))}</p>" if description else "",
        f"<dl>{''.join(head)}</dl>",
        "<p>Namespace prefixes: "
        + ", ".join(f"<code>{escape(p)}:</code> {escape(ns)}" for p, ns in sorted(PREFIXES.items()))
        + "</p>",
    ]
    toc, body = [], []
    for anchor, heading, classes in SECTIONS:
        terms = members(g, classes)
        if not terms:
            continue
        items = "".join(
            f'<li><a href="#{escape(_local(t) or "")}">{escape(curie_of(t))}</a></li>'
            for t in terms
        )
        toc.append(f'<h3><a href="#{anchor}">{escape(heading)}</a></h3><ul>{items}</ul>')
        sections = "".join(_term(g, t) for t in terms)
        body.append(f'<section id="{anchor}"><h2>{escape(heading)}</h2>{sections}</section>')
    parts.append(f"<nav><h2>Contents</h2>{''.join(toc)}</nav>")
    parts += body
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def write(out: Path, ontology: Path | None = None) -> Path:
    """Write the HTML reference of the ontology to `out` (a file, or a folder's index.html)."""
    target = out / "index.html" if out.suffix != ".html" else out
    html = render(parse_turtle(ontology or resources.ontology_file()))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(target)
    return target
