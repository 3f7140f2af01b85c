"""Imports are idempotent and reversible (issue 13, deliverable 1).

Expectations written first, as a secretariat would check them: importing the same file twice
changes nothing and the dry run says "3 unchanged"; a newer survey of a city updates it and
keeps the earlier record in its history, the city still appearing once; undoing a batch gives
back exactly the pool rows and aggregates from before it; a batch whose cities a later batch
changed again is not undone (all or nothing).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from database import database_url, run_sql
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import BEARER, admin_app, sign_in, upload
from web_helpers import DEMO_SIZE, csrf_token, text

from web import storage
from web.cli import cli


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path)
    yield app
    storage.dispose(app)


@pytest.fixture
def client(admin: Flask) -> FlaskClient:
    signed = admin.test_client()
    sign_in(signed)
    return signed


def _survey(client: FlaskClient, changes: dict[str, dict[str, str]]) -> bytes:
    """Three cities from the template's example row, with per-city cell ``changes``."""
    template = client.get("/network/import/template.csv").data.decode("utf-8")
    header, _allowed, example = list(csv.reader(io.StringIO(template)))
    row = dict(zip(header, example, strict=True))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for n, name in enumerate(("Brno", "Graz", "Pécs"), 1):
        city = {**row, "name": name, "population": str(300_000 + n)}
        writer.writerow({**city, **changes.get(name, {})})
    return out.getvalue().encode("utf-8")


def _pool_rows(app: Flask) -> list[tuple[Any, ...]]:
    """Each row's id and record, the record as data (SQLite gives JSON text, PostgreSQL a
    dict; a bulk insert writes compact JSON, a row written alone the standard library's)."""
    rows = run_sql(app, "SELECT id, record FROM pool_records ORDER BY id")
    return [
        (i, json.dumps(json.loads(r) if isinstance(r, str) else r, sort_keys=True))
        for i, r in rows
    ]


def _aggregates(client: FlaskClient) -> bytes:
    return client.get("/network/export/aggregates.csv", headers=BEARER).data


def _import(client: FlaskClient, data: bytes, name: str = "survey.csv") -> str:
    done = upload(client, data, name)
    assert done.status_code == 303, text(done)
    return text(client.get(done.headers["Location"]))


def _undo(client: FlaskClient, batch: int) -> Any:
    form = {"csrf_token": csrf_token(client, "/network/import")}
    return client.post(f"/network/import/batches/{batch}/undo", data=form)


def test_importing_the_same_file_twice_changes_nothing(client: FlaskClient, admin: Flask) -> None:
    data = _survey(client, {})
    assert "3 new, 0 updated, 0 unchanged." in _import(client, data)
    rows = _pool_rows(admin)
    dry = upload(client, data, "survey.csv", dry_run=True)
    assert "3 rows are valid: 0 new, 0 updated, 3 unchanged." in text(dry)
    assert "0 new, 0 updated, 3 unchanged." in _import(client, data)
    assert _pool_rows(admin) == rows
    page = client.get("/network/import").get_data(as_text=True)
    assert page.count("<tr data-batch=") == 1  # a no-op makes no batch


def test_a_newer_survey_updates_the_city_and_keeps_its_history(
    client: FlaskClient, admin: Flask
) -> None:
    _import(client, _survey(client, {}))
    newer = {"Brno": {"strategy.document": "adopted_current", "assessed_on": "2099-01-01"}}
    dry = upload(client, _survey(client, newer), "survey-2.csv", dry_run=True)
    assert "0 new, 1 updated, 2 unchanged." in text(dry)
    _import(client, _survey(client, newer), "survey-2.csv")
    with admin.app_context():
        brno = [r for r in storage.load_pool() if r.profile.name == "Brno"]
    assert len(brno) == 1 and brno[0].answers["strategy.document"] == "adopted_current"
    [(kind,)] = run_sql(admin, "SELECT kind FROM pool_history")
    assert kind == "replaced"
    assert storage_count(admin) == DEMO_SIZE + 3


def storage_count(app: Flask) -> int:
    with app.app_context():
        return storage.pool_size()


def test_undo_restores_the_pool_and_aggregates_exactly(client: FlaskClient, admin: Flask) -> None:
    start_rows, start_aggregates = _pool_rows(admin), _aggregates(client)
    _import(client, _survey(client, {}))
    after_first, first_aggregates = _pool_rows(admin), _aggregates(client)
    newer = {"Graz": {"strategy.document": "adopted_current", "assessed_on": "2099-01-01"}}
    _import(client, _survey(client, newer), "survey-2.csv")
    assert _pool_rows(admin) != after_first

    undone = _undo(client, 2)
    assert undone.status_code == 303
    assert "Batch 2 undone: 0 cities removed, 1 restored" in text(client.get("/network/import"))
    assert _pool_rows(admin) == after_first and _aggregates(client) == first_aggregates
    assert _undo(client, 1).status_code == 303
    assert _pool_rows(admin) == start_rows and _aggregates(client) == start_aggregates
    assert _undo(client, 1).status_code == 409  # already undone


def test_a_batch_changed_again_later_is_not_undone(client: FlaskClient, admin: Flask) -> None:
    _import(client, _survey(client, {}))
    newer = {"Brno": {"strategy.document": "adopted_current", "assessed_on": "2099-01-01"}}
    _import(client, _survey(client, newer), "survey-2.csv")
    rows = _pool_rows(admin)
    refused = _undo(client, 1)
    assert refused.status_code == 409
    assert "undo the later batches first" in text(refused)
    assert _pool_rows(admin) == rows


def test_an_older_survey_goes_to_the_history_only(client: FlaskClient, admin: Flask) -> None:
    _import(client, _survey(client, {"Brno": {"assessed_on": "2030-01-01"}}))
    rows = _pool_rows(admin)
    older = {"Brno": {"strategy.document": "none", "assessed_on": "2020-01-01"}}
    shown = _import(client, _survey(client, older), "survey-2020.csv")
    assert "0 new, 0 updated, 3 unchanged." in shown
    assert _pool_rows(admin) == rows
    [(kind,)] = run_sql(admin, "SELECT kind FROM pool_history")
    assert kind == "older"


def test_the_cli_imports_idempotently_and_undoes_a_batch(tmp_path: Path) -> None:
    env = {
        "CITYDIP_INSTANCE_PATH": str(tmp_path / "instance"),
        "CITYDIP_DATABASE_URL": database_url(tmp_path, "cli"),
        "CITYDIP_DEMO_POOL": "false",
    }
    app = admin_app(tmp_path, database_url=env["CITYDIP_DATABASE_URL"], demo_pool=False)
    survey = tmp_path / "survey.csv"
    client = app.test_client()
    sign_in(client)
    survey.write_bytes(_survey(client, {}))
    runner = CliRunner()
    first = runner.invoke(cli, ["pool", "import", str(survey), "--database"], env=env)
    assert first.exit_code == 0, first.output
    assert "as batch 1 (3 new, 0 updated, 0 unchanged)" in first.output
    again = runner.invoke(cli, ["pool", "import", str(survey), "--database"], env=env)
    assert "(0 new, 0 updated, 3 unchanged)" in again.output
    assert storage_count(app) == 3
    undone = runner.invoke(cli, ["pool", "import", "--database", "--undo", "1"], env=env)
    assert undone.exit_code == 0, undone.output
    assert "Batch 1 undone: 3 cities removed" in undone.output
    assert storage_count(app) == 0
    twice = runner.invoke(cli, ["pool", "import", "--database", "--undo", "1"], env=env)
    assert twice.exit_code == 1 and "already undone" in twice.output
    storage.dispose(app)
