"""The secretariat's doors (issue 12, deliverable 6): a weak admin token stops the app at
start, wrong tokens are rate-limited per client (bearer and sign-in form alike), and signing
out ends the sign-in on the server, so a cookie captured before no longer works."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from network_helpers import ADMIN_TOKEN, BEARER, admin_app, sign_in
from sqlalchemy import update
from web_helpers import csrf_token, make_app, post_form

from web import storage
from web.errors import StartupError
from web.storage.engine import session
from web.storage.tables import AdminSessionRow

WRONG = {"Authorization": f"Bearer {ADMIN_TOKEN[:-1]}x"}
ELSEWHERE = {"REMOTE_ADDR": "127.0.0.9"}


@pytest.mark.parametrize("weak", ["letmein", "a" * 64, "password" * 4, "Summer2026!"])
def test_a_weak_admin_token_stops_the_app_with_a_way_to_make_one(tmp_path: Path, weak: str):
    with pytest.raises(StartupError) as caught:
        make_app(tmp_path, admin_token=weak, demo_pool=False)
    message = str(caught.value)
    assert "CITYDIP_ADMIN_TOKEN" in message and "too weak" in message
    assert "secrets.token_urlsafe(32)" in message


def test_wrong_bearer_tokens_are_rate_limited_per_client(tmp_path: Path) -> None:
    app = admin_app(tmp_path, demo_pool=False, admin_failure_limit="3 per hour")
    try:
        client = app.test_client()
        assert [client.get("/network/", headers=WRONG).status_code for _ in range(3)] == [401] * 3
        refused = client.get("/network/", headers=WRONG)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        # Locked out means locked out: even the right token waits, so guessing costs time.
        assert client.get("/network/", headers=BEARER).status_code == 429
        assert client.get("/network/", headers=BEARER, environ_base=ELSEWHERE).status_code == 200
    finally:
        storage.dispose(app)


def test_wrong_tokens_on_the_sign_in_form_count_the_same(tmp_path: Path) -> None:
    app = admin_app(tmp_path, demo_pool=False, admin_failure_limit="3 per hour")
    try:
        client = app.test_client()
        for _ in range(2):
            assert post_form(client, "/network/sign-in", {"token": "nope"}).status_code == 401
        assert client.get("/network/", headers=WRONG).status_code == 401  # the third
        locked = post_form(client, "/network/sign-in", {"token": ADMIN_TOKEN})
        assert locked.status_code == 429 and "Retry-After" in locked.headers
        assert "Too many wrong admin tokens" in locked.get_data(as_text=True)
    finally:
        storage.dispose(app)


def _sign_out(client: FlaskClient) -> None:
    token = csrf_token(client, "/network/")
    assert client.post("/network/sign-out", data={"csrf_token": token}).status_code == 303


def test_signing_out_ends_the_sign_in_on_the_server(tmp_path: Path) -> None:
    app = admin_app(tmp_path, demo_pool=False)
    try:
        client = app.test_client()
        sign_in(client)
        captured = client.get_cookie("session")
        assert captured is not None
        thief = app.test_client()
        thief.set_cookie("session", captured.value)
        assert thief.get("/network/").status_code == 200  # the copy works while signed in
        _sign_out(client)
        assert client.get("/network/").status_code == 401
        assert thief.get("/network/").status_code == 401  # and stops working at sign-out
    finally:
        storage.dispose(app)


def test_a_sign_in_expires(tmp_path: Path) -> None:
    app = admin_app(tmp_path, demo_pool=False)
    try:
        client = app.test_client()
        sign_in(client)
        with app.app_context():  # the sign-in began long ago (older than admin_session_hours)
            session().execute(update(AdminSessionRow).values(created_at=datetime(2020, 1, 1)))
            session().commit()
        assert client.get("/network/").status_code == 401
    finally:
        storage.dispose(app)
