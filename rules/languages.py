"""Which rulebook texts lack a language (``citydip rules check --languages en,fr,…``).

Every text a city reads comes from the rulebook in the language it chose: questions, help,
option labels, next steps, level names and descriptions, dimension titles and descriptions,
stretch steps, gate reasons, indicator labels, consistency messages. A text is a plain
string (English only) or a map of language → text; this lists each one that lacks a
requested language, with the file and line where it is written. The bibliography
(``sources.yaml``) is not translated: publication titles stay as published.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rules import model
from rules.yamlsource import FieldPath, YamlSource, read_yaml

__all__ = ["TEXT_KEYS", "MissingText", "missing_texts"]


def _text_keys() -> frozenset[str]:
    """The field names whose type is a text (a string or a map of language → string)."""
    keys = set()
    for _name, cls in inspect.getmembers(model, inspect.isclass):
        if issubclass(cls, BaseModel) and cls.__module__ == model.__name__:
            for field, info in cls.model_fields.items():
                if "str | dict[str, str]" in str(info.annotation):
                    keys.add(field)
    return frozenset(keys)


TEXT_KEYS = _text_keys()


@dataclass(frozen=True)
class MissingText:
    """A text without some of the languages asked for."""

    file: str
    line: int | None
    path: FieldPath
    languages: tuple[str, ...]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        dotted = ".".join(map(str, self.path))
        return f"{where}: {dotted}: no {', '.join(self.languages)}"


def _lacking(value: Any, languages: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(lang for lang in languages if lang != "en")
    if isinstance(value, dict):
        return tuple(lang for lang in languages if not str(value.get(lang) or "").strip())
    return ()


def _texts(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """(path, value) of every text in a parsed rulebook file."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*path, key)
            if key in TEXT_KEYS and isinstance(value, list):
                yield from (((*here, i), item) for i, item in enumerate(value))
            elif key in TEXT_KEYS and isinstance(value, str | dict):
                yield here, value
            else:
                yield from _texts(value, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _texts(item, (*path, index))


def _files(folder: Path) -> list[Path]:
    return [folder / "rulebook.yaml", *sorted((folder / "dimensions").glob("*.yaml"))]


def missing_texts(folder: Path, languages: Sequence[str]) -> list[MissingText]:
    """Every text of the rulebook in ``folder`` that lacks one of ``languages``."""
    missing = []
    for file in _files(folder):
        source: YamlSource = read_yaml(file, str(file.relative_to(folder.parent)))
        for path, value in _texts(source.data):
            lacking = _lacking(value, languages)
            if lacking:
                missing.append(MissingText(source.file, source.line_of(path), path, lacking))
    return missing
