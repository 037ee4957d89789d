"""The drafter's view of a text: tokens (spaCy's tokenizer), sentences, quotations and mentions.

spaCy is imported here only, when a text is first drafted: `spacy.blank("en")` gives the
tokenizer and the `Matcher` with no downloaded model. Apostrophes are matched in either form
(’ and '): the text is searched in a copy with ’ replaced by ' (same length, same offsets).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg import authoring, evidence
from kg.authoring import Mention
from kg.namespaces import KG

PREPOSITIONS = frozenset(
    [
        "for", "of", "with", "to", "from", "by", "in", "at", "on", "against", "over", "about",
        "between", "among", "toward", "towards", "like", "than", "into", "near", "off", "across",
        "amid", "under", "after", "before", "during", "since", "via",
    ]
)  # fmt: skip
PLACE_PREPOSITIONS = frozenset(
    ["in", "at", "near", "off", "across", "into", "to", "inside", "outside", "around"]
)


@functools.cache
def nlp() -> Any:
    """Return a blank English spaCy pipeline: the tokenizer only, no model."""
    import spacy

    return spacy.blank("en")


LONGEST_RUN = 40  # characters without a space that spaCy's tokenizer reads at once


def tokenize(norm: str) -> Any:
    """Tokenize with spaCy in linear time: every run of more than LONGEST_RUN characters without
    a space is read in pieces (spaCy's prefix and suffix search is quadratic on one long run,
    such as thousands of quote marks), at the same offsets."""
    safe = re.sub(
        rf"\S{{{LONGEST_RUN + 1},}}",
        lambda m: "".join(
            " " if i and i % LONGEST_RUN == 0 else c for i, c in enumerate(m.group())
        ),
        norm,
    )
    tokenizer = nlp()
    tokenizer.max_length = max(tokenizer.max_length, len(safe) + 1)
    return tokenizer.make_doc(safe)


@dataclass(frozen=True)
class Token:
    """One token: its offsets in the text and its lower-case words."""

    i: int
    begin: int
    end: int
    text: str
    lower: str


@dataclass
class Text:
    """A text ready for the rules: tokens, sentences, quotations, mentions by reading."""

    text: str
    norm: str
    tokens: list[Token]
    sentences: list[evidence.Span]
    quotations: list[evidence.Span]
    mentions: list[Mention] = field(default_factory=list)
    types: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)
    doc: Any = None
    tags: list[Any] = field(default_factory=list)  # a kg.draft.tags.Tag per token
    _starts: list[int] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)

    def token_at(self, pos: int) -> int:
        """Return the index of the token that covers (or first follows) character `pos`."""
        import bisect

        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return 0
        if self.tokens[i].end <= pos and i + 1 < len(self.tokens):
            return i + 1
        return i

    def sentence_of(self, pos: int) -> evidence.Span:
        """Return the sentence holding character `pos`."""
        import bisect

        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i].begin <= pos < self.sentences[i].end:
            return self.sentences[i]
        return evidence.Span(pos, pos)

    def quoted(self, pos: int) -> bool:
        """Say whether character `pos` lies inside quotation marks."""
        return any(q.begin <= pos < q.end for q in self.quotations)

    def before(self, pos: int, n: int = 1) -> list[Token]:
        """Return up to `n` tokens ending at or before `pos`, in the same sentence, nearest last."""
        sentence = self.sentence_of(max(pos - 1, 0))
        i = self.token_at(pos) - 1
        while i >= 0 and self.tokens[i].end > pos:
            i -= 1
        out: list[Token] = []
        while i >= 0 and len(out) < n and self.tokens[i].begin >= sentence.begin:
            out.append(self.tokens[i])
            i -= 1
        return out[::-1]

    def after(self, pos: int, n: int = 1) -> list[Token]:
        """Return up to `n` tokens starting at or after `pos`, in the same sentence."""
        sentence = self.sentence_of(pos)
        i = self.token_at(pos)
        while i < len(self.tokens) and self.tokens[i].begin < pos:
            i += 1
        out: list[Token] = []
        while i < len(self.tokens) and len(out) < n and self.tokens[i].end <= sentence.end:
            out.append(self.tokens[i])
            i += 1
        return out

    def word_before(self, pos: int) -> str:
        """Return the lower-case token just before `pos` in its sentence ("" if none)."""
        found = self.before(pos, 1)
        return found[0].lower if found else ""

    def is_a(self, entity: URIRef, cls: URIRef) -> bool:
        """Say whether an entity is typed `cls` or a class below it."""
        return cls in self.types.get(entity, set())

    def label(self, entity: URIRef) -> str:
        """Return an entity's English label, or its local name."""
        return self.labels.get(entity) or entity.rsplit("/", 1)[-1]


def quotations(text: str) -> list[evidence.Span]:
    """Return the spans inside quotation marks (curly pairs, or straight pairs on a line)."""
    found = []
    for line in re.finditer(r"[^\n]+", text):
        pos, end = line.start(), line.end()
        while (i := text.find("“", pos, end)) >= 0 and (j := text.find("”", i, end)) >= 0:
            found.append(evidence.Span(i + 1, j))  # linear: each closing mark ends one pair
            pos = j + 1
        i = text.find("“", pos, end)
        if i >= 0 and re.match(r"\n\s*“", text[end : end + 20]):
            # a quotation running over paragraphs leaves its paragraph open and reopens the
            # next one with “: it ends with its paragraph
            found.append(evidence.Span(i + 1, end))
    for line in re.finditer(r"[^\n]+", text):
        marks = [line.start() + m.start() for m in re.finditer('"', line.group())]
        for a, b in zip(marks[::2], marks[1::2], strict=False):
            found.append(evidence.Span(a + 1, b))
    return sorted(found, key=lambda s: (s.begin, s.end))


def closure(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Return every class of the ontology with the classes above it (itself included)."""
    above: dict[URIRef, set[URIRef]] = defaultdict(set)
    classes = {c for c in ontology.subjects(RDFS.subClassOf, None) if isinstance(c, URIRef)}
    for cls in classes | {KG.Actor, KG.Place, KG.Role}:
        todo = [cls]
        while todo:
            c = todo.pop()
            if c in above[cls]:
                continue
            above[cls].add(c)
            todo += [p for p in ontology.objects(c, RDFS.subClassOf) if isinstance(p, URIRef)]
    return above


METONYMS = frozenset({"metonym", "capital"})


def read(
    text: str, entities: Graph, ontology: Graph, capitals: dict[str, str] | None = None
) -> Text:
    """Tokenize a text and find the registry's names in it, each read as actor, place or role.

    `capitals` (a capital → the label of its state) adds metonyms the registry lacks, for the
    states it has.
    """
    norm = text.replace("’", "'")
    doc = tokenize(norm)
    tokens = [Token(t.i, t.idx, t.idx + len(t.text), t.text, t.lower_) for t in doc]
    result = Text(
        text=text,
        norm=norm,
        tokens=tokens,
        sentences=evidence.sentences(text),
        quotations=quotations(text),
    )
    result.doc = doc
    result._starts = [t.begin for t in tokens]
    result._sentence_starts = [s.begin for s in result.sentences]
    result.tags = _tags(result)
    above = closure(ontology)
    for entity, cls in entities.subject_objects(RDF.type):
        if isinstance(entity, URIRef) and isinstance(cls, URIRef):
            result.types.setdefault(entity, set()).update(above.get(cls, {cls}))
    for entity, label in entities.subject_objects(RDFS.label):
        if isinstance(entity, URIRef) and getattr(label, "language", None) in ("en", None):
            result.labels.setdefault(entity, str(label))
    found = authoring.mentions(text, entities, ontology, roles=True).mentions
    found += _surnames(text, found, result)
    found += _capitals(text, found, result, capitals or {})
    by_span: dict[tuple[int, int], list[Mention]] = defaultdict(list)
    for m in found:
        by_span[(m.begin, m.end)].append(m)
    for (begin, end), group in sorted(by_span.items()):
        result.mentions += _readings(result, begin, end, group)
    return result


def _tags(t: Text) -> list[Any]:
    """Tag every token with its part of speech and chunk (kg.draft.tags), sentence by sentence."""
    from kg.draft.tags import NONE, tag

    groups: list[list[int]] = [[] for _ in t.sentences]
    j = 0
    for tk in t.tokens:
        while j < len(t.sentences) and t.sentences[j].end <= tk.begin:
            j += 1
        if j < len(t.sentences) and t.sentences[j].begin <= tk.begin:
            groups[j].append(tk.i)
    tagged = tag([[t.tokens[i].text for i in group] for group in groups])
    out = [NONE] * len(t.tokens)
    for group, tags in zip(groups, tagged, strict=True):
        for i, x in zip(group, tags, strict=True):
            out[i] = x
    return out


def _surnames(text: str, found: list[Mention], t: Text) -> list[Mention]:
    """Add a word of a person's full name alone, after the full name: the family name or the
    given name, whichever the text's naming order uses ("Pham Thu Lan" … "Lan", "Lin Jiamin" …
    "Lin", "Siti Aminah Yusof" … "Aminah"); a word two persons share is the one named last
    before it ("Nguyen Van Thanh … Nguyen Thi Hoa … Nguyen said": Nguyen Thi Hoa)."""
    from kg.draft.names import _lexicon_tag, gazetteer

    particles = frozenset(gazetteer()["names"].get("name_particles", []))
    closed = {"TO", *gazetteer()["names"]["opening_tags"], *gazetteer()["names"]["question_tags"]}
    named: dict[URIRef, list[int]] = defaultdict(list)  # each person → ends of its full name
    for m in found:
        if t.is_a(m.entity, KG.Person) and m.kind == "label":
            named[m.entity].append(m.end)
    parts: dict[str, set[URIRef]] = defaultdict(set)
    for person in named:
        words = t.label(person).split()
        if len(words) >= 2:
            for k, word in enumerate(words):
                middle = 0 < k < len(words) - 1
                if (
                    word[:1].isupper()
                    and len(word) > 1
                    and not word.endswith(".")  # "Ma." (Maria), an initial
                    and not (middle and word in particles)
                    and _lexicon_tag(word) not in closed  # not "Will", "He", "Do", "To"
                ):
                    parts[word].add(person)
    taken = [(m.begin, m.end) for m in found]
    extra: list[Mention] = []
    for word, people in sorted(parts.items()):
        for match in re.finditer(r"(?<![\w'’])" + re.escape(word) + r"(?![\w])", text):
            if any(b <= match.start() < e for b, e in taken):
                continue
            last = [
                (max(end for end in named[p] if end <= match.start()), str(p), p)
                for p in people
                if any(end <= match.start() for end in named[p])
            ]
            if not last:
                continue
            person = max(last)[2]  # the one named most recently before it
            span = evidence.Span(match.start(), match.end())
            extra.append(Mention(span.begin, span.end, word, person, "name", sentence=span))
    return extra


def _capitals(text: str, found: list[Mention], t: Text, capitals: dict[str, str]) -> list[Mention]:
    """Find capitals standing for their states, where the registry names neither as such."""
    states = {label: e for e, label in t.labels.items() if t.is_a(e, KG.State)}
    # a registry city of the capital's name ("Kuala Lumpur") is read with it: a place after
    # "in", its government where it acts ("Kuala Lumpur has long preferred …")
    taken = [(m.begin, m.end) for m in found if not t.is_a(m.entity, KG.City)]
    extra: list[Mention] = []
    for capital, state in sorted(capitals.items()):
        entity = states.get(state)
        if entity is None:
            continue
        for match in re.finditer(r"(?<![\w'’])" + re.escape(capital) + r"(?![\w])", text):
            if any(b < match.end() and match.start() < e for b, e in taken):
                continue
            span = evidence.Span(match.start(), match.end())
            extra.append(Mention(span.begin, span.end, capital, entity, "capital", sentence=span))
    return extra


def _after_city(t: Text, begin: int) -> bool:
    """Say whether a name follows "CITY, " (as "Malaysia" in "Kuala Lumpur, Malaysia")."""
    if t.text[begin - 2 : begin] != ", ":
        return False
    return any(
        m.end == begin - 2 and m.reading == "place" and t.is_a(m.entity, KG.City)
        for m in t.mentions
    )


# Words that make "to X" a destination (a place); after others "to Manila" names the government
# ("worth much to Manila", "a message to Beijing").
MOTION = frozenset(
    ["went", "go", "goes", "going", "gone", "travelled", "traveled", "travel", "travels", "flew",
     "fly", "flies", "sailed", "sail", "sent", "send", "sends", "returned", "return", "returns",
     "arrived", "moved", "move", "came", "come", "comes", "headed", "heading", "deployed",
     "deploy", "brought", "bring", "trip", "trips", "visit", "visits", "journey", "route",
     "routes", "flight", "flights", "close", "next", "near", "back", "way", "ferry", "road",
     "transferred", "relocated", "posted", "dispatched", "ship", "shipped"]
)  # fmt: skip


def _destination(t: Text, begin: int) -> bool:
    """Say whether "to" before a name reads as a destination ("flew to Manila"), or "from" as
    an origin ("flew from Hanoi")."""
    words = [tk.lower for tk in t.before(begin, 4)]
    return bool(words) and words[-1] in ("to", "from") and any(w in MOTION for w in words[:-1])


def _listed_place(t: Text, begin: int) -> bool:
    """Say whether a name follows "and" or "or" after a place ("in Washington and Manila")."""
    before = t.before(begin, 5)
    if not before or before[-1].lower not in ("and", "or"):
        return False
    k = len(before) - 2
    while k >= 0 and before[k].text[:1].isupper() and before[k].text.isalpha():
        k -= 1  # the name before "and"
    return 0 <= k < len(before) - 2 and before[k].lower in ("in", "at", "near", "inside")


def _readings(t: Text, begin: int, end: int, group: list[Mention]) -> list[Mention]:
    """Read the entities named at one span: an actor or a place (by the word before), or a role."""
    before = t.word_before(begin)
    place_context = (
        (before in PLACE_PREPOSITIONS and (before != "to" or _destination(t, begin)))
        or (before == "from" and _destination(t, begin))
        or _listed_place(t, begin)
        or _after_city(t, begin)
        or t.text[end : end + 6] in ("-based", "‑based")  # "the Manila-based institute": a place
    )
    roles = [m for m in group if t.is_a(m.entity, KG.Role)]
    places = [m for m in group if t.is_a(m.entity, KG.Place)]
    actors = [m for m in group if t.is_a(m.entity, KG.Actor) and m not in places]
    dual = [m for m in group if m in places and t.is_a(m.entity, KG.Actor)]  # states
    others = [m for m in group if m not in actors and m not in places and m not in roles]
    chosen: list[tuple[Mention, str]] = []
    if place_context:
        chosen += [(m, "place") for m in places if m.kind not in METONYMS]
        if not chosen:
            chosen += [(m, "actor") for m in actors + dual if m.kind not in METONYMS]
    else:
        chosen += [(m, "actor") for m in actors + dual]
        if not chosen:
            chosen += [(m, "place") for m in places]
    chosen += [(m, "role") for m in roles]
    chosen += [(m, "other") for m in others]
    return [Mention(m.begin, m.end, m.text, m.entity, m.kind, r) for m, r in chosen]
