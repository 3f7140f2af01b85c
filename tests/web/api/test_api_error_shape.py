"""The one error shape: every kind of API error, each with the exact paths the client sees."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import assert_error, create_body, make_api_app, score_body
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import start
from werkzeug.exceptions import Unauthorized

from web import storage
from web.api import service

Request = Callable[[FlaskClient, str], Any]
MISSING_TOKEN = "A" * 43


def _with(**changes: Any) -> dict[str, Any]:
    return create_body(**changes)


def _profile(**changes: Any) -> dict[str, Any]:
    body = create_body()
    body["profile"].update(changes)
    return body


def _answers(**changes: Any) -> dict[str, Any]:
    body = score_body()
    body["answers"].update({k.replace("__", "."): v for k, v in changes.items()})
    return body


CASES: list[tuple[str, Request, int, tuple[str, ...]]] = [
    # 400: not JSON at all
    (
        "body is not JSON",
        lambda c, t: c.post("/api/v1/score", data="{nope", content_type="application/json"),
        400,
        (),
    ),
    (
        "empty JSON body",
        lambda c, t: c.post("/api/v1/assessments", data=b"", content_type="application/json"),
        400,
        (),
    ),
    (
        "body is not UTF-8",
        lambda c, t: c.post(
            "/api/v1/score", data=b'{"a": "\xff"}', content_type="application/json"
        ),
        400,
        (),
    ),
    # 404
    ("unknown API path", lambda c, t: c.get("/api/v1/nothing/here"), 404, ()),
    ("POST to an unknown API path", lambda c, t: c.post("/api/v1/scores", json={}), 404, ()),
    ("API root", lambda c, t: c.get("/api/v1"), 404, ()),
    ("unknown token", lambda c, t: c.get(f"/api/v1/assessments/{MISSING_TOKEN}"), 404, ()),
    ("malformed token", lambda c, t: c.get("/api/v1/assessments/short"), 404, ()),
    (
        "peers of an unknown token",
        lambda c, t: c.get(f"/api/v1/assessments/{MISSING_TOKEN}/peers"),
        404,
        (),
    ),
    # 405
    ("DELETE on score", lambda c, t: c.delete("/api/v1/score"), 405, ()),
    ("GET on score", lambda c, t: c.get("/api/v1/score"), 405, ()),
    ("PUT on an assessment", lambda c, t: c.put(f"/api/v1/assessments/{t}", json={}), 405, ()),
    # 413
    (
        "body over the size limit",
        lambda c, t: c.post(
            "/api/v1/score",
            data=b'{"x": "' + b"a" * 300_000 + b'"}',
            content_type="application/json",
        ),
        413,
        (),
    ),
    # 415
    ("form body", lambda c, t: c.post("/api/v1/score", data={"answers": "x"}), 415, ()),
    (
        "text body",
        lambda c, t: c.post("/api/v1/assessments", data="{}", content_type="text/plain"),
        415,
        (),
    ),
    ("no body", lambda c, t: c.post("/api/v1/score"), 415, ()),
    # 422: the shape of the body
    ("body is a list", lambda c, t: c.post("/api/v1/score", json=[1, 2]), 422, ("",)),
    ("answers missing", lambda c, t: c.post("/api/v1/score", json={}), 422, ("answers",)),
    (
        "unknown top-level field",
        lambda c, t: c.post("/api/v1/score", json={**score_body(), "Answers": {}}),
        422,
        ("Answers",),
    ),
    (
        "true as an answer",
        lambda c, t: c.post("/api/v1/score", json=_answers(staff__team_size=True)),
        422,
        ("answers.staff.team_size",),
    ),
    (
        "null as an answer",
        lambda c, t: c.post("/api/v1/score", json=_answers(strategy__document=None)),
        422,
        ("answers.strategy.document",),
    ),
    (
        "number out of range",
        lambda c, t: c.post("/api/v1/score", json=_answers(staff__team_size=2_000_000)),
        422,
        ("answers.staff.team_size",),
    ),
    (
        "negative number",
        lambda c, t: c.post("/api/v1/score", json=_answers(staff__team_size=-1)),
        422,
        ("answers.staff.team_size",),
    ),
    (
        "note with a control character",
        lambda c, t: c.post("/api/v1/score", json={**score_body(), "notes": {"x.y": "a\x00b"}}),
        422,
        ("notes.x.y",),
    ),
    # 422: answers that do not fit the rulebook
    (
        "option that does not exist",
        lambda c, t: c.post("/api/v1/score", json=_answers(strategy__document="perhaps")),
        422,
        ("answers.strategy.document",),
    ),
    (
        "question that does not exist",
        lambda c, t: c.post("/api/v1/score", json=_answers(strategy__mood="good")),
        422,
        ("answers.strategy.mood",),
    ),
    (
        "note for a question that does not exist",
        lambda c, t: c.post(
            "/api/v1/score", json={**score_body(), "notes": {"strategy.mood": "x"}}
        ),
        422,
        ("notes.strategy.mood",),
    ),
    (
        "answers for another rulebook",
        lambda c, t: c.post("/api/v1/score", json={**score_body(), "rulebook": "other"}),
        422,
        ("rulebook",),
    ),
    (
        "a required answer missing",
        lambda c, t: c.post(
            "/api/v1/score",
            json={
                "answers": {
                    k: v
                    for k, v in score_body()["answers"].items()
                    if k != "staff.workload_planning"
                }
            },
        ),
        422,
        ("answers.staff.workload_planning",),
    ),
    # 422: the profile
    (
        "population as a string",
        lambda c, t: c.post("/api/v1/assessments", json=_profile(population="900000")),
        422,
        ("profile.population",),
    ),
    (
        "population with a fraction",
        lambda c, t: c.post("/api/v1/assessments", json=_profile(population=2.5)),
        422,
        ("profile.population",),
    ),
    (
        "capital as 1",
        lambda c, t: c.post("/api/v1/assessments", json=_profile(capital=1)),
        422,
        ("profile.capital",),
    ),
    (
        "team size as true",
        lambda c, t: c.post("/api/v1/assessments", json=_profile(team_size=True)),
        422,
        ("profile.team_size",),
    ),
    (
        "blank name, lower-case country",
        lambda c, t: c.post("/api/v1/assessments", json=_profile(name="  ", country="dk")),
        422,
        ("profile.name", "profile.country"),
    ),
    (
        "unknown country",
        lambda c, t: c.post("/api/v1/assessments", json=_profile(country="ZZ")),
        422,
        ("profile.country",),
    ),
    (
        "region and EU membership that are not the country's",
        lambda c, t: c.post(
            "/api/v1/assessments", json=_profile(region="Western Africa", eu_member=False)
        ),
        422,
        ("profile.region", "profile.eu_member"),
    ),
    (
        "profile and answers wrong together",
        lambda c, t: c.post(
            "/api/v1/assessments",
            json={**_profile(country="ZZ"), "answers": _answers(strategy__mood="x")["answers"]},
        ),
        422,
        ("profile.country", "answers.strategy.mood"),
    ),
    (
        "sharing not a choice",
        lambda c, t: c.post("/api/v1/assessments", json=_with(sharing="public")),
        422,
        ("sharing",),
    ),
    # 422: query parameters
    (
        "k zero and an unknown mode",
        lambda c, t: c.get(f"/api/v1/assessments/{t}/peers?k=0&mode=best"),
        422,
        ("query.k", "query.mode"),
    ),
    ("k true", lambda c, t: c.get(f"/api/v1/assessments/{t}/advice?k=true"), 422, ("query.k",)),
    ("k 2.5", lambda c, t: c.get(f"/api/v1/assessments/{t}/peers?k=2.5"), 422, ("query.k",)),
    ("k too large", lambda c, t: c.get(f"/api/v1/assessments/{t}/peers?k=51"), 422, ("query.k",)),
]


@pytest.mark.parametrize(
    ("request_", "status", "paths"),
    [pytest.param(r, s, p, id=name) for name, r, s, p in CASES],
)
def test_every_error_has_the_one_shape(
    api: FlaskClient, token: str, request_: Request, status: int, paths: tuple[str, ...]
) -> None:
    body = assert_error(request_(api, token), status, *paths)
    assert "Traceback" not in body["error"]["message"]


def test_405_lists_the_allowed_methods(api: FlaskClient) -> None:
    response = api.delete("/api/v1/score")
    assert_error(response, 405)
    assert "POST" in response.headers["Allow"]
    assert response.get_json()["error"]["message"] == (
        "DELETE is not allowed on /api/v1/score; use POST."
    )


def test_messages_say_what_to_do(api: FlaskClient, token: str) -> None:
    unknown = api.get(f"/api/v1/assessments/{MISSING_TOKEN}").get_json()["error"]["message"]
    assert unknown.startswith("No assessment has this token.")
    big = api.post("/api/v1/score", data=b"x" * 300_000, content_type="application/json")
    assert big.get_json()["error"]["message"] == (
        "The request body is larger than the limit of 262,144 bytes."
    )
    typed = api.post("/api/v1/score", data="{}", content_type="text/plain")
    assert "Content-Type: application/json" in typed.get_json()["error"]["message"]
    boolean = api.post("/api/v1/score", json=_answers(staff__team_size=False))
    assert boolean.get_json()["error"]["details"][0]["message"].endswith("not false")


def test_draft_has_no_peers_yet(api: FlaskClient) -> None:
    draft = start(api)  # started in the browser, never submitted
    for what in ("peers", "advice"):
        body = assert_error(api.get(f"/api/v1/assessments/{draft}/{what}"), 409)
        assert "still a draft" in body["error"]["message"]


def test_errors_carry_the_security_headers_and_are_not_cached(api: FlaskClient) -> None:
    response = api.get("/api/v1/nothing")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["Cache-Control"] == "no-store"


def test_site_pages_keep_their_html_errors(api: FlaskClient) -> None:
    for path in ("/nowhere", "/api/v1x", "/api"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.mimetype == "text/html"
    assert api.delete("/").mimetype == "text/html"


@pytest.fixture
def quiet_app(tmp_path: Path) -> Iterator[Flask]:
    """An app that answers exceptions as in production instead of raising them in tests."""
    app = make_api_app(tmp_path, TESTING=False)
    yield app
    storage.dispose(app)


def test_a_bug_gives_a_500_in_the_shape(quiet_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "score", broken)
    response = quiet_app.test_client().post("/api/v1/score", json=score_body())
    assert response.status_code == 500
    body = response.get_json()
    assert body == {
        "error": {
            "code": "internal_error",
            "message": "Sorry, something went wrong on the server. Try again later.",
            "details": [],
        },
        "status": 500,
    }


def test_an_unauthorized_error_gets_the_shape_too(
    api: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No operation needs credentials yet; the handler is ready for one that will.
    def refuse(*_args: Any) -> None:
        raise Unauthorized()

    monkeypatch.setattr(service, "assessment_view", refuse)
    response = api.get(f"/api/v1/assessments/{MISSING_TOKEN}")
    assert response.status_code == 401
    assert response.get_json()["error"] == {
        "code": "unauthorized",
        "message": "This needs credentials that were not given or are wrong.",
        "details": [],
    }
