"""The wheel carries the ontology, shapes, queries and sources, and builds from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_the_installed_wheel_builds_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    wheel = next(dist.glob("scs_kg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "kg/_data/ontology/scs-kg.ttl",
        "kg/_data/ontology/shapes.ttl",
        "kg/_data/sources/entities.ttl",
        "kg/_data/sources/us-china-military-channels/text.txt",
        "kg/draft/rules/statements.toml",
        "kg/draft/rules/events.toml",
        # what the timeline and map pages inline: nothing is fetched at run time
        "kg/viz/vendor/vis-timeline-8.5.4/vis-timeline-graph2d.min.js",
        "kg/viz/vendor/vis-timeline-8.5.4/vis-timeline-graph2d.min.css",
        "kg/viz/vendor/vis-timeline-8.5.4/LICENSE.md",
        "kg/viz/vendor/natural-earth/south-china-sea-50m.json",
        "kg/viz/vendor/natural-earth/LICENSE.world-atlas.txt",
        "kg/viz/templates/share.js",
        "kg/viz/templates/head.html",
        "kg/viz/templates/header.html",
        "kg/viz/templates/group-by.html",
        "kg/viz/templates/common.css",
        "kg/viz/templates/timeline.js",
        "kg/viz/templates/map.js",
        # what the workbench serves (kg serve): its result views and SPARQL highlighting
        "kg/web/views.js",
        "kg/web/vendor/codemirror-5.65.21/runmode-standalone.js",
        "kg/web/vendor/codemirror-5.65.21/sparql.js",
        "kg/web/vendor/codemirror-5.65.21/LICENSE",
    ):
        assert needed in names
    assert "kg/viz/layout.py" in names and "kg/viz/bench.py" not in names  # benchmarks: bench/
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    where = subprocess.run(
        [sys.executable, "-c", "import kg.resources as r; print(r.data_root())"],
        check=True,
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip() == str(site / "kg" / "_data")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--out", "out"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "out" / "scs-kg.nq").stat().st_size > 10_000
