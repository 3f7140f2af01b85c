"""JSON Schemas of the rulebook files and answer files, for editors that validate YAML."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from rules.answers import Answers
from rules.cases import Case
from rules.model import Dimension, RulebookManifest

__all__ = ["FILE_MODELS", "json_schema"]

#: Which model validates which kind of file.
FILE_MODELS: dict[str, type[BaseModel]] = {
    "rulebook": RulebookManifest,
    "dimension": Dimension,
    "case": Case,
    "answers": Answers,
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file: rulebook, dimension, case, answers."""
    try:
        model = FILE_MODELS[kind]
    except KeyError:
        raise ValueError(
            f"no schema for '{kind}'; choose one of: {', '.join(FILE_MODELS)}"
        ) from None
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", f"City diplomacy {kind} file")
    return schema
