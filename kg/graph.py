"""The one loader: where the graph a command reads comes from, always as a `kg.build.Built`.

`open` takes one of

- `data`: a build's output folder (its `scs-kg.nq`) or an RDF file (`RDF_FILES`), read only
  when asked for: pyoxigraph bulk-loads the file for a store, rdflib parses it for a dataset,
  and its parts are its graphs (`Dump`);
- `sources`: a sources folder, built with the build's cache;
- `commit`: a git commit of a repository, its `sources/` and `ontology/` read with
  `git archive` and built in a temporary folder (the repository is not changed);

and with none of them the default: `out/` if it holds a build, else the packaged sources,
built. `kg query`, `kg sparql`, `kg describe`, `kg serve`, `kg push`, `kg viz`, `kg views`,
`kg diff` and `kg.api.KnowledgeGraph.open` all load through it.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef

from kg import formats, jsonld, xmlguard
from kg.build import Built, Part, build
from kg.cache import file_state
from kg.errors import InputError, KgError
from kg.namespaces import DERIVED_GRAPH, graph_source
from kg.outfolder import DEFAULT_DATA, DUMP_FILE
from kg.prefixes import new_dataset, with_sources

RDF_FILES = {f".{formats.extension(name)}": name for name in formats.RDF}
"""The RDF files `--data` reads: suffix -> format name (`kg.formats`), pyoxigraph's extensions."""


def data_file(data: Path) -> Path:
    """Return the RDF file to load: the file itself (see `RDF_FILES`), or a build's dump."""
    path = data / DUMP_FILE if data.is_dir() else data
    if not path.is_file():
        raise InputError(f"{path}: no such file (run `kg build --out {data}` first)")
    if path.suffix not in RDF_FILES:
        raise InputError(f"{path}: unknown RDF format (want {', '.join(RDF_FILES)})")
    return path


def default_is_built() -> bool:
    """Whether the default data (`out/`) holds a build; if not, `open()` builds the sources."""
    return (DEFAULT_DATA / DUMP_FILE).is_file()


def open(
    data: Path | None = None,
    *,
    sources: Path | None = None,
    commit: str | None = None,
    repo: Path | None = None,
) -> Built:
    """Return the graph: of a build's output or RDF file, a sources folder, or a git commit
    (of `repo`, default the current folder); with none, `out/` if built, else the packaged
    sources, built in memory."""
    given = [x for x in (data, sources, commit) if x is not None]
    if len(given) > 1:
        raise InputError("give one of: a build's output (--data), a sources folder, a commit")
    if data is not None:
        return Dump(data_file(data))
    if sources is not None:
        return build(sources)
    if commit is not None:
        return _open_commit(commit, repo or Path.cwd())
    if default_is_built():
        return Dump(DEFAULT_DATA / DUMP_FILE)
    return build()


def locate(where: str, repo: Path | None = None) -> Built:
    """Return the graph a word names (as `kg diff` takes it): a build's output folder, a
    sources folder (one with an `entities.ttl`), else a git commit of `repo`."""
    path = Path(where)
    if path.is_dir() and (path / DUMP_FILE).is_file():
        return open(path)
    if path.is_dir() and (path / "entities.ttl").is_file():
        return open(sources=path)
    if path.exists():
        raise InputError(f"{where}: neither a build folder ({DUMP_FILE}) nor a sources folder")
    return open(commit=where, repo=repo)


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git: not found (needed to compare commits)") from None
    if done.returncode != 0:
        first = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[0]
        raise InputError(f"git {' '.join(args)}: {first}")
    return done.stdout


def _open_commit(rev: str, repo: Path) -> Built:
    """Build the sources of a git commit, read with `git archive` into a temporary folder."""
    try:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except InputError:
        raise InputError(f"{rev}: not a build folder, a sources folder or a git commit") from None
    sha = commit.decode().strip()
    data = _git(repo, "archive", "--format=tar", sha, "sources", "ontology")
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            try:
                tar.extractall(tmp, filter="data")
            except tarfile.FilterError as exc:  # a link out of the tree, a device, …
                info = exc.tarinfo
                why = (
                    f"a link to {info.linkname}, outside the commit's files"
                    if info.linkname
                    else "not a plain file or folder"
                )
                raise InputError(
                    f"commit {sha[:12]}: {info.name} is {why}; nothing was read"
                ) from None
            except tarfile.TarError as exc:
                raise InputError(f"commit {sha[:12]}: git archive gave {exc}") from None
        built = build(Path(tmp) / "sources", Path(tmp) / "ontology" / "scs-kg.ttl")
        built.dataset  # noqa: B018  (made now: the sources' folder goes when this block ends)
        built.origin = f"the build of commit {sha[:12]}"
        return built


def from_dataset(dataset: Dataset, origin: str = "the graph built in memory") -> Built:
    """Return a dataset made in rdflib as a `Built`: one part per graph (the dataset kept)."""
    parts = [Part(g.identifier, graph=g) for g in dataset.graphs() if len(g)]
    built = Built([], parts, [], Part(DERIVED_GRAPH), "", dataset=dataset)
    built.origin = origin
    return built


class Dump(Built):
    """A graph in an RDF file (a build's `scs-kg.nq`, or a user's file): read when asked for.

    `store()` bulk-loads the file into pyoxigraph, `dataset` parses it with rdflib, and
    `parts()` are its graphs, one part each (N-Triples).
    """

    def __init__(self, path: Path) -> None:
        super().__init__([], [], [], Part(DERIVED_GRAPH), "")
        self.path = path
        self.origin = str(path)
        self._split = False
        self._admitted = False

    def _format(self) -> Any:
        return formats.RDF[self._syntax()]

    def _syntax(self) -> str:
        """The file's format, by the project's name (`kg.formats.RDF`)."""
        return RDF_FILES[self.path.suffix]

    def fingerprint(self) -> str:
        """Identify the file cheaply by its path and state (as the query answers are keyed)."""
        return f"{self.path.resolve()} {file_state(self.path)}"

    def store(self, into: Any = None) -> Any:
        """Return a pyoxigraph store with the file's quads (or load them `into` a store)."""
        import pyoxigraph as ox

        self._admit()
        store = ox.Store() if into is None else into
        try:
            store.bulk_load(path=str(self.path), format=self._format())
        except SyntaxError as exc:
            raise self._syntax_error(exc) from None
        except MemoryError:
            raise too_long(self.path) from None
        except OSError as exc:
            raise InputError(f"{self.path}: {str(exc).splitlines()[0]}") from None
        return store

    def _admit(self) -> None:
        """Refuse, before any parser reads the file, what a parser would expand or fetch."""
        if not self._admitted:
            if self._syntax() == "xml":
                xmlguard.check(self.path)
            elif self._syntax() == "json-ld":
                try:
                    jsonld.check_depth(self.path.read_bytes(), str(self.path))
                except OSError as exc:
                    raise InputError(f"{self.path}: {exc.strerror or exc}") from None
            self._admitted = True

    def _preflight(self) -> None:
        """Read the file once with pyoxigraph (linear, bounded): rdflib reads only what the
        default engine reads, and its errors carry pyoxigraph's line."""
        import pyoxigraph as ox

        for _quad in self._read_quads(ox):
            pass

    def _read_quads(self, ox: Any) -> Iterator[Any]:
        """The file's quads as pyoxigraph reads them; what it refuses is one line (the file's
        line, a file too big to hold, or the system's reason)."""
        try:
            yield from ox.parse(path=str(self.path), format=self._format())
        except SyntaxError as found:
            raise self._syntax_error(found) from None
        except MemoryError:
            raise too_long(self.path) from None
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.path}: {str(exc).splitlines()[0]}") from None

    @property
    def dataset(self) -> Dataset:
        """The file parsed by rdflib into a dataset (its default graph the union)."""
        if self._dataset is None:
            self._admit()
            if self._syntax() == "json-ld":
                self._closed()
            self._preflight()
            ds = new_dataset()
            try:
                ds.parse(self.path, format=self._syntax())
            except KgError:
                raise
            except Exception as exc:  # rdflib raises many kinds; pyoxigraph says the line
                raise self._parse_error(exc) from None
            self._dataset = ds
        return self._dataset

    def _syntax_error(self, exc: SyntaxError) -> InputError:
        """One line for what pyoxigraph refuses; for JSON-LD, the other document it names."""
        if self._syntax() == "json-ld":
            try:
                self._closed()
            except InputError as named:
                return named
        return data_error(self.path, exc.msg or "", exc.lineno)

    def _closed(self) -> None:
        """Refuse a JSON-LD file that names another document, and let rdflib fetch none."""
        import json

        try:
            doc = json.loads(self.path.read_bytes())
        except RecursionError:
            raise InputError(f"{self.path}: JSON nested too deep") from None
        except (ValueError, OSError):
            return  # not JSON: the parser says where
        jsonld.check_closed(doc, str(self.path))
        jsonld.close_rdflib()

    def parts(self) -> list[Part]:
        """The file's graphs, one part each (N-Triples), in the order of their names."""
        if not self._split:
            self.shared = self._graphs()
            self._split = True
        return super().parts()

    def _graphs(self) -> list[Part]:
        import pyoxigraph as ox
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        graphs: dict[str, list[Any]] = {}
        self._admit()
        for quad in self._read_quads(ox):
            name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            graphs.setdefault(name, []).append(quad.triple)
        parts = []
        for name in sorted(graphs):
            body = ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES) or b""
            parts.append(Part(URIRef(name) if name else DATASET_DEFAULT_GRAPH_ID, data=body))
        return parts

    def quad_count(self) -> int:
        """Return the number of quads in the file."""
        return len(self.store())

    def prefixes(self) -> dict[str, str]:
        """Return the project's prefixes and one per source graph of the file (`<slug>:`)."""
        names = (str(part.name) for part in self.parts())
        return with_sources(s for s in map(graph_source, names) if s is not None)

    def _parse_error(self, exc: Exception) -> InputError:
        """One line for a file rdflib cannot parse, with its line as pyoxigraph reports it."""
        try:
            self._preflight()
        except InputError as found:
            return found
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or str(exc)
        return data_error(self.path, why, line + 1 if isinstance(line, int) else None)


def data_error(path: Path, message: str, line: int | None = None) -> InputError:
    """One line naming a malformed data file and, where the parser says, its line."""
    first = message.strip().splitlines()[0] if message.strip() else "unreadable"
    m = re.match(r"^Parser error (?:at|between) line (\d+)[^:]*: (.*)$", first)
    if m:
        line, first = line or int(m.group(1)), m.group(2)
    where = f"{path}:{line}" if line else str(path)
    if "LoadDocumentCallback" in first:  # pyoxigraph has no loader: it fetches nothing either
        return InputError(f"{where}: {jsonld.REFUSED}")
    return InputError(f"{where}: malformed {formats.title(RDF_FILES[path.suffix])}: {first}")


def too_long(path: Path) -> InputError:
    """One line for a file with a term or line over pyoxigraph's bound (16 MiB)."""
    return InputError(f"{path}: a term or line over 16 MiB: refused (the parser's bound)")
