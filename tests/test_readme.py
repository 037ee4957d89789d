"""The README is tested: every console example runs, and prints what the README shows.

The examples run in order, in one temporary copy of the project (`sources/`, and the fictional
test text as `article.txt`, as the README says), with a temporary `KG_CACHE_DIR` and the
project's `kg` first on the PATH. In a ```console block, a line starting with `$ ` is a command
and the lines after it, up to the next command or the end of the block, are what it prints
(stdout and stderr together, as a terminal shows them). A plain `kg ...` command runs in this
process through the CLI app the `kg` script calls (a new interpreter per command would double
the test's time); anything else (`sed`, pipes) runs in bash in the copy. There:

- a line `...` (indented or not) stands for any number of lines left out, none included;
- trailing spaces are not compared.

A ```turtle block whose first line is `# added at the end of PATH` is appended to that file of
the copy when the examples reach it (the walkthrough's "write the facts" step).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ARTICLE = ROOT / "tests" / "fixtures" / "fictional-source" / "text.txt"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
_ADDED = re.compile(r"^# added at the end of (\S+)$")


@dataclass
class Step:
    """A command with the output the README shows, or a file the README adds lines to."""

    line: int  # where it is in README.md
    command: str = ""
    expected: tuple[str, ...] = ()
    path: str = ""
    text: str = ""


def steps(readme: str) -> list[Step]:
    """The README's console commands and file additions, in order."""
    found: list[Step] = []
    for m in _BLOCK.finditer(readme):
        kind, body = m.group(1), m.group(2)
        first = readme.count("\n", 0, m.start(2)) + 1
        lines = body.splitlines()
        if kind == "turtle" and lines and _ADDED.match(lines[0]):
            path = _ADDED.match(lines[0]).group(1)  # type: ignore[union-attr]
            found.append(Step(first, path=path, text="\n" + "\n".join(lines[1:]) + "\n"))
            continue
        if kind != "console":
            continue
        current: Step | None = None
        output: list[str] = []
        for offset, line in enumerate(lines):
            if line.startswith("$ "):
                if current is not None:
                    current.expected = tuple(output)
                    found.append(current)
                current, output = Step(first + offset, command=line[2:]), []
            elif current is not None:
                output.append(line)
        if current is not None:
            current.expected = tuple(output)
            found.append(current)
    return found


def matches(expected: tuple[str, ...], got: list[str]) -> bool:
    """Whether the output matches the README's, `...` standing for any lines left out."""
    want = [line.rstrip() for line in expected]
    have = [line.rstrip() for line in got]
    while want and not want[-1]:
        want.pop()
    while have and not have[-1]:
        have.pop()

    def match(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(have)
        if want[i].strip() == "...":
            return any(match(i + 1, k) for k in range(j, len(have) + 1))
        return j < len(have) and want[i] == have[j] and match(i + 1, j + 1)

    return match(0, 0)


def test_matches_allows_left_out_lines() -> None:
    assert matches(("a", "...", "d"), ["a", "b", "c", "d"])
    assert matches(("a", "...", "d"), ["a", "d"])
    assert matches(("a", "..."), ["a", "b"])
    assert matches(("a", "  ..."), ["a", "  b", "  c"])
    assert not matches(("a", "...", "d"), ["a", "b"])
    assert not matches(("a", "b"), ["a", "b", "c"])
    assert not matches(("a",), ["b"])


def test_plain_kg_commands_run_in_process() -> None:
    assert _in_process("kg query cq7-claims-of --param claimant=china") == [
        "query",
        "cq7-claims-of",
        "--param",
        "claimant=china",
    ]
    assert _in_process("kg sparql 'SELECT * {}' | head") is None
    assert _in_process("sed -n 1p f") is None


def test_the_readme_has_examples() -> None:
    found = steps(README.read_text(encoding="utf-8"))
    commands = [s.command for s in found if s.command]
    assert len(commands) >= 10
    assert any(c.startswith("kg build --sources sources --out out-before") for c in commands)
    for step in ("kg new ", "kg draft ", "kg review ", "kg check ", "kg diff "):
        assert any(step in c for c in commands), step  # the whole walkthrough is run


def _in_process(command: str) -> list[str] | None:
    """The arguments of a plain `kg` command (no shell syntax), else None."""
    if re.search(r"[|;&<>`$()*?\\]", command):
        return None
    words = shlex.split(command)
    return words[1:] if words and words[0] == "kg" else None


@pytest.mark.slow
def test_every_console_example_prints_what_the_readme_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "sources", project / "sources")
    shutil.copy(ARTICLE, project / "article.txt")
    cache = tmp_path / "cache"
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "KG_CACHE_DIR": str(cache),
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "KG_ENDPOINT_USER": "",
    }
    for name in ("KG_CACHE_DIR", "COLUMNS", "NO_COLOR", "KG_ENDPOINT_USER"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.chdir(project)
    failures = []
    for step in steps(README.read_text(encoding="utf-8")):
        if step.path:
            with open(project / step.path, "a", encoding="utf-8") as f:
                f.write(step.text)
            continue
        args = _in_process(step.command)
        if args is not None:
            got = CliRunner().invoke(app, args).output.splitlines()
        else:
            run = subprocess.run(
                ["bash", "-c", step.command],
                cwd=project,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=300,
                check=False,
            )
            got = run.stdout.splitlines()
        if not matches(step.expected, got):
            failures.append(
                f"README.md:{step.line}: $ {step.command}\n--- README shows\n"
                + "\n".join(step.expected)
                + "\n--- it printed\n"
                + "\n".join(got)
            )
    assert not failures, "\n\n".join(failures)
