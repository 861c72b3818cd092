"""No import cycles inside the package (issue 15).

Every ``import`` and ``from … import`` in every module of ``outsourcing`` — at module level,
under ``if TYPE_CHECKING:`` and inside functions alike (a deferred import hides a cycle, it
does not remove it) — makes an edge from the importing module to the module it names; the
graph must have no cycle.  The cap report reads the timeline, never the other way round; the
core plugin uses the hook markers, not the loader.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import outsourcing

ROOT = Path(outsourcing.__file__).parent


def _modules() -> dict[str, tuple[Path, bool]]:
    out: dict[str, tuple[Path, bool]] = {}
    for p in ROOT.rglob("*.py"):
        parts = list(p.relative_to(ROOT.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        out[".".join(parts)] = (p, package)
    return out


def _targets(module: str, package: bool, node: ast.Import | ast.ImportFrom,
             known: dict[str, tuple[Path, bool]]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if node.level:
        base = module.split(".") if package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    out = []
    for a in node.names:
        sub = f"{target}.{a.name}"
        out.append(sub if sub in known else target)
    return [t for t in out if t in known]


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports."""
    known = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, package) in known.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges.update(t for t in _targets(name, package, node, known) if t != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_cycles_finds_a_cycle_of_two_modules() -> None:
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": set()}
    assert cycles(graph) == [["a", "b"]]


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 40  # every module was read
    assert "outsourcing.changes.timeline" in graph["outsourcing.changes.report"]
    assert cycles(graph) == []


def test_the_core_plugin_does_not_import_the_loader() -> None:
    graph = import_graph()
    assert "outsourcing.plugins" not in graph["outsourcing.builtin"]
    assert "outsourcing.hookspecs" in graph["outsourcing.builtin"]
