"""`kg draft`, `kg review`, `kg eval-draft`: propose facts, review them, score the drafter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import SourcesOption, errors, say
from kg.cli.sources import _folder, _root
from kg.errors import InputError, ValidationError


def register(app: typer.Typer) -> None:
    """Add the drafting commands to the app."""
    app.command("draft")(draft)
    app.command("review")(review)
    app.command("eval-draft")(eval_draft)


@errors
def draft(
    source: Annotated[str, typer.Argument(help="A source slug or folder (registered by kg new).")],
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
    folder = _folder(source, sources)
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


@errors
def review(
    source: Annotated[str, typer.Argument(help="A source slug or folder with a draft.ttl.")],
    sources: SourcesOption = None,
) -> None:
    """Go through the drafts in the order of the text: accept, edit, reject or skip each."""
    from kg.draft.review import DraftBlock
    from kg.draft.review import review as run_review

    folder = _folder(source, sources)
    root = sources or folder.parent

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
    from kg.draft.evaluate import evaluate_folder, report
    from kg.sources import discover, parse_turtle

    root = _root(sources)
    ontology = parse_turtle(resources.ontology_file())
    tuned = [_folder(s, sources) for s in source] if source else discover(root)
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
