"""Score the drafter on fictional articles in other registers, the way the shared scorer does.

Each `tests/fixtures/draft-eval/registers/NAME.txt` has gold facts in `NAME.gold.json`
(`kind`, `who`, `ev`). A gold fact is found when one drafted node (a subject with kg:quote) of
the right kind has a quote overlapping the gold passage by at least half of the shorter of the
two and links (directly or through one nested node) an IRI whose local name contains one of the
gold's words; precision is the share of drafted nodes that find some gold fact. The articles in
`tests/fixtures/draft-eval/unseen/` (written by someone who never read the rules, and never read
while writing them) are scored too and reported as a block of their own, outside the per-rule
table. Also runs a folder given on the command line (the shared development set). Writes
bench/draft-registers.md when run with --out.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
REGISTERS = ROOT / "tests" / "fixtures" / "draft-eval" / "registers"
UNSEEN = ROOT / "tests" / "fixtures" / "draft-eval" / "unseen"
HELD_OUT = ("communique", "breaking-brief")
KG = Namespace("https://w3id.org/scs-kg/ontology#")
KINDS = {
    "statement": KG.Statement,
    "event": KG.Event,
    "role": KG.RoleHolding,
    "alliance": KG.Alliance,
    "metonym": KG.MetonymMention,
}


def _below(ontology: Graph, root: URIRef) -> set[URIRef]:
    out, todo = {root}, [root]
    while todo:
        c = todo.pop()
        for s in ontology.subjects(RDFS.subClassOf, c):
            if isinstance(s, URIRef) and s not in out:
                out.add(s)
                todo.append(s)
    return out


def score(
    text: str, gold: list[dict], draft: Graph, ontology: Graph, rules: dict[str, str] | None = None
) -> tuple[int, int, int, int]:
    """Return (found, gold facts, good nodes, nodes) for one article; with `rules` (node → rule
    name), count each rule's drafts and good ones in PER_RULE."""
    kinds = {k: _below(ontology, c) for k, c in KINDS.items()}
    nodes = []
    for s, q in draft.subject_objects(KG.quote):
        at = text.find(str(q))
        if at < 0:
            continue
        linked = set()
        for o in draft.objects(s, None):
            if isinstance(o, URIRef):
                linked.add(str(o))
            if not isinstance(o, Literal):
                linked |= {str(x) for x in draft.objects(o, None) if isinstance(x, URIRef)}
        locs = [u.rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower() for u in linked]
        nodes.append(((at, at + len(str(q))), set(draft.objects(s, RDF.type)), locs, str(s)))

    def match(g: dict, n: tuple) -> bool:
        (b, e), types, locs, _ = n
        gb = text.index(g["ev"])
        ge = gb + len(g["ev"])
        if min(e, ge) - max(b, gb) < 0.5 * min(e - b, ge - gb):
            return False
        return bool(types & kinds[g["kind"]]) and any(w in x for w in g["who"] for x in locs)

    found = sum(1 for g in gold if any(match(g, n) for n in nodes))
    good = sum(1 for n in nodes if any(match(g, n) for g in gold))
    for n in nodes:
        rule = (rules or {}).get(n[3].rsplit("/", 1)[-1], "(no rule)")
        counts = PER_RULE.setdefault(rule, [0, 0])
        counts[0] += 1
        counts[1] += any(match(g, n) for g in gold)
    return found, len(gold), good, len(nodes)


PER_RULE: dict[str, list[int]] = {}


def draft_of(text: str) -> tuple[Graph, dict[str, str]]:
    """Draft a text with the packaged registry; return the draft graph and each node's rule."""
    from kg import registry, resources, shapes
    from kg.draft.drafter import draft_text
    from kg.draft.turtle import render
    from kg.sources import parse_turtle

    entities = registry.load(resources.sources_dir())
    ontology = parse_turtle(resources.ontology_file())
    draft = draft_text(text, entities, ontology)
    order = shapes.order()
    content = render("t", "t", draft, set(), order)
    rules = dict(re.findall(r"^# draft fact:([a-z0-9-]+) — rule ([^,]+),", content, re.M))
    return Graph().parse(data=content, format="turtle"), rules


def run(folder: Path) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Score every NAME.txt with a NAME.gold.json in a folder."""
    from kg import resources
    from kg.sources import parse_turtle

    ontology = parse_turtle(resources.ontology_file())
    out = []
    for path in sorted(folder.glob("*.gold.json")):
        name = path.name.removesuffix(".gold.json")
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        gold = json.loads(path.read_text(encoding="utf-8"))
        graph, rules = draft_of(text)
        out.append((name, score(text, gold, graph, ontology, rules)))
    return out


def _line(name: str, r: tuple[int, int, int, int]) -> str:
    f, g, good, n = r
    share, precise = 100 * f // max(g, 1), 100 * good // max(n, 1)
    return f"| {name} | {f}/{g} | {share} % | {good}/{n} | {precise} % |"


def main() -> None:
    """Print (and with --out write) the figures."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "--out" else REGISTERS
    results = run(folder)
    per_rule = {rule: list(counts) for rule, counts in PER_RULE.items()}
    unseen = run(UNSEEN) if folder == REGISTERS else []
    lines = [
        "# Drafts on fictional articles in other registers",
        "",
        "Written by `python -m bench.draft_registers --out` (run by `make eval`); scored as the",
        "shared development set's scorer does (tests/fixtures/draft-eval/registers/README.md).",
        "",
        "| article | found | | precision | |",
        "|---|---|---|---|---|",
    ]
    for group, names in (
        ("read while writing rules", [n for n, _ in results if n not in HELD_OUT]),
        ("held out", [n for n, _ in results if n in HELD_OUT]),
    ):
        rs = [r for n, r in results if n in names]
        for n, r in results:
            if n in names:
                lines.append(_line(n, r))
        if rs:
            total = tuple(sum(x[i] for x in rs) for i in range(4))
            lines.append(_line(f"**{group}**", total))  # type: ignore[arg-type]
    if unseen:
        lines += [
            "",
            "Unseen, written apart from the rules (tests/fixtures/draft-eval/unseen/README.md):",
            "written by someone who never read the rules, and never read while writing them.",
            "",
            "| article | found | | precision | |",
            "|---|---|---|---|---|",
        ]
        lines += [_line(n, r) for n, r in unseen]
        total = tuple(sum(r[i] for _, r in unseen) for i in range(4))
        lines.append(_line("**unseen, written apart from the rules**", total))  # type: ignore[arg-type]
    lines += ["", "Per rule (the articles of the first table): drafts, and those that find a gold"]
    lines += ["fact. The unseen articles are left out, so that no rule is fitted to them.", ""]
    lines += ["| rule | drafts | correct | precision |", "|---|---|---|---|"]
    for rule, (drafts, correct) in sorted(per_rule.items()):
        lines.append(f"| {rule} | {drafts} | {correct} | {100 * correct // max(drafts, 1)} % |")
    text = "\n".join(lines) + "\n"
    print(text)
    if "--out" in sys.argv:
        (ROOT / "bench" / "draft-registers.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
