"""`kg new`, `kg mentions` and `kg check`: registering, encoding and checking a new source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from kg import authoring, registry, resources
from kg.cli import app
from kg.namespaces import ENT, KG, SRC
from kg.sources import load_source, parse_turtle

from .conftest import SLUG
from .fictional import FICTIONAL, FIXTURE, line_of, sources_with_fictional

runner = CliRunner()
Edit = Callable[[Path, str, str], None]
DCT = "http://purl.org/dc/terms/"
PAV = "http://purl.org/pav/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def _new(text: Path, sources: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["new", str(text), "--sources", str(sources), *args])
    return result.exit_code, result.output


# --------------------------------------------------------------------------- kg new


def test_new_copies_the_text_byte_exact(tmp_path: Path, sources_copy: Path) -> None:
    data = "Fictional “Title” – Ünïcode\r\nLine two\twith tab, no final newline".encode()
    data = b"\xef\xbb\xbf" + data  # a byte-order mark is kept in the file...
    text = tmp_path / "My Article (draft).txt"
    text.write_bytes(data)
    code, output = _new(text, sources_copy)
    assert code == 0, output
    folder = sources_copy / "my-article-draft"
    assert (folder / "text.txt").read_bytes() == data
    source = load_source(folder)
    assert source.text == data.decode("utf-8")[1:]  # ...but is not a code point of the text


def test_new_writes_a_facts_file_with_unknown_metadata_left_unasserted(
    tmp_path: Path, sources_copy: Path
) -> None:
    text = tmp_path / "article.txt"
    text.write_text("A Fictional Headline\n\nManila and Washington spoke.\n", encoding="utf-8")
    code, output = _new(text, sources_copy)
    assert code == 0, output
    facts = parse_turtle(sources_copy / "article" / "facts.ttl")
    iri = SRC["article"]
    assert (iri, RDF.type, KG.Source) in facts
    assert facts.value(iri, URIRef(DCT + "title")) == Literal("A Fictional Headline", lang="en")
    for prop in (DCT + "publisher", DCT + "issued", DCT + "license", PAV + "retrievedOn"):
        assert facts.value(iri, URIRef(prop)) is None, prop
    assert facts.value(iri, URIRef("https://schema.org/url")) is None
    comment = str(facts.value(iri, RDFS.comment))
    for unknown in ("author", "publisher", "publication date", "URL", "retrieval date", "license"):
        assert unknown in comment
    skeleton = (sources_copy / "article" / "facts.ttl").read_text(encoding="utf-8")
    assert "# ent:philippines" in skeleton and "# ent:united-states" in skeleton


def test_new_records_the_metadata_given(tmp_path: Path, sources_copy: Path) -> None:
    text = tmp_path / "article.txt"
    text.write_text("Headline\n\nBody.\n", encoding="utf-8")
    code, output = _new(
        text,
        sources_copy,
        "--slug",
        "given-metadata",
        "--title",
        'A "quoted" title',
        "--author",
        "Ann Example",
        "--publisher",
        "Example Wire",
        "--published",
        "2026-11-20",
        "--url",
        "https://example.org/news/1",
        "--retrieved",
        "2026-11-25",
        "--license",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    assert code == 0, output
    facts = parse_turtle(sources_copy / "given-metadata" / "facts.ttl")
    iri = SRC["given-metadata"]
    assert facts.value(iri, URIRef(DCT + "title")) == Literal('A "quoted" title', lang="en")
    assert facts.value(iri, URIRef(DCT + "creator")) == Literal("Ann Example")
    assert facts.value(iri, URIRef(DCT + "publisher")) == Literal("Example Wire")
    assert facts.value(iri, URIRef(DCT + "issued")) == Literal("2026-11-20", datatype=XSD_DATE)
    assert facts.value(iri, URIRef(PAV + "retrievedOn")) == Literal("2026-11-25", datatype=XSD_DATE)
    assert facts.value(iri, URIRef("https://schema.org/url")) == URIRef(
        "https://example.org/news/1"
    )
    assert facts.value(iri, URIRef(DCT + "license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert facts.value(iri, RDFS.comment) is None


def test_a_new_source_builds_validates_and_checks_at_once(
    tmp_path: Path, sources_copy: Path
) -> None:
    text = tmp_path / "fresh.txt"
    text.write_text("FICTIONAL: a fresh text\n\nNothing happened.\n", encoding="utf-8")
    assert _new(text, sources_copy, "--published", "2026")[0] == 0
    result = runner.invoke(app, ["validate", "--sources", str(sources_copy)])
    assert result.exit_code == 0, result.output
    assert "conforms: 2 source(s)" in result.output
    result = runner.invoke(app, ["check", "fresh", "--sources", str(sources_copy)])
    assert result.exit_code == 0, result.output


def test_new_refuses_bad_input_in_one_line_and_leaves_nothing(
    tmp_path: Path, sources_copy: Path
) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Title\n", encoding="utf-8")
    before = sorted(p.name for p in sources_copy.iterdir())
    cases = [
        (["--slug", SLUG], f"source '{SLUG}' exists already"),
        (["--slug", "Bad Slug"], "slug 'Bad Slug'"),
        (["--published", "2026-02-30"], "'2026-02-30': not a valid date"),
        (["--published", "yesterday"], "'yesterday': not an ISO date"),
        (["--url", "not a url"], "'not a url': not an absolute http(s) URL"),
        (["--language", "en US"], "language 'en US': not a language tag"),
    ]
    for args, message in cases:
        code, output = _new(text, sources_copy, *args)
        assert code == 2, (args, output)
        lines = output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("Caf\xe9\n".encode("latin-1"))
    code, output = _new(binary, sources_copy)
    assert code == 2 and "not UTF-8 at byte 3" in output
    assert sorted(p.name for p in sources_copy.iterdir()) == before


# --------------------------------------------------------------------------- kg mentions


def test_mentions_give_code_point_offsets_that_slice_to_the_name() -> None:
    root = resources.sources_dir()
    text = (root / SLUG / "text.txt").read_text(encoding="utf-8")
    found = authoring.mentions(text, registry.load(root), parse_turtle(resources.ontology_file()))
    assert len(found.mentions) > 30
    names = {(n.text, n.entity) for n in registry.names(registry.load(root))}
    for m in found.mentions:
        assert text[m.begin : m.end] == m.text
        assert m.sentence.begin <= m.begin and m.end <= m.sentence.end
        assert (m.text.replace("’", "'"), m.entity) in names or (m.text, m.entity) in names
    by_entity = {m.entity for m in found.mentions}
    assert {ENT["united-states"], ENT["philippines"], ENT["china"]} <= by_entity
    # "Manila" is a metonym of the Philippines; the longest name wins over a shorter one inside it.
    assert any(m.text == "Manila" and m.kind == "metonym" for m in found.mentions)
    long = "People’s Liberation Army Southern Theater Command"
    at = text.index(long)
    here = [m for m in found.mentions if m.begin == at]
    assert [m.entity for m in here] == [ENT["pla-southern-theater-command"]]
    assert not any(
        m.entity == ENT["peoples-liberation-army"] and m.begin == at for m in found.mentions
    )
    assert not any(m.entity == ENT["role-spokesperson"] for m in found.mentions)


def test_mentions_cli_lists_offsets_and_fact_candidates() -> None:
    text = (FIXTURE / "text.txt").read_text(encoding="utf-8")
    result = runner.invoke(app, ["mentions", str(FIXTURE / "text.txt")])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines() if line[:1].isdigit()]
    mentions = [r for r in rows if len(r) == 5]
    assert len(mentions) == 10
    for begin, end, entity, _kind, words in mentions:
        assert text[int(begin) : int(end)] == words
        assert entity.startswith("ent:")
    lines = result.output.splitlines()
    manila = lines.index("311\t317\tent:philippines\tmetonym\tManila")
    sentence = text[311:380]
    assert sentence.startswith("Manila said") and sentence.endswith("binding code.")
    assert lines[manila - 1] == f"## sentence 311-380: {sentence}"
    assert ["ent:philippines", "metonym", "Manila"] in [r[2:5] for r in mentions]
    candidates = result.output.split("# fact candidates")[1]
    assert "ent:china ent:philippines" in candidates
    assert "the Philippines accused China of blocking fishing boats" in candidates
    assert "Washington, in this fiction" not in candidates  # one actor only


# --------------------------------------------------------------------------- kg check


def test_check_passes_the_packaged_source_and_the_fictional_one(tmp_path: Path) -> None:
    root = sources_with_fictional(tmp_path / "sources")
    for slug in (SLUG, FICTIONAL):
        result = runner.invoke(app, ["check", slug, "--sources", str(root)])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"{slug}: ok"


def _check(root: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["check", FICTIONAL, "--sources", str(root)])
    return result.exit_code, [x for x in result.output.splitlines() if not x.startswith("error")]


def test_check_points_a_wrong_quote_to_the_line_of_its_fact(tmp_path: Path, edit: Edit) -> None:
    root = sources_with_fictional(tmp_path / "sources")
    facts = root / FICTIONAL / "facts.ttl"
    edit(facts, "blocking fishing boats near", "blocking fishing ships near")
    code, lines = _check(root)
    assert code == 1
    line = line_of(facts, "fact:stmt-philippines-accuses-china")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{facts}:{line}: ") and "quote not found" in lines[0]


def test_check_points_shapes_terms_and_entities_to_their_lines(tmp_path: Path, edit: Edit) -> None:
    root = sources_with_fictional(tmp_path / "sources")
    facts = root / FICTIONAL / "facts.ttl"
    edit(facts, "kg:statementType kg:Endorsement", "kg:statementType kg:Endorsment")
    edit(facts, "kg:refersTo    ent:united-states", "kg:refersTo    ent:united-statez")
    edit(
        facts,
        "    kg:participant     ent:china ;\n    kg:participantRole ent:role-party .",
        "    kg:participant     ent:china ;\n    kg:participantRole ent:china .",
    )
    code, lines = _check(root)
    assert code == 1
    endorsement = line_of(facts, "    kg:statementType kg:Endorsment")
    statez = line_of(facts, "    kg:refersTo    ent:united-statez")
    role = line_of(facts, "    kg:participantRole ent:china")
    expected = {
        (endorsement, "undeclared term kg:Endorsment"),
        (endorsement, "kgsh:StatementShape: fact:stmt-washington-welcomes-talks kg:statementType"),
        (statez, "unknown entity ent:united-statez"),
        (statez, "fact:metonym-washington kg:refersTo"),
        (role, "fact:meeting-philippines-china-china kg:participantRole"),
    }
    for number, words in expected:
        assert any(x.startswith(f"{facts}:{number}: ") and words in x for x in lines), (
            number,
            words,
            lines,
        )
    assert len(lines) == len(expected), lines


def test_check_points_bad_dates_and_urls_to_their_lines(tmp_path: Path, edit: Edit) -> None:
    root = sources_with_fictional(tmp_path / "sources")
    facts = root / FICTIONAL / "facts.ttl"
    edit(
        facts,
        '    dct:language "en" ;\n',
        '    dct:language "en" ;\n'
        '    <http://purl.org/pav/retrievedOn> "2026-11-31"^^'
        "<http://www.w3.org/2001/XMLSchema#date> ;\n"
        '    dct:issued "last week" ;\n'
        '    <https://schema.org/url> "https://example.org/a" ;\n',
    )
    code, lines = _check(root)
    assert code == 1
    expected = [
        ("    <http://purl.org/pav/retrievedOn>", "the retrieval date", "a valid xsd:date or"),
        ("    dct:issued", "the publication date", "a valid xsd:date or"),
        ("    <https://schema.org/url>", "the URL", "an http(s) IRI"),
    ]
    for start, what, why in expected:
        number = line_of(facts, start)
        assert any(x.startswith(f"{facts}:{number}: ") and what in x and why in x for x in lines), (
            start,
            lines,
        )
    assert len(lines) == len(expected), lines


def test_check_names_the_line_of_malformed_turtle(tmp_path: Path, edit: Edit) -> None:
    root = sources_with_fictional(tmp_path / "sources")
    facts = root / FICTIONAL / "facts.ttl"
    edit(facts, '    kg:mentionText "Manila" ;', '    kg:mentionText "Manila ;')
    result = runner.invoke(app, ["check", FICTIONAL, "--sources", str(root)])
    assert result.exit_code == 2
    line = line_of(facts, '    kg:mentionText "Manila ;')
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {facts}:{line}: malformed Turtle")


def test_check_of_an_unknown_source_is_one_line(sources_copy: Path) -> None:
    result = runner.invoke(app, ["check", "no-such-source", "--sources", str(sources_copy)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: no-such-source: no such source (a slug in {sources_copy}, or a source folder)"
    ]
