"""HTTP servers of the tests, run in a thread: `kg serve`'s workbench over a build, or any
server a test makes; each is shut down, closed and its thread joined afterwards."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from kg.api import KnowledgeGraph
from kg.serve import IDLE_TIMEOUT, Server, make_server

S = TypeVar("S", bound=socketserver.BaseServer)


@contextmanager
def running(httpd: S, *, daemon: bool = False) -> Iterator[S]:
    """Serve HTTPD in a thread until the block ends; then stop and close it."""
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=daemon
    )
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def base_url(httpd: socketserver.BaseServer) -> str:
    """The loopback URL of a server bound to 127.0.0.1."""
    return f"http://127.0.0.1:{httpd.server_address[1]}"  # type: ignore[index]


@contextmanager
def serving(
    data: Path | str,
    timeout: float | None = None,
    idle_timeout: float = IDLE_TIMEOUT,
    max_queries: int | None = None,
) -> Iterator[Server]:
    """The workbench over DATA (a build or a TriG file) on a free port, stopped afterwards."""
    graph = KnowledgeGraph.open(data, timeout=timeout)
    httpd = make_server(graph, 0, idle_timeout=idle_timeout, max_queries=max_queries)
    with running(httpd):
        yield httpd
