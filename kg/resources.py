"""Where the ontology, shapes, queries and sources live, in a checkout or an installed wheel."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path


@functools.cache
def data_root() -> Path:
    """Return the folder holding `ontology/`, `queries/` and `sources/`."""
    packaged = Path(str(resources.files("kg"))) / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def ontology_file() -> Path:
    """Return the path of the ontology in Turtle."""
    return data_root() / "ontology" / "scs-kg.ttl"


def shapes_file() -> Path:
    """Return the path of the SHACL shapes."""
    return data_root() / "ontology" / "shapes.ttl"


def queries_dir() -> Path:
    """Return the folder of the SPARQL query catalog."""
    return data_root() / "queries"


def query_file(name: str, directory: Path | None = None) -> Path | None:
    """Return the file of the catalog query NAME (or NAME.rq), or None if NAME names no file.

    The file may not exist: the caller reads it. `kg.catalog.get` and the command line's
    quick path (`kg.answers`) find a query this one way.
    """
    stem = name[:-3] if name.endswith(".rq") else name
    if not stem or "/" in stem or "\\" in stem or stem in (".", ".."):
        return None
    return (directory or queries_dir()) / f"{stem}.rq"


def sources_dir() -> Path:
    """Return the folder of the sources and the entity registry."""
    return data_root() / "sources"
