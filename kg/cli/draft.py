"""`kg draft`, `kg review`, `kg eval-draft`: propose facts, review them, score the drafter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import SourcesOption, errors, say, source_folder, sources_root
from kg.errors import InputError, ValidationError

if TYPE_CHECKING:
    from kg.draft.review import DraftBlock


def register(app: typer.Typer) -> None:
    """Add the drafting commands to the app."""
    app.command("draft")(draft)
    app.command("review")(review)
    app.command("eval-draft")(eval_draft)


@errors
def draft(
    source: Annotated[
        str | None, typer.Argument(help="A source slug or folder (registered by kg new).")
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Draft every source whose facts.ttl holds no fact yet and that has no "
            "draft.ttl (with --force: a draft.ttl is replaced).",
        ),
    ] = False,
    accept: Annotated[
        list[str] | None,
        typer.Option("--accept", help="Move these drafts (NAME, or NAME,NAME) into facts.ttl."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a draft.ttl that was edited by hand.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Also check the draft as kg check would.")
    ] = False,
    model_endpoint: Annotated[
        str | None,
        typer.Option(
            "--model-endpoint",
            help="Ask a language model at this OpenAI-compatible chat URL instead of the rules.",
        ),
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="The model name sent to --model-endpoint.")
    ] = "local",
    sources: SourcesOption = None,
) -> None:
    """Propose facts for a source in draft.ttl (each with its quote, rule and confidence)."""
    if every:
        if source is not None or accept or model_endpoint is not None:
            raise InputError(
                "--all drafts every unreviewed source: give no SOURCE, --accept "
                "or --model-endpoint with it"
            )
        _draft_all(sources_root(sources), force=force, check=check)
        return
    if source is None:
        raise InputError("give a SOURCE to draft, or --all")
    folder = source_folder(source, sources)
    root = sources or folder.parent
    if accept:
        from kg.draft.review import accept as accept_drafts

        names = [n.strip() for item in accept for n in item.split(",") if n.strip()]
        result = accept_drafts(folder, root, names)
        for line in result.needed:
            say(f"also accepted {line}")
        for name in result.already:
            say(f"{name}: in facts.ttl already (an earlier accept was cut short); out of draft.ttl")
        for name in result.facts:
            typer.echo(f"accepted {name} into {folder / 'facts.ttl'}")
        for name in result.entities:
            typer.echo(f"accepted {name} into {root / 'entities.ttl'}")
        return
    from kg.draft import write_draft

    written = write_draft(folder, root, force=force, endpoint=model_endpoint, model=model)
    for line in written.rejected:
        say(f"rejected {line}")
    _cross_reference(root)
    typer.echo(str(written.path))
    say(
        f"drafted {written.facts} fact(s) and {written.entities} new entit"
        f"{'y' if written.entities == 1 else 'ies'} for {folder.name}; "
        f"review with kg review {folder.name}"
    )
    if check:
        from kg.draft.checking import check_draft

        problems = check_draft(folder, root)
        for problem in problems:
            typer.echo(problem)
        if problems:
            raise ValidationError(f"{written.path}: {len(problems)} problem(s)")
        say(f"{written.path}: ok")


def _cross_reference(root: Path) -> None:
    """Propose each new entity once across the pending drafts (`kg.draft.crossref`)."""
    from kg.draft.crossref import reconcile

    for matched in reconcile(root):
        say(matched.line())


def _draft_all(root: Path, *, force: bool, check: bool) -> None:
    """Draft every unreviewed source, in queue order, with a progress bar on a terminal."""
    from kg.draft import draft_all
    from kg.draft.queue import to_draft
    from kg.progress import progress

    chosen, result = to_draft(root, force=force)
    with progress("drafting", len(chosen)) as tick:
        result = draft_all(root, force=force, tick=tick, chosen=chosen, result=result)
    facts = entities = 0
    for path, n_facts, n_entities in result.written:
        typer.echo(str(path))
        facts += n_facts
        entities += n_entities
    for line in result.failed:
        say(f"error: {line}")
    if result.written:
        from kg.draft.crossref import proposed_entries

        _cross_reference(root)
        entities = sum(
            len(proposed_entries(path.read_text(encoding="utf-8")))
            for path, _f, _e in result.written
        )  # each proposed once across the drafts
    said = [f"drafted {len(result.written)} source(s): {facts} fact(s), {entities} new entities"]
    if result.reviewed:
        said.append(f"left out {len(result.reviewed)} with facts")
    if result.have_draft:
        said.append(f"left out {len(result.have_draft)} with a draft.ttl (--force redrafts them)")
    say("; ".join(said) + ("; review them with kg review" if result.written else ""))
    problems = 0
    if check:
        from kg.draft.checking import check_draft

        for path, _f, _e in result.written:
            found = check_draft(path.parent, root)
            for problem in found:
                typer.echo(problem)
            problems += len(found)
    if result.failed:
        raise InputError(f"{len(result.failed)} source(s) not drafted: {result.failed[0]}")
    if problems:
        raise ValidationError(f"{root}: {problems} problem(s) in the drafts")


@errors
def review(
    source: Annotated[
        str | None,
        typer.Argument(
            help="A source slug or folder with a draft.ttl (default: every pending one)."
        ),
    ] = None,
    sources: SourcesOption = None,
) -> None:
    """Go through the drafts in the order of the text: accept, edit, reject or skip each.

    With no SOURCE, walk the corpus: the sources with drafts left, by publication date then
    slug, saying how many proposals and sources are left."""
    from kg.draft.review import review as run_review

    if source is None:
        _review_all(sources_root(sources))
        return
    folder = source_folder(source, sources)
    root = sources or folder.parent
    _cross_reference(root)

    shown: list[str] = []

    def ask(unit: list[DraftBlock], sentence: str) -> str:
        if shown:
            typer.echo("")
        shown.append(unit[0].name)
        if sentence:
            typer.echo(f"sentence: {sentence}")
        typer.echo("\n".join(block.text for block in unit), nl=False)
        while True:
            answer = (
                typer.prompt("[a]ccept, [e]dit, [r]eject, [s]kip, [q]uit", default="s")
                .strip()
                .lower()
            )
            if answer[:1] in ("a", "e", "r", "s", "q"):
                return answer[:1]
            say("answer a, e, r, s or q")

    import click

    result = run_review(folder, root, ask, click.edit, say)
    say(
        f"accepted {len(result.facts)} fact(s) into {folder / 'facts.ttl'} and "
        f"{len(result.entities)} entit{'y' if len(result.entities) == 1 else 'ies'} into "
        f"{root / 'entities.ttl'}"
    )


def _prompt() -> str:
    """Ask the analyst what to do with the proposal shown (a, e, r, s or q)."""
    while True:
        answer = (
            typer.prompt("[a]ccept, [e]dit, [r]eject, [s]kip, [q]uit", default="s").strip().lower()
        )
        if answer[:1] in ("a", "e", "r", "s", "q"):
            return answer[:1]
        say("answer a, e, r, s or q")


class _Walk:
    """The questions of one source in the corpus walk, each headed by what is left."""

    def __init__(self, folder: Path, n: int, sources: int, later: int) -> None:
        self.folder, self.n, self.sources, self.later = folder, n, sources, later
        self.shown: set[str] = set()
        self.quit = False

    def ask(self, unit: list[DraftBlock], sentence: str) -> str:
        """Show a proposal with the counts of what is left, and ask what to do with it."""
        from kg.draft.queue import count

        here = count(self.folder, self.shown)
        typer.echo("")
        typer.echo(
            f"== {self.folder.name} ({self.n + 1}/{self.sources}): {here} proposal(s) left "
            f"here, {here + self.later} in {self.sources - self.n} source(s) =="
        )
        self.shown.add(unit[0].name)
        if sentence:
            typer.echo(f"sentence: {sentence}")
        typer.echo("\n".join(block.text for block in unit), nl=False)
        answer = _prompt()
        self.quit = answer == "q"
        return answer


def _review_all(root: Path) -> None:
    """Walk the pending proposals of every source, in queue order, with what is left."""
    import click

    from kg.draft.queue import pending
    from kg.draft.review import review as run_review

    _cross_reference(root)
    queue = pending(root)
    if not queue:
        say(f"nothing to review: no draft in {root} holds proposals (kg draft --all drafts them)")
        return
    total = sum(p.proposals for p in queue)
    say(f"{total} proposal(s) to review in {len(queue)} source(s)")
    facts = entities = 0
    for n, item in enumerate(queue):
        walk = _Walk(item.folder, n, len(queue), sum(p.proposals for p in queue[n + 1 :]))
        result = run_review(item.folder, root, walk.ask, click.edit, say)
        facts += len(result.facts)
        entities += len(result.entities)
        if walk.quit:
            break
    left = pending(root)
    say(
        f"accepted {facts} fact(s) and {entities} entit{'y' if entities == 1 else 'ies'}; "
        f"left: {sum(p.proposals for p in left)} proposal(s) in {len(left)} source(s)"
    )


@errors
def eval_draft(
    source: Annotated[
        list[str] | None, typer.Argument(help="Sources with hand-written facts (default: all).")
    ] = None,
    held_out: Annotated[
        list[Path] | None,
        typer.Option("--held-out", help="A source folder kept out of rule tuning (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the results as Markdown here.")
    ] = None,
    sources: SourcesOption = None,
) -> None:
    """Score the default drafter against hand-written facts: recall and precision per class."""
    from kg import resources
    from kg.draft import evaluate_folder
    from kg.draft.evaluate import report
    from kg.sources import discover, parse_turtle

    root = sources_root(sources)
    ontology = parse_turtle(resources.ontology_file())
    tuned = [source_folder(s, sources) for s in source] if source else discover(root)
    held = list(held_out or [])
    for folder in held:
        if not (folder / "facts.ttl").is_file():
            raise InputError(f"{folder}: no facts.ttl (a source folder with hand-written facts)")
    results = [evaluate_folder(f, root, ontology) for f in tuned]
    held_results = [evaluate_folder(f, root, ontology) for f in held]
    text = report(results, held_results)
    from kg.draft.decisions import precision_report

    text += precision_report([*tuned, *held])  # empty where no analyst decided yet
    typer.echo(text, nl=False)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        say(f"wrote {out}")
