"""Time the default drafter on a 1,000-word article: spaCy's start-up, then drafting itself.

The article is the packaged one followed by the held-out fictional ones (their paragraphs, in
order) until it has 1,000 words. Run by `make eval`; writes bench/draft-speed.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def article(words: int = 1000) -> str:
    """Return a text of at least `words` words made of the evaluation articles' paragraphs."""
    texts = [ROOT / "sources" / "us-china-military-channels" / "text.txt"]
    texts += sorted((ROOT / "tests" / "fixtures" / "draft-eval").glob("*/text.txt"))
    paragraphs: list[str] = []
    for path in texts:
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out: list[str] = []
    while sum(len(p.split()) for p in out) < words:
        out.append(paragraphs[len(out) % len(paragraphs)])
    return "\n\n".join(out) + "\n"


def main() -> None:
    """Print and write the timings."""
    from rdflib import Graph

    from kg import registry, resources
    from kg.draft import render_draft
    from kg.sources import parse_turtle

    text = article()
    entities = registry.load(resources.sources_dir())
    ontology = parse_turtle(resources.ontology_file())
    start = time.perf_counter()
    from kg.draft.text import nlp

    nlp()
    spacy_s = time.perf_counter() - start
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        _content, facts, _entities = render_draft("bench", text, Graph(), entities, ontology)
        runs.append(time.perf_counter() - start)
    lines = [
        "# Drafter speed",
        "",
        f"A {len(text.split())}-word article (`bench/draft_speed.py`), on this machine:",
        "",
        f"- loading spaCy's blank English tokenizer (once per process): {spacy_s:.2f} s",
        f"- drafting it ({facts} facts), first run: {runs[0]:.2f} s; best of 3: {min(runs):.2f} s",
        "",
    ]
    report = "\n".join(lines)
    sys.stdout.write(report)
    (ROOT / "bench" / "draft-speed.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
