"""What the site's hooks leave out on API requests: the session cookie.

The API takes no cookies, so the session cookie is neither read nor set there. The security
headers are still sent, and the site keeps its session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import make_api_app, score_body
from flask import Flask, session

from web import storage
from web.security import CONTENT_SECURITY_POLICY, CookielessPathsSessionInterface


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_api_app(tmp_path)
    yield app
    storage.dispose(app)


def test_api_requests_get_no_session_and_no_cookie(app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("session", "not-even-signed")
    for response in (
        client.post("/api/v1/score", json=score_body()),
        client.get("/api/v1/rulebook"),
        client.post("/api/v1/nowhere", json={}),
    ):
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
    with app.test_request_context("/api/v1/score", method="POST"):
        assert app.session_interface.is_null_session(session)
    with app.test_request_context("/api/v1x"):
        assert not app.session_interface.is_null_session(session)


def test_the_site_keeps_its_session_cookie(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert "session=" in response.headers.get("Set-Cookie", "")
    assert isinstance(app.session_interface, CookielessPathsSessionInterface)
