"""Progress of long operations: a rich bar on a terminal, nothing at all when stderr is piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def interactive() -> bool:
    """Whether stderr is a terminal (a person is watching)."""
    return sys.stderr.isatty()


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """Yield a function to call once per step of `total`; a bar shows only on a terminal."""
    if total < 2 or not interactive():
        yield lambda: None
        return
    from rich.console import Console  # heavy: imported only when a bar is shown
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)
