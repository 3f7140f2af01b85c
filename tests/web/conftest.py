"""Fixtures: an app on a real SQLite file in a temporary folder, and its client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import make_app

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
