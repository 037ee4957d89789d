"""RDF and SPARQL results formats by the project's names, as pyoxigraph knows them.

The project names a format as rdflib does (`turtle`, `nt`, `json-ld`, ...); everything else
about it (its media type, file extension, display name, whether it keeps graph names) is
pyoxigraph's `RdfFormat` or `QueryResultsFormat`, so no module keeps a table of its own:

>>> media_type("trig"), extension("nquads"), rdf_name("application/x-turtle")
('application/trig', 'nq', 'turtle')
>>> content_type("turtle"), content_type("csv", results=True)
('text/turtle; charset=utf-8', 'text/csv; charset=utf-8')
>>> results_name("application/json"), rdf_name("application/json")
('json', 'json-ld')
"""

from __future__ import annotations

import pyoxigraph as ox

RDF = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}
"""The RDF formats the project reads and writes: its (rdflib's) name -> pyoxigraph's format."""

RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
"""The W3C SPARQL results formats: the project's name -> pyoxigraph's format."""


def _format(name: str, results: bool) -> ox.RdfFormat | ox.QueryResultsFormat:
    return (RESULTS if results else RDF)[name]


def media_type(name: str, *, results: bool = False) -> str:
    """Return a format's IANA media type (a results format's when `results`)."""
    return _format(name, results).media_type


def content_type(name: str, *, results: bool = False) -> str:
    """Return a format's `Content-Type`: its media type, with `charset=utf-8` for a text type."""
    found = media_type(name, results=results)
    if found.startswith("text/") and "charset=" not in found:
        return f"{found}; charset=utf-8"
    return found


def extension(name: str, *, results: bool = False) -> str:
    """Return a format's file extension, without its dot (`ttl`, `nq`, `srj`)."""
    return _format(name, results).file_extension


def title(name: str) -> str:
    """Return an RDF format's name for people (`N-Quads`, `RDF/XML`)."""
    return RDF[name].name


def _name(table: dict[str, ox.RdfFormat] | dict[str, ox.QueryResultsFormat], fmt: object) -> str:
    return next((name for name, known in table.items() if known == fmt), "")


def rdf_name(media: str) -> str | None:
    """Return the project's name of the RDF format a media type names, else None."""
    return _name(RDF, ox.RdfFormat.from_media_type(media)) or None


def results_name(media: str) -> str | None:
    """Return the project's name of the results format a media type names, else None."""
    return _name(RESULTS, ox.QueryResultsFormat.from_media_type(media)) or None


def rdf_by_extension(ext: str) -> str | None:
    """Return the project's name of the RDF format a file extension (without dot) names."""
    return _name(RDF, ox.RdfFormat.from_extension(ext)) or None
