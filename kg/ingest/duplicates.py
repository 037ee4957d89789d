"""Duplicate articles: the same text (white space aside), or the same story told again.

Exact duplicates compare the SHA-256 of the text with every run of white space made one space.
Near-duplicates (a wire story syndicated under another headline, a paragraph trimmed) compare
sets of word 5-grams ("shingles"), exactly: an inverted index from each shingle to the texts
holding it gives, for a new text, the shingles it shares with every other text in one pass over
its own shingles and their postings, so the cost grows with the corpus, not with its square.
Two texts are one story when they share at least half of their shingles (Jaccard) or when
four fifths of the shorter one's shingles are in the longer (a trimmed copy).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.ingest.article import normalised

SHINGLE = 5
JACCARD = 0.5
CONTAINED = 0.8
_WORD = re.compile(r"\w+")


def text_key(text: str) -> str:
    """The SHA-256 of the text with white space normalised: equal keys, equal texts."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """The text's word 5-grams (lower-cased words), each as a hash (kept in memory only)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words += [""] * (SHINGLE - len(words))
    return {hash(" ".join(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Overlap:
    """A near-duplicate: the other text, and how much of the two is shared."""

    other: str
    shared: int
    jaccard: float
    contained: float

    def words(self) -> str:
        """The overlap in words: `87% of the shorter text's 5-word shingles (Jaccard 0.79)`."""
        return (
            f"{self.contained:.0%} of the shorter text's 5-word shingles shared "
            f"(Jaccard {self.jaccard:.2f})"
        )


@dataclass
class Index:
    """The texts seen so far: their exact keys and their shingles, indexed."""

    keys: dict[str, str] = field(default_factory=dict)  # text key -> name
    sizes: dict[str, int] = field(default_factory=dict)
    postings: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, text: str, grams: set[int] | None = None) -> None:
        """Add a text under a name."""
        self.keys.setdefault(text_key(text), name)
        grams = shingles(text) if grams is None else grams
        self.sizes[name] = len(grams)
        for gram in grams:
            self.postings[gram].append(name)

    def same(self, text: str) -> str | None:
        """The name of a text equal to this one (white space aside), if any."""
        return self.keys.get(text_key(text))

    def near(self, grams: set[int]) -> list[Overlap]:
        """The texts that tell the same story, most alike first."""
        counts: Counter[str] = Counter()
        for gram in grams:
            counts.update(self.postings.get(gram, ()))
        found = []
        for other, shared in counts.items():
            union = len(grams) + self.sizes[other] - shared
            jaccard = shared / union if union else 1.0
            contained = shared / max(1, min(len(grams), self.sizes[other]))
            if jaccard >= JACCARD or contained >= CONTAINED:
                found.append(Overlap(other, shared, jaccard, contained))
        return sorted(found, key=lambda o: (-o.jaccard, o.other))


def stories(names: list[str], pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Group names into stories: the connected groups of near-duplicate pairs (2+ names)."""
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in pairs:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in parent:
        groups[root(n)].append(n)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)
