"""Helpers of the API tests: request bodies built from the example answers, error checks."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import example_answers, make_app

#: The example city of ``examples/answers-established.yaml``, as the API takes it.
PROFILE: dict[str, Any] = {
    "name": "Nordhaven",
    "country": "DK",
    "population": 900000,
    "capital": False,
    "team_size": 5,
}

ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    409: "not_submitted",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def score_body(name: str = "answers-established.yaml") -> dict[str, Any]:
    """A valid body for ``POST /api/v1/score``."""
    data = example_answers(name)
    return {
        "rulebook": data["rulebook"],
        "answers": data["answers"],
        "notes": data.get("notes", {}),
    }


def create_body(**changes: Any) -> dict[str, Any]:
    """A valid body for ``POST /api/v1/assessments``, with top-level ``changes``."""
    body = {**score_body(), "profile": copy.deepcopy(PROFILE), "sharing": "private"}
    body.update(changes)
    return body


def created(client: FlaskClient, body: dict[str, Any]) -> dict[str, Any]:
    """Create an assessment; returns the 201 body."""
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.get_json()
    data: dict[str, Any] = response.get_json()
    return data


def assert_error(response: Any, status: int, *paths: str) -> dict[str, Any]:
    """Check that ``response`` is an API error of ``status`` in the one error shape.

    ``paths`` are the detail paths expected, in order (validation errors only).
    """
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"error", "status"}
    assert body["status"] == status
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == ERROR_CODES[status]
    assert isinstance(error["message"], str) and error["message"].endswith(".")
    assert [d["path"] for d in error["details"]] == list(paths)
    for detail in error["details"]:
        assert set(detail) == {"path", "message"} and detail["message"]
    return body


def make_api_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app for API tests: limits high enough that only the limit tests meet them."""
    settings: dict[str, Any] = {
        "api_write_rate_limit": "100000 per minute",
        "api_score_rate_limit": "100000 per minute",
    }
    settings.update(overrides)
    return make_app(tmp_path, **settings)
