"""The dataset's JSON-LD stands alone: copied alone to an empty folder, every reader loads it.

pyoxigraph (which cannot load a remote or relative context), pyld with a document loader that
refuses every fetch, rdflib from a string, and Jena's riot (Debian's, as
scripts/install-interop.sh makes it run): each finds the build's quads. pyoxigraph stores
integers by value, so quad counts are compared, not datatypes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset

NAME = "scs-kg.jsonld"


@pytest.fixture(scope="module")
def alone(out_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSON-LD file copied alone into an empty folder."""
    folder = tmp_path_factory.mktemp("alone")
    shutil.copy(out_dir / NAME, folder / NAME)
    assert [p.name for p in folder.iterdir()] == [NAME]
    return folder / NAME


def test_pyoxigraph_reads_it_alone(alone: Path, dataset: Dataset) -> None:
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(alone), format=ox.RdfFormat.JSON_LD))
    assert len(set(quads)) == len(quads) == len(dataset)


def test_pyld_reads_it_with_no_document_loader(alone: Path, dataset: Dataset) -> None:
    import json

    from pyld import jsonld

    def refuse(url: str, options: Any = None) -> Any:
        raise AssertionError(f"pyld was asked to fetch {url}")

    doc = json.loads(alone.read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": refuse})
    lines = [line for line in nquads.splitlines() if line.strip()]
    assert len(set(lines)) == len(lines) == len(dataset)


def test_rdflib_reads_it_from_a_string(alone: Path, dataset: Dataset) -> None:
    parsed = Dataset()
    parsed.parse(data=alone.read_text(encoding="utf-8"), format="json-ld")
    assert len(parsed) == len(dataset)


def _riot() -> list[str]:
    """Jena's riot: on the PATH, or Debian's libapache-jena-java as scripts/install-interop.sh
    makes it run (.venv/interop/jena/bin/riot)."""
    from tests.test_interop import JENA_BIN, need

    found = shutil.which("riot")
    if found:
        return [found]
    need("Jena's riot (Debian libapache-jena-java)", (JENA_BIN / "riot").is_file())
    return [str(JENA_BIN / "riot")]


def test_jena_riot_reads_it_alone(alone: Path, dataset: Dataset) -> None:
    """JSON-LD 1.0 syntax: Debian's package lacks the JSON-P implementation that Jena's JSON-LD
    1.1 reader needs (the document is valid JSON-LD 1.0 as well as 1.1)."""
    command = _riot()
    run = subprocess.run(
        [*command, "--syntax=jsonld10", "--count", alone.name],
        cwd=alone.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r"(?:Triples|Quads) = ([\d,]+)", run.stdout + run.stderr)  # 3,986
    assert found, run.stdout + run.stderr
    assert int(found.group(1).replace(",", "")) == len(dataset)
