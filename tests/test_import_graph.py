"""The package's import graph: no cycle between modules, and no module imports a layer above its own.

A document goes ingest -> normalize -> structure -> extract -> check -> export; language helpers sit
below all of them. Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docproc"

# lowest first; a module may import its own layer and the layers below it
LAYERS: list[set[str]] = [
    {"model", "resources", "spans", "prefilter", "jieba_route", "segment", "cells", "labels", "numerals", "messages", "patterns"},
    {"ingest"},
    {"normalize", "columns", "chrome"},
    {"structure", "tables", "table_columns", "metadata", "context"},
    {"extract"},
    {"check"},
    {"export"},
    {"pipeline", "archive", "store", "batch", "dask_engine", "query", "ledger", "learn"},
    {"web", "cli", "__init__", "__main__"},
]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every docproc module this file imports, anywhere in it, as dotted names."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("docproc"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("docproc"):
                mod = node.module
            else:
                continue
            out.add(mod)
            for a in node.names:  # from . import resources: a module, not a name
                cand = f"{mod}.{a.name}"
                if (PACKAGE.parent / (cand.replace(".", "/") + ".py")).exists() or (
                    PACKAGE.parent / cand.replace(".", "/") / "__init__.py"
                ).exists():
                    out.add(cand)
    return {m for m in out if m != "docproc"}


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        graph[name] = {m for m in _imports(path) if m != name}
    return graph


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{module}: no layer; add it to LAYERS in {__file__}")


def test_every_module_has_a_layer() -> None:
    for module in _graph():
        _layer(module)


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
        for a, targets in _graph().items()
        for b in targets
        if _layer(b) > _layer(a)
    ]
    assert not upward, "\n".join(sorted(upward))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` importing its own submodules is how packages are built, not a cycle."""
    return {a: {b for b in bs if not b.startswith(a + ".")} for a, bs in graph.items()}


def test_no_import_cycle() -> None:
    cycles = _cycles(_package_inits(_graph()))
    assert not cycles, cycles


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_cycle_finder(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _cycles(graph) == expected
