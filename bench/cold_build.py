"""The cold build against its baseline, timed in the same run (issue 15's scale target).

`kg build` with an empty cache, in a fresh process (its wall time, and the peak memory of the
process and its worker processes together: their summed proportional set sizes, sampled every
50 ms, or the build's own VmHWM if that is larger), against what the same work costs with the
libraries used plainly, each in a fresh process: pySHACL over the union of the build's own
N-Triples export (parse + validate, the shapes as `kg build` runs them), and pyoxigraph
loading the N-Quads export and writing the six serializations `kg build` writes. The ratio
`kg build` / (pySHACL + pyoxigraph) is the target (at most 0.5, at 100k and 1M), and so are the
cold build's time at 1M (25 s) and its peak memory there (no more than the 0.72 GB measured
before the shapes were compiled to SPARQL).

    python -m bench.cold_build --sizes 100k [--work DIR]

`bench/run.py` calls `bench_cold_build` for every size of `make bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    # cold `kg build` / (plain pySHACL + pyoxigraph), 100k and 1M (1.5 before the shapes were
    # compiled to SPARQL, issue 27)
    "cold_build_vs_baseline": 0.5,
    "cold_build_s_1m": 25.0,  # a cold `kg build` at 1M, seconds (issue 27)
    "cold_build_gb_1m": 0.72,  # peak memory of a cold `kg build` at 1M, GB: no more than before
}

# Runs a command in this process and prints its peak resident memory (VmHWM) as the last line:
# a child's ru_maxrss would start from its parent's size at fork time.
_PEAK = """
import json, sys

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

code = 0
try:
    exec(compile(sys.argv[1], "<bench>", "exec"), {"__name__": "__bench__", "ARGS": sys.argv[2:]})
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
print(json.dumps({"peak": peak(), "code": code}))
"""

_KG_BUILD = """
import sys
from kg.cli import main
sys.argv = ["kg", "build", "--sources", ARGS[0], "--out", ARGS[1]]
main()
"""

# Plain pySHACL: parse the union (every quad of the export, as N-Triples) and validate it.
_PYSHACL = """
from rdflib import Graph
from pyshacl import validate
data = Graph()
data.parse(ARGS[0], format="nt")
shapes = Graph()
shapes.parse(ARGS[1], format="turtle")
conforms, _report, _text = validate(
    data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
)
assert conforms
"""

# Plain pyoxigraph: load the N-Quads export, write the six serializations `kg build` writes.
_PYOXIGRAPH = """
from pathlib import Path
import pyoxigraph as ox
out = Path(ARGS[1])
store = ox.Store()
store.bulk_load(path=ARGS[0], format=ox.RdfFormat.N_QUADS)
for name, fmt, quads in [
    ("scs-kg.nq", ox.RdfFormat.N_QUADS, True),
    ("scs-kg.trig", ox.RdfFormat.TRIG, True),
    ("scs-kg.jsonld", ox.RdfFormat.JSON_LD, True),
    ("scs-kg.nt", ox.RdfFormat.N_TRIPLES, False),
    ("scs-kg.ttl", ox.RdfFormat.TURTLE, False),
    ("scs-kg.rdf", ox.RdfFormat.RDF_XML, False),
]:
    if quads:
        store.dump(str(out / name), format=fmt)
    else:
        with open(out / name, "wb") as f:
            ox.serialize((q.triple for q in store), f, format=fmt)
"""


def _load() -> float:
    """Return the 1-minute load average (the machine is shared: timings move with it)."""
    return os.getloadavg()[0]


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc: Linux)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return found


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes (shared pages split among their users)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeMemory:
    """Sample the memory of a process and its children (the build's workers) every 50 ms:
    the peak of their summed proportional set sizes, which counts a page shared by a forked
    worker once."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self.peak = 0
        self.most = 1
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(0.05):
            pids = _tree(self.pid)
            self.most = max(self.most, len(pids))
            self.peak = max(self.peak, sum(_pss(p) for p in pids))

    def stop(self) -> None:
        """Stop sampling."""
        self._done.set()
        self._thread.join()


def _timed(
    script: str, *args: str, env: dict[str, str] | None = None, tree: dict[str, int] | None = None
) -> tuple[float, float, int]:
    """Run a script in a fresh Python process; return its wall and CPU times (user + system,
    which other work on the machine disturbs less, its children's included) and its peak
    memory (bytes, VmHWM). `tree`, if given, gets the sampled peak of the process and its
    children together (`TreeMemory`) and the most processes seen at once."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _PEAK, script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    sampler = TreeMemory(proc.pid) if tree is not None else None
    stdout, stderr = proc.communicate()
    if sampler is not None and tree is not None:
        sampler.stop()
        tree["peak"], tree["processes"] = sampler.peak, sampler.most
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "{}"
    try:
        result = json.loads(last)
    except ValueError:
        result = {}
    if done.returncode or result.get("code"):
        raise RuntimeError(f"benchmark step failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took, cpu, int(result["peak"])


def bench_cold_build(corpus: Path, work: Path) -> dict[str, Any]:
    """Time a cold `kg build` of `corpus` and the plain-library baseline on its exports."""
    from kg import resources

    cache = Path(tempfile.mkdtemp(prefix="cold-cache-", dir=work))
    out = work / "cold-out"
    base = work / "cold-baseline"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir()
    res: dict[str, Any] = {"cold_load_before": _load()}
    try:
        tree: dict[str, int] = {}
        res["cold_build_s"], res["cold_build_cpu_s"], res["cold_build_main_rss_bytes"] = _timed(
            _KG_BUILD, str(corpus), str(out), env={"KG_CACHE_DIR": str(cache)}, tree=tree
        )
        # the build's workers count: the peak is the sampled sum over every process
        res["cold_build_rss_bytes"] = max(tree["peak"], res["cold_build_main_rss_bytes"])
        res["cold_build_processes"] = tree["processes"]
        (
            res["baseline_pyshacl_s"],
            res["baseline_pyshacl_cpu_s"],
            res["baseline_pyshacl_rss_bytes"],
        ) = _timed(_PYSHACL, str(out / "scs-kg.nt"), str(resources.shapes_file()))
        res["baseline_pyoxigraph_s"], res["baseline_pyoxigraph_cpu_s"], _peak = _timed(
            _PYOXIGRAPH, str(out / "scs-kg.nq"), str(base)
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)
    res["cold_load_after"] = _load()
    res["baseline_s"] = res["baseline_pyshacl_s"] + res["baseline_pyoxigraph_s"]
    res["cold_build_ratio"] = res["cold_build_s"] / res["baseline_s"]
    cpu = res["baseline_pyshacl_cpu_s"] + res["baseline_pyoxigraph_cpu_s"]
    res["cold_build_cpu_ratio"] = res["cold_build_cpu_s"] / cpu
    return res


def verdicts(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cold-build targets: the ratio at 100k and 1M, the peak memory at 1M."""
    out: list[dict[str, Any]] = []
    for s in sizes:
        if "cold_build_ratio" not in s or s["size"] not in ("100k", "1M"):
            continue
        limit = TARGETS["cold_build_vs_baseline"]
        ratio = s["cold_build_ratio"]
        out.append(
            {
                "target": f"cold `kg build` vs pySHACL + pyoxigraph at {s['size']}",
                "value": round(ratio, 3),
                "limit": limit,
                "met": ratio <= limit,
                "unit": "×",
            }
        )
        if s["size"] == "1M":
            seconds = s["cold_build_s"]
            out.append(
                {
                    "target": "cold `kg build` at 1M",
                    "value": round(seconds, 1),
                    "limit": TARGETS["cold_build_s_1m"],
                    "met": seconds <= TARGETS["cold_build_s_1m"],
                    "unit": "s",
                }
            )
            gb = s["cold_build_rss_bytes"] / 1e9
            limit = TARGETS["cold_build_gb_1m"]
            out.append(
                {
                    "target": "peak memory of a cold `kg build` at 1M",
                    "value": round(gb, 3),
                    "limit": limit,
                    "met": gb <= limit,
                    "unit": "GB",
                }
            )
    return out


def markdown(sizes: list[dict[str, Any]]) -> list[str]:
    """The cold-build table: `kg build` against the plain libraries, per size."""
    rows = [s for s in sizes if "cold_build_s" in s]
    if not rows:
        return []
    lines = [
        "## Cold `kg build` against plain pySHACL + pyoxigraph (same run)",
        "",
        "| size | `kg build` s | peak GB (with workers) | pySHACL (parse + validate) s | "
        "pySHACL peak GB | pyoxigraph (load + 6 files) s | baseline s | ratio | "
        "CPU-time ratio | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in rows:
        lines.append(
            f"| {s['size']} | {s['cold_build_s']:.1f} | {s['cold_build_rss_bytes'] / 1e9:.2f} | "
            f"{s['baseline_pyshacl_s']:.1f} | {s['baseline_pyshacl_rss_bytes'] / 1e9:.2f} | "
            f"{s['baseline_pyoxigraph_s']:.1f} | {s['baseline_s']:.1f} | "
            f"{s['cold_build_ratio']:.2f} | {s['cold_build_cpu_ratio']:.2f} | "
            f"{s['cold_load_before']:.1f} → {s['cold_load_after']:.1f} |"
        )
    return [*lines, ""]


def main() -> None:
    """Generate each size's corpus and time the cold build against its baseline."""
    from bench.generate import generate, parse_size

    parser = argparse.ArgumentParser(description="cold `kg build` against its baseline")
    parser.add_argument("--sizes", default="100k")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    sizes = []
    with tempfile.TemporaryDirectory(prefix="kg-cold-", dir=args.work) as tmp:
        for size in (s.strip() for s in args.sizes.split(",") if s.strip()):
            corpus = Path(tmp) / f"corpus-{size}"
            generate(corpus, parse_size(size))
            sizes.append({"size": size, **bench_cold_build(corpus, Path(tmp))})
            shutil.rmtree(corpus, ignore_errors=True)
    print("\n".join(markdown(sizes)))
    for v in verdicts(sizes):
        print(f"{v['target']}: {v['value']} {v['unit']} (limit {v['limit']}, met: {v['met']})")
    print(json.dumps(sizes, indent=2))


if __name__ == "__main__":
    main()
