"""`kg queries`, `kg query`, `kg sparql`, `kg describe`: formats, errors, updates, timeouts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def test_queries_lists_the_catalog() -> None:
    code, out, _err = run("queries")
    assert code == 0
    assert "cq3-events-of-actor" in out and "actor:entity=pete-hegseth" in out
    code, out, _err = run("queries", "--tag", "cq5", "--format", "tsv")
    assert out.splitlines()[1].split("\t")[0] == "cq5-criticism-accusation-labelling"
    assert len(out.splitlines()) == 2


def test_table_shows_labels_and_prefixed_names(out_dir: Path) -> None:
    code, out, err = run("query", "cq2-allies", "--data", str(out_dir))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["actor", "ally", "allyLabel", "quote"]
    assert lines[2].split()[:3] == ["ent:united-states", "ent:philippines", "Philippines"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_w3c_result_formats_read_back(fmt: str, out_dir: Path) -> None:
    args = ["query", "cq3-events-of-actor", "-p", "actor=dong-jun", "-d", str(out_dir), "-f", fmt]
    code, out, err = run(*args)
    assert code == 0, err
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0][:2] == ["actor", "event"]
        assert rows[1][0] == "https://w3id.org/scs-kg/id/dong-jun"
        assert rows[1][3] == "conversation between Pete Hegseth and Dong Jun"
        assert out.endswith("\r\n")
        return
    parsed = ox.parse_query_results(
        out.encode("utf-8"),
        format={"tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}.get(
            fmt, ox.QueryResultsFormat.XML
        ),
    )
    solutions = list(parsed)
    assert len(solutions) == 1
    assert solutions[0]["actor"] == ox.NamedNode("https://w3id.org/scs-kg/id/dong-jun")
    assert solutions[0]["eventLabel"] == ox.Literal(
        "conversation between Pete Hegseth and Dong Jun", language="en"
    )
    assert solutions[0]["placeLabel"] is None


def test_construct_formats(out_dir: Path) -> None:
    for fmt, rdf in (("turtle", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)):
        code, out, err = run("query", "entity-neighbourhood", "-d", str(out_dir), "-f", fmt)
        assert code == 0, err
        triples = [q.triple for q in ox.parse(out.encode("utf-8"), format=rdf)]
        assert (
            ox.Triple(
                ox.NamedNode("https://w3id.org/scs-kg/id/tian-junli"),
                ox.NamedNode("https://w3id.org/scs-kg/ontology#statedAbout"),
                ox.NamedNode("https://w3id.org/scs-kg/id/philippines"),
            )
            in triples
        )
    code, out, _err = run("query", "entity-neighbourhood", "-d", str(out_dir), "-f", "json-ld")
    assert code == 0 and json.loads(out)
    code, _out, err = run("query", "entity-neighbourhood", "-d", str(out_dir), "-f", "csv")
    assert code == 2 and err.startswith("error: --format csv")


def test_output_is_deterministic_and_same_on_rdflib(out_dir: Path) -> None:
    args = ["query", "cq5-criticism-accusation-labelling", "-d", str(out_dir), "-f", "tsv"]
    first, second = run(*args)[1], run(*args)[1]
    assert first == second
    rdflib_out = run(*args, "--engine", "rdflib")[1]
    assert sorted(rdflib_out.splitlines()) == sorted(first.splitlines())


def test_sparql_from_argument_file_and_stdin(out_dir: Path, tmp_path: Path) -> None:
    query = "ASK { <https://w3id.org/scs-kg/id/china> a ?t }"
    assert run("sparql", query, "-d", str(out_dir))[1] == "yes\n"
    path = tmp_path / "q.rq"
    path.write_text(query, encoding="utf-8")
    assert json.loads(run("sparql", "--file", str(path), "-d", str(out_dir), "-f", "json")[1]) == {
        "head": {},
        "boolean": True,
    }
    code, out, _err = run("sparql", "-d", str(out_dir), "-f", "csv", input=query)
    assert (code, out) == (0, "_askResult\r\ntrue\r\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "cq2-alies"], "error: unknown query 'cq2-alies' (did you mean: cq2-allies"),
        (["query", "cq2-allies", "-p", "who=china"], "unknown parameter 'who'"),
        (["query", "cq2-allies", "-p", "actor"], "--param 'actor': want name=value"),
        (["query", "cq2-allies", "-p", "actor=chna"], "unknown entity 'chna' (did you mean: china"),
        (["query", "events-in-year", "-p", "year=MMXII"], "'MMXII' is not a year"),
        (["sparql", "SELECT * WHERE {\n  ?s ?p }"], "SPARQL syntax error: line 2 column"),
        (["sparql", "DROP ALL"], "refused without --allow-update"),
        (["sparql", "PREFIX a: <http://a/>\nINSERT DATA { a:a a:b a:c }"], "refused without"),
        (["query", "cq2-allies", "-f", "yaml"], "--format yaml"),
    ],
)
def test_errors_are_one_line(args: list[str], message: str, out_dir: Path) -> None:
    code, out, err = run(*args, "-d", str(out_dir))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err


def test_missing_data_is_one_line(tmp_path: Path) -> None:
    code, _out, err = run("query", "cq2-allies", "-d", str(tmp_path / "nowhere"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nowhere" in err


def test_syntax_error_on_rdflib_names_line_and_column(out_dir: Path) -> None:
    code, _out, err = run(
        "sparql", "SELECT * WHERE {\n ?s ?p }", "-d", str(out_dir), "-e", "rdflib"
    )
    assert code == 2 and "line 2 column 2" in err


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_timeout_stops_a_runaway_query(engine: str, out_dir: Path) -> None:
    code, _out, err = run("sparql", EXPLOSIVE, "-d", str(out_dir), "-e", engine, "--timeout", "1")
    assert code == 2
    assert "--timeout of 1 s" in err
    code, out, _err = run("sparql", "ASK { ?s ?p ?o }", "-d", str(out_dir), "--timeout", "30")
    assert (code, out) == (0, "yes\n")


def test_on_disk_store_is_loaded_once_and_refuses_updates(out_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    base = ["-d", str(out_dir), "--store", str(store)]
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    n = int(run("sparql", count, *base, "-f", "csv")[1].splitlines()[1])
    assert n == len(list(ox.parse(path=str(out_dir / "scs-kg.nq"), format=ox.RdfFormat.N_QUADS)))
    assert (store / "scs-kg-store.json").is_file()
    insert = "INSERT DATA { GRAPH <http://example.org/g> { <http://a/> <http://b/> <http://c/> } }"
    code, _out, err = run("sparql", insert, *base, "--allow-update")
    assert code == 2 and "updates are refused there" in err
    assert int(run("sparql", count, *base, "-f", "csv")[1].splitlines()[1]) == n
    assert run("query", "cq2-allies", *base, "-f", "csv")[1].count("\n") == 2


def test_describe_prints_facts_with_quotes(out_dir: Path) -> None:
    code, out, err = run("describe", "tian-junli", "-d", str(out_dir))
    assert code == 0, err
    assert out.startswith("ent:tian-junli\n")
    assert "  rdfs:label  Tian Junli" in out
    assert "us-china-military-channels:stmt-tian-troublemaker (statement," in out
    assert "“Tian Junli, spokesperson for China’s People’s Liberation Army" in out
    code, out, _err = run("describe", "ent:tian-junli", "-d", str(out_dir), "-f", "json")
    facts = {b["fact"]["value"].rsplit("/", 1)[1] for b in json.loads(out)["results"]["bindings"]}
    assert facts == {"role-tian-junli-spokesperson", "stmt-tian-troublemaker"}
    code, _out, err = run("describe", "tian-junly", "-d", str(out_dir))
    assert code == 2 and "did you mean: tian-junli" in err


def test_describe_says_what_an_inference_record_infers(out_dir: Path) -> None:
    """An inference record that names the entity is told as the triple it infers, and why."""
    code, out, err = run("describe", "dong-jun", "-d", str(out_dir))
    assert code == 0, err
    assert "via rdf:" not in out
    stmt = "us-china-military-channels:stmt-hegseth-peace-stability"
    assert f"    inferred, not stated: {stmt} kg:addressee ent:dong-jun\n" in out
    assert "    why: The remark is made during a conversation of two;" in out


def test_without_a_build_the_graph_is_built_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no out/ here
    code, out, err = run("query", "cq2-allies", "-f", "csv")
    assert code == 0, err
    assert "building the graph in memory" in err
    assert out.splitlines()[1].split(",")[2] == "Philippines"


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("PREFIX a: <http://a/>\nBASE <http://b/>\n# a comment\nclear all", True),
        ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("LOAD <http://x/data.ttl>", True),
        ('SELECT * WHERE { ?s ?p """INSERT""" }', False),
        ("# DROP ALL\nASK {}", False),
        ('PREFIX drop: <http://d/> SELECT ?x WHERE { ?x drop:insert "DELETE" }', False),
    ],
)
def test_update_detection(text: str, update: bool) -> None:
    from kg.engines.base import is_update

    assert is_update(text) is update
