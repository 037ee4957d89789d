"""The analyst's command line: prefixes, labels, fitted tables, query help, completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import prefixes
from kg.cli import app
from kg.errors import InputError
from kg.results import display_width

ROOT = Path(__file__).resolve().parent.parent
STATES = "SELECT ?s ?l WHERE { ?s a kg:State ; rdfs:label ?l } ORDER BY ?l"
KG = str(Path(sys.executable).parent / "kg")


def run(*args: str, columns: int | None = None) -> tuple[int, str, str]:
    """Run the CLI (optionally with $COLUMNS); return exit code, stdout and stderr."""
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


# --- prefixes ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_project_prefixes_need_no_declaration(engine: str, out_dir: Path) -> None:
    code, out, err = run("sparql", STATES, "-d", str(out_dir), "-e", engine, "-f", "csv")
    assert code == 0, err
    assert out.splitlines()[1] == "https://w3id.org/scs-kg/id/australia,Australia"
    assert len(out.splitlines()) == 10


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_unknown_prefix_is_one_line_naming_it_and_the_known_ones(
    engine: str, out_dir: Path
) -> None:
    code, out, err = run(
        "sparql", "SELECT * WHERE { ?s a foo:Bar }", "-d", str(out_dir), "-e", engine
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: unknown prefix 'foo:'")
    for known in [
        "kg",
        "ent",
        "fact",
        "src",
        "nif",
        "prov",
        "time",
        "rdfs",
        "rdf",
        "owl",
        "skos",
        "dct",
        "xsd",
    ]:
        assert f" {known} " in err


def test_a_querys_own_declaration_wins(out_dir: Path) -> None:
    text = "PREFIX kg: <http://example.org/other#> SELECT ?s WHERE { ?s a kg:State }"
    code, out, err = run("sparql", text, "-d", str(out_dir), "-f", "csv")
    assert code == 0, err
    assert out == "s\r\n"  # nothing of that other namespace: the project's kg: was not used


def test_source_prefixes_as_the_tables_print_them(out_dir: Path) -> None:
    code, out, err = run("query", "cq4-quoted-statements", "-d", str(out_dir), "--wide")
    assert code == 0, err
    fact = next(w for w in out.split() if w.startswith("us-china-military-channels:stmt-"))
    code, out, err = run("sparql", f"SELECT ?p WHERE {{ {fact} ?p ?o }}", "-d", str(out_dir))
    assert code == 0, err
    assert "kg:speaker" in out


def test_syntax_errors_keep_the_users_line_numbers(out_dir: Path) -> None:
    code, _out, err = run("sparql", "SELECT ?s\nWHERE { ?s a kg:State ", "-d", str(out_dir))
    assert code == 2
    assert err.startswith("error: SPARQL syntax error: line 2 column")


def test_declare_adds_only_what_is_used_and_missing() -> None:
    query = "PREFIX ent: <x:> SELECT * { ent:a kg:b 'xsd:no' , <rdf:no> }"
    text, added = prefixes.declare(query)
    head = "PREFIX kg: <https://w3id.org/scs-kg/ontology#> "  # on line 1: the lines stay the user's
    assert text == head + query and added == len(head)
    assert prefixes.declare("SELECT * { ?s ?p ?o }") == ("SELECT * { ?s ?p ?o }", 0)
    with pytest.raises(InputError, match="unknown prefix ':'"):
        prefixes.declare("SELECT * { :a ?p ?o }")


# --- entities and statement types by label -------------------------------------------------


def test_entity_parameter_by_label_and_alternative_label(out_dir: Path) -> None:
    args = ["query", "cq2-allies", "-d", str(out_dir), "-f", "csv"]
    by_name = run(*args, "-p", "actor=united-states")
    assert by_name[0] == 0 and len(by_name[1].splitlines()) > 1
    assert run(*args, "-p", "actor=United States") == by_name
    assert run(*args, "-p", "actor=u.s.") == by_name  # skos:altLabel, any case


def test_describe_by_label(out_dir: Path) -> None:
    code, out, err = run("describe", "Dong Jun", "-d", str(out_dir))
    assert code == 0, err
    assert out.splitlines()[0] == "ent:dong-jun"
    assert run("describe", "dong-jun", "-d", str(out_dir))[1] == out


def test_an_ambiguous_label_lists_the_candidates(tmp_path: Path, out_dir: Path) -> None:
    data = tmp_path / "two.nq"
    ent = "https://w3id.org/scs-kg/id/"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    alt = "<http://www.w3.org/2004/02/skos/core#altLabel>"
    extra = (
        f'<{ent}jun-a> {label} "Jun A"@en <https://w3id.org/scs-kg/graph/entities> .\n'
        f'<{ent}jun-a> {alt} "Jun" <https://w3id.org/scs-kg/graph/entities> .\n'
        f'<{ent}jun-b> {label} "Jun B"@en <https://w3id.org/scs-kg/graph/entities> .\n'
        f'<{ent}jun-b> {alt} "Jun" <https://w3id.org/scs-kg/graph/entities> .\n'
    )
    data.write_text((out_dir / "scs-kg.nq").read_text(encoding="utf-8") + extra, "utf-8")
    code, _out, err = run("describe", "Jun", "-d", str(data))
    assert code == 2 and err.count("\n") == 1
    assert "'Jun' is ambiguous" in err and "jun-a (Jun A)" in err and "jun-b (Jun B)" in err


def test_suggestions_offer_only_values_of_the_parameters_type(out_dir: Path) -> None:
    args = ["query", "statements-of-type", "-d", str(out_dir)]
    code, _out, err = run(*args, "-p", "type=Critique")
    assert code == 2
    assert (
        err
        == "error: parameter type: unknown statement-type 'Critique' (did you mean: Criticism?)\n"
    )
    code, _out, err = run(*args, "-p", "type=MaritimeArea")  # a class, not a statement type
    assert code == 2 and "MaritimeArea" in err and "City" not in err
    assert "choose one of: Accusation, Announcement" in err
    code, out, err = run(*args, "-p", "type=criticism", "-f", "csv")  # the concept's label
    by_name = run(*args, "-p", "type=Criticism", "-f", "csv")
    assert code == 0 and "Criticism" in out and len(out.splitlines()) >= 3
    assert by_name == (0, out, err)  # the label binds the same term as the name


# --- tables --------------------------------------------------------------------------------


def test_tables_fit_the_terminal_and_end_with_a_row_count(out_dir: Path) -> None:
    code, out, err = run("query", "cq4-quoted-statements", "-d", str(out_dir), columns=100)
    assert code == 0, err
    lines = out.splitlines()
    assert max(display_width(line) for line in lines) <= 100
    assert "…" in out  # long cells are cut, with a marker
    assert lines[-1] == f"{len(lines) - 3} rows"
    code, wide, _err = run("query", "cq4-quoted-statements", "-d", str(out_dir), "--wide")
    assert "This is damage control. It reflects two different currents" in wide
    assert max(len(line) for line in wide.splitlines()) > 200
    assert len(wide.splitlines()) == len(lines)


def test_a_narrow_terminal_keeps_columns_readable(out_dir: Path) -> None:
    code, out, _err = run("query", "cq2-allies", "-d", str(out_dir), columns=60)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["actor", "ally", "allyLabel", "quote"]
    assert max(display_width(line) for line in lines) <= 60


def test_an_empty_answer_says_no_rows(out_dir: Path) -> None:
    code, out, _err = run("sparql", "SELECT ?s WHERE { ?s a kg:Nothing }", "-d", str(out_dir))
    assert (code, out) == (0, "s\n-\nno rows\n")


def test_ask_as_json_is_compact_like_select(out_dir: Path) -> None:
    code, out, _err = run("sparql", "ASK { ?s a kg:State }", "-d", str(out_dir), "-f", "json")
    assert (code, out) == (0, '{"head":{},"boolean":true}\n')
    assert json.loads(out) == {"head": {}, "boolean": True}


def test_an_update_says_where_it_lives(out_dir: Path) -> None:
    text = "INSERT DATA { ent:x a kg:State }"
    code, _out, err = run("sparql", "--allow-update", text, "-d", str(out_dir))
    assert code == 0
    assert "in memory only: nothing was saved" in err


# --- help, SPARQL text, completion ---------------------------------------------------------


def test_query_help_shows_the_querys_description_and_parameters() -> None:
    code, out, _err = run("query", "cq3-events-of-actor", "--help")
    assert code == 0
    assert out.startswith("Usage: kg query cq3-events-of-actor [-p NAME=VALUE]...")
    assert "CQ3. Which events did an actor take part in" in out
    assert "Events with a participation of the actor" in out
    assert "actor  the participant (default pete-hegseth)" in out
    code, out, _err = run("query", "--help")
    assert code == 0 and "--wide" in out and "--param" in out
    code, _out, err = run("query", "cq3-events-of-actr", "--help")
    assert code == 2 and "did you mean: cq3-events-of-actor" in err


def test_queries_show_prints_the_sparql() -> None:
    code, out, _err = run("queries", "show", "cq2-allies")
    assert code == 0
    assert out == (ROOT / "queries" / "cq2-allies.rq").read_text(encoding="utf-8")
    code, _out, err = run("queries", "show", "cq2-alies")
    assert code == 2 and "did you mean: cq2-allies" in err
    assert run("queries", "--tag", "cq5")[1].splitlines()[-1] == "1 row"


def _complete(words: str, shell: str = "bash") -> list[str]:
    """What the shell would offer after `words` (typer's completion protocol, in-process)."""
    env = {"_KG_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        parts = words.split()
        env["COMP_WORDS"] = words
        env["COMP_CWORD"] = str(len(parts) if words.endswith(" ") else len(parts) - 1)
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    result = CliRunner().invoke(app, [], env=env, prog_name="kg")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_completion_of_commands_query_names_parameters_and_entities(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(out_dir.parent)  # entity names come from the build in ./out
    assert {"query", "queries"} <= set(_complete("kg que"))
    assert "cq2-allies" in _complete("kg query cq2")
    assert _complete("kg query cq2-allies -p ") == ["actor="]
    assert _complete("kg query cq2-allies -p actor=unit") == [
        "actor=united-states",
        "actor=united-states-china-relations",  # an entity of the registry too (a kg:Relationship)
    ]
    assert _complete("kg query statements-of-type -p type=Cr") == ["type=Criticism"]
    assert _complete("kg describe dong") == ["dong-jun"]
    assert "cq1-states-contesting-claims" in _complete("kg queries show cq1")
    zsh = _complete("kg query cq2-allies -p actor=phil", shell="zsh")
    assert any("actor=philippines" in w for w in zsh)


def test_completion_through_the_installed_entry_point(out_dir: Path) -> None:
    env = dict(os.environ, _KG_COMPLETE="complete_bash", COMP_WORDS="kg describe pete")
    env["COMP_CWORD"] = "2"
    proc = subprocess.run(
        [KG], env=env, capture_output=True, text=True, cwd=out_dir.parent, check=True
    )
    assert proc.stdout.split() == ["pete-hegseth"]


def test_install_completion_is_offered() -> None:
    code, out, _err = run("--help")
    assert code == 0 and "--install-completion" in out


# --- views remove only their own stale files -------------------------------------------------


def test_views_remove_stale_ego_views_but_never_a_users_file(tmp_path: Path) -> None:
    out = tmp_path / "views"
    out.mkdir()
    (out / "ego-mine.html").write_text("a user's own file", encoding="utf-8")
    code, _o, err = run("views", "--focus", "ent:pete-hegseth", "--out", str(out))
    assert code == 0, err
    assert (out / "ego-pete-hegseth.gexf").is_file()
    (out / "ego-pete-hegseth.graphml").write_text("edited by the user", encoding="utf-8")
    code, _o, err = run("views", "--focus", "ent:china", "--out", str(out))
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert "ego-pete-hegseth.html" not in names and "ego-pete-hegseth.gexf" not in names
    assert "ego-pete-hegseth.graphml" in names  # changed since it was written: kept
    assert "ego-mine.html" in names and "ego-china.html" in names
    assert "removed 2 of an earlier run" in err
    manifest = json.loads((out / ".kg-views.json").read_text(encoding="utf-8"))
    assert "ego-china.html" in manifest["files"] and "ego-mine.html" not in manifest["files"]


def test_a_forged_manifest_cannot_delete_outside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "views"
    out.mkdir()
    victim = tmp_path / "precious.txt"
    victim.write_text("keep", encoding="utf-8")
    from kg.viz.manifest import digest

    doc = {"written-by": "scs-kg views", "files": {"../precious.txt": digest(victim)}}
    (out / ".kg-views.json").write_text(json.dumps(doc), encoding="utf-8")
    assert run("views", "--out", str(out))[0] == 0
    assert victim.read_text(encoding="utf-8") == "keep"
