"""Running compiled shapes on a pyoxigraph store (union default graph): validation results."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.shacl.compiler import TARGETS, Program
from kg.shacl.components import Check
from kg.shacl.paths import path_text


@dataclass(frozen=True)
class Result:
    """One validation result: focus node and value (pyoxigraph terms), path (report text), the
    shape (its key and report name), constraint component, severity and message."""

    focus: Any
    path: str
    value: Any | None
    shape: str
    check: str
    component: str
    severity: str
    message: str


def _default_message(component: str, path: str) -> str:
    """The message of a result whose shape has no sh:message."""
    name = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return f"{name} constraint not met" + (f" on {path}" if path else "")


def run(program: Program, store: Any, nt: Sequence[bytes] = ()) -> list[Result]:
    """Run every compiled check on `store` and pySHACL for the shapes left to it.

    `nt`: the N-Triples the store was loaded from, where the checks of integer datatypes read
    their values (pyoxigraph keeps "5"^^xsd:nonNegativeInteger as "5"^^xsd:integer).
    """
    found: set[Result] = set()
    classes = _subclasses(program, store)

    def with_classes(match: re.Match[str]) -> str:
        members = classes[match.group(2)]
        return (", " if match.group(1) == "CLASS" else " ").join(members)

    skip = _screened(program, store, with_classes)
    for check in program.checks:
        judged: set[Any] = set()  # focus nodes judged from N-Triples
        if check.pairs is not None:
            judged, results = _pairs(check, _MARK.sub(with_classes, check.query), store, nt)
            found.update(results)
        if check in skip:
            continue
        shape = check.shape
        query = _MARK.sub(with_classes, check.query)
        if check.scan is not None:
            found.update(_scan(check, query, store, nt))
            continue
        answer = store.query(query, use_default_graph_as_union=True)
        with_value = any(v.value == "value" for v in answer.variables)
        message = shape.message or _default_message(str(check.component), shape.text)
        for row in answer:
            value = row["value"] if with_value else None
            if check.keep is not None and not check.keep(value):
                continue
            if row["this"] in judged:
                continue
            found.add(
                Result(
                    row["this"],
                    shape.text,
                    value,
                    shape.key,
                    shape.name,
                    str(check.component),
                    str(shape.severity),
                    message,
                )
            )
    if program.fallback:
        found.update(_pyshacl(program, store))
    return sorted(found, key=lambda r: (str(r.focus), r.path, str(r.value), r.shape, r.component))


_MARK = re.compile(r"%%(CLASS|VALUES) (<[^>]*>)%%")


def _screened(program: Program, store: Any, with_classes: Any) -> set[Check]:
    """The checks that need not run: those whose prescreen finds nothing on any node, then, for
    the others, each shape's screens run together, in one pass over its focus nodes, and when
    no focus node fails any, its screened checks are skipped."""

    def empty(query: str) -> bool:
        answer = store.query(_MARK.sub(with_classes, query), use_default_graph_as_union=True)
        return not any(True for _row in answer)

    pre = [c for c in program.checks if c.prescreen is not None]
    answers = threaded(empty, [c.prescreen or "" for c in pre])
    skip = {c for c, none in zip(pre, answers, strict=True) if none}
    groups: dict[str, list[Check]] = {}
    for check in program.checks:
        if check.screen is not None and check not in skip:
            groups.setdefault(check.shape.top, []).append(check)
    queries = []
    for checks in groups.values():
        test = " || ".join(c.screen for c in checks if c.screen is not None)
        focus = f"{{ SELECT DISTINCT ?this WHERE {{ {checks[0].shape.target} }} }}"
        queries.append(f"SELECT ?this WHERE {{ {focus} FILTER({test}) }} LIMIT 1")
    for checks, none in zip(groups.values(), threaded(empty, queries), strict=True):
        if none:
            skip.update(checks)
    return skip


def threaded(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """`fn` of each item, in order, computed by as many threads as `kg.parallel.jobs()` says:
    pyoxigraph evaluates a query without Python's lock, so queries on one store run side by
    side."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.parallel import jobs

    count = min(jobs(), len(items))
    if count < 2:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fn, items))


def _subclasses(program: Program, store: Any) -> dict[str, list[str]]:
    """Each class the queries name, with its subclasses in the store (rdfs:subClassOf*), as
    SPARQL text."""
    texts = [c.query + (c.screen or "") + (c.prescreen or "") for c in program.checks]
    named = sorted({m.group(2) for text in texts for m in _MARK.finditer(text)})
    found: dict[str, set[str]] = {c: {c} for c in named}
    if named:
        query = (
            f"SELECT DISTINCT ?c ?sub WHERE {{ VALUES ?c {{ {' '.join(named)} }} "
            "?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }"
        )
        for row in store.query(query, use_default_graph_as_union=True):
            found[str(row["c"])].add(str(row["sub"]))
    return {c: sorted(subs) for c, subs in found.items()}


def _candidates(scan: tuple[str, str]) -> bytes:
    """A regular expression for the N-Triples lines a datatype scan must read: the predicate's
    lines whose object is not plainly well formed for the datatype (`_PLAIN`: most lines are
    skipped in C; the others are parsed and judged one by one)."""
    predicate, datatype = scan
    p, dt = re.escape(predicate.encode("utf-8")), re.escape(datatype.encode("utf-8"))
    form = _PLAIN.get(datatype, rb"(?!)")  # none: every line of the predicate
    return rb" <" + p + rb"> (?!\"" + form + rb"\"\^\^<" + dt + rb"> \.(?:\n|$))"


def _plain() -> dict[str, bytes]:
    """Lexical forms rdflib reads without fail (`Literal.ill_typed` is False) for the scanned
    datatypes: digits within each integer type's range as rdflib checks it, and a date from
    year 1000 with a day every month has."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    digits = {
        "integer": rb"[0-9]+",
        "nonNegativeInteger": rb"[0-9]+",
        "positiveInteger": rb"0*[1-9][0-9]*",
        "nonPositiveInteger": rb"0",
        "long": rb"[0-9]+",  # rdflib checks no range for these two
        "unsignedLong": rb"[0-9]+",
        "int": rb"[0-9]{1,9}",
        "unsignedInt": rb"[0-9]{1,9}",
        "short": rb"[0-9]{1,4}",
        "unsignedShort": rb"[0-9]{1,4}",
        "byte": rb"[0-9]{1,2}",
        "unsignedByte": rb"[0-9]{1,2}",
        "date": rb"[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])",
    }
    return {xsd + name: form for name, form in digits.items()}


_PLAIN = _plain()


def scan_lines(program: Program) -> Callable[[bytes], list[bytes]]:
    """A function that picks from N-Triples the lines the program's datatype scans and pair
    comparisons read (`run`'s `nt` may be just those lines): one pass over the text for all."""
    scans = sorted({check.scan for check in program.checks if check.scan is not None})
    compared = sorted({p for c in program.checks if c.pairs is not None for p in c.pairs[:2]})
    wanted = [_candidates(scan) for scan in scans] + [_lines_of(p) for p in compared]
    if not wanted:
        return lambda _body: []
    pattern = re.compile(b"|".join(wanted))

    def lines(body: bytes) -> list[bytes]:
        found: list[bytes] = []
        end = -1
        for match in pattern.finditer(body):
            if match.start() < end:
                continue  # on the line taken already
            start = body.rfind(b"\n", 0, match.start()) + 1
            end = body.find(b"\n", match.end())
            end = end if end >= 0 else len(body)
            found.append(body[start:end])
        return found

    return lines


def _lines_of(predicate: str) -> bytes:
    """A regular expression for the N-Triples lines of a predicate with a literal object."""
    return rb" <" + re.escape(predicate.encode("utf-8")) + rb'> "'


def _odd(value: Any) -> bool:
    """Whether a literal's order may differ between SPARQL on pyoxigraph and rdflib: any typed
    literal other than a string, a language-tagged string or a plainly well-formed integer or
    date (`_PLAIN`), which both read as the same value."""
    import pyoxigraph as ox

    if not isinstance(value, ox.Literal) or value.language is not None:
        return False
    datatype = value.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return False
    form = _PLAIN.get(datatype)
    return form is None or re.fullmatch(form, value.value.encode("utf-8")) is None


def _odd_lines(predicate: str) -> bytes:
    """A regular expression for the lines of a predicate whose object is a literal that may be
    odd (`_odd`): not a plain string, nor a plainly well-formed integer or date."""
    tail = rb" \.(?:\n|$)"
    plain = [
        rb'(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<http://www\.w3\.org/2001/XMLSchema#string>)?'
        + tail
    ]
    for datatype, form in sorted(_PLAIN.items()):
        plain.append(form + rb'"\^\^<' + re.escape(datatype.encode("utf-8")) + rb">" + tail)
    return _lines_of(predicate) + rb"(?!" + b"|".join(plain) + rb")"


def _read_lines(pattern: re.Pattern[bytes], nt: Sequence[bytes]) -> Iterator[Any]:
    """The triples of the N-Triples lines where `pattern` matches (each line once)."""
    import pyoxigraph as ox

    for body in nt:
        end = -1
        for match in pattern.finditer(body):
            if match.start() < end:
                continue  # on the line read already
            start = body.rfind(b"\n", 0, match.start()) + 1
            end = body.find(b"\n", match.end())
            end = end if end >= 0 else len(body)
            try:
                yield from ox.parse(body[start:end] + b"\n", format=ox.RdfFormat.N_TRIPLES)
            except SyntaxError:
                continue  # text inside a literal of another line


def _pairs(
    check: Check, query: str, store: Any, nt: Sequence[bytes]
) -> tuple[set[Any], list[Result]]:
    """sh:lessThan(OrEquals) judged as pySHACL does, from the values as written (N-Triples),
    on the focus nodes that have a value SPARQL may order otherwise (`_odd`); return those
    focus nodes and their results (`run` drops the query's rows for them)."""
    import pyoxigraph as ox

    assert check.pairs is not None
    predicate, other, operator = check.pairs
    both = (predicate, other)
    odd_lines = re.compile(_odd_lines(predicate) + b"|" + _odd_lines(other))
    odd = {
        t.subject
        for t in _read_lines(odd_lines, nt)
        if t.predicate.value in both and _odd(t.object)
    }
    if not odd:
        return set(), []
    # every value of either predicate of those nodes, as written
    values: dict[Any, tuple[list[Any], list[Any]]] = {node: ([], []) for node in odd}
    nodes = sorted(odd, key=str)
    for first in range(0, len(nodes), 256):
        batch = b"|".join(re.escape(str(n).encode("utf-8")) for n in nodes[first : first + 256])
        lines = re.compile(
            rb"(?m)^(?:"
            + batch
            + rb") <(?:"
            + b"|".join(re.escape(p.encode("utf-8")) for p in both)
            + rb")> "
        )
        for t in _read_lines(lines, nt):
            if t.subject in values and t.predicate.value in both:
                side = values[t.subject][both.index(t.predicate.value)]
                if t.object not in side:
                    side.append(t.object)
    judged: set[Any] = set()
    out = []
    shape = check.shape
    message = shape.message or _default_message(str(check.component), shape.text)
    focus_query = f"SELECT ?this WHERE {{ {shape.target} }} LIMIT 1"
    for node in nodes:
        is_focus = store.query(
            focus_query, use_default_graph_as_union=True, substitutions={ox.Variable("this"): node}
        )
        if not any(True for _row in is_focus):
            continue
        judged.add(node)
        mine, theirs = values[node]
        for value in mine:
            if any(_unordered(value, o, operator) for o in theirs):
                out.append(
                    Result(
                        node,
                        shape.text,
                        value,
                        shape.key,
                        shape.name,
                        str(check.component),
                        str(shape.severity),
                        message,
                    )
                )
    return judged, out


def _unordered(value: Any, other: Any, operator: str) -> bool:
    """pySHACL's test of a value against another (`_compare_lt`): strings (IRIs, literals that
    rdflib reads as text) with strings only, anything else by rdflib's order of terms."""
    import logging

    from rdflib import URIRef as Iri

    from kg.terms import from_ox

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        a, b = from_ox(value), from_ox(other)
        texts: list[tuple[bool, Any]] = []
        for term in (a, b):
            if isinstance(term, Iri):
                texts.append((True, str(term)))
            elif isinstance(term, Literal) and isinstance(term.value, str):
                texts.append((True, term.value))
            else:
                texts.append((False, term))
        (a_text, x), (b_text, y) = texts
        if a_text != b_text:
            return True
        return not (x < y if operator == "<" else x <= y)
    finally:
        logger.setLevel(level)


def _scan(check: Check, query: str, store: Any, nt: Sequence[bytes]) -> list[Result]:
    """The values of one predicate whose datatype is not the one wanted (or that rdflib does
    not read), found in N-Triples; reported where the subject is a focus node of the shape."""
    import pyoxigraph as ox

    assert check.scan is not None
    predicate, datatype = check.scan
    wanted = URIRef(datatype)
    # the candidates (`_candidates`), each parsed and judged as pySHACL would
    pattern = re.compile(_candidates(check.scan))
    shape = check.shape
    out = []
    for body in nt:
        for match in pattern.finditer(body):
            start = body.rfind(b"\n", 0, match.start()) + 1
            end = body.find(b"\n", match.end())
            line = body[start : end if end >= 0 else len(body)]
            try:
                triples = list(ox.parse(line + b"\n", format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError:
                continue  # text inside a literal of another line
            for t in triples:
                if t.predicate.value != predicate:
                    continue
                if _well_typed(t.object, wanted):
                    continue
                focus = store.query(
                    query,
                    use_default_graph_as_union=True,
                    substitutions={ox.Variable("this"): t.subject},
                )
                if any(True for _row in focus):
                    message = shape.message or _default_message(str(check.component), shape.text)
                    out.append(
                        Result(
                            t.subject,
                            shape.text,
                            t.object,
                            shape.key,
                            shape.name,
                            str(check.component),
                            str(shape.severity),
                            message,
                        )
                    )
    return out


def _well_typed(value: Any, datatype: URIRef) -> bool:
    """Whether a literal has the datatype and rdflib reads it (pySHACL's test), without the
    traceback rdflib logs for a lexical form it cannot read."""
    import logging

    from kg.terms import from_ox

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        term = from_ox(value)
        return isinstance(term, Literal) and term.datatype == datatype and term.ill_typed is False
    finally:
        logger.setLevel(level)


def union_graph(store: Any) -> Graph:
    """Every triple of a store's graphs as one rdflib graph (for pySHACL)."""
    from kg.terms import from_ox

    g = Graph()
    g.addN(
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), g)
        for q in store.quads_for_pattern(None, None, None)
    )
    return g


def _pyshacl(program: Program, store: Any) -> list[Result]:
    """Validate the shapes that were not compiled with pySHACL, on the store's union."""
    from kg.shacl.reference import pyshacl_report
    from kg.terms import to_ox

    sg = program.shapes
    alone = Graph()
    left = {node for node, _why in program.fallback}
    others = {s for p in TARGETS for s in sg.subjects(p, None)} - left
    alone.addN(
        (s, p, o, alone)
        for s, p, o in sg
        if not (s in others and p in TARGETS) and not (s in others and p == RDF.type)
    )
    report = pyshacl_report(union_graph(store), alone, inplace=True)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):

        def one(p: URIRef, result: Node = result) -> Node | None:
            return report.value(result, p)

        focus, shape, value = one(SH.focusNode), one(SH.sourceShape), one(SH.value)
        path = one(SH.resultPath)
        message = one(SH.resultMessage)
        if focus is None or shape is None:
            continue
        key = program.keys.get(shape, str(shape))
        name = program.names.get(shape, "shape")
        text = path_text(report, path, _nm()) if path is not None else ""
        out.append(
            Result(
                to_ox(focus),
                text,
                to_ox(value) if value is not None else None,
                key,
                name,
                str(one(SH.sourceConstraintComponent)),
                str(one(SH.resultSeverity)),
                str(message) if isinstance(message, Literal) else "does not conform",
            )
        )
    return out


def _nm() -> Any:
    from kg.prefixes import prefixed_graph

    return prefixed_graph().namespace_manager
