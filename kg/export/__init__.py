"""Exports: every standard serialization, the ontology, the shapes and a VoID description.

Output is byte-identical for the same input, whatever the cache holds, and written atomically:
the files go to a temporary folder beside the target, which replaces the target only when all
are written. What is written is one table, `EXPORTS` (`kg.export.files`): a file is one row and its
function.

The files are assembled from the build's parts (`kg.build.Built`: the ontology, the registry,
and each source's facts and direct edges). Each part is turned once into sorted canonical
N-Triples lines and written once per format by pyoxigraph, with only the prefixes it can use;
those pieces are kept in the verified cache (`kg.cache`, kind `export`) under the key of their
content, so a rebuild after one edit writes only that source's pieces again and concatenates
the others between each format's header and footer. The graphs come in the order of their
names, a graph's parts in the build's order, each part's triples sorted; a triple that an
earlier part already holds is left out (in its graph for the quad formats, anywhere for the
triple formats). Only the small entity registry and the VoID description go through rdflib;
what VoID counts (typed subjects, class members, the sources' dates) is kept per section too.

The package, by idea: `lines` (canonical N-Triples lines and their writing by pyoxigraph),
`pieces` (the build's parts as cached pieces and sections), `files` (`EXPORTS`: each file
and its writer), `void` (the VoID description); `write_outputs` writes them all.
"""

from __future__ import annotations

import functools
from pathlib import Path

from rdflib import URIRef

from kg.build import Built
from kg.export.files import CONTEXT_FILE, EXPORTS, NAME, SERIALIZATIONS, Export, Job
from kg.export.lines import sorted_lines
from kg.export.pieces import GROUP
from kg.outfolder import Writers, replace_folder

__all__ = [
    "CONTEXT_FILE",
    "EXPORTS",
    "GROUP",
    "NAME",
    "SERIALIZATIONS",
    "Export",
    "sorted_lines",
    "write_outputs",
]


def write_outputs(
    built: Built,
    out_dir: Path,
    sources: list[URIRef] | None = None,
    prefixes: dict[str, str] | None = None,
    protected: list[Path] | None = None,
    sparql_endpoint: str | None = None,
) -> list[Path]:
    """Write every export of a build (`EXPORTS`) into `out_dir`, atomically; return the files.

    `out_dir` must be new, empty or made by a build (`kg.outfolder`), and none of the
    `protected` folders (the sources, the cache). The files are assembled from the build's
    parts (see the module's description), never from an rdflib dataset of the whole corpus.
    `sources` (default: the build's) are named in the VoID description, with `sparql_endpoint`
    if known. `prefixes` are those of the Turtle-family files and the JSON-LD context; by
    default the project's and one per source (`Built.prefixes`).
    """
    iris = [s.iri for s in built.sources] if sources is None else sources
    names = dict(sorted(prefixes.items())) if prefixes is not None else built.prefixes()
    files = sorted(e.file for e in EXPORTS.values())
    job = Job(built, names, iris, sparql_endpoint, files)
    writers: Writers = {e.file: functools.partial(e.write, job) for e in EXPORTS.values()}
    return replace_folder(out_dir, writers, "kg build", protected)
