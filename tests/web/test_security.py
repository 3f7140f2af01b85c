"""Security headers, cookies, CSP-clean pages and locally served assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from database import run_sql
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect
from web_helpers import PROFILE, make_app, post_form, start

from web import storage
from web.security import CONTENT_SECURITY_POLICY

WEB = Path(__file__).resolve().parents[2] / "web"
#: every template the app renders: pages, network pages, the API docs page
TEMPLATES = sorted(WEB.rglob("templates/**/*.html"))


def test_strict_csp_and_other_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_error_pages_have_the_headers_too(client: FlaskClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_assessment_pages_are_not_cached(client: FlaskClient) -> None:
    token = start(client)
    assert client.get(f"/a/{token}/profile").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    client.get("/")  # renders a CSRF token, which sets the session cookie
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure


def test_secure_cookie_setting(tmp_path: Path) -> None:
    app = make_app(tmp_path, session_cookie_secure=True)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        storage.dispose(app)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_templates_have_no_inline_script_or_style(template: Path) -> None:
    source = template.read_text("utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", source), "inline <script>"
    assert "<style" not in source
    assert not re.search(r"\sstyle=", source), "style attribute"
    assert not re.search(r"\son[a-z]+=", source), "inline event handler"
    hosts = re.findall(r"https?://[^\s\"']+", source.replace("http://www.w3.org/2000/svg", ""))
    assert hosts == [], "external host"


def test_pages_use_only_local_assets(client: FlaskClient) -> None:
    token = start(client)
    post_form(client, f"/a/{token}/profile", PROFILE)
    for url in ("/", f"/a/{token}/profile", f"/a/{token}/step/staff", f"/a/{token}/check"):
        page = client.get(url).get_data(as_text=True)
        for asset in re.findall(r'(?:href|src)="([^"#]+)"', page):
            # "?lang=fr" (the language switch) is this very page, with another query
            local = asset.startswith(("/", "?", "http://localhost/"))
            assert local, asset
        assert " style=" not in page


def test_static_assets_are_served(client: FlaskClient) -> None:
    for name in ("site.css", "print.css", "favicon.svg"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        response.close()


def test_only_the_token_hash_is_stored(app: Flask, client: FlaskClient) -> None:
    token = start(client)
    stored = {
        table: run_sql(app, f"SELECT * FROM {table}")
        for table in inspect(storage.app_engine(app)).get_table_names()
    }
    assert len(stored["assessments"]) == 1
    assert token not in repr(stored)


@pytest.mark.sqlite_only
def test_the_token_is_nowhere_in_the_sqlite_files(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    token = start(client)
    raw = (tmp_path / "test.sqlite3").read_bytes()
    wal = tmp_path / "test.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert token.encode() not in raw


def test_rate_limit_on_writes(tmp_path: Path) -> None:
    app = make_app(tmp_path, write_rate_limit="2 per minute")
    try:
        client = app.test_client()
        for _ in range(2):
            client.post("/start")
        response = client.post("/start")
        assert response.status_code == 429
        assert "Too many requests" in response.get_data(as_text=True)
        assert client.get("/").status_code == 200  # reading is never limited
    finally:
        storage.dispose(app)


def test_form_and_api_limiters_use_the_configured_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A storage scheme of the test's own (a memory store underneath), to see who opens it.
    from limits.storage import SCHEMES, MemoryStorage

    opened: list[MemoryStorage] = []

    def open_store(uri: str, **options: object) -> MemoryStorage:
        assert uri == "citydip-test://"
        opened.append(MemoryStorage("memory://", **options))  # type: ignore[arg-type]
        return opened[-1]

    monkeypatch.setitem(SCHEMES, "citydip-test", open_store)
    settings = {"ratelimit_storage_uri": "citydip-test://", "write_rate_limit": "1 per hour"}
    app = make_app(tmp_path, **settings)
    try:
        limiters = app.extensions["limiter"]
        assert len(limiters) == 2  # the form limiter and the JSON API's
        assert len(opened) == 2
        assert {id(limiter.storage) for limiter in limiters} == {id(s) for s in opened}
        client = app.test_client()
        client.post("/start")
        assert client.post("/start").status_code == 429  # counted in the configured store
    finally:
        storage.dispose(app)
