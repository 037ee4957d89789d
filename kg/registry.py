"""The entity registry: names of entities (labels, alternative labels, metonyms) and their checks.

One entity, one IRI: a new source reuses the registry's IRIs. Two different IRIs whose labels
or alternative labels are the same name (ignoring case, dots, apostrophes and spacing) are
reported as near-duplicates, unless the registry says they differ (`owl:differentFrom`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import ENT, KG
from kg.sources import REGISTRY_FILE, parse_turtle

# How a name is given, in the order the index prefers them.
LABEL = "label"
ALT_LABEL = "altLabel"
METONYM = "metonym"
NAME_PROPERTIES: list[tuple[URIRef, str]] = [
    (RDFS.label, LABEL),
    (SKOS.altLabel, ALT_LABEL),
    (KG.metonym, METONYM),
]


@dataclass(frozen=True, order=True)
class Name:
    """One name of one entity: the words, the entity, and how the registry gives it."""

    text: str
    entity: URIRef
    kind: str


@dataclass(frozen=True, order=True)
class NearDuplicate:
    """Two entities (different IRIs) that share a name."""

    key: str
    first: URIRef
    second: URIRef
    first_name: str
    second_name: str

    def line(self) -> str:
        """Return the near-duplicate as one readable line."""
        return (
            f"near-duplicate entities: <{self.first}> {self.first_name!r} and "
            f"<{self.second}> {self.second_name!r} have the same name; use one IRI, "
            f"or state owl:differentFrom"
        )


def load(root: Path) -> Graph:
    """Parse the registry (`entities.ttl`) of a sources folder."""
    return parse_turtle(root / REGISTRY_FILE)


def normalize(name: str) -> str:
    """Return the comparison key of a name: case, dots, apostrophes and spacing ignored."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"[.'`]", "", text)
    text = re.sub(r"[\s\-–—_]+", " ", text)
    return text.strip()


def names(graph: Graph, *, metonyms: bool = True) -> list[Name]:
    """Return every name of every entity in `graph` (labels, alternative labels, metonyms)."""
    found = set()
    for prop, kind in NAME_PROPERTIES:
        if kind == METONYM and not metonyms:
            continue
        for entity, value in graph.subject_objects(prop):
            if isinstance(entity, URIRef) and isinstance(value, Literal) and str(value).strip():
                found.add(Name(str(value), entity, kind))
    return sorted(found)


def entities(graph: Graph) -> set[URIRef]:
    """Return the entity IRIs (in the `ent:` namespace) that `graph` types."""
    return {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(ENT))
    }


def near_duplicates(graph: Graph) -> list[NearDuplicate]:
    """Return pairs of different IRIs sharing a label or alternative label (not metonyms)."""
    by_key: dict[str, set[tuple[URIRef, str]]] = defaultdict(set)
    for name in names(graph, metonyms=False):
        by_key[normalize(name.text)].add((name.entity, name.text))
    different = {
        frozenset((a, b))
        for a, b in graph.subject_objects(OWL.differentFrom)
        if isinstance(a, URIRef) and isinstance(b, URIRef)
    }
    found = set()
    for key, holders in by_key.items():
        first_names: dict[URIRef, str] = {}
        for entity, text in sorted(holders):
            first_names.setdefault(entity, text)
        iris = sorted(first_names)
        for i, a in enumerate(iris):
            for b in iris[i + 1 :]:
                if frozenset((a, b)) in different:
                    continue
                found.add(NearDuplicate(key, a, b, first_names[a], first_names[b]))
    return sorted(found)


def superclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    """Return a class and every class it is a subclass of (rdfs:subClassOf, transitively)."""
    found = {cls}
    todo = [cls]
    while todo:
        for parent in ontology.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def compatible(ontology: Graph, first: URIRef, second: URIRef) -> bool:
    """Say whether two classes can be one entity's: the same, or one a subclass of the other."""
    return first in superclasses(ontology, second) or second in superclasses(ontology, first)


def keys(name: str, titles: frozenset[str] = frozenset()) -> set[str]:
    """Return the comparison keys of a name: the name normalized, and without a leading title
    (one of `titles`, normalized: "Foreign Minister Aiko Tanabe" is also "aiko tanabe")."""
    key = normalize(name)
    found = {key} if key else set()
    for title in titles:
        if title and key.startswith(title + " ") and len(key) > len(title) + 1:
            found.add(key[len(title) + 1 :])
    return found


def titles(graph: Graph) -> frozenset[str]:
    """Return the names of the roles (kg:Role entities) a graph gives, normalized."""
    return frozenset(
        normalize(str(label))
        for role in graph.subjects(RDF.type, KG.Role)
        for prop, _kind in NAME_PROPERTIES[:2]
        for label in graph.objects(role, prop)
        if isinstance(label, Literal) and normalize(str(label))
    )
