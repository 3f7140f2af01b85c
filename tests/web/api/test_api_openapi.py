"""The OpenAPI document tells the truth: every route, and every status code it lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from api_helpers import create_body, score_body
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import start

from web.api.routes import OPERATIONS

#: (operationId, status) → a request that gets that status. Keys must be exactly the
#: documented pairs: a status documented but never produced fails, and so does the reverse.
Probe = Callable[[FlaskClient, str, str], Any]
MISSING = "A" * 43
BIG = b'{"answers": "' + b"a" * 300_000 + b'"}'
PROBES: dict[tuple[str, int], Probe] = {
    ("getRulebook", 200): lambda c, t, d: c.get("/api/v1/rulebook"),
    ("scoreAnswers", 200): lambda c, t, d: c.post("/api/v1/score", json=score_body()),
    ("scoreAnswers", 400): lambda c, t, d: c.post(
        "/api/v1/score", data="{", content_type="application/json"
    ),
    ("scoreAnswers", 413): lambda c, t, d: c.post(
        "/api/v1/score", data=BIG, content_type="application/json"
    ),
    ("scoreAnswers", 415): lambda c, t, d: c.post("/api/v1/score", data="{}"),
    ("scoreAnswers", 422): lambda c, t, d: c.post("/api/v1/score", json={"answers": {"a": 1}}),
    ("createAssessment", 201): lambda c, t, d: c.post("/api/v1/assessments", json=create_body()),
    ("createAssessment", 400): lambda c, t, d: c.post(
        "/api/v1/assessments", data="[", content_type="application/json"
    ),
    ("createAssessment", 413): lambda c, t, d: c.post(
        "/api/v1/assessments", data=BIG, content_type="application/json"
    ),
    ("createAssessment", 415): lambda c, t, d: c.post(
        "/api/v1/assessments", data="{}", content_type="text/plain"
    ),
    ("createAssessment", 422): lambda c, t, d: c.post("/api/v1/assessments", json={}),
    ("getAssessment", 200): lambda c, t, d: c.get(f"/api/v1/assessments/{t}"),
    ("getAssessment", 404): lambda c, t, d: c.get(f"/api/v1/assessments/{MISSING}"),
    ("getPeers", 200): lambda c, t, d: c.get(f"/api/v1/assessments/{t}/peers"),
    ("getPeers", 404): lambda c, t, d: c.get(f"/api/v1/assessments/{MISSING}/peers"),
    ("getPeers", 409): lambda c, t, d: c.get(f"/api/v1/assessments/{d}/peers"),
    ("getPeers", 422): lambda c, t, d: c.get(f"/api/v1/assessments/{t}/peers?k=x"),
    ("getAdvice", 200): lambda c, t, d: c.get(f"/api/v1/assessments/{t}/advice"),
    ("getAdvice", 404): lambda c, t, d: c.get(f"/api/v1/assessments/{MISSING}/advice"),
    ("getAdvice", 409): lambda c, t, d: c.get(f"/api/v1/assessments/{d}/advice"),
    ("getAdvice", 422): lambda c, t, d: c.get(f"/api/v1/assessments/{t}/advice?k=0"),
    ("getOpenApi", 200): lambda c, t, d: c.get("/api/v1/openapi.json"),
    ("getApiDocs", 200): lambda c, t, d: c.get("/api/v1/docs"),
}
#: Statuses that need an app of their own (a tiny rate limit): see test_api_limits.py.
ELSEWHERE = {("scoreAnswers", 429), ("createAssessment", 429)}


@pytest.fixture(scope="module")
def document(api_app: Flask) -> dict[str, Any]:
    body: dict[str, Any] = api_app.test_client().get("/api/v1/openapi.json").get_json()
    return body


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, spec in item.items():
            yield method.upper(), path, spec


def test_document_lists_every_api_route_and_no_other(
    api_app: Flask, document: dict[str, Any]
) -> None:
    routes = set()
    for rule in api_app.url_map.iter_rules():
        if rule.rule == "/api/v1" or rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods or ():
                if method not in ("HEAD", "OPTIONS"):
                    routes.add((method, path))
    documented = {(method, path) for method, path, _spec in _operations(document)}
    assert documented == routes
    assert len(routes) == len(OPERATIONS) == 8


def test_every_documented_status_is_real(api: FlaskClient, token: str, document: Any) -> None:
    documented = {
        (spec["operationId"], int(status))
        for _method, _path, spec in _operations(document)
        for status in spec["responses"]
    }
    assert documented == set(PROBES) | ELSEWHERE
    draft = start(api)
    for (operation_id, status), probe in PROBES.items():
        response = probe(api, token, draft)
        assert response.status_code == status, (operation_id, response.get_data(as_text=True))


def test_operations_are_described(document: dict[str, Any]) -> None:
    ids = [spec["operationId"] for _m, _p, spec in _operations(document)]
    assert len(ids) == len(set(ids))
    for _method, _path, spec in _operations(document):
        assert spec["summary"] and spec["description"] and spec["tags"]
        for status, response in spec["responses"].items():
            assert response["description"], (spec["operationId"], status)
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(document))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[-1] in schemas, ref
    assert "$defs" not in str(document)


def test_the_document_says_what_numbers_are(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    profile = schemas["ProfileIn"]["properties"]
    assert profile["population"]["type"] == "integer"  # 2.0 passes, as JSON Schema says
    assert profile["capital"]["type"] == "boolean"
    answers = schemas["ScoreRequest"]["properties"]["answers"]["additionalProperties"]
    assert {v["type"] for v in answers["anyOf"]} == {"string", "number"}  # never boolean
    peers = next(s for m, p, s in _operations(document) if s["operationId"] == "getPeers")
    k = next(p for p in peers["parameters"] if p["name"] == "k")
    assert k["schema"] == {"type": "integer", "minimum": 1, "maximum": 50}


def test_request_examples_in_the_document_are_valid(
    api: FlaskClient, document: dict[str, Any]
) -> None:
    for method, path, spec in _operations(document):
        body = spec.get("requestBody")
        if body is None:
            continue
        example = body["content"]["application/json"]["examples"]["complete"]["value"]
        response = api.open(path, method=method, json=example)
        assert response.status_code in (200, 201), response.get_json()


def test_no_constraint_is_lost_on_the_way_to_json_schema(document: dict[str, Any]) -> None:
    # pydantic writes constraints it cannot place (e.g. `ge` inside a validator) as raw keys,
    # which JSON Schema ignores: the document would then promise more than the server takes.
    def keys(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            yield from node
            for value in node.values():
                yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    schemas = [document["components"]["schemas"]] + [
        p["schema"] for _m, _p, s in _operations(document) for p in s.get("parameters", [])
    ]
    raw = {"ge", "gt", "le", "lt", "min_length", "max_length", "multiple_of"}
    assert not raw & {k for schema in schemas for k in keys(schema) if k not in ("properties",)}
