"""Duplicate articles: the same text (white space aside), or the same story told again.

Exact duplicates compare the SHA-256 of the text with every run of white space made one space.
Near-duplicates (a wire story syndicated under another headline, a paragraph trimmed) compare
sets of word 5-grams ("shingles"), exactly. The sources already registered are indexed once
per run as one sorted array of (shingle, source) pairs (numpy); the articles of the run are
added to a small inverted index as they are read. For a new text, the shingles it shares with
every other text come from one binary search per shingle and a count: the cost grows with the
corpus, never with its square. Two texts are one story when they share at least half of their
shingles (Jaccard), or when four fifths of the shorter one's shingles are in the longer (a
trimmed copy).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.ingest.article import normalised

SHINGLE = 5
JACCARD = 0.5
CONTAINED = 0.8
# A word: a run of letters and digits; in the scripts written without spaces (Chinese, Japanese
# kana, Korean syllables), each character.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = re.compile(f"[^\\W{_UNSPACED}]+|[{_UNSPACED}]")
_MULTIPLIER = 0x9E3779B97F4A7C15  # mixes the words' hashes into the shingle's (mod 2**64)


def text_key(text: str) -> str:
    """The SHA-256 of the text with white space normalised: equal keys, equal texts."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> Any:
    """The text's word 5-grams (lower-cased words; characters in Chinese, Japanese and Korean),
    each as a 64-bit hash kept in memory only: a sorted numpy array without repeats."""
    import numpy as np

    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words += [""] * (SHINGLE - len(words))
    ids = np.array(list(map(hash, words)), dtype=np.int64).view(np.uint64)
    count = len(words) - SHINGLE + 1
    grams = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            grams = grams * np.uint64(_MULTIPLIER) + ids[k : k + count]
    return np.unique(grams)


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
    """The texts seen so far: their exact keys, and their shingles indexed."""

    keys: dict[str, str] = field(default_factory=dict)  # text key -> name
    names: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    _sorted: Any = None  # (shingles, text numbers), sorted by shingle
    _pending: list[Any] = field(default_factory=list)  # shingle arrays not yet in _sorted
    _postings: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, text: str, grams: Any = None, *, bulk: bool = False) -> None:
        """Add a text under a name (`bulk`: many at once, sorted in by `freeze`)."""
        self.keys.setdefault(text_key(text), name)
        grams = shingles(text) if grams is None else grams
        number = len(self.names)
        self.names.append(name)
        self.sizes.append(len(grams))
        if bulk:
            self._pending.append(grams)
        else:
            for gram in grams.tolist():
                self._postings[gram].append(number)

    def freeze(self) -> None:
        """Sort the texts added in bulk into the array searched by `near`."""
        import numpy as np

        if not self._pending:
            return
        first = len(self.names) - len(self._pending)
        grams = list(self._pending)
        numbers = [np.full(len(g), first + i, dtype=np.int64) for i, g in enumerate(grams)]
        if self._sorted is not None:
            grams.insert(0, self._sorted[0])
            numbers.insert(0, self._sorted[1])
        keys, docs = np.concatenate(grams), np.concatenate(numbers)
        order = np.argsort(keys, kind="stable")
        self._sorted = (keys[order], docs[order])
        self._pending = []

    def same(self, text: str) -> str | None:
        """The name of a text equal to this one (white space aside), if any."""
        return self.keys.get(text_key(text))

    def near(self, grams: Any) -> list[Overlap]:
        """The texts that tell the same story, most alike first."""
        import numpy as np

        self.freeze()
        counts: Counter[int] = Counter()
        if self._sorted is not None and len(grams):
            keys, docs = self._sorted
            left = np.searchsorted(keys, grams, side="left")
            right = np.searchsorted(keys, grams, side="right")
            lengths = right - left
            total = int(lengths.sum())
            if total:
                starts = np.repeat(left - np.cumsum(lengths) + lengths, lengths)
                hits = docs[starts + np.arange(total)]
                found = np.bincount(hits)
                for number in np.flatnonzero(found).tolist():
                    counts[number] = int(found[number])
        if self._postings:
            for gram in grams.tolist():
                counts.update(self._postings.get(gram, ()))
        overlaps = []
        for number, shared in counts.items():
            other = self.sizes[number]
            union = len(grams) + other - shared
            jaccard = shared / union if union else 1.0
            contained = shared / max(1, min(len(grams), other))
            if jaccard >= JACCARD or contained >= CONTAINED:
                overlaps.append(Overlap(self.names[number], shared, jaccard, contained))
        return sorted(overlaps, key=lambda o: (-o.jaccard, o.other))


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
