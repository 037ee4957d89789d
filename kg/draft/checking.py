"""Check a draft as `kg check` checks a facts file: quotes, shapes, terms, entities.

The draft's facts are checked together with the source's facts file, and its proposed registry
entries as if they were accepted, in a temporary copy; the problems name draft.ttl's lines.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from kg import registry
from kg.draft.draftfile import DRAFT_FILE
from kg.sources import FACTS_FILE, TEXT_FILE


def check_draft(folder: Path, sources_root: Path) -> list[str]:
    """Return the problems `kg check` finds in a source's draft (empty: the draft is valid)."""
    from kg.authoring import check_source
    from kg.draft.draftfile import read_draft

    draft = read_draft(folder / DRAFT_FILE)
    draft_text = (folder / DRAFT_FILE).read_text(encoding="utf-8")
    prefixes = "\n".join(re.findall(r"(?m)^@prefix .*$", draft_text))
    facts = [b for b in draft.blocks if b.name.startswith("fact:")]
    entities = [b for b in draft.blocks if b.name.startswith("ent:")]
    with tempfile.TemporaryDirectory(prefix="kg-draft-check-") as tmp:
        root = Path(tmp)
        shutil.copyfile(sources_root / registry.REGISTRY_FILE, root / registry.REGISTRY_FILE)
        if entities:
            with (root / registry.REGISTRY_FILE).open("a", encoding="utf-8") as handle:
                handle.write("\n" + prefixes + "\n\n" + "\n".join(b.text for b in entities))
        copy = root / folder.name
        copy.mkdir()
        shutil.copyfile(folder / TEXT_FILE, copy / TEXT_FILE)
        base = (folder / FACTS_FILE).read_text(encoding="utf-8")
        combined = base.rstrip("\n") + "\n\n" + prefixes + "\n\n" + "\n".join(b.text for b in facts)
        (copy / FACTS_FILE).write_text(combined, encoding="utf-8")
        problems = check_source(copy, root)
        return [
            p.text().replace(str(copy / FACTS_FILE), str(folder / DRAFT_FILE)) for p in problems
        ]
