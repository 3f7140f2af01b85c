"""The test apps' database: a real SQLite file, or a real PostgreSQL server when
``CITYDIP_TEST_DATABASE_URL`` names one (``make test`` starts a throw-away cluster for that).

Every test app gets its database from :func:`database_url`, and tests that need plain SQL go
through the app's own engine (:func:`run_sql`), never around it to a file: the same tests run
on both databases.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from web import storage

__all__ = ["TEST_DATABASE_ENV", "database_url", "dialect", "run_sql", "server_url"]

#: Names the PostgreSQL database the web tests run against; unset: SQLite files.
TEST_DATABASE_ENV = "CITYDIP_TEST_DATABASE_URL"


def server_url() -> str | None:
    """The PostgreSQL database the tests were asked to use, if any."""
    return os.environ.get(TEST_DATABASE_ENV) or None


def dialect() -> str:
    """``postgresql`` or ``sqlite``: what this test run stores in."""
    return "postgresql" if server_url() else "sqlite"


def database_url(folder: Path, name: str = "test") -> str:
    """The database of the app whose files live in ``folder``.

    The same folder always gives the same database, so an app built twice on one folder is a
    restart. On PostgreSQL each (folder, name) gets a schema of its own in the one test
    database, created here: a schema costs a millisecond, a database a quarter of a second.
    """
    base = server_url()
    if base is None:
        return f"sqlite:///{folder / f'{name}.sqlite3'}"
    digest = hashlib.sha256(f"{folder.resolve()}:{name}".encode()).hexdigest()[:24]
    schema = f"t_{digest}"
    engine = create_engine(base)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        engine.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def run_sql(app: Flask, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` on ``app``'s database through its own engine; the rows it returns."""
    with storage.app_engine(app).begin() as connection:
        result = connection.execute(text(sql), params)
        return [tuple(row) for row in result] if result.returns_rows else []
