"""Part-of-speech tags and chunks for the drafter's tokens, from TextBlob's PatternParser.

PatternParser ships its English lexicon and rules inside the package (nothing is downloaded,
no NLTK data): it tags Penn Treebank parts of speech and chunks noun, verb and prepositional
phrases. It is given spaCy's tokens (one sentence per line, tokens joined by spaces, so its own
tokenizer is not used) and its tags are mapped back to those tokens one to one; a sentence whose
tags do not line up keeps no tags (the rules then read it as before).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tag:
    """The part of speech (Penn Treebank) and the chunk tag (B-NP, I-VP, O …) of one token."""

    pos: str
    chunk: str


NONE = Tag("", "")


@functools.cache
def _parser() -> Any:
    from textblob.en import parse  # PatternParser's function, with its options

    return parse


def tag(words: list[list[str]]) -> list[list[Tag]]:
    """Tag sentences of tokens (whitespace tokens are given NONE); same shape as `words`."""
    lines = []
    keep: list[list[int]] = []
    for sentence in words:
        idx = [i for i, w in enumerate(sentence) if w.strip() and not any(c.isspace() for c in w)]
        keep.append(idx)
        lines.append(" ".join(sentence[i].replace("/", "∕") for i in idx))
    out = [[NONE] * len(sentence) for sentence in words]
    if not any(lines):
        return out
    parsed = _parser()("\n".join(line or "." for line in lines), tokenize=False, chunks=True)
    for n, line in enumerate(str(parsed).split("\n")):
        if n >= len(words) or not lines[n]:
            continue
        items = line.split(" ")
        if len(items) != len(keep[n]):
            continue  # its tags do not line up with our tokens: no tags for this sentence
        for i, item in zip(keep[n], items, strict=True):
            parts = item.rsplit("/", 3)
            if len(parts) == 4:
                out[n][i] = Tag(parts[1], parts[2])
    return out
