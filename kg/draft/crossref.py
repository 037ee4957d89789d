"""One entity across articles: a new entity proposed by a draft is proposed once, as the entity
it is.

A pass over the pending drafts (`sources/*/draft.ttl`, in queue order, `kg.draft.queue.order`),
run after drafting and when a review starts. A draft's proposed registry entry (`ent:x`, with
its class and label) is matched, by its name or by its name without a leading title (the names
of the registry's roles and of the roles the drafts propose: "Foreign Minister Aiko Tanabe" is
"Aiko Tanabe"), against

1. the registry's labels and alternative labels (not metonyms): one entity of a compatible class
   (the same, or a subclass of the other) that holds the name makes the proposal that entity;
2. the entries proposed by the drafts before it in the queue: the first one keeps its proposal,
   the later ones refer to it.

A matched proposal is taken out of its draft and the draft's references to it are rewritten
to the entity it is; the draft is sealed again (`kg.draft.turtle.seal`). A draft edited by hand
(its marker does not match) is left as it is. Accepting a fact that names an entity proposed in
another source's draft takes that proposal along from there (`kg.draft.review.accept`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import registry
from kg.editing import line_ending, locked, read_exact, replace_files, with_ending
from kg.namespaces import ENT, KG
from kg.prefixes import short_iri

_NAME = re.compile(r"(?<![\w:/#<-])(ent:[A-Za-z0-9][\w\-.]*[\w\-])")


@dataclass(frozen=True)
class Matched:
    """A proposed entry taken out of a draft: it is an entity of the registry or of an earlier
    draft."""

    source: str
    proposed: str  # ent:x, as the draft proposed it
    entity: str  # ent:y, the entity it is
    where: str  # "the registry", or the slug of the draft that proposes it

    def line(self) -> str:
        """Return the match as one readable line."""
        if self.where == "the registry":
            same = (
                "in the registry"
                if self.proposed == self.entity
                else f"{self.entity} of the registry"
            )
            return f"{self.source}: {self.proposed} is {same}; its proposal is taken out"
        same = "" if self.proposed == self.entity else f" as {self.entity}"
        return (
            f"{self.source}: {self.proposed} is proposed{same} in the draft of {self.where} "
            "already; proposed once, there"
        )


@dataclass
class Proposed:
    """A proposed registry entry of a draft: its name, class and label."""

    name: str
    cls: URIRef | None
    label: str


def proposed_entries(text: str) -> list[Proposed]:
    """Return the registry entries a draft file proposes (its `# draft ent:…` blocks)."""
    from kg.draft.draftfile import parse_draft, prefix_lines

    draft = parse_draft(text, Path("draft.ttl"))
    prefixes = "\n".join(prefix_lines(text).values())
    out = []
    for block in draft.blocks:
        if not block.name.startswith("ent:"):
            continue
        graph = Graph()
        try:
            graph.parse(data=prefixes + "\n" + block.text, format="turtle")
        except Exception:
            continue  # an unparsable block is the review's to report
        node = ENT[block.name[4:]]
        cls = next((c for c in graph.objects(node, RDF.type) if isinstance(c, URIRef)), None)
        label = next(
            (str(v) for v in graph.objects(node, RDFS.label) if isinstance(v, Literal)), ""
        )
        out.append(Proposed(block.name, cls, label))
    return out


def _registry_index(entities: Graph, titles: frozenset[str]) -> dict[str, set[URIRef]]:
    index: dict[str, set[URIRef]] = {}
    for name in registry.names(entities, metonyms=False):
        for key in registry.keys(name.text, titles):
            index.setdefault(key, set()).add(name.entity)
    return index


def _classes(graph: Graph, node: URIRef) -> list[URIRef]:
    return [c for c in graph.objects(node, RDF.type) if isinstance(c, URIRef)]


def rewrite(text: str, taken_out: set[str], renamed: dict[str, str]) -> str:
    """Return a draft's text without some blocks and with some ent: names replaced (sealed
    again if it was sealed); line endings as the text's."""
    from kg.draft.draftfile import parse_draft
    from kg.draft.turtle import seal

    plain = text.replace("\r\n", "\n")
    draft = parse_draft(plain, Path("draft.ttl"))
    content = draft.render(taken_out)
    content = _NAME.sub(lambda m: renamed.get(m.group(1), m.group(1)), content)
    if draft.sealed:
        content = seal(content)
    return with_ending(content, line_ending(text))


def reconcile(root: Path, ontology: Graph | None = None) -> list[Matched]:
    """Match the pending drafts' proposed entries against the registry and each other, and
    rewrite the drafts so that each entity is proposed once (holding the sources lock)."""
    with locked(root):
        return _reconcile(root, ontology)


def _reconcile(root: Path, ontology: Graph | None) -> list[Matched]:
    from kg import resources
    from kg.draft.draftfile import DRAFT_FILE
    from kg.draft.queue import order
    from kg.draft.turtle import marker_ok
    from kg.sources import parse_turtle

    drafts: list[tuple[Path, str]] = []
    for folder in order(root):
        path = folder / DRAFT_FILE
        if path.is_file():
            try:
                text = read_exact(path)
            except (OSError, UnicodeDecodeError):
                continue  # not a draft kg draft wrote: the review of that source says so
            if marker_ok(text.replace("\r\n", "\n")):
                drafts.append((folder, text))
    if not drafts:
        return []
    ontology = ontology if ontology is not None else parse_turtle(resources.ontology_file())
    entities = registry.load(root)
    every = [(folder, text, proposed_entries(text)) for folder, text in drafts]
    titles = set(registry.titles(entities))
    for _folder, _text, entries in every:
        titles.update(registry.normalize(e.label) for e in entries if e.cls == KG.Role)
    title_set = frozenset(t for t in titles if t)
    index = _registry_index(entities, title_set)
    known = registry.entities(entities)
    seen: dict[str, list[tuple[str, URIRef, str]]] = {}  # key -> (name, class, slug)
    found: list[Matched] = []
    plans: list[tuple[Path, str, dict[str, str], set[str]]] = []
    everywhere: dict[str, str] = {}  # a proposal that is a registry entity, for every draft
    for folder, text, entries in every:
        renamed: dict[str, str] = {}
        for e in entries:
            node = ENT[e.name[4:]]

            def fits(classes: list[URIRef], cls: URIRef | None = e.cls) -> bool:
                return cls is not None and any(
                    registry.compatible(ontology, cls, c) for c in classes
                )

            if node in known:
                if fits(_classes(entities, node)):
                    renamed[e.name] = e.name
                    found.append(Matched(folder.name, e.name, e.name, "the registry"))
                continue
            keys = registry.keys(e.label, title_set)
            holders = {
                iri for k in keys for iri in index.get(k, set()) if fits(_classes(entities, iri))
            }
            if len(holders) == 1:
                entity = short_iri(str(next(iter(holders))))
                renamed[e.name] = entity
                everywhere[e.name] = entity
                found.append(Matched(folder.name, e.name, entity, "the registry"))
                continue
            if holders:
                continue  # more than one entity holds the name: the analyst decides
            earlier = [
                (name, slug)
                for k in sorted(keys)
                for name, cls, slug in seen.get(k, [])
                if fits([cls])
            ]
            if earlier:
                name, slug = earlier[0]
                renamed[e.name] = name
                found.append(Matched(folder.name, e.name, name, slug))
                continue
            if e.cls is not None:
                for k in keys:
                    seen.setdefault(k, []).append((e.name, e.cls, folder.name))
        kept = {e.name for e in entries if e.name not in renamed}
        plans.append((folder, text, renamed, kept))
    writes: list[tuple[Path, str]] = []
    for folder, text, renamed, kept in plans:
        # what another draft proposed, and the registry turned out to hold, is that entity here
        names = {k: v for k, v in everywhere.items() if k not in kept} | renamed
        if names:
            new = rewrite(text, set(renamed), names)
            if new != text:
                writes.append((folder / DRAFT_FILE, new))
    if writes:
        replace_files(writes)
    return found


def proposer(root: Path, name: str, besides: Path) -> Path | None:
    """Return the source folder (other than `besides`) whose draft proposes an entry `name`."""
    from kg.draft.draftfile import DRAFT_FILE
    from kg.draft.queue import order

    for folder in order(root):
        path = folder / DRAFT_FILE
        if folder == besides or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if f"# draft {name} " in text and any(e.name == name for e in proposed_entries(text)):
            return folder
    return None
