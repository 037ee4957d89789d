"""Modules import only downwards: the import graph of kg/, counting every `import` and `from`
that runs anywhere in a file (inside functions too; not those under `if TYPE_CHECKING:`, which
never run), has no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import kg

ROOT = Path(kg.__file__).parent


def _module(path: Path) -> str:
    parts = ["kg", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The kg modules a file imports, wherever the statement is."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's package, `level` steps up
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from kg import build` imports the module kg.build, `from kg.x import f` kg.x
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import kg.viz.html` -> kg.viz.html
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module of kg/ and the kg modules it imports (not counting its own packages)."""
    files = {_module(p): p for p in ROOT.rglob("*.py")}
    modules = set(files)
    return {name: _imports(path, modules) for name, path in files.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_import_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    # kg.engines.open imports the remote engine inside open_engine, kg.cli its commands' modules
    assert "kg.engines.remote" in graph["kg.engines.open"]
    assert "kg.graph" in graph["kg.cli.common"]
    assert "kg.graph" in graph["kg.cli.query"]
    assert "kg.build" not in graph["kg.engines.base"]  # under TYPE_CHECKING only


def test_a_cycle_would_be_found() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert cycles({"a": {"b"}, "b": {"a", "c"}, "c": set()}) == {frozenset({"a", "b"})}


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The modules that import one another, directly or not (strongly connected, two or more)."""
    found: set[frozenset[str]] = set()
    for node in sorted(graph):
        reach = {node}
        todo = [node]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in reach:
                    reach.add(nxt)
                    todo.append(nxt)
        group = frozenset(m for m in reach if m != node and _reaches(graph, m, node)) | {node}
        if len(group) > 1:
            found.add(group)
    return found


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def test_no_module_of_kg_imports_itself_back() -> None:
    assert cycles(import_graph()) == set()
