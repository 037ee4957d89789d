"""Registering saved pages: `kg new FOLDER` on 500 made-up news pages, then `kg draft --all`
over them, as a user runs them.

`python -m bench.ingest [--pages N]` prints the row; `bench/run.py` adds it to results.md.
The pages are FICTIONAL (tests/ingest_fixtures.py: boilerplate around an invented story); the
sources folder is a copy of the packaged one, so every page is checked against it and against
the pages before it for duplicates.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KG = ROOT / ".venv" / "bin" / "kg"


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command in a new process; return its wall and CPU seconds (exit if it fails)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:]
        raise SystemExit(f"kg {' '.join(command[1:3])} failed: {last}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return took, cpu


def bench_ingest(pages: int = 500) -> dict[str, Any]:
    """Time `kg new FOLDER` (a new process) on `pages` saved pages; return the figures."""
    sys.path.insert(0, str(ROOT))
    from kg import resources
    from tests.ingest_fixtures import page_html, story

    with tempfile.TemporaryDirectory(prefix="kg-bench-ingest-") as tmp:
        folder = Path(tmp) / "saved"
        folder.mkdir()
        size = 0
        for n in range(pages):
            page = page_html(story(100_000 + n), url=f"https://courier.example/{n}")
            (folder / f"page-{n:04d}.html").write_text(page, encoding="utf-8")
            size += len(page.encode())
        sources = Path(tmp) / "sources"
        shutil.copytree(resources.sources_dir(), sources)
        env = {**os.environ, "KG_CACHE_DIR": str(Path(tmp) / "cache")}
        took, cpu = _timed([str(KG), "new", str(folder), "--sources", str(sources)], env)
        registered = sum(1 for p in sources.glob("*/facts.ttl")) - 1
        drafted_s, draft_cpu = _timed([str(KG), "draft", "--all", "--sources", str(sources)], env)
        drafted = sum(1 for p in sources.glob("*/draft.ttl"))
    assert registered == pages, registered
    assert drafted == pages, drafted
    return {
        "draft_all_s": drafted_s,
        "draft_all_ms_per_page": drafted_s * 1000 / pages,
        "draft_all_cpu_s": draft_cpu,
        "ingest_pages": pages,
        "ingest_bytes": size,
        "ingest_s": took,
        "ingest_ms_per_page": took * 1000 / pages,
        "ingest_cpu_s": cpu,
        "ingest_load": os.getloadavg()[0],
    }


def markdown(res: dict[str, Any]) -> list[str]:
    """The row of results.md for registering saved pages."""
    if "ingest_s" not in res:
        return []
    return [
        f"Registering saved pages: `kg new FOLDER` on {res['ingest_pages']} made-up news pages "
        f"({res['ingest_bytes'] / 1e6:.1f} MB, boilerplate around each article), a new process "
        f"from start to end: {res['ingest_s']:.1f} s ({res['ingest_ms_per_page']:.0f} ms a "
        "page: extraction, duplicate checks against the sources and the pages before it, "
        f"facts files written), {res.get('ingest_cpu_s', float('nan')):.1f} s of CPU (load "
        f"average {res.get('ingest_load', float('nan')):.1f} at the end).",
        "",
    ] + (
        [
            f"Then `kg draft --all` over them (a new process; every page drafted, its new "
            f"entities checked across the drafts before it): {res['draft_all_s']:.1f} s "
            f"({res['draft_all_ms_per_page']:.0f} ms a page), {res['draft_all_cpu_s']:.1f} s "
            "of CPU.",
            "",
        ]
        if "draft_all_s" in res
        else []
    )


def main() -> None:
    """Print the figures of registering saved pages."""
    parser = argparse.ArgumentParser(description="time kg new on saved pages")
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    res = bench_ingest(args.pages)
    print(json.dumps(res, indent=2))
    print("\n".join(markdown(res)))


if __name__ == "__main__":
    main()
