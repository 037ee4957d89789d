"""Work spread over the machine's cores: forked worker processes, answers in the input's order.

A build compiles its sources, validates its chunks and writes its export pieces one by one;
each is independent of the others, so `ordered` hands them to one worker per core and gives
the answers back in the order of the input: the output is the same as with one process, byte
for byte, and an error is the one the first failing item raises. Workers are forked (they
start with the caller's memory, so nothing is pickled but the index of an item and its
answer), ignore Ctrl-C (the caller handles it and stops them) and end with their parent.

`KG_JOBS` sets the number of workers (`1`: everything in the calling process); by default it
is the number of cores this process may run on.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from kg.errors import InputError

T = TypeVar("T")
R = TypeVar("R")

JOBS_VARIABLE = "KG_JOBS"
MAX_JOBS = 64

# what the forked workers compute: set by `ordered` before it forks, read by `_call`
_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
_STOPPING = False
_BUSY = False  # a worker is computing an item (what a SIGTERM then unwinds)
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def jobs() -> int:
    """The number of worker processes: `KG_JOBS` if set, else the cores this process may use."""
    value = os.environ.get(JOBS_VARIABLE, "").strip()
    if value:
        if not value.isdigit() or not 1 <= int(value) <= MAX_JOBS:
            raise InputError(
                f"{JOBS_VARIABLE}={value!r}: give a whole number of worker processes, "
                f"1 to {MAX_JOBS} (1: no workers)"
            )
        return int(value)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether workers can be forked here (POSIX; not on Windows)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def workers_for(items: int, workers: int | None = None) -> int:
    """How many workers `ordered` uses for this many items (1: none, all in this process)."""
    count = min(jobs() if workers is None else workers, items)
    return count if count > 1 and can_fork() else 1


@contextmanager
def ordered(
    fn: Callable[[T], R], items: Sequence[T], workers: int | None = None
) -> Iterator[Iterator[R]]:
    """Yield an iterator of `fn(item)` for each item, in order, computed by forked workers.

    `workers` defaults to `jobs()`; with one worker, one item or no fork, everything runs in
    this process. The workers are forked on entry (start a progress bar's thread inside the
    block, not before), so `fn` and the items are not pickled, only each answer is: an answer
    must pickle. An exception `fn` raises is raised at its item, after the answers before it.
    However the block ends (an error, Ctrl-C, SIGTERM), the workers are stopped before it does.
    """
    count = workers_for(len(items), workers)
    if count == 1:
        yield (fn(item) for item in items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _TASK
    context = multiprocessing.get_context("fork")
    before = set(multiprocessing.active_children())
    _TASK = (fn, items)
    pool = ProcessPoolExecutor(
        count, mp_context=context, initializer=_start, initargs=(os.getpid(),)
    )
    done = False
    try:
        # the workers are forked with Ctrl-C and SIGTERM held back (a signal coming before a
        # worker has set its handlers would run the caller's, with a traceback); each worker
        # lets them through once set up, the caller once every worker is forked
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            futures = [pool.submit(_call, i) for i in range(len(items))]  # forks the workers
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        yield (future.result() for future in futures)
        done = True
    finally:
        _TASK = None
        if not done:  # the workers first, so that waiting for the pool below is short
            _stop([p for p in multiprocessing.active_children() if p not in before])
        # always wait for the pool's own thread: left running (`shutdown(wait=False)`), it
        # raced the interpreter's exit ("Exception ignored ... Bad file descriptor"); and the
        # futures are left to the pool (one cancelled here made it raise InvalidStateError)
        pool.shutdown(wait=True, cancel_futures=not done)


def _stop(children: list[Any]) -> None:
    """End workers (SIGTERM: each removes what it was writing), then wait for them."""
    for child in children:
        child.terminate()
    for child in children:
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()


def _start(parent: int) -> None:
    """Set up a worker: Ctrl-C is the parent's to handle; SIGTERM or the parent's end stop it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with suppress(OSError, AttributeError):  # no prctl: the workers end with the pool
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)  # held back while forking


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM in a worker: while it computes an item, unwind (clean-ups run, such as a cache
    entry's temporary file), then end (see `_call`); otherwise end at once."""
    global _STOPPING
    if not _BUSY:
        os._exit(128 + signum)
    _STOPPING = True
    raise SystemExit(128 + signum)


def _call(index: int) -> Any:
    """Compute one item in a worker; once SIGTERM came, end the process (after the item's
    clean-ups ran), since the pool would go on to the next item or wait for one forever."""
    global _BUSY
    if _STOPPING or _TASK is None:
        os._exit(128 + signal.SIGTERM)
    fn, items = _TASK
    _BUSY = True
    try:
        return fn(items[index])
    finally:
        _BUSY = False
        if _STOPPING:
            os._exit(128 + signal.SIGTERM)
