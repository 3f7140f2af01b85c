"""Markers of the whole suite, and which database the web tests run on.

``make test`` runs the suite twice: once on SQLite files (everything but the tests marked
``postgres``), then ``tests/web`` again on a throw-away PostgreSQL cluster (``.ci/with-postgres``
sets ``CITYDIP_TEST_DATABASE_URL``), where the ``postgres`` tests run and the ``sqlite_only``
ones, which check SQLite itself, are left out. The header says which run this is, and every
left-out test is counted as deselected, never silently skipped.
"""

from __future__ import annotations

import os

import pytest

TEST_DATABASE_ENV = "CITYDIP_TEST_DATABASE_URL"

MARKERS = {
    "postgres": "needs the PostgreSQL server named by CITYDIP_TEST_DATABASE_URL "
    "(`make test` starts one); not run on SQLite",
    "sqlite_only": "checks SQLite itself (pragmas, the file on disk); not run on PostgreSQL",
    "processes": "starts real `citydip serve` or gunicorn processes on 127.0.0.1",
}


def _postgres() -> bool:
    return bool(os.environ.get(TEST_DATABASE_ENV))


def pytest_configure(config: pytest.Config) -> None:
    """Register the suite's markers (``--strict-markers`` is on)."""
    for name, help_text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {help_text}")


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database this run stores in."""
    if _postgres():
        return f"database: PostgreSQL ({TEST_DATABASE_ENV}); sqlite_only tests deselected"
    return (
        f"database: SQLite files; postgres tests deselected (set {TEST_DATABASE_ENV}, "
        "or run `make test`, to run them)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests that cannot run on this run's database, counted as deselected."""
    left_out = "sqlite_only" if _postgres() else "postgres"
    kept = [item for item in items if item.get_closest_marker(left_out) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
