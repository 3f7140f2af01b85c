"""The readable API page: the OpenAPI document turned into plain data for a Jinja template.

Server-rendered HTML only — no script, no CDN — so the page works under the site's strict
Content Security Policy like every other page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from web import state
from web.api.openapi import body_too_large, description_paragraphs
from web.urls import public_root

__all__ = ["docs_context", "inline_markdown"]

#: `code` (also ``code`` and :role:`code`, as docstrings write it) and **bold**
_INLINE = re.compile(r"(?::[a-z]+:)?``?([^`]+)``?|\*\*([^*]+)\*\*")


def _where(place: str) -> str:
    """Where a parameter goes, as the page says it."""
    return {"path": gettext("path"), "query": gettext("query")}.get(place, place)


def _prose(text: str) -> str:
    """A text of the English document in the request's language (its messages are extracted
    by :mod:`web.api.openapi_messages`); an empty text stays empty."""
    return gettext(text) if text else text


def inline_markdown(text: str) -> Markup:
    """``code`` and **bold** of a description as HTML; everything else is escaped."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(str(escape(text[position : match.start()])))
        code, bold = match.groups()
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        else:
            out.append(f"<strong>{escape(bold)}</strong>")
        position = match.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def paragraphs(text: str) -> list[Markup]:
    """The paragraphs of a description (separated by blank lines), lines joined."""
    parts = re.split(r"\n\s*\n", text.strip())
    return [inline_markdown(" ".join(p.split())) for p in parts if p.strip()]


@dataclass(frozen=True)
class Parameter:
    """One path or query parameter."""

    name: str
    where: str
    required: bool
    description: Markup
    schema: str


@dataclass(frozen=True)
class Reply:
    """One documented response."""

    status: str
    description: Markup
    media_type: str
    schema: str | None
    headers: list[str]


@dataclass(frozen=True)
class OperationView:
    """One operation as the page shows it."""

    anchor: str
    method: str
    path: str
    summary: str
    description: list[Markup]
    parameters: list[Parameter]
    body_schema: str | None
    body_example: str | None
    replies: list[Reply]
    curl: str


@dataclass(frozen=True)
class SchemaView:
    """One component schema, pretty-printed."""

    name: str
    description: str
    text: str


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    if ref:
        return str(ref).rsplit("/", 1)[-1]
    return json.dumps(schema, ensure_ascii=False)


def _example_value(schema: dict[str, Any]) -> str:
    if "default" in schema:
        return str(schema["default"])
    if "enum" in schema:
        return str(schema["enum"][0])
    return "5" if schema.get("type") == "integer" else "x"


def _curl(method: str, path: str, has_body: bool, query: list[str]) -> str:
    base = public_root()
    target = path.replace("{token}", "$TOKEN")
    if query:
        target += "?" + "&".join(query)
    if has_body:
        return (
            f"curl -s -X {method} '{base}{target}' \\\n"
            "  -H 'Content-Type: application/json' --data @body.json"
        )
    return f"curl -s '{base}{target}'"


def _operation(path: str, method: str, spec: dict[str, Any]) -> OperationView:
    parameters = [
        Parameter(
            name=p["name"],
            where=_where(p["in"]),
            required=bool(p.get("required")),
            description=inline_markdown(_prose(p.get("description", ""))),
            schema=json.dumps(p["schema"], ensure_ascii=False),
        )
        for p in spec.get("parameters", [])
    ]
    body = spec.get("requestBody", {}).get("content", {}).get("application/json")
    example = None
    if body and body.get("examples"):
        first = next(iter(body["examples"].values()))["value"]
        example = json.dumps(first, indent=2, ensure_ascii=False)
    replies = []
    for status, reply in spec["responses"].items():
        media_type, content = next(iter(reply["content"].items()))
        replies.append(
            Reply(
                status=status,
                description=inline_markdown(
                    body_too_large(state.settings())
                    if status == "413"
                    else _prose(reply["description"])
                ),
                media_type=media_type,
                schema=_schema_name(content["schema"]) if "$ref" in content["schema"] else None,
                headers=sorted(reply.get("headers", {})),
            )
        )
    query = [
        f"{p['name']}={_example_value(p['schema'])}"
        for p in spec.get("parameters", [])
        if p["in"] == "query"
    ]
    return OperationView(
        anchor=spec["operationId"],
        method=method.upper(),
        path=path,
        summary=_prose(spec["summary"]),
        description=paragraphs(_prose(spec.get("description", ""))),
        parameters=parameters,
        body_schema=_schema_name(body["schema"]) if body else None,
        body_example=example,
        replies=replies,
        curl=_curl(method.upper(), path, body is not None, query),
    )


def docs_context(document: dict[str, Any]) -> dict[str, Any]:
    """What the ``api_docs.html`` template shows for ``document``."""
    operations = [
        _operation(path, method, spec)
        for path, item in document["paths"].items()
        for method, spec in item.items()
    ]
    schemas = {
        name: SchemaView(
            name=name,
            description=_prose(str(schema.get("description", ""))),
            text=json.dumps(schema, indent=2, ensure_ascii=False),
        )
        for name, schema in sorted(document["components"]["schemas"].items())
    }
    return {
        "info": {
            "title": _prose(document["info"]["title"]),
            "summary": _prose(document["info"]["summary"]),
        },
        "description": [
            inline_markdown(text)
            for text in description_paragraphs(state.rulebook(), state.settings())
        ],
        "operations": operations,
        "schemas": list(schemas.values()),
        "openapi_version": document["openapi"],
    }
