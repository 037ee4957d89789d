"""The default drafter's rules: lexicons kept as reviewable TOML files.

The files live in `kg/draft/rules/` (shipped inside the package): `statements.toml` (speech-act
verbs → statement type, CAMEO root, PLOVER type), `events.toml` (event triggers, status cues),
`roles.toml` (titles, demonyms), `relations.toml` (memberships, alliances, counterparts,
claims) and `times.toml` (time expressions). How each fact class is written (its properties,
their order, which are required) is its SHACL shape's, read by `kg.shapes`.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError

RULES_DIR = Path(__file__).resolve().parent / "rules"


@dataclass(frozen=True)
class Verb:
    """One family of speech-act verbs and what a statement it reports is."""

    family: str
    type: str
    cameo: str
    plover: str
    object: str
    label: bool
    confidence: float
    forms: tuple[str, ...]
    speaker: str = "before"
    act: str = "Verbal"
    calls_for: bool = False


@dataclass(frozen=True)
class EventRule:
    """One event class and the words that name it."""

    cls: str
    role: str
    object_role: str
    from_role: str
    needs_object: bool
    confidence: float
    forms: tuple[str, ...]
    place_object: bool = False
    slot: str = ""
    setting: bool = False  # where a statement is made: its party is the sentence's speaker
    by_agent: bool = False  # a noun whose agent follows "by": drafted inside quotations too
    at_sea: bool = False  # only with a vessel's, aircraft's or force's noun next to it
    passive: bool = False  # a passive naming its place is drafted with no actor named


@dataclass(frozen=True)
class Rules:
    """Every lexicon of the default drafter."""

    verbs: tuple[Verb, ...]
    events: tuple[EventRule, ...]
    planned: tuple[str, ...]
    ongoing: tuple[str, ...]
    determiners: frozenset[str]
    not_between: frozenset[str]
    agent_nouns: frozenset[str]
    roles: dict[str, Any]
    relations: dict[str, Any]
    times: dict[str, Any]
    # events.toml's [anaphora] generic: bare plurals that name a kind of event ("ASEAN meetings")
    generic: frozenset[str] = frozenset()
    # events.toml's verbal_objects: what is said ("sent a diplomatic note"): no event
    verbal_objects: frozenset[str] = frozenset()
    # events.toml's [negation]: words that deny or negate an event trigger (no event drafted)
    negation: dict[str, frozenset[str]] = field(default_factory=dict)
    # events.toml's [anaphora] episodes: "the standoff" refers back to the last event of any class
    episodes: frozenset[str] = frozenset()
    # statements.toml's [unsaid]: negated or declined speech, a source's anonymity (no statement)
    unsaid: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def confidence(self, family: str) -> float:
        """Return the confidence of a relation rule family (membership, alliance, ...)."""
        return float(self.relations.get(family, {}).get("confidence", 0.5))


def _read(name: str, folder: Path) -> dict[str, Any]:
    path = folder / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: rules file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: malformed TOML: {exc}") from None


@functools.cache
def load(folder: Path = RULES_DIR) -> Rules:
    """Read the rule files of a folder (the packaged ones by default)."""
    statements = _read("statements.toml", folder)
    events = _read("events.toml", folder)
    verbs = tuple(
        Verb(
            family=v["family"],
            type=v["type"],
            cameo=v["cameo"],
            plover=v.get("plover", ""),
            object=v.get("object", "none"),
            label=bool(v.get("label", False)),
            confidence=float(v.get("confidence", 0.5)),
            forms=tuple(v["forms"]),
            speaker=v.get("speaker", "before"),
            act=v.get("act", "Verbal"),
            calls_for=bool(v.get("calls_for", False)),
        )
        for v in statements["verb"]
    )
    event_rules = tuple(
        EventRule(
            cls=e["class"],
            role=e["role"],
            object_role=e.get("object_role", e["role"]),
            from_role=e.get("from_role", e["role"]),
            needs_object=bool(e.get("needs_object", False)),
            confidence=float(e.get("confidence", 0.5)),
            forms=tuple(e["forms"]),
            place_object=bool(e.get("place_object", False)),
            slot=e.get("slot", ""),
            setting=bool(e.get("setting", False)),
            by_agent=bool(e.get("by_agent", False)),
            at_sea=bool(e.get("at_sea", False)),
            passive=bool(e.get("passive", False)),
        )
        for e in events["event"]
    )
    return Rules(
        verbs=verbs,
        events=event_rules,
        planned=tuple(events["status"]["planned"]),
        ongoing=tuple(events["status"]["ongoing"]),
        determiners=frozenset(events["anaphora"]["determiners"]),
        not_between=frozenset(events["anaphora"]["not_between"]),
        agent_nouns=frozenset(events.get("agents", {}).get("nouns", [])),
        roles=_read("roles.toml", folder),
        relations=_read("relations.toml", folder),
        times=_read("times.toml", folder),
        generic=frozenset(events["anaphora"].get("generic", [])),
        verbal_objects=frozenset(events.get("verbal_objects", {}).get("nouns", [])),
        negation={k: frozenset(v) for k, v in events.get("negation", {}).items()},
        episodes=frozenset(events["anaphora"].get("episodes", [])),
        unsaid={k: tuple(v) for k, v in statements.get("unsaid", {}).items()},
    )
