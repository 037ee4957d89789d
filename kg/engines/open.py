"""Open the engine a user asked for over the graph, or a remote endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.engines.base import Engine
from kg.errors import InputError

if TYPE_CHECKING:
    from kg.build import Built


def open_engine(
    data: Built | None = None,
    engine: str = "oxigraph",
    store_dir: Path | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
) -> Engine:
    """Open the engine a user asked for over the graph (`kg.graph.open`), or a remote endpoint.

    `allow_service`: let queries on an embedded engine use SERVICE (outbound requests).
    """
    if endpoint:
        from kg.engines.remote import RemoteEngine

        return RemoteEngine(endpoint, timeout)
    from kg.plugins import ENGINES

    kind: type[Engine] = ENGINES.load(engine)
    if data is None:
        raise InputError("no data: give the graph (kg.graph.open) or an endpoint")
    found = kind.load(data, store_dir)
    found.allow_service = allow_service
    return found
