"""Helpers of the API tests: request bodies built from the example answers, error checks."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import csrf_token, example_answers, make_app

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


def assert_error(
    response: Any, status: int, *paths: str, code: str | None = None
) -> dict[str, Any]:
    """Check that ``response`` is an API error of ``status`` in the one error shape.

    ``paths`` are the detail paths expected, in order (validation errors only); ``code``
    the error's code when it is not the status's usual one. A version conflict carries the
    answers stored now (``current``) beside the shape.
    """
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    assert set(body) == (
        {"error", "status", "current"} if "current" in body else {"error", "status"}
    )
    assert body["status"] == status
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == (code or ERROR_CODES[status])
    assert isinstance(error["message"], str) and error["message"].endswith(".")
    assert [d["path"] for d in error["details"]] == list(paths)
    for detail in error["details"]:
        assert set(detail) == {"path", "message"} and detail["message"]
    return body


def new_draft(client: FlaskClient) -> str:
    """Start an empty draft through the API; returns the owner's token."""
    response = client.post("/api/v1/drafts")
    assert response.status_code == 201, response.get_json()
    token: str = response.get_json()["token"]
    return token


def give_profile(client: FlaskClient, token: str, sharing: str = "private") -> None:
    """Give the draft of ``token`` the example city's profile (the team size is an answer)."""
    profile = {k: v for k, v in PROFILE.items() if k != "team_size"}
    response = client.put(
        f"/api/v1/assessments/{token}/profile", json={"profile": profile, "sharing": sharing}
    )
    assert response.status_code == 200, response.get_json()


def invite(client: FlaskClient, token: str, **changes: Any) -> tuple[str, int]:
    """Invite a colleague to the draft of ``token``; returns their token and id."""
    body = {"name": "Amira Haddad", "role": "EU affairs", **changes}
    response = client.post(f"/api/v1/assessments/{token}/contributors", json=body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    return data["token"], data["contributor"]["id"]


def save(client: FlaskClient, token: str, version: int, **changes: Any) -> Any:
    """PATCH the answers of the draft of ``token`` at ``version``; returns the response."""
    return client.patch(
        f"/api/v1/assessments/{token}/answers", json={"version": version, **changes}
    )


def version_of(client: FlaskClient, token: str) -> int:
    """The answers' version of the assessment of ``token``, as its holder reads it."""
    version: int = client.get(f"/api/v1/assessments/{token}").get_json()["version"]
    return version


def reassess(client: FlaskClient, token: str) -> str:
    """Start a re-assessment of the submitted assessment of ``token`` with the results page's
    button, as a city does (the API has no operation for it); returns the new draft's token.
    The draft keeps the answers and profile: change answers with ``PATCH``, then submit."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/results")}
    response = client.post(f"/a/{token}/reassess", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r".*/a/([A-Za-z0-9_-]{43})/check", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def make_api_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app for API tests: limits high enough that only the limit tests meet them."""
    settings: dict[str, Any] = {
        "api_write_rate_limit": "100000 per minute",
        "api_score_rate_limit": "100000 per minute",
    }
    settings.update(overrides)
    return make_app(tmp_path, **settings)
