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
