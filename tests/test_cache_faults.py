"""Cache entries are verified on every read: a damaged entry is discarded with a warning and
computed again, so the build's output equals a cold build's, byte for byte."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kg import resources
from kg.build import build
from kg.cache import TAG, TAG_FILE, Cache, Entry, digest, is_ours, open_cache
from kg.export import write_outputs
from kg.validation import validate, validate_whole

pytestmark = pytest.mark.slow  # builds in fresh processes

Fault = Callable[[bytes], bytes]


def _body(data: bytes) -> tuple[bytes, bytes]:
    head, _sep, body = data.partition(b"\n")
    return head + b"\n", body


def _truncate_at_line(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(lines[: max(1, len(lines) // 2)])


def _cut_mid_line(data: bytes) -> bytes:
    return data[: len(data) // 2 + 3]


def _empty(_data: bytes) -> bytes:
    return b""


def _edit_literal(data: bytes) -> bytes:
    head, body = _body(data)
    at = body.find(b'"') + 1  # inside the first literal or string (0: there is none)
    return head + body[:at] + b"FABRICATED " + body[at:]


def _add_triple(data: bytes) -> bytes:
    ent = b"<https://w3id.org/scs-kg/id/"
    return data + ent + b"china> <https://w3id.org/scs-kg/ontology#allyOf> " + ent + b"vietnam> .\n"


def _random_bytes(data: bytes) -> bytes:
    return random.Random(len(data)).randbytes(len(data))


FAULTS: dict[str, Fault] = {
    "truncated at a line": _truncate_at_line,
    "cut mid-line": _cut_mid_line,
    "empty": _empty,
    "a literal edited": _edit_literal,
    "a triple added": _add_triple,
    "random bytes": _random_bytes,
}


def _forge(entry: Entry, body: bytes) -> None:
    """Write a body under a valid digest: what only a deliberate forger could do."""
    header = b"# scs-kg cache 1 sha256=" + digest(entry.kind, entry.key, body).encode() + b"\n"
    entry.path.write_bytes(header + body)


def _outputs(sources: Path, out: Path, cache: Path | None) -> dict[str, bytes]:
    built = build(sources, cache=cache if cache is not None else None)
    assert validate(built, cache=cache if cache is not None else None) == []
    write_outputs(built, out, [s.iri for s in built.sources])
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The exports of a build without any cache."""
    out = tmp_path_factory.mktemp("cold") / "out"
    return _outputs(resources.sources_dir(), out, None)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete cache of the packaged sources (copied for each test)."""
    cache = tmp_path_factory.mktemp("warm") / "cache"
    _outputs(resources.sources_dir(), tmp_path_factory.mktemp("w") / "out", cache)
    return cache


def _entries(cache: Path, kind: str) -> list[Path]:
    return [p for p in Cache(cache).files() if p.parent.name == kind]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_damaged_entry_is_discarded_and_computed_again(
    fault: str,
    cold: dict[str, bytes],
    warm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every entry of every kind (compiled source, direct edges, verdicts, exports) damaged."""
    cache = tmp_path / "cache"
    shutil.copytree(warm, cache)
    paths = Cache(cache).files()
    assert {p.parent.name for p in paths} == {"build", "derive", "validate", "export"}
    for path in paths:
        data = path.read_bytes()
        damaged = FAULTS[fault](data)
        assert damaged != data
        path.write_bytes(damaged)
    capsys.readouterr()
    assert _outputs(resources.sources_dir(), tmp_path / "out", cache) == cold
    warnings = capsys.readouterr().err.splitlines()
    assert len([w for w in warnings if "is damaged" in w]) == len(paths), warnings
    assert all(w.startswith("warning: cache entry ") for w in warnings if "damaged" in w)
    # the recomputed entries are intact: a second warm build warns of nothing
    assert _outputs(resources.sources_dir(), tmp_path / "again", cache) == cold
    assert "damaged" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("validate", b'{"k": [], "r": 3}'),
        ("validate", b"[1, 2, 3]"),
        ("validate", b"not json at all"),
        ("derive", b"<https://a> <https://b> <https://c> .\n"),  # no joins line
        ("derive", b'# joins {"subjects": 1}\n'),
        ("derive", b'# joins {"subjects": [], "targets": []}\n'),  # no digest (older entries)
        ("derive", b'# joins {"subjects": [], "targets": [], "digest": "not a digest"}\n'),
        ("export.json", b'{"subjects": [1], "classes": {}, "dates": []}'),
        ("export.json", b'{"subjects": [], "classes": {"c": "not a list"}, "dates": []}'),
        ("export.json", b'{"subjects": [], "classes": {}, "dates": [["too", "short"]]}'),
        ("export.json", b"not json at all"),
    ],
)
def test_an_entry_of_the_wrong_shape_is_refused_even_with_a_valid_digest(
    kind: str,
    body: bytes,
    cold: dict[str, bytes],
    warm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(warm, cache)
    store = Cache(cache)
    kind, _dot, suffix = kind.partition(".")  # "export.json": the export entries of that suffix
    paths = [p for p in _entries(cache, kind) if not suffix or p.suffix == f".{suffix}"]
    assert paths
    for path in paths:
        _forge(Entry(store, kind, path.stem, path.suffix), body)
    assert _outputs(resources.sources_dir(), tmp_path / "out", cache) == cold
    assert capsys.readouterr().err.count("is damaged") == len(paths)


def test_an_entry_moved_to_another_key_is_refused(
    cold: dict[str, bytes], warm: Path, tmp_path: Path
) -> None:
    """The digest covers the key: a valid entry copied over another one is not used."""
    cache = tmp_path / "cache"
    shutil.copytree(warm, cache)
    build_entry = _entries(cache, "build")[0]
    derive_entry = cache / "derive" / build_entry.name
    shutil.copyfile(derive_entry, build_entry)  # a valid entry, of another kind
    assert _outputs(resources.sources_dir(), tmp_path / "out", cache) == cold


def test_shacl_verdicts_are_verified_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The chunked SHACL cache (whole-dataset validation, as `kg check` runs it)."""
    cache = tmp_path / "cache"
    built = build(cache=None)
    first = validate_whole(built, cache=cache)
    paths = _entries(cache, "shacl")
    assert paths
    for path in paths:
        path.write_bytes(_cut_mid_line(path.read_bytes()))
    capsys.readouterr()
    assert validate_whole(built, cache=cache) == first
    assert capsys.readouterr().err.count("is damaged") == len(paths)
    for path in paths:
        entry = Entry(Cache(cache), "shacl", path.stem, ".json")
        _forge(entry, json.dumps([["x", "y"]]).encode())
    assert validate_whole(built, cache=cache) == first


def test_a_cache_folder_of_someone_else_is_never_written_or_pruned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    (folder / "build").mkdir(parents=True)
    keep = folder / "build" / ("0" * 64 + ".nt")  # named like an entry, but not the project's
    keep.write_text("a user's file", encoding="utf-8")
    (folder / "notes.txt").write_text("notes", encoding="utf-8")
    assert open_cache(folder) is None
    assert "did not write" in capsys.readouterr().err
    assert Cache(folder).files() == [] and Cache(folder).prune() == (0, 0)
    assert keep.read_text(encoding="utf-8") == "a user's file"
    assert not (folder / TAG_FILE).exists()
    built = build(cache=folder)  # the build goes on without a cache
    assert built.cache is None and all(u.graph.entry is None for u in built.units)
    assert sorted(p.name for p in folder.rglob("*")) == sorted(["build", keep.name, "notes.txt"])


def test_a_cache_setting_that_is_a_file_is_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    assert open_cache(file) is None
    assert capsys.readouterr().err.strip().endswith("is not a folder; working without a cache")
    assert file.read_text(encoding="utf-8") == "x"


def test_an_untagged_cache_of_an_older_version_is_adopted(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    for kind in ("build", "validate"):
        (folder / kind).mkdir(parents=True)
    cache = open_cache(folder)
    assert cache is not None and (folder / TAG_FILE).is_file()


@pytest.mark.parametrize("written", ["", TAG[:20]])
def test_a_tag_another_process_is_writing_is_no_stranger(
    tmp_path: Path, written: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / TAG_FILE).write_text(written, encoding="utf-8")  # two commands, one new cache
    cache = open_cache(folder)
    assert cache is not None and capsys.readouterr().err == ""
    assert is_ours(folder)


def test_a_tag_with_other_words_is_a_stranger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / TAG_FILE).write_text("Signature: not ours", encoding="utf-8")
    assert open_cache(folder) is None
    assert "did not write" in capsys.readouterr().err
    assert (folder / TAG_FILE).read_text(encoding="utf-8") == "Signature: not ours"
