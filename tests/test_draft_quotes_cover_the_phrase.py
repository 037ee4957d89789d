"""A drafted fact's quote is the phrase that states it: a capital with the words that govern it,
a setting without what was said there, a treaty's name with its parties."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg import registry, resources
from kg.draft.drafter import draft_text
from kg.sources import parse_turtle


@pytest.fixture(scope="module")
def world() -> tuple[Graph, Graph]:
    """The packaged registry and the ontology, read once."""
    return registry.load(resources.sources_dir()), parse_turtle(resources.ontology_file())


def _quotes(text: str, cls: str, world: tuple[Graph, Graph]) -> list[str]:
    raw = "FICTIONAL EXAMPLE\n\n" + text
    draft = draft_text(raw, *world)
    return [raw[p.quote.begin : p.quote.end] for p in draft.proposals if p.cls == cls]


@pytest.mark.parametrize(
    ("text", "cls", "quote"),
    [
        (
            "“We conveyed our position to Beijing through the usual channels,” Lin said.",
            "MetonymMention",
            "conveyed our position to Beijing",
        ),
        (
            "Vietnam sent a strongly worded note to Beijing on Monday.",
            "MetonymMention",
            "a strongly worded note to Beijing",
        ),
        ("Hanoi demanded that China leave.", "MetonymMention", "Hanoi demanded that China"),
        (
            "Senator Lea Moss said at a hearing on Tuesday that the navy needed more ships.",
            "Action",
            "hearing on Tuesday",
        ),
        (
            "Manila invoked the 1951 U.S.-Philippines Mutual Defense Treaty on Monday.",
            "Alliance",
            "U.S.-Philippines Mutual Defense Treaty",
        ),
        (
            "Gen. Omar Diaz testified before the House Foreign Affairs Committee on Thursday.",
            "Address",
            "Omar Diaz testified before the House Foreign Affairs Committee on Thursday",
        ),
    ],
)
def test_the_quote_is_the_phrase_that_states_the_fact(
    text: str, cls: str, quote: str, world: tuple[Graph, Graph]
) -> None:
    assert _quotes(text, cls, world) == [quote]


def test_a_capital_as_a_destination_is_no_metonym(world: tuple[Graph, Graph]) -> None:
    assert _quotes("The envoy flew to Beijing on Monday.", "MetonymMention", world) == []
