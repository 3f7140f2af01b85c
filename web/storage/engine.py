"""Engine, migrations and the one session per request that every data-access function uses.

SQLite connections get ``journal_mode=WAL``, ``busy_timeout``, ``synchronous=NORMAL`` and
``foreign_keys=ON`` from a ``connect`` event, and a new database 16 KiB pages (a pool record
of about 2.5 kB left 1.5 kB of each 4 KiB page empty: a third less to write with 16 KiB, and
a 50,000-row import stores in two thirds of the time); PostgreSQL (psycopg 3) needs nothing
extra.
JSON columns take a :class:`JsonText` as the JSON it already is: a bulk insert serialises its
records with pydantic (in Rust) rather than the standard library.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "MIGRATIONS",
    "JsonText",
    "app_engine",
    "create_db_engine",
    "dispose",
    "init_app",
    "session",
    "upgrade_database",
    "utcnow",
]

MIGRATIONS = Path(__file__).parents[1] / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_PAGE_SIZE = 16384
_EXTENSION = "citydip.storage"


def utcnow() -> datetime:
    """Now, as naive UTC."""
    # Naive UTC: SQLite keeps no time zone, and the same value must round-trip on PostgreSQL.
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Before WAL mode: only an empty database takes a page size (an existing one keeps its).
        cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


class JsonText(str):
    """Text that is already JSON (e.g. ``model_dump_json()``), stored in a JSON column as is."""


def _json_text(value: Any) -> str:
    return str(value) if isinstance(value, JsonText) else json.dumps(value)


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get the pragmas listed in the module doc."""
    engine = create_engine(url, json_serializer=_json_text)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


#: Key of the PostgreSQL advisory lock held while migrating (any constant of our own).
_MIGRATION_LOCK = 0x43495459_44495021 & 0x7FFF_FFFF_FFFF_FFFF


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, by default the latest (a no-op when it is current).

    On PostgreSQL the upgrade holds an advisory lock: gunicorn's workers, or several
    ``citydip serve`` processes, that start at once on a new database migrate one after
    the other (the later ones find it current) instead of racing to create the same tables.
    SQLite needs none: its one writer at a time does the same.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def init_app(app: Flask, url: str) -> None:
    """Create the engine, upgrade the schema and close each request's session on teardown."""
    engine = create_db_engine(url)
    upgrade_database(engine)
    app.extensions[_EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def app_engine(app: Flask) -> Engine:
    """The engine of ``app`` (for tests and maintenance commands that need plain SQL)."""
    factory: sessionmaker[Session] = app.extensions[_EXTENSION]
    engine: Engine = factory.kw["bind"]
    return engine


def dispose(app: Flask) -> None:
    """Close every pooled connection of the app's engine (tests, shutdown)."""
    app_engine(app).dispose()


def session() -> Session:
    """The current request's session, opened on first use and closed on teardown."""
    opened: Session | None = g.get("_citydip_session")
    if opened is None:
        opened = current_app.extensions[_EXTENSION]()
        g._citydip_session = opened
    return opened


def _close_session(_exc: BaseException | None) -> None:
    opened: Session | None = g.pop("_citydip_session", None)
    if opened is not None:
        opened.close()
