"""Read a YAML file safely and remember the line of every field, for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["YamlSource", "read_yaml"]

FieldPath = tuple[str | int, ...]


@dataclass
class YamlSource:
    """A parsed YAML document with a map from field path to 1-based line number."""

    file: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    #: (path, line) of keys given twice in one mapping — YAML keeps only the last.
    duplicate_keys: list[tuple[FieldPath, int]] = field(default_factory=list)

    def line_of(self, path: FieldPath) -> int | None:
        """Line of ``path``, or of its closest ancestor that exists in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


#: libyaml's safe loader when PyYAML was built with it (the wheels are): ten times faster than
#: the pure-Python one, and the same nodes, lines and data.
_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(Exception):
    """The file is not valid YAML; ``line`` is where the parser gave up."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def read_yaml(path: Path, display_name: str) -> YamlSource:
    """Parse ``path`` with the safe loader and record field lines.

    Raises :class:`YamlSyntaxError` when the text is not YAML.
    """
    text = path.read_text(encoding="utf-8")
    try:
        node, data = _compose_and_construct(text, _FastSafeLoader)
    except yaml.MarkedYAMLError:
        # Parse again with the pure-Python loader: its messages are the ones we document
        # (libyaml words some differently), only broken files pay for it, and should the two
        # ever disagree on a file, the reference loader's reading is the one kept.
        try:
            node, data = _compose_and_construct(text, yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            raise YamlSyntaxError(f"{exc.problem or exc}", line) from exc
    source = YamlSource(file=display_name, data=data)
    if node is not None:
        _record_lines(node, (), source)
    return source


def _compose_and_construct(text: str, loader_class: type[Any]) -> tuple[yaml.Node | None, Any]:
    # One pass: compose the node tree (it has the lines), then build the data from it.
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, path: FieldPath, source: YamlSource) -> None:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                source.duplicate_keys.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            source.lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), source)
