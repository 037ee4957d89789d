"""Graph views: the networkx projection of the article, GraphML/GEXF, the HTML page, the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.graph import open as open_graph
from kg.namespaces import ENT, FACT, KG
from kg.viz import write_view
from kg.viz.html import render
from kg.viz.projection import project

runner = CliRunner()
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "viz" / "hostile.trig"
F = FACT["us-china-military-channels/"]
SCS_CLAIM = str(F) + "claim-china-south-china-sea"
HEGSETH, CHINA = str(ENT["pete-hegseth"]), str(ENT["china"])
HOSTILE_LABELS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    '"double" \'single\' <a href="javascript:alert(3)">click me</a>',
]


def ent(name: str) -> str:
    return str(ENT[name])


def edges(g: nx.MultiDiGraph, u: str, v: str) -> list[dict]:
    return list(g.get_edge_data(u, v, default={}).values())


@pytest.fixture(scope="module")
def views(dataset: Dataset) -> dict[str, nx.MultiDiGraph]:
    built = {v: project(dataset, v) for v in ("all", "actors", "claims")}
    built["ego"] = project(dataset, "ego", focus="ent:pete-hegseth", depth=1)
    return built


# --- projection ---


def test_claims_view_links_the_four_contesters_to_chinas_claim(views: dict) -> None:
    g = views["claims"]
    for state in ("philippines", "vietnam", "malaysia", "brunei"):
        found = edges(g, ent(state), SCS_CLAIM)
        assert [e["predicate"] for e in found] == [str(KG.contests)], state
        assert "contesting China’s aggressive territorial assertions" in found[0]["quote"]
        assert found[0]["source"] == "https://w3id.org/scs-kg/source/us-china-military-channels"
    assert [e["relation"] for e in edges(g, SCS_CLAIM, CHINA)] == ["claimant"]
    assert [e["relation"] for e in edges(g, SCS_CLAIM, ent("south-china-sea"))] == ["claimed place"]
    # Australia took part in drills but contests no claim: not in the claims view.
    assert ent("australia") not in g
    assert g.nodes[SCS_CLAIM]["class"] == "TerritorialClaim"
    assert g.nodes[SCS_CLAIM]["label"] == "claim of China to South China Sea"


def test_actor_view_has_hegseths_criticism_of_china(views: dict) -> None:
    g = views["actors"]
    assert {d["group"] for _, d in g.nodes(data=True)} == {"Actor"}
    found = edges(g, HEGSETH, CHINA)
    criticisms = [e for e in found if "criticism" in e["statement_type"]]
    facts = sorted(e["fact"] for e in criticisms)
    assert facts == [  # destabilizing: a characterisation of China's actions, and a criticism
        str(F) + "stmt-hegseth-claims-contradict-commitments",
        str(F) + "stmt-hegseth-destabilizing",
        str(F) + "stmt-hegseth-scarborough-claim",
    ]
    for e in criticisms:
        assert e["predicate"] == str(KG.statedAbout)
        # a characterisation beside the criticism adds its CAMEO root (01); the colour stays 3
        both = e["fact"] != str(F) + "stmt-hegseth-claims-contradict-commitments"
        assert e["cameo"] == (
            "01 Make public statement; 11 Disapprove" if both else "11 Disapprove"
        )
        assert e["quad_class"] == 3
        assert e["quote"].startswith(
            ("he addressed ASEAN leaders", "Hegseth criticized", "what Hegseth describes")
        )
    # Direction is kept: China made no statement about Hegseth.
    assert not [e for e in edges(g, CHINA, HEGSETH) if e["statement_type"]]
    # Who met whom: the conversation between Hegseth and Dong Jun, undirected (IRI order).
    met = edges(g, ent("dong-jun"), HEGSETH)
    assert any(e["relation"] == "conversation" and e["symmetric"] for e in met)
    assert any(e["predicate"] == str(KG.counterpartOf) for e in met)


def test_ego_view_of_hegseth_holds_his_events(views: dict, dataset: Dataset) -> None:
    g = views["ego"]
    assert g.graph["focus"] == HEGSETH
    events = {n for n, d in g.nodes(data=True) if d["group"] == "Event"}
    assert events == {
        str(F) + name
        for name in (
            "conversation-hegseth-dong-jun",
            "conversation-hegseth-trump",
            "agreement-military-channels",
            "address-hegseth-asean-leaders",
        )
    }
    for ev in events:
        assert [e["predicate"] for e in edges(g, HEGSETH, ev)] == [str(KG.participatedIn)]
    # Depth 1: a neighbour of a neighbour (the South China Sea) is out, at depth 2 it is in.
    assert ent("south-china-sea") not in g
    assert ent("asean-leaders") not in g
    deeper = project(dataset, "ego", "Pete Hegseth", 2)
    assert ent("asean-leaders") in deeper and len(deeper) > len(g)


def test_nodes_carry_iri_label_class_and_wikidata(views: dict) -> None:
    g = views["all"]
    china = g.nodes[CHINA]
    assert china == {
        "iri": CHINA,
        "label": "China",
        "class": "State",
        "group": "Actor",
        "wikidata": "http://www.wikidata.org/entity/Q148",
        "quote": "",
        "source": "",
        "source_title": "",
    }
    assert g.nodes[ent("scarborough-shoal")]["wikidata"] == ""
    stmt = g.nodes[str(F) + "stmt-tian-troublemaker"]
    assert stmt["class"] == "Statement" and "saboteur of regional stability" in stmt["quote"]
    assert stmt["source_title"] == "U.S. and China Establish Urgent Military Communication Channels"
    groups = {d["group"] for _, d in g.nodes(data=True)}
    assert groups == {"Actor", "Place", "Claim", "Event", "Statement", "Instrument"}
    # Roles, sources and evidence spans are not nodes of the view.
    assert not any("/role-" in n or "#char=" in n for n in g)


def test_edges_keep_the_direction_of_their_triples(views: dict) -> None:
    g = views["all"]
    stmt = str(F) + "stmt-hegseth-destabilizing"
    assert [e["relation"] for e in edges(g, stmt, HEGSETH)] == ["speaker"]
    assert [e["relation"] for e in edges(g, stmt, CHINA)] == ["target"]
    assert edges(g, HEGSETH, stmt) == []
    # Every edge names its predicate and, but for none, the fact and quote behind it.
    assert all(d["predicate"] and d["relation"] for *_, d in g.edges(data=True))
    assert all(d["fact"] and d["quote"] for *_, d in g.edges(data=True))


def test_projection_is_the_same_from_the_exported_file(
    views: dict, out_dir: Path, tmp_path: Path
) -> None:
    for name in (
        "scs-kg.trig",
        "scs-kg.nq",
        "scs-kg.ttl",
        "scs-kg.nt",
        "scs-kg.rdf",
        "scs-kg.jsonld",
    ):
        g = project(open_graph(out_dir / name).dataset, "actors")
        assert nx.utils.edges_equal(
            g.edges(keys=True, data=True), views["actors"].edges(keys=True, data=True)
        ), name
        assert dict(g.nodes(data=True)) == dict(views["actors"].nodes(data=True)), name
    # A build's output folder stands for its dump (scs-kg.nq), as for every command.
    whole = project(open_graph(out_dir).dataset, "actors")
    assert dict(whole.nodes(data=True)) == dict(views["actors"].nodes)


def test_projection_works_on_a_facts_file_without_derived_edges(tmp_path: Path) -> None:
    g = project(open_graph(HOSTILE).dataset, "all")
    # participatedIn is derived from the qualified participation, not read from the file.
    assert any(d["predicate"] == str(KG.participatedIn) for *_, d in g.edges(data=True))
    assert g.nodes[ent("img-state")]["label"] == HOSTILE_LABELS[0]
    # A non-Wikidata owl:sameAs (here javascript:) is not a Wikidata link.
    assert g.nodes[ent("img-state")]["wikidata"] == ""


@pytest.mark.parametrize(
    ("view", "focus", "depth", "message"),
    [
        ("globe", None, 1, "unknown view 'globe'"),
        ("ego", None, 1, "needs --focus"),
        ("ego", "nobody-at-all", 1, "unknown entity 'nobody-at-all'"),
        ("ego", "China", -1, "--depth must be 0 or more"),
    ],
)
def test_bad_view_arguments_raise_input_error(
    dataset: Dataset, view: str, focus: str | None, depth: int, message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        project(dataset, view, focus=focus, depth=depth)


def test_focus_accepts_iri_prefixed_local_name_and_label(views: dict, dataset: Dataset) -> None:
    for focus in (HEGSETH, "ent:pete-hegseth", "pete-hegseth", "pete hegseth"):
        g = project(dataset, "ego", focus=focus, depth=0)
        assert list(g.nodes) == [HEGSETH], focus


# --- GraphML and GEXF ---


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_keep_nodes_edges_and_attributes(
    views: dict, tmp_path: Path, fmt: str
) -> None:
    g = views["actors"]
    path = write_view(g, tmp_path / f"actors.{fmt}", fmt)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.is_directed() and back.is_multigraph()
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes[CHINA]["wikidata"] == "http://www.wikidata.org/entity/Q148"
    assert back.nodes[CHINA]["class"] == "State"
    quotes = sorted(d["quote"] for _, _, d in back.edges(data=True) if d["relation"] == "criticism")
    assert len(quotes) == 1 and quotes[0].startswith("he addressed ASEAN leaders")
    again = write_view(g, tmp_path / f"again.{fmt}", fmt)
    assert again.read_bytes() == path.read_bytes()
    assert "lastmodifieddate" not in path.read_text(encoding="utf-8")  # no date: reproducible


# --- HTML ---


def test_html_is_self_contained(views: dict) -> None:
    page = render(views["all"], "scs-kg: all")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "bootstrap" not in page.lower() and "cdn" not in re.sub(
        r"[a-z]cdn|cdn[a-z]", "", page.lower()
    )
    assert "sourceMappingURL" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # pyvis's own vis-network, inlined by pyvis's `cdn_resources="in_line"` through our template
    import pyvis

    vis = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    assert vis.read_text(encoding="utf-8").split("\n//# sourceMappingURL=")[0] in page
    # Three script blocks: the data, vis-network, the page's own script; none with a src.
    assert re.findall(r"^<script[^>]*>", page, re.M) == [
        '<script type="application/json" id="kg-data">',
        "<script>",
        "<script>",
    ]


def test_html_is_byte_identical_for_the_same_graph(views: dict, dataset: Dataset) -> None:
    again = project(dataset, "all")
    assert render(again, "t") == render(views["all"], "t")


def test_small_views_are_laid_out_by_the_browser(views: dict) -> None:
    from kg.viz.html import page_data

    for name, g in views.items():
        data = page_data(g, name)
        assert data["positioned"] is False and data["options"]["physics"]["enabled"] is True
        assert not [n for n in data["nodes"] if "x" in n or "y" in n], name


def test_a_large_view_comes_laid_out_the_same_every_time() -> None:
    """Over LARGE nodes: positions computed in Python (rounded, seeded), physics off."""
    from bench.views import synthetic
    from kg.viz.html import page_data
    from kg.viz.layout import LARGE

    g = project(synthetic(800), "all")
    lonely = ent("lonely-state")
    g.add_node(lonely, label="Lonely", **{"class": "State", "group": "Actor", "iri": lonely})
    assert g.number_of_nodes() > LARGE and g.degree(lonely) == 0
    data = page_data(g, "t")
    assert data["positioned"] is True and data["options"]["physics"] == {"enabled": False}
    at = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert all(isinstance(c, int) for xy in at.values() for c in xy)
    assert len(set(at.values())) == len(at)  # no two nodes on one spot
    linked = [xy for n, xy in at.items() if n != lonely]
    assert at[lonely][1] > max(y for _x, y in linked)  # isolated nodes under the graph
    assert min(x for x, _y in linked) <= at[lonely][0] <= max(x for x, _y in linked)
    again = project(synthetic(800), "all")
    again.add_node(lonely, label="Lonely", **{"class": "State", "group": "Actor", "iri": lonely})
    assert render(again, "t") == render(g, "t")
    # The page carries the data compact: only what page.js cannot derive again.
    from kg.viz.html import compact, json_for_script

    small = compact(data)
    assert small["compact"] is True and len(small["nodes"]) == len(data["nodes"])
    assert len(json_for_script(small)) < 0.8 * len(json_for_script(data))
    page = render(g, "t")
    for part in ("nodes", "edges"):  # pyvis's lists, compacted, are what the page carries
        assert f'"{part}":{json_for_script(small[part])}' in page, part
    # and the rest of the compact data, whole, as the page's `view`
    view = {k: v for k, v in small.items() if k not in ("nodes", "edges", "options")}
    assert f'"view":{json_for_script(view)}' in page


def test_pyvis_carries_every_field_of_the_page_unchanged(views: dict) -> None:
    """The page's nodes and edges go through pyvis's Network (add_node, add_edge) and come out
    as the page data says: the same order, every field, the colour of every node kept."""
    from pyvis.network import Network

    from kg.viz.html import network, page_data

    for name, g in views.items():
        data = page_data(g, name)
        net = network(data)
        assert isinstance(net, Network) and net.directed, name
        assert net.get_nodes() == [n["id"] for n in data["nodes"]], name
        assert net.nodes == data["nodes"] and net.edges == data["edges"], name
        assert net.heading == name and net.options == data["options"], name
        assert {n["color"] for n in net.nodes} - {"#cccccc"}, name


def test_html_escapes_every_label_quote_title_and_heading() -> None:
    g = project(open_graph(HOSTILE).dataset, "ego", focus=ent("img-state"), depth=2)
    page = render(g, 'Around <img src=x onerror=alert(1)> "</script>"')
    head, _, rest = page.partition('<script type="application/json" id="kg-data">')
    data, _, _ = rest.partition("</script>")
    for bad in ("<img", "<svg", "<iframe", "<b ", "<i ", "<a ", "</script", "<script"):
        assert bad not in data, bad
        # the head (title and heading) holds no raw tag of the data either
        assert bad not in head.split("<body>", 1)[1], bad
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # A template token inside the data stays as it is (the template is filled in one pass).
    assert '"full":"@@TITLE@@ \\u003csvg onload=alert(9)\\u003e' in data
    # The raw hostile label survives, escaped, in the JSON (it is shown as text).
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in data


# --- CLI ---


def test_cli_writes_a_view_in_each_format(tmp_path: Path) -> None:
    for fmt in ("html", "graphml", "gexf"):
        out = tmp_path / f"claims.{fmt}"
        result = runner.invoke(app, ["viz", "claims", "-o", str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert out.is_file() and out.stat().st_size > 1000
        assert "nodes" in result.output


def test_cli_views_writes_every_view_byte_identically(tmp_path: Path) -> None:
    args = ["views", "--focus", "ent:pete-hegseth", "--focus", "Scarborough Shoal"]
    first, second = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(app, [*args, "--out", str(first)]).exit_code == 0
    assert runner.invoke(app, [*args, "--out", str(second)]).exit_code == 0
    names = sorted(p.name for p in first.iterdir())
    stems = [
        "actors",
        "all",
        "claims",
        "ego-pete-hegseth",
        "ego-scarborough-shoal",
        "map",
        "timeline",
    ]
    views = sorted(f"{s}.{f}" for s in stems for f in ("gexf", "graphml", "html"))
    assert names == sorted([".kg-views.json", *views])  # the views and what wrote them
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_cli_reads_a_users_file(tmp_path: Path) -> None:
    out = tmp_path / "h.graphml"
    result = runner.invoke(
        app, ["viz", "all", "--data", str(HOSTILE), "-o", str(out), "-f", "graphml"]
    )
    assert result.exit_code == 0, result.output
    assert (
        nx.read_graphml(out).number_of_nodes()
        == project(open_graph(HOSTILE).dataset, "all").number_of_nodes()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["viz", "globe"], "unknown view 'globe'"),
        (["viz", "all", "--format", "pdf"], "unknown format 'pdf'"),
        (["viz", "ego", "--focus", "nobody-at-all"], "unknown entity 'nobody-at-all'"),
        (["viz", "all", "--focus", "china"], "--focus applies to the ego view only"),
        (["viz", "all", "--data", "no/such/file.ttl"], "no/such/file.ttl: no such file"),
        (["viz", "all", "--data", "{bad}"], "bad.ttl:1: malformed Turtle"),
        (["viz", "all", "--data", "{odd}"], "unknown RDF format"),
        (["views", "--focus", "nobody-at-all"], "unknown entity 'nobody-at-all'"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is <not turtle\n", encoding="utf-8")
    odd = tmp_path / "graph.xyz"
    odd.write_text("x", encoding="utf-8")
    args = [a.replace("{bad}", str(bad)).replace("{odd}", str(odd)) for a in args]
    result = runner.invoke(app, [*args, "-o" if args[0] == "viz" else "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert not (tmp_path / "x").exists()


def test_the_command_line_imports_no_graph_library_until_a_view_is_drawn() -> None:
    libraries = "('networkx', 'pyvis', 'igraph')"
    code = f"import sys, kg.cli; print(sorted(m for m in {libraries} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
