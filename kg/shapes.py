"""The fact classes as their SHACL shapes describe them: one table, read once from the shapes.

A fact class is declared once: the class in `ontology/scs-kg.ttl` and its shape in
`ontology/shapes.ttl`. Each property shape of a fact class gives the field's `sh:name`,
`sh:order` (the order a draft writes it in), `sh:group` (`principal`, `links`, `details` or
`provenance`), `sh:minCount`/`sh:maxCount`, and `sh:class`, `sh:datatype`, `sh:in` or
`sh:defaultValue` where it has them; `kgsh:derivedEdge` names the direct edge the build derives
from the fact's principal value to the field's. A class has the fields of its own shapes and of
its superclasses' (`rdfs:subClassOf`, as SHACL's `sh:targetClass` reaches subclasses).

The drafters (the fields, which are required, their order, the event classes), the review (what
an edited block must keep), the evaluation of drafts (the principal values), the views (which
classes are drawn as events, which properties as edges from a fact) and the derived edges all
read this table. The two files are parsed (by pyoxigraph's parser, some 30 ms) the first time the
table is asked for and kept for the process, so importing this module costs nothing. A shape
that only describes a class (no constraint) is `sh:deactivated`: validation skips it.

>>> from kg import shapes
>>> shapes.fact_class("Membership").order[:2]
['kg:member', 'kg:organization']
>>> [f.name for f in shapes.fact_class("Membership").required if f.group != "provenance"]
['member', 'organization']
>>> "Meeting" in shapes.events()
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from kg.namespaces import BASE

KG_NS = BASE + "ontology#"
KGSH_NS = BASE + "shapes#"
SH_NS = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Field:
    """One property of a fact class, as its property shape describes it."""

    path: (
        str  # prefixed names, steps joined by "/" ("kg:holder", "kg:participation/kg:participant")
    )
    name: str  # sh:name
    order: float  # sh:order (a field with none comes after those that have one)
    group: str  # "principal", "links", "details", "provenance" (kgsh:PrincipalGroup, ...) or ""
    min: int  # sh:minCount (0 when not given)
    max: int | None  # sh:maxCount (None: no bound)
    classes: tuple[str, ...] = ()  # sh:class, or the classes of an sh:or of sh:class
    datatype: str = ""  # sh:datatype
    values: tuple[str, ...] = ()  # sh:in
    default: str = ""  # sh:defaultValue
    edges: tuple[str, ...] = ()  # kgsh:derivedEdge: predicates derived from principal to here

    @property
    def required(self) -> bool:
        """Whether a fact of the class must have the field (`sh:minCount` 1 or more)."""
        return self.min >= 1

    @property
    def steps(self) -> tuple[str, ...]:
        """Return the path's properties, in order."""
        return tuple(self.path.split("/"))


@dataclass(frozen=True)
class FactClass:
    """A fact class with its fields (its own shapes' and its superclasses'), by `sh:order`."""

    name: str  # local name in the kg: namespace ("RoleHolding")
    iri: str
    supers: tuple[str, ...]  # every class above it (local names of kg: classes), nearest first
    fields: tuple[Field, ...]
    kinds: tuple[str, ...] = ()  # the classes its shape requires one of (an sh:or of sh:class)

    @property
    def required(self) -> tuple[Field, ...]:
        """Return the fields a fact of the class must have."""
        return tuple(f for f in self.fields if f.required)

    @property
    def principal(self) -> tuple[Field, ...]:
        """Return the principal fields: who or what the fact is first about."""
        return tuple(f for f in self.fields if f.group == "principal")

    @property
    def order(self) -> list[str]:
        """Return the fields' paths in the order a draft writes them."""
        return [f.path for f in self.fields]

    def field(self, path: str) -> Field | None:
        """Return the field of a path (`kg:holder`), if the class has it."""
        return next((f for f in self.fields if f.path == path), None)

    def below(self, name: str) -> bool:
        """Whether the class is `name` or one of its subclasses."""
        return self.name == name or name in self.supers


@functools.cache
def table(ontology: Path | None = None, shapes: Path | None = None) -> dict[str, FactClass]:
    """Return every class below `kg:Fact` with its fields, read from the ontology and the shapes
    (default: the packaged files), sorted by name."""
    from kg import resources

    index = _Index()
    index.load(ontology or resources.ontology_file())
    index.load(shapes or resources.shapes_file())
    return _read(index)


def fact_classes() -> dict[str, FactClass]:
    """Return the packaged table of fact classes (local name → class)."""
    return table()


def fact_class(name: str) -> FactClass:
    """Return one fact class of the packaged table by its local name; KeyError if none."""
    return table()[name]


def events() -> tuple[str, ...]:
    """Return the specific event classes, as the event shape lists them (its `sh:or`)."""
    found = table().get("Event")
    return found.kinds if found is not None else ()


def order() -> dict[str, list[str]]:
    """Return each fact class's paths in the order a draft writes them."""
    return {name: cls.order for name, cls in table().items()}


RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


class _Index:
    """The triples of the two files, by subject and predicate (pyoxigraph's parser: fast)."""

    def __init__(self) -> None:
        self.out: dict[str, dict[str, list[str]]] = {}

    def load(self, path: Path) -> None:
        """Add the triples of a Turtle file; blank nodes as `_:id`, literals by their value."""
        import pyoxigraph

        for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            self.out.setdefault(_term(q.subject), {}).setdefault(_term(q.predicate), []).append(
                _term(q.object)
            )

    def objects(self, s: str, p: str) -> list[str]:
        """Return the objects of (s, p), in the file's order."""
        return self.out.get(s, {}).get(p, [])

    def value(self, s: str, p: str) -> str | None:
        """Return one object of (s, p), or None."""
        found = self.objects(s, p)
        return found[0] if found else None

    def items(self, head: str | None) -> list[str] | None:
        """Return the members of an RDF list, or None if `head` is not one."""
        found: list[str] = []
        while head is not None and head != RDF_NS + "nil":
            first = self.value(head, RDF_NS + "first")
            if first is None:
                return None
            found.append(first)
            head = self.value(head, RDF_NS + "rest")
        return found if head is not None else None


def _term(term: object) -> str:
    import pyoxigraph

    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    return str(getattr(term, "value", term))


def expand(curie: str) -> str:
    """Return the IRI of a prefixed name (`kg:holder`)."""
    from kg.namespaces import PREFIXES

    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def _curie(iri: str) -> str:
    from kg.prefixes import curie

    return curie(iri, strict=False) or f"<{iri}>"


def _path(ix: _Index, node: str) -> str | None:
    """Return a predicate or sequence path as prefixed names joined by "/"; None for others."""
    if not node.startswith("_:"):
        return _curie(node)
    items = ix.items(node)
    if items and not any(i.startswith("_:") for i in items):
        return "/".join(_curie(i) for i in items)
    return None  # an alternative, inverse or repeated path


def _field(ix: _Index, prop: str) -> Field | None:
    def sh(name: str) -> str | None:
        return ix.value(prop, SH_NS + name)

    path_node = sh("path")
    path = _path(ix, path_node) if path_node is not None else None
    if path is None:
        return None
    group = sh("group") or ""
    local = group[len(KGSH_NS) :].removesuffix("Group").lower() if group else ""
    classes = [sh("class")]
    for alt in ix.items(sh("or")) or []:
        classes.append(ix.value(alt, SH_NS + "class"))
    order, low, high = sh("order"), sh("minCount"), sh("maxCount")
    default, datatype = sh("defaultValue"), sh("datatype")
    return Field(
        path=path,
        name=sh("name") or path,
        order=float(order) if order is not None else float("inf"),
        group={"link": "links", "detail": "details"}.get(local, local),
        min=int(low) if low is not None else 0,
        max=int(high) if high is not None else None,
        classes=tuple(_curie(c) for c in classes if c is not None),
        datatype=_curie(datatype) if datatype is not None else "",
        values=tuple(_curie(v) for v in ix.items(sh("in")) or []),
        default=_curie(default) if default is not None else "",
        edges=tuple(sorted(_curie(e) for e in ix.objects(prop, KGSH_NS + "derivedEdge"))),
    )


def _merge(fields: list[Field]) -> tuple[Field, ...]:
    """One field per path (a subclass's shape may add to its superclass's), by `sh:order`."""
    by_path: dict[str, Field] = {}
    for f in fields:
        seen = by_path.get(f.path)
        if seen is None:
            by_path[f.path] = f
            continue
        bounds = [m for m in (seen.max, f.max) if m is not None]
        by_path[f.path] = Field(
            path=f.path,
            name=seen.name,
            order=min(seen.order, f.order),
            group=seen.group or f.group,
            min=max(seen.min, f.min),
            max=min(bounds) if bounds else None,
            classes=seen.classes or f.classes,
            datatype=seen.datatype or f.datatype,
            values=seen.values or f.values,
            default=seen.default or f.default,
            edges=tuple(sorted({*seen.edges, *f.edges})),
        )
    return tuple(sorted(by_path.values(), key=lambda f: (f.order, f.path)))


def _read(ix: _Index) -> dict[str, FactClass]:
    fact = KG_NS + "Fact"

    def above(cls: str) -> list[str]:  # breadth first: nearest superclasses first
        found: list[str] = []
        todo = [cls]
        while todo:
            nxt = []
            for c in todo:
                for sup in sorted(ix.objects(c, SUBCLASS)):
                    if sup not in found and sup != cls:
                        found.append(sup)
                        nxt.append(sup)
            todo = nxt
        return found

    shapes_of: dict[str, list[str]] = {}
    for shape, by_p in ix.out.items():
        for cls in by_p.get(SH_NS + "targetClass", []):
            shapes_of.setdefault(cls, []).append(shape)
    classes = {s for s, by_p in ix.out.items() if SUBCLASS in by_p and not s.startswith("_:")}
    out: dict[str, FactClass] = {}
    for cls in sorted(classes | {fact}):
        supers = above(cls)
        if not cls.startswith(KG_NS) or (cls != fact and fact not in supers):
            continue
        fields: list[Field] = []
        kinds: list[str] = []
        for c in [cls, *supers]:
            for shape in sorted(shapes_of.get(c, [])):
                for prop in ix.objects(shape, SH_NS + "property"):
                    found = _field(ix, prop)
                    if found is not None:
                        fields.append(found)
                if c != cls:
                    continue
                for alt in ix.items(ix.value(shape, SH_NS + "or")) or []:
                    kind = ix.value(alt, SH_NS + "class")
                    if kind is not None and kind.startswith(KG_NS):
                        kinds.append(kind[len(KG_NS) :])
        name = cls[len(KG_NS) :]
        out[name] = FactClass(
            name=name,
            iri=cls,
            supers=tuple(s[len(KG_NS) :] for s in supers if s.startswith(KG_NS)),
            fields=_merge(fields),
            kinds=tuple(kinds),
        )
    return out
