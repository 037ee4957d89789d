"""`--data` reads every RDF file the build writes, through one table of formats (kg.graph)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export import SERIALIZATIONS
from kg.graph import RDF_FILES
from kg.graph import open as open_graph


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI; return exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def test_every_dataset_export_is_a_data_format() -> None:
    assert {Path(name).suffix for name, _fmt, _named in SERIALIZATIONS} == set(RDF_FILES)


CASES = [(name, "oxigraph") for name, _fmt, _named in SERIALIZATIONS]
CASES += [("scs-kg.rdf", "rdflib"), ("scs-kg.jsonld", "rdflib")]  # the formats added


@pytest.mark.parametrize(("name", "engine"), CASES)
def test_query_reads_every_export(name: str, engine: str, out_dir: Path) -> None:
    args = ["query", "cq2-allies", "-f", "tsv", "-e", engine]
    code, want, err = run(*args, "--data", str(out_dir))
    assert code == 0, err
    code, got, err = run(*args, "--data", str(out_dir / name))
    assert code == 0, err
    assert got == want


@pytest.mark.parametrize("name", ["scs-kg.rdf", "scs-kg.jsonld"])
def test_viz_reads_the_same_files(name: str, out_dir: Path) -> None:
    assert len(open_graph(out_dir / name).dataset) > 1000


def test_an_unknown_suffix_names_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("x", encoding="utf-8")
    for args in (["query", "cq2-allies"], ["viz", "actors"]):
        code, _out, err = run(*args, "--data", str(path))
        assert code == 2 and ".rdf" in err and ".jsonld" in err and err.count("\n") == 1, err
