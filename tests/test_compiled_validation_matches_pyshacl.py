"""The shapes compiled to SPARQL (kg.shacl) find exactly the violations pySHACL finds: on every
shape fixture, on the packaged sources, on facts broken in every way the shapes forbid, and on
a synthetic corpus with faults; a shape the compiler cannot handle is named and left to pySHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg import resources
from kg.build import build
from kg.prefixes import prefixed_graph
from kg.shacl import compile_shapes, compiled, run
from kg.shacl.components import COMPONENTS
from kg.shacl.paths import path_text
from kg.sources import parse_turtle
from kg.terms import from_ox, to_ox
from kg.validation import shacl, to_oxigraph, union, validate
from tests.test_shapes import EVIDENCE, FIXTURES, HEADER

NM = prefixed_graph().namespace_manager
INTEGERS = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long}

Row = tuple[str, str, str | None, str, str]  # focus, path, value, component, severity


def _term(t: object) -> str | None:
    """A term as text; pyoxigraph keeps an integer of a derived type as an xsd:integer, so
    integers compare by value (the only difference the two engines may show)."""
    if t is None:
        return None
    if isinstance(t, Literal) and t.datatype in INTEGERS and isinstance(t.value, int):
        return f"integer {t.value}"
    assert isinstance(t, (URIRef, Literal)) or hasattr(t, "n3")
    return t.n3()  # type: ignore[attr-defined]


def _pyshacl(data: Graph, shapes: Graph) -> set[Row]:
    from pyshacl import validate as reference

    _ok, report, _text = reference(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(report, Graph)
    rows = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        rows.add(
            (
                _term(report.value(r, SH.focusNode)) or "",
                path_text(report, path, NM) if path is not None else "",
                _term(report.value(r, SH.value)),
                str(report.value(r, SH.sourceConstraintComponent)),
                str(report.value(r, SH.resultSeverity)),
            )
        )
    return rows


def _compiled(data: Graph, shapes: Graph) -> set[Row]:
    program = compile_shapes(shapes, NM)
    nt = [data.serialize(format="nt", encoding="utf-8")]
    return {
        (
            _term(from_ox(r.focus)) or "",
            r.path,
            _term(from_ox(r.value)) if r.value is not None else None,
            r.component,
            r.severity,
        )
        for r in run(program, to_oxigraph(data), nt)
    }


def _shapes() -> Graph:
    return parse_turtle(resources.shapes_file())


def _data(turtle: str) -> Graph:
    data = parse_turtle(resources.ontology_file())
    data.parse(data=HEADER + turtle, format="turtle")
    return data


def test_every_packaged_shape_is_compiled() -> None:
    program = compile_shapes(_shapes(), NM)
    assert program.fallback == []
    assert {c.shape.name for c in program.checks} >= {"kgsh:" + name for name in FIXTURES}, (
        "a shape without a query"
    )


@pytest.mark.parametrize("shape", sorted(FIXTURES))
def test_each_shape_fixture_gives_the_same_violations(shape: str) -> None:
    turtle = FIXTURES[shape]
    if shape != "FactShape" and turtle.startswith("ex:f ") and turtle.rstrip().endswith("."):
        turtle = turtle.rstrip()[:-1] + ";" + EVIDENCE
    data = _data(turtle)
    expected = _pyshacl(data, _shapes())
    assert expected, shape
    assert _compiled(data, _shapes()) == expected


def test_a_statement_known_by_its_words_passes_rule_1_under_both_engines() -> None:
    """The alternative path of rule 1 takes kg:subjectMatter in both engines: no violation
    with it, the same violation without it."""
    statement = (
        "ex:f a kg:Statement ; kg:speaker ex:p ; kg:statementType kg:Assessment ; "
        "kg:actKind kg:Verbal ;"
    )
    words = _data(statement + ' kg:subjectMatter "the catch is half what it was" ;' + EVIDENCE)
    assert _pyshacl(words, _shapes()) == set() == _compiled(words, _shapes())
    bare = _data(statement + EVIDENCE)
    expected = _pyshacl(bare, _shapes())
    assert expected
    assert _compiled(bare, _shapes()) == expected


# Facts broken in every way the shapes forbid: each constraint component the shapes use, on
# node and property shapes, through every kind of target and path, with values that pass
# beside values that fail.
HOSTILE = """
ex:f1 a kg:Statement ; kg:speaker ex:a, ex:b ; kg:statementType kg:Appeal, ex:a ;
    kg:actKind kg:Verbal, ex:weird ; kg:target "A" ; kg:about "literal", ex:a ;
    kg:quotation "quoted"@en ; kg:label "x"^^xsd:token ; kg:medium ex:a ;
    kg:subjectMatter 12 ; time:hasTime ex:t1, ex:t2 ; kg:speakingAs ex:a ;
    kg:sameActAs ex:a ; kg:madeDuring ex:f1 ; kg:evidence ex:ev ;
    prov:hadPrimarySource src:fixture, src:other .
ex:f2 a kg:Statement ; kg:speaker ex:a ; kg:statementType kg:Appeal ; kg:actKind kg:Material ;
    kg:evidence "not a node" ; prov:hadPrimarySource ex:a .
ex:f3 a kg:Seizure ; kg:participation ex:part1 ; kg:status kg:Past, kg:Planned ;
    kg:eventObject "a literal" ; prov:atLocation ex:a ; kg:onSidelinesOf ex:a ;
    kg:unstatedRole ex:a ; kg:providesFor ex:a ; kg:actKind kg:Verbal, kg:Material ;
    kg:subjectMatter "talks"@en ; time:hasTime ex:t3 ; kg:evidence ex:ev ;
    prov:hadPrimarySource src:fixture .
ex:part1 a kg:Participation ; kg:participant ex:p, ex:a ; kg:participantRole ex:a .
ex:f4 a kg:Event ; kg:evidence ex:ev ; prov:hadPrimarySource src:fixture .
ex:f5 a kg:Meeting ; kg:evidence ex:ev ; prov:hadPrimarySource src:fixture .
ex:f6 a kg:Meeting ; kg:onSidelinesOf ex:f5 ; kg:participation ex:part2 ; kg:evidence ex:ev ;
    prov:hadPrimarySource src:fixture .
ex:part2 a kg:Participation .
ex:t1 a time:DateTimeInterval ; time:hasDateTimeDescription ex:d1, ex:d2 ;
    kg:relativeTime "last week" .
ex:t2 time:hasDateTimeDescription ex:d3 .
ex:t3 a time:DateTimeInterval ; kg:relativeTime "hier"@fr, "yesterday"@en .
ex:d1 time:unitType time:unitDecade ; time:year "2012" ; time:month "--05"^^xsd:gMonth,
    "--06"^^xsd:gMonth ; time:day "5"^^xsd:integer .
ex:d2 time:unitType time:unitDay, time:unitMonth .
ex:d3 time:year "2012"^^xsd:gYear .
ex:s1 nif:beginIndex "5"^^xsd:nonNegativeInteger ; nif:endIndex "3"^^xsd:nonNegativeInteger ;
    nif:anchorOf "ab"@en ; nif:referenceContext ex:nocontext, ex:s2 .
ex:s2 nif:beginIndex "1"^^xsd:integer ; nif:endIndex "-4"^^xsd:integer ;
    nif:sentence ex:s7 .
ex:s7 nif:beginIndex "-2"^^xsd:nonNegativeInteger ; nif:endIndex "7"^^xsd:nonNegativeInteger ;
    nif:anchorOf "a", "b" ; nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> .
ex:s3 nif:beginIndex "x"^^xsd:nonNegativeInteger ; nif:endIndex "2"^^xsd:nonNegativeInteger ;
    nif:anchorOf "ab" ; nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> .
ex:s4 nif:beginIndex "1"^^xsd:nonNegativeInteger ; nif:endIndex "9"^^xsd:nonNegativeInteger ;
    nif:anchorOf "abcdefgh" ; nif:sentence ex:s5 ;
    nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> .
ex:c1 nif:isString "one", "two" ; nif:sourceUrl ex:a .
ex:s6 nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "1"^^xsd:nonNegativeInteger ;
    nif:anchorOf "t" ; nif:referenceContext ex:c1 .
ex:claim a kg:TerritorialClaim ; kg:claimant ex:a, ex:p ; kg:claimedPlace ex:a .
ex:contest a kg:ClaimContest ; kg:contester ex:p ; kg:contestedClaim ex:a, ex:claim .
ex:alliance a kg:Alliance ; kg:ally ex:a, ex:b, ex:p .
ex:cp a kg:Counterpart ; kg:counterpart ex:p .
ex:rh a kg:RoleHolding ; kg:holder ex:a ; kg:role ex:a, ex:b ; kg:roleIn ex:a, ex:b .
ex:mem a kg:Membership ; kg:member ex:a ; kg:organization ex:a .
ex:aff a kg:Affiliation ; kg:affiliate ex:a, ex:b ; kg:affiliatedTo ex:a .
ex:loc a kg:Location ; kg:locatedPlace ex:a ; kg:containingPlace ex:a .
ex:mm a kg:MetonymMention ; kg:mentionText "Beijing"@en, "Peking" ; kg:refersTo "China" .
ex:is a kg:InstrumentState ; kg:instrument ex:a ; kg:instrumentStatus ex:a, ex:b .
ex:rel a kg:Relationship ; rdfs:label "A–B"@fr ; kg:party ex:a .
ex:rel2 a kg:Relationship ; rdfs:label "A–B"@en-GB ; kg:party ex:a, ex:b, "C" .
ex:kind a kg:StatementType ; skos:broadMatch cameo:01, cameo:02 ;
    skos:closeMatch plover:AGREE, plover:CONSULT, ex:a .
ex:kind2 a kg:StatementType ; skos:scopeNote "no PLOVER type" .
src:other a kg:Source ; dct:title <https://example.org/title> ; kg:sha256 "ABC",
    "0000000000000000000000000000000000000000000000000000000000000000"@en .
src:third a kg:Source ; dct:title "T1", "T2" ;
    kg:sha256 "00000000000000000000000000000000000000000000000000000000000000000" .
ex:nolabel a kg:State ; rdfs:label "Sans étiquette"@fr, "no tag" .
ex:enlabel a kg:Person ; rdfs:label "Named"@EN .
"""


PREFIXES = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix cameo: <https://w3id.org/scs-kg/cameo/> .
@prefix plover: <https://w3id.org/scs-kg/plover/> .
"""


def _hostile() -> Graph:
    return _data(PREFIXES + HOSTILE)


def test_hostile_facts_give_the_same_violations_of_every_kind() -> None:
    shapes = _shapes()
    expected = _pyshacl(_hostile(), shapes)
    found = _compiled(_hostile(), shapes)
    assert found == expected, (sorted(expected - found), sorted(found - expected))
    # the components of node and property shapes (sh:languageIn is used inside a qualified
    # value shape, where it decides what the qualified counts count)
    shaped = set(compile_shapes(shapes, NM).keys)
    used = {str(k.iri) for k in COMPONENTS for s in shaped if (s, k.parameters[0], None) in shapes}
    seen = {row[3] for row in found}
    assert used <= seen, sorted(used - seen)  # every kind of constraint the shapes use failed


# lexical forms around the ones the datatype scans take as well formed without parsing them
# (`kg.shacl.engine._PLAIN`): rdflib reads some and not others
EDGE_DATES = [
    "2020",
    "2021-02-30",
    "0999-01-01",
    "1000-01-01",
    "2021-02-28",
    "2024-02-29",
    "2021-13-01",
    "2021-1-01",
    "2021-02-28Z",
    "2021-02-28+01:00",
    " 2021-02-28",
    "x",
]
CONTEXT = "https://w3id.org/scs-kg/source/fixture#char=0,4"
EDGE_NUMBERS = ["0", "00", "007", "-0", "+5", " 5", "5_0", "-3", "1.0", ""]


def test_datatype_scans_judge_forms_at_the_edge_of_the_plain_ones_as_pyshacl() -> None:
    """The datatype scans read only the lines whose value is not plainly well formed; a value
    at the edge of a plain form (a year alone as a date, a day no month has, a number with a
    sign or spaces) gets pySHACL's verdict, whether the scan reads every line or those lines."""
    from kg.shacl import scan_lines

    ends = "\n".join(f'ex:e{i} time:inXSDDate "{v}"^^xsd:date .' for i, v in enumerate(EDGE_DATES))
    spans = "\n".join(
        f'ex:n{i} nif:beginIndex "{v}"^^xsd:nonNegativeInteger ;'
        f' nif:anchorOf "x" ;'
        f" nif:referenceContext <{CONTEXT}> ."
        for i, v in enumerate(EDGE_NUMBERS)
    )
    begins = " , ".join(f"ex:e{i}" for i in range(len(EDGE_DATES)))
    data = _data(f"ex:t a time:DateTimeInterval ; time:hasBeginning {begins} .\n{ends}\n{spans}\n")
    shapes = _shapes()
    expected = _pyshacl(data, shapes)
    component = str(SH.DatatypeConstraintComponent)
    wrong = {row[0].rsplit("/", 1)[-1][:-1] for row in expected if row[3] == component}
    assert {"e0", "e1", "e6", "e7", "e10", "n7", "n9"} <= wrong, sorted(wrong)
    assert not {"e3", "e4", "e5", "n0", "n1", "n2"} & wrong, sorted(wrong)
    assert _compiled(data, shapes) == expected
    program = compile_shapes(shapes, NM)
    lines = scan_lines(program)(data.serialize(format="nt", encoding="utf-8"))
    found = {
        (
            _term(from_ox(r.focus)) or "",
            r.path,
            _term(from_ox(r.value)) if r.value is not None else None,
            r.component,
            r.severity,
        )
        for r in run(program, to_oxigraph(data), [b"\n".join(lines)])
    }
    assert found == expected


def test_violation_lines_are_the_same_under_both_engines() -> None:
    data = _hostile()
    assert shacl(data, engine="compiled") == shacl(data, engine="pyshacl")


def test_the_packaged_sources_give_the_same_verdicts() -> None:
    built = build(cache=None)
    data = union(built.dataset)
    assert _compiled(data, _shapes()) == _pyshacl(data, _shapes())
    assert validate(built, cache=None) == validate(built, cache=None, engine="pyshacl") == []


CLOSED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/fixture/> .
@prefix kg: <https://w3id.org/scs-kg/ontology#> .
ex:ClosedShape a sh:NodeShape ; sh:targetClass kg:Alliance ; sh:closed true ;
    sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
    sh:property [ sh:path kg:ally ] .
ex:AllyShape a sh:NodeShape ; sh:targetClass kg:Alliance ;
    sh:property [ sh:path kg:ally ; sh:minCount 3 ] .
"""


def test_a_shape_that_cannot_be_compiled_is_named_and_left_to_pyshacl(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shapes = Graph().parse(data=CLOSED, format="turtle")
    program = compiled(shapes, NM)
    assert [str(node) for node, _why in program.fallback] == [
        "https://example.org/fixture/ClosedShape"
    ]
    assert "ex:ClosedShape" in capsys.readouterr().err  # the warning names the shape
    assert {c.shape.name for c in program.checks} == {"<https://example.org/fixture/AllyShape>"}
    data = _data("ex:f a kg:Alliance ; kg:ally ex:a, ex:b ; kg:note ex:a .")
    found = _compiled(data, shapes)
    assert found == _pyshacl(data, shapes)
    assert {row[3] for row in found} == {
        str(SH.ClosedConstraintComponent),
        str(SH.MinCountConstraintComponent),
    }


@pytest.mark.slow
def test_a_synthetic_corpus_with_faults_gives_the_same_verdicts(tmp_path: Path) -> None:
    from bench.generate import generate
    from tests.test_interop_validate import _break

    generate(tmp_path, 10_000, seed=5)
    built = build(tmp_path, cache=None)
    ds = built.dataset
    _break(ds)
    data = union(ds)
    data.parse(data=HEADER + PREFIXES + HOSTILE.replace("ex:", "ex:h"), format="turtle")
    shapes = _shapes()
    expected = _pyshacl(data, shapes)
    assert len(expected) > 50
    assert _compiled(data, shapes) == expected


def test_kg_validate_prints_the_same_report_with_either_engine(sources_copy: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app
    from tests.test_cli import SLUG

    facts = sources_copy / SLUG / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text + "\nfact:orphan a kg:Statement ; kg:statementType kg:Appeal ;"
        ' kg:quote "He urged ASEAN" .\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    outputs = []
    for engine in ("compiled", "pyshacl"):
        result = runner.invoke(
            app, ["validate", "--sources", str(sources_copy), "--engine", engine]
        )
        assert result.exit_code == 1, result.output
        assert "orphan> kg:speaker" in result.output
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    ok = runner.invoke(app, ["validate", "--engine", "pyshacl"])
    assert ok.exit_code == 0 and ok.output.startswith("conforms:")


def test_a_sources_neighbourhood_read_from_n_triples_is_the_one_read_by_rdflib(
    tmp_path: Path,
) -> None:
    """The compiled engine reads what a source describes and reads outside its namespace from
    its N-Triples text, and which sources own a focus node from the store: the summary (which
    decides whether sources are validated alone) and the owners are the ones `_neighbourhood`
    gives from rdflib terms, on a corpus with nodes of other sources, blank nodes and literals
    as targets' objects."""
    import pyoxigraph as ox

    from bench.generate import generate
    from kg.build import ox_graph_name
    from kg.namespaces import KG
    from kg.validation.neighbourhood import neighbourhood, owners_of, shape_reach, summary_nt
    from kg.validation.stores import DERIVED_OF, load_nt

    generate(tmp_path, 3000, seed=3)
    built = build(tmp_path, cache=None)
    shapes = _shapes()
    reach = shape_reach(shapes)
    assert reach is not None
    forward, inverse = reach
    targets_of = set(shapes.objects(None, SH.targetObjectsOf))
    assert targets_of and inverse
    graphs = [unit.graph.graph for unit in built.units]
    assert all(g is not None for g in graphs) and len(graphs) >= 4
    # a source describing another's node, a blank node, a literal object of a target predicate
    # and of an inverse path, a subclass triple: each line the fast path must not skip
    first = sorted(graphs[1].subjects(RDF.type, KG.Statement))[0]  # type: ignore[union-attr]
    graphs[0].add((first, KG.label, Literal("said elsewhere")))  # type: ignore[union-attr]
    mine = sorted(graphs[2].subjects(RDF.type, KG.Statement))[0]  # type: ignore[union-attr]
    blank = BNode("b1")
    graphs[2].add((mine, KG.about, blank))  # type: ignore[union-attr]
    graphs[2].add((blank, RDF.type, KG.Event))  # type: ignore[union-attr]
    for p in sorted(targets_of, key=str):
        graphs[2].add((mine, p, Literal("7", datatype=XSD.nonNegativeInteger)))  # type: ignore[union-attr]
    for p in sorted(inverse, key=str):
        graphs[3].add((mine, p, Literal("a literal")))  # type: ignore[union-attr]
    graphs[3].add((mine, RDFS.subClassOf, KG.Fact))  # type: ignore[union-attr]
    store = ox.Store()
    unit_of: dict[str, int] = {}
    expected_owners: dict[object, set[int]] = {}
    for i, unit in enumerate(built.units):
        triples = unit.graph.triples() + unit.derived.triples()
        owned, expected = neighbourhood(unit.slug, triples, forward, inverse, targets_of)
        found = summary_nt(
            unit.slug,
            (unit.graph.nt(), unit.derived.nt()),
            {f"<{p}>".encode() for p in forward},
            {f"<{p}>".encode() for p in inverse},
            {f"<{p}>".encode() for p in targets_of},
        )
        assert found == expected, unit.slug
        names = [ox_graph_name(unit.graph.name), ox.NamedNode(f"{DERIVED_OF}{i}")]
        for name, body in zip(names, (unit.graph.nt(), unit.derived.nt()), strict=True):
            load_nt(store, body, name)
            unit_of[str(name)] = i
        for node in owned:
            expected_owners.setdefault(_stored(to_ox(node)), set()).add(i)
    owners = owners_of(store, targets_of, unit_of)
    stored = {q.subject for q in store} | {q.object for q in store}
    assert any(isinstance(t, ox.Literal) for t in expected_owners)
    assert any(len(units) > 1 for units in expected_owners.values())
    for node in stored:
        assert owners(node) == sorted(expected_owners.get(node, set())), node


def _stored(term: object) -> object:
    """A term as a pyoxigraph store gives it back (a number in its canonical form)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), term))  # type: ignore[arg-type]
    return next(iter(store)).object


def test_the_whole_graphs_cached_verdicts_follow_its_content(tmp_path: Path) -> None:
    """A graph made in rdflib (as `kg check` makes one) has no source digests: its verdicts are
    cached by its content, so a changed graph is validated again."""
    from kg.graph import from_dataset
    from kg.namespaces import KG
    from kg.validation import validate_whole

    cache = tmp_path / "cache"
    ds = build(cache=None).dataset
    assert validate_whole(from_dataset(ds), cache=cache) == []
    statement = next(s for g in ds.graphs() for s in g.subjects(RDF.type, KG.Statement))
    for g in ds.graphs():
        g.remove((statement, KG.speaker, None))
    found = validate_whole(from_dataset(ds), cache=cache)
    assert [v.path for v in found] == ["kg:speaker"]


def test_a_blank_node_is_reported_by_its_label_and_the_same_by_both_engines(
    sources_copy: Path,
) -> None:
    """pyoxigraph renames the blank nodes of the N-Triples it loads: the compiled engine keeps
    their labels, so a blank fact's violations are found, and named, as pySHACL names them
    (a source with blank nodes is validated with the whole graph, see `kg.build`)."""
    from tests.test_cli import SLUG

    facts = sources_copy / SLUG / "facts.ttl"
    with facts.open("a", encoding="utf-8") as f:
        f.write('\n[] a kg:Statement ; kg:statementType kg:Appeal ; kg:quote "He urged ASEAN" .\n')
    built = build(sources_copy, cache=None)
    found = validate(built, cache=None)
    assert found == validate(built, cache=None, engine="pyshacl")
    assert {v.focus for v in found} == {"_:cb0"} and len(found) == 5


def test_n_triples_loaded_for_validation_keep_their_blank_node_labels() -> None:
    import pyoxigraph as ox

    from kg.validation.stores import load_nt

    store = ox.Store()
    graph = ox.NamedNode("https://example.org/g")
    load_nt(store, b"_:cb0 <https://example.org/p> _:cb1 .\n", graph)
    number = b'"05"^^<http://www.w3.org/2001/XMLSchema#integer>'
    load_nt(store, b"<https://example.org/s> <https://example.org/p> " + number + b" .\n", graph)
    assert sorted(str(q.subject) for q in store) == ["<https://example.org/s>", "_:cb0"]


FURTHER = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/fixture/> .
@prefix kg: <https://w3id.org/scs-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:SpeakerNameShape a sh:NodeShape ; sh:targetClass kg:Statement ;
    sh:property [ sh:path ( kg:speaker kg:nickname ) ; sh:minCount 1 ;
        sh:message "The speaker has no nickname." ] .
"""


def test_a_shape_that_reads_further_runs_on_the_whole_graph_the_others_per_source(
    tmp_path: Path,
) -> None:
    """A sequence path reads the speaker's triples, which another source may hold: that shape
    runs on the union of every graph, the other shapes still source by source."""
    from kg.validation import per_source

    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(
        resources.shapes_file().read_text(encoding="utf-8") + FURTHER, encoding="utf-8"
    )
    built = build(cache=None)
    found = per_source(built, None, shapes_path=shapes_file)  # None: only on the whole graph
    assert found is not None
    expected = shacl(union(built.dataset), shapes_file, engine="pyshacl")
    assert found == expected
    assert found and {v.message for v in found} == {"The speaker has no nickname."}


@pytest.mark.slow
def test_faults_inside_sources_give_the_same_report_source_by_source(tmp_path: Path) -> None:
    """The compiled engine on stores of chunks of sources (as `kg build` runs it) reports what
    pySHACL reports, faults of many kinds inside the sources' own graphs."""
    from bench.generate import generate
    from kg.namespaces import KG, NIF
    from kg.validation import per_source, validate_built

    generate(tmp_path, 6000, seed=8)
    built = build(tmp_path, cache=False)
    graphs = [unit.graph.graph for unit in built.units]
    assert all(g is not None for g in graphs) and len(graphs) >= 8

    def first(g: Graph | None, p: URIRef, o: object = None) -> URIRef:
        assert g is not None
        found = sorted(g.subjects(p, o))  # type: ignore[arg-type]
        assert found, p
        return found[0]  # type: ignore[return-value]

    g = graphs
    g[0].remove((first(g[0], RDF.type, KG.Statement), KG.evidence, None))  # type: ignore[union-attr]
    g[1].set((first(g[1], NIF.beginIndex), NIF.beginIndex, Literal("first")))  # type: ignore[union-attr]
    g[1].set((first(g[1], NIF.endIndex), NIF.endIndex, Literal(5, datatype=XSD.integer)))  # type: ignore[union-attr]
    g[2].add((first(g[2], KG.status), KG.status, KG.Planned))  # type: ignore[union-attr]
    g[2].add((first(g[2], RDF.type, KG.Statement), KG.actKind, KG.Past))  # type: ignore[union-attr]
    g[3].set((first(g[3], RDF.type, KG.Statement), KG.speaker, Literal("nobody")))  # type: ignore[union-attr]
    g[4].set((first(g[4], KG.sha256), KG.sha256, Literal("ABC")))  # type: ignore[union-attr]
    g[5].add((first(g[5], RDF.type, KG.Statement), KG.about, Literal("a literal")))  # type: ignore[union-attr]
    g[6].add((first(g[6], KG.participation), RDF.type, KG.Event))  # type: ignore[union-attr]
    g[7].set((first(g[7], NIF.anchorOf), NIF.anchorOf, Literal("words", lang="en")))  # type: ignore[union-attr]
    expected = validate_built(built, None, engine="pyshacl")
    assert len({v.check for v in expected}) >= 4, expected

    assert per_source(built, None) == expected  # None: not source by source


def test_cached_verdicts_are_keyed_by_the_compilers_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.validation.keys
    from kg.shacl import code_identity

    cache = tmp_path / "cache"
    built = build(cache=None)
    assert validate(built, cache=cache) == []
    files = set((cache / "validate").iterdir())
    assert files
    assert validate(built, cache=cache) == []
    assert set((cache / "validate").iterdir()) == files  # all read from the cache
    assert len(code_identity()) == 64
    monkeypatch.setattr(kg.validation.keys, "engine_identity", lambda: "another compiler")
    assert validate(built, cache=cache) == []
    assert len(set((cache / "validate").iterdir()) - files) == len(files)  # all again


PER_SOURCE = {
    "evidence-length-violation",
    "derived-edge-untraced-violation",
    "seizure-slots-violation",
    "statement-type-slots-violation",
    "inference-record-violation",
}


def test_a_checks_header_says_whether_it_runs_source_by_source(tmp_path: Path) -> None:
    """`#+ scope: source` in a check's header is what lets validation count its rows source by
    source; without it the check runs on the whole graph only."""
    from kg.validation import check_sources, per_source_checks, shape_reach, violation_queries

    packaged = violation_queries()
    assert per_source_checks(packaged) == PER_SOURCE
    for path in packaged:
        text = path.read_text(encoding="utf-8")
        if path.stem == "evidence-length-violation":
            assert "#+ scope: source\n" in text
            text = text.replace("#+ scope: source\n", "")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    edited = violation_queries(tmp_path)
    assert per_source_checks(edited) == PER_SOURCE - {"evidence-length-violation"}
    built = build(cache=None)
    shapes = _shapes()
    reach = shape_reach(shapes)
    assert reach is not None
    shared = prefixed_graph()
    for part in built.shared:
        part.into(shared)
    for program in (None, compiled(shapes, NM)):
        args = (shapes, packaged, shared, reach, program)
        assert set(check_sources(built, [0], *args)[0]["checks"]) == PER_SOURCE
        args = (shapes, edited, shared, reach, program)
        assert set(check_sources(built, [0], *args)[0]["checks"]) == PER_SOURCE - {
            "evidence-length-violation"
        }


@pytest.mark.slow
def test_each_sources_check_rows_are_counted_alone_as_before(tmp_path: Path) -> None:
    """The per-source checks (`*-violation.rq`) count each source's rows with the shared graphs
    alone under both engines (a count over a chunk could hide a row another source removes)."""
    from bench.generate import generate
    from kg.namespaces import KG, NIF
    from kg.validation import check_sources, shape_reach, violation_queries

    generate(tmp_path, 4000, seed=9)
    built = build(tmp_path, cache=False)
    g = [unit.graph.graph for unit in built.units]
    span = sorted(g[0].subjects(NIF.anchorOf, None))[0]  # type: ignore[union-attr]
    g[0].set((span, NIF.anchorOf, Literal("far too long for its offsets")))  # type: ignore[union-attr]
    statement = sorted(g[1].subjects(RDF.type, KG.Statement))[0]  # type: ignore[union-attr]
    g[1].add((statement, KG.statementType, KG.Labelling))  # type: ignore[union-attr]
    g[2].add((URIRef(str(statement) + "-seized"), RDF.type, KG.Seizure))  # type: ignore[union-attr]
    shapes = _shapes()
    reach = shape_reach(shapes)
    assert reach is not None
    shared = prefixed_graph()
    for part in built.shared:
        part.into(shared)
    todo = list(range(len(built.units)))
    args = (shapes, violation_queries(), shared, reach)
    reference = check_sources(built, todo, *args)
    compiled_ = check_sources(built, todo, *args, compiled(shapes, NM))
    assert {i: v["checks"] for i, v in compiled_.items()} == {
        i: v["checks"] for i, v in reference.items()
    }
    assert sum(sum(v["checks"].values()) for v in compiled_.values()) >= 3
    for i in todo:
        assert {k: compiled_[i][k] for k in "kr"} == {k: reference[i][k] for k in "kr"}


def test_only_checks_whose_rows_grow_with_the_data_are_run_once_on_the_whole_graph() -> None:
    """A per-source check runs once on the whole graph instead of once per source only when its
    rows on a part are always among its rows on the whole (no negation, aggregate, limit or
    graph name): of the packaged checks, the span offsets only."""
    from kg.validation.checks import monotone, per_source_checks, violation_queries

    texts = {p.stem: p.read_text(encoding="utf-8") for p in violation_queries()}
    assert {name for name in per_source_checks(violation_queries()) if monotone(texts[name])} == {
        "evidence-length-violation"
    }
    plain = "SELECT ?s WHERE { ?s <urn:x:p> ?o FILTER(?o != 1) }"
    assert monotone(plain)
    for shrinking in (
        "SELECT ?s WHERE { ?s <urn:x:p> ?o OPTIONAL { ?s <urn:x:q> ?q } }",
        "SELECT ?s WHERE { ?s <urn:x:p> ?o FILTER NOT EXISTS { ?s <urn:x:q> ?q } }",
        "SELECT ?s WHERE { ?s <urn:x:p> ?o MINUS { ?s <urn:x:q> ?q } }",
        "SELECT (count(*) AS ?n) WHERE { ?s <urn:x:p> ?o }",
        "SELECT ?s WHERE { GRAPH <urn:x:g> { ?s <urn:x:p> ?o } }",
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s <urn:x:p> ?o } limit 1 } }",
    ):
        assert not monotone(shrinking), shrinking


def test_a_check_tried_on_every_node_first_still_finds_what_fails_on_focus_nodes() -> None:
    """A value or maximum-count check is first tried over every node (its prescreen): values
    that fail only on nodes no shape targets let it go on to its focus nodes, where it finds
    the same violations as pySHACL, and nothing failing anywhere spares it."""
    from kg.shacl.engine import _MARK, _screened, _subclasses

    shapes = _shapes()
    program = compile_shapes(shapes, NM)
    speakers = [
        c
        for c in program.checks
        if c.prescreen and c.shape.text == "kg:speaker" and "MaxCount" in str(c.component)
    ]
    assert len(speakers) == 1
    clean = "ex:s a kg:Statement ; kg:statementType kg:Appeal ; kg:speaker ex:a ;" + EVIDENCE
    # the same predicate twice on a node that is no statement, then on a statement
    for extra, fails in (("", False), ("ex:x kg:speaker ex:a, ex:b .", False),
                         ("ex:s kg:speaker ex:b .", True)):  # fmt: skip
        data = _data(clean + "\n" + extra)
        store = to_oxigraph(data)
        classes = _subclasses(program, store)

        def with_classes(match: object, classes: dict[str, list[str]] = classes) -> str:
            m = match  # type: ignore[assignment]
            members = classes[m.group(2)]  # type: ignore[attr-defined]
            return (", " if m.group(1) == "CLASS" else " ").join(members)  # type: ignore[attr-defined]

        skipped = _screened(program, store, with_classes)
        # spared only when no node has two speakers (the statement's screen fails on its
        # speaker of no known class, so it runs its shape's other checks)
        assert (speakers[0] in skipped) is (extra == ""), extra
        expected = _pyshacl(data, shapes)
        assert _compiled(data, shapes) == expected
        assert any("MaxCount" in row[3] for row in expected) is fails
        assert _MARK.search(speakers[0].prescreen or "") is None


# integers as pyoxigraph keeps them (xsd:integer, canonical) and as rdflib reads them (ill-typed
# out of range or with spaces, a sign, underscores), with other numbers and a plain string
_COMPARED = [
    '"abc"^^xsd:nonNegativeInteger',
    '"-1"^^xsd:nonNegativeInteger',
    '" 3"^^xsd:nonNegativeInteger',
    '"3"^^xsd:nonNegativeInteger',
    '"1_0"^^xsd:nonNegativeInteger',
    '"+2"^^xsd:nonNegativeInteger',
    '"0"^^xsd:positiveInteger',
    '"5"^^xsd:integer',
    '"x"^^xsd:integer',
    '"2.5"^^xsd:decimal',
    '"99999999999"^^xsd:int',
    '"7"',
]


def test_less_than_on_ill_typed_integers_gives_pyshacls_verdicts() -> None:
    """sh:lessThan between span offsets written in every form, well typed or not: the compiled
    shapes find the violations pySHACL finds (pyoxigraph keeps "-1"^^xsd:nonNegativeInteger as
    the integer -1, which rdflib reads as ill-typed and orders by its datatype)."""
    spans = []
    for i, begin in enumerate(_COMPARED):
        for j, end in enumerate(_COMPARED):
            spans.append(
                f'ex:z{i}-{j} a nif:String ; nif:anchorOf "te" ; nif:beginIndex {begin} ; '
                f"nif:endIndex {end} ; "
                "nif:referenceContext <https://w3id.org/scs-kg/source/fixture#char=0,4> ."
            )
    data = _data("\n".join(spans))
    shapes = _shapes()
    expected = _pyshacl(data, shapes)
    less = {row for row in expected if "LessThan" in row[3]}
    # ill-typed against well-typed, both ways, and well-typed pairs that are or are not in order
    assert 40 < len(less) < len(_COMPARED) ** 2
    assert ("<https://example.org/fixture/z1-7>", "nif:beginIndex") in {r[:2] for r in less}
    assert _compiled(data, shapes) == expected
