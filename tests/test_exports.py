"""Every serialization reparses to the built graph; quad formats keep every graph name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.export import CONTEXT_FILE, SERIALIZATIONS
from kg.namespaces import VOID
from kg.validate import union

from .conftest import run_kg


def _graphs(ds: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.mark.parametrize(("name", "fmt", "named"), SERIALIZATIONS)
def test_serialization_reparses_isomorphic(
    dataset: Dataset, out_dir: Path, name: str, fmt: str, named: bool
) -> None:
    path = out_dir / name
    if named:
        parsed = Dataset()
        parsed.parse(path, format=fmt)
        want, got = _graphs(dataset), _graphs(parsed)
        assert sorted(got) == sorted(want), "graph names must survive"
        for graph_name, graph in want.items():
            assert isomorphic(graph, got[graph_name]), graph_name
    else:
        parsed_graph = Graph().parse(path, format=fmt)
        assert isomorphic(parsed_graph, union(dataset))


def test_jsonld_uses_the_local_context_file(out_dir: Path) -> None:
    doc = json.loads((out_dir / "scs-kg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == CONTEXT_FILE
    context = json.loads((out_dir / CONTEXT_FILE).read_text(encoding="utf-8"))
    assert context["@context"]["kg"] == "https://w3id.org/scs-kg/ontology#"
    assert "http" not in json.dumps(doc["@context"])


def test_void_counts_match_the_dataset(dataset: Dataset, out_dir: Path) -> None:
    void = Graph().parse(out_dir / "void.ttl")
    triples = int(next(void.objects(None, VOID.triples)))
    assert triples == len(union(dataset))
    dumps = {str(o).rsplit("/", 1)[-1] for o in void.objects(None, VOID.dataDump)}
    assert {name for name, _, _ in SERIALIZATIONS} <= dumps
    assert all((out_dir / d).is_file() for d in dumps)
    assert len(list(void.objects(None, VOID.classPartition))) > 10


def _build(out: Path, seed: str) -> None:
    run_kg(["build", "--out", str(out)], seed)


def test_two_builds_write_the_same_bytes(tmp_path: Path) -> None:
    _build(tmp_path / "a", "1")
    _build(tmp_path / "b", "2")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) >= 12
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
