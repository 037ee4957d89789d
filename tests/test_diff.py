"""`kg diff`: added, removed and changed facts between two builds or two commits, readably."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import resources
from kg.build import build
from kg.cli import app
from kg.export import write_outputs

from .fictional import FICTIONAL, sources_with_fictional

runner = CliRunner()
Edit = Callable[[Path, str, str], None]
ADDED = "+ fact fictional-source/stmt-philippines-accuses-china"


def _export(sources: Path | None, out: Path) -> Path:
    built = build(sources)
    write_outputs(built, out, [s.iri for s in built.sources])
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two build folders: the packaged source, then the packaged and the fictional ones."""
    tmp = tmp_path_factory.mktemp("diff")
    old = _export(None, tmp / "old")
    new = _export(sources_with_fictional(tmp / "sources"), tmp / "new")
    return old, new


def _diff(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["diff", *args])
    return result.exit_code, result.output


def _block(output: str, header: str) -> list[str]:
    lines = output.splitlines()
    start = lines.index(header)
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        block.append(line.strip())
    return block


def test_diff_lists_an_added_fact_with_labels_and_quote(builds: tuple[Path, Path]) -> None:
    code, output = _diff(str(builds[0]), str(builds[1]))
    assert code == 0, output
    block = _block(output, ADDED)
    assert "type: kg:Statement" in block
    assert "label: The Philippines accuses China of blocking fishing boats (fictional)" in block
    assert "kg:speaker: Philippines (ent:philippines)" in block
    assert "kg:target: China (ent:china)" in block
    assert "kg:statementType: accusation (kg:Accusation)" in block
    assert (
        "quote: “the Philippines accused China of blocking fishing boats near Scarborough Shoal”"
        in block
    )
    meeting = _block(output, "+ fact fictional-source/meeting-philippines-china")
    assert "kg:participation: Philippines (ent:philippines) as party (ent:role-party)" in meeting
    assert "+ source fictional-source" in output
    assert "+ edge Philippines (ent:philippines) kg:statedAbout China (ent:china)" in output
    assert output.splitlines()[0] == (
        "sources +1 -0 ~0; facts +5 -0 ~0; edges +3 -0 ~0; entities +0 -0 ~0"
    )
    assert not [x for x in output.splitlines() if x.startswith(("- ", "~ "))]


def test_diff_the_other_way_lists_the_facts_as_removed(builds: tuple[Path, Path]) -> None:
    code, output = _diff(str(builds[1]), str(builds[0]))
    assert code == 0
    assert "- fact fictional-source/stmt-philippines-accuses-china" in output
    assert "- source fictional-source" in output
    assert not [x for x in output.splitlines() if x.startswith(("+ ", "~ "))]


def test_diff_of_a_build_with_itself_is_empty(builds: tuple[Path, Path]) -> None:
    code, output = _diff(str(builds[0]), str(builds[0]))
    assert code == 0
    assert output == "sources +0 -0 ~0; facts +0 -0 ~0; edges +0 -0 ~0; entities +0 -0 ~0\n"


def test_diff_shows_a_changed_quote_and_changed_metadata(tmp_path: Path, edit: Edit) -> None:
    old = sources_with_fictional(tmp_path / "old")
    new = tmp_path / "new"
    shutil.copytree(old, new)
    edit(
        new / FICTIONAL / "facts.ttl",
        '"Manila said the invented incident"',
        '"Manila said the invented incident showed the need"',
    )
    edit(new / FICTIONAL / "facts.ttl", "Hold Invented Talks", "Hold Made-up Talks")
    code, output = _diff(str(old), str(new))  # sources folders are built in memory
    assert code == 0, output
    assert output.splitlines()[0].startswith("sources +0 -0 ~1; facts +0 -0 ~1;")
    assert _block(output, "~ source fictional-source")[1:] == [
        "- dct:title: “FICTIONAL TEST ARTICLE: Philippines and China Hold Invented Talks”",
        "+ dct:title: “FICTIONAL TEST ARTICLE: Philippines and China Hold Made-up Talks”",
    ]
    block = _block(output, "~ fact fictional-source/metonym-manila")
    assert block[1:] == [
        "- quote: “Manila said the invented incident”",
        "+ quote: “Manila said the invented incident showed the need”",
    ]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_diff_compares_two_commits_without_touching_the_repository(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(resources.data_root() / "ontology", repo / "ontology")
    shutil.copytree(resources.sources_dir(), repo / "sources")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one source")
    shutil.rmtree(repo / "sources")
    sources_with_fictional(repo / "sources")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "two sources")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    code, output = _diff("HEAD~1", "HEAD", "--repo", str(repo))
    assert code == 0, output
    assert ADDED in output
    assert "quote: “the Philippines accused China of blocking fishing boats" in output
    after = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    assert after.stdout == status.stdout
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True)
    assert len(worktrees.stdout.splitlines()) == 1


def test_diff_of_an_unknown_build_is_one_line(tmp_path: Path) -> None:
    code, output = _diff(str(tmp_path), "no-such-commit", "--repo", str(tmp_path))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path}: neither a build folder")


def test_diff_of_a_commit_linking_a_text_out_of_the_tree_reads_nothing(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(resources.data_root() / "ontology", repo / "ontology")
    shutil.copytree(resources.sources_dir(), repo / "sources")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one source")
    text = next((repo / "sources").glob("*/text.txt"))
    text.unlink()
    text.symlink_to("/etc/passwd")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "the text is a link")
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--repo", str(repo)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: commit ")
    assert f"sources/{text.parent.name}/text.txt is a link to /etc/passwd" in lines[0]
    assert lines[0].endswith("nothing was read")
    assert "root:" not in result.output
