"""The OpenAPI 3.1 document of the API, generated from the operation table and its models.

Hand-rolled on :func:`pydantic.json_schema.models_json_schema`: request bodies are described in
validation mode, responses in serialization mode, and every ``$defs`` entry is hoisted to
``components/schemas``. The document is built once per app (it names the app's rulebook in
its examples and its rate limits in the text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from rules import Rulebook
from web import state
from web.api.errors import ERRORS
from web.api.models import Error
from web.api.routes import OPERATIONS, Operation
from web.api.service import example_answers
from web.settings import Settings

__all__ = ["build_document", "document"]

REF = "#/components/schemas/{model}"
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{43}$"
_EXTENSION = "citydip.api.openapi"

TAGS = [
    {"name": "Rulebook", "description": "The questions, options and levels."},
    {"name": "Scoring", "description": "Score answers without storing anything."},
    {"name": "Assessments", "description": "Store an assessment; read it, its peers, advice."},
    {"name": "Documentation", "description": "This document, and a page to read it."},
]

EXAMPLE_PROFILE = {
    "name": "Nordhaven",
    "country": "DK",
    "population": 900000,
    "capital": False,
}


def document() -> dict[str, Any]:
    """The OpenAPI document of the current app (built on first use)."""
    found: dict[str, Any] | None = current_app.extensions.get(_EXTENSION)
    if found is None:
        found = build_document(OPERATIONS, book=state.rulebook(), settings=state.settings())
        current_app.extensions[_EXTENSION] = found
    return found


def build_document(
    operations: list[Operation], *, book: Rulebook, settings: Settings
) -> dict[str, Any]:
    """The OpenAPI 3.1 document describing ``operations``."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Error, "serialization")]
    for spec in operations:
        if spec.body is not None:
            wanted.append((spec.body, "validation"))
        if spec.response is not None:
            wanted.append((spec.response, "serialization"))
    refs, definitions = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    examples = _examples(book)
    paths: dict[str, dict[str, Any]] = {}
    for spec in operations:
        item = paths.setdefault(spec.path, {})
        item[spec.method.lower()] = _operation(spec, refs, settings, examples)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "City Diplomacy Capacity Toolkit API",
            "version": "1.0",
            "summary": "Score city-diplomacy self-assessments and find peer cities.",
            "description": _description(book, settings),
        },
        "servers": [{"url": "/", "description": "this server"}],
        "tags": TAGS,
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }


def _description(book: Rulebook, settings: Settings) -> str:
    return f"""\
Everything the browser flow does, as JSON. The server scores with the rulebook
`{book.id}` version {book.version}; `GET /api/v1/rulebook` gives its questions.

**Errors.** Every error has one shape:
`{{"error": {{"code": "...", "message": "...", "details": [{{"path": "...", "message": "..."}}]}},
"status": N}}`. `details` lists each problem of a 422 with the dotted path of its field
(`answers.strategy.document`, `profile.population`, `query.k`); it is empty otherwise.
Unknown paths under `/api/v1` answer 404 and unknown methods 405 (with `Allow`) in this shape.

**Numbers.** JSON numbers only: `true`, `false` and strings such as `"5"` are not numbers.
An integer field takes `2` or `2.0` (any number with a zero fraction, as JSON Schema defines
`integer`) and rejects `2.5`. Unknown fields are rejected.

**Bodies** are JSON (`Content-Type: application/json`; anything else gets 415) of at most
{settings.max_content_length:,} bytes (413 beyond).

**Rate limits** per client address: creating assessments {settings.api_write_rate_limit},
scoring {settings.api_score_rate_limit}. Over the limit: 429 with `Retry-After` (seconds).
Limits are counted per server process unless `CITYDIP_RATELIMIT_STORAGE_URI` names a shared
store (e.g. Redis).

**Tokens.** Creating an assessment returns its secret resume token once; only its hash is
stored. Anyone with the token can read the assessment: keep it like a password.
"""


def _examples(book: Rulebook) -> dict[str, dict[str, Any]]:
    answers = example_answers(book)
    if answers is None:
        return {}
    return {
        "ScoreRequest": {"rulebook": book.id, "answers": answers},
        "CreateAssessmentRequest": {
            "profile": EXAMPLE_PROFILE,
            "answers": answers,
            "sharing": "private",
        },
    }


def _operation(
    spec: Operation,
    refs: Mapping[tuple[Any, JsonSchemaMode], Any],
    settings: Settings,
    examples: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "description": spec.description,
        "tags": [spec.tag],
    }
    parameters = _path_parameters(spec) + _query_parameters(spec)
    if parameters:
        entry["parameters"] = parameters
    if spec.body is not None:
        media: dict[str, Any] = {"schema": refs[(spec.body, "validation")]}
        example = examples.get(spec.body.__name__)
        if example is not None:
            media["examples"] = {
                "complete": {"summary": "A complete, valid set of answers", "value": example}
            }
        entry["requestBody"] = {"required": True, "content": {"application/json": media}}
    entry["responses"] = _responses(spec, refs, settings)
    return entry


def _path_parameters(spec: Operation) -> list[dict[str, Any]]:
    parameters = []
    for name in spec.path_parameters:
        assert name == "token", f"describe the path parameter {name!r}"
        parameters.append(
            {
                "name": "token",
                "in": "path",
                "required": True,
                "description": "The secret resume token returned when the assessment was "
                "created (also the last part of its resume link).",
                "schema": {"type": "string", "pattern": TOKEN_PATTERN},
            }
        )
    return parameters


def _query_parameters(spec: Operation) -> list[dict[str, Any]]:
    if spec.query is None:
        return []
    schema = spec.query.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", "")
        prop.pop("title", None)
        if prop.get("default", "") is None:
            del prop["default"]
        # An optional parameter is simply left out: `null` is not a value a query can hold.
        variants = [v for v in prop.pop("anyOf", []) if v != {"type": "null"}]
        if len(variants) == 1:
            prop.update(variants[0])
        elif variants:
            prop["anyOf"] = variants
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": description,
                "schema": prop,
            }
        )
    return parameters


_ERROR_TEXT = {
    400: "The body is not valid JSON.",
    404: "No assessment has this token: it is wrong, or has expired.",
    409: "The assessment is still a draft: submit it first.",
    415: "The body was not sent as `application/json`.",
    422: "The body or the query has problems; `details` lists each one with its path.",
    429: "Too many requests from this address; `Retry-After` says how many seconds to wait.",
}


def _responses(
    spec: Operation, refs: Mapping[tuple[Any, JsonSchemaMode], Any], settings: Settings
) -> dict[str, Any]:
    if spec.response is not None:
        schema = refs[(spec.response, "serialization")]
    elif spec.media_type == "application/json":
        schema = {"type": "object"}
    else:
        schema = {"type": "string"}
    success: dict[str, Any] = {
        "description": spec.summary,
        "content": {spec.media_type: {"schema": schema}},
    }
    if spec.success_headers:
        success["headers"] = {
            name: {"description": text, "required": True, "schema": {"type": "string"}}
            for name, text in spec.success_headers.items()
        }
    responses: dict[str, Any] = {str(spec.success): success}
    error_ref = refs[(Error, "serialization")]
    for status in spec.error_statuses:
        text = _ERROR_TEXT.get(status) or ERRORS[status][1]
        if status == 413:
            text = f"The body is larger than {settings.max_content_length:,} bytes."
        response: dict[str, Any] = {
            "description": text,
            "content": {"application/json": {"schema": error_ref}},
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        responses[str(status)] = response
    return responses
