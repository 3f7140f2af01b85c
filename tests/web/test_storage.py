"""Storage: one module talks SQL, migrations create the schema, SQLite pragmas, demo pool."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from database import dialect, run_sql
from flask import Flask
from sqlalchemy import inspect
from web_helpers import DEMO_SIZE, make_app

from web import storage

WEB = Path(__file__).resolve().parents[2] / "web"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_storage_imports_sqlalchemy() -> None:
    # Migration scripts describe the schema with SQLAlchemy too; they belong to storage.
    offenders = [
        str(path.relative_to(WEB))
        for path in WEB.rglob("*.py")
        if "migrations" not in path.parts
        and "storage" not in path.parts
        and {"sqlalchemy", "alembic"} & _imports(path)
    ]
    assert offenders == []


def test_migrations_create_the_tables(app: Flask) -> None:
    tables = set(inspect(storage.app_engine(app)).get_table_names())
    [(version,)] = run_sql(app, "SELECT version_num FROM alembic_version")
    assert {"assessments", "pool_records", "alembic_version"} <= tables
    assert version == "0010"  # the latest revision (0010: the language taken in)


@pytest.mark.sqlite_only
def test_sqlite_pragmas(app: Flask) -> None:
    with storage.app_engine(app).connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in (
                "journal_mode",
                "busy_timeout",
                "synchronous",
                "foreign_keys",
                "page_size",
            )
        }
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 5000,
        "synchronous": 1,
        "foreign_keys": 1,
        "page_size": 16384,  # a new database: pool records pack three to a page
    }


@pytest.mark.sqlite_only
def test_an_existing_database_keeps_its_page_size(tmp_path: Path) -> None:
    """The page size is set on new databases only: an instance made before keeps its own
    (and its WAL mode), rather than failing to start."""
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute("CREATE TABLE t (x)")
    engine = storage.create_db_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA page_size").scalar() == 4096
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_demo_pool_loads_once(tmp_path: Path) -> None:
    first = make_app(tmp_path)
    with first.app_context():
        assert storage.pool_size() == DEMO_SIZE
        pool = storage.load_pool()
    storage.dispose(first)
    assert all(r.source == "demo" for r in pool)
    second = make_app(tmp_path, demo_pool_size=DEMO_SIZE + 5)  # restart: nothing added
    with second.app_context():
        assert storage.pool_size() == DEMO_SIZE
    storage.dispose(second)


def test_no_demo_pool_when_disabled(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo_pool=False)
    with app.app_context():
        assert storage.pool_size() == 0
    storage.dispose(app)


def test_unknown_assessment_is_a_lookup_error(app: Flask) -> None:
    with app.app_context(), pytest.raises(LookupError, match="no assessment with id 999"):
        storage.save_answers(assessment_id=999, answers={}, notes={})


def test_the_app_stores_in_the_database_this_run_names(app: Flask) -> None:
    # On the PostgreSQL run, a fixture that fell back to SQLite would make every test here a
    # second SQLite run; this one fails instead.
    assert storage.app_engine(app).dialect.name == dialect()
