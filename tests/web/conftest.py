"""Fixtures: an app on a real database (an SQLite file in a temporary folder, or PostgreSQL
when ``CITYDIP_TEST_DATABASE_URL`` is set), and its client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import dispose_apps, make_app

from web import storage


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app with CSRF on, as in production."""
    app = make_app(tmp_path)
    yield app
    storage.dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _close_connections() -> Iterator[None]:
    """Close every test app's pooled connections after each test."""
    yield
    dispose_apps()
