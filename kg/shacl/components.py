"""The SHACL core constraint components, one class each (as in pySHACL), compiled to SPARQL.

Each component reads its parameters from a shape and gives either the queries that find its
violations on a store (`checks`), or, where a logical component (`sh:or`, `sh:not`, `sh:and`,
`sh:xone`, `sh:node`) or a qualified value shape needs it, a SPARQL expression that is true
when a value conforms (`holds`). What a component cannot express raises `Uncompilable`, and
the shape that holds it is validated by pySHACL instead (`kg.shacl.compiler`).

The semantics follow pySHACL's where SHACL leaves room: `sh:datatype` accepts what rdflib reads
without error (`Literal.ill_typed`), `sh:pattern` is Python's `re.match` with the `i` and `m`
flags, `sh:lessThan` compares strings as strings and other literals as values, and a literal
never has a class.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg.shacl.terms import Uncompilable, iri, string, term
from kg.terms import XSD_INTEGERS

if TYPE_CHECKING:
    from kg.shacl.compiler import Shape

_TYPE = iri(RDF.type)


def instance_of(var: str, cls: Node) -> str:
    """A SPARQL expression: `var` has a type that is `cls` or one of its subclasses. The
    subclasses are found once per store (`kg.shacl.engine`), which writes them in place of the
    `%%CLASS <iri>%%` mark: quicker than an `rdf:type/rdfs:subClassOf*` path for each node."""
    return f"EXISTS {{ {var} {_TYPE} ?_type FILTER(?_type IN (%%CLASS {iri(cls)}%%)) }}"


@dataclass(frozen=True)
class Check:
    """One query that finds violations of one component of one shape: rows of `?this` (the
    focus node) and, where the component reports one, `?value`."""

    shape: Shape
    component: URIRef
    query: str
    keep: Callable[[Any], bool] | None = field(default=None, compare=False)  # a value test
    scan: tuple[str, str] | None = None  # (predicate, datatype): read from N-Triples instead
    # (predicate, other predicate, operator) of sh:lessThan(OrEquals) on a predicate path: the
    # focus nodes with a literal SPARQL may order otherwise than rdflib (an ill-typed integer,
    # which pyoxigraph keeps as an xsd:integer) are judged from N-Triples, as pySHACL does
    pairs: tuple[str, str, str] | None = None
    # an expression true for a focus node (?this) with a violation: the checks of a shape are
    # screened together, in one pass over its focus nodes, and run only if one has any
    screen: str | None = None
    # a query on every node, focus node or not, that has no answer when no focus node can fail
    # (a node with too many values): run alone first, it spares the check and its screen
    prescreen: str | None = None


class Component:
    """A SHACL constraint component: the parameters that make it, what it finds."""

    iri: ClassVar[URIRef]
    parameters: ClassVar[tuple[URIRef, ...]]
    on_nodes: ClassVar[bool] = True  # allowed in a node shape (not only in property shapes)

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def value(self, parameter: URIRef) -> Node:
        """The one value of a parameter of the shape (two or more cannot be compiled)."""
        found = list(self.shape.sg.objects(self.shape.node, parameter))
        if len(found) != 1:
            raise Uncompilable(f"{len(found)} values of {parameter.n3()}")
        return found[0]

    def count(self, parameter: URIRef) -> int:
        """A parameter that is a whole number (minCount, maxCount, ...)."""
        v = self.value(parameter)
        if not isinstance(v, Literal) or not isinstance(v.value, int) or v.value < 0:
            raise Uncompilable(f"{parameter.n3()} is not a whole number")
        return int(v.value)

    def items(self, parameter: URIRef) -> list[Node]:
        """The members of an RDF list that is the value of a parameter."""
        head = self.value(parameter)
        try:
            return list(Collection(self.shape.sg, head))
        except Exception as exc:  # a broken list
            raise Uncompilable(f"{parameter.n3()} is not a well-formed RDF list") from exc

    def checks(self) -> list[Check]:
        """The queries that find this component's violations (default: values that do not
        hold, reported with the value)."""
        return [self.shape.value_check(self.iri, self.violates("?value"))]

    def violates(self, var: str) -> str:
        """A SPARQL expression true when the value `var` violates the component."""
        return f"!({self.holds(var)})"

    def holds(self, var: str) -> str:
        """A SPARQL expression true when the value `var` conforms to the component."""
        raise Uncompilable(f"{self.iri.n3()} inside a logical or qualified shape")


# --- value type ------------------------------------------------------------------------------


class ClassComponent(Component):
    """sh:class: each value is an instance of the class or of a subclass (rdfs:subClassOf*)."""

    iri = SH.ClassConstraintComponent
    parameters = (SH["class"],)

    def checks(self) -> list[Check]:
        classes = list(self.shape.sg.objects(self.shape.node, SH["class"]))
        return [
            self.shape.value_check(self.iri, f"!{instance_of('?value', c)}")
            for c in sorted(classes, key=str)
        ]

    def holds(self, var: str) -> str:
        classes = sorted(self.shape.sg.objects(self.shape.node, SH["class"]), key=str)
        return "(" + " && ".join(instance_of(var, c) for c in classes) + ")"


# rdflib's reading of a lexical form (`Literal.ill_typed`), which pySHACL's sh:datatype follows:
# int() for the integers (spaces around, a sign, underscores between digits), nothing for the
# calendar fragments (any lexical form is accepted)
_LEXICAL: dict[Node, str | None] = {
    XSD.gYear: None,
    XSD.gMonth: None,
    XSD.gDay: None,
    XSD.gYearMonth: None,
    XSD.gMonthDay: None,
}


# pyoxigraph stores a literal of a type derived from xsd:integer as an xsd:integer ("5"^^
# xsd:nonNegativeInteger comes back as "5"^^xsd:integer): such a datatype is checked on the
# N-Triples the store was loaded from (`kg.shacl.engine`), for a path that is one predicate
_INTEGERS = XSD_INTEGERS


# datatypes whose well-formedness SPARQL cannot judge as rdflib does (xsd:date's days of the
# month, its time zones): read from the N-Triples too, each value judged by rdflib
_SCANNED = _INTEGERS | {XSD.date, XSD.dateTime}


class DatatypeComponent(Component):
    """sh:datatype: each value is a literal of the datatype, well formed."""

    iri = SH.DatatypeConstraintComponent
    parameters = (SH.datatype,)

    def checks(self) -> list[Check]:
        dt = self.value(SH.datatype)
        if dt not in _SCANNED:
            return super().checks()
        if not isinstance(self.shape.path, URIRef):
            raise Uncompilable(f"sh:datatype {dt.n3()} on a path that is not one predicate")
        return [self.shape.scan_check(self.iri, self.shape.path, dt)]

    def holds(self, var: str) -> str:
        dt = self.value(SH.datatype)
        if dt in _SCANNED:
            raise Uncompilable(f"sh:datatype {dt.n3()} inside a logical or qualified constraint")
        if dt == XSD.string:
            return f"(isLiteral({var}) && datatype({var}) = {iri(XSD.string)})"
        if dt == RDF.langString:
            return f'(isLiteral({var}) && lang({var}) != "")'
        if dt == RDFS.Literal:
            return f"isLiteral({var})"
        if dt not in _LEXICAL:
            raise Uncompilable(f"sh:datatype {dt.n3()} (its well-formedness is not compiled)")
        same = f"isLiteral({var}) && datatype({var}) = {iri(dt)}"
        form = _LEXICAL[dt]
        if form is None:
            return f"({same})"
        return f"({same} && REGEX(STR({var}), {string(form)}))"


_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}


class NodeKindComponent(Component):
    """sh:nodeKind: each value is of the node kind (IRI, blank node, literal or a pair)."""

    iri = SH.NodeKindConstraintComponent
    parameters = (SH.nodeKind,)

    def holds(self, var: str) -> str:
        kind = self.value(SH.nodeKind)
        if kind not in _KINDS:
            raise Uncompilable(f"sh:nodeKind {kind!r}")
        return _KINDS[kind].format(v=var)


# --- cardinality -----------------------------------------------------------------------------


class MinCountComponent(Component):
    """sh:minCount: at least n values."""

    iri = SH.MinCountConstraintComponent
    parameters = (SH.minCount,)
    on_nodes = False

    def checks(self) -> list[Check]:
        n = self.count(SH.minCount)
        if n == 0:
            return []
        return [self.shape.count_check(self.iri, "", f"< {n}", at_least_one=n == 1)]


class MaxCountComponent(Component):
    """sh:maxCount: at most n values."""

    iri = SH.MaxCountConstraintComponent
    parameters = (SH.maxCount,)
    on_nodes = False

    def checks(self) -> list[Check]:
        n = self.count(SH.maxCount)
        return [self.shape.count_check(self.iri, "", f"> {n}")]


class QualifiedMinCountComponent(Component):
    """sh:qualifiedMinCount: at least n values conform to sh:qualifiedValueShape."""

    iri = SH.QualifiedMinCountConstraintComponent
    parameters = (SH.qualifiedMinCount,)
    on_nodes = False

    def checks(self) -> list[Check]:
        n = self.count(SH.qualifiedMinCount)
        if n == 0:
            return []
        cond = self.shape.conforms_to(self.value(SH.qualifiedValueShape), "?_q")
        return [self.shape.count_check(self.iri, cond, f"< {n}", at_least_one=n == 1, var="?_q")]


class QualifiedMaxCountComponent(Component):
    """sh:qualifiedMaxCount: at most n values conform to sh:qualifiedValueShape."""

    iri = SH.QualifiedMaxCountConstraintComponent
    parameters = (SH.qualifiedMaxCount,)
    on_nodes = False

    def checks(self) -> list[Check]:
        n = self.count(SH.qualifiedMaxCount)
        cond = self.shape.conforms_to(self.value(SH.qualifiedValueShape), "?_q")
        return [self.shape.count_check(self.iri, cond, f"> {n}", var="?_q")]


# --- values ----------------------------------------------------------------------------------


def _plain(members: list[Node]) -> list[Node]:
    """Members a value is compared with as terms: a typed literal other than a string would be
    compared with pyoxigraph's canonical form of the value, not the value as written."""
    for m in members:
        if isinstance(m, Literal) and m.datatype not in (None, XSD.string):
            raise Uncompilable(f"a typed literal {m.n3()} compared as a term")
    return members


class InComponent(Component):
    """sh:in: each value is one of the list's members (the same term)."""

    iri = SH.InConstraintComponent
    parameters = (SH["in"],)

    def holds(self, var: str) -> str:
        members = _plain(self.items(SH["in"]))
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm({var}, {term(m)})" for m in members) + ")"


class HasValueComponent(Component):
    """sh:hasValue: the value is among the focus node's values."""

    iri = SH.HasValueConstraintComponent
    parameters = (SH.hasValue,)

    def checks(self) -> list[Check]:
        wanted = term(_plain([self.value(SH.hasValue)])[0])
        return [self.shape.has_check(self.iri, wanted)]

    def holds(self, var: str) -> str:
        return f"sameTerm({var}, {term(_plain([self.value(SH.hasValue)])[0])})"


class PatternComponent(Component):
    """sh:pattern (with sh:flags): each value's string matches the regular expression, from its
    start (Python's `re.match`, as pySHACL); a blank node never does."""

    iri = SH.PatternConstraintComponent
    parameters = (SH.pattern,)

    def _regex(self) -> re.Pattern[str]:
        flags = 0
        found = list(self.shape.sg.objects(self.shape.node, SH.flags))
        text = str(found[0]).lower() if found else ""
        flags |= re.I if "i" in text else 0
        flags |= re.M if "m" in text else 0
        try:
            return re.compile(str(self.value(SH.pattern)), flags)
        except re.error as exc:
            raise Uncompilable(f"sh:pattern does not compile: {exc}") from exc

    def checks(self) -> list[Check]:
        regex = self._regex()

        def bad(value: Any) -> bool:
            import pyoxigraph as ox

            return isinstance(value, ox.BlankNode) or regex.match(value.value) is None

        return [self.shape.value_check(self.iri, "true", keep=bad)]


class LanguageInComponent(Component):
    """sh:languageIn: each value is a literal whose language tag (or its first part) is listed."""

    iri = SH.LanguageInConstraintComponent
    parameters = (SH.languageIn,)

    def holds(self, var: str) -> str:
        tags = [str(t).lower() for t in self.items(SH.languageIn)]
        if any(not isinstance(t, Literal) for t in self.items(SH.languageIn)):
            raise Uncompilable("sh:languageIn with a member that is not a string")
        tagged = f'isLiteral({var}) && lang({var}) != ""'
        if "*" in tags:
            return f"({tagged})"
        if not tags:
            return "false"
        listed = ", ".join(string(t) for t in sorted(set(tags)))
        first = f'LCASE(STRBEFORE(CONCAT(lang({var}), "-"), "-"))'
        return f"({tagged} && (LCASE(lang({var})) IN ({listed}) || {first} IN ({listed})))"


class _Compare(Component):
    """sh:lessThan and sh:lessThanOrEquals: each value against each value of another property
    of the focus node. As pySHACL: strings (IRIs, string literals) only compare with strings,
    other literals by their values; anything else that does not compare is a violation."""

    on_nodes = False
    operator: ClassVar[str]

    def checks(self) -> list[Check]:
        found = []
        for other in sorted(self.shape.sg.objects(self.shape.node, self.parameters[0]), key=str):
            a, b = "?value", "?_other"
            texty = '(isIRI({x}) || (isLiteral({x}) && (datatype({x}) = {s} || lang({x}) != "")))'
            sa = texty.format(x=a, s=iri(XSD.string))
            sb = texty.format(x=b, s=iri(XSD.string))
            ok = f"IF({sa}, STR({a}) {self.operator} STR({b}), {a} {self.operator} {b})"
            cond = f"({sa}) != ({sb}) || !COALESCE({ok}, false)"
            check = self.shape.value_check(self.iri, cond, extra=f"?this {iri(other)} ?_other .")
            if isinstance(self.shape.path, URIRef) and isinstance(other, URIRef):
                pairs = (str(self.shape.path), str(other), self.operator)
                check = dataclasses.replace(check, pairs=pairs)
            found.append(check)
        return found


class LessThanComponent(_Compare):
    """sh:lessThan: each value is smaller than every value of the other property."""

    iri = SH.LessThanConstraintComponent
    parameters = (SH.lessThan,)
    operator = "<"


class LessThanOrEqualsComponent(_Compare):
    """sh:lessThanOrEquals: each value is at most every value of the other property."""

    iri = SH.LessThanOrEqualsConstraintComponent
    parameters = (SH.lessThanOrEquals,)
    operator = "<="


# --- shapes of values ------------------------------------------------------------------------


class _Logical(Component):
    """A component whose parameter names other shapes that each value must (not) conform to."""

    def members(self) -> Sequence[Node]:
        return self.items(self.parameters[0])

    def combine(self, held: list[str]) -> str:
        raise NotImplementedError

    def holds(self, var: str) -> str:
        return self.combine([self.shape.conforms_to(m, var) for m in self.members()])


class OrComponent(_Logical):
    """sh:or: each value conforms to at least one of the shapes."""

    iri = SH.OrConstraintComponent
    parameters = (SH["or"],)

    def combine(self, held: list[str]) -> str:
        return "(" + " || ".join(held) + ")" if held else "false"


class AndComponent(_Logical):
    """sh:and: each value conforms to every one of the shapes."""

    iri = SH.AndConstraintComponent
    parameters = (SH["and"],)

    def combine(self, held: list[str]) -> str:
        return "(" + " && ".join(held) + ")" if held else "true"


class XoneComponent(_Logical):
    """sh:xone: each value conforms to exactly one of the shapes."""

    iri = SH.XoneConstraintComponent
    parameters = (SH.xone,)

    def combine(self, held: list[str]) -> str:
        return "(" + " + ".join(f"IF({h}, 1, 0)" for h in held) + " = 1)" if held else "false"


class NotComponent(_Logical):
    """sh:not: no value conforms to the shape."""

    iri = SH.NotConstraintComponent
    parameters = (SH["not"],)

    def members(self) -> Sequence[Node]:
        return [self.value(SH["not"])]

    def combine(self, held: list[str]) -> str:
        return f"!({held[0]})"


class NodeComponent(_Logical):
    """sh:node: each value conforms to the node shape."""

    iri = SH.NodeConstraintComponent
    parameters = (SH.node,)

    def members(self) -> Sequence[Node]:
        return sorted(self.shape.sg.objects(self.shape.node, SH.node), key=str)

    def checks(self) -> list[Check]:
        return [
            self.shape.value_check(self.iri, f"!({self.shape.conforms_to(m, '?value')})")
            for m in self.members()
        ]

    def combine(self, held: list[str]) -> str:
        return "(" + " && ".join(held) + ")" if held else "true"


# Every component the compiler knows, in the order of the SHACL specification.
COMPONENTS: tuple[type[Component], ...] = (
    ClassComponent,
    DatatypeComponent,
    NodeKindComponent,
    MinCountComponent,
    MaxCountComponent,
    LessThanComponent,
    LessThanOrEqualsComponent,
    PatternComponent,
    LanguageInComponent,
    NotComponent,
    AndComponent,
    OrComponent,
    XoneComponent,
    NodeComponent,
    QualifiedMinCountComponent,
    QualifiedMaxCountComponent,
    InComponent,
    HasValueComponent,
)

# Parameters that describe a shape or belong to a component above without making one.
DESCRIPTIVE = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.message,
        SH.severity,
        SH.deactivated,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.path,
        SH.property,
        SH.flags,
        SH.qualifiedValueShape,
        SH.qualifiedValueShapesDisjoint,
    }
)


def components_of(shape: Shape) -> list[Component]:
    """The components of a shape; a parameter no component takes makes the shape uncompilable."""
    found: list[Component] = []
    used = {p for p in shape.sg.predicates(shape.node, None)}
    for kind in COMPONENTS:
        if any(p in used for p in kind.parameters):
            if not kind.on_nodes and shape.path is None:
                raise Uncompilable(f"{kind.parameters[0].n3()} in a node shape")
            found.append(kind(shape))
    known = set(DESCRIPTIVE) | {p for k in COMPONENTS for p in k.parameters}
    unknown = sorted(str(p) for p in used - known if str(p).startswith(str(SH)))
    if unknown:
        raise Uncompilable(f"sh:{unknown[0][len(str(SH)) :]} is not compiled")
    if (shape.node, SH.qualifiedValueShapesDisjoint, Literal(True)) in shape.sg:
        raise Uncompilable("sh:qualifiedValueShapesDisjoint is not compiled")
    return found
