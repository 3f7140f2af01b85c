"""The OpenAPI document tells the truth: every route, and every status code it lists."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from api_helpers import create_body, created, give_profile, invite, new_draft, save, score_body
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import start

from rules import load_rulebook
from web.api.models import Error
from web.api.routes import OPERATIONS, Operation

#: (operationId, status) → a request that gets that status. Keys must be exactly the
#: documented pairs: a status documented but never produced fails, and so does the reverse.
#: A probe gets the client and the scene: a submitted assessment and a draft of the browser.
Probe = Callable[[FlaskClient, "Scene"], Any]
MISSING = "A" * 43
BIG = b'{"answers": "' + b"a" * 300_000 + b'"}'
ANSWERS: dict[str, Any] = score_body()["answers"]
DOC = "strategy.document"
PROFILE_BODY = {"profile": {"name": "Nordhaven", "country": "DK", "population": 900000}}
NO_TARGETS = {"levels": {}}
MISSING_KEY = "strategy:strategy.document:nothing_like_it"


@dataclass(frozen=True)
class Scene:
    """What the probes work on: ``token`` is submitted, ``draft`` was started in the browser."""

    token: str
    draft: str


def _reviewer(c: FlaskClient) -> tuple[str, str, int]:
    """A draft, and a colleague invited to it as a reviewer: their token and id."""
    owner = new_draft(c)
    colleague, colleague_id = invite(c, owner, reviewer=True)
    return owner, colleague, colleague_id


def _disputed(c: FlaskClient) -> tuple[str, int]:
    """A draft with a disagreement on ``strategy.document``, and its version."""
    owner, colleague, _ = _reviewer(c)
    assert save(c, owner, 0, answers={DOC: "none"}).status_code == 200
    assert save(c, colleague, 1, answers={DOC: "informal"}).status_code == 200
    return owner, 2


def _asked(c: FlaskClient) -> str:
    """The token of a reviewer asked to review."""
    owner, reviewer, reviewer_id = _reviewer(c)
    asked = c.post(f"/api/v1/assessments/{owner}/review", json={"reviewer_id": reviewer_id})
    assert asked.status_code == 201
    return reviewer


def _verdicts(**queries: str) -> dict[str, Any]:
    verdicts = {d.id: {"verdict": "accepted"} for d in load_rulebook().dimensions}
    return {
        "verdicts": verdicts
        | {d: {"verdict": "queried", "comment": c} for d, c in queries.items()}
    }


def _queried(c: FlaskClient) -> str:
    """The owner's token of a draft whose review queried the staff dimension."""
    owner, reviewer, reviewer_id = _reviewer(c)
    c.post(f"/api/v1/assessments/{owner}/review", json={"reviewer_id": reviewer_id})
    given = c.post(f"/api/v1/assessments/{reviewer}/review/verdicts", json=_verdicts(staff="?"))
    assert given.status_code == 200
    return owner


def _complete(c: FlaskClient) -> str:
    """A draft with its profile and every answer: ready to submit."""
    owner = new_draft(c)
    give_profile(c, owner)
    assert save(c, owner, 0, answers=ANSWERS).status_code == 200
    return owner


def _settle(c: FlaskClient) -> Any:
    owner, version = _disputed(c)
    path = f"/api/v1/assessments/{owner}/disputes/{DOC}"
    return c.post(path, json={"version": version, "choice": 0})


def _revoke(c: FlaskClient) -> Any:
    owner, _colleague, colleague_id = _reviewer(c)
    return c.delete(f"/api/v1/assessments/{owner}/contributors/{colleague_id}")


def _ask(c: FlaskClient) -> Any:
    owner, _colleague, colleague_id = _reviewer(c)
    return c.post(f"/api/v1/assessments/{owner}/review", json={"reviewer_id": colleague_id})


def _edit_action(c: FlaskClient, body: dict[str, Any]) -> Any:
    """PATCH the first action of a new submitted assessment's plan (the default targets')."""
    token = created(c, create_body())["token"]
    key = c.get(f"/api/v1/assessments/{token}/plan").get_json()["actions"][0]["key"]
    return c.patch(f"/api/v1/assessments/{token}/plan/actions/{key}", json=body)


def _bad_bodies(
    operation_id: str, method: str, path: Callable[[Scene], str]
) -> dict[tuple[str, int], Probe]:
    """The 400, 413 and 415 of an operation that takes a body."""

    def call(data: Any, content_type: str | None) -> Probe:
        def probe(c: FlaskClient, s: Scene) -> Any:
            return c.open(path(s), method=method, data=data, content_type=content_type)

        return probe

    return {
        (operation_id, 400): call("{", "application/json"),
        (operation_id, 413): call(BIG, "application/json"),
        (operation_id, 415): call("{}", "text/plain"),
    }


PROBES: dict[tuple[str, int], Probe] = {
    ("getRulebook", 200): lambda c, s: c.get("/api/v1/rulebook"),
    ("scoreAnswers", 200): lambda c, s: c.post("/api/v1/score", json=score_body()),
    ("scoreAnswers", 400): lambda c, s: c.post(
        "/api/v1/score", data="{", content_type="application/json"
    ),
    ("scoreAnswers", 413): lambda c, s: c.post(
        "/api/v1/score", data=BIG, content_type="application/json"
    ),
    ("scoreAnswers", 415): lambda c, s: c.post("/api/v1/score", data="{}"),
    ("scoreAnswers", 422): lambda c, s: c.post("/api/v1/score", json={"answers": {"a": 1}}),
    ("createAssessment", 201): lambda c, s: c.post("/api/v1/assessments", json=create_body()),
    ("createAssessment", 400): lambda c, s: c.post(
        "/api/v1/assessments", data="[", content_type="application/json"
    ),
    ("createAssessment", 413): lambda c, s: c.post(
        "/api/v1/assessments", data=BIG, content_type="application/json"
    ),
    ("createAssessment", 415): lambda c, s: c.post(
        "/api/v1/assessments", data="{}", content_type="text/plain"
    ),
    ("createAssessment", 422): lambda c, s: c.post("/api/v1/assessments", json={}),
    ("getAssessment", 200): lambda c, s: c.get(f"/api/v1/assessments/{s.token}"),
    ("getAssessment", 404): lambda c, s: c.get(f"/api/v1/assessments/{MISSING}"),
    ("getPeers", 200): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/peers"),
    ("getPeers", 404): lambda c, s: c.get(f"/api/v1/assessments/{MISSING}/peers"),
    ("getPeers", 409): lambda c, s: c.get(f"/api/v1/assessments/{s.draft}/peers"),
    ("getPeers", 422): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/peers?k=x"),
    ("getAdvice", 200): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/advice"),
    ("getAdvice", 404): lambda c, s: c.get(f"/api/v1/assessments/{MISSING}/advice"),
    ("getAdvice", 409): lambda c, s: c.get(f"/api/v1/assessments/{s.draft}/advice"),
    ("getAdvice", 422): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/advice?k=0"),
    ("getOpenApi", 200): lambda c, s: c.get("/api/v1/openapi.json"),
    ("getApiDocs", 200): lambda c, s: c.get("/api/v1/docs"),
    # drafts
    ("createDraft", 201): lambda c, s: c.post("/api/v1/drafts"),
    ("putProfile", 200): lambda c, s: c.put(
        f"/api/v1/assessments/{s.draft}/profile", json=PROFILE_BODY
    ),
    **_bad_bodies("putProfile", "PUT", lambda s: f"/api/v1/assessments/{s.draft}/profile"),
    ("putProfile", 404): lambda c, s: c.put(
        f"/api/v1/assessments/{MISSING}/profile", json=PROFILE_BODY
    ),
    ("putProfile", 409): lambda c, s: c.put(
        f"/api/v1/assessments/{s.token}/profile", json=PROFILE_BODY
    ),
    ("putProfile", 422): lambda c, s: c.put(f"/api/v1/assessments/{s.draft}/profile", json={}),
    ("saveAnswers", 200): lambda c, s: save(c, new_draft(c), 0, answers={DOC: "none"}),
    **_bad_bodies("saveAnswers", "PATCH", lambda s: f"/api/v1/assessments/{s.draft}/answers"),
    ("saveAnswers", 404): lambda c, s: save(c, MISSING, 0),
    ("saveAnswers", 409): lambda c, s: save(c, new_draft(c), 7),
    ("saveAnswers", 422): lambda c, s: save(c, s.draft, 0, answers={"a": 1}),
    ("resolveDispute", 200): lambda c, s: _settle(c),
    **_bad_bodies(
        "resolveDispute", "POST", lambda s: f"/api/v1/assessments/{s.draft}/disputes/{DOC}"
    ),
    ("resolveDispute", 404): lambda c, s: c.post(
        f"/api/v1/assessments/{s.draft}/disputes/{DOC}", json={"version": 0, "choice": 0}
    ),
    ("resolveDispute", 409): lambda c, s: c.post(
        f"/api/v1/assessments/{_disputed(c)[0]}/disputes/{DOC}", json={"version": 1, "choice": 0}
    ),
    ("resolveDispute", 422): lambda c, s: c.post(
        f"/api/v1/assessments/{_disputed(c)[0]}/disputes/{DOC}", json={"version": 2, "choice": 5}
    ),
    ("submitAssessment", 200): lambda c, s: c.post(f"/api/v1/assessments/{_complete(c)}/submit"),
    ("submitAssessment", 404): lambda c, s: c.post(f"/api/v1/assessments/{MISSING}/submit"),
    ("submitAssessment", 409): lambda c, s: c.post(f"/api/v1/assessments/{s.token}/submit"),
    ("submitAssessment", 422): lambda c, s: c.post(f"/api/v1/assessments/{s.draft}/submit"),
    # team
    ("inviteContributor", 201): lambda c, s: c.post(
        f"/api/v1/assessments/{s.draft}/contributors", json={"name": "Amira", "role": "EU"}
    ),
    **_bad_bodies(
        "inviteContributor", "POST", lambda s: f"/api/v1/assessments/{s.draft}/contributors"
    ),
    ("inviteContributor", 404): lambda c, s: c.post(
        f"/api/v1/assessments/{MISSING}/contributors", json={"name": "Amira", "role": "EU"}
    ),
    ("inviteContributor", 409): lambda c, s: c.post(
        f"/api/v1/assessments/{s.token}/contributors", json={"name": "Amira", "role": "EU"}
    ),
    ("inviteContributor", 422): lambda c, s: c.post(
        f"/api/v1/assessments/{s.draft}/contributors", json={"name": "Amira"}
    ),
    ("revokeContributor", 200): lambda c, s: _revoke(c),
    ("revokeContributor", 404): lambda c, s: c.delete(
        f"/api/v1/assessments/{s.draft}/contributors/2147483647"
    ),
    ("requestReview", 201): lambda c, s: _ask(c),
    **_bad_bodies("requestReview", "POST", lambda s: f"/api/v1/assessments/{s.draft}/review"),
    ("requestReview", 404): lambda c, s: c.post(
        f"/api/v1/assessments/{MISSING}/review", json={"reviewer_id": 1}
    ),
    ("requestReview", 409): lambda c, s: c.post(
        f"/api/v1/assessments/{s.token}/review", json={"reviewer_id": 1}
    ),
    ("requestReview", 422): lambda c, s: c.post(
        f"/api/v1/assessments/{s.draft}/review", json={"reviewer_id": 2147483647}
    ),
    ("giveVerdicts", 200): lambda c, s: c.post(
        f"/api/v1/assessments/{_asked(c)}/review/verdicts", json=_verdicts()
    ),
    **_bad_bodies(
        "giveVerdicts", "POST", lambda s: f"/api/v1/assessments/{s.draft}/review/verdicts"
    ),
    ("giveVerdicts", 404): lambda c, s: c.post(
        f"/api/v1/assessments/{s.draft}/review/verdicts", json=_verdicts()
    ),
    ("giveVerdicts", 422): lambda c, s: c.post(
        f"/api/v1/assessments/{_asked(c)}/review/verdicts", json=_verdicts(staff="")
    ),
    ("replyToQuery", 200): lambda c, s: c.post(
        f"/api/v1/assessments/{_queried(c)}/review/staff/reply", json={"reply": "Yes."}
    ),
    **_bad_bodies(
        "replyToQuery", "POST", lambda s: f"/api/v1/assessments/{s.draft}/review/staff/reply"
    ),
    ("replyToQuery", 404): lambda c, s: c.post(
        f"/api/v1/assessments/{s.draft}/review/staff/reply", json={"reply": "Yes."}
    ),
    ("replyToQuery", 422): lambda c, s: c.post(
        f"/api/v1/assessments/{_queried(c)}/review/staff/reply", json={"reply": ""}
    ),
    ("getActivity", 200): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/activity"),
    ("getActivity", 404): lambda c, s: c.get(f"/api/v1/assessments/{MISSING}/activity"),
    # targets and the plan
    ("getTargets", 200): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/targets"),
    ("getTargets", 404): lambda c, s: c.get(f"/api/v1/assessments/{MISSING}/targets"),
    ("getTargets", 409): lambda c, s: c.get(f"/api/v1/assessments/{s.draft}/targets"),
    ("putTargets", 200): lambda c, s: c.put(
        f"/api/v1/assessments/{created(c, create_body())['token']}/targets", json=NO_TARGETS
    ),
    **_bad_bodies("putTargets", "PUT", lambda s: f"/api/v1/assessments/{s.token}/targets"),
    ("putTargets", 404): lambda c, s: c.put(
        f"/api/v1/assessments/{MISSING}/targets", json=NO_TARGETS
    ),
    ("putTargets", 409): lambda c, s: c.put(
        f"/api/v1/assessments/{s.draft}/targets", json=NO_TARGETS
    ),
    ("putTargets", 422): lambda c, s: c.put(
        f"/api/v1/assessments/{s.token}/targets", json={"levels": {"nowhere": 3}}
    ),
    ("getPlan", 200): lambda c, s: c.get(f"/api/v1/assessments/{s.token}/plan"),
    ("getPlan", 404): lambda c, s: c.get(f"/api/v1/assessments/{MISSING}/plan"),
    ("getPlan", 409): lambda c, s: c.get(f"/api/v1/assessments/{s.draft}/plan"),
    ("updatePlanAction", 200): lambda c, s: _edit_action(c, {"status": "started"}),
    **_bad_bodies(
        "updatePlanAction",
        "PATCH",
        lambda s: f"/api/v1/assessments/{s.token}/plan/actions/{MISSING_KEY}",
    ),
    ("updatePlanAction", 404): lambda c, s: c.patch(
        f"/api/v1/assessments/{s.token}/plan/actions/{MISSING_KEY}", json={"status": "done"}
    ),
    ("updatePlanAction", 409): lambda c, s: c.patch(
        f"/api/v1/assessments/{s.draft}/plan/actions/{MISSING_KEY}", json={"status": "done"}
    ),
    ("updatePlanAction", 422): lambda c, s: _edit_action(c, {"status": "finished"}),
}
#: Statuses that need an app of their own (a tiny rate limit): see test_api_limits.py.
ELSEWHERE = {(spec.operation_id, 429) for spec in OPERATIONS if spec.rate_limit is not None}


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
    assert len(routes) == len(OPERATIONS) == 23


def test_every_documented_status_is_real(api: FlaskClient, token: str, document: Any) -> None:
    documented = {
        (spec["operationId"], int(status))
        for _method, _path, spec in _operations(document)
        for status in spec["responses"]
    }
    assert documented == set(PROBES) | ELSEWHERE
    scene = Scene(token=token, draft=start(api))
    for (operation_id, status), probe in PROBES.items():
        response = probe(api, scene)
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
                model = _spec(spec["operationId"]).error_models.get(int(status), Error)
                assert schema == {"$ref": f"#/components/schemas/{model.__name__}"}


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


def _spec(operation_id: str) -> Operation:
    return next(spec for spec in OPERATIONS if spec.operation_id == operation_id)


def test_request_examples_in_the_document_are_valid(
    api: FlaskClient, document: dict[str, Any]
) -> None:
    # Every body has an example that its model takes; those of operations on no particular
    # assessment are sent as they are (the schemathesis run sends the others, to assessments
    # it prepares for them).
    for method, path, spec in _operations(document):
        body = spec.get("requestBody")
        if body is None:
            continue
        (example,) = body["content"]["application/json"]["examples"].values()
        model = _spec(spec["operationId"]).body
        assert model is not None
        model.model_validate_json(json.dumps(example["value"]))
        if "{" not in path:
            response = api.open(path, method=method, json=example["value"])
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
