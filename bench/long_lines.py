"""Long lines: every stage of `kg new`, `kg check` and `kg build` is linear in its input.

An article of 1, 2 and 4 MB on one line, in three shapes: prose with sentence ends, quotation
marks and apostrophes; words with no punctuation at all; and quote characters only (`“”"'’‘`).
Its facts file (the one `kg new` writes) gets one fact whose quote is the whole long line, so
the facts file holds a literal of the line's size (written with the escapes Turtle needs).
Each stage runs in a fresh process, the build with an empty cache and validation:

- `kg new` registers the text (copy, registry mentions, the facts skeleton);
- `kg check` checks the source (facts parsed, quote located, sentences);
- `kg build` builds, validates and writes every export.

The report gives each stage's CPU time (and wall time) per size and the ratio of its CPU time
at 4 MB to that at 1 MB: about 4 for a linear stage, and at most 5 is the target (a quadratic
stage gives about 16). CPU time is the measure because the machine is shared: wall time moves
with the load of other work.

    python -m bench.long_lines [--sizes 1,2,4] [--shapes prose,bare,quotes] [--update]

`make bench` runs it (`bench/run.py`); `--update` writes its rows into bench/results.json and
renders bench/results.md again, without measuring the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
MB = 1_000_000
SIZES = (1, 2, 4)  # MB
TARGET_RATIO = 5.0  # time at 4 MB / time at 1 MB, at most
STAGES = ("new", "check", "build")
SLUG = "long-line"
OPENING = "Admiral Dong Jun met his Chinese counterpart in Manila. "

_WORDS = [
    "the", "coast", "guard", "ship", "sailed", "near", "reef", "while", "officials", "in",
    "Manila", "and", "Beijing", "said", "talks", "were", "held", "on", "Tuesday", "about", "a",
    "code", "of", "conduct", "for", "disputed", "waters",
]  # fmt: skip


def article(shape: str, size: int, seed: int = 1) -> str:
    """A title line, a blank line and one line of about `size` characters in the given shape."""
    rng = random.Random(seed)
    pieces: list[str] = [OPENING]
    n = len(OPENING)
    while n < size:
        if shape == "prose":
            words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
            words[0] = words[0].capitalize()
            if rng.random() < 0.3:
                words[rng.randrange(len(words))] = "don't"
            piece = " ".join(words) + rng.choice([". ", "? ", "! ", ", ", ". U.S. ", ". “"])
            if rng.random() < 0.2:
                piece += "” "
        elif shape == "bare":
            piece = rng.choice(_WORDS) + " "
        elif shape == "quotes":
            piece = "".join(rng.choice("“”\"'’‘") for _ in range(64))
        else:
            raise ValueError(f"unknown shape {shape!r}")
        pieces.append(piece)
        n += len(piece)
    line = "".join(pieces)[:size].rstrip()
    return f"Long line ({shape})\n\n{line}\n"


def _turtle_string(text: str) -> str:
    """A Turtle string literal (short form) of any text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\r", "\\r") + '"'


def _fact(text: str) -> str:
    """One fact whose quote is the whole long line (the third line of the article)."""
    line = text.split("\n")[2]
    return (  # the prefixes are those `kg new` declared
        "\nfact:affiliation-dong-jun-china a kg:Affiliation ;\n"
        "    kg:affiliate ent:dong-jun ;\n    kg:affiliatedTo ent:china ;\n"
        f"    kg:quote {_turtle_string(line)} .\n"
    )


def _kg(args: list[str], env: dict[str, str], limit: float) -> tuple[float, float]:
    """Run `kg ARGS` in a fresh process; return its wall time and CPU time (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=limit,
        check=False,
    )
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:]
        raise RuntimeError(f"kg {args[0]} failed ({run.returncode}): {' '.join(tail)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def measure(shape: str, size_mb: int, work: Path, limit: float = 600.0) -> dict[str, Any]:
    """Time `kg new`, `kg check` and `kg build` on one article; return the row."""
    folder = work / f"{shape}-{size_mb}"
    shutil.rmtree(folder, ignore_errors=True)
    sources = folder / "sources"
    sources.mkdir(parents=True)
    shutil.copy(ROOT / "sources" / "entities.ttl", sources)
    text = article(shape, size_mb * MB)
    text_file = folder / f"{SLUG}.txt"
    text_file.write_text(text, encoding="utf-8")
    env = dict(os.environ, KG_CACHE_DIR=str(folder / "cache"), KG_JOBS="1")
    row: dict[str, Any] = {"shape": shape, "mb": size_mb, "chars": len(text)}
    row["new_s"], row["new_cpu_s"] = _kg(
        ["new", str(text_file), "--sources", str(sources)], env, limit
    )
    with open(sources / SLUG / "facts.ttl", "a", encoding="utf-8") as facts:
        facts.write(_fact(text))
    row["check_s"], row["check_cpu_s"] = _kg(["check", SLUG, "--sources", str(sources)], env, limit)
    out = folder / "out"
    row["build_s"], row["build_cpu_s"] = _kg(
        ["build", "--sources", str(sources), "--out", str(out)], env, limit
    )
    shutil.rmtree(folder, ignore_errors=True)
    return row


def bench_long_lines(
    sizes: tuple[int, ...] = SIZES, shapes: tuple[str, ...] = ("prose", "bare", "quotes")
) -> dict[str, Any]:
    """Measure every shape at every size; return the rows and each stage's 4 MB / 1 MB ratio."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-long-") as tmp:
        for shape in shapes:
            for size in sizes:
                print(f"[bench] long line: {shape}, {size} MB", file=sys.stderr, flush=True)
                rows.append(measure(shape, size, Path(tmp)))
    ratios = []
    low, high = min(sizes), max(sizes)
    for shape in shapes:
        first = next(r for r in rows if r["shape"] == shape and r["mb"] == low)
        last = next(r for r in rows if r["shape"] == shape and r["mb"] == high)
        for stage in STAGES:
            ratio = last[f"{stage}_cpu_s"] / first[f"{stage}_cpu_s"]
            wall = last[f"{stage}_s"] / first[f"{stage}_s"]
            ratios.append(
                {"shape": shape, "stage": stage, "ratio": round(ratio, 2), "wall": round(wall, 2)}
            )
    return {"sizes_mb": list(sizes), "rows": rows, "ratios": ratios, "load": os.getloadavg()[0]}


def verdicts(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The worst ratio (time at the largest size / time at the smallest) against the target."""
    found = res.get("long_lines")
    if not found or not found.get("ratios"):
        return []
    worst = max(found["ratios"], key=lambda r: r["ratio"])
    low, high = min(found["sizes_mb"]), max(found["sizes_mb"])
    limit = TARGET_RATIO * high / 4 / low  # 5 for 4 MB against 1 MB
    return [
        {
            "target": f"long line: a stage's time at {high} MB / at {low} MB (linear: "
            f"{high // low})",
            "value": worst["ratio"],
            "limit": limit,
            "met": worst["ratio"] <= limit,
            "unit": f"× (worst: `kg {worst['stage']}`, {worst['shape']})",
        }
    ]


def markdown(res: dict[str, Any]) -> list[str]:
    """The section of results.md: each stage's seconds per shape and size, and the ratios."""
    found = res.get("long_lines")
    if not found:
        return []
    sizes = found["sizes_mb"]
    low, high = min(sizes), max(sizes)
    lines = [
        "## Long lines: every stage linear in its input",
        "",
        "An article on one line (prose with sentence ends, quotation marks and apostrophes; words "
        "with no punctuation; quote characters only), with one fact quoting the whole line; each "
        "stage in a fresh process, the build cold and validated (`bench/long_lines.py`): CPU "
        "seconds of the process (wall seconds in brackets: on a shared machine they move with "
        f"the load, {found['load']:.1f} at the end). Ratio: the CPU time at {high} MB over the "
        f"CPU time at {low} MB (linear: {high // low}, less where a fixed start-up cost counts; "
        f"target at most {TARGET_RATIO:g}), and the same for wall time.",
        "",
        "| shape | stage | "
        + " | ".join(f"{s} MB" for s in sizes)
        + " | ratio (CPU) | ratio (wall) |",
        "|---|---|" + "---|" * len(sizes) + "---|---|",
    ]
    for r in found["ratios"]:
        times = [
            next(x for x in found["rows"] if x["shape"] == r["shape"] and x["mb"] == s)
            for s in sizes
        ]
        stage = r["stage"]
        cells = " | ".join(f"{t[f'{stage}_cpu_s']:.2f} ({t[f'{stage}_s']:.2f})" for t in times)
        lines.append(
            f"| {r['shape']} | `kg {stage}` | {cells} | {r['ratio']:.2f} | {r['wall']:.2f} |"
        )
    return [*lines, ""]


def main() -> None:
    """Measure and print; with --update, write the rows into bench/results.json and .md."""
    parser = argparse.ArgumentParser(description="long lines: each stage's time at 1, 2, 4 MB")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="sizes in MB")
    parser.add_argument("--shapes", default="prose,bare,quotes")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--update", action="store_true", help="update OUT/results.json and .md")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    shapes = tuple(s.strip() for s in args.shapes.split(",") if s.strip())
    found = bench_long_lines(sizes, shapes)
    found["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print("\n".join(markdown({"long_lines": found})))
    if args.update:
        from bench import run

        path = args.out / "results.json"
        res = json.loads(path.read_text(encoding="utf-8"))
        res["long_lines"] = found
        res["verdicts"] = run.verdicts(res)
        res["notes"] = run._notes()
        path.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
        (args.out / "results.md").write_text(run.markdown(res), encoding="utf-8")


if __name__ == "__main__":
    main()
