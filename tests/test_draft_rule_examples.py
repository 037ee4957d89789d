"""Every example of the drafter's rules (kg/draft/rules/examples.toml) gives the facts it names."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from kg import registry, resources
from kg.draft.drafter import Proposal, TimeNode, draft_text
from kg.draft.rules import RULES_DIR
from kg.sources import parse_turtle

EXAMPLES: list[dict[str, Any]] = tomllib.loads(
    (RULES_DIR / "examples.toml").read_text(encoding="utf-8")
)["example"]


@pytest.fixture(scope="module")
def world() -> tuple[Graph, Graph]:
    """The packaged registry and the ontology, read once."""
    return registry.load(resources.sources_dir()), parse_turtle(resources.ontology_file())


def _links(p: Proposal) -> set[str]:
    found = {str(v) for _, v in p.values if isinstance(v, URIRef)}
    found |= {str(e) for e, _ in p.participations}
    return {x.rsplit("/", 1)[-1] for x in found}


def _value(v: Any) -> str:
    """An entity value by its local name; a drafted node by its rule ("rule:action.requested"),
    a time by its words ("time:on Monday"), a string (kg:subjectMatter) as it is."""
    if isinstance(v, Literal):
        return str(v)
    if isinstance(v, Proposal):
        return f"rule:{v.rule}"
    if isinstance(v, TimeNode):
        return f"time:{v.text}"
    return str(v).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _has_values(p: Proposal, wanted: dict[str, list[str]]) -> bool:
    """Each property named in `values` holds exactly the values listed (none for [])."""
    return all(
        sorted(_value(v) for prop, v in p.values if prop == name) == sorted(values)
        for name, values in wanted.items()
    )


def _gives(example: dict[str, Any], world: tuple[Graph, Graph]) -> bool:
    entities, ontology = world
    draft = draft_text("FICTIONAL EXAMPLE\n\n" + example["text"], entities, ontology)
    return any(
        p.cls == example["class"]
        and p.rule.startswith(example["rule"])
        and set(example["links"]) <= _links(p)
        and _has_values(p, example.get("values", {}))
        for p in draft.proposals
    )


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e['rule']}{i}" for i, e in enumerate(EXAMPLES)]
)
def test_a_rule_example_gives_its_facts(
    example: dict[str, Any], world: tuple[Graph, Graph]
) -> None:
    if "absent" in example:  # a shape that must give no such fact (a half-coded one)
        assert not _gives(example, world), f"drafted, though {example['absent']}"
    elif "missed" in example:
        assert not _gives(example, world), f"now read: drop `missed` ({example['missed']})"
    else:
        assert _gives(example, world), example["text"]


def test_every_example_names_a_class_of_the_ontology(world: tuple[Graph, Graph]) -> None:
    from kg.namespaces import KG

    _, ontology = world
    classes = {str(c).rsplit("#", 1)[-1] for c in ontology.subjects() if str(c).startswith(str(KG))}
    for example in EXAMPLES:
        assert example["class"] in classes, example
