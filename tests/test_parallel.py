"""Work spread over worker processes (`kg.parallel`): the answers, the errors, the output and
the clean-ups are those of one process."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate, parse_size
from kg.errors import InputError
from kg.parallel import JOBS_VARIABLE, jobs, ordered

ROOT = Path(__file__).resolve().parent.parent


def _square_and_pid(x: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough for each worker to take items
    return x * x, os.getpid()


def _fail_at_five(x: int) -> int:
    if x == 5:
        raise ValueError(f"item {x} is bad")
    time.sleep(0.01)
    return x


def test_answers_come_in_order_from_several_workers() -> None:
    with ordered(_square_and_pid, list(range(12)), 2) as answers:
        got = list(answers)
    assert [square for square, _pid in got] == [x * x for x in range(12)]
    pids = {pid for _square, pid in got}
    assert len(pids) == 2 and os.getpid() not in pids
    assert not multiprocessing.active_children()


def test_an_error_is_raised_at_its_item_after_the_answers_before_it() -> None:
    seen: list[int] = []
    with (
        pytest.raises(ValueError, match="item 5 is bad"),
        ordered(_fail_at_five, list(range(40)), 2) as answers,
    ):
        for answer in answers:
            seen.append(answer)
    assert seen == [0, 1, 2, 3, 4]
    assert not multiprocessing.active_children()


def test_one_job_runs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    assert jobs() == 1
    with ordered(_square_and_pid, [1, 2, 3]) as answers:
        assert [pid for _square, pid in answers] == [os.getpid()] * 3


def test_by_default_there_is_a_worker_per_usable_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(JOBS_VARIABLE, raising=False)
    assert jobs() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("value", ["0", "two", "-1", "65", "1.5"])
def test_a_bad_kg_jobs_is_one_line(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, value)
    with pytest.raises(InputError, match=f"{JOBS_VARIABLE}="):
        jobs()
    done = _kg(["validate"], Path.cwd(), {JOBS_VARIABLE: value})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "KG_JOBS" in done.stderr, done.stderr


# --- the build and its validation, with workers and without ---------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "sources"
    generate(folder, parse_size("10k"))  # about 28 sources
    return folder


def _kg(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=600,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _build(sources: Path, tmp: Path, name: str, workers: int) -> subprocess.CompletedProcess[str]:
    env = {JOBS_VARIABLE: str(workers), "KG_CACHE_DIR": str(tmp / f"cache-{name}")}
    return _kg(["build", "--sources", str(sources), "--out", str(tmp / name)], tmp, env)


def test_a_build_with_workers_equals_one_in_one_process(corpus: Path, tmp_path: Path) -> None:
    """The same output folder byte for byte, and the same cache entries."""
    one = _build(corpus, tmp_path, "one", 1)
    two = _build(corpus, tmp_path, "two", 2)
    assert one.returncode == two.returncode == 0, (one.stderr, two.stderr)
    assert one.stdout.replace("/one", "/two") == two.stdout
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    cache_one, cache_two = _entries(tmp_path / "cache-one"), _entries(tmp_path / "cache-two")
    assert len(cache_one) > 3 * 28
    assert cache_one == cache_two
    assert not [name for name in cache_two if name.endswith(".tmp")]


def _edit_title(facts: Path) -> None:
    """A real edit of a source (its compiled graph changes): a word added to its title."""
    text = facts.read_text(encoding="utf-8")
    assert 'dct:title "' in text, facts
    facts.write_text(text.replace('dct:title "', 'dct:title "Edited: ', 1), encoding="utf-8")


def _entries(cache: Path) -> dict[str, object]:
    """A cache's entries by name: N-Triples bodies as sets of lines (rdflib writes a graph in
    an order that changes from one process to the next), the others as they are."""
    found: dict[str, object] = {}
    for name, data in _files(cache).items():
        if name.endswith(".nt"):
            head, _sep, body = data.partition(b"\n")
            found[name] = (head.startswith(b"# scs-kg cache"), sorted(body.split(b"\n")))
        else:
            found[name] = data
    return found


def test_a_warm_build_with_workers_compiles_and_validates_only_the_edited_source(
    corpus: Path, tmp_path: Path
) -> None:
    sources = Path(shutil.copytree(corpus, tmp_path / "sources"))
    assert _build(sources, tmp_path, "two", 2).returncode == 0
    cache = tmp_path / "cache-two"
    before = {kind: set(os.listdir(cache / kind)) for kind in ("build", "validate")}
    slug = sorted(p.name for p in sources.iterdir() if (p / "facts.ttl").is_file())[5]
    _edit_title(sources / slug / "facts.ttl")
    warm = _build(sources, tmp_path, "two", 2)
    assert warm.returncode == 0, warm.stderr
    for kind in ("build", "validate"):
        assert len(set(os.listdir(cache / kind)) - before[kind]) == 1, kind
    cold = _build(sources, tmp_path, "cold", 1)
    assert cold.returncode == 0, cold.stderr
    assert _files(tmp_path / "two") == _files(tmp_path / "cold")


def test_faults_found_by_workers_are_those_found_in_one_process(
    corpus: Path, tmp_path: Path
) -> None:
    sources = Path(shutil.copytree(corpus, tmp_path / "sources"))
    slugs = sorted(p.name for p in sources.iterdir() if (p / "facts.ttl").is_file())
    for slug in (slugs[2], slugs[-3]):  # one in each worker's chunk: a statement's speaker cut
        facts = sources / slug / "facts.ttl"
        lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
        del lines[next(i for i, line in enumerate(lines) if "kg:speaker" in line)]
        facts.write_text("".join(lines), encoding="utf-8")
    one = _build(sources, tmp_path, "one", 1)
    two = _build(sources, tmp_path, "two", 2)
    assert one.returncode == two.returncode == 1
    assert one.stderr.replace("/one", "/two") == two.stderr
    assert two.stderr.count("kgsh:StatementShape") == 2, two.stderr
    assert not (tmp_path / "two").exists()


def test_a_bad_source_a_worker_reads_is_one_line_naming_the_first(
    corpus: Path, tmp_path: Path
) -> None:
    sources = Path(shutil.copytree(corpus, tmp_path / "sources"))
    slugs = sorted(p.name for p in sources.iterdir() if (p / "facts.ttl").is_file())
    for slug in (slugs[3], slugs[-2]):
        with (sources / slug / "facts.ttl").open("a", encoding="utf-8") as f:
            f.write("\nthis is not turtle\n")
    one = _build(sources, tmp_path, "one", 1)
    two = _build(sources, tmp_path, "two", 2)
    assert one.returncode == two.returncode == 2
    assert two.stderr == one.stderr
    assert two.stderr.count("\n") == 1 and "Traceback" not in two.stderr
    assert f"{slugs[3]}/facts.ttl" in two.stderr and "malformed Turtle" in two.stderr


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _gone(pids: list[int], within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("sig", "group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGKILL, False)],
    ids=["ctrl-c", "sigterm", "sigkill"],
)
def test_a_stopped_build_stops_its_workers_and_leaves_no_litter(
    corpus: Path, tmp_path: Path, sig: signal.Signals, group: bool
) -> None:
    """Ctrl-C (to the whole process group, as a terminal sends it), SIGTERM or SIGKILL while
    the workers compile: no worker outlives the build, no half-written cache entry is left,
    and the last good output stays."""
    good = _build(corpus, tmp_path, "out", 1)
    assert good.returncode == 0, good.stderr
    before = _files(tmp_path / "out")
    cache = tmp_path / "cache-stopped"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", "--sources", str(corpus), "--out", "out"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), JOBS_VARIABLE: "2", "KG_CACHE_DIR": str(cache)},
        start_new_session=True,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) == 2 and any(cache.rglob("*.nt")):  # the workers are compiling
            break
        time.sleep(0.005)
    assert len(workers) == 2, "the build ended before its workers were seen"
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert _gone(workers), "a worker outlived its build"
    expected = {signal.SIGINT: 130, signal.SIGTERM: 128 + signal.SIGTERM, signal.SIGKILL: -9}
    assert proc.returncode == expected[sig], (proc.returncode, err)
    assert "Traceback" not in err, err
    assert not [p for p in cache.rglob("*") if p.name.endswith(".tmp")]
    assert _files(tmp_path / "out") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_workers_compile_only_the_sources_the_cache_lacks(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm build reads the cached sources itself (quicker than sending them back from a
    worker): the workers get only the edited ones, and the graph is the same."""
    import kg.build

    sent: list[list[str]] = []
    real = kg.build.ordered

    def spy(fn: Any, items: Sequence[Path], workers: int | None = None) -> Any:
        sent.append([item.name for item in items])
        return real(fn, items, workers)

    monkeypatch.setattr(kg.build, "ordered", spy)
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    sources = Path(shutil.copytree(corpus, tmp_path / "sources"))
    cache = tmp_path / "cache"
    cold = kg.build.build(sources, cache=cache)
    slugs = sorted(p.name for p in sources.iterdir() if (p / "facts.ttl").is_file())
    assert sent == [slugs]
    warm = kg.build.build(sources, cache=cache)
    assert sent[-1] == []
    for slug in (slugs[1], slugs[-2]):
        _edit_title(sources / slug / "facts.ttl")
    edited = kg.build.build(sources, cache=cache)
    assert sent[-1] == [slugs[1], slugs[-2]]
    assert [u.digest for u in warm.units] == [u.digest for u in cold.units]
    changed = [
        u.slug for u, c in zip(edited.units, cold.units, strict=True) if u.digest != c.digest
    ]
    assert changed == [slugs[1], slugs[-2]]
    fresh = kg.build.build(sources, cache=None)
    assert [u.digest for u in edited.units] == [u.digest for u in fresh.units]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl, /proc")
def test_a_worker_stopped_while_it_starts_ends_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM reaching a worker still setting itself up (the caller stopping it after Ctrl-C)
    ends it at once: before, its handler raised in the pool's initializer, which printed
    "Exception in initializer" and a traceback."""
    import ctypes
    from concurrent.futures.process import BrokenProcessPool

    real = ctypes.CDLL

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(2)  # the worker is in its set-up (`_start`) for 2 s
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ctypes, "CDLL", slow)
    before = set(multiprocessing.active_children())
    with (
        pytest.raises(BrokenProcessPool),
        ordered(_square_and_pid, list(range(4)), workers=2) as answers,
    ):
        workers = [p for p in multiprocessing.active_children() if p not in before]
        assert len(workers) == 2
        time.sleep(0.5)
        for worker in workers:
            os.kill(worker.pid, signal.SIGTERM)
        list(answers)
    assert all(w.exitcode == 128 + signal.SIGTERM for w in workers), [w.exitcode for w in workers]
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception in initializer" not in err, err
