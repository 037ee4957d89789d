"""kg draft --model-endpoint: the plumbing and the quote guard, with a local stand-in server."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rdflib import Graph, Literal
from typer.testing import CliRunner

from kg import resources
from kg.cli import app
from kg.draft import DRAFT_FILE
from kg.draft.checking import check_draft
from kg.namespaces import ENT, KG

from .fictional import FICTIONAL, FIXTURE

runner = CliRunner()
ANSWER = [
    {
        "class": "Statement",
        "quote": "the Philippines accused China of blocking fishing boats",
        "speaker": "ent:philippines",
        "type": "Accusation",
        "target": "ent:china",
    },
    {"class": "Statement", "quote": "the Philippines praised China", "speaker": "ent:philippines",
     "type": "Endorsement"},
    {"class": "Meeting", "quote": "Officials of the Philippines and China then met",
     "participants": ["ent:philippines", "ent:china"], "status": "Past"},
    {"class": "RoleHolding", "quote": "Manila said", "holder": "ent:nobody",
     "role": "ent:role-spokesperson"},
    {"class": "Statement", "quote": "Manila said", "speaker": "ent:philippines", "type": "Gossip"},
]  # fmt: skip


class StandIn(BaseHTTPRequestHandler):
    """Answers every chat completion with the fixed facts above, in a ```json fence."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.requests.append({"path": self.path, "body": body})
        content = "```json\n" + json.dumps({"facts": ANSWER}) + "\n```"
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode("utf-8"))

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


@pytest.fixture
def endpoint() -> Iterator[str]:
    """A stand-in chat server on a free loopback port, stopped after the test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandIn.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    shutil.copytree(resources.sources_dir(), root)
    shutil.copytree(FIXTURE, root / FICTIONAL)
    facts = root / FICTIONAL / "facts.ttl"
    head = facts.read_text(encoding="utf-8").split("# --- Facts ---")[0]
    facts.write_text(head, encoding="utf-8")
    return root


def test_model_drafts_keep_only_checked_facts_and_list_the_rest(
    tmp_path: Path, endpoint: str
) -> None:
    root = _sources(tmp_path)
    args = ["draft", FICTIONAL, "--sources", str(root), "--model-endpoint", endpoint]
    result = runner.invoke(app, [*args, "--model", "stand-in"])
    assert result.exit_code == 0, result.output
    request = StandIn.requests[0]
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert isinstance(body, dict) and body["model"] == "stand-in"
    assert "ent:philippines = Philippines" in body["messages"][1]["content"]
    assert "Washington, in this fiction, welcomed the talks." in body["messages"][1]["content"]
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected ")]
    assert len(rejected) == 3
    assert "model fact 2 (Statement): quote not in the text" in rejected[0]
    assert "model fact 4 (RoleHolding): unknown entity 'ent:nobody'" in rejected[1]
    assert "model fact 5 (Statement): unknown statement type 'Gossip'" in rejected[2]
    graph = Graph()
    graph.parse(root / FICTIONAL / DRAFT_FILE, format="turtle")
    assert len(set(graph.subjects(KG.quote, None))) == 2
    statement = next(graph.subjects(KG.speaker, ENT["philippines"]))
    assert graph.value(statement, KG.target) == ENT["china"]
    assert check_draft(root / FICTIONAL, root) == []


def test_an_endpoint_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    root = _sources(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    args = [
        "draft",
        FICTIONAL,
        "--sources",
        str(root),
        "--model-endpoint",
        f"http://127.0.0.1:{port}",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "did not answer" in result.stderr
    assert not (root / FICTIONAL / DRAFT_FILE).exists()


def test_a_model_statement_naming_nothing_keeps_its_words_as_subject_matter() -> None:
    """Model rule 1: a statement with no target and no about is kept when it gives what it is
    about in its words (kg:subjectMatter, inside its quote), and refused when it gives nothing."""
    from kg import registry
    from kg.draft.model import guard
    from kg.sources import parse_turtle

    entities = registry.load(resources.sources_dir())
    ontology = parse_turtle(resources.ontology_file())
    text = "FICTIONAL\n\nVietnam said the catch was half what it was last year."
    worded = {"class": "Statement", "quote": "Vietnam said the catch was half what it was",
              "speaker": "ent:vietnam", "type": "Assessment",
              "subjectMatter": "the catch was half what it was"}  # fmt: skip
    bare = {k: v for k, v in worded.items() if k != "subjectMatter"}
    outside = {**worded, "subjectMatter": "the harvest"}
    kept, rejected = guard([worded, bare, outside], text, entities, ontology)
    assert len(kept) == 1
    assert (
        "kg:subjectMatter",
        Literal("the catch was half what it was"),
    ) in kept[0].values
    assert [r.index for r in rejected] == [2, 3]
    assert "subjectMatter" in rejected[0].why
    assert "not inside the quote" in rejected[1].why
