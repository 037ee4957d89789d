"""Names the registry lacks are proposed with the right class from their shape and context
(kg.draft.names): features by their kind's word, a state's variant name never as a person."""

from __future__ import annotations

from rdflib import Graph

from kg import registry, resources
from kg.draft import names


def _found(text: str) -> dict[str, names.Found]:
    entities: Graph = registry.load(resources.sources_dir())
    return {f.local: f for f in names.find(text, entities)}


def test_a_feature_the_gazetteer_lacks_is_proposed_by_its_kind() -> None:
    found = _found(
        "FICTIONAL\n\nChinese militia vessels swarmed near Pebble Cay. Malaysia patrolled the "
        "Natuna Sea. The Bank of China said nothing."
    )
    assert found["pebble-cay"].cls == "kg:MaritimeFeature" and found["pebble-cay"].new
    assert found["natuna-sea"].cls == "kg:MaritimeArea"
    assert "bank-of-china" not in found and "the-bank" not in found


def test_a_states_variant_name_is_not_a_person() -> None:
    found = _found(
        "FICTIONAL\n\nThe Foreign Ministers of Viet Nam and Indonesia met in Jakarta. "
        "The Ministers reaffirmed their commitment to peace in the South China Sea. "
        "The Ministers also welcomed the talks."
    )
    assert "viet-nam" not in found
    groups = [f for f in found.values() if f.cls == "kg:Group"]
    assert [g.local for g in groups] == ["indonesia-vietnam"]  # not China (South China Sea)
