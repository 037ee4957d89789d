"""A deterministic, seeded synthetic corpus in the project's own ontology, for the benchmark.

It writes a sources folder the real build reads: `entities.ttl` (the packaged registry plus
synthetic persons, places, roles and groups) and one `<slug>/text.txt` + `<slug>/facts.ttl` per
synthetic article. Each article is shaped like real news: two to four people with their roles,
one to three events with a few participants each, statements by those people (quoted words,
addressees, targets), sometimes a territorial claim contested by a neighbour, an alliance, a
membership or a metonym. Every fact quotes its own article text, so the build checks and anchors
all of it exactly as it does for hand-written sources.

    python -m bench.generate OUT --triples 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "sources" / "entities.ttl"

# Built triples per article, measured on the generator's own output (used only to size a run).
TRIPLES_PER_ARTICLE = 355

STATES = [
    ("china", "China", "Beijing"),
    ("philippines", "Philippines", "Manila"),
    ("vietnam", "Vietnam", "Hanoi"),
    ("malaysia", "Malaysia", "Kuala Lumpur"),
    ("brunei", "Brunei", "Bandar Seri Begawan"),
    ("united-states", "United States", "Washington"),
    ("australia", "Australia", "Canberra"),
    ("new-zealand", "New Zealand", "Wellington"),
    ("south-korea", "South Korea", "Seoul"),
]
EXTRA_STATES = [
    ("japan", "Japan", "Tokyo"),
    ("indonesia", "Indonesia", "Jakarta"),
    ("india", "India", "New Delhi"),
    ("singapore", "Singapore", "Singapore"),
    ("thailand", "Thailand", "Bangkok"),
    ("france", "France", "Paris"),
    ("united-kingdom", "United Kingdom", "London"),
]
FIRST = [
    "Ana", "Li", "Tran", "Maria", "John", "Wei", "Siti", "Nguyen", "Kenji", "Ravi", "Emma",
    "Ahmad", "Chen", "Grace", "Hiro", "Lena", "Marco", "Nadia", "Omar", "Priya", "Quan", "Rosa",
    "Sam", "Tomas", "Uma", "Victor", "Yuki", "Zara", "Bao", "Dewi",
]  # fmt: skip
LAST = [
    "Cruz", "Wang", "Minh", "Santos", "Miller", "Zhang", "Rahman", "Pham", "Sato", "Kumar",
    "Brown", "Ibrahim", "Liu", "Reyes", "Tanaka", "Fischer", "Rossi", "Haddad", "Lim", "Singh",
    "Hoang", "Garcia", "Lee", "Novak", "Iyer", "Petrov", "Mori", "Khan", "Le", "Wijaya",
]  # fmt: skip
ROLES = [
    ("foreign-minister", "Foreign Minister"),
    ("defense-minister", "Defense Minister"),
    ("coast-guard-commander", "Coast Guard Commander"),
    ("ambassador", "Ambassador"),
    ("navy-chief", "Navy Chief"),
    ("envoy", "Special Envoy"),
    ("spokesperson", "spokesperson"),
    ("political-analyst", "political analyst"),
]
# The registry's own persons (slug, label, state): they appear in many articles, as leaders do.
FAMOUS = [
    ("pete-hegseth", "Pete Hegseth", "united-states"),
    ("dong-jun", "Dong Jun", "china"),
    ("donald-trump", "Donald Trump", "united-states"),
    ("xi-jinping", "Xi Jinping", "china"),
    ("tian-junli", "Tian Junli", "china"),
]
PART_ROLES = ["role-participant", "role-party", "role-speaker", "role-audience", "role-convener"]
FEATURES = [
    "Reef", "Shoal", "Cay", "Atoll", "Bank", "Island", "Rock", "Lagoon",
]  # fmt: skip
FEATURE_NAMES = [
    "Amber", "Coral", "Jade", "Pearl", "Storm", "Crescent", "Falcon", "Lotus", "Orchid", "Tiger",
    "Harbor", "Mist", "Sable", "Sun", "Tide", "Willow", "Azure", "Basalt", "Cobalt", "Dune",
]  # fmt: skip
EVENTS = [
    ("Meeting", "meeting", "held talks in {place} on maritime security"),
    ("Conversation", "conversation", "spoke by telephone about the waterway"),
    ("Agreement", "agreement", "reached an agreement in {place} on a hotline for sea incidents"),
    ("MilitaryExercise", "exercise", "held joint naval drills near {place}"),
    ("Confrontation", "confrontation", "faced a tense standoff near {place}"),
    ("Establishment", "establishment", "set up a joint patrol mechanism based in {place}"),
    ("Address", "address", "addressed a regional forum in {place}"),
]
STATUS = ["Past", "Past", "Past", "Ongoing", "Planned"]
STATEMENTS = [
    ("Warning", "warned {target} that", "any further provocation would be met with resolve"),
    ("Criticism", "criticised {target}, saying", "these actions undermine regional stability"),
    ("Appeal", "urged {target} to", "return to dialogue and respect international law"),
    ("Reassurance", "assured {target} that", "cooperation would continue in good faith"),
    ("Accusation", "accused {target} of", "harassing fishing boats in the area"),
    ("Rejection", "rejected the position of {target}, calling it", "baseless and illegal"),
    ("Endorsement", "welcomed the stance of {target}, saying", "this is a constructive step"),
    ("Assessment", "said of {target} that", "tensions are likely to rise this year"),
]


@dataclass
class Registry:
    """The synthetic entities: (local name, class, label) and the pools articles draw from."""

    states: list[tuple[str, str, str]]
    persons: list[tuple[str, str]] = field(default_factory=list)
    features: list[tuple[str, str]] = field(default_factory=list)
    cities: list[tuple[str, str]] = field(default_factory=list)


def _registry(rng: random.Random, articles: int) -> Registry:
    reg = Registry(states=STATES + EXTRA_STATES)
    n_persons = max(40, articles // 2)
    seen: set[str] = set()
    i = 0
    while len(reg.persons) < n_persons:
        first = FIRST[i % len(FIRST)]
        last = LAST[(i // len(FIRST)) % len(LAST)]
        rnd = i // (len(FIRST) * len(LAST))
        label = f"{first} {last}" if rnd == 0 else f"{first} {chr(65 + rnd % 26)}. {last}"
        slug = label.lower().replace(". ", "-").replace(" ", "-")
        if rnd >= 26:
            label, slug = f"{label} {rnd}", f"{slug}-{rnd}"
        if slug not in seen:
            seen.add(slug)
            reg.persons.append((slug, label))
        i += 1
    rng.shuffle(reg.persons)
    for name in FEATURE_NAMES:
        for kind in FEATURES:
            label = f"{name} {kind}"
            reg.features.append((label.lower().replace(" ", "-"), label))
    reg.cities = [(c.lower().replace(" ", "-") + "-city", c) for _s, _l, c in reg.states]
    return reg


def _entities_ttl(reg: Registry) -> str:
    base = REGISTRY.read_text(encoding="utf-8")
    known = {line.split()[0][4:] for line in base.splitlines() if line.startswith("ent:")}
    out = [base.rstrip("\n"), "", "# --- Synthetic entities (bench/generate.py) ---", ""]

    def add(slug: str, cls: str, label: str) -> None:
        if slug in known:
            return
        known.add(slug)
        out.append(f'ent:{slug} a kg:{cls} ; rdfs:label "{label}"@en .')

    for slug, label, _capital in reg.states:
        add(slug, "State", label)
    for slug, label in ROLES:
        add("role-" + slug, "Role", label)
    for slug in PART_ROLES:
        add(slug, "Role", slug[5:])
    for slug, label in reg.persons:
        add(slug, "Person", label)
    for slug, label in reg.features:
        add(slug, "MaritimeFeature", label)
    for slug, label in reg.cities:
        add(slug, "City", label)
    return "\n".join(out) + "\n"


class Article:
    """One article being written: its text, sentence by sentence, and its facts."""

    def __init__(self, slug: str, title: str) -> None:
        self.slug = slug
        self.text = title + "\n\n"
        self.facts: list[str] = []
        self.quotes: list[tuple[str, int] | None] = []

    def sentence(self, words: str) -> None:
        """Append a sentence to the text."""
        self.text += words + " "

    def fact(self, name: str, cls: str, props: list[tuple[str, str]], quote: str) -> None:
        """Add a fact node with its quote (the quote must already be in the text)."""
        lines = [f"fact:{name} a {cls}"] + [f"    {p} {o}" for p, o in props]
        lines.append(f"    kg:quote {_lit(quote)}")
        self.facts.append(" ;\n".join(lines))
        self.quotes.append((quote, self.text.rindex(quote)))

    def node(self, name: str, cls: str, props: list[tuple[str, str]]) -> None:
        """Add a node without a quote (a participation)."""
        lines = [f"fact:{name} a {cls}"] + [f"    {p} {o}" for p, o in props]
        self.facts.append(" ;\n".join(lines))
        self.quotes.append(None)

    def facts_ttl(self, title: str) -> str:
        """Return the facts file."""
        head = (
            "@prefix kg: <https://w3id.org/scs-kg/ontology#> .\n"
            "@prefix ent: <https://w3id.org/scs-kg/id/> .\n"
            "@prefix src: <https://w3id.org/scs-kg/source/> .\n"
            f"@prefix fact: <https://w3id.org/scs-kg/fact/{self.slug}/> .\n"
            "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
            "@prefix dct: <http://purl.org/dc/terms/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix time: <http://www.w3.org/2006/time#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
            f'src:{self.slug} a kg:Source ; dct:title {_lit(title)}@en ; dct:language "en" .\n\n'
        )
        body = []
        for node, quote in zip(self.facts, self.quotes, strict=True):
            if quote is not None and self.text.count(quote[0]) > 1:
                node += f" ;\n    kg:quoteStart {quote[1]}"  # the quote occurs more than once
            body.append(node + " .\n")
        return head + "\n".join(body)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _article(rng: random.Random, reg: Registry, n: int) -> tuple[Article, str]:
    states = rng.sample(reg.states, 3)
    home, other, third = states
    place_slug, place = rng.choice(reg.features)
    city_slug, city = rng.choice(reg.cities)
    title = f"{home[1]} and {other[1]} trade words over {place} (report {n})"
    art = Article(f"bench-{n:06d}", title)

    # people: two to four, each with a role in a state
    people: list[tuple[str, str, tuple[str, str, str]]] = []
    wanted = rng.randint(2, 4)
    by_slug = {st[0]: st for st in reg.states}
    while len(people) < wanted:
        k = len(people)
        if rng.random() < 0.25:  # a famous person, with their own state
            slug, label, home_slug = rng.choice(FAMOUS)
            state = by_slug[home_slug]
        else:
            slug, label = rng.choice(reg.persons)
            state = states[k % 3]
        if any(p[0] == slug for p in people):
            continue
        role_slug, role = rng.choice(ROLES)
        quote = f"{state[1]}’s {role} {label}"
        art.sentence(f"{quote} was in {city} this week for talks on {place}.")
        art.fact(
            f"role-{k}",
            "kg:RoleHolding",
            [
                ("kg:holder", f"ent:{slug}"),
                ("kg:role", f"ent:role-{role_slug}"),
                ("kg:roleIn", f"ent:{state[0]}"),
            ],
            quote,
        )
        art.fact(
            f"affiliation-{k}",
            "kg:Affiliation",
            [("kg:affiliate", f"ent:{slug}"), ("kg:affiliatedTo", f"ent:{state[0]}")],
            quote,
        )
        people.append((slug, label, state))

    # events: one to three, a few actors each, some dated to a year
    events = []
    years: set[int] = set()
    for e in range(rng.randint(1, 3)):
        cls, noun, phrase = rng.choice(EVENTS)
        actors = rng.sample(people, min(len(people), rng.randint(2, 3)))
        names = " and ".join(a[1] for a in actors)
        where = place if cls in ("MilitaryExercise", "Confrontation") else city
        quote = f"{names} {phrase.format(place=where)}"
        art.sentence(f"On day {e + 1} of the visit, {quote}.")
        parts = []
        for a_i, actor in enumerate(actors):
            pname = f"event-{e}-part-{a_i}"
            art.node(
                pname,
                "kg:Participation",
                [
                    ("kg:participant", f"ent:{actor[0]}"),
                    ("kg:participantRole", f"ent:{rng.choice(PART_ROLES)}"),
                ],
            )
            parts.append(f"fact:{pname}")
        where_slug = place_slug if where == place else city_slug
        props = [
            ("rdfs:label", _lit(f"{noun} of {names}") + "@en"),
            ("kg:participation", " , ".join(parts)),
            ("kg:status", f"kg:{rng.choice(STATUS)}"),
            ("prov:atLocation", f"ent:{where_slug}"),
        ]
        if rng.random() < 0.4:
            year = rng.randint(2010, 2025)
            props.append(("time:hasTime", f"fact:time-{year}"))
            years.add(year)
        art.fact(f"event-{e}", f"kg:{cls}", props, quote)
        events.append(f"fact:event-{e}")

    # a territorial claim, often contested by a neighbour
    claim = None
    if rng.random() < 0.6:
        quote = f"{home[1]} claims {place} as its own"
        art.sentence(f"{quote}, officials said.")
        art.fact(
            "claim",
            "kg:TerritorialClaim",
            [("kg:claimant", f"ent:{home[0]}"), ("kg:claimedPlace", f"ent:{place_slug}")],
            quote,
        )
        claim = "fact:claim"
        if rng.random() < 0.7:
            quote = f"{other[1]} rejects the claim of {home[1]} to {place}"
            art.sentence(f"{quote}.")
            art.fact(
                "contest",
                "kg:ClaimContest",
                [("kg:contester", f"ent:{other[0]}"), ("kg:contestedClaim", claim)],
                quote,
            )

    # statements by the people, to or about the states
    for s in range(rng.randint(2, 4)):
        speaker = rng.choice(people)
        target = rng.choice([st for st in states if st != speaker[2]])
        stype, verb, words = rng.choice(STATEMENTS)
        quotation = f"{words} ({s + 1})"
        quote = f"{speaker[1]} {verb.format(target=target[1])} “{quotation}.”"
        art.sentence(quote)
        props = [
            ("rdfs:label", _lit(f"{speaker[1]}: {words}") + "@en"),
            ("kg:speaker", f"ent:{speaker[0]}"),
            ("kg:statementType", f"kg:{stype}"),
            ("kg:actKind", "kg:Verbal"),
            ("kg:target", f"ent:{target[0]}"),
            ("kg:quotation", _lit(quotation + ".")),
        ]
        if events and rng.random() < 0.5:
            props.append(("kg:madeDuring", rng.choice(events)))
        if rng.random() < 0.5:
            other_person = rng.choice(people)
            if other_person != speaker:
                props.append(("kg:addressee", f"ent:{other_person[0]}"))
        if claim and rng.random() < 0.5:
            props.append(("kg:about", claim))
        art.fact(f"stmt-{s}", "kg:Statement", props, quote)

    # now and then: an alliance, a membership, a metonym
    if rng.random() < 0.2:
        quote = f"{home[1]} and {third[1]} are close allies"
        art.sentence(f"{quote}, analysts noted.")
        art.fact(
            "alliance",
            "kg:Alliance",
            [("kg:ally", f"ent:{home[0]} , ent:{third[0]}")],
            quote,
        )
    if rng.random() < 0.2:
        quote = f"{other[1]}, a member of ASEAN"
        art.sentence(f"{quote}, called for calm.")
        art.fact(
            "membership",
            "kg:Membership",
            [("kg:member", f"ent:{other[0]}"), ("kg:organization", "ent:asean")],
            quote,
        )
    pairs = [(a, b) for a in people for b in people if a[0] < b[0] and a[2] != b[2]]
    if pairs and rng.random() < 0.4:
        a, b = rng.choice(pairs)
        quote = f"{a[1]} called {b[1]} a valued counterpart"
        art.sentence(f"{quote}.")
        art.fact(
            "counterpart",
            "kg:Counterpart",
            [("kg:counterpart", f"ent:{a[0]} , ent:{b[0]}")],
            quote,
        )
    for year in sorted(years):
        art.node(
            f"time-{year}",
            "time:DateTimeInterval",
            [
                ("rdfs:label", f'"{year}"@en'),
                ("time:hasDateTimeDescription", f"fact:time-{year}-description"),
            ],
        )
        art.node(
            f"time-{year}-description",
            "time:DateTimeDescription",
            [("time:unitType", "time:unitYear"), ("time:year", f'"{year}"^^xsd:gYear')],
        )
    if rng.random() < 0.3:
        quote = f"{home[2]} responded within hours"
        art.sentence(f"{quote}.")
        art.fact(
            "metonym",
            "kg:MetonymMention",
            [("kg:mentionText", _lit(home[2])), ("kg:refersTo", f"ent:{home[0]}")],
            quote,
        )
    art.text = art.text.rstrip() + "\n"
    return art, title


def articles_for(triples: int) -> int:
    """Return how many articles make about `triples` built triples."""
    return max(1, round(triples / TRIPLES_PER_ARTICLE))


def generate(out: Path, triples: int, seed: int = 1) -> int:
    """Write a synthetic sources folder of about `triples` built triples; return the articles."""
    rng = random.Random(seed)
    n = articles_for(triples)
    reg = _registry(rng, n)
    out.mkdir(parents=True, exist_ok=True)
    (out / "entities.ttl").write_text(_entities_ttl(reg), encoding="utf-8")
    for i in range(n):
        art, title = _article(rng, reg, i)
        folder = out / art.slug
        folder.mkdir(exist_ok=True)
        (folder / "text.txt").write_text(art.text, encoding="utf-8")
        (folder / "facts.ttl").write_text(art.facts_ttl(title), encoding="utf-8")
    return n


def parse_size(text: str) -> int:
    """Parse a size such as `10k`, `1M` or `2500`."""
    text = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale != 1 else text) * scale)


def main() -> None:
    """Command line: write a synthetic corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--triples", default="10k")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = generate(args.out, parse_size(args.triples), args.seed)
    print(f"{n} articles in {args.out}")


if __name__ == "__main__":
    main()
