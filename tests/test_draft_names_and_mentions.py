"""Names and mentions in text nobody on the team wrote (kg.draft.names, kg.draft.text): an
opening common word is no part of a name; a later word of a full name is that person."""

from __future__ import annotations

from rdflib import Graph

from kg import registry, resources
from kg.draft import names


def _found(text: str) -> dict[str, names.Found]:
    entities: Graph = registry.load(resources.sources_dir())
    return {f.local: f for f in names.find(text, entities)}


def test_an_opening_auxiliary_or_wh_word_is_no_part_of_a_name() -> None:
    found = _found(
        "FICTIONAL\n\nHas Tran Quoc Viet said anything about the survey ship?\n\n"
        "Why Mirador Reef matters is clear, Hoa said.\n\n"
        "Q: Does Lim Wei Jie expect talks? A: “Yes,” Lim said."
    )
    assert "tran-quoc-viet" in found and "has-tran-quoc-viet" not in found
    assert "mirador-reef" in found and "why-mirador-reef" not in found
    assert "lim-wei-jie" in found and "does-lim-wei-jie" not in found


def test_a_name_that_is_a_common_word_stays_a_name_outside_a_question() -> None:
    found = _found(
        "FICTIONAL\n\nWill Ramos told reporters the ship had left. "
        "Do Van Hung, a fisherman, said the ship had rammed his boat. Adm. Will Ross said so."
    )
    assert {"will-ramos", "do-van-hung", "will-ross"} <= set(found)


def test_an_opening_is_a_sentence_a_line_a_quotation_or_an_answer() -> None:
    text = "Q: Has it? “Will they?” Sen. Will Ross and J. Do said. Did"
    assert names.opens(text, text.index("Has"))
    assert names.opens(text, text.index("Will they"))
    assert not names.opens(text, text.index("Will Ross"))
    assert not names.opens(text, text.index("Do said"))
    assert names.opens(text, text.index("Did"))
    assert names.common_opening(text, text.index("Has"))
    assert not names.common_opening(text, text.index("Will Ross"))


def _mentions(text: str) -> list[tuple[str, str]]:
    from kg.draft.drafter import draft_text
    from kg.sources import parse_turtle

    entities = registry.load(resources.sources_dir())
    draft = draft_text(text, entities, parse_turtle(resources.ontology_file()))
    return [
        (m.text, m.entity.rsplit("/", 1)[-1])
        for m in draft.text.mentions
        if m.kind == "name" and m.reading == "actor"
    ]


def test_a_later_word_of_a_full_name_is_the_person_named_last_with_it() -> None:
    text = (
        "FICTIONAL\n\nNguyen Van Thanh, a fisherman, said his boat was followed. Thanh said so "
        "twice. Nguyen Thi Hoa, a spokesperson for the coast guard, arrived. Nguyen said the "
        "ship had left. Siti Aminah Yusof, a deputy minister, said talks would resume. Aminah "
        "said so. Lin Jiamin, a spokesperson, said China acted lawfully. Lin said so. "
        "Will Ramos, a fisherman, said so. Will the talks resume? Van said nothing."
    )
    got = _mentions(text)
    assert ("Thanh", "nguyen-van-thanh") in got
    assert ("Nguyen", "nguyen-thi-hoa") in got and ("Nguyen", "nguyen-van-thanh") not in got
    assert ("Aminah", "siti-aminah-yusof") in got
    assert ("Lin", "lin-jiamin") in got
    assert not any(word in ("Will", "Van") for word, _ in got)


def test_communique_names_lose_their_honorifics_and_keep_capitalised_titles() -> None:
    found = _found(
        "FICTIONAL\n\nAt the invitation of H.E. Maria Lourdes Castillo, Secretary of Foreign "
        "Affairs of the Philippines, Datuk Seri Anwar Hamid, Prime Minister of Malaysia, and "
        "his counterpart, Farida Osman, paid a visit. Tan Wei Ming said so."
    )
    assert {"maria-lourdes-castillo", "anwar-hamid", "farida-osman", "tan-wei-ming"} <= set(found)
    assert "Datuk Seri Anwar Hamid" in found["anwar-hamid"].names  # the text's mention
    assert not any(local.startswith(("datuk", "seri", "h-e")) for local in found)


def test_a_numbered_meeting_of_a_body_is_no_person() -> None:
    found = _found(
        "FICTIONAL\n\nThe Eighth Meeting of the Joint Commission was held in Jakarta. The "
        "Second Round of the Bilateral Consultations ended."
    )
    assert not any(f.cls == "kg:Person" for f in found.values()), sorted(found)


def test_a_states_body_is_named_by_its_head_word_and_holds_no_person() -> None:
    found = _found(
        "FICTIONAL\n\nVietnam's Ministry of Natural Resources and Environment said the survey "
        "was illegal. The Philippine Coast Guard and China's foreign ministry said so too. "
        "Indonesia's maritime security agency, Bakamla, agreed."
    )
    body = found["vietnamese-ministry-of-natural-resources-and-environment"]
    assert body.cls == "kg:Government"
    assert "Vietnam's Ministry of Natural Resources and Environment" in body.names
    assert found["bakamla"].cls == "kg:Government"
    assert not any(f.cls == "kg:Person" for f in found.values()), sorted(found)
    assert "philippine-philippine-coast-guard" not in found
    assert "chinese-foreign-ministry" in found  # the government body patterns come first


def test_ma_in_a_filipino_name_ends_no_sentence() -> None:
    from kg import evidence

    text = "Spokesperson Ma. Teresa Cruz spoke. Dizon said so."
    assert [s.slice(text) for s in evidence.sentences(text)] == [
        "Spokesperson Ma. Teresa Cruz spoke.",
        "Dizon said so.",
    ]
    assert "ma-teresa-cruz" in _found("FICTIONAL\n\n" + text)
