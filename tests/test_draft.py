"""kg draft: proposals in the form of facts.ttl, deterministic, checked, never read by the build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from kg import registry, resources, shapes
from kg.build import build
from kg.cli import app
from kg.draft import DRAFT_FILE, evaluate_folder, write_draft
from kg.draft.checking import check_draft
from kg.draft.drafter import draft_text
from kg.draft.evaluate import Result, report
from kg.errors import InputError
from kg.namespaces import ENT, KG
from kg.sources import parse_turtle

from .conftest import ROOT, SLUG
from .draft_fixtures import EVAL, HELD_OUT, undrafted, with_held_out

runner = CliRunner()
BLOCK_HEAD = re.compile(
    r"^# draft (fact|ent):[a-z0-9-]+ — (rule [a-z0-9.-]+, confidence [01]\.\d\d|.+)$"
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology, parsed once."""
    return parse_turtle(resources.ontology_file())


def _draft(text: str, ontology: Graph, extra: str = "") -> Graph:
    """Draft a text with the packaged registry (plus some Turtle) and return the draft graph."""
    from kg.draft.turtle import render

    entities = registry.load(resources.sources_dir())
    if extra:
        entities.parse(data=extra, format="turtle")
    draft = draft_text(text, entities, ontology)
    order = shapes.order()
    content = render("t", "t", draft, set(), order)
    graph = Graph()
    graph.parse(data=content, format="turtle")
    return graph


def test_draft_writes_fact_nodes_with_exact_quotes_rules_and_confidences(tmp_path: Path) -> None:
    root = undrafted(tmp_path / "sources")
    result = runner.invoke(app, ["draft", SLUG, "--sources", str(root)])
    assert result.exit_code == 0, result.output
    path = root / SLUG / DRAFT_FILE
    assert result.stdout.strip() == str(path)
    content = path.read_text(encoding="utf-8")
    text = (root / SLUG / "text.txt").read_text(encoding="utf-8")
    graph = Graph()
    graph.parse(data=content, format="turtle")
    quotes = list(graph.subject_objects(KG.quote))
    assert len(quotes) >= 50
    for _fact, quote in quotes:
        assert str(quote) in text
    heads = [line for line in content.splitlines() if line.startswith("# draft ")]
    assert len(heads) >= len(quotes)
    assert all(BLOCK_HEAD.match(line) for line in heads), [
        h for h in heads if not BLOCK_HEAD.match(h)
    ]
    # the facts file is untouched by drafting
    assert "kg:Statement" not in (root / SLUG / "facts.ttl").read_text(encoding="utf-8")


def test_draft_is_deterministic_and_leaves_out_what_facts_state(tmp_path: Path) -> None:
    root = undrafted(tmp_path / "sources")
    first = write_draft(root / SLUG, root).content
    second = write_draft(root / SLUG, root).content
    assert first == second
    # with the hand-written facts in place, only what they do not state is proposed
    full = tmp_path / "full"
    import shutil

    shutil.copytree(resources.sources_dir(), full)
    rest = write_draft(full / SLUG, full)
    assert rest.facts < 10
    assert "fact:role-pete-hegseth" not in rest.content


def test_an_edited_draft_is_never_overwritten_without_force(tmp_path: Path) -> None:
    root = undrafted(tmp_path / "sources")
    path = write_draft(root / SLUG, root).path
    path.write_text(path.read_text(encoding="utf-8") + "# my note\n", encoding="utf-8")
    with pytest.raises(InputError, match="edited since kg draft wrote it"):
        write_draft(root / SLUG, root)
    assert path.read_text(encoding="utf-8").endswith("# my note\n")
    result = runner.invoke(app, ["draft", SLUG, "--sources", str(root)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr
    write_draft(root / SLUG, root, force=True)
    assert not path.read_text(encoding="utf-8").endswith("# my note\n")


@pytest.mark.slow
@pytest.mark.parametrize("name", [SLUG] + [p.name for p in HELD_OUT])
def test_kg_check_accepts_every_draft_it_writes(tmp_path: Path, name: str) -> None:
    if name == SLUG:
        root = undrafted(tmp_path / "sources")
        folder = root / SLUG
    else:
        folder = with_held_out(tmp_path / "sources", name)
        root = folder.parent
    written = write_draft(folder, root)
    assert written.facts >= 25
    assert check_draft(folder, root) == []


def test_check_draft_reports_a_broken_draft(tmp_path: Path) -> None:
    root = undrafted(tmp_path / "sources")
    path = write_draft(root / SLUG, root).path
    content = path.read_text(encoding="utf-8").replace("ent:role-admiral", "ent:role-admirall", 1)
    path.write_text(content, encoding="utf-8")
    problems = check_draft(root / SLUG, root)
    assert any("ent:role-admirall" in p and str(path) in p for p in problems), problems


def test_the_build_never_reads_draft_ttl(tmp_path: Path) -> None:
    root = tmp_path / "sources"
    import shutil

    shutil.copytree(resources.sources_dir(), root)
    before = len(build(root, cache=None).dataset)
    (root / SLUG / DRAFT_FILE).write_text("this is not Turtle {{{\n", encoding="utf-8")
    assert len(build(root, cache=None).dataset) == before


def test_statements_resolve_he_she_and_metonyms_and_quote_first_speech(ontology: Graph) -> None:
    text = (
        "FICTIONAL TEST TEXT\n\n"
        "Pete Hegseth met reporters in Kuala Lumpur on Monday. "
        "He warned China against coercion.\n\n"
        '"We will not back down," Hegseth said. Manila urged ASEAN to act.'
    )
    graph = _draft(text, ontology)
    speakers = {
        str(graph.value(s, KG.quote)): graph.value(s, KG.speaker)
        for s in graph.subjects(KG.speaker, None)
    }
    assert speakers["He warned China against coercion"] == ENT["pete-hegseth"]
    assert speakers['"We will not back down," Hegseth said'] == ENT["pete-hegseth"]
    assert speakers["Manila urged ASEAN to act"] == ENT["philippines"]
    urged = next(s for s in graph.subjects(KG.speaker, ENT["philippines"]))
    assert graph.value(urged, KG.addressee) == ENT["asean"]
    assert graph.value(urged, KG.statementType) == KG.Appeal
    warned = next(s for s in graph.subjects(KG.target, ENT["china"]))
    assert graph.value(warned, KG.statementType) == KG.Warning
    quotation = next(graph.objects(None, KG.quotation))
    assert str(quotation) == "We will not back down,"
    assert (None, KG.mentionText, None) in graph  # "Manila" as a metonym of the Philippines


def test_events_get_participants_place_time_and_status_from_modality(ontology: Graph) -> None:
    text = (
        "FICTIONAL TEST TEXT\n\n"
        "China and the Philippines will hold talks in Kuala Lumpur next month. "
        "Vietnam seized the Scarborough Shoal from Malaysia in 2012."
    )
    graph = _draft(text, ontology)
    meeting = next(graph.subjects(None, KG.Meeting))
    assert graph.value(meeting, KG.status) == KG.Planned
    assert (
        graph.value(meeting, URIRef("http://www.w3.org/ns/prov#atLocation")) == ENT["kuala-lumpur"]
    )
    who = {graph.value(p, KG.participant) for p in graph.objects(meeting, KG.participation)}
    assert who == {ENT["china"], ENT["philippines"]}
    time = graph.value(meeting, URIRef("http://www.w3.org/2006/time#hasTime"))
    assert str(graph.value(time, KG.relativeTime)) == "next month"
    seizure = next(graph.subjects(None, KG.Seizure))
    assert graph.value(seizure, KG.status) == KG.Past
    roles = {
        graph.value(p, KG.participant): graph.value(p, KG.participantRole)
        for p in graph.objects(seizure, KG.participation)
    }
    assert roles[ENT["malaysia"]] == ENT["role-dispossessed"]


def test_roles_and_new_entities_are_proposed_for_review(ontology: Graph) -> None:
    text = (
        "FICTIONAL TEST TEXT\n\n"
        "Japanese Foreign Minister Aiko Tanabe spoke first. "
        "The Japanese navy said it would patrol the area."
    )
    graph = _draft(text, ontology)
    holding = next(graph.subjects(None, KG.RoleHolding))
    assert graph.value(holding, KG.holder) == ENT["aiko-tanabe"]
    assert graph.value(holding, KG.role) == ENT["role-foreign-minister"]
    assert (ENT["aiko-tanabe"], None, KG.Person) in graph  # proposed, not in the registry
    assert (ENT["japanese-navy"], None, KG.MilitaryOrganization) in graph
    assert (ENT["japan"], None, KG.State) in graph  # the gazetteer's state, proposed
    said = next(graph.subjects(KG.speaker, ENT["japanese-navy"]))
    assert graph.value(said, KG.statementType) is not None


def _evaluations(ontology: Graph) -> tuple[list[Result], list[Result]]:
    root = resources.sources_dir()
    article = [evaluate_folder(root / SLUG, root, ontology)]
    return article, [evaluate_folder(p, root, ontology) for p in HELD_OUT]


def test_eval_meets_its_targets(ontology: Graph) -> None:
    article, held = _evaluations(ontology)
    total = article[0].total()
    assert total.recall is not None and total.recall >= 0.85
    assert total.precision is not None and total.precision >= 0.70
    for r in held:
        assert r.total().recall is not None and r.total().recall >= 0.70, r.name


def test_the_committed_eval_results_are_current(ontology: Graph) -> None:
    article, held = _evaluations(ontology)
    committed = (ROOT / "bench" / "draft-eval.md").read_text(encoding="utf-8")
    assert report(article, held) == committed, "bench/draft-eval.md is stale: run make eval"


def test_eval_cli_prints_recall_and_precision_per_class(tmp_path: Path) -> None:
    out = tmp_path / "eval.md"
    held = EVAL / HELD_OUT[0].name
    result = runner.invoke(app, ["eval-draft", SLUG, "--held-out", str(held), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "| Statement |" in result.stdout and "recall" in result.stdout
    assert out.read_text(encoding="utf-8") == result.stdout


def test_draft_of_an_unknown_source_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["draft", "no-such-source", "--sources", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no-such-source: no such source")


def test_the_cli_start_up_does_not_import_spacy() -> None:
    code = "import sys, kg.cli; kg.cli.app; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_participant_role_the_registry_lacks_is_left_out(ontology: Graph) -> None:
    from kg.draft.turtle import render

    entities = registry.load(resources.sources_dir())
    entities.remove((ENT["role-participant"], None, None))
    text = "FICTIONAL TEST TEXT\n\nChina and Vietnam met in Kuala Lumpur."
    order = shapes.order()
    content = render("t", "t", draft_text(text, entities, ontology), set(), order)
    graph = Graph()
    graph.parse(data=content, format="turtle")
    parts = list(graph.subjects(KG.participant, None))
    assert len(parts) == 2
    assert not list(graph.objects(None, KG.participantRole))


def test_a_time_the_facts_file_has_already_is_referred_to_not_written_again(
    ontology: Graph,
) -> None:
    from rdflib import Literal
    from rdflib.namespace import RDFS

    from kg.draft import render_draft

    text = "FICTIONAL TEST TEXT\n\nChina and Vietnam will hold talks in Kuala Lumpur next month."
    ns = "https://w3id.org/scs-kg/fact/t/"
    facts = Graph()
    facts.add((URIRef(ns + "time-next-month"), RDFS.label, Literal("next month", lang="en")))
    entities = registry.load(resources.sources_dir())
    content, _n, _e = render_draft("t", text, facts, entities, ontology)
    assert "time:hasTime     fact:time-next-month ;" in content
    assert "# draft fact:time-next-month" not in content
    fresh, _n, _e = render_draft("t", text, Graph(), entities, ontology)
    assert "# draft fact:time-next-month" in fresh


def test_a_statement_after_the_event_a_sentence_opens_with_is_made_during_it(
    ontology: Graph,
) -> None:
    text = (
        "FICTIONAL TEST TEXT\n\n"
        "During a conversation with Dong Jun, Pete Hegseth criticized China and praised Vietnam."
    )
    graph = _draft(text, ontology)
    conversation = next(graph.subjects(None, KG.Conversation))
    who = {graph.value(p, KG.participant) for p in graph.objects(conversation, KG.participation)}
    assert who == {ENT["dong-jun"], ENT["pete-hegseth"]}  # not China, what was said about
    statements = list(graph.subjects(KG.speaker, ENT["pete-hegseth"]))
    assert len(statements) == 2
    assert all(graph.value(s, KG.madeDuring) == conversation for s in statements)


def test_a_capital_stands_for_its_state_unless_it_is_a_place(ontology: Graph) -> None:
    text = "FICTIONAL TEST TEXT\n\nBeijing rejected the claim. Talks were held in Beijing."
    graph = _draft(text, ontology)  # the packaged registry has no metonym "Beijing"
    mentions = list(graph.subjects(KG.mentionText, None))
    assert len(mentions) == 1
    assert graph.value(mentions[0], KG.refersTo) == ENT["china"]
    assert str(graph.value(mentions[0], KG.quote)).startswith("Beijing rejected")
    rejection = next(graph.subjects(KG.statementType, KG.Rejection))
    assert graph.value(rejection, KG.speaker) == ENT["china"]


def test_according_to_and_the_passive_name_the_speaker_after_the_verb(ontology: Graph) -> None:
    text = (
        "FICTIONAL TEST TEXT\n\n"
        "Vessels blocked the channel, according to the Philippines. "
        "Vietnam was criticized by China for the drills."
    )
    graph = _draft(text, ontology)
    reported = next(graph.subjects(KG.speaker, ENT["philippines"]))
    assert str(graph.value(reported, KG.quote)).startswith("Vessels blocked the channel")
    criticism = next(graph.subjects(KG.statementType, KG.Criticism))
    assert graph.value(criticism, KG.speaker) == ENT["china"]
    assert graph.value(criticism, KG.target) == ENT["vietnam"]
