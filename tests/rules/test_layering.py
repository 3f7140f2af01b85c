"""The layers stay apart: rules is a pure core, benchmark builds on it, web sits on top."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

#: package → top-level packages it must never import
FORBIDDEN = {
    "rules": {"benchmark", "web", "flask", "sqlite3", "requests", "httpx"},
    "benchmark": {"web", "flask"},
}


def imported_modules(file: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``file``, nested ones included."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def python_files(package: str) -> list[Path]:
    """Every .py file of ``package``, at any depth."""
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upper_layers(package: str) -> None:
    files = python_files(package)
    assert files, f"no Python files found in {package}/"
    offending = [
        f"{file.relative_to(ROOT)}:{line} imports {module}"
        for file in files
        for line, module in imported_modules(file)
        if module.split(".")[0] in FORBIDDEN[package]
    ]
    assert offending == []


def test_import_scanner_sees_nested_and_aliased_imports(tmp_path: Path) -> None:
    file = tmp_path / "sample.py"
    file.write_text(
        "import os.path as p\n"
        "from web.cli import cli\n"
        "from . import sibling\n"
        "def f():\n"
        "    import benchmark.record\n",
        encoding="utf-8",
    )
    assert sorted(imported_modules(file)) == [
        (1, "os.path"),
        (2, "web.cli"),
        (5, "benchmark.record"),
    ]


def test_every_public_name_of_rules_resolves() -> None:
    import rules

    assert sorted(rules.__all__) == sorted(rules._HOMES)
    for name in rules.__all__:
        assert getattr(rules, name) is not None, name


#: our top-level packages: the import graph among their modules must have no cycle
OURS = ("rules", "benchmark", "web")


def module_name(file: Path) -> str:
    """``web/storage/pool.py`` → ``web.storage.pool``; ``web/api/__init__.py`` → ``web.api``."""
    parts = list(file.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports, at any depth of the file (lazy imports too).

    ``from web import storage`` is an import of ``web.storage`` when that is a module, and of
    the package ``web`` otherwise.
    """
    modules = {module_name(f): f for package in OURS for f in python_files(package)}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, file in modules.items():
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [
                    f"{node.module}.{a.name}"
                    if f"{node.module}.{a.name}" in modules
                    else node.module
                    for a in node.names
                ]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as [a, b, ..., a], or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_our_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph()
    assert {"web.app", "web.security", "web.api.limits", "web.errors"} <= set(graph)
    assert find_cycle(graph) == []


def test_cycle_finder_finds_the_cycle_issue_9_named() -> None:
    # web/app.py ↔ web/security.py ↔ web/api/limits.py through StartupError, as it was
    graph = {
        "web.app": {"web.security", "web.api.limits"},
        "web.security": {"web.app"},
        "web.api.limits": {"web.app"},
        "web.errors": set(),
    }
    assert find_cycle(graph) == ["web.api.limits", "web.app", "web.api.limits"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []
