"""`kg viz` and `kg views` never write an XML file that is not well-formed: a `--data` label
holding a character XML cannot carry (NUL, a form feed, a surrogate) is refused in one line
naming the node, before any file is written (kg.viz.formats.check_xml)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def trig(out_dir: Path) -> str:
    """The build's TriG, as text."""
    return (out_dir / "scs-kg.trig").read_text(encoding="utf-8")


@pytest.mark.parametrize(("escape", "name"), [("\\u0000", "U+0000"), ("\\u000C", "U+000C")])
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_label_xml_cannot_carry_is_refused_and_nothing_written(
    trig: str, tmp_path: Path, escape: str, name: str, fmt: str
) -> None:
    assert trig.count('"Philippines"@en') == 1
    data = tmp_path / "data.trig"
    data.write_text(trig.replace('"Philippines"@en', f'"Phil{escape}ippines"@en'), "utf-8")
    out = tmp_path / f"view.{fmt}"
    result = runner.invoke(app, ["viz", "actors", "--data", str(data), "-f", fmt, "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "id/philippines" in lines[0] and name in lines[0], lines
    assert not out.exists()
    result = runner.invoke(app, ["views", "--data", str(data), "--out", str(tmp_path / "views")])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.output
    assert not (tmp_path / "views").exists()


def test_clean_labels_still_give_well_formed_views(trig: str, tmp_path: Path) -> None:
    data = tmp_path / "data.trig"
    data.write_text(trig.replace('"Philippines"@en', '"Phil\\u2028ip\\tpines"@en'), "utf-8")
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"view.{fmt}"
        args = ["viz", "actors", "--data", str(data), "-f", fmt, "-o", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        ET.parse(out)
