"""A query's time and size: the one `--timeout` rule, and queries run in a forked process.

Neither pyoxigraph nor rdflib can be interrupted inside a query, so a runaway query is stopped
by ending the process that runs it (`run_with_timeout`), by its `--timeout` or by the deadline
of its caller (`deadline`: `kg serve` sets one per request).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import multiprocessing
import pickle
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

from kg.errors import EndpointError, InputError, KgError, QueryTimeout
from kg.results import Result


def check_timeout(timeout: float | None, option: str = "--timeout") -> float | None:
    """Return a --timeout that is a positive finite number of seconds, or None."""
    if timeout is None:
        return None
    if not math.isfinite(timeout) or timeout <= 0:
        raise InputError(f"{option} {timeout:g}: want a positive number of seconds")
    return timeout


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


_MAX_ANSWER: contextvars.ContextVar[int | None] = contextvars.ContextVar("max_answer", default=None)


class AnswerTooLarge(InputError):
    """A query's answer over the size its forked process may hand back."""


@contextlib.contextmanager
def deadline(until: float | None, *, max_answer: int | None = None) -> Iterator[None]:
    """Within this block every query of this thread ends by `until` (`time.monotonic()`), and
    hands back at most `max_answer` bytes (pickled) if given, else `MAX_ANSWER_BYTES`.

    `kg serve` sets it when a request arrives, so the request's whole time (waiting for a
    query slot included) stays within its timeout, however busy the server is.
    """
    token = _DEADLINE.set(until)
    size = _MAX_ANSWER.set(max_answer)
    try:
        yield
    finally:
        _MAX_ANSWER.reset(size)
        _DEADLINE.reset(token)


_STOPS = {signal.SIGTERM, signal.SIGINT}


MAX_ANSWER_BYTES = 1 << 30
"""The largest answer a query's forked process may hand back (pickled): 1 GiB."""


def _child(conn: Any, func: Callable[[], Result]) -> None:
    # The parent ends this process with SIGTERM; a handler it had (`kg serve` turns SIGTERM
    # into a clean stop) must not run here and print a traceback.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked from the fork until now
    try:
        conn.send(("ok", func()))
    except KgError as exc:
        conn.send(("kg", (type(exc).__name__, str(exc), exc.exit_code)))
    except Exception as exc:  # reported in the parent as one line
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


# the errors a query's process reports as what they are (a bad query stays a client's error)
_CHILD_ERRORS: dict[str, type[KgError]] = {
    cls.__name__: cls for cls in (InputError, QueryTimeout, EndpointError)
}


def run_with_timeout(func: Callable[[], Result], timeout: float | None) -> Result:
    """Run `func` in a forked process and stop it after `timeout` seconds.

    Neither pyoxigraph nor rdflib can be interrupted inside a query, so a runaway query is
    stopped by ending the process that runs it. Within a `deadline` block the query also ends
    by that deadline (answered as a timeout too).
    """
    until = _DEADLINE.get()
    if not timeout and until is None:
        return func()
    now = time.monotonic()
    end = min(x for x in (now + timeout if timeout else None, until) if x is not None)
    message = f"query stopped after its --timeout of {timeout:g} s" if timeout else ""
    if end <= now:
        raise QueryTimeout(message or "query not started: its deadline had passed")
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func), daemon=True)
    # the child inherits the parent's signal handlers until `_child` resets them: a stop sent
    # in between waits (blocked in the forking thread, so in the child) instead of running them
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        proc.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    child.close()
    try:
        if not parent.poll(max(end - time.monotonic(), 0.0)):
            raise QueryTimeout(message or "query stopped at its deadline")
        most = _MAX_ANSWER.get() or MAX_ANSWER_BYTES
        try:  # the length comes first: a longer answer is refused before it is read
            status, payload = pickle.loads(parent.recv_bytes(most))
        except OSError:
            raise AnswerTooLarge(
                f"the query's answer is over {most / (1 << 20):g} MiB: narrow it (LIMIT)"
            ) from None
        except EOFError:  # killed (out of memory) or crashed before it answered
            proc.join(1)
            raise KgError(
                f"the query's process ended without an answer (exit status {proc.exitcode})"
            ) from None
        proc.join(1)  # the child has answered and is exiting: let it end by itself
    finally:
        parent.close()
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if status == "ok":
        return payload
    if status == "kg":
        name, message, code = payload
        err = _CHILD_ERRORS.get(name, KgError)(message)
        err.exit_code = code
        raise err
    raise KgError(payload)
