"""Fuzzing the inputs (Hypothesis): a facts file with a hostile statement, and a `--data` file
of every format with hostile bytes spliced in, are read or refused in one line with a non-zero
exit, never a traceback; `kg check` and `kg build` accept the same facts files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from kg import formats, resources
from kg.cli import app
from kg.graph import RDF_FILES

SLUG = "us-china-military-channels"
SOURCE = "    a            kg:Source ;"
runner = CliRunner()
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# pieces of terms that the review found, and their neighbours
_HEX = st.sampled_from(
    ["0000", "000C", "0020", "003E", "0022", "005C", "D800", "DBFF", "DC00", "D83D", "FFFE", "FFFF"]
)
_CHAR = st.one_of(
    st.characters(codec="utf-8", exclude_characters='"\\\n\r'),
    _HEX.map(lambda h: "\\u" + h),
    st.sampled_from(["\\U0001F600", "\\U00110000", "\\t", "\\x", "\\u12", "<", ">", " ", "^", "@"]),
)
_TEXT = st.lists(_CHAR, max_size=12).map("".join)
_IRI = _TEXT.map(lambda t: f"<https://example.org/{t}>")
_LANG = st.from_regex(r"[a-zA-Z]{1,9}(-[a-zA-Z0-9]{0,9}){0,3}", fullmatch=True)
_DATATYPE = st.sampled_from(
    ["xsd:date", "xsd:gYear", "xsd:gYearMonth", "xsd:gMonth", "xsd:dateTime", "xsd:integer"]
)
_CALENDAR = st.from_regex(r"-{0,3}[0-9]{0,5}(-[0-9]{0,3}){0,2}(T[0-9:]{0,9})?Z?", fullmatch=True)
_LITERAL = st.one_of(
    _TEXT.map(lambda t: f'"{t}"'),
    st.tuples(_TEXT, _LANG).map(lambda p: f'"{p[0]}"@{p[1]}'),
    st.tuples(st.one_of(_CALENDAR, _TEXT), _DATATYPE).map(lambda p: f'"{p[0]}"^^{p[1]}'),
)
_PROPERTY = st.sampled_from(
    ["rdfs:label", "rdfs:comment", "dct:issued", "dct:source", "time:month", "dct:language"]
)
STATEMENT = st.tuples(_PROPERTY, st.one_of(_LITERAL, _IRI)).map(lambda p: f"{p[0]} {p[1]} ;")


def _one_line_or_success(result: Result, allowed: tuple[int, ...]) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.output[-2000:])
    failure = result.exception
    assert failure is None or isinstance(failure, SystemExit), repr(failure)[-2000:]
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert len(result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.slow
@FUZZ
@given(statement=STATEMENT)
def test_a_hostile_statement_in_a_facts_file(statement: str, tmp_path: Path) -> None:
    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(resources.sources_dir(), folder / "sources")
    facts = folder / "sources" / SLUG / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(SOURCE, f"{SOURCE} {statement}", 1), encoding="utf-8")
    check = runner.invoke(app, ["check", SLUG, "--sources", str(folder / "sources")])
    _one_line_or_success(check, (0, 1, 2))
    build = runner.invoke(
        app, ["build", "--sources", str(folder / "sources"), "--out", str(folder / "out")]
    )
    _one_line_or_success(build, (0, 1, 2))
    assert (check.exit_code == 0) == (build.exit_code == 0), (check.output, build.output)


# --- --data files of every format ----------------------------------------------------------------

_SPLICE = st.one_of(
    st.text(max_size=8),
    st.binary(max_size=8).map(lambda b: b.decode("latin-1")),
    st.sampled_from(
        [
            "\\u0000",
            "\\uD800",
            "\x00",
            "\x0c",
            '"',
            "<",
            ">",
            "&lol;",
            "<!DOCTYPE r [<!ENTITY lol 'x'>]>",
            '"@context": "http://127.0.0.1:9/c", ',
            '"@import": "/etc/hostname", ',
            "{" * 50,
            "[" * 50,
            "@en-US-x",
            "^^<http://www.w3.org/2001/XMLSchema#date>",
        ]
    ),
)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A small dataset written in every `--data` format."""
    import sys

    import pyoxigraph as ox

    # the rdflib engine raises the recursion limit once (kg.engines.embedded); raised here first,
    # so that Hypothesis sees no change during a test
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))

    quads = list(
        ox.parse(
            b'<http://e/a> <http://e/p> "caf\\u00E9"@fr <http://e/g> .\n'
            b'<http://e/a> <http://e/q> "2024-11-05"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
            b"<http://e/b> <http://e/r> <http://e/a> .\n",
            format=ox.RdfFormat.N_QUADS,
        )
    )
    files = {}
    for suffix, name in RDF_FILES.items():
        kind = formats.RDF[name]
        items = quads if kind.supports_datasets else [q.triple for q in quads]
        files[suffix] = ox.serialize(items, format=kind) or b""
    return files


@pytest.mark.slow
@pytest.mark.parametrize("suffix", sorted(RDF_FILES))
@FUZZ
@given(data=st.data())
def test_hostile_bytes_in_a_data_file(
    suffix: str, data: st.DataObject, small_files: dict[str, bytes], tmp_path: Path
) -> None:
    body = small_files[suffix]
    at = data.draw(st.integers(0, len(body)), label="at")
    cut = data.draw(st.integers(0, 8), label="cut")
    splice = data.draw(_SPLICE, label="splice").encode("utf-8", "surrogatepass")
    path = tmp_path / f"data{suffix}"
    path.write_bytes(body[:at] + splice + body[at + cut :])
    for engine in ("oxigraph", "rdflib"):
        args = ["sparql", "-e", engine, "--data", str(path), "SELECT * { ?s ?p ?o }"]
        _one_line_or_success(runner.invoke(app, args), (0, 2))
