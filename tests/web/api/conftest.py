"""Fixtures of the API tests: apps on real SQLite files, one per module unless a test needs
its own settings (building an app with its demo pool takes a moment)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import create_body, created, make_api_app
from flask import Flask
from flask.testing import FlaskClient

from web import storage


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with a small demo pool, shared by the tests of one module."""
    app = make_api_app(tmp_path_factory.mktemp("api"))
    yield app
    storage.dispose(app)


@pytest.fixture
def api(api_app: Flask) -> FlaskClient:
    """A test client of the module's app."""
    return api_app.test_client()


@pytest.fixture(scope="module")
def token(api_app: Flask) -> str:
    """The token of an assessment created through the API (anonymous, in the pool)."""
    return created(api_app.test_client(), create_body(sharing="anonymous"))["token"]


@pytest.fixture
def fresh_app(tmp_path: Path) -> Iterator[Flask]:
    """An app of its own, for tests that count or change things."""
    app = make_api_app(tmp_path)
    yield app
    storage.dispose(app)
