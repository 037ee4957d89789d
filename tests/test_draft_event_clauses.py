"""An event reported by a speech verb takes its parties, time and status from what was said,
not from the report around it (kg.draft.drafter events)."""

from __future__ import annotations

from rdflib import Graph

from kg import registry, resources
from kg.draft.drafter import Proposal, draft_text
from kg.sources import parse_turtle


def _events(text: str, cls: str) -> list[Proposal]:
    entities: Graph = registry.load(resources.sources_dir())
    ontology = parse_turtle(resources.ontology_file())
    draft = draft_text("FICTIONAL TEST TEXT\n\n" + text, entities, ontology)
    return [p for p in draft.proposals if p.cls == cls]


def _time(p: Proposal) -> str:
    return next((v.text for k, v in p.values if k == "time:hasTime"), "")


def _status(p: Proposal) -> str:
    return next(str(v).rsplit("#", 1)[-1] for k, v in p.values if k == "kg:status")


def test_a_reported_event_has_the_parties_of_what_was_said() -> None:
    (event,) = _events(
        "Adm. Karen Liu told the committee on Tuesday that Chinese ships had rammed a "
        "Philippine supply boat twice this year.",
        "Confrontation",
    )
    # the states of the ships and of the boat rammed; not the admiral who reports it
    assert {str(e).rsplit("/", 1)[-1] for e, _ in event.participations} == {
        "china",
        "philippines",
    }


def test_a_reported_plan_is_planned_and_the_reporter_is_no_party() -> None:
    (event,) = _events(
        "Foreign Minister Aiko Sato, who visited Manila on Monday, said Japan would host a "
        "maritime law course for Filipino officers later this year.",
        "Action",
    )
    assert _status(event) == "Planned"
    assert _time(event) == "later this year"
    assert [str(e).rsplit("/", 1)[-1] for e, _ in event.participations] == ["japan"]
