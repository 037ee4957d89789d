"""Interoperability, checked with engines nobody here wrote.

- every export parses with Raptor's `rapper` (not JSON-LD: Raptor has no reader for it) and with
  pyoxigraph, with the triple or quad count of the build;
- every catalog query gives the same canonical result on rdflib, pyoxigraph, Apache Jena (ARQ over
  TDB2, Debian's package run by the commands scripts/install-interop.sh writes) and Rasqal's
  `roqet` (but for the Rasqal defects listed below), and the rule checks find the same rows on
  broken data there;
- the ontology is consistent, with no unsatisfiable class, for HermiT (through owlready2), and
  so are the ontology and the data together (the export for reasoners, `scs-kg.owl.nt`);
- the SHACL shapes give the same verdicts under pySHACL and rdf-validate-shacl (JavaScript).

`scripts/install-interop.sh` (run by `make test`) installs the tools. A missing tool skips its
tests on a developer's machine and fails them in CI (`CI=true`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from kg import resources
from kg.build import Built
from kg.namespaces import ENTITIES_GRAPH, ONTOLOGY_GRAPH
from kg.validation import union

pytestmark = pytest.mark.slow  # runs Rasqal, HermiT and rdf-validate-shacl as separate programs

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / ".venv" / "interop" / "node_modules"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NUMBERS = """integer decimal float double nonNegativeInteger nonPositiveInteger positiveInteger
    negativeInteger long int short byte unsignedLong unsignedInt unsignedShort unsignedByte"""
NUMERIC = {XSD + t for t in _NUMBERS.split()}


def need(tool: str, present: bool) -> None:
    """Skip when a tool is missing, or fail in CI, where `make test` must have installed it."""
    if present:
        return
    message = f"{tool} is not installed (scripts/install-interop.sh installs it)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def _which(name: str) -> str:
    path = shutil.which(name)
    need(name, path is not None)
    assert path is not None
    return path


# --- exports: Raptor and pyoxigraph --------------------------------------------------------

# file → (rapper syntax, pyoxigraph format, what the count is compared with)
EXPORTS = {
    "scs-kg.trig": ("trig", "TRIG", "quads"),
    "scs-kg.nq": ("nquads", "N_QUADS", "quads"),
    "scs-kg.jsonld": (None, "JSON_LD", "quads"),
    "scs-kg.ttl": ("turtle", "TURTLE", "union"),
    "scs-kg.nt": ("ntriples", "N_TRIPLES", "union"),
    "scs-kg.rdf": ("rdfxml", "RDF_XML", "union"),
    "ontology.ttl": ("turtle", "TURTLE", "ontology"),
    "ontology.rdf": ("rdfxml", "RDF_XML", "ontology"),
    "entities.ttl": ("turtle", "TURTLE", "entities"),
    "shapes.ttl": ("turtle", "TURTLE", "shapes"),
    "void.ttl": ("turtle", "TURTLE", "void"),
}


def _expected(kind: str, ds: Dataset, out_dir: Path) -> int:
    if kind == "quads":
        return len(ds)  # what `kg build` reports
    if kind == "union":
        return len(union(ds))
    if kind == "ontology":
        return len(ds.graph(ONTOLOGY_GRAPH))
    if kind == "entities":
        return len(ds.graph(ENTITIES_GRAPH))
    if kind == "shapes":
        return len(Graph().parse(resources.shapes_file()))
    # void: the build writes it; its count is that of the graph the build serialized
    return len(Graph().parse(out_dir / "void.ttl"))


def test_every_export_is_checked() -> None:
    from kg.export import CONTEXT_FILE, SERIALIZATIONS

    written = {name for name, _fmt, _named in SERIALIZATIONS}
    written |= {"ontology.ttl", "ontology.rdf", "entities.ttl", "shapes.ttl", "void.ttl"}
    assert written == set(EXPORTS)
    assert CONTEXT_FILE not in EXPORTS  # the JSON-LD context is not RDF data


@pytest.mark.parametrize("name", sorted(n for n, v in EXPORTS.items() if v[0]))
def test_rapper_parses_the_export_with_the_build_count(
    name: str, dataset: Dataset, out_dir: Path
) -> None:
    rapper = _which("rapper")
    syntax, _ox, kind = EXPORTS[name]
    assert syntax is not None
    run = subprocess.run(
        [rapper, "-c", "-i", syntax, str(out_dir / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr.lower(), run.stderr
    found = re.search(r"returned (\d+) triples", run.stderr)
    assert found, run.stderr
    assert int(found.group(1)) == _expected(kind, dataset, out_dir)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_pyoxigraph_parses_the_export_with_the_build_count(
    name: str, dataset: Dataset, out_dir: Path
) -> None:
    import pyoxigraph as ox

    _rapper, fmt, kind = EXPORTS[name]
    data = (out_dir / name).read_bytes()  # the JSON-LD carries its context: read as it is
    items = list(ox.parse(data, format=getattr(ox.RdfFormat, fmt)))
    assert len(set(items)) == len(items)
    assert len(items) == _expected(kind, dataset, out_dir)


# --- the catalog on three engines -----------------------------------------------------------

Row = tuple[Any, ...]


def _key(kind: str, value: str, extra: str) -> tuple[str, str, str]:
    """A comparable form of a term: numbers by value, xsd:string as a plain literal."""
    if kind == "literal" and extra in NUMERIC:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return ("literal", value, extra)
        return ("number", format(number.normalize(), "f") if number == number else value, "")
    if kind == "literal" and extra == XSD + "string":
        return ("literal", value, "")
    return (kind, value, extra)


def _rdflib_key(term: Any) -> tuple[str, str, str]:
    if term is None:
        return ("unbound", "", "")
    if isinstance(term, BNode):
        return ("bnode", str(term), "")
    if isinstance(term, URIRef):
        return ("uri", str(term), "")
    assert isinstance(term, Literal)
    if term.language:
        return ("literal", str(term), "@" + term.language.lower())
    return _key("literal", str(term), str(term.datatype or ""))


def canonical(variables: list[str], rows: list[Row]) -> tuple[list[str], list[Row]]:
    """Sort the variables and the rows; rename blank nodes in order of first appearance."""
    order = sorted(range(len(variables)), key=lambda i: variables[i])
    keyed = [tuple(row[i] for i in order) for row in rows]

    def masked(row: Row) -> Row:
        return tuple(("bnode", "", "") if k[0] == "bnode" else k for k in row)

    keyed.sort(key=masked)
    names: dict[str, str] = {}
    renamed = []
    for row in keyed:
        out = []
        for k in row:
            if k[0] == "bnode":
                k = ("bnode", names.setdefault(k[1], f"b{len(names)}"), "")
            out.append(k)
        renamed.append(tuple(out))
    return [variables[i] for i in order], sorted(renamed)


def _graph_canonical(triples: list[tuple[Any, Any, Any]]) -> list[str]:
    g = Graph()
    for t in triples:
        g.add(t)
    canon = to_canonical_graph(g)
    return sorted(canon.serialize(format="nt").splitlines())


def _roqet_select(xml: str) -> tuple[list[str], list[Row]]:
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(xml)
    variables = [v.attrib["name"] for v in root.findall("r:head/r:variable", ns)]
    rows = []
    for result in root.findall("r:results/r:result", ns):
        found: dict[str, tuple[str, str, str]] = {}
        for binding in result.findall("r:binding", ns):
            term = binding[0]
            tag = term.tag.split("}")[1]
            text = term.text or ""
            if tag == "unbound":  # Rasqal writes <unbound/> where others leave the binding out
                continue
            if tag == "uri":
                found[binding.attrib["name"]] = ("uri", text, "")
            elif tag == "bnode":
                found[binding.attrib["name"]] = ("bnode", text, "")
            else:
                lang = term.attrib.get("{http://www.w3.org/XML/1998/namespace}lang")
                if lang:
                    found[binding.attrib["name"]] = ("literal", text, "@" + lang.lower())
                else:
                    found[binding.attrib["name"]] = _key(
                        "literal", text, term.attrib.get("datatype", "")
                    )
        rows.append(tuple(found.get(v, ("unbound", "", "")) for v in variables))
    return variables, rows


_PNAME = r"(?:[A-Za-z][\w-]*)?:[\w-]*|<[^<>\s]*>"
_OBJECT = r"\?\w+|" + _PNAME + r'|"[^"]*"'
_SEQUENCE = re.compile(
    rf"(?P<path>(?:{_PNAME})(?:/(?:{_PNAME}))+)\s+(?P<objects>(?:{_OBJECT})(?:\s*,\s*(?:{_OBJECT}))*)"
)


def for_rasqal(text: str, graphs: dict[str, Path]) -> str:
    """Write the query in the SPARQL that Rasqal reads, with the same meaning.

    Rasqal has no property paths: a sequence path `p/q ?o` becomes the blank-node pattern
    `p [ q ?o ]`, which is how SPARQL 1.1 itself defines a sequence (a fresh, non-projected
    variable in between). Named graphs are loaded from files, so `GRAPH <name>` names the file.
    """

    def nest(m: re.Match[str]) -> str:
        steps = re.findall(_PNAME, m.group("path"))
        nested = []
        for obj in re.findall(_OBJECT, m.group("objects")):
            inner = f"{steps[-1]} {obj}"  # each object has its own path, so its own nodes
            for step in reversed(steps[1:-1]):
                inner = f"{step} [ {inner} ]"
            nested.append(f"[ {inner} ]")
        return f"{steps[0]} {' , '.join(nested)}"

    lines = []
    for line in text.splitlines():
        if not line.lstrip().startswith(("#", "PREFIX", "prefix")):
            line = _SEQUENCE.sub(nest, line)
        lines.append(line)
    out = "\n".join(lines)
    for name, path in graphs.items():
        out = out.replace(f"<{name}>", f"<{path.resolve().as_uri()}>")
    return out


@pytest.fixture(scope="module")
def engines(out_dir: Path) -> dict[str, Any]:
    """The build's output on pyoxigraph and rdflib, and per-graph files for Rasqal."""
    from kg.engines.embedded import OxigraphEngine, RdflibEngine
    from kg.graph import open as open_graph

    return {
        "oxigraph": OxigraphEngine.load(open_graph(out_dir)),
        "rdflib": RdflibEngine.load(open_graph(out_dir)),
    }


@pytest.fixture(scope="module")
def rasqal_graphs(
    dataset: Dataset, out_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each named graph of the build as its own N-Triples file (Rasqal names graphs by file)."""
    folder = tmp_path_factory.mktemp("graphs")
    files = {}
    for i, g in enumerate(sorted(dataset.graphs(), key=lambda g: str(g.identifier))):
        if isinstance(g.identifier, URIRef) and len(g):
            path = folder / f"g{i}.nt"
            g.serialize(path, format="nt", encoding="utf-8")
            files[str(g.identifier)] = path
    return files


def _catalog() -> list[Any]:
    from kg.catalog import load_catalog

    return list(load_catalog().values())


def _roqet(
    text: str, out_dir: Path, graphs: dict[str, Path], kind: str, tmp_path: Path, limit: int = 120
) -> Any:
    roqet = _which("roqet")
    query = tmp_path / "query.rq"
    query.write_text(for_rasqal(text, graphs), encoding="utf-8")
    named = [str(graphs[n]) for n in graphs if f"<{n}>" in text]
    args = [roqet, "-q", "-W", "0", "-r", "turtle" if kind == "graph" else "xml"]
    args += ["-D", str(out_dir / "scs-kg.nt")]
    for path in named:
        args += ["-G", str(path)]
    try:
        run = subprocess.run(
            [*args, str(query)], capture_output=True, text=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired as e:  # Rasqal 0.9.33 never ends some queries
        raise AssertionError(f"roqet did not answer in {limit} s: {e}") from None
    assert run.returncode == 0 and "Error" not in run.stderr, run.stderr
    if kind == "graph":
        g = Graph().parse(data=run.stdout, format="turtle")
        return _graph_canonical(list(g))
    if kind == "ask":
        return "<boolean>true</boolean>" in run.stdout
    variables, rows = _roqet_select(run.stdout)
    return canonical(variables, rows)


def _engine_canonical(result: Any) -> Any:
    if result.kind == "graph":
        return _graph_canonical(result.triples)
    if result.kind == "ask":
        return result.boolean
    return canonical(list(result.vars), [tuple(_rdflib_key(t) for t in r) for r in result.rows])


# Queries on which Rasqal 0.9.33 (Debian's roqet) cannot run or answers wrongly, and why: what
# Rasqal lacks or gets wrong that the query cannot do without (where a portable form exists, the
# catalog uses it and the query's header names the defect it avoids). Each is checked to still
# fail there, and is compared on rdflib, pyoxigraph, Jena and the servers (tests/test_stores.py).
RASQAL_DEFECTS = {
    "entity-facts": "a fact's kind is its most specific class, which takes a negation: Rasqal "
    "parses no FILTER NOT EXISTS, runs no MINUS, and with OPTIONAL and !BOUND answers in 20 s "
    "with ?fact unbound in every row",
    "cq9-statements-on-behalf-of": "an organisation at any depth above the speaker's unit needs "
    "org:subOrganizationOf* (Rasqal has no property paths; the data holds no closure of it)",
}


def test_the_catalog_is_there() -> None:
    assert len(_catalog()) >= 20


@pytest.mark.parametrize("query", _catalog(), ids=lambda q: q.name)
def test_catalog_query_is_the_same_on_rdflib_pyoxigraph_and_rasqal(
    query: Any,
    engines: dict[str, Any],
    out_dir: Path,
    rasqal_graphs: dict[str, Path],
    tmp_path: Path,
) -> None:
    from kg.catalog import bind
    from kg.engines.remote import with_values

    bindings = bind(query, {})
    answers = {name: engine.run(query.text, bindings) for name, engine in engines.items()}
    kind = answers["oxigraph"].kind
    ox = _engine_canonical(answers["oxigraph"])
    assert _engine_canonical(answers["rdflib"]) == ox
    text = with_values(query.text, bindings)
    if query.name in RASQAL_DEFECTS:
        # a known Rasqal 0.9.33 defect: it must still show (this list is kept exact), and the
        # query is then checked on rdflib and pyoxigraph only
        try:
            rasqal = _roqet(text, out_dir, rasqal_graphs, kind, tmp_path, limit=30)
        except AssertionError:
            return
        assert rasqal != ox, f"Rasqal now agrees on {query.name}: remove it from RASQAL_DEFECTS"
        return
    rasqal = _roqet(text, out_dir, rasqal_graphs, kind, tmp_path)
    if kind == "select" and rasqal == ([], []):
        rasqal = (ox[0], [])  # Rasqal leaves out the variables of an empty result
    assert rasqal == ox


# --- the catalog on Apache Jena (ARQ over TDB2) ---------------------------------------------

JENA_BIN = ROOT / ".venv" / "interop" / "jena" / "bin"

# Queries on which Jena 4.5.0 (Debian) cannot run or answers wrongly, and why: none.
JENA_DEFECTS: dict[str, str] = {}


def _jena(tool: str) -> str:
    """A Jena command that scripts/install-interop.sh wrote (Debian's package has none)."""
    path = JENA_BIN / tool
    need(f"Jena's {tool} (Debian libapache-jena-java)", path.is_file())
    return str(path)


@pytest.fixture(scope="module")
def tdb2(out_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build's TriG loaded into a new TDB2 database by Jena's own loader."""
    folder = tmp_path_factory.mktemp("tdb2") / "db"
    run = subprocess.run(
        [_jena("tdb2.tdbloader"), "--loc", str(folder), str(out_dir / "scs-kg.trig")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return folder


def _jena_answer(text: str, kind: str, db: Path, tmp_path: Path) -> Any:
    """Run a query with Jena's tdb2.tdbquery (the union of the named graphs as default graph)."""
    query = tmp_path / "query.rq"
    query.write_text(text, encoding="utf-8")
    args = [_jena("tdb2.tdbquery"), "--loc", str(db), "--set", "tdb:unionDefaultGraph=true"]
    args += ["--results", "NT" if kind == "graph" else "XML", "--query", str(query)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    if kind == "graph":
        return _graph_canonical(list(Graph().parse(data=run.stdout, format="nt")))
    if kind == "ask":
        return "<boolean>true</boolean>" in run.stdout
    variables, rows = _roqet_select(run.stdout)  # the SPARQL XML results format
    return canonical(variables, rows)


@pytest.mark.parametrize("query", _catalog(), ids=lambda q: q.name)
def test_catalog_query_is_the_same_on_jena(
    query: Any, engines: dict[str, Any], tdb2: Path, tmp_path: Path
) -> None:
    from kg.catalog import bind
    from kg.engines.remote import with_values

    bindings = bind(query, {})
    answer = engines["oxigraph"].run(query.text, bindings)
    expected = _engine_canonical(answer)
    found = _jena_answer(with_values(query.text, bindings), answer.kind, tdb2, tmp_path)
    if query.name in JENA_DEFECTS:
        assert found != expected, f"Jena now agrees on {query.name}: remove it from JENA_DEFECTS"
        return
    assert found == expected


def test_jena_answers_the_class_hierarchy(tdb2: Path, tmp_path: Path) -> None:
    """Jena, with no reasoner, lists every event under `a kg:Event` (the entailed types)."""
    text = "SELECT ?e WHERE { ?e a <https://w3id.org/scs-kg/ontology#Event> }"
    _variables, rows = _jena_answer(text, "select", tdb2, tmp_path)
    assert len(rows) >= 10


# what breaks every branch of the violation checks but one (a seizure's thing seized stays)
_FACT = "https://w3id.org/scs-kg/fact/us-china-military-channels/"
_KG = "https://w3id.org/scs-kg/ontology#"
_BREAK_REMOVE = [
    (_FACT + "seizure-scarborough-shoal", _KG + "unstatedRole", None),
    (_FACT + "stmt-hegseth-destabilizing", _KG + "about", None),
    (_FACT + "stmt-hegseth-destabilizing", _KG + "label", None),
    (_FACT + "stmt-trump-relations-never-better", _KG + "addressee", None),
    (_FACT + "inferred-ties-addressee", "http://www.w3.org/2000/01/rdf-schema#comment", None),
    (_FACT + "inferred-peace-stability-addressee", RDF_NS + "object", None),
]
_BREAK_ADD = [
    (_FACT + "seizure-scarborough-shoal", "http://www.w3.org/ns/prov#atLocation",
     "https://w3id.org/scs-kg/id/scarborough-shoal"),
    (_FACT + "stmt-chinese-officials-dismiss-critiques", _KG + "statementType", _KG + "Labelling"),
]  # fmt: skip
VIOLATIONS = ["inference-record-violation", "seizure-slots-violation",
              "statement-type-slots-violation"]  # fmt: skip


@pytest.fixture(scope="module")
def broken(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The build with facts that break the rule checks: an engine and the union as N-Triples."""
    from kg.api import KnowledgeGraph
    from kg.prefixes import new_dataset

    ds = new_dataset()
    ds.addN(dataset.quads((None, None, None, None)))
    for s, p, o in _BREAK_REMOVE:
        ds.remove((URIRef(s), URIRef(p), None if o is None else URIRef(o), None))
    source = ds.graph(URIRef("https://w3id.org/scs-kg/graph/source/us-china-military-channels"))
    for s, p, o in _BREAK_ADD:
        source.add((URIRef(s), URIRef(p), URIRef(o)))
    path = tmp_path_factory.mktemp("broken") / "broken.nt"
    union(ds).serialize(path, format="nt", encoding="utf-8")
    return KnowledgeGraph.from_dataset(ds, engine="oxigraph"), path


@pytest.mark.parametrize("name", VIOLATIONS)
def test_violation_checks_find_the_same_rows_on_rasqal_and_jena(
    name: str, broken: tuple[Any, Path], tmp_path: Path
) -> None:
    """The rule checks on broken data: the same rows (not none) on pyoxigraph, Rasqal, Jena."""
    from kg.catalog import get

    engine, path = broken
    text = get(name).text
    expected = _engine_canonical(engine.run(text))
    assert len(expected[1]) >= 2  # the check finds what breaks it
    assert _roqet_union(text, path, tmp_path) == expected
    arq = [_jena("arq"), "--data", str(path), "--results", "XML", "--query"]
    query = tmp_path / "query.rq"
    query.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [*arq, str(query)], capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert canonical(*_roqet_select(run.stdout)) == expected


def _roqet_union(text: str, data: Path, tmp_path: Path) -> Any:
    """A SELECT query's canonical answer from Rasqal over one N-Triples file."""
    query = tmp_path / "query.rq"
    query.write_text(text, encoding="utf-8")
    args = [_which("roqet"), "-q", "-W", "0", "-r", "xml", "-D", str(data), str(query)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0 and "Error" not in run.stderr, run.stderr
    return canonical(*_roqet_select(run.stdout))


def test_most_catalog_queries_return_rows(engines: dict[str, Any]) -> None:
    """The three-engine comparison is not vacuous: the queries find data in the build."""
    from kg.catalog import bind

    answered = 0
    queries = [q for q in _catalog() if not q.is_violation]
    for query in queries:
        result = engines["oxigraph"].run(query.text, bind(query, {}))
        answered += bool(result.rows or result.triples or result.boolean)
    assert answered >= 0.8 * len(queries)


def test_sequence_paths_are_rewritten_for_rasqal() -> None:
    text = (
        "SELECT * WHERE { ?s kg:a/rdfs:label ?x ; kg:b/kg:c/rdfs:label ?y . ?s kg:d/kg:e ?a , ?b }"
    )
    assert for_rasqal(text, {}) == (
        "SELECT * WHERE { ?s kg:a [ rdfs:label ?x ] ; kg:b [ kg:c [ rdfs:label ?y ] ] ."
        " ?s kg:d [ kg:e ?a ] , [ kg:e ?b ] }"
    )


# --- the ontology in a real OWL reasoner -----------------------------------------------------


def _hermit(out_dir: Path) -> tuple[Any, Any, Any]:
    """Return owlready2, a fresh world and the exported ontology loaded in it (needs Java)."""
    need("java", shutil.which("java") is not None)
    try:
        import owlready2
    except ImportError:
        need("owlready2", False)
        raise
    owlready2.JAVA_EXE = shutil.which("java")
    world = owlready2.World()
    onto = world.get_ontology((out_dir / "ontology.rdf").resolve().as_uri()).load()
    return owlready2, world, onto


def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(
    out_dir: Path, tmp_path: Path
) -> None:
    owlready2, world, onto = _hermit(out_dir)
    assert len(list(onto.classes())) >= 30  # the ontology's own classes were read
    with onto:
        # raises OwlReadyInconsistentOntologyError if the ontology is inconsistent
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    unsatisfiable = [str(c) for c in world.inconsistent_classes()]
    assert unsatisfiable == []


def test_hermit_catches_an_unsatisfiable_class(out_dir: Path, tmp_path: Path) -> None:
    """The check can fail: a class under two disjoint classes is reported unsatisfiable."""
    owlready2, world, onto = _hermit(out_dir)
    person = onto.search_one(iri="https://w3id.org/scs-kg/ontology#Person")
    place = onto.search_one(iri="https://w3id.org/scs-kg/ontology#Place")
    assert person is not None and place is not None
    with onto:
        owlready2.AllDisjoint([person, place])

        class PersonPlace(person, place):  # type: ignore[misc, valid-type]
            pass

        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert "PersonPlace" in {c.name for c in world.inconsistent_classes()}


def _hermit_data(path: Path) -> tuple[Any, Any, Any]:
    """Return owlready2, a fresh world and a dataset export (ontology plus data) loaded in it."""
    need("java", shutil.which("java") is not None)
    try:
        import owlready2
    except ImportError:
        need("owlready2", False)
        raise
    owlready2.JAVA_EXE = shutil.which("java")
    world = owlready2.World()
    onto = world.get_ontology(path.resolve().as_uri()).load()
    return owlready2, world, onto


KG_NS = "https://w3id.org/scs-kg/ontology#"
ENT_NS = "https://w3id.org/scs-kg/id/"


def test_hermit_finds_the_ontology_and_the_data_consistent(out_dir: Path) -> None:
    """HermiT over the reasoners' export (ontology, registry, facts, derived edges)."""
    owlready2, world, onto = _hermit_data(out_dir / "scs-kg.owl.nt")
    hegseth = world[ENT_NS + "pete-hegseth"]
    assert hegseth is not None and world[KG_NS + "Person"] in hegseth.is_a  # the data was read
    events = world.search(type=world[KG_NS + "Event"])
    assert len(events) >= 10
    with onto:
        # raises OwlReadyInconsistentOntologyError if ontology and data are inconsistent
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


def test_hermit_catches_inconsistent_data(out_dir: Path) -> None:
    """The check can fail: a person made a state, once the two classes are disjoint."""
    owlready2, world, onto = _hermit_data(out_dir / "scs-kg.owl.nt")
    person, state = world[KG_NS + "Person"], world[KG_NS + "State"]
    hegseth = world[ENT_NS + "pete-hegseth"]
    with onto:
        owlready2.AllDisjoint([person, state])
        hegseth.is_a.append(state)
        with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)


def test_hermit_refuses_the_faithful_union_that_the_reasoners_export_maps(out_dir: Path) -> None:
    """Why the reasoners' export exists: scs-kg.nt keeps xsd:gYear and xsd:gMonth, which
    OWL 2's datatype map lacks and HermiT refuses; the export gives them as xsd:string."""
    owlready2, world, onto = _hermit_data(out_dir / "scs-kg.nt")
    with onto, pytest.raises(owlready2.OwlReadyJavaError):
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    faithful = (out_dir / "scs-kg.nt").read_text(encoding="utf-8")
    mapped = (out_dir / "scs-kg.owl.nt").read_text(encoding="utf-8")
    for datatype in ("gYear", "gMonth"):
        assert f"XMLSchema#{datatype}>" in faithful
        assert f"XMLSchema#{datatype}>" not in mapped


# --- the shapes under two SHACL validators ---------------------------------------------------

SHACL_JS = """
import rdf from '{node}/@zazuko/env-node/index.js'
import SHACLValidator from '{node}/rdf-validate-shacl/index.js'

const [shapesPath, dataPath] = process.argv.slice(2)
const shapes = await rdf.dataset().import(rdf.fromFile(shapesPath))
const data = await rdf.dataset().import(rdf.fromFile(dataPath))
const validator = new SHACLValidator(shapes, {{ factory: rdf }})
const report = await validator.validate(data)
const SH = 'http://www.w3.org/ns/shacl#'
const name = (shape) => {{
  if (shape.termType !== 'BlankNode') return shape.value
  for (const q of shapes.match(null, rdf.namedNode(SH + 'property'), shape)) return q.subject.value
  return 'shape'
}}
const results = report.results
  .filter((r) => r.severity && r.severity.value === SH + 'Violation')
  .map((r) => ({{
    focus: r.focusNode ? r.focusNode.value : '',
    shape: name(r.sourceShape),
    path: r.path && r.path.termType === 'NamedNode' ? r.path.value : '',
  }}))
console.log(JSON.stringify({{ conforms: report.conforms, results }}))
"""


def _js_validate(data: Graph, tmp_path: Path) -> tuple[bool, set[tuple[str, str, str]]]:
    node = _which("node")
    need("rdf-validate-shacl", (NODE_DIR / "rdf-validate-shacl").is_dir())
    script = tmp_path / "validate.mjs"
    script.write_text(SHACL_JS.format(node=NODE_DIR.as_posix()), encoding="utf-8")
    data_file = tmp_path / "data.nt"
    data.serialize(data_file, format="nt", encoding="utf-8")
    run = subprocess.run(
        [node, str(script), str(resources.shapes_file()), str(data_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    found = {(r["focus"], r["shape"], r["path"]) for r in report["results"]}
    return bool(report["conforms"]), found


def _py_validate(data: Graph) -> tuple[bool, set[tuple[str, str, str]]]:
    from pyshacl import validate

    from kg.sources import parse_turtle

    shapes = parse_turtle(resources.shapes_file())
    conforms, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert isinstance(results, Graph)
    sh = "http://www.w3.org/ns/shacl#"
    found = set()
    for r in results.subjects(URIRef(sh + "resultSeverity"), URIRef(sh + "Violation")):
        shape = results.value(r, URIRef(sh + "sourceShape"))
        if isinstance(shape, BNode):
            shape = shapes.value(None, URIRef(sh + "property"), shape) or "shape"
        path = results.value(r, URIRef(sh + "resultPath"))
        focus = results.value(r, URIRef(sh + "focusNode"))
        found.add((str(focus), str(shape), str(path) if isinstance(path, URIRef) else ""))
    return bool(conforms), found


def _fixture_cases() -> list[tuple[str, str]]:
    from tests.test_shapes import EVIDENCE, FIXTURES

    cases = [("base", "")]
    for shape, turtle in sorted(FIXTURES.items()):
        if shape != "FactShape" and turtle.startswith("ex:f ") and turtle.rstrip().endswith("."):
            turtle = turtle.rstrip()[:-1] + ";" + EVIDENCE
        cases.append((shape, turtle))
    return cases


# Known defects of the JavaScript validator, each checked to still show (the list stays exact):
# rdf-validate-datatype reads xsd:gDay without its leading "---" (its pattern is `^DD(tz)?$`),
# so a well-formed "---05"^^xsd:gDay fails sh:datatype there and passes on pySHACL.
JS_DEFECTS: dict[str, set[tuple[str, str, str]]] = {
    "DayPrecisionShape": {
        (
            "https://example.org/fixture/d",
            "https://w3id.org/scs-kg/shapes#TimeDescriptionShape",
            "http://www.w3.org/2006/time#day",
        )
    },
}


@pytest.mark.parametrize("case", _fixture_cases(), ids=lambda c: c[0])
def test_shapes_give_the_same_verdicts_on_pyshacl_and_rdf_validate_shacl(
    case: tuple[str, str], tmp_path: Path
) -> None:
    from kg.sources import parse_turtle
    from tests.test_shapes import HEADER

    shape, turtle = case
    data = parse_turtle(resources.ontology_file())
    data.parse(data=HEADER + turtle, format="turtle")
    py = _py_validate(data)
    js = _js_validate(data, tmp_path)
    extra = JS_DEFECTS.get(shape, set())
    assert extra <= js[1] and not extra & py[1]  # the defect still shows, and only there
    assert (js[0], js[1] - extra) == py
    shapes_hit = {s.rsplit("#", 1)[-1] for _f, s, _p in py[1]}
    if shape == "base":
        assert py == (True, set())
    else:
        assert shape in shapes_hit


def test_the_built_graph_conforms_on_both_validators(built: Built, tmp_path: Path) -> None:
    data = union(built.dataset)
    assert _js_validate(data, tmp_path) == (True, set())
    assert _py_validate(data) == (True, set())
