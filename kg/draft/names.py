"""Names the registry lacks: the gazetteer's states, bodies and features, persons and groups.

`find(text, entities, rules)` returns what the drafter should know before it reads a text:
new entities to propose (each with the names the text uses for it) and extra names of
entities the registry has (a state's variant names, a body named through its state). Every
entry is read from `rules/gazetteer.toml` (data) or from the shape of the text around a name
(a title before it, a speech verb beside it, an apposition after it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.authoring import slug_of
from kg.namespaces import ENT, KG

# words that end a speech-verb search for a name right after or before it
SPEECH = (
    "said|says|say|told|tells|added|adds|argued|argues|warned|warns|noted|notes|stressed|"
    "insisted|wrote|writes|asked|explained|urged|urges|cautioned|countered|replied|recalled|"
    "acknowledged|admitted|conceded|declared|announced|testified|predicted|suggested|"
    "condemned|criticized|criticised|rejected|accused|welcomed|praised|protested|denied|"
    "dismissed|demanded|expressed|reaffirmed|emphasized|emphasised|called"
)


@dataclass
class Found:
    """An entity to propose, or extra names for one the registry has."""

    local: str
    cls: str
    label: str
    begin: int
    end: int
    why: str
    names: set[str] = field(default_factory=set)
    metonym: str = ""
    new: bool = True


@functools.cache
def gazetteer() -> dict[str, Any]:
    """Return the packaged gazetteer (rules/gazetteer.toml)."""
    from kg.draft.rules import RULES_DIR, _read

    return _read("gazetteer.toml", RULES_DIR)


@functools.cache
def _lexicon_tag(word: str) -> str:
    """Return the tagger's lexicon tag of a word as written ("" if the lexicon lacks it)."""
    from textblob.en import lexicon

    return str(lexicon.get(word) or "")


def opens(text: str, begin: int) -> bool:
    """Say whether the word at `begin` opens a sentence, a line, a quotation or an answer (after
    "Q:"), not after an abbreviated title or an initial ("Adm. Will Ross", "J. Tan")."""
    before = text[max(0, begin - 12) : begin].rstrip(" \t")
    if not before:
        return True  # the text's start, or an indented line
    if before[-1] in '\n!?:;“"(—–':
        return True
    if before[-1] != ".":
        return False
    last = re.search(r"(\S+)$", before)
    abbreviation = last is not None and (
        last.group(1) in gazetteer()["names"]["title_abbreviations"]
        or re.fullmatch(r"[A-Z]\.", last.group(1)) is not None
    )
    return not abbreviation


def common_opening(text: str, begin: int) -> bool:
    """Say whether the capitalised word at `begin` opens a sentence (a line, a quotation, an
    answer) and is a common word by the lexicon, so no part of a name: "Has" in "Has Vietnam
    protested?", "Why" in "Why Mirador Reef matters", "Asked"; an auxiliary or a modal only in a
    question ("Will Malaysia join?", but "Will Ramos said", "Do Van Hung said")."""
    m = re.match(r"[A-Z][a-z]+", text[begin : begin + 40])
    if m is None or not opens(text, begin):
        return False
    names = gazetteer()["names"]
    tag = _lexicon_tag(m.group())
    if tag in names.get("opening_tags", []):
        return True
    if tag not in names.get("question_tags", []):
        return False
    end = re.search(r"[?!\n]|\.(?:\s|$)", text[begin:])
    return end is not None and end.group() == "?"


def _known(entities: Graph) -> dict[str, URIRef]:
    """Return every registry name (label or alternative label, case folded) → its entity."""
    out: dict[str, URIRef] = {}
    for prop in (RDFS.label, SKOS.altLabel, KG.metonym):
        for e, v in entities.subject_objects(prop):
            if isinstance(e, URIRef):
                out.setdefault(str(v).casefold(), e)
    return out


def _word(name: str) -> str:
    # a possessive is the name too ("Japan's defence minister"); another letter after it is not
    return r"(?<![\w'’])" + re.escape(name).replace("'", "['’]") + r"(?![\w]|['’](?!s\b))"


def find(text: str, entities: Graph) -> list[Found]:
    """Return the entities to propose and the names to add for one text (in text order)."""
    g = gazetteer()
    known = _known(entities)
    out: dict[str, Found] = {}
    states: list[dict[str, Any]] = list(g.get("state", []))

    def note(entry: dict[str, Any], cls: str, why: str) -> Found | None:
        names = [entry["label"], *entry.get("variants", [])]
        spots = [(m.start(), m.end(), n) for n in names for m in re.finditer(_word(n), text)]
        demonyms = entry.get("demonyms", [])
        capital = entry.get("capital", "")
        used = spots or [
            (m.start(), m.end(), "")
            for n in [*demonyms, capital]
            if n
            for m in re.finditer(_word(n), text)
        ]
        if not used:
            return None
        begin, end, _ = min(used)
        iri = ENT[entry["local"]]
        new = (iri, RDF.type, None) not in entities
        found = Found(
            entry["local"],
            cls,
            entry["label"],
            begin,
            end,
            why,
            {n for _, _, n in spots if n},
            capital if capital and capital.casefold() not in known else "",
            new,
        )
        out[entry["local"]] = found
        return found

    for entry in states:
        note(entry, "kg:State", "a state named in the text (gazetteer.toml), not in the registry")
    for entry in g.get("body", []):
        note(
            entry,
            entry.get("class", "kg:Organization"),
            "an intergovernmental body named in the text (gazetteer.toml)",
        )
    for entry in g.get("feature", []):
        note(
            entry,
            entry.get("class", "kg:Place"),
            "a feature or place named in the text (gazetteer.toml), by one of its names",
        )
    _bodies(text, entities, states, out)
    _possessed_bodies(text, known, states, out)
    _features(text, known, out, g.get("feature_shapes", {}))
    # a state's variant name ("Viet Nam") or a feature named above is no person
    named = {n.casefold(): ENT[f.local] for f in out.values() for n in [f.label, *f.names]}
    known = {**named, **known}
    _persons(text, known, out)
    _surname_persons(text, known, out)
    _groups(text, out)
    _collectives(text, states, out)
    return sorted(out.values(), key=lambda f: (f.begin, f.local))


def _bodies(
    text: str, entities: Graph, states: list[dict[str, Any]], out: dict[str, Found]
) -> None:
    """Government bodies named through their state: "China's foreign ministry", "the
    Philippine Department of Foreign Affairs", "Vietnamese coast guard"."""
    labels = {
        str(v).casefold(): e
        for e, v in [
            *entities.subject_objects(RDFS.label),
            *entities.subject_objects(SKOS.altLabel),
        ]
        if isinstance(e, URIRef)
    }
    for body in gazetteer().get("government_body", []):
        words = "|".join(re.escape(w) for w in sorted(body["words"], key=len, reverse=True))
        for state in states:
            owners = [state["label"], *state.get("variants", [])]
            pattern = (
                r"(?<![\w'’])(?:(?:"
                + "|".join(re.escape(o) for o in owners)
                + r")['’]s|"
                + "|".join(re.escape(d) for d in state.get("demonyms", []) or ["\x00"])
                + r")\s+(?i:"
                + words
                + r")"
                + body.get("tail", "")  # "China's mission to the EU"
                + r"(?![\w])"
            )
            for m in re.finditer(pattern, text):
                surface = m.group()
                tail = re.split(r"\s+", surface, maxsplit=1)[-1]
                others = {
                    n.casefold()
                    for other in states
                    if other is not state
                    for n in [other["label"], *other.get("demonyms", [])]
                }
                existing = next(
                    (
                        e
                        for lab, e in labels.items()
                        if lab.endswith(" " + tail.casefold())
                        and not any(re.search(rf"\b{re.escape(o)}\b", lab) for o in others)
                    ),
                    None,
                )  # "PLA Southern Theater Command" for "China's Southern Theater Command"
                if existing is not None:
                    local = str(existing).rsplit("/", 1)[-1]
                    f = out.setdefault(
                        local,
                        Found(local, "", surface, m.start(), m.end(), "", new=False),
                    )
                    f.names.add(surface)
                    continue
                demonym = (state.get("demonyms") or [state["label"]])[0]
                local = slug_of(f"{demonym} {body['words'][0]}")  # "chinese-coast-guard"
                f = out.setdefault(
                    local,
                    Found(
                        local,
                        body.get("class", "kg:Government"),
                        f"{demonym} {body['words'][0]}",
                        m.start(),
                        m.end(),
                        "a government body named through its state (gazetteer.toml patterns)",
                    ),
                )
                f.names.add(surface)


_CONNECTORS = frozenset(["of", "and", "for", "on", "the"])


def _possessed_bodies(
    text: str, known: dict[str, URIRef], states: list[dict[str, Any]], out: dict[str, Found]
) -> None:
    """A state's bodies named after its possessive or demonym by the head word of their name
    (gazetteer.toml [body_heads]): "Malaysia's National Security Council", "the Philippine
    National Maritime Council"; or named in an apposition after a described body ("Indonesia's
    maritime security agency, Bakamla,")."""
    heads: dict[str, str] = gazetteer().get("body_heads", {})
    if not heads:
        return
    plain = {w.casefold() for b in gazetteer().get("government_body", []) for w in b["words"]}
    lower_heads = "|".join(re.escape(h.casefold()) for h in sorted(heads, key=len, reverse=True))
    for state in states:
        owners = [state["label"], *state.get("variants", [])]
        demonyms = state.get("demonyms", [])
        pattern = (
            r"(?<![\w'’])(?:(?:"
            + "|".join(re.escape(o) for o in owners)
            + r")(?:['’]s|(?<=s)['’])"
            + ("|" + "|".join(re.escape(d) for d in demonyms) if demonyms else "")
            + r")\s+"
        )
        for m in re.finditer(pattern, text):
            words = re.findall(r"[\w'’-]+|\S", text[m.end() : m.end() + 120])[:12]
            run: list[str] = []
            for w in words:
                if not ((w[:1].isupper() and w[:1].isalpha()) or (w in _CONNECTORS and run)):
                    break
                run.append(w)
            while run and run[-1] in _CONNECTORS:
                run.pop()
            head = next((w for w in run if w in heads), None)
            if head is not None and len(run) >= 2:
                name = " ".join(run)
                at = m.end()
                surface = text[m.start() : at + len(name)]
                if text[at : at + len(name)] != name or name.casefold() in plain:
                    continue
                demonym = (demonyms or [state["label"]])[0]
                label = name if name.startswith(demonym) else f"{demonym} {name}"
                norm = name.replace("’", "'").casefold()
                if {norm, label.casefold(), surface.replace("’", "'").casefold()} & set(
                    known
                ) or any(k in norm and re.search(rf"\b{re.escape(k)}\b", norm) for k in known):
                    continue  # the registry has it, or a name in it ("People's Liberation Army")
                local = slug_of(label)
                f = out.setdefault(
                    local,
                    Found(
                        local,
                        heads[head],
                        label,
                        m.start(),
                        at + len(name),
                        "a government body by the head word of its name, after its state "
                        "(gazetteer.toml body_heads)",
                    ),
                )
                f.names |= {surface, name}
                continue
            described = re.match(
                rf"((?:[a-z][\w-]*\s+){{0,4}}(?:{lower_heads})),\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)"
                r"{0,4}),",
                text[m.end() : m.end() + 160],
            )
            if described is not None:  # "Indonesia's maritime security agency, Bakamla,"
                name = described.group(2)
                if name.casefold() in known:
                    continue
                head = next(h for h in heads if described.group(1).endswith(h.casefold()))
                local = slug_of(name)
                begin = m.end() + described.start(2)
                f = out.setdefault(
                    local,
                    Found(
                        local,
                        heads[head],
                        name,
                        begin,
                        begin + len(name),
                        "a government body named in an apposition after what it is",
                    ),
                )
                f.names.add(name)


_NOT_IN_NAME = frozenset(
    ["The", "A", "An", "In", "At", "Near", "On", "Off", "Of", "And", "But", "For", "From", "To",
     "By", "With", "Since", "After", "Before", "During", "When", "While", "Asian", "World"]
)  # fmt: skip


def _features(
    text: str, known: dict[str, URIRef], out: dict[str, Found], shapes: dict[str, str]
) -> None:
    """Features and sea areas by the shape of their names (gazetteer.toml [feature_shapes]):
    "Pebble Cay", "Kestrel Reef", "the Natuna Sea"; not part of a longer name ("the Spratly
    Islands Institute", "Bank of China") and not a name the registry or the gazetteer has."""
    if not shapes:
        return
    heads = "|".join(re.escape(h) for h in sorted(shapes, key=len, reverse=True))
    pattern = re.compile(
        r"(?<![\w.'’-])((?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?[ ]){1,3})(" + heads + r")(?![\w'’-])"
    )
    taken = {n.casefold() for f in out.values() for n in [f.label, *f.names]}
    for m in pattern.finditer(text):
        words = m.group(1).split()
        if words and common_opening(text, m.start(1)):
            words = words[1:]  # "Why Mirador Reef …": an opening common word
        while words and words[0] in _NOT_IN_NAME:
            words = words[1:]
        if not words:
            continue
        label = " ".join([*words, m.group(2)])
        begin = m.end() - len(label)
        if label.casefold() in known or label.casefold() in taken:
            continue
        if re.match(r"\s+(?:of|for|Institute|University|Group|Command|Fleet)\b", text[m.end() :]):
            continue  # "Bank of China", "Sea Institute": part of a longer name
        local = slug_of(label)
        if local in out:
            continue
        out[local] = Found(
            local,
            shapes[m.group(2)],
            label,
            begin,
            m.end(),
            "a feature or sea area by the shape of its name (gazetteer.toml feature_shapes)",
            {label},
        )
        taken.add(label.casefold())


_NAME = r"(?:Ma\.|[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]\.)"  # "Ma. Teresa": Maria
_RUN = re.compile(rf"(?<![\w.]){_NAME}(?:[ ]{_NAME}){{1,5}}(?![\w'’])")


def _persons(text: str, known: dict[str, URIRef], out: dict[str, Found]) -> None:
    """Persons by the shape around their name: a title before it, a speech verb after or
    before it, an apposition or an age after it ("Ana Reyes, a senior fellow", "Cruz, 52,")."""
    from kg.draft.rules import load

    roles = load().roles
    title_abbreviations = frozenset(gazetteer()["names"]["title_abbreviations"])
    not_name = frozenset(gazetteer()["names"]["not_name"])
    titles = {w.casefold() for h in roles["heads"] for w in h.split()} | {
        w.casefold() for w in roles["modifiers"]
    }
    runs = list(_RUN.finditer(text))
    inside = _body_spans(text, out)
    for m in runs:
        if any(b <= m.start() < e for b, e in inside):
            continue  # "Ministry of Natural Resources and Environment": no person in it
        words = m.group().split(" ")
        begin = m.start()
        if common_opening(text, begin):  # "Has Tran Quoc Viet said …?": no part of the name
            begin += len(words[0]) + 1
            words = words[1:]
        titled = False
        honorific = _honorific(words)
        surface = " ".join(words) if honorific else ""  # "Datuk Farid Hassan": a mention
        if honorific:  # "Datuk Seri Anwar Hamid": the name after the honorific
            begin += len(" ".join(words[:honorific])) + 1
            words = words[honorific:]
            titled = True
        while words and (words[0] in not_name or words[0].casefold() in titles):
            titled = titled or words[0].casefold() in titles or words[0] in title_abbreviations
            begin += len(words[0]) + 1
            words = words[1:]
        while words and (words[-1] in not_name or words[-1].endswith(".")):
            words = words[:-1]
        lead = next(
            (
                n
                for n in (3, 2, 1)
                if len(words) > n + 1 and " ".join(words[:n]).casefold() in known
            ),
            0,
        )
        if lead:  # "… of the Philippines Enrique Manalo": the state's name before the person's
            begin += len(" ".join(words[:lead])) + 1
            words = words[lead:]
            office = "|".join(map(re.escape, sorted(titles)))
            titled = titled or bool(
                re.search(
                    rf"\b(?i:{office})\s+(?:of|for)\s+(?:(?:the|of|[A-Z][\w'’-]*)\s+)*$",
                    text[max(0, begin - 80) : begin],
                )
            )
        if len(words) < 2 or len(words) > 4 or any(w in not_name for w in words):
            continue
        name = " ".join(words)
        end = begin + len(name)
        if name.casefold() in known or any(w.casefold() in known for w in words):
            continue
        before = text[max(0, begin - 40) : begin]
        after = text[end : end + 40]
        prev = re.search(r"([A-Za-z.]+)[ ,]*$", before)
        prev_word = prev.group(1) if prev else ""
        context = (
            titled
            or prev_word in title_abbreviations
            or prev_word.casefold() in titles
            or re.match(rf"\s+(?:{SPEECH})\b", after)
            or re.match(r",\s+(?:\d{1,3},\s+)?(?:a|an|the|who|one|another)\b", after)
            or re.match(r",\s+\d{1,3},", after)
            or re.match(rf",\s+(?:{SPEECH}|speaking|writing|testifying)\b", after)
            or re.search(r"\b(?:of|for) (?:the )?[A-Z][\w' ]+,\s*$", before)
            or re.search(rf"\b(?:{SPEECH})\s*$", before)
            or _title_comma(before, {h.split()[-1] for h in roles["heads"]})
            or re.match(r"\s+of\s+the\s+[A-Z]", after)
            or _titled_apposition(after, titles)
            # "His neighbour, Teresita Bautista, runs …": a name set off as an apposition
            or (re.search(r"\b[a-z]{4,},\s*$", before) and re.match(r",\s+[a-z]", after))
        )
        if not context or re.search(r"\b(?:the|a|an)\s*$", before):
            continue
        local = slug_of(name)
        if local in out:
            continue
        out[local] = Found(
            local,
            "kg:Person",
            name,
            begin,
            end,
            "a person's name by its context (a title, a speech verb or an apposition beside it)",
            {name, surface} if surface.endswith(" " + name) else {name},  # as the text writes it
        )


def _body_spans(text: str, out: dict[str, Found]) -> list[tuple[int, int]]:
    """Where the names of the bodies found so far stand in the text (words of a body's name
    are no person's)."""
    spans: list[tuple[int, int]] = []
    for f in out.values():
        if f.cls in ("kg:Person", "kg:State", "kg:Group") or not f.new:
            continue
        for n in f.names:
            if " " in n:
                spans += [(x.start(), x.end()) for x in re.finditer(_word(n), text)]
    return spans


def _titled_apposition(after: str, titles: set[str]) -> bool:
    """ "Marco Lindt, chairman of the …", "…, deputy director at …", "…, Minister of Foreign
    Affairs of …": a title with no article after the name's comma, then "of", "at" or "for"."""
    m = re.match(r",\s+((?:[A-Za-z][\w-]*\s+){1,3})(?:of|at|for)\s", after)
    return m is not None and any(w.casefold() in titles for w in m.group(1).split())


def _title_comma(before: str, heads: set[str]) -> bool:
    """ "Vietnam's Foreign Minister, NAME", "his Malaysian counterpart, NAME": a title's head
    and a comma right before the name."""
    m = re.search(r"\b([A-Za-z]+),\s*$", before)
    return m is not None and (m.group(1).casefold() in heads or m.group(1) == "counterpart")


def _honorific(words: list[str]) -> int:
    """Return how many words of a name's start are an honorific (gazetteer.toml), or 0."""
    for h in sorted(gazetteer()["names"].get("honorifics", []), key=len, reverse=True):
        n = len(h.split())
        if " ".join(words[:n]).replace("’", "'") == h and len(words) > n:
            return n
    return 0


def _surname_persons(text: str, known: dict[str, URIRef], out: dict[str, Found]) -> None:
    """A full name written once without a context, whose surname alone speaks later ("Rodel
    Manalo has fished …", then "said Manalo, 54,"): the full name is a person."""
    for m in _RUN.finditer(text):
        words = m.group().split(" ")
        begin = m.start()
        if common_opening(text, begin):  # "Does Lim Wei Jie …?": no part of the name
            begin += len(words[0]) + 1
            words = words[1:]
        if len(words) not in (2, 3) or any(w.endswith(".") for w in words):
            continue
        from kg.draft.rules import load

        heads = {h.casefold() for h in load().roles["heads"]}
        not_name = frozenset(gazetteer()["names"]["not_name"])
        if any(w in not_name or w.casefold() in heads for w in words):
            continue
        name = " ".join(words)
        local = slug_of(name)
        if local in out or name.casefold() in known:
            continue
        # the name a later mention uses: the last word (Western, Vietnamese given name) or any
        # other (a Chinese family name first: "Lim Wei Jie" … "Lim said")
        called = [re.escape(w) for w in words if len(w) > 1]
        if not called:
            continue
        surname = "(?:" + "|".join(called) + ")"
        speaks = re.search(
            rf"\b(?:{SPEECH})\s+{surname}\b|\b{surname}\s+(?:{SPEECH})\b|\b{surname},\s+\d{{1,3}},",
            text[m.end() :],
        )
        if speaks:
            out[local] = Found(
                local,
                "kg:Person",
                name,
                begin,
                m.end(),
                "a full name whose surname alone speaks later in the text",
                {name},
            )


_GROUP = re.compile(
    r"\b(?:according to|said|told)\s+(?:(?:two|three|several|some|many|other|senior|western|"
    r"regional|unnamed|anonymous|[A-Z][a-z]+)\s+)?(diplomats|officials|analysts|sources|experts|"
    r"observers)\b|\b(diplomats|officials|analysts|experts|observers)\s+(?:said|say|told)\b"
)


def _groups(text: str, out: dict[str, Found]) -> None:
    """Unnamed groups that speak: "according to diplomats", "officials said"."""
    for m in _GROUP.finditer(text):
        word = m.group(1) or m.group(2)
        begin = m.start(1) if m.group(1) else m.start(2)
        f = out.setdefault(
            word,
            Found(
                word,
                "kg:Group",
                word,
                begin,
                begin + len(word),
                "an unnamed group that speaks (according to …, … said)",
            ),
        )
        f.names.add(word)


_COLLECTIVE = re.compile(
    r"\b(?:[Tt]he (?:two|three|four) (?:foreign |defen[cs]e )?(?:ministers|leaders|governments|"
    r"countries|sides|delegations|nations|parties)|[Bb]oth (?:sides|countries|governments|"
    r"[Mm]inisters|[Ll]eaders|nations)|[Tt]he (?:[Ff]oreign |[Dd]efen[cs]e )?(?:[Mm]inisters|"
    r"[Ll]eaders)(?= (?:also |further |jointly )?[a-z]+\b))\b"
)


def _inside_name(text: str, begin: int, end: int) -> bool:
    """Say whether a state's name is part of a longer name: "the South China Sea"."""
    before = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, begin - 30) : begin])
    after = re.match(r"\s+([A-Z][a-z]+)", text[end:])
    return (before is not None and before.group(1) not in _NOT_IN_NAME) or (
        after is not None and after.group(1) in ("Sea", "Sea's", "Strait", "Gulf")
    )


def _collectives(text: str, states: list[dict[str, Any]], out: dict[str, Found]) -> None:
    """Collective voices ("the two ministers", "both sides", "the ministers reaffirmed"): a
    group of the last two states named before them, which speaks as one (a communiqué)."""
    from kg.draft.rules import load

    speech = {f.split()[0] for v in load().verbs for f in v.forms}
    # what a collective voice says names states it speaks of ("The Ministers welcomed the
    # agreement between Malaysia and Brunei"): those are not the voice's states later on
    spoken: list[tuple[int, int]] = []
    for m in re.finditer(_COLLECTIVE.pattern + r"|(?:^|(?<=[.\n] ))They\b", text, re.M):
        nxt = re.match(r"\s+(?:also\s+|jointly\s+|further\s+)?([a-z]+)", text[m.end() :])
        if nxt is not None and nxt.group(1) in speech:
            stop = re.search(r"\.(?:\s|$)|\n", text[m.end() :])
            spoken.append((m.end(), m.end() + (stop.start() if stop else len(text))))
    for m in _COLLECTIVE.finditer(text):
        after = re.match(r"\s+(?:also\s+|jointly\s+|further\s+)?([a-z]+)", text[m.end() :])
        verb = re.search(r"\b([a-z]+)\s+$", text[: m.start()])
        spoken_to = verb is not None and verb.group(1) in speech and verb.group(1).endswith("ed")
        if (after is None or after.group(1) not in speech) and not spoken_to:
            continue  # a group only where it speaks or is spoken of ("accused the two sides")
        # spoken of: the group is not the speaker, so the states its sentence named before it
        # (the speaker's side) are not in it
        sentence = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        seen: list[tuple[int, dict[str, Any]]] = []
        for state in states:
            names = [state["label"], *state.get("variants", []), *state.get("demonyms", [])]
            last = max(
                (
                    x.start()
                    for n in names
                    for x in re.finditer(_word(n), text[: m.start()])
                    if not _inside_name(text, x.start(), x.end())
                    and not any(b <= x.start() < e for b, e in spoken)
                ),
                default=-1,
            )
            if last >= 0 and not (spoken_to and last >= sentence):
                seen.append((last, state))
        if len(seen) < 2:
            continue
        pair = sorted(
            (st for _, st in sorted(seen, key=lambda x: x[0])[-2:]), key=lambda st: st["label"]
        )
        listed = _listed_states(text[: m.start()], states)
        if len(listed) >= 3 and not re.match(r"(?i)(?:the two|both)\b", m.group()):
            pair = sorted(listed, key=lambda st: st["label"])  # "of A, B and C … the ministers"
        local = "-".join(st["local"] for st in pair)
        f = out.setdefault(
            local,
            Found(
                local,
                "kg:Group",
                ", ".join(st["label"] for st in pair[:-1]) + " and " + pair[-1]["label"],
                m.start(),
                m.end(),
                "a collective voice (the two ministers, both sides): the last two states named",
            ),
        )
        f.names.add(m.group())


def _listed_states(text: str, states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The states of the last list of three or more states in a text ("the foreign ministers of
    A, B, C and D"), in the sentence or the one before its end."""
    by_name = {
        n: st
        for st in states
        for n in [st["label"], *st.get("variants", []), *st.get("demonyms", [])]
        if n
    }
    one = (
        r"(?:the\s+)?(?:"
        + "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
        + ")"
    )
    lists = list(re.finditer(rf"{one}(?:,\s+{one})+,?\s+and\s+{one}(?![\w'’])", text))
    if not lists:
        return []
    last = lists[-1]
    if text.count(". ", last.end()) > 1:
        return []  # too far back to be who speaks now
    found: list[dict[str, Any]] = []
    for name in re.finditer(one, last.group()):
        st = by_name.get(re.sub(r"^the\s+", "", name.group()))
        if st is not None and st not in found:
            found.append(st)
    return found


def extend(entities: Graph, found: list[Found]) -> Graph:
    """Return the registry with what `find` found: new entities and extra names."""
    extended = Graph()
    extended += entities
    for f in found:
        iri = ENT[f.local]
        if f.new:
            extended.add((iri, RDF.type, KG[f.cls.removeprefix("kg:")]))
            extended.add((iri, RDFS.label, _lit(f.label)))
        labels = {str(x) for x in extended.objects(iri, RDFS.label)}
        for name in sorted(f.names - labels):
            extended.add((iri, SKOS.altLabel, _lit(name)))
        if f.metonym:
            extended.add((iri, KG.metonym, _lit(f.metonym)))
    return extended


def _lit(text: str) -> Any:
    from rdflib import Literal

    return Literal(text, lang="en")
