"""Helpers of the network tests: an app with an admin token, signing in, uploads, submitting."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, fill_everything, make_app, post_form, start

from web import storage

ADMIN_TOKEN = "kV3q-tests-only-Xw8PbN2mZr6LhT1yFd0sJc5uGe9"  # 43 characters, as token_urlsafe(32)
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def admin_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app (real SQLite file in ``tmp_path``) whose admin token is :data:`ADMIN_TOKEN`."""
    return make_app(tmp_path, admin_token=ADMIN_TOKEN, **overrides)


def sign_in(client: FlaskClient) -> None:
    """Sign ``client`` in to the network pages."""
    response = post_form(client, "/network/sign-in", {"token": ADMIN_TOKEN})
    assert response.status_code == 303, response.get_data(as_text=True)


def upload(client: FlaskClient, data: bytes, filename: str, *, dry_run: bool = False) -> Any:
    """Post ``data`` as a file on the import page (signed in), with its CSRF token."""
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/network/import"),
        "file": (io.BytesIO(data), filename),
    }
    if dry_run:
        form["dry_run"] = "1"
    return client.post("/network/import", data=form, content_type="multipart/form-data")


def pool_count(app: Flask) -> int:
    """Cities in the app's pool."""
    with app.app_context():
        return storage.pool_size()


def submit_assessment(
    client: FlaskClient, app: Flask, *, sharing: str = "anonymous", name: str = PROFILE["name"]
) -> str:
    """Start, fill in (the 'established' example) and submit an assessment of the city
    ``name``; returns its token."""
    token = start(client)
    fill_everything(client, token, app)
    post_form(client, f"/a/{token}/profile", {**PROFILE, "name": name, "sharing": sharing})
    response = client.post(
        f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return token
