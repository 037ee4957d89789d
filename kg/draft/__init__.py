"""Drafting facts from a registered source: `kg draft`, `kg review`, `kg eval-draft`.

The default drafter (`kg.draft.drafter`) reads the source's text with the entity registry and
the rules of `kg/draft/rules/*.toml`, and proposes fact nodes in the form of `facts.ttl`, each
with its exact quote, its rule and a confidence. They are written to `sources/<slug>/draft.ttl`,
which the build never reads; `kg.draft.review` moves accepted ones into `facts.ttl`.

This module drafts: a text (`render_draft`), a source (`write_draft`), every unreviewed source
(`draft_all`, in the order of `kg.draft.queue`), a dev-set folder scored against its facts
(`evaluate_folder`, by `kg.draft.evaluate`). The modules below it (`draftfile`, `queue`,
`crossref`, `review`, `evaluate`) never import it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import registry, resources
from kg.authoring import first_line
from kg.draft.draftfile import DRAFT_FILE
from kg.editing import replace_files
from kg.errors import InputError
from kg.namespaces import FACT, KG, PREFIXES
from kg.sources import FACTS_FILE, TEXT_FILE, parse_turtle, read_utf8

if TYPE_CHECKING:
    from kg.draft.drafter import Draft, Proposal
    from kg.draft.evaluate import Result
    from kg.draft.queue import Drafting

__all__ = [
    "DRAFT_FILE",
    "Written",
    "atomic_write",
    "draft_all",
    "evaluate_folder",
    "fact_classes",
    "render_draft",
    "source_title",
    "write_draft",
]


@dataclass
class Written:
    """What `write_draft` wrote: the file, and how many facts and new entities it proposes."""

    path: Path
    facts: int
    entities: int
    content: str
    rejected: list[str] = field(default_factory=list)


def source_title(facts: Graph, text: str) -> str:
    """Return the source's dct:title, or the text's first line."""
    for title in facts.objects(None, URIRef(PREFIXES["dct"] + "title")):
        return str(title)
    return first_line(text)


def render_draft(
    slug: str,
    text: str,
    facts: Graph,
    entities: Graph,
    ontology: Graph,
    *,
    skip_known: bool = True,
    make: Callable[[str, Graph, Graph], Draft] | None = None,
) -> tuple[str, int, int]:
    """Draft a text (default drafter, or `make`) and render the draft file; leave out what
    `facts` states already."""
    from kg import shapes
    from kg.draft import evaluate, turtle
    from kg.draft.drafter import draft_text
    from kg.draft.rules import load

    order = shapes.order()
    draft = make(text, entities, ontology) if make else draft_text(text, entities, ontology, load())
    ns = f"{FACT}{slug}/"
    taken = {str(s)[len(ns) :] for s in facts.subjects() if str(s).startswith(ns)}
    title = source_title(facts, text)
    reuse = _same_times(draft, facts, ns)
    used = frozenset(
        registry.normalize(n.text)
        for g in (facts, entities)
        for n in registry.names(g, metonyms=False)
    )
    content = turtle.render(slug, title, draft, taken, order, reuse, used)
    if skip_known and taken:
        known = evaluate.views(facts, text, ontology)
        drafted = evaluate.views(_parse(content), text, ontology)
        above = evaluate.superclasses(ontology)
        stated: dict[str, str] = {}
        for d in drafted:
            match = next((g for g in known if evaluate.finds(d, g, above)), None)
            if match is not None:
                stated[str(d.node)[len(ns) :]] = str(match.node)[len(ns) :]
        if stated:
            names = turtle.assign_names(draft, taken, reuse)
            for p in draft.proposals:
                p.existing = stated.get(names[id(p)], "")  # referred to as the facts' own node
            draft.proposals = _without_dependents(
                [p for p in draft.proposals if not p.existing], draft.proposals
            )
            content = turtle.render(slug, title, draft, taken, order, reuse, used)
    return content, len(draft.proposals), len(draft.new_entities)


def _without_dependents(kept: list[Proposal], every: list[Proposal]) -> list[Proposal]:
    """Leave out what only serves facts the facts file states already: the inference records of
    such a fact, and the actions only such facts are about or call for."""
    from kg.draft.drafter import Proposal

    users: dict[int, list[Proposal]] = {}
    for p in every:
        for _, v in p.values:
            if isinstance(v, Proposal):
                users.setdefault(id(v), []).append(p)
    out = []
    for p in kept:
        subject = next((v for k, v in p.values if k == "rdf:subject"), None)
        if p.cls == "Inference" and isinstance(subject, Proposal) and subject.existing:
            continue
        used = users.get(id(p), [])
        if p.cls == "Action" and used and all(u.existing for u in used):
            continue
        out.append(p)
    return out


def _same_times(draft: Draft, facts: Graph, ns: str) -> frozenset[str]:
    """Return the names of the facts file's times that a draft's times equal (same label)."""
    from rdflib.namespace import RDFS

    from kg.draft.drafter import TimeNode

    found = set()
    for p in draft.proposals:
        for _, v in p.values:
            if isinstance(v, TimeNode):
                name = f"time-{v.key}"
                if str(facts.value(URIRef(ns + name), RDFS.label)) == v.text:
                    found.add(name)
    return frozenset(found)


def _parse(content: str) -> Graph:
    graph = Graph()
    graph.parse(data=content, format="turtle")
    return graph


def write_draft(
    folder: Path,
    sources_root: Path | None = None,
    *,
    force: bool = False,
    endpoint: str | None = None,
    model: str = "local",
) -> Written:
    """Draft one registered source and write its draft.ttl (never an edited one, unless forced).

    With `endpoint`, the facts are asked of a language model there (`kg.draft.model`); what
    fails the quote and registry checks is listed in `Written.rejected`, not written.
    """
    from kg.draft import turtle
    from kg.draft.review import without_rejected
    from kg.editing import line_ending, locked, read_exact, with_ending

    root = sources_root or resources.sources_dir()
    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    from kg.draft.drafter import MAX_CHARS

    if len(text) > MAX_CHARS and endpoint is None:
        raise InputError(
            f"{folder / TEXT_FILE}: {len(text):,} characters; kg draft reads at most "
            f"{MAX_CHARS:,} (split the article into several sources)"
        )
    ontology = parse_turtle(resources.ontology_file())
    rejected: list[str] = []
    make = None
    if endpoint is not None:
        from kg.draft.model import model_draft

        def make(text: str, entities: Graph, ontology: Graph) -> Draft:
            draft, failed = model_draft(text, entities, ontology, endpoint, model)
            rejected.extend(r.line() for r in failed)
            return draft

    path = folder / DRAFT_FILE
    with locked(root):  # the files as no accept running meanwhile leaves them half-read
        facts = parse_turtle(folder / FACTS_FILE)
        entities = registry.load(root)
        content, n_facts, n_entities = render_draft(
            folder.name, text, facts, entities, ontology, make=make
        )
        content, no_facts, no_entities = without_rejected(content, text, folder)
        ending = "\n"
        if path.exists():
            old = read_exact(path)
            ending = line_ending(old)
            old = old.replace("\r\n", "\n")
            if not force and old != content and not turtle.marker_ok(old):
                raise InputError(
                    f"{path}: edited since kg draft wrote it; move the edits to facts.ttl "
                    "(kg review) or use --force to replace it"
                )
        replace_files([(path, with_ending(content, ending))])
    written = Written(path, n_facts - no_facts, n_entities - no_entities, content, rejected)
    return written


def atomic_write(path: Path, content: str) -> None:
    """Write a file through a temporary file in its folder, so a failure leaves the old one."""
    replace_files([(path, content)])


def fact_classes(graph: Graph) -> dict[URIRef, URIRef]:
    """Return the class of every node of a graph typed in the kg: namespace."""
    return {
        s: o
        for s, o in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and isinstance(o, URIRef) and str(o).startswith(str(KG._NS))
    }


def draft_all(
    root: Path,
    *,
    force: bool = False,
    tick: Callable[[], None] = lambda: None,
    chosen: list[Path] | None = None,
    result: Drafting | None = None,
) -> Drafting:
    """Draft every unreviewed source (`kg.draft.queue.to_draft`); a source that fails is named,
    not fatal."""
    from kg.draft.queue import to_draft
    from kg.errors import KgError

    if chosen is None or result is None:
        chosen, result = to_draft(root, force=force)
    for folder in chosen:
        try:
            written = write_draft(folder, root, force=force)
        except KgError as exc:
            result.failed.append(str(exc).splitlines()[0] if str(exc) else folder.name)
        else:
            result.written.append((written.path, written.facts, written.entities))
        tick()
    return result


def evaluate_folder(folder: Path, sources_root: Path, ontology: Graph) -> Result:
    """Draft one source folder (text.txt, facts.ttl as gold) and score the draft against it.

    The registry is the sources folder's, plus the folder's own `entities.ttl` if it has one
    (the test fixtures keep their invented entities there).
    """
    from kg.draft.evaluate import score, views

    _data, text = read_utf8(folder / TEXT_FILE, "source text not found")
    gold_graph = parse_turtle(folder / FACTS_FILE)
    entities = registry.load(sources_root)
    extra = folder / "entities.ttl"
    if extra.is_file():
        entities += parse_turtle(extra)
    content, _n, _e = render_draft(folder.name, text, Graph(), entities, ontology, skip_known=False)
    drafted = Graph()
    drafted.parse(data=content, format="turtle")
    return score(
        folder.name, views(drafted, text, ontology), views(gold_graph, text, ontology), ontology
    )
