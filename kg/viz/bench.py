"""Benchmark of the graph views: project and render a synthetic 5,000-node view."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg.namespaces import CAMEO, ENT, FACT, KG, NIF, SRC

_ACTOR_CLASSES = [KG.State, KG.Person, KG.Group, KG.MilitaryOrganization]
_EVENT_CLASSES = [KG.Meeting, KG.Conversation, KG.MilitaryExercise, KG.Agreement]
_TYPES = [KG.Criticism, KG.Appeal, KG.Reassurance, KG.Accusation]


def synthetic(nodes: int = 5000) -> Graph:
    """Return a synthetic graph whose `all` view has about `nodes` nodes (deterministic)."""
    g = Graph()
    source = SRC["synthetic"]
    n_actors, n_places = nodes * 2 // 5, nodes // 10
    n_claims, n_events = nodes // 10, nodes // 5
    n_statements = nodes - n_actors - n_places - n_claims - n_events
    actors = [ENT[f"actor-{i}"] for i in range(n_actors)]
    places = [ENT[f"place-{i}"] for i in range(n_places)]
    for i, a in enumerate(actors):
        g.add((a, RDF.type, _ACTOR_CLASSES[i % len(_ACTOR_CLASSES)]))
        g.add((a, RDFS.label, Literal(f"Actor {i}", lang="en")))
    for i, p in enumerate(places):
        g.add((p, RDF.type, KG.MaritimeFeature))
        g.add((p, RDFS.label, Literal(f"Place {i}", lang="en")))
    for i, t in enumerate(_TYPES):
        g.add((t, RDFS.label, Literal(str(t).rsplit("#", 1)[-1].lower(), lang="en")))
        g.add((t, URIRef("http://www.w3.org/2004/02/skos/core#broadMatch"), CAMEO[f"{i + 1:02d}"]))
        g.add((CAMEO[f"{i + 1:02d}"], KG.quadClass, Literal(1 + i % 4)))

    def fact(name: str, cls: URIRef, i: int) -> URIRef:
        node = FACT[f"synthetic/{name}-{i}"]
        span = URIRef(f"{source}#char={i},{i + 10}")
        g.add((node, RDF.type, cls))
        g.add((node, KG.evidence, span))
        g.add((span, NIF.anchorOf, Literal(f"quote of {name} {i}")))
        g.add((node, PROV.hadPrimarySource, source))
        return node

    for i in range(n_claims):
        c = fact("claim", KG.TerritorialClaim, i)
        g.add((c, KG.claimant, actors[(i * 7) % n_actors]))
        g.add((c, KG.claimedPlace, places[i % n_places]))
        contest = fact("contest", KG.ClaimContest, i)
        g.add((contest, KG.contester, actors[(i * 13 + 1) % n_actors]))
        g.add((contest, KG.contestedClaim, c))
    for i in range(n_events):
        e = fact("event", _EVENT_CLASSES[i % len(_EVENT_CLASSES)], i)
        g.add((e, RDFS.label, Literal(f"Event {i}", lang="en")))
        for j in range(3):
            part = FACT[f"synthetic/event-{i}-{j}"]
            g.add((e, KG.participation, part))
            g.add((part, KG.participant, actors[(i * 3 + j * 11) % n_actors]))
    for i in range(n_statements):
        s = fact("statement", KG.Statement, i)
        g.add((s, RDFS.label, Literal(f"Statement {i}", lang="en")))
        g.add((s, KG.speaker, actors[(i * 5) % n_actors]))
        g.add((s, KG.target, actors[(i * 5 + 3) % n_actors]))
        g.add((s, KG.statementType, _TYPES[i % len(_TYPES)]))
    return g


def bench_viz(nodes: int = 5000) -> float:
    """Return the seconds taken to project and write the `all` view of a synthetic graph."""
    from kg.viz import write_view
    from kg.viz.projection import project

    graph = synthetic(nodes)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        view = project(graph, "all")
        write_view(view, Path(tmp) / "all.html", "html")
        return time.perf_counter() - start


def bench_viz_parts(nodes: int = 5000) -> dict[str, float]:
    """Return the seconds of each step (projection, HTML, GraphML, GEXF) on a synthetic graph."""
    from kg.viz import write_view
    from kg.viz.projection import project

    graph = synthetic(nodes)
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        view = project(graph, "all")
        times["project"] = time.perf_counter() - start
        for fmt in ("html", "graphml", "gexf"):
            start = time.perf_counter()
            write_view(view, Path(tmp) / f"all.{fmt}", fmt)
            times[fmt] = time.perf_counter() - start
    times["nodes"] = float(view.number_of_nodes())
    times["edges"] = float(view.number_of_edges())
    return times


if __name__ == "__main__":
    print(bench_viz_parts())
