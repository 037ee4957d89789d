"""`kg new`, `kg mentions`, `kg check`, `kg diff`, `kg ontology-doc`: growing the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import SourcesOption, errors, say, source_folder, sources_root
from kg.errors import ValidationError


def register(app: typer.Typer) -> None:
    """Add the source authoring and review commands to the app."""
    app.command("new")(new)
    app.command("mentions")(mentions)
    app.command("check")(check)
    app.command("diff")(diff)
    app.command("ontology-doc")(ontology_doc)


@errors
def new(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="Saved articles: web pages (HTML), PDFs, RSS/Atom feeds, UTF-8 texts (copied "
            "byte-exact), folders of them, or http(s) addresses (the only thing fetched).",
        ),
    ],
    slug: Annotated[
        str | None, typer.Option("--slug", help="The source's slug (default: from the file name).")
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", help="Title (default: the file's, or the text's first line)."),
    ] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Publisher.")] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            "--date",
            help="Publication date: YYYY[-MM[-DD]] (dct:issued; relative times resolve from it).",
        ),
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Author (default: the file's byline).")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="The article's URL.")] = None,
    retrieved: Annotated[
        str | None, typer.Option("--retrieved", help="Retrieval date: YYYY-MM-DD (or date-time).")
    ] = None,
    license: Annotated[
        str | None, typer.Option("--license", help="License: an IRI, or words.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", help="Language tag (default: the file's; en for a text)."),
    ] = None,
    allow_duplicate: Annotated[
        bool,
        typer.Option("--allow-duplicate", help="Register a near-duplicate (the same story)."),
    ] = False,
    skip_duplicates: Annotated[
        bool,
        typer.Option("--skip-duplicates", help="Leave out duplicates and near-duplicates."),
    ] = False,
    sources: SourcesOption = None,
) -> None:
    """Register saved articles as new sources and write each one's facts file to fill in."""
    from kg.ingest.batch import Given, run

    given = Given(
        slug, title, publisher, published, url, retrieved, license, language,
        allow_duplicate, skip_duplicates, author,
    )  # fmt: skip
    for folder, line in run(inputs, sources_root(sources), given, say):
        typer.echo(str(folder / "facts.ttl"))
        say(line)


@errors
def mentions(
    source: Annotated[str, typer.Argument(help="A source slug or folder, or any text file.")],
    roles: Annotated[bool, typer.Option("--roles", help="Also list roles (posts).")] = False,
    sources: SourcesOption = None,
) -> None:
    """List where known entities are named in a text, and the sentences naming 2+ actors."""
    from kg import authoring, registry, resources
    from kg.prefixes import short_iri
    from kg.sources import parse_turtle

    path = Path(source)
    text_path = path if path.is_file() and path.suffix == ".txt" else None
    if text_path is None:
        text_path = source_folder(source, sources) / "text.txt"
    _data, text = authoring.read_text(text_path)
    root = sources_root(sources)
    found = authoring.mentions(
        text, registry.load(root), parse_turtle(resources.ontology_file()), roles=roles
    )
    typer.echo("# mentions, by sentence: begin end (code points), entity, name kind, words")
    sentence = None
    for m in found.mentions:
        if m.sentence is not None and m.sentence != sentence:
            sentence = m.sentence
            typer.echo(f"## sentence {sentence.begin}-{sentence.end}: {sentence.slice(text)}")
        typer.echo(f"{m.begin}\t{m.end}\t{short_iri(str(m.entity))}\t{m.kind}\t{m.text}")
    typer.echo("")
    typer.echo("# fact candidates: sentences naming two or more actors")
    for c in found.candidates:
        actors = " ".join(short_iri(str(a)) for a in c.actors)
        typer.echo(f"{c.sentence.begin}-{c.sentence.end}\t{actors}")
        typer.echo(f"    {c.sentence.slice(text)}")
    say(f"{len(found.mentions)} mention(s), {len(found.candidates)} candidate sentence(s)")


@errors
def check(
    source: Annotated[str, typer.Argument(help="A source slug or folder.")],
    sources: SourcesOption = None,
) -> None:
    """Check one source fast: quotes, shapes, terms, entities; exit 1 if a problem is found."""
    from kg.authoring import check_source

    folder = source_folder(source, sources)
    problems = check_source(folder, sources or folder.parent)
    for problem in problems:
        typer.echo(problem.text())
    if problems:
        raise ValidationError(f"{folder.name}: {len(problems)} problem(s)")
    say(f"{folder.name}: ok")


@errors
def diff(
    old: Annotated[str, typer.Argument(help="Old build: output folder, sources folder or commit.")],
    new: Annotated[str, typer.Argument(help="New build: output folder, sources folder or commit.")],
    repo: Annotated[
        Path | None, typer.Option("--repo", help="Git repository for commits (default: here).")
    ] = None,
) -> None:
    """List the sources, facts, direct edges and entities added (+), removed (-), changed (~)."""
    from kg.diff import compare
    from kg.graph import locate

    result = compare(locate(old, repo), locate(new, repo))
    typer.echo(result.text(), nl=False)


@errors
def ontology_doc(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="HTML file, or folder for index.html.")
    ] = Path("out/ontology"),
) -> None:
    """Write the ontology's browsable HTML reference, generated from its Turtle."""
    from kg.ontodoc import write

    say(f"wrote {write(out)}")
