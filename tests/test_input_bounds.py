"""Bounded inputs: a `--data` file with a term over the parser's bound (16 MiB) is one line and a
non-zero exit on every engine, never a MemoryError traceback (kg.graph)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIG = 17 * 1024 * 1024  # over pyoxigraph's buffer (16 MiB)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files in several formats, each with one literal over 16 MiB."""
    folder = tmp_path_factory.mktemp("big")
    value = "x" * BIG
    files = {
        "big.nt": f'<http://e/a> <http://e/p> "{value}" .\n',
        "big.ttl": f'<http://e/a> <http://e/p> """{value}""" .\n',
        "big.nq": f'<http://e/a> <http://e/p> "{value}" <http://e/g> .\n',
        "big.jsonld": f'{{"@id": "http://e/a", "http://e/p": "{value}"}}',
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return {name: folder / name for name in files}


@pytest.mark.parametrize("name", ["big.nt", "big.ttl", "big.nq", "big.jsonld"])
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_term_over_16_mib_is_one_line(big: dict[str, Path], name: str, engine: str) -> None:
    path = big[name]
    result = subprocess.run(
        [sys.executable, "-m", "kg", "sparql", "-e", engine, "--data", str(path), "ASK {?s ?p ?o}"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "16 MiB" in lines[0], lines
