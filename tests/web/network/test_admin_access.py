"""Admin access: every admin route refuses without the token, the sign-in page, sign-out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import ADMIN_TOKEN, BEARER, admin_app, sign_in, upload
from web_helpers import csrf_token, make_app, post_form, text

from web import storage

#: (method, path, kind): pages answer in HTML, files in plain text.
ADMIN_ROUTES = [
    ("GET", "/network/", "page"),
    ("GET", "/network/?eu=yes&exclude_demo=1", "page"),
    ("GET", "/network/import", "page"),
    ("POST", "/network/import", "page"),
    ("GET", "/network/import/template.csv", "file"),
    ("GET", "/network/export/aggregates.csv", "file"),
    ("GET", "/network/export/aggregates.json", "file"),
    ("GET", "/network/export/pool.jsonl", "file"),
]


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Flask]:
    """An app with an admin token (and no demo pool: access does not depend on data)."""
    app = admin_app(tmp_path, demo_pool=False)
    yield app
    storage.dispose(app)


@pytest.mark.parametrize(("method", "path", "kind"), ADMIN_ROUTES)
def test_no_token_configured_answers_403_saying_how_to_set_it(
    client: FlaskClient, method: str, path: str, kind: str
) -> None:
    response = client.open(path, method=method, headers=BEARER)
    assert response.status_code == 403
    assert "CITYDIP_ADMIN_TOKEN" in text(response)
    if kind == "page":
        assert "Admin pages are turned off" in text(response)


@pytest.mark.parametrize(("method", "path", "kind"), ADMIN_ROUTES)
def test_signed_out_answers_401_with_the_sign_in_form_itself(
    admin: Flask, method: str, path: str, kind: str
) -> None:
    response = admin.test_client().open(path, method=method)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if kind == "page":
        page = text(response)
        assert 'action="/network/sign-in"' in page and 'name="token"' in page
        assert 'data-testid="sign-in-needed"' in page
        # back to the page asked for; a posted form cannot be replayed, so the dashboard
        expected = path if method == "GET" else "/network/"
        assert f'name="next" value="{expected}"' in page
    else:
        assert "Authorization: Bearer" in text(response)


@pytest.mark.parametrize(("method", "path", "kind"), ADMIN_ROUTES)
def test_wrong_bearer_token_answers_401(admin: Flask, method: str, path: str, kind: str) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}x"}
    response = admin.test_client().open(path, method=method, headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path", "kind"), [r for r in ADMIN_ROUTES if r[0] == "GET"])
def test_signed_in_or_bearer_token_answers_200(
    admin: Flask, method: str, path: str, kind: str
) -> None:
    scripted = admin.test_client().get(path, headers=BEARER)
    assert scripted.status_code == 200
    browser = admin.test_client()
    sign_in(browser)
    response = browser.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_signed_in_upload_is_accepted(admin: Flask) -> None:
    client = admin.test_client()
    sign_in(client)
    template = client.get("/network/import/template.csv").data
    response = upload(client, template, "survey.csv", dry_run=True)
    assert response.status_code == 200
    assert "Dry run: the 1 row is valid: 1 new, 0 updated, 0 unchanged." in text(response)


def test_upload_needs_the_csrf_token(admin: Flask) -> None:
    client = admin.test_client()
    sign_in(client)
    response = client.post("/network/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This form has expired" in text(response)


def test_sign_in_with_a_wrong_or_empty_token_shows_the_error(admin: Flask) -> None:
    client = admin.test_client()
    wrong = post_form(client, "/network/sign-in", {"token": "guess"})
    assert wrong.status_code == 401
    assert 'data-testid="error-summary"' in text(wrong)
    assert "The admin token is not correct" in text(wrong)
    assert 'aria-invalid="true"' in text(wrong)
    empty = post_form(client, "/network/sign-in", {"token": "  "})
    assert empty.status_code == 400
    assert "Enter the admin token" in text(empty)
    assert client.get("/network/").status_code == 401


def test_sign_in_form_needs_the_csrf_token(admin: Flask) -> None:
    response = admin.test_client().post("/network/sign-in", data={"token": ADMIN_TOKEN})
    assert response.status_code == 400
    assert "This form has expired" in text(response)


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(admin: Flask) -> None:
    client = admin.test_client()
    refused = client.get("/network/import")
    target = re.search(r'name="next" value="([^"]+)"', text(refused))
    assert target is not None and target.group(1) == "/network/import"
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(refused))
    assert token is not None
    data = {"csrf_token": token.group(1), "token": ADMIN_TOKEN, "next": target.group(1)}
    assert client.post("/network/sign-in", data=data).headers["Location"] == "/network/import"
    client = admin.test_client()
    token = csrf_token(client, "/network/sign-in")
    data = {"csrf_token": token, "token": ADMIN_TOKEN, "next": "/network/import"}
    assert client.post("/network/sign-in", data=data).headers["Location"] == "/network/import"
    for hostile in ("https://evil.example/", "//evil.example/network/", "/network/\\evil"):
        other = admin.test_client()
        token = csrf_token(other, "/network/sign-in")
        data = {"csrf_token": token, "token": ADMIN_TOKEN, "next": hostile}
        assert other.post("/network/sign-in", data=data).headers["Location"] == "/network/"


def test_sign_out_ends_the_session(admin: Flask) -> None:
    client = admin.test_client()
    sign_in(client)
    assert client.get("/network/").status_code == 200
    token = csrf_token(client, "/network/")
    response = client.post("/network/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert "You have signed out." in text(client.get(response.headers["Location"]))
    assert client.get("/network/").status_code == 401


def test_changing_the_token_signs_every_browser_out(tmp_path: Path) -> None:
    first = admin_app(tmp_path)
    client = first.test_client()
    sign_in(client)
    cookie = client.get_cookie("session")
    assert cookie is not None
    storage.dispose(first)
    second = make_app(tmp_path, admin_token="another-Token-entirely-7Q2w9R4t8Y1u")
    try:
        other = second.test_client()
        other.set_cookie("session", cookie.value)
        assert other.get("/network/").status_code == 401
    finally:
        storage.dispose(second)


def test_sign_in_page_is_off_without_a_token(client: FlaskClient) -> None:
    response = client.get("/network/sign-in")
    assert response.status_code == 403
    assert "CITYDIP_ADMIN_TOKEN" in text(response)


def test_published_aggregates_are_public_but_the_pool_is_not(tmp_path: Path) -> None:
    app = admin_app(tmp_path, publish_aggregates=True)
    try:
        client = app.test_client()
        assert client.get("/network/export/aggregates.csv").status_code == 200
        assert client.get("/network/export/aggregates.json").status_code == 200
        assert client.get("/network/export/pool.jsonl").status_code == 401
        assert client.get("/network/").status_code == 401
    finally:
        storage.dispose(app)


def test_an_empty_token_counts_as_unset(tmp_path: Path) -> None:
    app = make_app(tmp_path, admin_token="", demo_pool=False)
    try:
        client = app.test_client()
        assert client.get("/network/", headers={"Authorization": "Bearer "}).status_code == 403
        assert client.get("/network/sign-in").status_code == 403
    finally:
        storage.dispose(app)
