"""The OpenAPI 3.1 document of the API, generated from the operation table and its models.

Hand-rolled on :func:`pydantic.json_schema.models_json_schema`: request bodies are described in
validation mode, responses in serialization mode, and every ``$defs`` entry is hoisted to
``components/schemas``. The document is built once per app (it names the app's rulebook in
its examples and its rate limits in the text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_number, ngettext
from flask_babel import gettext as _
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from rules import Rulebook
from web import state
from web.api.errors import ERRORS
from web.api.models import ID_MAX, Error
from web.api.routes import OPERATIONS, Operation
from web.api.service import example_answers
from web.settings import Settings

__all__ = [
    "body_too_large",
    "build_document",
    "description_paragraphs",
    "document",
    "rate_text",
]

REF = "#/components/schemas/{model}"
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{43}$"
_EXTENSION = "citydip.api.openapi"

TAGS = [
    {"name": "Rulebook", "description": "The questions, options and levels."},
    {"name": "Scoring", "description": "Score answers without storing anything."},
    {"name": "Assessments", "description": "Store an assessment; read it, its peers, advice."},
    {
        "name": "Drafts",
        "description": "Fill in an assessment step by step, as a team: profile, answers at a "
        "version, disagreements, submission.",
    },
    {
        "name": "Team",
        "description": "Colleagues with tokens of their own, the review, the activity log.",
    },
    {
        "name": "Plan",
        "description": "Targets per dimension and the action plan towards them, once submitted.",
    },
    {"name": "Documentation", "description": "This document, and a page to read it."},
]
_TAG_ORDER = {tag["name"]: i for i, tag in enumerate(TAGS)}

#: The path parameters other than the token: their schema and what they are.
PATH_PARAMETERS: dict[str, tuple[dict[str, Any], str]] = {
    "contributor_id": (
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
        "The colleague's `id` (see `contributors` of the assessment).",
    ),
    "question_id": (
        {"type": "string", "pattern": r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", "maxLength": 100},
        "The id of the disputed question (see `disputes` of the assessment).",
    ),
    "dimension_id": (
        {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 64},
        "The id of the queried dimension (see `review.open_queries` of the assessment).",
    ),
    "key": (
        {
            "type": "string",
            "pattern": r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*:[a-z0-9][a-z0-9_+-]*$",
            "maxLength": 200,
        },
        "The action's `key`: dimension, question and the option aimed at (see `actions` of "
        "`GET .../plan`).",
    ),
}

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
        with force_locale("en"):  # the machine-readable document is English; the page not
            found = build_document(OPERATIONS, book=state.rulebook(), settings=state.settings())
        current_app.extensions[_EXTENSION] = found
    return found


def build_document(
    operations: list[Operation], *, book: Rulebook, settings: Settings
) -> dict[str, Any]:
    """The OpenAPI 3.1 document describing ``operations``."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Error, "serialization")]
    operations = sorted(operations, key=lambda spec: _TAG_ORDER.get(spec.tag, len(TAGS)))
    for spec in operations:
        if spec.body is not None:
            wanted.append((spec.body, "validation"))
        if spec.response is not None:
            wanted.append((spec.response, "serialization"))
        wanted += [(model, "serialization") for model in spec.error_models.values()]
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
    return "\n\n".join(description_paragraphs(book, settings))


def description_paragraphs(book: Rulebook, settings: Settings) -> list[str]:
    """The document's introduction, paragraph by paragraph, in the current language."""
    return [
        _(
            "Everything the browser flow does, as JSON. The server scores with the rulebook "
            "`%(id)s` version %(version)s; `GET /api/v1/rulebook` gives its questions.",
            id=book.id,
            version=book.version,
        ),
        _(
            "**Errors.** Every error has one shape: `%(shape)s`. `details` lists each problem "
            "of a 422 with the dotted path of its field (`answers.strategy.document`, "
            "`profile.population`, `query.k`); it is empty otherwise. Unknown paths under "
            "`/api/v1` answer 404 and unknown methods 405 (with `Allow`) in this shape.",
            shape='{"error": {"code": "...", "message": "...", "details": [{"path": "...", '
            '"message": "..."}]}, "status": N}',
        ),
        _(
            '**Numbers.** JSON numbers only: `true`, `false` and strings such as `"5"` are '
            "not numbers. An integer field takes `2` or `2.0` (any number with a zero "
            "fraction, as JSON Schema defines `integer`) and rejects `2.5`. Unknown fields "
            "are rejected."
        ),
        _(
            "**Bodies** are JSON (`Content-Type: application/json`; anything else gets 415) "
            "of at most %(bytes)s bytes (413 beyond).",
            bytes=format_number(settings.max_content_length),
        ),
        _(
            "**Rate limits** per client address and per operation: each write (creating "
            "assessments and drafts, saving, inviting, reviewing, submitting, setting "
            "targets, recording actions) %(writes)s, scoring %(scores)s. Over the limit: 429 "
            "with `Retry-After` (seconds). Limits are counted per server process unless "
            "`CITYDIP_RATELIMIT_STORAGE_URI` names a shared store (e.g. Redis).",
            writes=rate_text(settings.api_write_rate_limit),
            scores=rate_text(settings.api_score_rate_limit),
        ),
        _(
            "**Tokens.** Creating an assessment or a draft returns its owner's secret token "
            "once, and inviting a colleague returns the colleague's token once; only their "
            "hashes are stored. Anyone with a token can read the assessment: keep it like a "
            "password. A colleague's token reads the assessment and its activity log, saves "
            "answers and gives the review it is asked for (once the assessment is submitted, "
            "it reads only the log); every other operation is the owner's and answers 404 to "
            "it, as to a wrong, expired or revoked token."
        ),
        _(
            "**Versions.** Every save of answers carries the `version` it was made on; when "
            "someone saved since, nothing is stored and the 409 (`version_conflict`) carries "
            "the answers as stored now, so no save silently overwrites another."
        ),
    ]


_RATE = re.compile(r"\s*(\d+)\s*(?:per|/)\s*(second|minute|hour|day)\s*")


def rate_text(limit: str) -> str:
    """A rate limit setting ("60 per minute") in the current language; another form of it
    ("10 per 15 minutes", "5/hour;100/day") as it was written."""
    found = _RATE.fullmatch(limit)
    if found is None:
        return limit
    n, unit = int(found[1]), found[2]
    texts = {
        "second": ngettext("%(num)s request a second", "%(num)s requests a second", n),
        "minute": ngettext("%(num)s request a minute", "%(num)s requests a minute", n),
        "hour": ngettext("%(num)s request an hour", "%(num)s requests an hour", n),
        "day": ngettext("%(num)s request a day", "%(num)s requests a day", n),
    }
    return texts[unit]


def body_too_large(settings: Settings) -> str:
    """The 413 response's text, in the current language."""
    return _(
        "The body is larger than %(bytes)s bytes.",
        bytes=format_number(settings.max_content_length),
    )


def _examples(book: Rulebook) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Request model name → (example key, summary, value): valid bodies for this rulebook."""
    answers = example_answers(book)
    if answers is None:
        return {}
    first = book.dimensions[0]
    page = {q.id: answers[q.id] for q in first.questions if q.id in answers}
    noted = next(iter(page))
    dimensions = [d.id for d in book.dimensions]
    return {
        "ScoreRequest": (
            "complete",
            "A complete, valid set of answers",
            {"rulebook": book.id, "answers": answers},
        ),
        "CreateAssessmentRequest": (
            "complete",
            "A complete, valid set of answers",
            {"profile": EXAMPLE_PROFILE, "answers": answers, "sharing": "private"},
        ),
        "ProfileRequest": (
            "profile",
            "A city that stays out of the peer pool",
            {"profile": EXAMPLE_PROFILE, "sharing": "private"},
        ),
        "AnswersPatch": (
            "page",
            f"The answers of one dimension ({first.id}), a note and a link",
            {
                "version": 0,
                "answers": page,
                "notes": {noted: "Adopted by the city council; see the minutes."},
                "evidence": {noted: {"link": "https://example.org/council/minutes.pdf"}},
            },
        ),
        "ChooseAnswerRequest": (
            "choice",
            "The first answer given",
            {"version": 0, "choice": 0},
        ),
        "InvitationRequest": (
            "colleague",
            "A colleague asked to answer one dimension",
            {"name": "Amira Haddad", "role": "EU affairs", "dimensions": dimensions[-1:]},
        ),
        "ReviewAskRequest": ("reviewer", "A colleague invited as a reviewer", {"reviewer_id": 1}),
        "VerdictsRequest": (
            "verdicts",
            "One query, everything else accepted",
            {
                "verdicts": {d: {"verdict": "accepted", "comment": ""} for d in dimensions[1:]}
                | {dimensions[0]: {"verdict": "queried", "comment": "Is the strategy adopted?"}}
            },
        ),
        "ReplyRequest": (
            "reply",
            "A reply to a query",
            {"reply": "Yes: the council adopted it in March; the minutes are linked."},
        ),
        "TargetsRequest": (
            "targets",
            "Targets in two dimensions, to reach in a year",
            {
                "levels": {dimensions[0]: 4, dimensions[1]: 3},
                "date": (date.today() + timedelta(days=365)).isoformat(),
            },
        ),
        "ActionPatch": (
            "action",
            "Someone takes the action on",
            {"owner": "Amira Haddad, EU affairs", "due": "2027-03-31", "status": "started"},
        ),
    }


def _operation(
    spec: Operation,
    refs: Mapping[tuple[Any, JsonSchemaMode], Any],
    settings: Settings,
    examples: dict[str, tuple[str, str, dict[str, Any]]],
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
            key, summary, value = example
            media["examples"] = {key: {"summary": summary, "value": value}}
        entry["requestBody"] = {"required": True, "content": {"application/json": media}}
    entry["responses"] = _responses(spec, refs, settings)
    return entry


def _path_parameters(spec: Operation) -> list[dict[str, Any]]:
    parameters = []
    for name in spec.path_parameters:
        if name == "token":
            schema: dict[str, Any] = {"type": "string", "pattern": TOKEN_PATTERN}
            description = (
                "A secret token: the owner's, returned when the assessment or draft was "
                "created (also the last part of its resume link), or — where the operation "
                "says so — a colleague's, returned when they were invited."
            )
        else:
            assert name in PATH_PARAMETERS, f"describe the path parameter {name!r}"
            schema, description = PATH_PARAMETERS[name]
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": description,
                "schema": schema,
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
    for status in spec.error_statuses:
        text = spec.error_texts.get(status) or _ERROR_TEXT.get(status) or ERRORS[status][1]
        if status == 413:
            text = body_too_large(settings)
        error_ref = refs[(spec.error_models.get(status, Error), "serialization")]
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
