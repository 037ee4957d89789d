"""The command line: exit codes, one-line errors, and a failed build that keeps the last output."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

from .conftest import SLUG

runner = CliRunner()
Edit = Callable[[Path, str, str], None]


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "build" in result.output and "validate" in result.output


def test_build_writes_the_exports(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "scs-kg.trig").is_file()
    assert "built 1 source(s)" in result.output


def test_bad_quote_is_one_line_exit_2_and_keeps_last_output(
    tmp_path: Path, sources_copy: Path, edit: Edit
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit(sources_copy / SLUG / "facts.ttl", '"Admiral Dong Jun"', '"Admiral Dong Jim"')
    result = runner.invoke(app, ["build", "--out", str(out), "--sources", str(sources_copy)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ") and "'Admiral Dong Jim'" in lines[0]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_shape_violation_exits_1_with_a_report(
    tmp_path: Path, sources_copy: Path, edit: Edit
) -> None:
    facts = sources_copy / SLUG / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text + "\nfact:orphan a kg:Statement ; kg:statementType kg:Appeal ;"
        ' kg:quote "He urged ASEAN" .\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--out", str(out), "--sources", str(sources_copy)])
    assert result.exit_code == 1
    assert "orphan> kg:speaker" in result.output
    assert "left as it was" in result.output
    assert not out.exists()


def test_debug_shows_the_traceback(sources_copy: Path) -> None:
    (sources_copy / SLUG / "text.txt").unlink()
    cmd = [sys.executable, "-m", "kg", "validate", "--sources", str(sources_copy)]
    plain = subprocess.run(cmd, capture_output=True, text=True)
    assert plain.returncode == 2
    assert plain.stderr.strip().count("\n") == 0 and "Traceback" not in plain.stderr
    debug = subprocess.run([*cmd[:3], "--debug", *cmd[3:]], capture_output=True, text=True)
    assert debug.returncode != 0 and "Traceback" in debug.stderr
