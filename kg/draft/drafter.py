"""The default drafter: offline, deterministic, explainable rules over a registered source.

Each rule reads the text through `kg.draft.text` (tokens, sentences, quotations, the registry's
names) and the lexicons of `kg.draft.rules`, and proposes facts (`Proposal`) with the exact
span of the text that states them, the rule's name, a confidence and the reason. Nothing here
writes files: `kg.draft.turtle` renders the proposals.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import evidence, shapes
from kg.authoring import first_line, slug_of
from kg.draft import names
from kg.draft import rules as rules_mod
from kg.draft.rules import EventRule, Rules, Verb
from kg.draft.text import METONYMS, PREPOSITIONS, Mention, Text, Token, nlp, read
from kg.errors import InputError
from kg.namespaces import ENT, KG

Span = evidence.Span
PRONOUNS = frozenset({"he", "she"})
# the gender a pronoun or a title gives a person (pronoun coreference: "she" → the last woman)
GENDERED = {"he": "m", "his": "m", "him": "m", "himself": "m",
            "she": "f", "her": "f", "hers": "f", "herself": "f"}  # fmt: skip
GENDER_WORDS = {
    "mr": "m", "mister": "m", "sir": "m", "spokesman": "m", "chairman": "m", "congressman": "m",
    "businessman": "m", "fisherman": "m", "statesman": "m", "councilman": "m", "king": "m",
    "prince": "m", "father": "m", "son": "m", "husband": "m", "brother": "m",
    "ms": "f", "mrs": "f", "miss": "f", "madam": "f", "madame": "f", "mme": "f", "dame": "f",
    "lady": "f", "spokeswoman": "f", "chairwoman": "f", "congresswoman": "f",
    "businesswoman": "f", "fisherwoman": "f", "stateswoman": "f", "councilwoman": "f",
    "queen": "f", "princess": "f", "mother": "f", "daughter": "f", "wife": "f", "sister": "f",
}  # fmt: skip
# titles that name the same office ("Spokesperson Lin …" then "the spokeswoman said")
_TITLE_KIN = {
    "spokeswoman": "spokesperson",
    "spokesman": "spokesperson",
    "chairwoman": "chairman",
    "chair": "chairman",
    "congresswoman": "congressman",
}
EVENTS = frozenset(shapes.events())  # the specific event classes, as the event shape lists them
# what a statement may be kg:about among the drafted facts: events and claims (model rule 1)
ABOUT = EVENTS | {"TerritorialClaim", "ClaimContest"}
# the events a statement may be made in, inferred from its speaker taking part (model rule 7)
SETTINGS = frozenset({"Conversation", "Meeting", "Address"})
NOUN_MARKERS = frozenset(
    {"a", "an", "the", "this", "that", "his", "her", "its", "their", "our", "these", "those", "'s"}
)


@dataclass
class TimeNode:
    """A time expression as the text states it."""

    key: str
    text: str
    kind: str  # "relative", "year" or "month"
    value: str
    unit: str  # its time:unitType: "unitDay", "unitWeek", "unitMonth" or "unitYear"


@dataclass
class NewEntity:
    """An entity the registry lacks, proposed for review."""

    local: str
    cls: str
    label: str
    span: Span
    why: str


@dataclass
class Proposal:
    """One drafted fact: its class, values, quote span and why it was proposed."""

    cls: str
    base: str
    quote: Span
    rule: str
    confidence: float
    why: str
    values: list[tuple[str, Any]] = field(default_factory=list)
    participations: list[tuple[URIRef, str]] = field(default_factory=list)
    existing: str = ""  # the name of the fact of facts.ttl that states it already, if one does

    def entities(self, prop: str) -> list[URIRef]:
        """Return the entity values of one property."""
        return [v for p, v in self.values if p == prop and isinstance(v, URIRef)]


@dataclass
class Draft:
    """Everything the drafter proposes for one text."""

    text: Text
    proposals: list[Proposal] = field(default_factory=list)
    new_entities: list[NewEntity] = field(default_factory=list)


# --------------------------------------------------------------------------- matching


@functools.cache
def _matcher(key: str, entries: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    """Return a spaCy Matcher for lexicon entries (name, forms); "?" is one optional word."""
    from spacy.matcher import Matcher, PhraseMatcher

    matcher = Matcher(nlp().vocab)
    phrases = PhraseMatcher(nlp().vocab, attr="LOWER")
    for name, forms in entries:
        patterns = []
        plain = []
        for form in forms:
            doc = nlp().make_doc(form.replace("’", "'"))
            if any(t.text == "?" for t in doc):
                patterns.append(
                    [{"OP": "?"} if t.text == "?" else {"LOWER": t.lower_} for t in doc]
                )
            else:
                plain.append(doc)
        if patterns:
            matcher.add(name, patterns)
        if plain:
            phrases.add(name, plain)
    return matcher, phrases


def find(t: Text, key: str, entries: list[tuple[str, tuple[str, ...]]]) -> list[tuple[Span, str]]:
    """Return the longest non-overlapping matches of lexicon forms, as (span, entry name)."""
    from spacy.util import filter_spans

    matcher, phrases = _matcher(key, tuple(entries))
    spans = []
    found_ids = [
        *(matcher(t.doc) if len(matcher) else []),
        *(phrases(t.doc) if len(phrases) else []),
    ]
    for match_id, start, end in found_ids:
        span = t.doc[start:end]
        span.label_ = nlp().vocab.strings[match_id]
        spans.append(span)
    found = [
        (Span(s[0].idx, s[-1].idx + len(s[-1].text)), s.label_)
        for s in sorted(filter_spans(spans), key=lambda s: s.start)
    ]
    return found


def words_in(t: Text, span: Span) -> list[str]:
    """Return the lower-case tokens inside a span."""
    i = t.token_at(span.begin)
    out = []
    while i < len(t.tokens) and t.tokens[i].end <= span.end:
        if t.tokens[i].begin >= span.begin:
            out.append(t.tokens[i].lower)
        i += 1
    return out


def has_phrase(words: list[str], phrase: str) -> int:
    """Return the index where `phrase` (words) starts in `words`, or -1."""
    target = phrase.lower().replace("’", "'").split()
    for i in range(len(words) - len(target) + 1):
        if words[i : i + len(target)] == target:
            return i
    return -1


# --------------------------------------------------------------------------- the drafter


class Drafter:
    """Apply every rule to one text."""

    def __init__(self, text: str, entities: Graph, ontology: Graph, rules: Rules) -> None:
        self.rules = rules
        self.entities = entities
        self.ontology = ontology
        self.raw = text
        self.t = read(text, entities, ontology, rules.relations.get("capitals", {}))
        self.draft = Draft(self.t)
        self.title = self._title_span()
        self.roles_by_label = {
            " ".join(self.t.label(r).casefold().split()): r
            for r in entities.subjects(RDF.type, KG.Role)
            if isinstance(r, URIRef)
        }
        self.demonyms = self._demonyms()
        self.times: dict[str, TimeNode] = {}
        self.holding_in: dict[URIRef, URIRef] = {}
        self.holding_of: dict[URIRef, Proposal] = {}
        self.named_bodies: set[str] = set()  # bodies proposed from "<demonym> <body>" names
        self.content_first: dict[int, Span] = {}  # verb → what was said before its speaker
        self.abbreviations: dict[str, str] = dict(rules.roles.get("abbreviations", {}))
        self.relative_labels: dict[int, str] = {}  # "who teaches …": the role's label by title

    # ..................................................................... helpers

    def _title_span(self) -> Span | None:
        title = first_line(self.raw)
        if self.t.sentences and self.t.sentences[0].slice(self.raw) == title:
            return self.t.sentences[0]
        return None

    def _demonyms(self) -> dict[str, URIRef]:
        by_label = {}
        for entity, label in self.entities.subject_objects(RDFS.label):
            if isinstance(entity, URIRef) and self.t.is_a(entity, KG.State):
                by_label[str(label)] = entity
        out = {}
        for word, state in self.rules.roles.get("demonyms", {}).items():
            if state in by_label:
                out[word] = by_label[state]
        return out

    def inside_name(self, span: Span) -> bool:
        """Say whether a span overlaps a registry name (a verb there is part of the name)."""
        return any(m.begin < span.end and span.begin < m.end for m in self.t.mentions)

    def in_title(self, pos: int) -> bool:
        """Say whether a position lies in the headline (drafted from, never)."""
        return self.title is not None and self.title.begin <= pos < self.title.end

    def actors(self, begin: int, end: int) -> list[Mention]:
        """Return the actor mentions inside [begin, end), outside quotations."""
        return [
            m
            for m in self.t.mentions
            if m.reading == "actor"
            and begin <= m.begin
            and m.end <= end
            and not self.t.quoted(m.begin)
        ]

    def places(self, begin: int, end: int) -> list[Mention]:
        """Return the place mentions inside [begin, end), outside quotations."""
        return [
            m
            for m in self.t.mentions
            if m.reading == "place"
            and begin <= m.begin
            and m.end <= end
            and not self.t.quoted(m.begin)
        ]

    def mention_at(self, begin: int, end: int, reading: str = "actor") -> Mention | None:
        """Return the mention of one reading that overlaps [begin, end)."""
        for m in self.t.mentions:
            if m.reading == reading and m.begin < end and begin < m.end:
                return m
        return None

    def possessive(self, m: Mention) -> bool:
        """Say whether a mention is followed by 's (a possessor)."""
        return self.t.norm[m.end : m.end + 2] == "'s"

    def governed(self, m: Mention) -> bool:
        """Say whether a mention is the object of a preposition (through a possessor chain)."""
        if m.kind == "pronoun":
            return False  # he, she: never the object of a preposition
        pos = m.begin
        for _ in range(3):
            before = self.t.before(pos, 1)
            if not before:
                return False
            word = before[0]
            if word.lower in PREPOSITIONS:
                return True
            if word.lower in ("the", "a", "an"):
                pos = word.begin
                continue
            if word.lower == "'s":
                owner = self.mention_at(word.begin - 1, word.begin)
                if owner is None:
                    return False
                pos = owner.begin
                continue
            return False
        return False

    def last_person(self, pos: int) -> Mention | None:
        """Return the last person named before `pos`, outside quotations."""
        found = None
        for m in self.t.mentions:
            if m.end > pos:
                break
            if (
                m.reading == "actor"
                and self.t.is_a(m.entity, KG.Person)
                and not self.t.quoted(m.begin)
                and (m.kind == "pronoun" or not self.governed(m))
                and not self.possessive(m)
            ):
                found = m  # a subject: not after a preposition, not a possessor
        return found

    def pronoun(self, token_begin: int, token_end: int) -> Mention | None:
        """Resolve he/she to the last person named before it; but to the last person who
        spoke when the one named since is no sentence's subject ("“…,” said A, who met B on
        Monday. “…,” he said": A)."""
        person = self.last_person(token_begin)
        if person is None:
            return None
        spoken = [
            p
            for p in self.draft.proposals
            if p.cls == "Statement"
            and p.quote.end <= token_begin
            and any(self.t.is_a(e, KG.Person) for e in p.entities("kg:speaker"))
        ]
        asking = [p for p in spoken if self._questions(p)]
        if asking and max(spoken, key=lambda p: p.quote.end) in asking:
            # "Ken Ito asked whether … “…,” she said": the one who asked does not answer
            asker = max(asking, key=lambda p: p.quote.end).entities("kg:speaker")[0]
            answered = [p for p in spoken if p.entities("kg:speaker")[0] != asker]
            if answered and person.entity == asker:
                last = max(answered, key=lambda p: p.quote.end)
                person = Mention(
                    person.begin,
                    person.end,
                    person.text,
                    last.entities("kg:speaker")[0],
                    "name",
                    "actor",
                )
                spoken = []
        if spoken:
            last = max(spoken, key=lambda p: p.quote.end)
            speaker = last.entities("kg:speaker")[0]
            if (
                speaker != person.entity
                and not self._leads(person)
                and self.t.sentence_of(last.quote.begin).begin
                >= self.t.sentence_of(person.begin).begin
            ):
                person = Mention(person.begin, person.end, person.text, speaker, "name", "actor")
        want = GENDERED.get(self.raw[token_begin:token_end].lower(), "")
        if want and self._gender(person.entity) not in ("", want):
            # "Senator Mia Cortez … Admiral Ben Walsh, in his reply, … She said": not the last
            # person named, who is a man, but the last woman named before
            other = self._compatible(token_begin, want, person.entity)
            if other is not None:
                person = other
        return Mention(
            token_begin,
            token_end,
            self.raw[token_begin:token_end],
            person.entity,
            "pronoun",
            "actor",
        )

    def _compatible(self, pos: int, want: str, not_this: URIRef) -> Mention | None:
        """The last person named before `pos` (a subject, outside quotations) whom the text
        gives the gender `want`; else the last one it gives none, other than `not_this`."""
        unknown = None
        for m in reversed([m for m in self.t.mentions if m.end <= pos]):
            if (
                m.reading != "actor"
                or m.kind == "pronoun"
                or not self.t.is_a(m.entity, KG.Person)
                or self.t.quoted(m.begin)
                or self.possessive(m)
                or m.entity == not_this
            ):
                continue
            found = self._gender(m.entity)
            if found == want:
                return m
            if not found and unknown is None:
                unknown = m
        return unknown

    def _gender(self, person: URIRef) -> str:
        """The gender the text gives a person ("m", "f" or ""): by a title before a mention
        ("Mr.", "Ms.", "Mrs.", "Madam"), a gendered office noun by it ("spokeswoman",
        "chairman"), "his"/"her" after it before anyone else is named, or "he"/"she" in a
        paragraph that names no other person; the majority of these, none on a tie."""
        cache: dict[URIRef, str] = self.__dict__.setdefault("_genders", {})
        if person in cache:
            return cache[person]
        votes = {"m": 0, "f": 0}
        people = [
            m
            for m in self.t.mentions
            if m.reading == "actor" and m.kind != "pronoun" and self.t.is_a(m.entity, KG.Person)
        ]
        for m in people:
            if m.entity != person:
                continue
            title = ""
            for tk in reversed(self.t.before(m.begin, 4)):
                if tk.lower.rstrip(".") in GENDER_WORDS or not tk.text[:1].isupper():
                    title = tk.lower.rstrip(".")
                    break  # "Mr. Leo Park", "Spokeswoman Lia Moreno": the word before the name
            after = re.match(
                r",\s+(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){0,4}?([a-z]+)\b",
                self.raw[m.end : m.end + 80],
            )
            for word in (title, after.group(1) if after else ""):
                g = GENDER_WORDS.get(word.lower(), "")
                if g:
                    votes[g] += 2  # a title says more than a pronoun read by position
            sentence = self.t.sentence_of(m.begin)
            for tk in self.t.after(m.end, 8):
                if tk.end > sentence.end or self.t.quoted(tk.begin):
                    break
                if any(o.begin == tk.begin and o.entity != person for o in people):
                    break  # someone else named: "his" may be theirs
                g = (
                    GENDERED.get(tk.lower, "")
                    if tk.lower in ("his", "her", "himself", "herself")
                    else ""
                )
                if g:
                    votes[g] += 1
                    break
        for tk in self.t.tokens:
            g = GENDERED.get(tk.lower, "") if tk.lower in ("he", "she") else ""
            if not g or self.t.quoted(tk.begin):
                continue
            paragraph = self.raw.rfind("\n\n", 0, tk.begin) + 1
            named = {m.entity for m in people if paragraph <= m.begin and m.end <= tk.begin}
            if named == {person}:
                votes[g] += 1
        found = "" if votes["m"] == votes["f"] else max(votes, key=lambda g: votes[g])
        cache[person] = found
        return found

    def _questions(self, p: Proposal) -> bool:
        """Whether a statement is a question put to someone ("asked whether …")."""
        return bool(
            re.search(
                r"\bask(?:s|ed)\s+(?:[\w,]+\s+){0,4}?(?:whether|if|why|how|what|when)\b",
                self.raw[p.quote.begin : p.quote.end],
            )
        )

    def _leads(self, m: Mention) -> bool:
        """Whether a name opens its sentence, as its subject (after at most a title or an
        apposition: "Another analyst, Tomas Lindqvist, …", "Reyes argued …")."""
        sentence = self.t.sentence_of(m.begin)
        before = [tk for tk in self.t.before(m.begin, 6) if tk.begin >= sentence.begin]
        return len(before) <= 4 and not any(
            self.t.tags and self.t.tags[tk.i].pos.startswith("VB") for tk in before
        )

    def trim(self, begin: int, end: int) -> Span:
        """Return a span without surrounding spaces and trailing , ; : or a bare full stop."""
        while begin < end and self.raw[begin].isspace():
            begin += 1
        while end > begin and (self.raw[end - 1].isspace() or self.raw[end - 1] in ",;:—–"):
            end -= 1
        if end > begin and self.raw[end - 1] == "." and self.raw[end - 2 : end - 1] not in '”"':
            end -= 1
        return Span(begin, end)

    def boundaries(self, sentence: Span) -> list[int]:
        """Return the clause boundaries of a sentence: ; — , which/who, , V-ing, and that."""
        cuts = {sentence.begin, sentence.end}
        toks = [tk for tk in self.t.tokens if sentence.begin <= tk.begin < sentence.end]
        for a, b in itertools.pairwise(toks):
            if self.t.quoted(a.begin):
                continue
            if a.text in (";", "—", "–") or (a.text == "," and b.lower in ("which", "who")):
                cuts.add(b.begin)
            elif a.text == "," and b.lower.endswith("ing") and b.lower.isalpha():
                cuts.add(a.begin)
            elif b.lower == "that" and a.begin in self.speech_ends:
                cuts.add(b.end)
        return sorted(cuts)

    def segment(self, pos: int) -> Span:
        """Return the clause of the sentence that holds `pos`."""
        sentence = self.t.sentence_of(pos)
        cuts = self.boundaries(sentence)
        begin = max(c for c in cuts if c <= pos)
        end = min(c for c in cuts if c > pos) if any(c > pos for c in cuts) else sentence.end
        return Span(begin, end)

    # ..................................................................... run

    def run(self) -> Draft:
        """Propose every fact the rules find, in a fixed order."""
        self.verb_matches = [v for v in self._verb_matches() if not self._asked_of_you(v[0])]
        self.speech_ends = {
            self.t.tokens[self.t.token_at(span.end - 1)].begin for span, _ in self.verb_matches
        }
        self.time_matches = self._times()
        self.roles_rule()
        self.unnamed_holders_rule()
        self.role_anaphora()
        self.body_anaphora()
        self.counterparts_rule()
        self.affiliations_rule()
        self.locations_rule()
        self.memberships_rule()
        self.alliances_rule()
        self.treaties_rule()
        self.claims_rule()
        self.contests_rule()
        self.metonyms_rule()
        self.events_rule()
        self.statements_rule()
        self.continued_quotes_rule()
        self._drop_questions()
        self.answers_rule()
        self.answer_sentences_rule()
        self._drop_direct_questions()
        return self.draft

    def _drop_questions(self) -> None:
        """A question put at a press conference ("Ken Ito of the Daily Mail asked whether …")
        states nothing: its statement (kept until now, so that "she said" after it is read as
        the answer) goes, with the action drafted only for it."""
        for p in [p for p in self.draft.proposals if p.cls == "Statement" and self._question(p)]:
            if any(x is p for q in self.draft.proposals for _, x in q.values):
                continue  # another fact points to it
            self.draft.proposals.remove(p)
            for _, v in p.values:
                if (
                    isinstance(v, Proposal)
                    and v in self.draft.proposals
                    and not any(x is v for q in self.draft.proposals for _, x in q.values)
                ):
                    self.draft.proposals.remove(v)
                    while v in self.events:
                        self.events.remove(v)

    def _lawmaker(self, p: Proposal) -> bool:
        """Whether a statement's speaker is named anywhere with a lawmaker's title ("Sen.",
        "Representative", "lawmaker", …), or is a member of a legislature."""
        speakers = p.entities("kg:speaker")
        if not speakers:
            return False
        titles = (
            r"(?:Sen\.|Senators?|Rep\.|Representatives?|Congress(?:wo)?man|[Ll]awmakers?"
            r"|[Ll]egislators?|MPs?|Chair(?:man|woman)?|[Ss]enators?)"
        )
        last = re.escape(self.t.label(speakers[0]).split()[-1])
        if re.search(rf"{titles}\s+(?:[A-Z][\w.'’-]*\s+){{0,2}}{last}\b", self.raw):
            return True
        return bool(re.search(rf"\b{last},\s+(?:an?|the)\s+(?:\S+\s+){{0,3}}{titles}", self.raw))

    def _question(self, p: Proposal) -> bool:
        """Whether a statement's own verb puts a question ("Hana Mori of the Eastern Times
        asked whether …", "asked Lin why …", "asked: “Will …?”"), not a lawmaker's."""
        m = re.match(r"“(ask(?:s|ed|ing)?)”", p.why)
        if m is None:
            return False
        at = self.raw.find(m.group(1), p.quote.begin)
        if at < 0:
            at = p.quote.begin
        if self._lawmaker(p):
            return False  # a lawmaker's question at a hearing says something
        after = self.raw[at + len(m.group(1)) : p.quote.end + 2]
        return bool(
            re.match(
                r"\s+(?:[\w.,'’]+\s+){0,4}?(?:whether|if|why|how|what|when|who|which)\b", after
            )
            or re.match(r"\s*[:,]?\s*[“\"][^”\"]*\?", after)
        )

    def continued_quotes_rule(self) -> None:
        """A quotation with no speech verb of its own, after a quoted statement in the same or
        the previous paragraph with nothing said by anyone else between: the same speaker goes
        on ("…,” said X. “Y.”; a quote running over into the next paragraph)."""
        stated = sorted(
            (p for p in self.draft.proposals if p.cls == "Statement"),
            key=lambda p: p.quote.begin,
        )
        for q in self.t.quotations:
            if q.end - q.begin < 12 or self.in_title(q.begin):
                continue
            if any(p.quote.begin <= q.begin < p.quote.end for p in stated):
                continue  # already part of a statement
            sentence = self.t.sentence_of(q.begin)
            if any(sentence.begin <= s.begin < sentence.end for s, _ in self.verb_matches):
                continue  # its sentence has its own speech verb (and speaker, or none)
            before = [p for p in stated if p.quote.end <= q.begin]
            if not before:
                continue
            last = before[-1]
            gap = self.raw[last.quote.end : q.begin]
            if gap.count("\n\n") > 1 or len(gap) > 400:
                continue
            if not any(prop == "kg:quotation" for prop, _ in last.values) and not any(
                last.quote.begin <= o.begin < last.quote.end for o in self.t.quotations
            ):
                continue  # the previous statement quoted no one: no voice to go on with
            speaker = last.entities("kg:speaker")
            if not speaker:
                continue
            words = self.trim(q.begin, q.end)
            named = [
                m
                for m in self.t.mentions
                if m.reading == "actor"
                and words.begin <= m.begin
                and m.end <= words.end
                and m.entity != speaker[0]
            ]
            mention = Mention(q.begin, q.begin, "", speaker[0], "continued", "actor")
            about = None if named else self._about_in(words, mention)
            in_words = None if named or about is not None else self._in_words(words, mention)
            if not named and about is None and in_words is None:
                continue
            label = self.raw[words.begin : words.end]
            if len(label) > 80:
                label = label[:78].rsplit(" ", 1)[0] + " …"
            values: list[tuple[str, Any]] = [
                ("rdfs:label", Literal(f"{self.t.label(speaker[0])}: {label}", lang="en")),
                ("kg:speaker", speaker[0]),
                ("kg:statementType", KG.Assessment),
                ("kg:actKind", KG.Verbal),
            ]
            if named:
                values.append(("kg:target", named[0].entity))
            elif about is not None:
                values.append(("kg:about", about))
            else:
                values.append(("kg:subjectMatter", in_words))
            values.append(("kg:quotation", Literal(self.raw[q.begin : q.end])))
            self.add(
                Proposal(
                    "Statement",
                    f"stmt-{self.local(speaker[0])}-continued",
                    Span(q.begin - 1, min(q.end + 1, len(self.raw))),
                    "statement.continued-quote",
                    0.6,
                    "a quotation with no speech verb, right after a quoted statement: the same "
                    f"speaker (“{self.t.label(speaker[0])}”) goes on",
                    values,
                )
            )

    def _about_in(self, words: Span, speaker: Mention) -> Any:
        """What words with no speech verb of their own are about (rule 1): the instrument they
        name, the statement or event they refer or point back to; None if no rule reads one."""
        return (
            self._instrument(words)
            or self._referred(words, speaker)
            or self._corefer(words, None)
            or self._pointed(words, speaker, None)
        )

    def answers_rule(self) -> None:
        """A press conference's transcript: a paragraph opening "A:", "Answer:", "Spokesperson:"
        or "NAME:" with no speech verb of its own is what the one answering said: the named
        person, or the last person who spoke before it ("Q: … A: …" after "Lin said …")."""
        for match in re.finditer(
            r"(?m)^(A|Answer|Spokesperson|Spokesman|Spokeswoman|"
            r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}):[ \t]+(\S[^\n]*)",
            self.raw,
        ):
            words = self.trim(match.start(2), match.end(2))
            if words.end - words.begin < 12 or self.in_title(words.begin):
                continue
            if any(words.begin <= s.begin < words.end for s, _ in self.verb_matches):
                continue  # "A: “…,” Lin said": read by the statement rules
            if any(
                p.cls == "Statement" and p.quote.begin < words.end and words.begin < p.quote.end
                for p in self.draft.proposals
            ):
                continue
            label_words = match.group(1)
            speaker: URIRef | None = None
            if label_words not in ("A", "Answer", "Spokesperson", "Spokesman", "Spokeswoman"):
                named = self.mention_at(match.start(1), match.end(1))
                if named is None or not self.t.is_a(named.entity, KG.Person):
                    continue  # "Note: …", "Manila: …": no speaker's name
                speaker = named.entity
            else:
                earlier = [
                    p
                    for p in self.draft.proposals
                    if p.cls == "Statement"
                    and p.quote.end <= match.start()
                    and any(self.t.is_a(e, KG.Person) for e in p.entities("kg:speaker"))
                ]
                if not earlier:
                    continue
                last = max(earlier, key=lambda p: p.quote.begin)
                speaker = last.entities("kg:speaker")[0]
            named_actors = [
                m
                for m in self.actors(words.begin, words.end)
                if m.entity != speaker and not self.governed(m)
            ]
            text = self.raw[words.begin : words.end]
            label = text if len(text) <= 80 else text[:78].rsplit(" ", 1)[0] + " …"
            values: list[tuple[str, Any]] = [
                ("rdfs:label", Literal(f"{self.t.label(speaker)}: {label}", lang="en")),
                ("kg:speaker", speaker),
                ("kg:statementType", KG.Assessment),
                ("kg:actKind", KG.Verbal),
            ]
            if named_actors:
                values.append(("kg:target", named_actors[0].entity))
            else:  # rule 1: what the answer is about, as for any statement, or no statement
                mention = Mention(words.begin, words.begin, "", speaker, "answer", "actor")
                about = self._about_in(words, mention)
                if about is not None:
                    values.append(("kg:about", about))
                else:  # named by no rule: what it is about, in its words
                    in_words = self._in_words(words, mention)
                    if in_words is None:
                        continue
                    values.append(("kg:subjectMatter", in_words))
            self.add(
                Proposal(
                    "Statement",
                    f"stmt-{self.local(speaker)}-answer",
                    words,
                    "statement.answer",
                    0.6,
                    f"an answer in a question-and-answer layout (“{match.group(1)}:”), "
                    f"by {self.t.label(speaker)}",
                    values,
                )
            )
        self._answer_sentences()

    def _answer_sentences(self) -> None:
        """An answer running over several unquoted sentences ("A: Lin said the government had
        made no decision. Indonesia supports an effective code. It wants …"; "Asked whether
        …, Lin said …. …"): each later sentence of the answer's paragraph with no speech verb
        of its own, no question and no statement is the answerer's statement too."""
        stated = [p for p in self.draft.proposals if p.cls == "Statement"]
        for match in re.finditer(
            r"(?m)^(?:(?:A|Answer|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}):[ \t]+|Asked\b)[^\n]*",
            self.raw,
        ):
            paragraph = Span(match.start(), match.end())
            if self.in_title(paragraph.begin) or self.raw[
                paragraph.begin : paragraph.end
            ].startswith(("Q:", "Question:", "Note:")):
                continue
            for sentence in self.t.sentences:
                if not (paragraph.begin <= sentence.begin and sentence.end <= paragraph.end):
                    continue
                before = [
                    p
                    for p in stated
                    if paragraph.begin <= p.quote.begin and p.quote.end <= sentence.begin
                ]
                if not before:
                    continue
                words = self.trim(sentence.begin, sentence.end)
                text = self.raw[words.begin : words.end]
                if (
                    len(text.split()) < 4
                    or text.endswith("?")
                    or any(words.begin <= s.begin < words.end for s, _ in self.verb_matches)
                    or any(
                        p.quote.begin < words.end and words.begin < p.quote.end
                        for p in self.draft.proposals
                        if p.cls == "Statement"
                    )
                ):
                    continue
                last = max(before, key=lambda p: p.quote.begin)
                speakers = last.entities("kg:speaker")
                if not speakers:
                    continue
                speaker = speakers[0]
                if any(
                    self.t.is_a(m.entity, KG.Person) and m.entity != speaker and self._leads(m)
                    for m in self.actors(words.begin, words.end)
                ):
                    continue  # "Ambassador Lind later met …": the narrative of another person
                named = [
                    m
                    for m in self.actors(words.begin, words.end)
                    if m.entity != speaker and not self.governed(m) and not self.possessive(m)
                ]
                values: list[tuple[str, Any]] = [
                    ("rdfs:label", Literal(f"{self.t.label(speaker)}: {text[:80]}", lang="en")),
                    ("kg:speaker", speaker),
                    ("kg:statementType", KG.Assessment),
                    ("kg:actKind", KG.Verbal),
                ]
                mention = Mention(words.begin, words.begin, "", speaker, "answer", "actor")
                if named:
                    values.append(("kg:target", named[0].entity))
                else:
                    about = self._about_in(words, mention)
                    if about is not None:
                        values.append(("kg:about", about))
                    else:
                        in_words = self._in_words(words, mention)
                        if in_words is None:
                            continue
                        values.append(("kg:subjectMatter", in_words))
                stated.append(
                    self.add(
                        Proposal(
                            "Statement",
                            f"stmt-{self.local(speaker)}-answer",
                            words,
                            "statement.answer",
                            0.55,
                            "a sentence of an answer with no speech verb of its own, after "
                            f"{self.t.label(speaker)}'s statement in the same paragraph",
                            values,
                        )
                    )
                )

    def answer_sentences_rule(self) -> None:
        """A press conference's answers, sentence by sentence: a paragraph opening "A:",
        "Answer:", "Spokesperson:" or "NAME:", or a quoted paragraph with no speech verb right
        after a question, is what the one answering said (the named person, or the last person
        who spoke before it), also where it reports what another did ("A: Vietnam has lodged a
        protest …"): each sentence no statement of the answerer or of another named person
        covers yet is the answerer's statement."""
        for match in re.finditer(
            r"(?m)^(A|Answer|Spokesperson|Spokesman|Spokeswoman|(?:(?:Mr|Ms|Mrs|Dr)\.\s)?"
            r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}):[ \t]+(\S[^\n]*)|^(“[^\n]*)",
            self.raw,
        ):
            if match.group(3) is not None:  # “…” after a question, with no speech verb
                words = self.trim(match.start(3), match.end(3))
                if not self._after_question(match.start()) or any(
                    words.begin <= s.begin < words.end for s, _ in self.verb_matches
                ):
                    continue
                label_words = "A"
            else:
                words = self.trim(match.start(2), match.end(2))
                label_words = match.group(1)
            if words.end - words.begin < 12 or self.in_title(words.begin):
                continue
            speaker: URIRef | None = None
            if label_words not in ("A", "Answer", "Spokesperson", "Spokesman", "Spokeswoman"):
                named = self.mention_at(match.start(1), match.end(1))
                if named is None or not self.t.is_a(named.entity, KG.Person):
                    continue  # "Note: …", "Manila: …", "Q: …": no speaker's name
                speaker = named.entity
            else:
                earlier = [
                    p
                    for p in self.draft.proposals
                    if p.cls == "Statement"
                    and p.quote.end <= match.start()
                    and any(self.t.is_a(e, KG.Person) for e in p.entities("kg:speaker"))
                ]
                if not earlier:
                    continue
                last = max(earlier, key=lambda p: p.quote.begin)
                speaker = last.entities("kg:speaker")[0]
            for sentence in self.t.sentences:
                if sentence.end <= words.begin or sentence.begin >= words.end:
                    continue
                part = self.trim(max(sentence.begin, words.begin), min(sentence.end, words.end))
                if part.end - part.begin >= 12 and not self._direct_question(sentence):
                    self._answer(part, speaker, match.group(1) or "“")

    def _answer(self, words: Span, speaker: URIRef, label_words: str) -> None:
        """One sentence of an answer: the answerer's statement, unless a statement of the
        answerer, or one a named person's quotation gives, covers it already."""
        for p in self.draft.proposals:
            if p.cls != "Statement" or not (
                p.quote.begin < words.end and words.begin < p.quote.end
            ):
                continue
            speakers = p.entities("kg:speaker")
            if speaker in speakers or any(self.t.is_a(e, KG.Person) for e in speakers):
                return  # "A: “…,” Lin said", "A: Lin denied the reports": read already
        named_actors = [
            m
            for m in self.actors(words.begin, words.end)
            if m.entity != speaker and not self.governed(m)
        ]
        text = self.raw[words.begin : words.end].strip('“”"')
        label = text if len(text) <= 80 else text[:78].rsplit(" ", 1)[0] + " …"
        values: list[tuple[str, Any]] = [
            ("rdfs:label", Literal(f"{self.t.label(speaker)}: {label}", lang="en")),
            ("kg:speaker", speaker),
            ("kg:statementType", KG.Assessment),
            ("kg:actKind", KG.Verbal),
        ]
        if named_actors:
            values.append(("kg:target", named_actors[0].entity))
        else:  # rule 1: what the answer is about, as for any statement, or no statement
            mention = Mention(words.begin, words.begin, "", speaker, "answer", "actor")
            about = self._about_in(words, mention)
            if about is not None:
                values.append(("kg:about", about))
            else:  # named by no rule: what it is about, in its words
                in_words = self._in_words(words, mention)
                if in_words is None:
                    return
                values.append(("kg:subjectMatter", in_words))
        self.add(
            Proposal(
                "Statement",
                f"stmt-{self.local(speaker)}-answer",
                words,
                "statement.answer",
                0.6,
                f"an answer in a question-and-answer layout (“{label_words}”), "
                f"by {self.t.label(speaker)}",
                values,
            )
        )

    def _direct_question(self, sentence: Span) -> bool:
        """Whether a sentence outside quotation marks asks a question: it ends with "?" and
        opens (after a "Q:" or "NAME:" label) with an auxiliary, a modal or a wh-word ("Has
        Vietnam protested?", "Bloomberg: Is China worried …?"); not "Q: Reports say ships
        harassed a boat, can you confirm?", whose report may state an event."""
        text = self.raw[sentence.begin : sentence.end].rstrip()
        if not text.endswith("?") or text.startswith(("“", '"')):
            return False
        label = re.match(r"(?:[A-Z][\w.’'&-]*(?: [A-Z][\w.’'&-]*){0,3}):\s+", text)
        first = sentence.begin + (label.end() if label else 0)
        if not re.match(r"[A-Z]", self.raw[first : first + 1]):
            return False
        return bool(
            re.match(
                r"(?:Is|Are|Was|Were|Has|Have|Had|Does|Do|Did|Will|Would|Can|Could|Should|"
                r"May|Might|Must|Shall|What|Why|How|When|Where|Who|Whom|Which|Whether)\b",
                self.raw[first : first + 10],
            )
        )

    def _after_question(self, pos: int) -> bool:
        """Whether the paragraph before `pos` puts a question: it opens "Q:"/"Question:", ends
        with "?", or asks ("asked whether …")."""
        before = self.raw[max(0, pos - 600) : pos].rstrip()
        paragraph = before.rsplit("\n\n", 1)[-1].strip()
        return bool(
            paragraph.endswith("?")
            or re.match(r"(?:Q|Question)\s*[:.]", paragraph)
            or re.search(r"\bask(?:s|ed)\s+(?:[\w,]+\s+){0,4}?(?:whether|if)\b", paragraph)
        )

    def _asked_of_you(self, verb: Span) -> bool:
        """Whether a speech verb is asked of the one who answers ("…, can you confirm?",
        "Q: Could you comment on …?"): no one says anything by it."""
        if self.t.quoted(verb.begin):
            return False
        before = self.raw[max(0, verb.begin - 40) : verb.begin]
        clause = re.search(r"\b(?i:can|could|will|would|do|does|did)\s+you\s+(?:\w+\s+)?$", before)
        if clause is None:
            return False
        end = re.search(r"[.?!\n]", self.raw[verb.end : verb.end + 200])
        return end is not None and end.group() == "?"

    def _drop_direct_questions(self) -> None:
        """A question put at a press conference states nothing and reports no event: what is
        drafted inside one ("Will China allow …?", "Has Vietnam protested?", "asked whether
        Hanoi would sue") goes."""
        asked = [s for s in self.t.sentences if self._direct_question(s)]
        for m in re.finditer(r"\bask(?:s|ed)\s+(?:[\w,]+\s+){0,4}?(whether|if)\b", self.raw):
            if self.t.quoted(m.start()):
                continue
            sentence = self.t.sentence_of(m.start())
            comma = self.raw.find(",", m.end(1), sentence.end)
            asked.append(Span(m.start(1), comma if comma >= 0 else sentence.end))
        if not asked:
            return
        kinds = EVENTS | {"Statement", "Action", "MetonymMention"}
        statements_first = sorted(self.draft.proposals, key=lambda p: p.cls != "Statement")
        for p in statements_first:
            if p.cls not in kinds or not any(
                s.begin <= p.quote.begin and p.quote.end <= s.end for s in asked
            ):
                continue
            if any(x is p for q in self.draft.proposals for _, x in q.values):
                continue  # another fact points to it
            self.draft.proposals.remove(p)
            while p in self.events:
                self.events.remove(p)

    def add(self, proposal: Proposal) -> Proposal:
        """Keep a proposal unless the same class already states the same values at that quote."""
        for other in self.draft.proposals:
            once = (
                proposal.cls not in ("Statement", "MetonymMention") and proposal.cls not in EVENTS
            )
            overlap = (
                other.quote.begin < proposal.quote.end and proposal.quote.begin < other.quote.end
            )
            if (
                (once or overlap)
                and other.cls == proposal.cls
                and sorted(map(str, other.values)) == sorted(map(str, proposal.values))
                and sorted(map(str, other.participations))
                == sorted(map(str, proposal.participations))
            ):
                return other
        self.draft.proposals.append(proposal)
        return proposal

    def local(self, entity: URIRef) -> str:
        """Return an entity's local name, for fact names."""
        return entity.rsplit("/", 1)[-1].removeprefix("role-")

    # ..................................................................... roles

    def roles_rule(self) -> None:
        """Titles before a name, appositions after it, and possessive titles before a comma."""
        heads = {h.split()[-1] for h in self.rules.roles["heads"]}
        modifiers = set(self.rules.roles["modifiers"])
        stops = set(self.rules.roles["stops"])
        confidence = 0.9
        for m in list(self.t.mentions):
            if m.reading != "actor" or not self.t.is_a(m.entity, KG.Person) or m.kind == "pronoun":
                continue
            if self.t.quoted(m.begin) or self.in_title(m.begin):
                continue
            found = self._title_before(m, heads, modifiers, stops)
            if found is not None:
                begin, title_begin, role_in = found
                title_end = self._prev_end(m.begin)
                office = self._office_state(title_begin, m.begin)
                if office is not None and role_in is None:
                    # "Secretary of Foreign Affairs of the Philippines Enrique Manalo"
                    role_in, title_end = office
                of = self._of_state_after(m) if role_in is None else None
                if of is not None:  # "President Luong Van Tam of Viet Nam"
                    role_in = of.entity
                self._role(
                    m,
                    Span(title_begin, title_end),
                    role_in,
                    Span(begin, m.end if of is None else of.end),
                    "role.title-before-name",
                    confidence,
                    "a title right before a name",
                )
                continue
            relative = self._relative_role(m)
            if relative is not None:
                title, role_in, end = relative
                self._role(
                    m,
                    title,
                    role_in,
                    Span(m.begin, end),
                    "role.relative-clause",
                    0.75,
                    "a relative clause after a name: NAME, who teaches … at ORG",
                )
            found2 = self._apposition_after(m, heads, stops)
            if found2 is not None:
                title, role_in, end = found2
                self._role(
                    m,
                    title,
                    role_in,
                    Span(m.begin, end),
                    "role.apposition",
                    confidence,
                    "an apposition after a name: NAME, TITLE for ORG",
                )
                continue
            before_comma = (
                (
                    (self._title_of_comma_before, (heads,)),
                    "role.title-of-comma-name",
                    "a title of an organisation or state before a comma and a name",
                ),
                (
                    (self._title_comma_before, (heads, modifiers)),
                    "role.title-comma-name",
                    "a possessive title before a comma and a name",
                ),
                (
                    (self._det_title_comma_before, (heads, modifiers)),
                    "role.det-title-comma-name",
                    "a title with its article before a comma and a name: “Another analyst, NAME”",
                ),
            )
            for (finder, args), rule, why in before_comma:  # the first that reads one
                found_before = finder(m, *args)
                if found_before is not None:
                    begin, title, role_in = found_before
                    self._role(m, title, role_in, Span(begin, m.end), rule, 0.8, why)
                    break

    def _relative_role(self, m: Mention) -> tuple[Span, URIRef | None, int] | None:
        """ "NAME, who teaches maritime law at ORG": the post the relative clause's verb names
        (roles.toml's `relative_roles`), held at the organisation after at/for/with/in."""
        toks = self.t.after(m.end, 16)
        if len(toks) < 5 or toks[0].text != "," or toks[1].lower != "who":
            return None
        verbs = self.rules.roles.get("relative_roles", {})
        label = None
        i = 2
        while i < len(toks) and (
            toks[i].lower in ("now", "also", "currently", "still")
            or (toks[i].lower.endswith("ly") and toks[i].text.isalpha())
        ):
            i += 1  # "who now heads …"
        for form, name in verbs.items():
            words = form.split()
            if [tk.lower for tk in toks[i : i + len(words)]] == words:
                label, i = name, i + len(words)
                break
        if label is None:
            return None
        title_begin = toks[1].begin
        if not label:  # "who works as a senior analyst at ORG": the title named
            if i < len(toks) and toks[i].lower in ("a", "an", "the"):
                i += 1
            start = i
            while i < len(toks) and toks[i].text.isalpha() and toks[i].lower not in PREPOSITIONS:
                i += 1
            if i == start:
                return None
            title_begin, label = toks[start].begin, self.raw[toks[start].begin : toks[i - 1].end]
        k = i
        while k < len(toks) and k - i <= 5 and toks[k].lower not in ("at", "for", "with", "in"):
            if not toks[k].text.isalpha() and toks[k].text != "-":
                return None
            k += 1
        if k >= len(toks) - 1 or toks[k].lower not in ("at", "for", "with", "in"):
            return None
        j = k + 1
        if toks[j].lower == "the":
            j += 1
        end = j
        while end < len(toks) and (
            toks[end].text[:1].isupper() or toks[end].lower in ("of", "for", "and", "-", "'s")
        ):
            end += 1
        while end > j and not toks[end - 1].text[:1].isupper():
            end -= 1
        if end == j:
            return None  # "who teaches at a university": no organisation named
        org = next(
            (
                x
                for x in self.actors(toks[j].begin, toks[end - 1].end)
                if not self.t.is_a(x.entity, KG.Person)
            ),
            None,
        )
        title = (
            Span(title_begin, toks[i - 1].end)
            if label == self.raw[title_begin : toks[i - 1].end]
            else Span(toks[2].begin, toks[i - 1].end)
        )
        self.relative_labels[title.begin] = label
        return title, org.entity if org else None, toks[end - 1].end

    def unnamed_holders_rule(self) -> None:
        """ "A spokesperson for the Thai foreign ministry said", "a senior Chinese military
        official told …": a role whose holder the text does not name. Its holder is a
        placeholder person proposed for the analyst to name (roles.toml's `unnamed_holder`)."""
        conf = roles = self.rules.roles
        heads = {h.split()[-1] for h in roles["heads"]}
        modifiers = set(roles["modifiers"])
        unnamed = roles.get("unnamed_holder", {})
        articles = set(unnamed.get("articles", ()))
        bodies = set(unnamed.get("bodies", ()))
        del conf
        toks = self.t.tokens
        for n, tk in enumerate(toks):
            if tk.lower not in articles or self.t.quoted(tk.begin) or self.in_title(tk.begin):
                continue
            prev = toks[n - 1] if n else None
            if prev is not None and not (
                prev.text in (",", "“", '"', ":", ";", "—")
                or prev.text.isspace()
                or (prev.lower == "to" and n >= 2 and toks[n - 2].lower == "according")
                or self.t.sentence_of(tk.begin).begin == tk.begin
                or tk.begin == self._paragraph_begin(tk.begin)
            ):
                continue  # the subject opening a clause, not an object ("met an official")
            role_in: URIRef | None = None
            i = n + 1
            head = -1
            while i < len(toks) and i - n <= 6:
                word = toks[i]
                if word.lower in heads:
                    head = i
                    i += 1
                    continue
                if head >= 0:
                    break
                if word.text in self.demonyms:
                    role_in = self.demonyms[word.text]
                elif word.lower not in modifiers and word.lower not in bodies:
                    break
                i += 1
            if head < 0 or toks[head].lower in ("fisherman", "analyst", "expert", "scholar"):
                continue
            end = toks[head].end
            j = head + 1
            place = None
            if j + 1 < len(toks) and toks[j].lower in ("for", "of", "at", "in", "from", "with"):
                k = j + 1
                if toks[k].lower == "the":
                    k += 1
                org = self.mention_at(toks[k].begin, toks[k].end)
                if org is not None and not self.t.is_a(org.entity, KG.Person):
                    if org.reading == "actor" and not self.t.is_a(org.entity, KG.City):
                        role_in = org.entity
                    else:
                        place = org
                    end = org.end
                    j = next((x for x in range(k, len(toks)) if toks[x].begin >= org.end), j)
                    if j + 1 < len(toks) and toks[j].lower in ("in", "at"):
                        x = j + 1  # "the Chinese embassy in Jakarta": where the body is
                        while (
                            x < len(toks) and toks[x].text.isalpha() and toks[x].text[:1].isupper()
                        ):
                            x += 1
                        if x > j + 1:
                            end, j = toks[x - 1].end, x
                else:
                    place = self.mention_at(toks[k].begin, toks[k].end, "place")
                    x = k
                    while x < len(toks) and toks[x].text.isalpha() and toks[x].text[:1].isupper():
                        x += 1  # "in Hanoi": a place the registry may lack
                    if place is None and x > k and toks[j].lower == "in":
                        place = Mention(toks[k].begin, toks[x - 1].end, "", URIRef(""), "", "")
                    if place is not None:
                        end = place.end
                        j = next((x for x in range(k, len(toks)) if toks[x].begin >= end), j)
            if role_in is None and place is None:
                continue  # "an official said": where the role is held is not named
            if (
                j < len(toks)
                and toks[j].text == ","
                and j + 1 < len(toks)
                and (toks[j + 1].text[:1].isupper())
            ):
                continue  # "A spokesperson for X, Lin Wei, said": the name is given
            nxt = toks[j] if j < len(toks) else None
            according = prev is not None and prev.lower == "to"  # "according to a spokesman …"
            if not according and (
                nxt is None
                or not (
                    nxt.lower in ("who", "said", "says", "told", "added")
                    or nxt.begin in {s.begin for s, _ in self.verb_matches}
                    or (self.t.tags and self.t.tags[nxt.i].pos.startswith(("VBD", "VBZ", "MD")))
                )
            ):
                continue  # only the subject of a clause, or the source after "according to"
            phrase = self.raw[tk.begin : end]
            words = " ".join(phrase.split()[1:])
            digest = hashlib.sha256(self.raw.encode("utf-8")).hexdigest()[:6]
            label = f"unnamed {words} ({digest})"
            holder = self.new_entity(
                slug_of(label),
                "kg:Person",
                label,
                Span(tk.begin, end),
                "a role holder the text does not name: a placeholder person for the analyst "
                "to name (or to merge with a named one)",
            )
            title_words = toks[n + 1 : head + 1]
            named = [x for x, w in enumerate(title_words) if w.text in self.demonyms]
            # "a senior Chinese military official": the role is what follows the demonym
            first = title_words[named[-1] + 1] if named else title_words[0]
            mention = Mention(tk.begin, end, phrase, holder, "unnamed", "actor")
            self._role(
                mention,
                Span(first.begin, toks[head].end),
                role_in,
                Span(tk.begin, end),
                "role.unnamed-holder",
                0.7,
                "a role whose holder the text does not name: “A spokesperson for ORG”",
            )

    def role_anaphora(self) -> None:
        """ "the admiral", "the spokeswoman": a subject naming a title refers to the last person
        drafted holding it; it is read as that person (as he or she is)."""
        heads = {h.split()[-1] for h in self.rules.roles["heads"]}
        held: list[tuple[int, str, URIRef]] = []
        for p in self.draft.proposals:
            if p.cls != "RoleHolding":
                continue
            holder = p.entities("kg:holder")
            title = self.raw[p.quote.begin : p.quote.end]
            words = {self.abbreviations.get(w, w).casefold().strip(",") for w in title.split()}
            for word in words & heads:
                if holder:
                    held.append((p.quote.end, word, holder[0]))
        if not held:
            return
        added = []
        for a, b in itertools.pairwise(self.t.tokens):
            if a.lower != "the" or b.lower not in heads or self.t.quoted(a.begin):
                continue
            if self.mention_at(b.begin, b.end) is not None:
                continue
            nxt = self.t.after(b.end, 1)
            if nxt and (nxt[0].text[:1].isupper() or nxt[0].lower in ("of", "for")):
                continue  # "the minister for …", "the spokeswoman Lin": not a bare title
            before = [
                h
                for h in held
                if h[0] <= a.begin
                and _TITLE_KIN.get(h[1], h[1]) == _TITLE_KIN.get(b.lower, b.lower)
            ]
            if not before:
                continue
            person = max(before, key=lambda h: h[0])[2]
            added.append(
                Mention(a.begin, b.end, self.raw[a.begin : b.end], person, "pronoun", "actor")
            )
        if added:
            self.t.mentions = sorted(self.t.mentions + added, key=lambda m: (m.begin, m.end))

    def body_anaphora(self) -> None:
        """ "The Philippine foreign ministry protested … The ministry said …": "the" and the
        head noun of a body named before (its label's last word, as "ministry", "embassy"),
        as a subject before a speech verb, is that body."""
        speech = {s.begin for s, _ in self.verb_matches}
        added = []
        for a, b in itertools.pairwise(self.t.tokens):
            if a.lower != "the" or not b.text.islower() or self.t.quoted(a.begin):
                continue
            nxt = self.t.after(b.end, 2)
            if not nxt or not (
                nxt[0].begin in speech
                or (nxt[0].lower == "also" and nxt[1:] and nxt[1].begin in speech)
            ):
                continue  # only a speaker: "the ministry said", "the embassy also rejected"
            if self.mention_at(a.begin, b.end) is not None or self.mention_at(b.begin, b.end):
                continue
            bodies = [
                m
                for m in self.t.mentions
                if m.end <= a.begin
                and m.reading == "actor"
                and not self.t.is_a(m.entity, KG.State)
                and not self.t.is_a(m.entity, KG.Person)
                and self.t.label(m.entity).split()[-1].casefold() == b.lower
            ]
            if not bodies:
                continue
            body = bodies[-1].entity
            added.append(
                Mention(a.begin, b.end, self.raw[a.begin : b.end], body, "pronoun", "actor")
            )
        if added:
            self.t.mentions = sorted(self.t.mentions + added, key=lambda m: (m.begin, m.end))

    def _prev_end(self, pos: int) -> int:
        before = self.t.before(pos, 1)
        return before[0].end if before else pos

    def _title_before(
        self, m: Mention, heads: set[str], modifiers: set[str], stops: set[str]
    ) -> tuple[int, int, URIRef | None] | None:
        toks = self.t.before(m.begin, 12)
        for k in range(len(toks) - 2, max(len(toks) - 10, 0), -1):
            # "State Minister for Foreign Affairs Kenji Morita": a head, then for/of and the
            # capitalised words of what the office is for, then the name ("Secretary of Foreign
            # Affairs of the Philippines NAME": "of the" and a state's name inside)
            if (
                toks[-1].lower not in heads
                and toks[k].lower in ("for", "of")
                and toks[k - 1].lower in heads
                and (toks[k + 1].text[:1].isupper() or toks[k + 1].lower == "the")
                and toks[-1].text[:1].isupper()
                and all(
                    (x.text[:1].isupper() and x.text.isalpha()) or x.lower in ("of", "the")
                    for x in toks[k + 1 :]
                )
            ):
                toks = toks[:k]
                break
        if not toks or (toks[-1].lower not in heads and toks[-1].text not in self.abbreviations):
            return None
        title_begin = toks[-1].begin
        begin = title_begin
        role_in: URIRef | None = None
        rest = list(toks[:-1])
        while len(rest) >= 2 and rest[-1].text == "." and rest[-2].end == rest[-1].begin:
            # "Lt. Gen.": spaCy reads "Lt" and "." apart; the pair is one abbreviated title
            if rest[-2].text + "." not in self.abbreviations or rest[-1].end != title_begin - 1:
                break
            title_begin = begin = rest[-2].begin
            rest = rest[:-2]
        for tk in reversed(rest):
            owner = self.mention_at(tk.begin, tk.end)
            if owner is not None and not self.t.is_a(owner.entity, KG.Person):
                role_in = owner.entity
                begin = owner.begin
                break
            if tk.text in self.demonyms:
                role_in = self.demonyms[tk.text]
                begin = tk.begin
                two = self.t.before(tk.begin, 1)
                if two and f"{two[0].text} {tk.text}" in self.demonyms:
                    role_in = self.demonyms[f"{two[0].text} {tk.text}"]
                    begin = two[0].begin
                break
            if tk.lower in stops or not tk.text.isalpha():
                break
            if tk.text in self.abbreviations and tk.end == toks[-1].begin - 1:
                title_begin = begin = tk.begin  # "Vice Adm.", "Lt. Gen."
                continue
            if names.common_opening(self.raw, tk.begin):
                break  # "Did Secretary Abad …?", "When Minister Tran …": no part of the title
            if tk.text[:1].isupper() or tk.lower in modifiers or tk.lower in heads:
                title_begin = begin = tk.begin
                continue
            break
        return begin, title_begin, role_in

    def _apposition_after(
        self, m: Mention, heads: set[str], stops: set[str]
    ) -> tuple[Span, URIRef | None, int] | None:
        toks = self.t.after(m.end, 14)
        if len(toks) >= 4 and toks[1].text.isdigit() and toks[2].text == ",":
            toks = toks[2:]  # "Rodel Cruz, 52, a fisherman": the age before the apposition
        if len(toks) < 2 or toks[0].text != ",":
            return None
        i = 1
        if toks[i].lower in ("a", "an", "the"):
            i += 1
        owner = self.mention_at(toks[i].begin, toks[i].end) if toks[i - 1].lower == "the" else None
        if owner is not None:  # "X, the Pacific Forum's director": the organisation first
            j = i
            while j < len(toks) and toks[j].begin < owner.end:
                j += 1
            if j < len(toks) - 1 and toks[j].text in ("'s", "’s") and owner.end == toks[j].begin:
                k = j + 1
                while k < len(toks) and toks[k].text.isalpha() and toks[k].text.islower():
                    k += 1
                if k > j + 1 and toks[k - 1].lower in heads:
                    return Span(toks[j + 1].begin, toks[k - 1].end), owner.entity, toks[k - 1].end
        start = i
        while (
            i < len(toks)
            and toks[i].text.isalpha()
            and toks[i].lower not in self.rules.roles["of_organisation"]
            and toks[i].lower not in ("from", "in", "with", "who", "and", "based")
        ):
            if self.mention_at(toks[i].begin, toks[i].end) is not None:
                break
            i += 1
        if i == start or toks[i - 1].lower not in heads:
            return None
        if self.t.tags and self.t.tags[toks[start].i].pos.startswith("VB"):
            return None  # "X, met the envoy": a verb, not an apposition
        if i + 1 < len(toks) and toks[i].lower in ("for", "of"):
            # "the Minister for Foreign Affairs of Vietnam": the office's capitalised words
            k = i + 1
            while (
                k < len(toks)
                and toks[k].text.isalpha()
                and toks[k].text[:1].isupper()
                and toks[k].lower != "the"
                and self.mention_at(toks[k].begin, toks[k].end) is None
            ):
                k += 1
            if k > i + 1:
                i = k
        title = Span(toks[start].begin, toks[i - 1].end)
        end = title.end
        role_in = None
        if i < len(toks) and toks[i].lower in self.rules.roles["of_organisation"]:
            org = None
            for tk in toks[i + 1 :]:
                hit = self.mention_at(tk.begin, tk.end)
                if hit is not None:
                    org = hit
                    continue
                if tk.lower in ("the", "'s") or (org is not None and tk.begin < org.end):
                    continue
                break
            if org is not None:
                role_in = org.entity
                end = org.end
        return title, role_in, end

    def _title_of_comma_before(
        self, m: Mention, heads: set[str]
    ) -> tuple[int, Span, URIRef | None] | None:
        """ "The Foreign Minister of Malaysia, Farid Hassan": TITLE of|for ORG, NAME."""
        toks = self.t.before(m.begin, 14)
        if len(toks) < 4 or toks[-1].text != ",":
            return None
        owner = self.mention_at(toks[-2].begin, toks[-2].end)
        if owner is None or self.t.is_a(owner.entity, KG.Person):
            return None
        first = next(i for i, tk in enumerate(toks) if tk.begin >= owner.begin)
        j = next(
            (
                i
                for i in range(first - 1, 0, -1)
                if toks[i].lower in ("of", "for") and toks[i - 1].lower in heads
            ),
            -1,
        )
        if j < 1 or any(
            not (tk.lower == "the" or tk.lower == "of" or tk.text[:1].isupper())
            for tk in toks[j + 1 : first]
        ):
            return None
        k = j - 1
        while k - 1 >= 0 and (
            toks[k - 1].text[:1].isupper()
            and toks[k - 1].text.isalpha()
            and toks[k - 1].lower not in ("the", "a", "an")
        ):
            k -= 1
        last = max(i for i in range(j, first) if toks[i].lower in ("of", "for"))
        # "The Minister for Foreign Affairs of Malaysia, NAME": the office's words up to its "of"
        title = Span(toks[k].begin, toks[last - 1 if last > j else j - 1].end)
        begin = toks[k - 1].begin if k >= 1 and toks[k - 1].lower in ("the",) else toks[k].begin
        return begin, title, owner.entity

    def _title_comma_before(
        self, m: Mention, heads: set[str], modifiers: set[str]
    ) -> tuple[int, Span, URIRef | None] | None:
        toks = self.t.before(m.begin, 10)
        if len(toks) < 3 or toks[-1].text != ",":
            return None
        j = len(toks) - 2
        while j >= 0 and toks[j].lower not in heads:
            if not toks[j].text.isalpha() and toks[j].text != "'s":
                return None
            j -= 1
        k = j  # "Vietnam's Foreign Minister, NAME": the title's words back to the possessive
        while (
            k >= 2
            and toks[k - 1].text.isalpha()
            and (toks[k - 1].text[:1].isupper() or toks[k - 1].lower in modifiers)
        ):
            k -= 1
        if k < 1 or toks[k - 1].lower != "'s":
            return None
        owner = self.mention_at(toks[k - 2].begin, toks[k - 2].end) if k >= 2 else None
        if owner is None:
            return None
        title = Span(toks[k].begin, toks[j].end)
        return owner.begin, title, owner.entity

    def _det_title_comma_before(
        self, m: Mention, heads: set[str], modifiers: set[str]
    ) -> tuple[int, Span, URIRef | None] | None:
        """ "Another analyst, Tomas Lind, said", "The Chinese envoy, Li Wei, met": an article,
        modifiers or a demonym, a head noun, a comma and the name, opening a clause."""
        toks = self.t.before(m.begin, 8)
        if len(toks) < 3 or toks[-1].text != "," or toks[-2].lower not in heads:
            return None
        role_in: URIRef | None = None
        j = len(toks) - 3
        while j >= 0 and toks[j].lower not in ("another", "a", "an", "the", "one"):
            if toks[j].text in self.demonyms:
                role_in = self.demonyms[toks[j].text]
            elif toks[j].lower not in modifiers and toks[j].lower not in heads:
                return None
            j -= 1
        if j < 0:
            return None
        opening = self.t.before(toks[j].begin, 1)
        if opening and opening[0].text not in (",", ":", ";", "—", "–", "“", '"'):
            sentence = self.t.sentence_of(m.begin)
            if toks[j].begin != sentence.begin and not self.raw[
                sentence.begin : toks[j].begin
            ].strip().endswith(("\n", ".")):
                return None
        title = Span(toks[j + 1].begin, toks[-2].end)
        return toks[j].begin, title, role_in

    def _role(
        self,
        m: Mention,
        title: Span,
        role_in: URIRef | None,
        quote: Span,
        rule: str,
        confidence: float,
        why: str,
    ) -> None:
        words = [self.abbreviations.get(w, w) for w in self.raw[title.begin : title.end].split()]
        if title.begin in self.relative_labels:  # "who teaches law at": the role "teacher"
            words = self.relative_labels[title.begin].split()
        role = None
        for i in range(len(words)):
            key = " ".join(words[i:]).casefold()
            if key in self.roles_by_label:
                role = self.roles_by_label[key]
                break
        if role is None:
            modifiers = set(self.rules.roles["modifiers"]) | set(self.rules.roles["heads"])
            start = next((i for i, w in enumerate(words) if w.lower() in modifiers), len(words) - 1)
            label = " ".join(words[start:])
            if start == 0 and title.begin == self.t.sentence_of(title.begin).begin:
                label = label[:1].lower() + label[1:]
            role = self.new_entity(
                "role-" + slug_of(label), "kg:Role", label, title, "a title the registry lacks"
            )
        if self._held_before(m.entity, role, role_in):
            if not any(role in p.entities("kg:role") for p in self.draft.proposals):
                # nor the shortened title ("Minister Duc") as a new role of its own
                self.draft.new_entities = [
                    e for e in self.draft.new_entities if ENT[e.local] != role
                ]
            return  # "Prime Minister Okafor" after "… Okafor, the Prime Minister of X": once
        values: list[tuple[str, Any]] = [("kg:holder", m.entity), ("kg:role", role)]
        if role_in is not None and role_in != m.entity:
            values.append(("kg:roleIn", role_in))
            self.holding_in.setdefault(m.entity, role_in)
        holding = self.add(
            Proposal(
                "RoleHolding", f"role-{self.local(m.entity)}", quote, rule, confidence, why, values
            )
        )
        if role_in is not None and role_in != m.entity:
            self.holding_of.setdefault(m.entity, holding)

    def _office_state(self, title_begin: int, name_begin: int) -> tuple[URIRef, int] | None:
        """ "Prime Minister of the Kingdom of Thailand NAME": the state a title before a name
        ends with ("of (the) STATE"), and where the title ends before it."""
        words = self.raw[title_begin:name_begin]
        for state in self.actors(title_begin, name_begin):
            if not self.t.is_a(state.entity, KG.State):
                continue
            lead = re.search(r"\s+(?:of|for)\s+(?:the\s+)?$", self.raw[title_begin : state.begin])
            if lead is not None and not words[state.end - title_begin :].strip():
                return state.entity, title_begin + lead.start()
        return None

    def _of_state_after(self, m: Mention) -> Mention | None:
        """ "President NAME of Viet Nam": the state right after a titled name, after "of"."""
        toks = self.t.after(m.end, 3)
        if not toks or toks[0].lower != "of":
            return None
        rest = toks[2:] if len(toks) > 2 and toks[1].lower == "the" else toks[1:]
        owner = self.mention_at(rest[0].begin, rest[0].end) if rest else None
        if owner is None or not self.t.is_a(owner.entity, KG.State):
            return None
        return owner

    def _held_before(self, holder: URIRef, role: URIRef, role_in: URIRef | None) -> bool:
        """Whether a role holding of the same person and title was drafted already (the title
        repeated with the surname, or shortened: "Minister Duc" after "Foreign Minister Tran
        Minh Duc"), in the same body or with no body named now."""

        def words(r: URIRef) -> set[str]:
            return set(self.local(r).split("-"))  # "role-foreign-minister": foreign, minister

        for p in self.draft.proposals:
            if p.cls != "RoleHolding" or holder not in p.entities("kg:holder"):
                continue
            if role_in is not None and role_in not in p.entities("kg:roleIn"):
                continue
            if any(r == role or words(role) <= words(r) for r in p.entities("kg:role")):
                return True
        return False

    def new_entity(self, local: str, cls: str, label: str, span: Span, why: str) -> URIRef:
        """Propose an entity the registry lacks (once), and return its IRI."""
        iri = ENT[local]
        if (iri, None, None) in self.entities:
            return iri
        if not any(e.local == local for e in self.draft.new_entities):
            self.draft.new_entities.append(NewEntity(local, cls, label, span, why))
        return iri

    # ..................................................................... relations

    def counterparts_rule(self) -> None:
        """ "his Chinese counterpart, Admiral Dong Jun": counterparts, and an affiliation."""
        nouns = set(self.rules.relations["counterpart"]["nouns"])
        confidence = self.rules.confidence("counterpart")
        for tk in self.t.tokens:
            if tk.lower not in nouns or self.t.quoted(tk.begin):
                continue
            before = self.t.before(tk.begin, 3)
            owner_i = next(
                (j for j in range(len(before) - 1, -1, -1) if before[j].lower in ("his", "her")),
                None,
            )
            if owner_i is None:
                continue
            demonym = " ".join(x.text for x in before[owner_i + 1 :])
            state = self.demonyms.get(demonym) if demonym else None
            person = None
            for m in self.actors(tk.end, self.t.sentence_of(tk.begin).end):
                if self.t.is_a(m.entity, KG.Person):
                    person = m
                break
            if person is None or len(self.t.after(tk.end, 6)) == 0:
                continue
            if person.begin - tk.end > 40:
                continue
            holder = self.last_person(before[owner_i].begin)
            if holder is None or holder.entity == person.entity:
                continue
            quote = Span(before[owner_i].begin, person.end)
            pair = sorted([holder.entity, person.entity])
            self.add(
                Proposal(
                    "Counterpart",
                    f"counterpart-{self.local(pair[0])}-{self.local(pair[1])}",
                    quote,
                    "counterpart.his-counterpart",
                    confidence,
                    "“his/her … counterpart, NAME”",
                    [("kg:counterpart", e) for e in pair],
                )
            )
            if state is not None:
                self.add(
                    Proposal(
                        "Affiliation",
                        f"affiliation-{self.local(person.entity)}-{self.local(state)}",
                        quote,
                        "affiliation.counterpart-demonym",
                        confidence,
                        f"the demonym “{demonym}” before counterpart",
                        [("kg:affiliate", person.entity), ("kg:affiliatedTo", state)],
                    )
                )

    def affiliations_rule(self) -> None:
        """Names that begin with a demonym or another name, possessives, names inside names."""
        confidence = self.rules.confidence("affiliation")
        seen: set[tuple[URIRef, URIRef]] = set()
        org_like = (KG.Organization, KG.Group)

        def add(affiliate: URIRef, to: URIRef, quote: Span, rule: str, why: str) -> None:
            if affiliate == to or (affiliate, to) in seen:
                return
            if self.local(affiliate) in self.named_bodies:
                return  # "Chinese coast guard": the new entry's own name says it, not the text
            seen.add((affiliate, to))
            unit = self.t.is_a(affiliate, KG.Organization) and (
                self.t.is_a(to, KG.Organization) or self.t.is_a(to, KG.State)
            )
            self.add(
                Proposal(
                    "SubOrganization" if unit else "Affiliation",
                    f"affiliation-{self.local(affiliate)}-{self.local(to)}",
                    quote,
                    rule,
                    confidence,
                    why,
                    [("kg:affiliate", affiliate), ("kg:affiliatedTo", to)],
                )
            )

        label_owner: dict[str, URIRef] = {}
        for m in self.t.mentions:
            if m.reading == "actor" and m.kind in ("label", "altLabel"):
                label_owner.setdefault(m.text.replace("’", "'"), m.entity)
        for entity, label in self.entities.subject_objects(RDFS.label):
            if isinstance(entity, URIRef) and self.t.is_a(entity, KG.Actor):
                label_owner.setdefault(str(label).replace("’", "'"), entity)
        for m in self.t.mentions:
            if m.reading != "actor" or self.t.quoted(m.begin) or self.in_title(m.begin):
                continue
            if not any(self.t.is_a(m.entity, c) for c in org_like):
                continue
            words = m.text.replace("’", "'")
            first = words.split()[0]
            span = Span(m.begin, m.end)
            if first in self.demonyms and not self.t.is_a(m.entity, KG.Group):
                # "Chinese officials", "Chinese maritime forces": an unnamed collective's
                # name says whose it is; the text states no affiliation
                add(
                    m.entity,
                    self.demonyms[first],
                    span,
                    "affiliation.demonym-name",
                    f"the name begins with the demonym “{first}”",
                )
            inner = None
            for name, owner in sorted(label_owner.items(), key=lambda kv: -len(kv[0])):
                if (
                    owner != m.entity
                    and name != words
                    and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", words)
                ):
                    inner = owner
                    add(
                        m.entity,
                        owner,
                        span,
                        "affiliation.name-in-name",
                        f"the name contains the name “{name}”",
                    )
                    break
            if self.t.word_before(m.begin) == "'s":
                apostrophe = self.t.before(m.begin, 1)[0]
                owner_m = self.mention_at(apostrophe.begin - 1, apostrophe.begin)
                if owner_m is not None and owner_m.entity != m.entity:
                    target = inner if inner is not None else m.entity
                    add(
                        target,
                        owner_m.entity,
                        Span(owner_m.begin, m.end),
                        "affiliation.possessive",
                        "a possessive: “X’s ORGANISATION”",
                    )

    def locations_rule(self) -> None:
        """ "Kuala Lumpur, Malaysia": a city and the state that holds it."""
        confidence = self.rules.confidence("location")
        for m in self.t.mentions:
            if m.reading != "place" or not self.t.is_a(m.entity, KG.City):
                continue
            if self.raw[m.end : m.end + 2] != ", ":
                continue
            for n in self.t.mentions:
                if n.begin == m.end + 2 and self.t.is_a(n.entity, KG.State):
                    self.add(
                        Proposal(
                            "Location",
                            f"location-{self.local(m.entity)}-{self.local(n.entity)}",
                            Span(m.begin, n.end),
                            "location.city-comma-state",
                            confidence,
                            "“CITY, STATE”",
                            [("kg:locatedPlace", m.entity), ("kg:containingPlace", n.entity)],
                        )
                    )
                    break

    def _list_after(self, pos: int) -> list[Mention]:
        """Return the actors listed from `pos` on: "A, B, and C" (articles allowed)."""
        items: list[Mention] = []
        cursor = pos
        while True:
            nxt = [
                m
                for m in self.t.mentions
                if m.reading in ("actor", "place")
                and m.begin >= cursor
                and self.t.is_a(m.entity, KG.Actor)
            ]
            if not nxt:
                return items
            m = min(nxt, key=lambda x: x.begin)
            gap = self.raw[cursor : m.begin].strip().lower()
            if gap not in (
                "",
                ",",
                "and",
                ", and",
                "the",
                ", the",
                "and the",
                ", and the",
                "or",
                ", or",
            ):
                return items
            if not items and gap.rstrip(" the") not in ("", ","):
                return items
            items.append(m)
            cursor = m.end

    def memberships_rule(self) -> None:
        """ "ASEAN members like A, B and C", "X, a member of ASEAN", "X, an ASEAN member"."""
        conf = self.rules.confidence("membership")
        rel = self.rules.relations["membership"]
        for span, _ in find(self.t, "membership", [("member", tuple(rel["nouns"]))]):
            if self.t.quoted(span.begin) or self.in_title(span.begin):
                continue
            org = self.mention_at(span.begin - 2, span.begin - 1)
            after = self.raw[span.end :].lstrip()
            det_before = self.t.word_before(span.begin if org is None else org.begin)
            if org is not None and self.t.is_a(org.entity, KG.Organization):
                cue = next((c for c in rel["list_cues"] if after.lower().startswith(c + " ")), None)
                if cue is not None:
                    start = span.end + (len(self.raw[span.end :]) - len(after)) + len(cue)
                    items = self._list_after(start)
                    for item in items:
                        self._membership(
                            item.entity,
                            org.entity,
                            Span(org.begin, items[-1].end),
                            "membership.org-members-like",
                            conf,
                            f"“ORG {self.raw[span.begin : span.end]} {cue} A, B …”",
                        )
                    if items:
                        continue
                if det_before in ("a", "an"):
                    member = self._before_comma(org.begin - len(det_before) - 1)
                    if member is not None:
                        self._membership(
                            member.entity,
                            org.entity,
                            Span(member.begin, span.end),
                            "membership.x-an-org-member",
                            conf,
                            "“X, an ORG member”",
                        )
                continue
            if self.t.word_before(span.begin) in ("a", "an") and after.lower().startswith("of "):
                target = self.mention_at(span.end + 4, span.end + 40)
                member = self._before_comma(span.begin - len(self.t.word_before(span.begin)) - 1)
                if (
                    target is not None
                    and member is not None
                    and self.t.is_a(target.entity, KG.Organization)
                ):
                    self._membership(
                        member.entity,
                        target.entity,
                        Span(member.begin, target.end),
                        "membership.x-a-member-of-org",
                        conf,
                        "“X, a member of ORG”",
                    )

    def _before_comma(self, pos: int) -> Mention | None:
        """Return the actor named just before ", " ending at `pos`."""
        text = self.raw[:pos].rstrip()
        if not text.endswith(","):
            return None
        end = len(text) - 1
        for m in self.t.mentions:
            if m.end == end and m.reading == "actor":
                return m
        return None

    def _membership(
        self, member: URIRef, org: URIRef, quote: Span, rule: str, conf: float, why: str
    ) -> None:
        if member == org:
            return
        self.add(
            Proposal(
                "Membership",
                f"membership-{self.local(member)}-{self.local(org)}",
                quote,
                rule,
                conf,
                why,
                [("kg:member", member), ("kg:organization", org)],
            )
        )

    def alliances_rule(self) -> None:
        """ "X, a key U.S. ally", "X, a treaty ally of Y"."""
        conf = self.rules.confidence("alliance")
        nouns = set(self.rules.relations["alliance"]["nouns"])
        for tk in self.t.tokens:
            if tk.lower not in nouns or self.t.quoted(tk.begin):
                continue
            before = self.t.before(tk.begin, 5)
            det = next(
                (j for j in range(len(before) - 1, -1, -1) if before[j].lower in ("a", "an")), None
            )
            if det is None:
                # "X, the Philippines' treaty ally": "the", a possessor and the noun
                det = next(
                    (
                        j
                        for j in range(len(before) - 1, -1, -1)
                        if before[j].lower == "the"
                        and (
                            any(x.lower in ("'s", "'") for x in before[j + 1 :])
                            or self.raw[tk.end : tk.end + 4] == " of "
                        )
                    ),
                    None,
                )
            if det is None:
                continue
            member = self._before_comma(before[det].begin)
            if member is None:
                continue
            partner = None
            for x in before[det + 1 :]:
                partner_m = self.mention_at(x.begin, x.end)
                if partner_m is not None:
                    partner = partner_m
                elif x.text in self.demonyms:
                    partner = Mention(
                        x.begin, x.end, x.text, self.demonyms[x.text], "demonym", "actor"
                    )
            end = tk.end
            if partner is None and self.raw[tk.end : tk.end + 4] == " of ":
                partner = self.mention_at(tk.end + 4, tk.end + 30)
                if partner is not None:
                    end = partner.end
            if partner is None or partner.entity == member.entity:
                continue
            pair = sorted([member.entity, partner.entity])
            self.add(
                Proposal(
                    "Alliance",
                    f"alliance-{self.local(pair[0])}-{self.local(pair[1])}",
                    Span(member.begin, end),
                    "alliance.x-a-y-ally",
                    conf,
                    "“X, a … Y ally”",
                    [("kg:ally", e) for e in pair],
                )
            )

    def treaties_rule(self) -> None:
        """ "the 1951 U.S.-Philippines Mutual Defense Treaty", "its defense treaty with X", "the
        alliance between X and Y": an alliance from the name of a treaty or an alliance, its
        parties from the words around it (relations.toml's `treaties`)."""
        rel = self.rules.relations["alliance"]
        forms = tuple(rel.get("treaties", ()))
        if not forms:
            return
        conf = float(rel.get("treaty_confidence", 0.75))
        named: dict[str, tuple[URIRef, URIRef]] = {}
        for span, _ in find(self.t, "treaty", [("treaty", forms)]):
            if self.in_title(span.begin):
                continue
            key = self.t.norm[span.begin : span.end].lower()
            sentence = self.t.sentence_of(span.begin)
            names = [
                m
                for m in self._named(max(sentence.begin, span.begin - 60), span.begin)
                if not self.t.is_a(m.entity, KG.Person)
            ] + [
                Mention(tk.begin, tk.end, tk.text, self.demonyms[tk.text], "demonym", "actor")
                for tk in self._tokens(max(sentence.begin, span.begin - 60), span.begin)
                if tk.text in self.demonyms
            ]
            names.sort(key=lambda m: m.begin)
            pair: tuple[Mention, Mention] | None = None
            begin, end = span.begin, span.end
            for a, b in itertools.pairwise(names):
                if (
                    self.raw[a.end : b.begin] in ("-", "–", "—", "/")
                    and re.fullmatch(r"(?:\s+[A-Z0-9][\w.]*){0,3}\s+", self.raw[b.end : span.begin])
                    and a.entity != b.entity
                ):
                    pair, begin = (a, b), a.begin  # "the U.S.-Philippines Mutual Defense Treaty"
            after = self.raw[span.end : span.end + 80]
            link = re.match(r"\s+(between|with)\s+(?:the\s+)?", after)
            if pair is None and link is not None:
                first = self.mention_at(span.end + link.end(), span.end + link.end() + 1)
                if first is not None and not self.t.is_a(first.entity, KG.Person):
                    end = first.end
                    if link.group(1) == "between":
                        rest = re.match(
                            r"\s+and\s+(?:the\s+)?", self.raw[first.end : first.end + 12]
                        )
                        second = (
                            self.mention_at(first.end + rest.end(), first.end + rest.end() + 1)
                            if rest
                            else None
                        )
                        if second is not None:
                            pair, end = (first, second), second.end
                    else:
                        owner = self._treaty_owner(span)
                        if owner is not None:
                            pair, begin = (owner, first), min(owner.begin, span.begin)
            if pair is None and self.raw[span.begin].isupper():
                # "the Mutual Defense Treaty": a treaty's proper name, its parties as drafted
                # before (by this name, or the last alliance), else the sentence's two states
                earlier = [p for p in self.draft.proposals if p.cls == "Alliance"]
                states = list(
                    dict.fromkeys(
                        m.entity
                        for m in self.actors(sentence.begin, sentence.end)
                        if self.t.is_a(m.entity, KG.State)
                    )
                )
                if key in named:
                    parties = named[key]
                elif earlier:
                    allies = earlier[-1].entities("kg:ally")
                    parties = (allies[0], allies[1])
                elif len(states) == 2:
                    parties = (states[0], states[1])
                else:
                    continue
                quote = self.trim(span.begin, span.end)
                before = self.t.before(span.begin, 1)
                if before and before[0].lower == "the":
                    quote = Span(before[0].begin, span.end)
            elif pair is None or pair[0].entity == pair[1].entity:
                continue
            else:
                parties = (pair[0].entity, pair[1].entity)
                named.setdefault(key, parties)
                quote = self.trim(begin, end)
            ordered = sorted(parties)
            self.draft.proposals.append(
                Proposal(
                    "Alliance",
                    f"alliance-{self.local(ordered[0])}-{self.local(ordered[1])}",
                    quote,
                    "alliance.treaty",
                    conf,
                    f"the name of a treaty or an alliance, “{self.raw[span.begin : span.end]}”, "
                    "and its parties",
                    [("kg:ally", e) for e in ordered],
                )
            )

    def _named(self, begin: int, end: int) -> list[Mention]:
        """The actors named in [begin, end), inside a quotation too when `begin` is in one
        (a speaker who names an alliance states it: "“… relies on its alliance with …”")."""
        if not self.t.quoted(begin) and not self.t.quoted(max(begin, end - 1)):
            return self.actors(begin, end)
        return [
            m for m in self.t.mentions if m.reading == "actor" and begin <= m.begin and m.end <= end
        ]

    def _treaty_owner(self, span: Span) -> Mention | None:
        """The possessor of "its defense treaty", "Manila's alliance": the name before 's, or
        for its/their the last state or body named as a subject before it in the sentence."""
        before = self.t.before(span.begin, 4)
        for n in range(len(before) - 1, -1, -1):
            tk = before[n]
            if tk.lower in ("'s", "’s"):
                return self.mention_at(tk.begin - 1, tk.begin)
            if tk.lower in ("its", "their"):
                sentence = self.t.sentence_of(span.begin)
                subjects = [
                    m
                    for m in self._named(sentence.begin, tk.begin)
                    if not self.t.is_a(m.entity, KG.Person)
                    and not self.governed(m)
                    and not self.possessive(m)
                ]
                if subjects:
                    m = subjects[-1]
                    return Mention(tk.begin, tk.end, tk.text, m.entity, "pronoun", "actor")
                return None
            if not (tk.text.isalnum() or tk.text in ("-",)):
                return None
        return None

    def claims_rule(self) -> None:
        """ "China’s claims over the Scarborough Shoal", "China claims the South China Sea"."""
        conf = self.rules.confidence("claim")
        rel = self.rules.relations["claim"]
        nouns = {n.split()[-1] for n in rel["nouns"]}
        self.claims: list[Proposal] = []
        for tk in self.t.tokens:
            if tk.lower not in nouns or self.t.quoted(tk.begin) or self.in_title(tk.begin):
                continue
            claimant = None
            before = self.t.before(tk.begin, 5)
            for j in range(len(before) - 1, -1, -1):
                if before[j].lower == "'s":
                    claimant = self.mention_at(before[j].begin - 1, before[j].begin)
                    break
                if not before[j].text.isalpha() or before[j].lower in ("the", "a", "an"):
                    break
            if claimant is None and before:
                direct = self.mention_at(before[-1].begin, before[-1].end)
                if direct is not None and tk.lower in rel["verbs"]:
                    claimant = direct
            if claimant is None or not self.t.is_a(claimant.entity, KG.Actor):
                continue
            place = None
            for x in self.t.after(tk.end, 6):
                hit = self.mention_at(x.begin, x.end, "place")
                if hit is not None and not self.t.is_a(hit.entity, KG.State):
                    place = hit
                    break
                if x.text in (",", ".", ";"):
                    break
            if place is None:
                continue
            quote = Span(claimant.begin, place.end)
            prop = self.add(
                Proposal(
                    "TerritorialClaim",
                    f"claim-{self.local(claimant.entity)}-{self.local(place.entity)}",
                    quote,
                    "claim.x-claims-place",
                    conf,
                    "“X’s claims over PLACE”",
                    [("kg:claimant", claimant.entity), ("kg:claimedPlace", place.entity)],
                )
            )
            if prop not in self.claims:
                self.claims.append(prop)

    def contests_rule(self) -> None:
        """ "A, B and C contesting China’s claims": each contests the claimant's claim."""
        conf = self.rules.confidence("contest")
        verbs = set(self.rules.relations["contest"]["verbs"])
        nouns = {n.split()[-1] for n in self.rules.relations["claim"]["nouns"]}
        for tk in self.t.tokens:
            if tk.lower not in verbs or self.t.quoted(tk.begin) or self.in_title(tk.begin):
                continue
            after = self.t.after(tk.end, 6)
            claimant = None
            end = None
            for j, x in enumerate(after):
                if x.lower == "'s" and j > 0:
                    claimant = self.mention_at(after[j - 1].begin, after[j - 1].end)
                if claimant is not None and x.lower in nouns:
                    end = x.end
                    break
            if claimant is None or end is None:
                continue
            claims = [c for c in self.claims if claimant.entity in c.entities("kg:claimant")]
            if not claims:
                continue
            place_here = self.places(tk.end, end + 40)
            chosen = next(
                (
                    c
                    for c in claims
                    if place_here and place_here[0].entity in c.entities("kg:claimedPlace")
                ),
                None,
            )
            if chosen is None:
                earlier = [c for c in claims if c.quote.begin < tk.begin]
                chosen = earlier[-1] if earlier else claims[0]
            if place_here and place_here[0].entity in chosen.entities("kg:claimedPlace"):
                end = max(end, place_here[0].end)
            contesters = self._contesters(tk.begin)
            for c in contesters:
                self.add(
                    Proposal(
                        "ClaimContest",
                        f"contest-{self.local(c.entity)}-{chosen.base}",
                        Span(min(x.begin for x in contesters), end),
                        "contest.x-contesting-claims",
                        conf,
                        f"“X {tk.text} Y’s claims”",
                        [("kg:contester", c.entity), ("kg:contestedClaim", chosen)],
                    )
                )

    def _contesters(self, pos: int) -> list[Mention]:
        """Return who does what the verb at `pos` says: a list before it, or its subject."""
        sentence = self.t.sentence_of(pos)
        before = [m for m in self.actors(sentence.begin, pos) if not self.possessive(m)]
        if not before:
            return []
        tail = [before[-1]]
        for m in reversed(before[:-1]):
            gap = self.raw[m.end : tail[0].begin].strip().lower()
            if gap in (",", "and", ", and", ", the", "and the", ", and the", "the"):
                tail.insert(0, m)
            else:
                break
        if self.raw[tail[-1].end : pos].strip() == "" or len(tail) > 1:
            return tail if all(not self.governed(m) or len(tail) > 1 for m in tail) else []
        subject = [m for m in before if not self.governed(m)]
        return subject[-1:] if subject else []

    def metonyms_rule(self) -> None:
        """A capital or other name that stands for an actor: a kg:MetonymMention each time."""
        for m in self.t.mentions:
            if m.kind not in METONYMS or m.reading != "actor" or self.in_title(m.begin):
                continue
            before = self.t.before(m.begin, 1)
            begin = m.begin
            if before and before[0].text.isalpha() and before[0].lower not in ("and", "or", "but"):
                begin = before[0].begin  # "warned Washington", not "and Manila"
            end = m.end
            governed = bool(before) and before[0].lower in PREPOSITIONS
            if governed:
                # "conveyed our position to Beijing", "a close partner of Beijing": the words
                # that govern it, back to their verb or article (at most four words)
                for x in reversed(self.t.before(before[0].begin, 4)):
                    if not x.text.isalpha() and x.text not in ("'s", "’s"):
                        break
                    if x.lower in ("and", "but", "or", "nor", "not", "than"):
                        break  # "bound to Manila but not to Hanoi": another phrase
                    begin = x.begin
                    if x.lower in ("a", "an", "the") or (
                        self.t.tags and self.t.tags[x.i].pos in ("VB", "VBD", "VBZ", "VBP")
                    ):
                        break  # a participle ("a strongly worded note") reads on
            for x in self.t.after(m.end, 0 if governed else 3):
                if not x.text.isalpha() and x.text != "'s":
                    break
                end = x.end
            self.add(
                Proposal(
                    "MetonymMention",
                    f"metonym-{slug_of(m.text)}",
                    Span(begin, end),
                    "metonym.registry" if m.kind == "metonym" else "metonym.capital",
                    0.9 if m.kind == "metonym" else 0.8,
                    f"“{m.text}” is a metonym of {self.t.label(m.entity)} in the registry"
                    if m.kind == "metonym"
                    else f"“{m.text}” is the capital of {self.t.label(m.entity)} (relations.toml)",
                    [("kg:mentionText", Literal(m.text)), ("kg:refersTo", m.entity)],
                )
            )

    # ..................................................................... times

    def _times(self) -> list[tuple[Span, TimeNode]]:
        times = self.rules.times
        found: list[tuple[Span, TimeNode]] = []
        for span, _ in find(self.t, "time", [("relative", tuple(times["relative"]))]):
            words = self.raw[span.begin : span.end]
            key = slug_of(words.removeprefix("on ").removeprefix("On "))
            unit = next((u for w, u in times["units"] if w in words.lower()), "unitDay")
            found.append((span, TimeNode(key, words, "relative", words, unit)))
        months = {m: i + 1 for i, m in enumerate(times["months"])}
        cues = set(times["month_cues"])
        for tk in self.t.tokens:
            before = self.t.word_before(tk.begin)
            if tk.text.lower() in months and tk.text[:1].isupper() and before in cues:
                if tk.text == "May" and before not in (
                    "in",
                    "since",
                    "by",
                    "until",
                    "early",
                    "late",
                ):
                    continue
                number = months[tk.text.lower()]
                found.append(
                    (
                        Span(tk.begin, tk.end),
                        TimeNode(
                            slug_of(tk.text), tk.text, "month", f"--{number:02d}", "unitMonth"
                        ),
                    )
                )
            elif re.fullmatch(r"(1[89]|20)\d\d", tk.text) and before in cues:
                found.append(
                    (
                        Span(tk.begin, tk.end),
                        TimeNode(tk.text, tk.text, "year", tk.text, "unitYear"),
                    )
                )
        return sorted(found, key=lambda x: x[0].begin)

    def time_in(self, span: Span) -> TimeNode | None:
        """Return the first time expression inside a span (registered once per key)."""
        for where, node in self.time_matches:
            if (
                span.begin <= where.begin
                and where.end <= span.end
                and not self.t.quoted(where.begin)
            ):
                return self.times.setdefault(node.key, node)
        return None

    def _reported_part(self, seg: Span, trigger: Span, speech: list[Span]) -> Span:
        """The part of a clause where an event's time may be: after the speech verb that
        reports it, its "that" and the verb's own time ("told the committee on Tuesday that
        ships had blocked …": Tuesday is when it was told, not when they blocked)."""
        if not speech:
            return seg
        cut = speech[-1].end
        that = re.search(r"\bthat\b", self.raw[cut : trigger.begin])
        if that is not None:
            cut += that.end()
        else:
            own = self.time_span(Span(cut, trigger.begin))
            if own is not None and not self.raw[cut : own.begin].strip():
                cut = own.end  # "said on Monday ships had …": Monday is the saying's
        return Span(cut, seg.end)

    def time_span(self, span: Span) -> Span | None:
        """Return where the first time expression inside a span is."""
        for where, _node in self.time_matches:
            if span.begin <= where.begin and where.end <= span.end:
                return where
        return None

    # ..................................................................... events

    def events_rule(self) -> None:
        """Meetings, conversations, agreements, exercises, seizures, confrontations, …"""
        entries = [(str(i), e.forms) for i, e in enumerate(self.rules.events)]
        self.events: list[Proposal] = []
        self.settings: list[Proposal] = []  # where statements are made: "at a press conference"
        found = find(self.t, "event", entries)
        self.triggers = [(span, self.rules.events[int(key)].cls) for span, key in found]
        for span, key in found:
            rule = self.rules.events[int(key)]
            if self.in_title(span.begin) or self.inside_name(span):
                continue
            if rule.cls == "Agreement" and self._in_instrument_name(span):
                continue  # "the Visiting Forces Agreement": an instrument's name, not an event
            if self._direct_question(self.t.sentence_of(span.begin)):
                continue  # "Is there any plan for joint patrols?": a question tells no event
            if self._verbal_object(span):
                continue  # "sent a diplomatic note to Beijing": a statement's act, no event
            nxt = self.t.after(span.end, 1)
            if (
                nxt
                and nxt[0].lower in self.rules.agent_nouns
                and " " not in self.raw[span.begin : span.end].strip()
            ):
                continue  # "a survey ship", "patrol boats": a vessel named by its work
            if self._generic(span):
                continue  # "at ASEAN meetings": a kind of event, none that took place
            if rule.at_sea and not (
                any(tk.lower in self.rules.agent_nouns for tk in self.t.before(span.begin, 4))
                and any(
                    tk.lower in self.rules.agent_nouns or tk.lower in ("them", "it", "her")
                    for tk in self.t.after(span.end, 7)
                )
            ):
                continue  # "followed the talks", "ships followed the rules": a vessel follows one
            if self.t.quoted(span.begin) and not self._scare_quoted(span):
                agents = self._by_agents(span) if rule.by_agent else []
                if agents:
                    self._event(span, rule, agents)
                continue
            self._event(span, rule)
        # "Chinese ships blocked a resupply mission", "conducted a joint sail": where a clause
        # has an event of a named class, its generic kg:Action is the same event, drafted once
        for e in [e for e in self.events if e.cls == "Action"]:
            if re.match(r"\S+(?:\s+\S+){0,2}\s+of\s", self.raw[e.quote.begin : e.quote.end]) and (
                "into force" in self.raw[e.quote.begin : e.quote.end]
            ):
                continue  # "the entry into force of the agreement": an act upon the agreement
            if any(
                o.cls != "Action"
                and o.quote.begin < e.quote.end
                and e.quote.begin < o.quote.end
                and {x for x, _ in o.participations} >= {x for x, _ in e.participations}
                for o in self.events
            ) and not any(v is e for p in self.draft.proposals for _, v in p.values):
                while e in self.events:
                    self.events.remove(e)
                if e in self.draft.proposals:
                    self.draft.proposals.remove(e)

    @functools.cached_property
    def _bodies(self) -> frozenset[str]:
        """The nouns of a state's bodies (roles.toml's unnamed_holder bodies, "ministry")."""
        return frozenset(self.rules.roles.get("unnamed_holder", {}).get("bodies", ()))

    def _verbal_object(self, span: Span) -> bool:
        """Whether a trigger's object is something said (events.toml's `verbal_objects`: "sent
        a diplomatic note", "sent a message"): the act is a statement, not an event."""
        nouns = self.rules.verbal_objects
        for tk in self.t.after(span.end, 4):
            if tk.lower in nouns:
                return True
            if not tk.text.isalpha() or tk.lower in PREPOSITIONS:
                return False
        return False

    def _scare_quoted(self, span: Span) -> bool:
        """Whether a trigger is a word or two set in quotation marks inside a sentence that
        tells it (the coast guard “expelled” the vessels): the writer's, not a speaker's."""
        quote = next((q for q in self.t.quotations if q.begin <= span.begin < q.end), None)
        if quote is None or len(self.raw[quote.begin : quote.end].split()) > 2:
            return False
        return bool(self.raw[self.t.sentence_of(span.begin).begin : quote.begin].strip())

    def _in_instrument_name(self, span: Span) -> bool:
        """Whether a capitalised trigger noun ends a capitalised name ("the Reciprocal Access
        Agreement", "Exercise Balikatan" excepted: a name that opens with the trigger)."""
        words = self.raw[span.begin : span.end].split()
        if len(words) != 1 or not words[0][:1].isupper():
            return False
        before = self.t.before(span.begin, 1)
        return (
            bool(before)
            and before[0].text[:1].isupper()
            and before[0].text.isalpha()
            and (before[0].begin != self.t.sentence_of(span.begin).begin or len(before[0].text) > 1)
            and self.mention_at(before[0].begin, before[0].end) is None
        )

    def _generic(self, span: Span) -> bool:
        """Whether a trigger is a bare plural naming a kind of event ("at ASEAN meetings",
        "regional summits"): one of events.toml's `generic` plurals with no article, number or
        possessive before its words, not a verb's object, and no time expression in its clause."""
        if self.t.norm[span.begin : span.end].lower() not in self.rules.generic:
            return False
        for tk in reversed(self.t.before(span.begin, 4)):
            if tk.lower in NOUN_MARKERS or tk.lower in ("two", "three", "four", "several"):
                return False
            if tk.text.isdigit() or not (tk.text.isalpha() or tk.text == "-"):
                break
            if self.t.tags and self.t.tags[tk.i].pos.startswith("VB"):
                return False  # the object of a verb: "conducted incursions near the reef"
            if self.t.tags and self.t.tags[tk.i].pos.startswith(("IN", "TO", "CC")):
                break
        return self.time_span(self.segment(span.begin)) is None

    def _by_agents(self, span: Span) -> list[Mention]:
        """ "the deployment of the missile system by the United States", inside a quotation:
        the actors right after "by" in the trigger's noun phrase (no comma, no verb between)."""
        quote = next((q for q in self.t.quotations if q.begin <= span.begin < q.end), None)
        if quote is None:
            return []
        toks = [tk for tk in self.t.after(span.end, 12) if tk.end <= quote.end]
        for n, tk in enumerate(toks):
            if tk.lower == "by":
                after = toks[n + 1 : n + 3]
                found = [
                    m
                    for m in self.t.mentions
                    if m.reading == "actor" and any(m.begin <= a.begin < m.end for a in after)
                ]
                return found[:1]
            if not (tk.text.isalpha() or tk.text in ("-", "'s")):
                return []
            i = tk.i
            if self.t.tags and self.t.tags[i].pos.startswith("VB") and tk.lower != "by":
                return []
        return []

    def _negated(self, span: Span) -> bool:
        """Whether a trigger is denied or negated, not told as done: "did not provoke", "has
        never rammed", "denied that its ships rammed", "denied ramming" (events.toml's
        `[negation]`): the denial is a statement, no event happened."""
        cues = self.rules.negation
        seg = self.segment(span.begin)
        before = [tk for tk in self.t.before(span.begin, 4) if tk.begin >= seg.begin]
        for tk in reversed(before):
            if tk.lower in cues.get("negation", ()):
                return True
            if not tk.text.isalpha() and tk.lower != "n't":
                break
        sentence = self.t.sentence_of(span.begin)
        for other, _key in self.verb_matches:
            if not (sentence.begin <= other.begin and other.end <= span.begin):
                continue
            first = self.raw[other.begin : other.end].split()[0].lower()
            between = self.raw[other.end : span.begin]
            if span.begin - other.end > 120 or ";" in between:
                continue
            if first in cues.get("denial", ()) and re.match(r"\s*(?:that\b|\w+ing\b)", between):
                return True  # "denied that its ships rammed …", "denied ramming …"
            lead = re.match(r"\s*(?:the\s+)?(\w+)\s+that\b", between)
            if (
                first in cues.get("rejection", frozenset()) | cues.get("denial", frozenset())
                and lead
                and lead.group(1).lower() in cues.get("reported", ())
            ):
                return True
        return False

    def _asked_for(self, span: Span) -> bool:
        """Whether a trigger lies in what an appeal, a demand or an offer asks for ("offered to
        train …", "urged Manila to withdraw …", "demanded that Hanoi halt …"): that act has not
        happened; the statement codes it (its target and kg:subjectMatter)."""
        sentence = self.t.sentence_of(span.begin)
        for other, key in self.verb_matches:
            if not (sentence.begin <= other.begin and other.end <= span.begin):
                continue
            if not self.rules.verbs[int(key)].calls_for:
                continue
            between = self.raw[other.end : span.begin]
            if ";" in between or len(between.split()) > 12:
                continue
            lead = re.match(r"\s*(?:\S+\s+){0,5}?(that|to)\s", between)
            if lead is None:
                continue
            if re.search(
                r"\b(?:after|before|when|since|because|while|until)\b", between[lead.end() :]
            ):
                continue  # "urged restraint after a ship entered …": what happened, not asked
            if lead.group(1) == "that" or self._infinitive(other.end + lead.start(1)):
                return True
        return False

    CHARACTER = (
        "unlawful",
        "illegal",
        "illegitimate",
        "provocative",
        "dangerous",
        "irresponsible",
        "unacceptable",
        "invalid",
        "baseless",
        "groundless",
        "unprofessional",
        "destabilising",
        "destabilizing",
    )

    def _characterised(self, verb: Span) -> bool:
        """Whether "called the patrols" goes on with what it calls them ("unlawful", "a
        violation of …"): a noun phrase, then an adjective or "a"/"an"."""
        toks = self.t.after(verb.end, 7)
        noun = False
        for tk in toks:
            pos = self.t.tags[tk.i].pos if self.t.tags else ""
            if tk.lower in ("a", "an") or (
                noun and (pos.startswith("JJ") or tk.lower in self.CHARACTER)
            ):
                return noun
            if not tk.text[:1].isalnum() or tk.lower in ("and", "to", "on", "in", "at", "for"):
                return False
            if pos.startswith("VB") or pos in ("IN", "TO", "CC"):
                return False
            noun = pos.startswith("NN") or (not pos and tk.text.isalpha())
        return False

    def _reports(self, m: Mention) -> bool:
        """Whether a name is the reporter that ends its sentence ("…, Vietnam said."): not
        what the words before it speak of."""
        before = self.t.before(m.begin, 1)
        if before and before[0].lower == "the":
            m = Mention(before[0].begin, m.end, m.text, m.entity, m.kind, m.reading)
        return any(self._reporter(m, s) for s, _ in self.verb_matches if s.begin >= m.end)

    def _reporter(self, m: Mention, verb: Span) -> bool:
        """Whether a name is the reporter that ends a sentence ("…, Vietnam said." or
        "…, Lin said: “…”"): after a comma, right before its speech verb, and nothing after
        the verb but the sentence's end (or a colon opening the quotation)."""
        if self.raw[m.end : verb.begin].strip():
            return False
        before = self.t.before(m.begin, 5)
        while before and before[-1].text[:1].isupper():
            before.pop()  # a title before the name: "…, Spokesperson Mei Tanaka said"
        if not before or before[-1].text != ",":
            return False
        if self.raw[verb.end : verb.end + 1] == ":":
            return True  # "…, Lin said: “…”"
        sentence = self.t.sentence_of(verb.begin)
        return not self.raw[verb.end : sentence.end].strip(" .:;\n\"”'’")

    def _episode(self, span: Span) -> bool:
        """Whether a trigger names a whole episode ("the standoff"): events.toml's episodes."""
        return self.t.norm[span.begin : span.end].lower() in self.rules.episodes

    def _anaphoric(self, span: Span, cls: str) -> bool:
        before = self.t.before(span.begin, 3)
        for tk in reversed(before):
            if self.mention_at(tk.begin, tk.end) is not None or (
                tk.text[:1].isupper() and tk.lower not in self.rules.determiners
            ):
                return False
            if tk.lower in self.rules.determiners:
                return any(
                    (e.cls == cls or self._episode(span)) and e.quote.begin < span.begin
                    for e in self.events
                )
            if not tk.text.isalpha() or tk.lower in self.rules.not_between:
                return False
        return False

    def _event(self, span: Span, rule: EventRule, given: list[Mention] | None = None) -> None:
        if (
            (given is None and self._anaphoric(span, rule.cls))
            or self._negated(span)
            or self._asked_for(span)
        ):
            return
        inherited = self._antecedent(span)
        seg = self.segment(span.begin)
        sentence = self.t.sentence_of(span.begin)
        if given is None and self._offered_to(span, seg):
            return  # "offered to train", "called on all parties to exercise restraint"
        if rule.setting and not re.search(
            r"\b(?i:at|during|after|before)\s+(?:\S+\s+){0,3}$",
            self.raw[max(sentence.begin, span.begin - 40) : span.begin],
        ):
            return  # "told a news conference": the statement's audience, not its setting
        reported = [s for s, _ in self.verb_matches if seg.begin <= s.begin < span.begin]
        if reported and not rule.setting and given is None:
            # "X said Y would host Z": the event's clause is what X said
            seg = Span(max(s.end for s in reported), seg.end)
            first = self.t.after(seg.begin, 1)
            if first and first[0].lower in ("whether", "if"):
                return  # "asked whether the US would escort future missions": a question
        setting = "sidelines of" in self.raw[max(sentence.begin, span.begin - 40) : span.begin]
        for other in self.events:
            if (
                other.cls == rule.cls
                and other.quote.begin < seg.end
                and seg.begin < other.quote.end
            ):
                return  # one event of a class per clause
        parts: list[tuple[Mention, str]] = []
        speech = [s for s, _ in self.verb_matches if seg.begin <= s.begin < span.begin]
        later = [s for s, _ in self.verb_matches if span.end <= s.begin < seg.end]
        end = self._phrase_end(span, seg, later)
        if rule.setting:  # "at a hearing on Tuesday that S": the setting, not what was said
            that = re.search(r"\bthat\b", self.raw[span.end : end])
            end = self.trim(span.begin, span.end + that.start()).end if that else end
        first = self.t.after(sentence.begin, 1)
        opening = bool(first) and (
            first[0].text in ("During", "At", "In", "On", "After")
            or (first[0].begin == span.begin and first[0].lower.endswith("ing"))
        )  # "Testifying before the committee, Reilly said": the sentence opens with the event
        demonyms = self._demonym_actors(seg.begin, seg.end, span.end)
        joined = self._next_clause(span.end, seg.end)
        opened = self._clause_before(seg.begin, span.begin)
        for m in self.actors(seg.begin, seg.end) + demonyms:
            if given is not None:
                break
            if m.begin >= joined or m.end <= opened:
                continue  # "…, and Manila followed": the party of another clause
            if any(m.end <= s.begin for s in speech):
                continue  # the one who reports is not a party
            if any(s.end <= m.begin for s in later):
                continue  # nor is what a statement after the event is about
            if any(self._reporter(m, s) for s in later):
                continue  # nor "…, Vietnam said.": the reporter named at the clause's end
            if m.begin > span.end and re.search(
                r"[a-z][.!?]\s+[A-Z“\"]", self.raw[span.end - 1 : m.begin]
            ):
                continue  # nor one named in the next sentence (an unclosed quotation runs on)
            if not opening and any(
                m.end <= s.begin and re.fullmatch(r"\s*(?:\w+ly\s+)?", self.raw[m.end : s.begin])
                for s in later
            ):
                continue  # nor the one who speaks after it ("…, Lin said"), unless the
                # sentence opens with the event ("During a call with X, Y said")
            role = rule.role
            if self.t.word_before(m.begin) == "from":
                role = rule.from_role
            parts.append((m, role))
        for tk in self.t.tokens if given is None else []:
            if (
                seg.begin <= tk.begin < seg.end
                and tk.lower in PRONOUNS
                and not self.t.quoted(tk.begin)
            ):
                if any(tk.end <= s.begin for s in speech):
                    continue
                resolved = self.pronoun(tk.begin, tk.end)
                if resolved is not None:
                    parts.append((resolved, rule.role))
            elif (
                seg.begin <= tk.begin < span.begin
                and (
                    tk.lower == "it"
                    or (  # "Beijing said its ships had driven away …", "Its foreign ministry"
                        tk.lower == "its"
                        and any(
                            x.lower in self.rules.agent_nouns or x.lower in self._bodies
                            for x in self.t.after(tk.end, 3)
                        )
                    )
                )
                and not self.t.quoted(tk.begin)
            ):
                # "the coast guard said it had deployed …": the last body or state named as a
                # subject in the sentence (for an opening "Its", in the sentence before) takes part
                sentence_begin = self.t.sentence_of(tk.begin).begin
                if tk.begin == sentence_begin:
                    before_sentence = self._previous_sentence(self.t.sentence_of(tk.begin))
                    sentence_begin = before_sentence.begin if before_sentence else sentence_begin
                bodies = [
                    m
                    for m in self.actors(sentence_begin, tk.begin)
                    if not self.t.is_a(m.entity, KG.Person)
                    and not self.governed(m)
                    and not self.possessive(m)
                ]
                if bodies:
                    b = bodies[-1]
                    parts.append(
                        (
                            Mention(tk.begin, tk.end, tk.text, b.entity, "pronoun", "actor"),
                            rule.role,
                        )
                    )
            elif (
                seg.begin <= tk.begin < span.begin
                and tk.lower == "who"
                and self.t.word_before(tk.begin) == ","
            ):
                # "Kenji Morita, who met …": the relative's antecedent takes part
                comma = self.t.before(tk.begin, 1)[0]
                owner = self.mention_at(comma.begin - 1, comma.begin)
                if owner is not None:
                    parts.append(
                        (
                            Mention(tk.begin, tk.end, tk.text, owner.entity, "relative", "actor"),
                            rule.role,
                        )
                    )
        lead = self.t.before(span.begin, 1)
        if (
            given is None
            and lead
            and lead[0].text == ","
            and self.raw[span.begin : span.end].split()[0].lower().endswith("ing")
            and not self.t.quoted(span.begin)
        ):
            # "Adm. Rita Cole, testifying before the committee, said …": the name before a
            # participle that opens the trigger's clause acts (not one after a preposition)
            owner = self.mention_at(lead[0].begin - 1, lead[0].begin)
            if owner is not None and not self.governed(owner) and not self.possessive(owner):
                parts.append((owner, rule.role))
        parts = [(m, rule.role) for m in inherited] + parts
        if given is not None:
            parts = [(m, rule.role) for m in given]
        if rule.setting:
            host = self._host(span, sentence)
            if host is not None:
                parts = [(host, rule.role)]
        if rule.needs_object:
            obj = [m for m, _ in parts if span.end <= m.begin <= span.end + 2]
            if not obj:
                return
            parts = [
                (m, rule.object_role if m is obj[0] else r)
                for m, r in parts
                if m is obj[0] or m.end <= span.begin
            ]
        if setting:
            parts = []
        seen: set[URIRef] = set()
        unique: list[tuple[Mention, str]] = []
        for m, r in sorted(parts, key=lambda x: x[0].begin):
            if m.entity not in seen:
                seen.add(m.entity)
                unique.append((m, r))
        if not unique and reported and given is None:
            # "The Philippine defence department says … for joint exercises next year": a
            # joint activity with no party named, announced by a state or a body of one
            joint = self.t.before(span.begin, 1)
            if "joint" in self.raw[span.begin : span.end].lower() or (
                joint and joint[0].lower == "joint"
            ):
                state = self._reporter_state(reported[-1])
                if state is not None:
                    unique = [(state, rule.role)]
        if not unique and given is None:
            vessel = self._the_vessel(seg.begin, span.begin)
            if vessel is not None:
                unique = [(vessel, rule.role)]
        if not unique and given is None and re.search(r"\btheir\b", self.raw[span.end : end]):
            # "the entry into force of the agreement on their maritime boundary": the two
            # actors named together before ("Malaysia and Indonesia welcomed …")
            unique = [
                (Mention(m.begin, m.end, m.text, m.entity, "their", "actor"), rule.role)
                for m in self._their(span.begin)
            ]
        places = [p for p in self.places(span.end, seg.end) if self._at_place(p)] or [
            p for p in self.places(seg.begin, span.begin) if self._at_place(p)
        ]
        if not unique and rule.passive and not places:
            places = self.places(span.end, seg.end)  # "were installed on the reef"
        if (
            not unique
            and rule.passive
            and not places
            and re.search(r"\b(?:its|there)\b", self.raw[span.end : end])
        ):
            # "A barrier was laid across its mouth", "a tower was erected there": the place
            # named last before
            places = self.places(self._paragraph_begin(span.begin), span.begin)[-1:]
        if not unique and not setting and not (rule.passive and places):
            return  # an agentless event only where a passive names its place
        thing = None
        if rule.place_object:
            after = [p for p in self.places(span.end, seg.end) if p.begin - span.end <= 6]
            acted_upon = after or self.places(sentence.begin, span.begin)[-1:]
            if not acted_upon:
                return  # what was acted upon is not named: no event the model accepts
            thing = acted_upon[0]
            places = [p for p in places if p.entity != thing.entity]
        clause = Span(seg.begin, max(end, span.end))
        # the time of what was reported, not of the reporting ("told … on Tuesday that …")
        timed = self._reported_part(clause, span, speech or (reported if given is None else []))
        when = self.time_in(timed)
        when_span = self.time_span(timed)
        if when is None and not rule.setting and clause.end < min(seg.end, joined):
            # "held talks with A, B, and C on Monday": the time after a list closes the clause
            rest = Span(clause.end, min(seg.end, joined))
            if not any(clause.end <= s.begin < rest.end for s, _ in self.verb_matches):
                when, when_span = self.time_in(rest), self.time_span(rest)
        status = self._status(clause, span, when)
        ends = [span.end, end] + [
            m.end for m, _ in unique if not rule.setting and m.kind != "their"
        ]
        ends += [p.end for p in places[:1]]
        begins = [span.begin] + [
            m.begin for m, _ in unique if not rule.setting and m.kind not in ("reporter", "their")
        ]
        joint = self.t.before(span.begin, 1)
        if joint and joint[0].lower == "joint":
            begins.append(joint[0].begin)  # "joint exercises": the phrase, not its noun
        if when_span is not None:
            ends.append(when_span.end)
        if thing is not None:
            begins.append(thing.begin)
            ends.append(thing.end)
        quote = self.trim(min(begins), max(ends))
        names = [self.t.label(m.entity) for m, _ in unique]
        noun = re.sub(r"(?<!^)([A-Z])", r" \1", rule.cls).lower()
        where = f" in {self.t.label(places[0].entity)}" if places else ""
        label = f"{noun} of {' and '.join(names)}{where}" if names else f"{noun}{where}"
        if thing is not None:
            label = f"{noun} of {self.t.label(thing.entity)}" + (
                f" ({', '.join(names)})" if names else ""
            )
        values: list[tuple[str, Any]] = [("rdfs:label", Literal(label, lang="en"))]
        if places:
            values.append(("prov:atLocation", places[0].entity))
        if thing is not None:
            values.append(("kg:eventObject", thing.entity))
        if rule.slot and all(r != rule.slot for _, r in unique):
            values.append(("kg:unstatedRole", ENT[f"role-{rule.slot}"]))
        if when is not None:
            values.append(("time:hasTime", when))
        values.append(("kg:status", KG[status]))
        kind = re.sub(r"(?<!^)([A-Z])", r"-\1", rule.cls).lower()
        base = kind + "".join(f"-{self.local(m.entity)}" for m, _ in unique[:2])
        proposal = Proposal(
            rule.cls,
            base,
            quote,
            f"event.{kind}",
            rule.confidence,
            f"the trigger “{self.raw[span.begin : span.end]}”; status from "
            f"{'its clause' if status != 'Past' else 'no future or ongoing cue'}",
            values,
            [
                (m.entity, r if (ENT[f"role-{r}"], None, None) in self.entities else "")
                for m, r in unique
            ],
        )
        if setting:
            earlier = [e for e in self.events if e.quote.begin >= sentence.begin]
            if not earlier:
                return
            earlier[-1].values.append(("kg:onSidelinesOf", proposal))
        self.events.append(self.add(proposal))
        if rule.setting:
            self.settings.append(self.events[-1])

    def _the_vessel(self, begin: int, end: int) -> Mention | None:
        """ "the ship had been conducting patrols": a definite vessel or force (events.toml's
        [agents]) before the trigger refers to the last one named with a demonym and one of its
        words in the four sentences before ("A Chinese survey ship entered …")."""
        toks = self._tokens(begin, end)
        for n, tk in enumerate(toks):
            if tk.lower != "the":
                continue
            words = []
            for b in toks[n + 1 : n + 4]:
                if not b.text.isalpha() or b.text in self.demonyms:
                    break
                words.append(b.lower)
                if b.lower in self.rules.agent_nouns:
                    break
            if not words or words[-1] not in self.rules.agent_nouns:
                continue
            start = self.t.sentence_of(tk.begin)
            for _ in range(4):
                earlier = self._previous_sentence(start)
                if earlier is None:
                    break
                start = earlier
            singular = {w.removesuffix("s") for w in words}
            for m in reversed(self._demonym_actors(start.begin, tk.begin)):
                said = {w.lower().removesuffix("s") for w in self.raw[m.begin : m.end].split()}
                if said & singular:
                    return Mention(tk.begin, toks[n + len(words)].end, "", m.entity, "definite",
                                   "actor")  # fmt: skip
            return None
        return None

    def _next_clause(self, begin: int, end: int) -> int:
        """Where a clause joined by ", and", ", but" or ", while" with a verb of its own begins
        after `begin` (before `end`); `end` if none ("signed the pact, and Manila followed")."""
        for join in re.finditer(r",\s+(?:and|but|while|whereas)\b", self.raw[begin:end]):
            at = begin + join.start()
            rest = self._tokens(begin + join.end(), end)
            if any(
                self.t.tags and self.t.tags[tk.i].pos in ("VBD", "VBZ", "VBP", "MD") for tk in rest
            ):
                return at
        return end

    def _clause_before(self, begin: int, end: int) -> int:
        """Where the trigger's own clause begins after a clause with a verb of its own and ", and"
        or ", but" ("Japan signed the pact, and Manila ratified it"); `begin` if none (a list:
        "Japan, Australia, and the Philippines held drills")."""
        joins = list(re.finditer(r",\s+(?:and|but|while|whereas)\b", self.raw[begin:end]))
        if not joins:
            return begin
        at = begin + joins[-1].start()
        if any(
            self.t.tags and self.t.tags[tk.i].pos in ("VBD", "VBZ", "VBP", "MD")
            for tk in self._tokens(begin, at)
        ):
            return begin + joins[-1].end()
        return begin

    def _paragraph_begin(self, pos: int) -> int:
        """Where the paragraph that holds `pos` begins."""
        return self.raw.rfind("\n", 0, pos) + 1

    def _their(self, pos: int) -> list[Mention]:
        """The actors "their" stands for: the last two named together ("A and B", "A and
        the B") before `pos` in its paragraph, outside quotations."""
        found = self.actors(self._paragraph_begin(pos), pos)
        for a, b in reversed(list(itertools.pairwise(found))):
            if a.entity != b.entity and re.fullmatch(
                r"\s*(?:,|and|,\s*and)\s+(?:the\s+)?", self.raw[a.end : b.begin]
            ):
                return [a, b]
        return []

    def _tokens(self, begin: int, end: int) -> list[Token]:
        """Return the tokens that begin in [begin, end) and end by `end` (a slice, not a scan)."""
        out = []
        for tk in self.t.tokens[self.t.token_at(begin) :]:
            if tk.begin >= end or tk.end > end:
                break
            if tk.begin >= begin:
                out.append(tk)
        return out

    def _reporter_state(self, verb: Span) -> Mention | None:
        """The state that speaks through a speech verb: its subject, a state or a body named
        with a demonym ("The Philippine defence department says")."""
        sentence = self.t.sentence_of(verb.begin)
        subjects = [
            m
            for m in self.actors(sentence.begin, verb.begin)
            if not self.governed(m) and not self.possessive(m)
        ]
        if not subjects:
            return None
        m = subjects[-1]
        if self.t.is_a(m.entity, KG.State):
            return Mention(m.begin, m.end, m.text, m.entity, "reporter", "actor")
        first = m.text.replace("’", "'").split()[0]
        if first in self.demonyms:
            return Mention(m.begin, m.end, m.text, self.demonyms[first], "reporter", "actor")
        return None

    def _offered_to(self, span: Span, seg: Span) -> bool:
        """Say whether a trigger completes a speech verb after "to" ("offered to train",
        "urged China to stop the patrols"): what is offered or asked for, not an event."""
        before = self.t.before(span.begin, 1)
        if not before or before[0].lower != "to":
            return False
        to = before[0]
        for s, _ in self.verb_matches:
            if seg.begin <= s.begin and s.end <= to.begin and to.begin - s.end <= 40:
                between = self._tokens(s.end, to.begin)
                verbs = [tk for tk in between if self.t.tags and self.t.tags[tk.i].pos[:2] == "VB"]
                if not verbs:
                    return True
        return False

    def _phrase_end(self, span: Span, seg: Span, later: list[Span]) -> int:
        """Where the trigger's phrase ends: its object and adjuncts, up to a comma, a quotation,
        a clause joined by and/but with a verb, or a later speech verb (at most 150 characters)."""
        end = span.end
        stop = min([seg.end, span.end + 150] + [s.begin for s in later])
        toks = self._tokens(span.end, stop)
        for n, tk in enumerate(toks):
            if tk.text in (",", ";", ":", "—", "–", "“", "”", '"', "(", ")") or self.t.quoted(
                tk.begin
            ) != self.t.quoted(span.begin):
                break
            if tk.lower in ("but", "while", "whereas", "although", "because", "when"):
                break
            if (
                tk.lower in ("which", "who", "that")
                and n + 1 < len(toks)
                and self.t.tags
                and (self.t.tags[toks[n + 1].i].pos.startswith(("VB", "MD")))
            ):
                break  # a relative clause: "driven away boats that were fishing …"
            if tk.lower in ("and", "or"):
                nxt = toks[n + 1] if n + 1 < len(toks) else None
                if nxt is None or (self.t.tags and self.t.tags[nxt.i].pos.startswith(("VB", "MD"))):
                    break
            if tk.text in (".", "!", "?"):
                break
            if n and self.t.tags and self.t.tags[tk.i].pos in ("VBZ", "VBD", "VBP", "MD"):
                prev = toks[n - 1]
                if not (
                    self.t.tags[tk.i].pos == "VBZ"
                    and prev.text.islower()
                    and self.t.tags[prev.i].pos in ("NN", "JJ", "CD")
                ):
                    break  # the verb of another clause: "the deployment of X by Y brings …"
                # "two supply runs": a plural noun after a common noun, tagged as a verb
            end = tk.end
        return end

    def _demonym_actors(self, begin: int, end: int, trigger_end: int = -1) -> list[Mention]:
        """ "a Chinese survey ship", "Japanese and Philippine troops": the state of a demonym
        before a vessel's or a force's noun (events.toml [agents]), as an actor of the clause;
        not after a preposition other than "by" ("in Vietnamese waters")."""
        toks = self._tokens(begin, end)
        out: list[Mention] = []
        numbers = {"two", "three", "four", "five", "six", "several", "some", "many", "a", "an",
                   "the", "its", "their", "dozens"}  # fmt: skip
        for i, tk in enumerate(toks):
            if tk.text not in self.demonyms or self.t.quoted(tk.begin):
                continue
            if (
                i > 0
                and toks[i - 1].text in self.demonyms
                and toks[i - 2 : i - 1]
                and (toks[i - 2].lower in ("and", "or", ","))
            ):
                continue  # the second of "Japanese and Philippine": read with the first
            run = [tk]
            j = i + 1
            while (
                j + 1 < len(toks)
                and toks[j].lower in ("and", "or", ",")
                and (toks[j + 1].text in self.demonyms)
            ):
                run.append(toks[j + 1])
                j += 2
            head = None
            for k in range(j, min(j + 4, len(toks))):
                if toks[k].lower in self.rules.agent_nouns:
                    head = toks[k]
                    break
                if not re.fullmatch(r"\w+(?:-\w+)*", toks[k].text):
                    break  # a word, or a model's name with a hyphen: "P-8 aircraft"
            if head is None:
                continue
            p = tk.begin
            word = ""
            own = False  # the trigger's own "of": "the presence of a Chinese survey ship"
            for _ in range(4):
                prev = self.t.before(p, 1)
                if not prev:
                    break
                word = prev[0].lower
                own = word == "of" and (
                    prev[0].end == trigger_end or 0 <= prev[0].begin - trigger_end <= 1
                )
                if word not in numbers and not prev[0].text.isdigit():
                    break
                p = prev[0].begin
                word = ""
            agentive = ("by", "at", "against", "on", "with")
            if word in PREPOSITIONS and word not in agentive and not own:
                continue  # "in Vietnamese waters"; but "fired at two Philippine boats"
            for d in run:  # each reaches its noun: "Japanese and Philippine troops"
                out.append(
                    Mention(d.begin, head.end, d.text, self.demonyms[d.text], "demonym", "actor")
                )
        return out

    def _host(self, span: Span, sentence: Span) -> Mention | None:
        """The speaker of the sentence where a setting event ("a press conference") is named."""
        for s, _ in self.verb_matches:
            if sentence.begin <= s.begin < sentence.end:
                speaker, _start = self._speaker(s, sentence, None)
                if speaker is not None:
                    return speaker
        return None

    def _at_place(self, m: Mention) -> bool:
        """Say whether a place is named as where something happens: "in", "at", "near" it."""
        before = [tk.lower for tk in self.t.before(m.begin, 2)]
        if before and before[-1] == "the":
            before = before[:-1]
        if before and before[-1] == "on":  # "work on the reef", not "talks on the sea"
            return self.t.is_a(m.entity, KG.MaritimeFeature)
        return bool(before) and before[-1] in ("in", "at", "near", "off", "inside", "around")

    def _antecedent(self, span: Span) -> list[Mention]:
        """ "This agreement", first of its class: the actors of the event just before it."""
        before = self.t.before(span.begin, 1)
        if not before or before[0].lower not in self.rules.determiners:
            return []
        sentence = self.t.sentence_of(span.begin)
        previous = [e for e in self.events if e.quote.end <= sentence.begin]
        if not previous:
            return []
        last = previous[-1]
        if self.t.sentence_of(last.quote.begin) != self._previous_sentence(sentence):
            return []
        return [
            Mention(span.begin, span.end, "", e, "antecedent", "actor")
            for e, _ in last.participations
        ]

    def _previous_sentence(self, sentence: Span) -> Span | None:
        earlier = [s for s in self.t.sentences if s.end <= sentence.begin]
        return earlier[-1] if earlier else None

    def _status(self, seg: Span, trigger: Span, when: TimeNode | None) -> str:
        words = words_in(self.t, seg)
        trigger_i = has_phrase(words, self.raw[trigger.begin : trigger.end].replace("’", "'"))
        best = ("Past", 10**6)
        for status, cues in (("Planned", self.rules.planned), ("Ongoing", self.rules.ongoing)):
            for cue in cues:
                i = has_phrase(words, cue)
                if i >= 0 and abs(i - trigger_i) < best[1]:
                    best = (status, abs(i - trigger_i))
        if best[0] == "Past" and when is not None and when.text.lower().startswith("next"):
            return "Planned"
        return best[0]

    # ..................................................................... statements

    def _verb_matches(self) -> list[tuple[Span, str]]:
        entries = [(str(i), v.forms) for i, v in enumerate(self.rules.verbs)]
        out = []
        for span, key in find(self.t, "verb", entries):
            if self.t.quoted(span.begin) or self.in_title(span.begin):
                continue
            if (
                self.t.word_before(span.begin) in NOUN_MARKERS
                and " " not in self.raw[span.begin : span.end]
            ):
                continue  # "the protest", "his remarks": a noun
            first_word = self.t.tokens[self.t.token_at(span.begin)]
            last_word = self.t.tokens[self.t.token_at(span.end - 1)]
            if self.inside_name(Span(first_word.begin, first_word.end)) or self.inside_name(
                Span(last_word.begin, last_word.end)
            ):
                continue  # "States" in "United States" ("expressed Japan's support": a form's
                # wildcard words may hold a name)
            if (
                self.t.word_before(span.begin) in PREPOSITIONS
                and " " not in self.raw[span.begin : span.end]
                and self.raw[span.begin : span.end].endswith("ed")
            ):
                continue  # "in disputed waters", "of the contested …": a participle, no verb
            first = self.t.token_at(span.begin)
            subject = any(
                m.reading == "actor" and 0 < span.begin - m.end <= 1 and not self.possessive(m)
                for m in self.t.mentions
            )  # "China disputes that …", "Manila calls for …": a verb after its subject
            if self.t.tags and self.t.tags[first].pos.startswith("NN") and not subject:
                continue  # tagged a noun: "a diplomatic note", "press conference"
            words = self.raw[span.begin : span.end].lower().split()
            if (
                words[0] in ("call", "calls", "called", "calling")
                and words[-1] in ("the", "its", "their", "these", "this")
                and not self._characterised(span)
            ):
                continue  # "called the ambassador", "called the meeting to order"
            out.append((span, key))
        return out

    def statements_rule(self) -> None:
        """Speech-act verbs: speaker, addressee or target, quotation, type, time."""
        last: dict[int, tuple[Mention, Span]] = {}
        # "did not say whether …", "declined to comment", "asked not to be named": nothing said,
        # and no speech act for the later rules either ("S, Hanoi said" reads S after it)
        self.verb_matches = [
            (span, key)
            for span, key in self.verb_matches
            if not self._unsaid(self.rules.verbs[int(key)], span)
        ]
        for n, (span, key) in enumerate(self.verb_matches):
            verb = self.rules.verbs[int(key)]
            sentence = self.t.sentence_of(span.begin)
            reported = self._speaker_after(verb, span)
            if reported is not None:
                self._statement(verb, reported[0], span, reported[1], reported[2])
                continue
            if verb.speaker == "after":
                continue  # "…, according to a statement posted online": no one named after it
            if self.t.word_before(span.begin) in (
                "was",
                "were",
                "been",
                "being",
                "is",
                "are",
            ) and not (self.raw[span.begin : span.end].lower().startswith("committed")):
                continue  # "Minister Ruiz was asked about …": done to the subject, no speaker
            speaker, start = self._speaker(span, sentence, last.get(sentence.begin))
            if speaker is None:
                continue
            outer = [
                s
                for s, _ in self.verb_matches[:n]
                if sentence.begin <= s.begin and s.end <= speaker.begin
            ]
            if outer and re.fullmatch(
                r"(?:\S+\s+){0,2}that", self.raw[outer[-1].end : speaker.begin].strip()
            ):
                continue  # "Guo said, adding that China remained committed to …": what Guo said
            last[sentence.begin] = (speaker, span)
            nxt = [s for s, _ in self.verb_matches[n + 1 :] if s.begin < sentence.end]
            end = self._clause_end(span, sentence, nxt)
            if start == speaker.begin:
                start = self._content_first(speaker, span, sentence, end)
                if start < speaker.begin:  # what is said is the clause before the comma
                    comma = self.raw.rfind(",", start, speaker.begin)
                    said = self.trim(start, comma)
                    going_on = self.raw.find(",", span.end, end)
                    if len(self.raw[said.begin : said.end].split()) < 3 and going_on >= 0:
                        said = self.trim(going_on + 1, end)  # "Vietnam, he added, has …"
                    self.content_first[span.begin] = said
            first = self._conjunct(speaker, sentence) if start == speaker.begin else None
            if first is not None:
                start = first.begin  # "Manila and Hanoi reject …": both speak, from the first
            quote = self.trim(min(start, span.begin), end)
            if quote.end <= span.end:
                quote = Span(quote.begin, span.end)
            self._statement(verb, speaker, span, quote)
            if first is not None:
                self._statement(verb, first, span, quote)

    def _unsaid(self, verb: Verb, span: Span) -> bool:
        """Whether a speech verb reports nothing said (statements.toml's [unsaid]): negated
        ("did not say whether …", "has never protested"), declined ("declined to comment",
        "refused to say"), or an anonymous source's condition ("who asked not to be named")."""
        cues = self.rules.unsaid
        seg = self.segment(span.begin)
        before = [tk for tk in self.t.before(span.begin, 3) if tk.begin >= seg.begin]
        for i in range(len(before) - 1, -1, -1):
            tk = before[i]
            if tk.lower in cues.get("negation", ()):
                nxt = before[i + 1].lower if i + 1 < len(before) else ""
                return nxt != "only" and self.raw[span.begin : span.end].lower() != "only"
            if not tk.text.isalpha() and tk.lower != "n't":
                break
        if (
            len(before) >= 2
            and before[-1].lower == "to"
            and before[-2].lower in cues.get("declined", ())
        ):
            return True  # "declined to comment", "refused to say"
        first = self.raw[span.begin : span.end].split()[0].lower()
        rest = self.raw[span.end : span.end + 40].lower()
        if first in cues.get("declined", ()):
            more = re.match(r"\s+to\s+(\w+)", rest)
            if more and more.group(1) in cues.get("declined_what", ()):
                return True  # "refused to comment on …": nothing said
        sentence = self.t.sentence_of(span.begin)
        for other, _ in self.verb_matches:
            if sentence.begin <= other.begin and other.end <= span.begin:
                between = self.raw[other.end : span.begin]
                if re.search(r"\b(?:whether|if)\b", between) and not re.search(r"[;,.]", between):
                    return True  # "did not say whether he would back …": the question, not said
        if verb.calls_for:
            lead = rest.lstrip()
            if any(lead.startswith(a) for a in cues.get("anonymity", ())):
                return True  # "a diplomat who asked not to be named"
        return False

    def _content_first(self, speaker: Mention, verb: Span, sentence: Span, end: int) -> int:
        """ "The patrols would continue, the foreign ministry said in a statement.": what is
        said comes first, unquoted, before a comma and its speaker, and the verb ends its
        clause (nothing said after it but a setting or a time). Return where the quote
        begins: the sentence's start there, else the speaker's."""
        before = self.raw[sentence.begin : speaker.begin]
        # "…, the foreign ministry said", "…, spokesman Jay Reyes said": at most a title between
        head = re.fullmatch(r"(\s*)(.*\S),\s+(?:[Tt]he\s+)?(?:[\w.'’-]+\s+){0,3}?", before, re.S)
        rest = self.raw[verb.end : end].strip(" .;")
        # "S, X said on Sunday, warning that …", "A, she said, and B", "A, he added, B": the
        # sentence goes on after a comma (B is said too, the quote runs over it)
        setting, _, tail = rest.partition(",")
        setting, tail = setting.strip(), tail.strip()
        short = not setting and len(tail.split()) >= 2  # "Vietnam, he added, has the same right"
        if head is None or len(head.group(2).split()) < (1 if short else 3):
            return speaker.begin
        if any(q.begin < speaker.begin and q.end > sentence.begin for q in self.t.quotations):
            return speaker.begin  # quoted speech is read by the quotation rules
        if any(sentence.begin <= s.begin < speaker.begin for s, _ in self.verb_matches):
            return speaker.begin  # "China protested, …": a speech act of its own before it
        if setting and not re.fullmatch(
            r"(?:(?:reporters|journalists|lawmakers|the (?:press|media)|the (?:[A-Z][\w-]* )*"
            r"(?:committee|Committee|Senate|House|parliament|Parliament))\b\s*)?"
            r"(?:(?:in|on|at|late|early|last|this|during|after)\b[^,;]{0,40})?",
            setting,
        ):
            return speaker.begin  # "…, X said the talks …": what is said follows the verb
        if re.search(r"\bthat\b", setting):
            return speaker.begin
        begin = sentence.begin + len(head.group(1))
        finite = any(
            self.t.tags and self.t.tags[tk.i].pos in ("VBD", "VBZ", "VBP", "VBN", "MD")
            for tk in self._tokens(begin, begin + len(head.group(2)))
        )
        if tail and not finite and not short:
            return speaker.begin  # "Speaking in Hanoi, the minister said, however, that …"
        return self._after_dateline(begin)

    def _speaker_after(self, verb: Verb, span: Span) -> tuple[Mention, Span, URIRef | None] | None:
        """ "according to X", "was criticized by X": the speaker named after the verb, the
        quote from the clause's start to the speaker, and the passive's subject as its target."""
        passive = self.t.word_before(span.begin) in ("was", "were", "been", "is", "are", "being")
        if verb.speaker != "after" and not passive:
            return None
        seg = self.segment(span.begin)
        after = [m for m in self.actors(span.end, seg.end) if m.begin - span.end <= 30]
        if passive:
            after = [m for m in after if self.raw[span.end : m.begin].strip().lower() == "by"]
        if not after:
            return None
        speaker = after[0]
        target = None
        begin = self.t.sentence_of(span.begin).begin
        if passive:
            subject = [m for m in self.actors(begin, span.begin) if not self.governed(m)]
            if subject:
                target = subject[-1].entity
                begin = subject[-1].begin
            else:
                begin = span.begin
        elif not self.raw[begin : span.begin].strip():
            # "According to X, S.": what is said follows the speaker's comma, to the sentence end
            sentence = self.t.sentence_of(span.begin)
            comma = self.raw.find(",", speaker.end, sentence.end)
            apposition = re.match(
                r",\s+(?:an?\s+|the\s+)?(?:[a-z][\w-]*\s+){1,4}(?:of|at|for)\s+(?:the\s+)?"
                r"(?:[A-Z][\w'’-]*\s*)+(?=,)",
                self.raw[comma : sentence.end],
            )
            if comma >= 0 and apposition is not None:
                comma += apposition.end()  # "According to X, chairman of the Y, S"
            if comma >= 0 and len(self.raw[comma + 1 : sentence.end].split()) >= 3:
                self.content_first[span.begin] = self.trim(comma + 1, sentence.end)
                return speaker, self.trim(span.begin, sentence.end), target
        return speaker, self.trim(self._after_dateline(begin), speaker.end), target

    def _after_dateline(self, begin: int) -> int:
        """Skip a dateline opening a sentence ("KUALA LUMPUR, 3 June (Reuters) — "): what is
        said begins after it."""
        found = re.match(
            r"[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3},?[^—–\n]{0,40}?\s[—–]\s*",
            self.raw[begin : begin + 90],
        )
        return begin + found.end() if found else begin

    def _speaker(
        self, verb: Span, sentence: Span, previous: tuple[Mention, Span] | None
    ) -> tuple[Mention | None, int]:
        before = self.t.before(verb.begin, 2)
        participle = self.raw[verb.begin : verb.end].split()[0].lower().endswith("ing") and any(
            b.text == "," for b in before
        )
        if previous is not None and before and before[-1].lower in ("and", "but", "then"):
            return previous[0], verb.begin  # "X criticized A and praised B": the same speaker
        if participle:
            if previous is not None:
                return previous[0], verb.begin
            subjects = [
                m
                for m in self._candidates(sentence, verb)
                if not self.governed(m) and not self.possessive(m)
            ]
            acting = [m for m in subjects if self._followed_by_verb(m)]
            if acting or subjects:
                return (acting or subjects)[-1 if acting else 0], verb.begin
            return None, verb.begin
        candidates = self._candidates(sentence, verb)
        head = self._apposed(candidates, verb)
        if head is not None:
            return head, head.begin  # "Adm. X, the top U.S. commander in the region, told …"
        for m in sorted(candidates, key=lambda x: -x.begin):
            if (
                (self.governed(m) or self.possessive(m))
                and not self._spoken_for(m, sentence)
                and not self._unnamed_body(m, verb)
            ):
                continue
            if any(
                q.begin >= m.end and q.end <= verb.begin for q in self.t.quotations
            ) and not self._quote_first(m, verb):
                continue
            if self._quote_first(m, verb):
                inside = [
                    q for q in self.t.quotations if q.end <= m.begin and q.begin >= sentence.begin
                ]
                if not inside:
                    return m, m.begin  # the quote closed a sentence (or paragraph) before
                return m, max(inside, key=lambda q: q.begin).begin - 1
            return m, m.begin
        unnamed = self._unnamed_official(sentence, verb)
        if unnamed is not None:
            return unnamed, self._quote_start(sentence, verb) if unnamed.begin > verb.begin else (
                unnamed.begin
            )
        after = self.actors(verb.end, min(sentence.end, verb.end + 40))
        tail = self.t.after(verb.end, 3)
        for tk in tail:
            if tk.lower in PRONOUNS:
                return self.pronoun(tk.begin, tk.end), self._quote_start(sentence, verb)
        if after and after[0].begin - verb.end <= 2 and self._closes_quote(verb):
            return after[0], self._quote_start(sentence, verb)
        document = self._document(verb, sentence)
        if document is not None:
            return document, document.begin
        return None, verb.begin

    def _conjunct(self, speaker: Mention, sentence: Span) -> Mention | None:
        """ "Malaysia and Indonesia reaffirmed …": the actor joined to the speaker by "and",
        opening the sentence as its subject with it (a second speaker of the same act)."""
        if speaker.kind in ("pronoun", "relative", "document", "continued", "answer"):
            return None
        before = [
            m
            for m in self.actors(sentence.begin, speaker.begin)
            if m.entity != speaker.entity and not self.governed(m) and not self.possessive(m)
        ]
        if not before or not re.fullmatch(
            r"\s+and\s+(?:the\s+)?", self.raw[before[-1].end : speaker.begin]
        ):
            return None
        m = before[-1]
        if self.raw[sentence.begin : m.begin].strip() not in ("", "The", "the", "Both", "both"):
            return None
        return m

    def _unnamed_official(self, sentence: Span, verb: Span) -> Mention | None:
        """ "A senior Malaysian naval officer, who asked not to be identified, said …", "“…,”
        said a Philippine official": a nameless official of a state (its demonym) speaks for
        that state, which is the statement's speaker."""
        words = "|".join(re.escape(w) for w in sorted(self.demonyms, key=len, reverse=True))
        if not words:
            return None
        nouns = (
            r"(?:officials?|diplomats?|officers?|sources?|spokes(?:person|man|woman)|envoys?|"
            r"negotiators?|commanders?|lawmakers?)\b"
        )
        who = rf"(?:[a-z-]+\s+){{0,2}}({words})\s+(?:[a-z-]+\s+){{0,2}}?{nouns}"
        found = re.match(
            rf"\s*(?:An?|One|Two|Three|Several|Some|Other)\s+{who}(\s*,[^,;“”\"]*,\s*|\s+)$",
            self.raw[sentence.begin : verb.begin],
        )
        body = re.match(
            rf"\s*(?:An?|One|Two)\s+(?:senior\s+)?()[A-Z][^,;]{{2,60}}?\s+{nouns}"
            r"(\s*,[^,;“”\"]*,\s*|\s+)$",
            self.raw[sentence.begin : verb.begin],
        )
        if found is None and body is not None:
            # "A State Department official, speaking on condition of anonymity, said …": the
            # body named before the official's noun speaks
            named = [
                m
                for m in self.actors(sentence.begin, sentence.begin + body.end(1) + 60)
                if not self.t.is_a(m.entity, KG.Person)
                and re.fullmatch(rf"\s+{nouns}", self.raw[m.end : m.end + 20].split(",")[0])
            ]
            if named:
                m = named[0]
                return Mention(m.begin, m.end, m.text, m.entity, "unnamed", "actor")
        if found is None and self._closes_quote(verb):
            found = re.match(
                rf"\s*(?:an?|one|two|another)\s+{who}", self.raw[verb.end : sentence.end]
            )
            offset = verb.end
        else:
            offset = sentence.begin
        if found is None:
            return None
        state = self.demonyms[found.group(1)]
        begin, end = offset + found.start(1), offset + found.end(1)
        return Mention(begin, end, self.raw[begin:end], state, "unnamed", "actor")

    def _unnamed_body(self, m: Mention, verb: Span) -> bool:
        """ "Malaysia's maritime agency said …": a state or body owning an unnamed body (a
        lower-case noun phrase) that is the verb's subject speaks through it."""
        return (
            self.possessive(m)
            and not self.t.is_a(m.entity, KG.Person)
            and not self.governed(m)
            and re.fullmatch(
                r"'s\s+(?:[a-z][\w-]*\s+){1,3}(?:(?:also|later|then|further)\s+)?",
                self.t.norm[m.end : verb.begin],
            )
            is not None
        )

    def _apposed(self, candidates: list[Mention], verb: Span) -> Mention | None:
        """ "Adm. Sam Ortega, the top U.S. commander in the Pacific, told lawmakers …": a
        person (a subject: not after a preposition, no possessor) followed by one apposition
        between commas and then the verb is its speaker, not an actor named inside the
        apposition."""
        for m in candidates:
            if (
                m.kind not in ("pronoun", "relative")
                and (
                    self.t.is_a(m.entity, KG.Person)
                    or re.match(r",\s+(?:which|who)\b", self.raw[m.end : m.end + 10])
                )  # "Indonesia, which chairs ASEAN next year, has promised …"
                and not self.governed(m)
                and not self.possessive(m)
                and any(o.begin > m.end for o in candidates)
                and re.fullmatch(
                    r",\s+[^,;:“”\"()—]{3,120},\s*"
                    r"(?:(?:also|later|then|further|has|have|had|will|would)\s+){0,2}",
                    self.raw[m.end : verb.begin],
                )
            ):
                return m
        return None

    def _document(self, verb: Span, sentence: Span) -> Mention | None:
        """ "The statement also noted …", "The joint communique said …": a document that
        speaks is its issuer's voice, the speaker of the last statement drafted before it."""
        words = self.raw[sentence.begin : verb.begin]
        found = re.fullmatch(
            r"\s*(?:The|the|Its|its|Their|their)\s+(?:(?:joint|final|chair['’]s|leaders['’])\s+)?"
            r"(?:statement|communiqu[eé]|declaration|document|text)\s+(?:also\s+|further\s+)?",
            words,
        )
        if found is None:
            return None
        earlier = [
            p
            for p in self.draft.proposals
            if p.cls == "Statement" and p.quote.end <= sentence.begin and p.entities("kg:speaker")
        ]
        if not earlier:
            return None
        issuer = max(earlier, key=lambda p: p.quote.begin).entities("kg:speaker")[0]
        begin = sentence.begin + len(words) - len(words.lstrip())
        end = sentence.begin + len(words.rstrip())
        return Mention(begin, end, self.raw[begin:end], issuer, "document", "actor")

    def _spoken_for(self, m: Mention, sentence: Span) -> bool:
        """ "A spokesperson for the Indonesian foreign ministry urged …": the body a nameless
        title speaks for, opening its sentence, is the speaker."""
        if self.t.is_a(m.entity, KG.Person) or self.possessive(m):
            return False
        heads = {h.split()[-1] for h in self.rules.roles["heads"]}
        toks = self._tokens(sentence.begin, m.begin)
        if toks and toks[-1].lower == "the":
            toks = toks[:-1]
        return (
            2 <= len(toks) <= 4
            and toks[0].lower in ("a", "an", "the")
            and toks[-1].lower in ("for", "of")
            and toks[-2].lower in heads
        )

    def _setting(self, verb: Span) -> Proposal | None:
        """ "During a conversation with X, Y said": the event a sentence opens with, if the
        statement comes after it."""
        sentence = self.t.sentence_of(verb.begin)
        for e in getattr(self, "settings", []):
            if 0 <= e.quote.begin - verb.end <= 40 and re.fullmatch(
                r"\s*(?:[^\s,]+\s+){0,4}?(?:at|during)\s+(?:\S+\s+){0,3}",
                self.raw[verb.end : e.quote.begin],
            ):
                return e  # "said at a press conference on Monday that …", "told X at a hearing"
        first = self.t.after(sentence.begin, 1)
        if not first or first[0].text not in ("During", "At", "In"):
            return None
        comma = self.raw.find(",", sentence.begin, verb.begin)
        if comma < 0:
            return None
        for e in getattr(self, "events", []):
            if sentence.begin <= e.quote.begin < comma and e.quote.end <= verb.begin:
                return e
        return None

    def _candidates(self, sentence: Span, verb: Span) -> list[Mention]:
        """Return the actors, he/she and who before a verb in its sentence, outside quotations."""
        candidates = list(self.actors(sentence.begin, verb.begin))
        for tk in self.t.tokens[self.t.token_at(sentence.begin) : self.t.token_at(verb.begin)]:
            if sentence.begin <= tk.begin < verb.begin and not self.t.quoted(tk.begin):
                if tk.lower in PRONOUNS:
                    resolved = self.pronoun(tk.begin, tk.end)
                    if resolved is not None:
                        candidates.append(resolved)
                elif tk.lower == "they" and tk.begin == self.trim(sentence.begin, tk.end).begin:
                    group = self._they(tk) or self._body_pronoun(tk, verb)
                    if group is not None:
                        candidates.append(group)
                elif tk.lower == "it":
                    body = self._body_pronoun(tk, verb)
                    if body is not None:
                        candidates.append(body)
                elif tk.lower in ("its", "their") and re.fullmatch(
                    r"(?:[a-z][\w-]*\s+){1,3}(?:in\s+[A-Z][\w-]*\s+)?(?:also\s+)?",
                    self.raw[tk.end : verb.begin].lstrip(),
                ):
                    # "China disputes that account. Its embassy in Manila said …": the body
                    # "its" owns speaks for it (the owner as "It" would be read)
                    body = self._body_pronoun(tk, verb, owner=True)
                    if body is not None:
                        candidates.append(body)
                elif tk.lower == "who" or (
                    tk.lower == "which" and self.t.word_before(tk.begin) == ","
                ):
                    antecedent = self.actors(sentence.begin, tk.begin)
                    if tk.lower == "which":  # ", which accused …": a body, not a person
                        antecedent = [a for a in antecedent if not self.t.is_a(a.entity, KG.Person)]
                    if antecedent:
                        a = antecedent[-1]
                        candidates.append(
                            Mention(tk.begin, tk.end, tk.text, a.entity, "relative", "actor")
                        )
        return sorted(candidates, key=lambda m: m.begin)

    def _they(self, tk: Token) -> Mention | None:
        """ "Both sides expressed concern … They also urged …": "They" opening a sentence
        continues the collective voice (a kg:Group) of the statement drafted just before it,
        in the sentence before."""
        earlier = [
            p for p in self.draft.proposals if p.cls == "Statement" and p.quote.end <= tk.begin
        ]
        if not earlier:
            return None
        last = max(earlier, key=lambda p: p.quote.end)
        speakers = last.entities("kg:speaker")
        previous = self._previous_sentence(self.t.sentence_of(tk.begin))
        if (
            not speakers
            or not self.t.is_a(speakers[0], KG.Group)
            or previous is None
            or last.quote.begin < previous.begin
        ):
            return None
        return Mention(tk.begin, tk.end, tk.text, speakers[0], "pronoun", "actor")

    def _body_pronoun(self, tk: Token, verb: Span, owner: bool = False) -> Mention | None:
        """ "The embassy issued a statement. It rejected claims that …": "It" (or "They")
        opening a sentence, as the subject of its speech verb (at most two words between:
        "It also said", "It has denied"), is the body (not a person, not a group) that spoke
        last in the two sentences before it, else the body its sentence before opens with."""
        sentence = self.t.sentence_of(tk.begin)
        opening = self.raw[sentence.begin : tk.begin].strip().lower()
        if opening not in ("", "but", "and", "however,", "but,", "instead,", "in response,"):
            return None
        between = self._tokens(tk.end, verb.begin)
        if not owner and (
            len(between) > 2 or any(not b.text.isalpha() or b.text[0].isupper() for b in between)
        ):
            return None
        if (
            not owner
            and self.t.tags
            and any(self.t.tags[b.i].pos.startswith("NN") for b in between)
        ):
            return None

        def body(entity: URIRef) -> bool:
            return not self.t.is_a(entity, KG.Person) and not self.t.is_a(entity, KG.Group)

        previous = self._previous_sentence(sentence)
        if previous is None:
            return None
        earliest = self._previous_sentence(previous) or previous
        if self.raw[earliest.end : previous.begin].count("\n\n") > 0:
            earliest = previous  # not over a paragraph break for the sentence before last
        spoken = [
            p
            for p in self.draft.proposals
            if p.cls == "Statement"
            and earliest.begin <= p.quote.begin
            and p.quote.end <= tk.begin
            and p.entities("kg:speaker")
        ]
        if spoken:
            last = max(spoken, key=lambda p: p.quote.begin)
            speaker = last.entities("kg:speaker")[0]
            if not body(speaker):
                return None  # the last to speak is a person or a group: "it" is no voice of theirs
            return Mention(tk.begin, tk.end, tk.text, speaker, "pronoun", "actor")
        subjects = [
            m
            for m in self.actors(previous.begin, previous.end)
            if not self.governed(m) and not self.possessive(m)
        ]
        if not subjects or not body(subjects[0].entity) or not self._leads(subjects[0]):
            return None
        return Mention(tk.begin, tk.end, tk.text, subjects[0].entity, "pronoun", "actor")

    def _followed_by_verb(self, m: Mention) -> bool:
        """Say whether a lower-case word (a verb, as a subject has) follows a mention."""
        nxt = self.t.after(m.end, 1)
        return bool(nxt) and nxt[0].text.isalpha() and nxt[0].text.islower()

    def _closes_quote(self, verb: Span) -> bool:
        return bool(
            re.search(r"[,.!?][”\"]\s*$|[”\"],\s*$", self.raw[max(0, verb.begin - 4) : verb.begin])
        )

    def _quote_first(self, m: Mention, verb: Span) -> bool:
        """Whether a quotation ends right before the speaker's name, or before its title
        ("“…,” PCG spokesperson Maria Salcedo wrote")."""
        return bool(
            re.search(
                r"[,.!?][”\"]\s*(?:[\w.'’-]+\s+){0,3}$", self.raw[max(0, m.begin - 50) : m.begin]
            )
            and not re.search(r"[”\"]\s*(?:\S+\s+){0,3}$", self.raw[m.end : verb.begin])
        )

    def _quote_start(self, sentence: Span, verb: Span) -> int:
        qs = [q for q in self.t.quotations if q.begin >= sentence.begin and q.end <= verb.begin]
        return qs[0].begin - 1 if qs else verb.begin

    def _clause_end(self, verb: Span, sentence: Span, nxt: list[Span]) -> int:
        end = sentence.end
        for s in nxt:
            if s.begin > verb.end and not self._within_said(verb, s):
                end = min(end, s.begin)
                break
        for tk in self.t.tokens:
            if verb.end <= tk.begin < end and not self.t.quoted(tk.begin) and tk.text == ";":
                end = tk.begin
                break
        cut = self.raw[verb.end : end]
        stripped = re.sub(r"(,\s*|\s+and\s*|\s+but\s*|\s+with\s*)$", "", cut)
        tail = re.search(r",\s+(?:with|while|who|which|as|after|before)\s+[^,]*$", stripped)
        if tail and not self.t.quoted(verb.end + tail.start()):
            trial = stripped[: tail.start()]
            if len(trial.split()) >= 2:
                stripped = trial
        return verb.end + len(stripped)

    def _within_said(self, verb: Span, other: Span) -> bool:
        """Whether a later speech verb lies inside what the first one reports, so that it does
        not end its clause: an infinitive of it ("refused to recognise …"), or a verb of the
        clause after its "that" with a subject of its own ("told a news conference that his
        government had filed a protest"), not one coordinated with it ("said that …, and
        urged …")."""
        if self.t.word_before(other.begin) == "to":
            return True
        between = self.raw[verb.end : other.begin]
        aux = ("had", "has", "have", "would", "will", "could", "should", "might", "may", "did")
        if self.t.word_before(other.begin) in aux and "," not in between and ";" not in between:
            return True  # "said Hanoi had protested": the reported clause's own verb
        if not re.search(r"\bthat\b", between) or ";" in between:
            return False
        return self.t.word_before(other.begin) not in (",", "and", "but", "also", "then", "while")

    def _statement(
        self, verb: Verb, speaker: Mention, span: Span, quote: Span, subject: URIRef | None = None
    ) -> None:
        values: list[tuple[str, Any]] = []
        target = addressee = None
        target_at: Mention | None = None
        addressee_end = span.end
        for m in (
            []
            if subject is not None or verb.speaker == "after"
            else self.actors(span.end, quote.end)
        ):
            if m.entity == speaker.entity:
                continue
            if self._reports(m):
                break  # "China protested the patrols, Vietnam said": who reports it
            gap = self.raw[span.end : m.begin].strip().lower().split()
            if len(gap) > 3 or "that" in gap or "whether" in gap or "if" in gap:
                break  # "asked whether the United States would …": a clause, not whom
            if gap and gap[-1] in ("with", "to"):
                addressee, addressee_end = m.entity, m.end
                break
            if gap and gap[0] == "to" and self._infinitive(span.end):
                break  # "offered to train X": X is acted upon, not told
            if not gap and verb.object == "addressee" and not self._tells(verb, span):
                break  # "said Vietnam had …", "said Chinese ships …": what is said, not to whom
            if gap and gap[-1] in PREPOSITIONS:
                continue
            if not gap and self._clause_subject(m):
                break  # "said China would …": the subject of what is said, not who is told
            if verb.object == "target":
                target, target_at = m.entity, m
            elif verb.object == "addressee":
                addressee, addressee_end = m.entity, m.end
            break
        if addressee is None and target is None and verb.calls_for and subject is None:
            group = self._collective(span.end, quote.end, ("to",))
            if group is not None:
                addressee, addressee_end = group  # "called on all parties to …"
        label_words = self.raw[
            quote.begin
            if (speaker.end <= quote.end and speaker.begin > span.begin)
            or span.begin in self.content_first
            else span.begin : quote.end
        ]
        if len(label_words) > 90:
            label_words = label_words[:88].rsplit(" ", 1)[0] + " …"
        if subject is not None and subject != speaker.entity:
            target = subject
        inner = [
            q
            for q in self.t.quotations
            if quote.begin < q.begin and q.end < quote.end and q.end > q.begin
        ]
        label = None
        if verb.label:
            if inner and len(self.raw[inner[0].begin : inner[0].end].split()) <= 6:
                label = self.raw[inner[0].begin : inner[0].end].strip(" ,.")
            else:
                as_at = self.raw.find(" as ", span.end, quote.end)
                if as_at >= 0:
                    label = self.raw[as_at + 4 : quote.end].strip(" ,.")
        if self._folded(verb, speaker, span, quote, inner, label):
            return
        during = self._setting(span)
        words = self._said(span, quote, before=verb.speaker == "after")
        for m in self.actors(words.begin, words.end):
            if self._reports(m):
                cut = self.raw.rfind(",", words.begin, m.begin)
                if cut > words.begin:
                    words = Span(words.begin, cut)  # "…, Vietnam said": not its words
                break
        about: Proposal | URIRef | None = None
        event = self._about(words, during) or self._possessed_action(words, speaker, target)
        relation = self._relationship(words)
        about = event
        if relation is not None and (event is None or relation[1] < event.quote.begin):
            about = relation[0]  # what the words speak of first
        if (
            target_at is not None
            and isinstance(about, Proposal)
            and about.quote.begin <= target_at.begin < about.quote.end
            and not self.possessive(target_at)
            and self.t.word_before(target_at.begin) in ("a", "an")
        ):
            target = None  # "welcomed a U.S.-ASEAN exercise": the actor names the event
        if about is None:
            about = self._instrument(words)
        calls: Proposal | None = None
        asked = self._asked(verb, span, quote, addressee_end)
        if asked is not None:
            # an appeal or a demand: who is asked to act (its addressee, or the subject of the
            # clause asked for: "demanded that Beijing withdraw") is what it is about; the
            # words asked for are its kg:subjectMatter. No kg:Action is drafted for it.
            agent = addressee or self._clause_actor(asked)
            if target is None and agent is not None and agent != speaker.entity:
                target = agent
        if target is None and about is None:
            named = [
                m
                for m in self.t.mentions
                if m.reading == "actor"
                and words.begin <= m.begin
                and m.end <= words.end
                and m.entity not in (speaker.entity, addressee)
                and not self._reports(m)
            ]
            if named:
                target = named[0].entity  # the actor its words speak of, as facts files do
            else:
                for tk in self.t.tokens[self.t.token_at(words.begin) :]:
                    if tk.begin >= words.end:
                        break
                    state = self.demonyms.get(tk.text)
                    if (
                        state is not None
                        and state not in (speaker.entity, addressee)
                        and self.mention_at(tk.begin, tk.end) is None
                    ):
                        target = state  # "Chinese militia vessels": the state its words name
                        break
        if target is None and about is None:
            target = self._bloc(words, speaker)
        if target is None and about is None:
            about = self._it(words, during)
        if target is None and about is None:
            about = self._referred(words, speaker)
        if target is None and about is None:
            about = self._corefer(words, during)
        if target is None and about is None:
            target = self._whose(words, speaker)
        if target is None and about is None:
            about = self._pointed(words, speaker, during)
        if target is None and about is None:
            opening = self._opening(words, 1)
            group = self._collective(opening[0].begin, words.end) if opening else None
            if group is not None:
                target = group[0]  # "warned that countries outside the region should …"
        if (
            target is None
            and about is None
            and asked is None
            and verb.type == "Labelling"
            and self.t.word_before(words.begin) in ("it", "this", "that", "them")
            and not self._clause(words)
        ):
            # "rejected the statement, calling it “a gross interference”", "Washington welcomed
            # the pact, with its spokesperson calling it …": "it" is what the statement just
            # before, in the same sentence, spoke of
            sentence = self.t.sentence_of(span.begin)
            earlier = [
                p
                for p in self.draft.proposals
                if p.cls == "Statement"
                and sentence.begin <= p.quote.begin
                and p.quote.begin < span.begin
            ]
            spoken = [
                (prop, v)
                for prop, v in (earlier[-1].values if earlier else [])
                if prop in ("kg:target", "kg:about")
            ]
            if not spoken:
                return  # a name for nothing the text has coded: no statement to draft
            if spoken[0][0] == "kg:target":
                target = spoken[0][1]
            else:
                about = spoken[0][1]
        if target is None and about is None and asked is not None:
            # no actor, event or instrument to name: the action asked for, drafted for the
            # statement that needs it (shown with it in review)
            calls = self._requested(verb, speaker, span, quote, addressee, addressee_end)
        in_words: Literal | None = None
        inferred: Proposal | None = None
        if target is None and about is None and calls is None and asked is None:
            in_words = self._in_words(words, speaker)  # named by no rule: its words
            if in_words is None:
                inferred = self._bare_stance(span, quote)
                if inferred is None:
                    return  # nothing it is about: no statement the model accepts
                about = inferred  # "Japan also expressed concern.": the event just told
        kind = verb.type
        if kind == "Labelling" and not label:
            kind = "Criticism"  # no name given: the family's disapproval
        elif kind == "Labelling" and target is None:
            kind = "Characterisation"  # the name is for an action or a claim, not an actor
        values.append(
            ("rdfs:label", Literal(f"{self.t.label(speaker.entity)}: {label_words}", lang="en"))
        )
        values.append(("kg:speaker", speaker.entity))
        values.append(("kg:statementType", KG[kind]))
        values.append(("kg:actKind", KG[verb.act]))
        org = self.holding_in.get(speaker.entity)
        if org is not None and self.t.is_a(org, KG.Organization):
            values.append(("kg:onBehalfOf", org))
            holding = self.holding_of.get(speaker.entity)
            if holding is not None:
                values.append(("kg:speakingAs", holding))
        if addressee is not None:
            values.append(("kg:addressee", addressee))
        if target is not None:
            values.append(("kg:target", target))
        if about is not None:
            values.append(("kg:about", about))
        if calls is not None:
            values.append(("kg:callsFor", calls))
        if asked is not None:
            values.append(("kg:subjectMatter", Literal(self.raw[asked.begin : asked.end])))
        elif in_words is not None:
            values.append(("kg:subjectMatter", in_words))
        when = self.time_in(self._said_when(speaker, span, quote))
        if when is not None:
            values.append(("time:hasTime", when))
        if during is not None:
            values.append(("kg:madeDuring", during))
        for q in inner:
            values.append(("kg:quotation", Literal(self.raw[q.begin : q.end])))
        if label:
            values.append(("kg:label", Literal(label)))
        why = (
            f"“{self.raw[span.begin : span.end]}” → kg:{kind} (CAMEO {verb.cameo}"
            + (f", PLOVER {verb.plover}" if verb.plover else "")
            + f"); speaker “{speaker.text}”"
            + (
                f" ({speaker.kind})"
                if speaker.kind in ("pronoun", "relative", "metonym", "capital")
                else ""
            )
        )
        verb_word = slug_of(self.raw[span.begin : span.end].split()[0])
        statement = self.add(
            Proposal(
                "Statement",
                f"stmt-{self.local(speaker.entity)}-{verb_word}",
                quote,
                f"statement.{verb.cameo}",
                verb.confidence,
                why,
                values,
            )
        )
        if inferred is not None and statement.values is values:
            self._inference(
                statement,
                "kg:about",
                inferred,
                "The statement names nothing it is about; the event told just before it is what "
                "it reacts to, as the drafter reads it.",
            )
        self._infer_setting(statement, speaker)

    def _bare_stance(self, span: Span, quote: Span) -> Proposal | None:
        """ "Japan also expressed concern.", "Vietnam protested.": a stance verb ending its
        sentence says nothing of what it is about; the event drafted last before it (in its
        paragraph or the five before) is what it reacts to (inferred)."""
        if not re.match(r"\s*[.;]", self.raw[span.end : span.end + 3]):
            return None  # words follow the verb: they are what it is about, or nothing is
        begin = span.begin
        for _ in range(6):  # its paragraph and the five before it
            begin = max(self.raw.rfind("\n\n", 0, begin), 0)
        earlier = [
            p
            for p in self.draft.proposals
            if p.cls in EVENTS
            and p.cls != "Action"
            and begin <= p.quote.begin
            and p.quote.end <= span.begin
            and not self.in_title(p.quote.begin)
        ]
        return max(earlier, key=lambda p: p.quote.begin) if earlier else None

    def _folded(
        self,
        verb: Verb,
        speaker: Mention,
        span: Span,
        quote: Span,
        inner: list[Span],
        label: str | None,
    ) -> bool:
        """ "Lin rejected the statement, calling it “…”", "criticized the claim, labeling it as
        …": a name given after a comma by the speaker of the statement just before, in the same
        sentence, is one act with it: the name goes to that statement (its kg:label and
        quotation, its quote extended), as the facts files code it; no second statement."""
        if verb.type != "Labelling" or self.t.word_before(span.begin) != ",":
            return False
        sentence = self.t.sentence_of(span.begin)
        earlier = [
            p
            for p in self.draft.proposals
            if p.cls == "Statement" and sentence.begin <= p.quote.begin < span.begin
        ]
        if not earlier or speaker.entity not in earlier[-1].entities("kg:speaker"):
            return False
        first = earlier[-1]
        first.quote = Span(first.quote.begin, max(first.quote.end, quote.end))
        if label:
            first.values.append(("kg:label", Literal(label)))
        for q in inner:
            first.values.append(("kg:quotation", Literal(self.raw[q.begin : q.end])))
        return True

    def _said_when(self, speaker: Mention, span: Span, quote: Span) -> Span:
        """Where a statement's own time is: between its speaker and its verb ("Vietnam on
        Monday protested"), or after the verb up to the "that" of what is said ("told the
        committee on Tuesday that …"), else just after the verb ("said on Friday")."""
        begin = span.begin
        if speaker.end <= span.begin and span.begin - speaker.end <= 30:
            begin = speaker.end
        end = min(quote.end, span.end + 12)
        that = re.search(r"\bthat\b", self.raw[span.end : min(quote.end, span.end + 80)])
        if that is not None:
            end = max(end, span.end + that.start())
        return Span(begin, end)

    def _said(self, span: Span, quote: Span, before: bool = False) -> Span:
        """Return the words a statement says: after its verb, or before it when the speaker
        follows ("…, according to X")."""
        said_first = self.content_first.get(span.begin)
        if said_first is not None:
            return said_first  # "S, the ministry said in a statement": S
        first = [q for q in self.t.quotations if quote.begin <= q.begin and q.end <= span.begin]
        if first:
            return self.trim(first[0].begin, first[-1].end)  # "“…,” she said": the quotation
        ahead = self.trim(quote.begin, span.begin)
        if before and len(self.raw[ahead.begin : ahead.end].split()) >= 2:
            return ahead  # "S, according to two officials": S, not the officials
        after = self.trim(span.end, quote.end)
        told = re.match(
            r"(?:in an? (?:interview|statement|speech)(?: with [^,]{1,40}?)?(?: on \w+)?(?:,? that)"
            r"|reporters|journalists|the press|the media|a (?:regular |news )?(?:briefing|"
            r"press conference)|the (?:[A-Z][\w-]* )*(?:committee|Committee|Senate|House|"
            r"parliament|Parliament|assembly|Assembly))(?: in [A-Z][\w-]*)?(?: on \w+)?"
            r"(?:,? that)?\s+",
            self.raw[after.begin : after.end],
        )
        if told and after.begin + told.end() < after.end:
            after = Span(after.begin + told.end(), after.end)  # "told reporters (that) S": S
        lead = re.match(r"that\s+", self.raw[after.begin : after.end])
        if (
            lead is not None
            and after.begin + lead.end() < after.end
            and self._clause(Span(after.begin + lead.end(), after.end))
        ):
            after = Span(after.begin + lead.end(), after.end)  # "said in a statement that S"
        # "told reporters at a briefing in Manila on Tuesday that S", "said after the meeting
        # that S": a setting before "that" (no verb in it), then what is said
        setting = re.match(r"[^“”\"—;]{1,100}?\bthat\s+", self.raw[after.begin : after.end])
        opening = self.t.after(after.begin, 1)
        if (
            setting is not None
            and after.begin + setting.end() < after.end
            and opening
            and (
                opening[0].lower in PREPOSITIONS
                or self.raw[span.begin : span.end].split()[0].lower() in ("told", "tells", "tell")
            )
            and not any(
                tk.begin < after.begin + setting.end() - 5
                and self.t.tags
                and (self.t.tags[tk.i].pos.startswith("VB") or self.t.tags[tk.i].pos == "MD")
                for tk in self.t.after(after.begin, 20)
            )
        ):
            after = Span(after.begin + setting.end(), after.end)
        if len(self.raw[after.begin : after.end].split()) >= 2:
            return after
        return self.trim(quote.begin, span.begin)

    def _about(self, words: Span, during: Proposal | None) -> Proposal | None:
        """Return the event or claim drafted in a statement's words (it is kg:about it), or the
        event its words refer back to ("welcomed the talks": the talks drafted before)."""
        found: list[tuple[int, Proposal]] = [
            (p.quote.begin, p)
            for p in self.draft.proposals
            if p.cls in ABOUT and p is not during and words.begin <= p.quote.begin < words.end
        ]
        for span, cls in getattr(self, "triggers", []):
            if words.begin <= span.begin < words.end and self._anaphoric(span, cls):
                earlier = [e for e in self.events if e.cls == cls and e.quote.begin < span.begin]
                if not earlier and self._episode(span):
                    earlier = [e for e in self.events if e.quote.begin < span.begin]
                if earlier and earlier[-1] is not during:
                    found.append((span.begin, earlier[-1]))
        return min(found, key=lambda x: x[0])[1] if found else None

    def _relationship(self, words: Span) -> tuple[URIRef, int] | None:
        """Return the registry's relationship a statement's words speak of ("U.S.-China
        relations", "relations between X and Y"): the one whose parties are the actors named
        beside a relationship noun (relations.toml)."""
        rules = self.rules.relations.get("relationship", {})
        nouns, links = set(rules.get("nouns", [])), set(rules.get("links", []))
        known: dict[frozenset[URIRef], URIRef] = {}
        for r in self.entities.subjects(RDF.type, KG.Relationship):
            parties = frozenset(
                p for p in self.entities.objects(r, KG.party) if isinstance(p, URIRef)
            )
            if isinstance(r, URIRef) and len(parties) >= 2:
                known.setdefault(parties, r)
        if not known:
            return None
        for m in self.t.mentions:
            if words.begin <= m.begin < words.end and self.t.is_a(m.entity, KG.Relationship):
                return m.entity, m.begin  # named as the registry names it
        for tk in self.t.tokens:
            if not (words.begin <= tk.begin < words.end) or tk.lower not in nouns:
                continue
            before = self.t.before(tk.begin, 4)
            begin = before[0].begin if before else tk.begin
            end = tk.end
            after = self.t.after(tk.end, 1)
            if after and after[0].lower in links:
                tail = self.t.after(tk.end, 7)
                end = tail[-1].end if tail else end
            parties = frozenset(
                m.entity
                for m in self.t.mentions
                if m.reading == "actor" and begin <= m.begin and m.end <= end
            )
            if parties in known:
                return known[parties], begin
        return None

    def _possessed_action(
        self, words: Span, speaker: Mention, target: URIRef | None
    ) -> Proposal | None:
        """ "China's actions in the region", "its military presence": an actor's action a
        statement's words name, drafted as a kg:Action of that actor (relations.toml)."""
        rules = self.rules.relations.get("action", {})
        nouns, gap = set(rules.get("nouns", [])), int(rules.get("gap", 3))
        for tk in self.t.tokens:
            if not (words.begin <= tk.begin < words.end) or tk.lower not in nouns:
                continue
            owner: URIRef | None = None
            begin = tk.begin
            for back in reversed(self.t.before(tk.begin, gap + 2)):
                if back.lower == "'s":
                    m = self.mention_at(back.begin - 1, back.begin)
                    if m is not None:
                        owner, begin = m.entity, m.begin
                    break
                if back.lower in ("its", "their"):
                    owner, begin = self._possessor(back, speaker, target), back.begin
                    break
                if back.lower in self.rules.determiners or (
                    back.text.isalpha() and back.lower in NOUN_MARKERS
                ):
                    break
            if owner is None or begin < words.begin:
                continue
            quote = Span(begin, tk.end)
            noun = self.raw[quote.begin : quote.end]
            return self.add(
                Proposal(
                    "Action",
                    f"action-{self.local(owner)}-{slug_of(tk.text)}",
                    quote,
                    "action.possessive",
                    float(rules.get("confidence", 0.6)),
                    f"“{noun}”: an action of {self.t.label(owner)} the statement speaks of",
                    [
                        ("rdfs:label", Literal(noun, lang="en")),
                        ("kg:status", KG.Ongoing),
                    ],
                    [(owner, "agent")],
                )
            )
        return None

    def _possessor(self, pronoun: Token, speaker: Mention, target: URIRef | None) -> URIRef | None:
        """Resolve "its" / "their" before an action noun: a group speaker owns "their"; else
        the actor named last before it in its sentence."""
        if pronoun.lower == "their" and self.t.is_a(speaker.entity, KG.Group):
            return speaker.entity
        sentence = self.t.sentence_of(pronoun.begin)
        before = [
            m for m in self.actors(sentence.begin, pronoun.begin) if m.entity != speaker.entity
        ]
        return before[-1].entity if before else target

    def _asked(self, verb: Verb, span: Span, quote: Span, addressee_end: int) -> Span | None:
        """The words an appeal, a demand or an offer asks for: after its addressee and a
        leading "to", "that", "for", "whether" or "if"; None for other verbs or fewer than two
        words."""
        if not verb.calls_for:
            return None
        rest = self.raw[addressee_end : quote.end]
        lead = re.match(r"\s*(?:to\s+|that\s+|for\s+|whether\s+|if\s+)?", rest)
        words = self.trim(addressee_end + (lead.end() if lead else 0), quote.end)
        if len(self.raw[words.begin : words.end].split()) < 2:
            return None
        return words

    def _clause_actor(self, words: Span) -> URIRef | None:
        """The actor a clause opens with, as its subject ("Beijing withdraw …", "the United
        States would escort …"): a name (a metonym, a capital) right at its start and followed
        by a verb or a modal."""
        toks = self.t.after(words.begin, 2)
        start = toks[1].begin if toks and toks[0].lower == "the" and len(toks) > 1 else words.begin
        m = next(
            (
                m
                for m in self.t.mentions
                if m.reading == "actor" and m.begin == start and m.end <= words.end
            ),
            None,
        )
        if m is None or self.possessive(m):
            return None
        nxt = self.t.after(m.end, 1)
        if not nxt:
            return None
        pos = self.t.tags[nxt[0].i].pos if self.t.tags else ""
        if pos.startswith("VB") or pos == "MD" or nxt[0].lower == "to":
            return m.entity
        return None

    def _tells(self, verb: Verb, span: Span) -> bool:
        """Whether a verb takes whom it is said to right after it ("told Vietnam", "urged
        Manila", "assured Japan"): every family but plain saying, where only tell does."""
        if verb.type != "Assessment":
            return True
        return self.raw[span.begin : span.end].split()[0].lower() in (
            "tell", "tells", "told", "telling", "inform", "informs", "informed", "brief",
            "briefed", "briefs", "remind", "reminds", "reminded",
        )  # fmt: skip

    def _infinitive(self, pos: int) -> bool:
        """Whether "to" and a verb follow `pos` ("offered to train …")."""
        toks = self.t.after(pos, 2)
        if len(toks) < 2 or toks[0].lower != "to" or not self.t.tags:
            return False
        word, pos_tag = toks[1], self.t.tags[toks[1].i].pos
        # the tagger reads some bare verbs as nouns ("to train"); a name, a determiner or a
        # plural after "to" is its object ("to Vietnam", "to the embassy", "to ships")
        return pos_tag in ("VB", "VBP") or (
            pos_tag == "NN" and word.text.isalpha() and word.text.islower()
        )

    def _instrument(self, words: Span) -> URIRef | None:
        """The registry's instrument a statement's words name ("a Code of Conduct"), or refer
        back to by its head noun after the text has named it ("the code must be effective",
        "a code that does not reference …")."""
        named = [
            m
            for m in self.t.mentions
            if m.begin < words.end and self.t.is_a(m.entity, KG.Instrument)
        ]
        for m in named:
            if words.begin <= m.begin:
                return m.entity
        earlier = [m for m in named if m.end <= words.begin]
        if not earlier:
            return None
        heads: dict[str, URIRef] = {}
        for m in earlier:
            # the head noun: "Code of Conduct" → code, "Convention on the Law of the Sea" →
            # convention, "Treaty of Amity and Cooperation" → treaty
            label = re.split(r" (?:of|on|for|between|in) ", self.t.label(m.entity))[0].split()
            if label:
                heads[label[-1].casefold()] = m.entity
        toks = self._opening(words, 4)
        if not toks or toks[0].lower not in ("the", "a", "an", "this", "that", "such"):
            return None
        for tk in toks[1:]:
            if tk.lower in heads:
                return heads[tk.lower]
            pos = self.t.tags[tk.i].pos if self.t.tags else ""
            if not pos.startswith("JJ"):
                break
        return None

    def _collective(
        self, begin: int, end: int, follow: tuple[str, ...] = ()
    ) -> tuple[URIRef, int] | None:
        """An unnamed collective of actors right at `begin` ("all parties", "claimant states",
        "countries outside the region", relations.toml's [collective]), followed by one of
        `follow` or else by a modal or a verb: proposed as a kg:Group; its IRI and end."""
        rules = self.rules.relations.get("collective", {})
        nouns, after = rules.get("nouns", []), rules.get("after", [])
        if not nouns:
            return None
        m = re.compile(
            r"\s*(?:(?:on|upon)\s+)?((?:[a-z][a-z-]*\s+){0,2}?(?:"
            + "|".join(re.escape(n) for n in nouns)
            + r")(?:\s+(?:"
            + "|".join(re.escape(a) for a in after)
            + r"))?)(?!\w)"
        ).match(self.raw, begin, end)
        if m is None or self.t.quoted(m.start(1)):
            return None
        first = m.group(1).split()[0]
        if first in ("the", "a", "an") and len(m.group(1).split()) == 2:
            return None  # "the parties", "the states": the ones named before, not a new group
        nxt = self.t.after(m.end(1), 1)
        if not nxt or not self.t.tags:
            return None
        pos = self.t.tags[nxt[0].i].pos
        if nxt[0].lower not in follow and not (
            not follow and (pos == "MD" or pos in ("VBD", "VBP", "VBZ"))
        ):
            return None
        label = m.group(1)
        iri = self.new_entity(
            slug_of(label),
            "kg:Group",
            label,
            Span(m.start(1), m.end(1)),
            "an unnamed collective a statement is addressed to or speaks of",
        )
        return iri, m.end(1)

    def _opening(self, words: Span, n: int) -> list[Token]:
        """The first `n` tokens of what a statement says, after a quotation mark and a
        complementizer "that" ("stressed that the code …")."""
        toks = self.t.after(words.begin, n + 2)
        while toks and (toks[0].text in ('"', "“", "‘", "'") or toks[0].text == "that"):
            toks = toks[1:]
        return toks[:n]

    def _corefer(self, words: Span, during: Proposal | None) -> Proposal | None:
        """The event drafted before a statement that the noun phrase its words open with
        repeats ("the chair's statement is a signal" after an event quoted as "the chair's
        statement of a summit"): every word of the phrase, in order, in that event's quote."""
        toks = self._opening(words, 8)
        if not toks or toks[0].lower not in self.rules.determiners or not self.t.tags:
            return None
        phrase: list[str] = []
        for tk in toks[1:]:
            pos = self.t.tags[tk.i].pos
            if tk.lower == "'s" or pos.startswith(("NN", "JJ")) or pos in ("POS", "VBG", "VBN"):
                phrase.append(tk.lower)
                continue
            break
        while phrase and not self.t.tags[toks[len(phrase)].i].pos.startswith("NN"):
            phrase.pop()  # "the closing session was": the phrase ends on its noun
        if not phrase:
            return None  # no noun phrase
        pattern = r"(?<!\w)" + r"\s*".join(re.escape(w) for w in phrase) + r"(?!\w)"
        earlier = [
            p
            for p in self.draft.proposals
            if p.cls in EVENTS
            and p.rule != "action.requested"
            and p is not during
            and p.quote.end <= words.begin
            and re.search(pattern, self.t.norm[p.quote.begin : p.quote.end].lower())
        ]
        return max(earlier, key=lambda p: p.quote.begin) if earlier else None

    def _requested(
        self,
        verb: Verb,
        speaker: Mention,
        span: Span,
        quote: Span,
        addressee: URIRef | None,
        addressee_end: int,
    ) -> Proposal | None:
        """An appeal or a proposal whose content names no actor, event or instrument: the action
        it asks for, of status kg:Requested, whose agent is the addressee (or unstated)."""
        asked = self._asked(verb, span, quote, addressee_end)
        if asked is None:
            return None
        words = asked
        label = self.raw[words.begin : words.end]
        named = [m for m in self.actors(span.end, addressee_end) if m.entity == addressee]
        if addressee is not None and named:
            label = f"{self.t.label(addressee)} {label}"
            words = Span(named[0].begin, words.end)  # "ASEAN to expedite the code"
        if len(label) > 90:
            label = label[:88].rsplit(" ", 1)[0] + " …"
        values: list[tuple[str, Any]] = [
            ("rdfs:label", Literal(label, lang="en")),
        ]
        parts: list[tuple[URIRef, str]] = []
        if addressee is not None:
            parts.append((addressee, "agent"))
        else:
            values.append(("kg:unstatedRole", ENT["role-agent"]))
        values.append(("kg:status", KG.Requested))
        verb_word = slug_of(self.raw[span.begin : span.end].split()[0])
        return self.add(
            Proposal(
                "Action",
                f"action-{self.local(speaker.entity)}-{verb_word}",
                words,
                "action.requested",
                verb.confidence * 0.9,
                f"what “{self.raw[span.begin : span.end]}” asks for: the words after "
                + ("its addressee" if addressee is not None else "the verb")
                + "; it names no actor, event or instrument the statement could be about",
                values,
                parts,
            )
        )

    def _referred(self, words: Span, speaker: Mention) -> Proposal | None:
        """ "denied the reports", "rejected the protest", "dismissed the ruling": words that
        begin with a definite noun for something said or done refer to the last statement (by
        someone else) or event drafted before them (referring nouns in relations.toml)."""
        nouns = self.rules.relations.get("referring_nouns", {})
        toks = self._opening(words, 5)
        if len(toks) < 2 or toks[0].lower not in ("the", "this", "that", "these", "those"):
            return None
        rest = "".join(t.text for t in toks[1:4]).lower()
        if rest.startswith("so-called"):  # "the so-called harassment": the noun after it
            toks = [toks[0]] + [t for t in toks[1:] if t.end > toks[1].begin + len("so-called")]
            if len(toks) < 2:
                return None
        kind = nouns.get(toks[1].lower)
        if kind is None:
            return None
        earlier = [
            p
            for p in self.draft.proposals
            if p.quote.end <= words.begin
            and (
                (
                    kind == "statement"
                    and p.cls == "Statement"
                    and speaker.entity not in p.entities("kg:speaker")
                )
                or (kind == "event" and p.cls in EVENTS and p.cls != "Action")
            )
        ]
        return max(earlier, key=lambda p: p.quote.begin) if earlier else None

    def _it(self, words: Span, during: Proposal | None) -> Proposal | None:
        """ "… plan to hold an exercise. Carter said it would “send a clear message”": "it" as
        the subject of what is said is the event drafted last before it, in its sentence or the
        one before (not the talk the statement was made in)."""
        toks = self.t.after(words.begin, 2)
        if len(toks) < 2 or toks[0].lower != "it" or not self.t.tags:
            return None
        if self.t.tags[toks[1].i].pos not in ("MD", "VBD", "VBZ"):
            return None
        sentence = self.t.sentence_of(words.begin)
        previous = self._previous_sentence(sentence)
        begin = previous.begin if previous is not None else sentence.begin
        earlier = [
            p
            for p in self.draft.proposals
            if p.cls in EVENTS
            and p is not during
            and begin <= p.quote.begin
            and p.quote.end <= words.begin
        ]
        return max(earlier, key=lambda p: p.quote.begin) if earlier else None

    def _whose(self, words: Span, speaker: Mention) -> URIRef | None:
        """ "the vessels were sheltering …" after "Chinese maritime militia vessels have
        anchored …": a definite noun phrase opening what is said repeats a noun that the text
        gave a state's demonym to (within three words before it, in the sentence or the three
        before): that state is what the statement speaks of."""
        toks = self._opening(words, 6)
        if len(toks) < 2 or toks[0].lower not in ("the", "these", "those") or not self.t.tags:
            return None
        nouns: list[str] = []
        for tk in toks[1:]:
            pos = self.t.tags[tk.i].pos
            if not (pos.startswith(("NN", "JJ")) and tk.text.isalpha() and tk.text.islower()):
                break
            nouns.append(tk.lower)
        if not nouns:
            return None
        begin = self.t.sentence_of(words.begin)
        for _ in range(3):
            previous = self._previous_sentence(begin)
            if previous is None:
                break
            begin = previous
        found: URIRef | None = None
        first = self.t.token_at(begin.begin)
        for tk in self.t.tokens[first:]:
            if tk.begin >= words.begin:
                break
            if tk.lower not in nouns or self.t.quoted(tk.begin):
                continue
            for back in self.t.before(tk.begin, 3):
                state = self.demonyms.get(back.text)
                if state is not None and state != speaker.entity:
                    found = state  # the last one named before the words
        return found

    def _pointed(self, words: Span, speaker: Mention, during: Proposal | None) -> Proposal | None:
        """ "“That is a decision for the president,” he said" after a question; "“They are
        testing us,” she said" after ships blocked a convoy: "that"/"this" (a demonstrative
        subject) is the last statement by someone else or event, "they" the last event (not
        when the speaker is itself a group: "they" is then the speaker), drafted in the
        sentence or the two before it; none is a placeholder or the talk it was made in."""
        toks = self._opening(words, 2)
        if len(toks) < 2 or not self.t.tags:
            return None
        word = toks[0].lower
        if word not in ("that", "this", "they") or toks[0].text != toks[0].text.capitalize():
            return None  # only the clause's first word, as written ("That is …", "They are …")
        if self.t.tags[toks[1].i].pos not in ("MD", "VBD", "VBZ", "VBP"):
            return None
        if word == "they" and self.t.is_a(speaker.entity, KG.Group):
            return None
        begin = self.t.sentence_of(words.begin)
        for _ in range(2):
            previous = self._previous_sentence(begin)
            if previous is None:
                break
            begin = previous
        earlier = [
            p
            for p in self.draft.proposals
            if p.rule != "action.requested"
            and p is not during
            and begin.begin <= p.quote.begin
            and p.quote.end <= words.begin
            and (
                p.cls in EVENTS
                or (
                    word != "they"
                    and p.cls == "Statement"
                    and speaker.entity not in p.entities("kg:speaker")
                )
            )
        ]
        return max(earlier, key=lambda p: p.quote.begin) if earlier else None

    def _bloc(self, words: Span, speaker: Mention) -> URIRef | None:
        """ "the bloc hoped to conclude the code": "the bloc" (grouping, organisation) in a
        statement's words is the international organisation named last before them."""
        if not re.search(
            r"\b[Tt]he (?:bloc|grouping|organi[sz]ation)\b", self.raw[words.begin : words.end]
        ):
            return None
        before = [
            m
            for m in self.t.mentions
            if m.reading == "actor"
            and m.end <= words.begin
            and m.entity != speaker.entity
            and self.t.is_a(m.entity, KG.InternationalOrganization)
        ]
        return max(before, key=lambda m: m.begin).entity if before else None

    def _clause_subject(self, m: Mention) -> bool:
        """Whether a name right after a speech verb begins the clause said ("said China would
        act", "told Japan had agreed"): the next word is a modal or a finite verb."""
        nxt = self.t.after(m.end, 1)
        if not self.t.tags or not nxt:
            return False
        return self.t.tags[nxt[0].i].pos in ("MD", "VBD", "VBZ", "VBP")

    def _clause(self, words: Span) -> bool:
        """Whether words say something (a verb among them: "the talks will resume") rather than
        name it ("calling it “a gross interference”"): a bare noun phrase with no actor, event
        or claim in it is no statement the analyst can code, so none is drafted. Without a
        parse, any words count."""
        if not self.t.tags:
            return True
        for tk in self.t.tokens[self.t.token_at(words.begin) :]:
            if tk.begin >= words.end:
                break
            pos = self.t.tags[tk.i].pos
            if pos.startswith("VB") or pos == "MD":
                return True
        return False

    def _in_words(self, words: Span, speaker: Mention) -> Literal | None:
        """The last resort of rule 1: what a statement is about in its own words (its
        kg:subjectMatter, the exact characters, trimmed), when they name no actor, fact,
        instrument or relationship; none for fewer than two words, or for words that hold
        the speaker's name ("Mei Tanaka called for restraint": no words said after the verb)."""
        begin = words.begin
        while begin < words.end and (self.raw[begin].isspace() or self.raw[begin] in ",;:—–"):
            begin += 1  # ", the catch is half what it was": the words, not the comma before
        words = self.trim(begin, words.end)
        text = self.raw[words.begin : words.end]
        if len(text.split()) < 2:
            return None
        if speaker.begin < words.end and words.begin < speaker.end:
            return None
        times = getattr(self, "time_matches", [])
        if any(t.begin <= words.begin and words.end <= t.end for t, _ in times):
            return None  # "issued a statement on Friday": a time, nothing said
        return Literal(text)

    def _infer_setting(self, statement: Proposal, speaker: Mention) -> None:
        """Infer (model rule 7) the talk a statement was made in, when its speaker took part in
        a conversation, meeting or address just before it, and its addressee, when that event
        had one other party; each inferred triple gets a kg:Inference record."""
        props = {p for p, _ in statement.values}
        during = next((v for p, v in statement.values if p == "kg:madeDuring"), None)
        if during is None:
            sentence = self.t.sentence_of(statement.quote.begin)
            previous = self._previous_sentence(sentence)
            begin = sentence.begin
            if previous is not None and speaker.kind == "pronoun":
                begin = previous.begin  # "He urged …": the narrative of the sentence before
            settings = [
                e
                for e in getattr(self, "events", [])
                if e.cls in SETTINGS
                and begin <= e.quote.begin
                and e.quote.end <= statement.quote.begin
                and ("kg:status", KG.Past) in e.values
                and any(entity == speaker.entity for entity, _ in e.participations)
            ]
            if not settings:
                return
            during = settings[-1]
            statement.values.append(("kg:madeDuring", during))
            self._inference(
                statement,
                "kg:madeDuring",
                during,
                "The speaker took part in this talk just before the statement; the text does "
                "not say the statement was made in it.",
            )
        if (
            "kg:addressee" in props
            or not isinstance(during, Proposal)
            or during.cls not in ("Conversation", "Meeting")
        ):
            return
        others = {entity for entity, _ in during.participations if entity != speaker.entity}
        if len(others) == 1:
            other = others.pop()
            statement.values.append(("kg:addressee", other))
            self._inference(
                statement,
                "kg:addressee",
                other,
                "The statement is made in a talk with one other party; the text does not say "
                "to whom it is addressed.",
            )

    def _inference(self, fact: Proposal, prop: str, value: URIRef | Proposal, why: str) -> None:
        """Record a triple the drafter infers, not reads (model rule 7), as a kg:Inference."""
        self.add(
            Proposal(
                "Inference",
                f"inferred-{fact.base.removeprefix('stmt-')}-{prop.split(':')[-1].lower()}",
                fact.quote,
                "inference",
                fact.confidence,
                why,
                [
                    ("rdf:subject", fact),
                    ("rdf:predicate", KG[prop.split(":")[-1]]),
                    ("rdf:object", value),
                    ("rdfs:comment", Literal(why, lang="en")),
                ],
            )
        )


MAX_CHARS = 60_000  # about 10,000 words: a long feature; a longer text is drafted in parts


def draft_text(text: str, entities: Graph, ontology: Graph, rules: Rules | None = None) -> Draft:
    """Run the default drafter over a text with a registry; return its proposals.

    A text longer than MAX_CHARS raises InputError (the rules' cost grows faster than the
    text's length, so the size is bounded rather than left to run for minutes)."""
    if len(text) > MAX_CHARS:
        raise InputError(
            f"the text has {len(text):,} characters; kg draft reads at most {MAX_CHARS:,} "
            "(split it into several sources)"
        )
    from kg.draft import names

    rules = rules or rules_mod.load()
    found = names.find(text, entities)
    gazetteer = [
        NewEntity(f.local, f.cls, f.label, Span(f.begin, f.end), f.why) for f in found if f.new
    ]
    entities = names.extend(entities, found)
    bodies = {f.local for f in found if f.new and f.why.startswith("a government body")}
    first = Drafter(text, entities, ontology, rules)
    first.named_bodies = bodies
    proposed = gazetteer + [
        e for e in _new_names(first) if e.local not in {g.local for g in gazetteer}
    ]
    if proposed:
        extended = Graph()
        extended += entities
        for e in proposed:
            extended.add((ENT[e.local], RDF.type, KG[e.cls.removeprefix("kg:")]))
            extended.add((ENT[e.local], RDFS.label, Literal(e.label, lang="en")))
        drafter = Drafter(text, extended, ontology, rules)
        drafter.entities = extended
        drafter.named_bodies = bodies
        draft = drafter.run()
        known = {e.local for e in draft.new_entities}
        draft.new_entities = [e for e in proposed if e.local not in known] + draft.new_entities
        draft.new_entities.sort(key=lambda e: (e.span.begin, e.local))
        return _unique_labels(draft)
    return _unique_labels(first.run())


def _unique_labels(draft: Draft) -> Draft:
    """Give two proposals with one label distinct labels (kg check refuses two facts with one
    name): the later one gets the first words of its quote, or a number."""
    seen: set[str] = set()
    for p in draft.proposals:
        for i, (prop, value) in enumerate(p.values):
            if prop != "rdfs:label":
                continue
            label = str(value)
            if label in seen:
                words = " ".join(draft.text.text[p.quote.begin : p.quote.end].split()[:8])
                label = f"{label} ({words})"
                n = 2
                while label in seen:
                    label = f"{value!s} ({words}, {n})"
                    n += 1
                p.values[i] = (prop, Literal(label, lang="en"))
            seen.add(label)
    return draft


def _new_names(d: Drafter) -> list[NewEntity]:
    """Find names the registry lacks in a role or speaker position: proposed persons and bodies."""
    heads = {h.split()[-1] for h in d.rules.roles["heads"]}
    bodies = d.rules.relations.get("new_entities", {})
    found: dict[str, NewEntity] = {}
    toks = d.t.tokens
    known = [(m.begin, m.end) for m in d.t.mentions]

    def unknown(begin: int, end: int) -> bool:
        return not any(b < end and begin < e for b, e in known)

    for i, tk in enumerate(toks):
        if tk.lower not in heads or d.t.quoted(tk.begin) or d.in_title(tk.begin):
            continue
        j = i + 1
        while (
            j < len(toks) and j - i <= 3 and toks[j].text.isalpha() and toks[j].text[:1].isupper()
        ):
            j += 1
        if j - i >= 3 and unknown(toks[i + 1].begin, toks[j - 1].end):
            name = d.raw[toks[i + 1].begin : toks[j - 1].end]
            span = Span(toks[i + 1].begin, toks[j - 1].end)
            found.setdefault(
                slug_of(name),
                NewEntity(
                    slug_of(name),
                    "kg:Person",
                    name,
                    span,
                    "a name after a title, not in the registry",
                ),
            )
    speech = [s for s, _ in d._verb_matches()]
    for noun, cls in sorted(bodies.items()):
        for m in re.finditer(
            r"(?<!\w)(?:[Tt]he |[Aa]n? )?((?:"
            + "|".join(
                re.escape(x) for x in sorted(d.rules.roles["demonyms"], key=len, reverse=True)
            )
            + r") "
            + re.escape(noun)
            + r")(?!\w)",
            d.raw,
        ):
            span = Span(m.start(1), m.end(1))
            if (
                not unknown(span.begin, span.end)
                or d.t.quoted(span.begin)
                or d.in_title(span.begin)
            ):
                continue
            near = [s for s in speech if 0 <= s.begin - span.end <= 12]
            if not near:
                continue
            label = m.group(1)
            found.setdefault(
                slug_of(label),
                NewEntity(
                    slug_of(label),
                    cls,
                    label,
                    span,
                    "a body named by a demonym, speaking, not in the registry",
                ),
            )
    heads = d.rules.relations.get("speaking_bodies", {}).get("heads", [])
    if heads:
        name = (
            r"((?:[A-Z][\w'’-]* +(?:(?:of|for|and|on) +(?:the +)?)?){1,5}(?:"
            + "|".join(re.escape(h) for h in heads)
            + r"))(?![\w'’])"
        )
        for m in re.finditer(
            r"(?<![\w'’])(?:[Tt]he\s+|[Aa]ccording\s+to\s+(?:the\s+)?)?" + name, d.raw
        ):
            span = Span(m.start(1), m.end(1))
            if (
                not unknown(span.begin, span.end)
                or d.t.quoted(span.begin)
                or d.in_title(span.begin)
                or m.group(1).split()[0] in ("The", "A", "An", "According")
            ):
                continue
            lead = re.search(
                r"according to (?:the )?$", d.raw[max(0, span.begin - 20) : span.begin]
            )
            near = [s for s in speech if 0 <= s.begin - span.end <= 12]
            if lead is None and not near:
                continue
            label = m.group(1)
            found.setdefault(
                slug_of(label),
                NewEntity(
                    slug_of(label),
                    "kg:Organization",
                    label,
                    span,
                    "an organisation's name that speaks (according to …, … said), not in the "
                    "registry",
                ),
            )
    return sorted(found.values(), key=lambda e: (e.span.begin, e.local))
