"""An instance holding rulebook-1 results upgrades to rulebook 2 (issue 10, deliverable 6).

The database is real: ``data/rulebook1.sqlite3`` was written by toolkit 0.1 (commit 830d4ad,
rulebook 1.0.0) through its own API and storage (``data/make_rulebook1_db.py``): three
submitted assessments (named, anonymous, private), a draft and 30 imported pool records, at
schema revision 0003. On PostgreSQL its rows are copied into a schema at revision 0003 first.
Then the real ``citydip db upgrade`` runs, as an operator would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from database import database_url, dialect
from flask import Flask
from served import server_env, tool
from sqlalchemy import JSON, Boolean, Date, DateTime, MetaData, Table, create_engine, insert, text
from web_helpers import csrf_token, make_app

from rules import Answers, Scorecard, migrate_answers, score_assessment
from web import state, storage
from web.storage.tables import AssessmentRow, PoolRow
from web.tokens import hash_token

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "rulebook1.sqlite3"
TOKENS: dict[str, str] = json.loads((DATA / "rulebook1.tokens.json").read_text("utf-8"))


def _old_rows(table: Table) -> list[dict[str, Any]]:
    """The fixture's rows of ``table``, as Python values of the table's column types."""
    engine = create_engine(f"sqlite:///{FIXTURE}")
    with engine.connect() as connection:
        found = list(
            connection.execute(text(f"SELECT * FROM {table.name} ORDER BY id")).mappings()
        )
    engine.dispose()
    return [{k: _value(table.c[k].type, v) for k, v in row.items()} for row in found]


def _value(kind: Any, raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(kind, JSON):
        return json.loads(raw)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(raw)
    if isinstance(kind, Date):
        return date.fromisoformat(raw)
    if isinstance(kind, Boolean):
        return bool(raw)
    return raw


def _old_database(folder: Path) -> str:
    """A database as toolkit 0.1 left it; its URL."""
    url = database_url(folder)
    if dialect() == "sqlite":
        shutil.copy(FIXTURE, url.removeprefix("sqlite:///"))
        return url
    engine = storage.create_db_engine(url)
    storage.upgrade_database(engine, "0003")
    with engine.begin() as connection:
        for table in (AssessmentRow.__table__, PoolRow.__table__):
            # The table as revision 0003 made it: today's columns (and their defaults) aren't.
            old = Table(table.name, MetaData(), autoload_with=connection)
            connection.execute(insert(old), _old_rows(table))  # type: ignore[arg-type]
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('assessments', 'id'), max(id)) "
                "FROM assessments"
            )
        )
    engine.dispose()
    return url


def _db_upgrade(folder: Path, url: str) -> str:
    env = server_env(folder, url, {"CITYDIP_DEMO_POOL": "false"})
    done = subprocess.run(
        [tool("citydip"), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture()
def upgraded(tmp_path: Path) -> tuple[Flask, str, dict[str, list[dict[str, Any]]]]:
    """The upgraded app, what ``db upgrade`` printed, and the rows before the upgrade."""
    before = {t.name: _old_rows(t) for t in (AssessmentRow.__table__, PoolRow.__table__)}
    url = _old_database(tmp_path)
    printed = _db_upgrade(tmp_path, url)
    app = make_app(tmp_path, database_url=url, demo_pool=False)
    return app, printed, before


def _assessment(app: Flask, name: str) -> storage.StoredAssessment:
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(TOKENS[name]))
    assert found is not None
    return found


def test_db_upgrade_rescores_everything_and_says_so(upgraded: Any, tmp_path: Path) -> None:
    _app, printed, _before = upgraded
    assert (
        "re-scored with rulebook 2.0.0: 3 submitted assessments, 1 drafts, 30 pool records"
        in printed
    )
    assert "left as they were" not in printed
    again = _db_upgrade(tmp_path, database_url(tmp_path))
    assert "every stored result is scored with rulebook 2.0.0" in again


def test_each_result_is_the_migrated_answers_scored_and_the_original_is_kept(
    upgraded: Any,
) -> None:
    app, _printed, before = upgraded
    with app.app_context():
        book = state.rulebook()
    old = {row["token_hash"]: row for row in before["assessments"]}
    for name in TOKENS:
        found = _assessment(app, name)
        first = old[hash_token(TOKENS[name])]
        assert found.original is not None
        assert found.original["scorecard"] == first["scorecard"]  # the first result, unchanged
        assert found.original["answers"] == first["answers"]
        assert found.original["rulebook_version"] == "1.0.0"
        assert found.rulebook_version == "2.0.0" and found.rulebook_hash == book.content_hash
        carried = migrate_answers(Answers(answers=first["answers"]), book).answers
        assert found.answers == carried.answers
        card = Scorecard.model_validate(found.scorecard)
        expected = score_assessment(
            book, Answers(rulebook=book.id, answers=carried.answers, notes=found.notes)
        )
        assert card == expected
        assert [d.id for d in card.dimensions] == [d.id for d in book.dimensions]


def test_the_pool_holds_only_rulebook_2_records_and_keeps_the_originals(upgraded: Any) -> None:
    app, _printed, before = upgraded
    with app.app_context():
        records = storage.load_pool()
    assert len(records) == 32  # 30 imported, the named and the anonymous city
    assert {r.rulebook_version for r in records} == {"2.0.0"}
    originals = run_rows(app, "SELECT id, original FROM pool_records")
    old = {row["record"]["profile"]["name"]: row["record"] for row in before["pool_records"]}
    assert len(old) == len(before["pool_records"])  # names tell the fixture's cities apart
    for pool_id, original in originals:
        kept = json.loads(original) if isinstance(original, str) else original
        expected = old[kept["profile"]["name"]]
        # Migration 0006 gave the submitted cities random ids in place of "submitted-N", in
        # the row and in the record alike; nothing else of the original changed.
        assert kept["id"] == pool_id
        if expected["id"].startswith("submitted-"):
            assert pool_id.startswith("city-") and kept == {**expected, "id": pool_id}
        else:
            assert kept == expected
    assert any(r["id"].startswith("submitted-") for r in old.values())


def run_rows(app: Flask, sql: str) -> list[tuple[Any, ...]]:
    with storage.app_engine(app).connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def _changes(page: str) -> dict[str, tuple[int, int, int]]:
    """Dimension → (total, from the rulebook, from the answers) of the change column."""
    cells = re.findall(
        r'data-testid="change-([a-z]+)" data-score-delta="(-?\d+)".*?'
        r'data-testid="split-\1" data-from-rulebook="(-?\d+)" data-from-answers="(-?\d+)"',
        page,
        re.S,
    )
    return {d: (int(t), int(r), int(a)) for d, t, r, a in cells}


def test_a_reassessment_splits_the_change_into_rulebook_and_answers(upgraded: Any) -> None:
    """Expert expectation: with only a staff answer changed, every dimension's rulebook part is
    the re-scored result minus the first one; only staff has an answers part."""
    app, _printed, _before = upgraded
    client = app.test_client()
    token = TOKENS["Nordhaven"]
    assert client.get(f"/a/{token}/results").status_code == 200
    form = {"csrf_token": csrf_token(client, f"/a/{token}/results")}
    response = client.post(f"/a/{token}/reassess", data=form)
    assert response.status_code == 303
    new = response.headers["Location"].split("/")[2]
    page_form = {"csrf_token": csrf_token(client, f"/a/{new}/step/staff")}
    previous = _assessment(app, "Nordhaven")
    staff = {q: v for q, v in previous.answers.items() if q.startswith("staff.")}
    staff["staff.team_size"] = 12  # the team grew from 5 to 12 FTE
    response = client.post(f"/a/{new}/step/staff", data={**page_form, **staff})
    assert response.status_code == 303, response.get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, f"/a/{new}/check")}
    assert client.post(f"/a/{new}/submit", data=form).status_code == 303
    page = client.get(f"/a/{new}/results").get_data(as_text=True)
    assert "assessed under rulebook 1.0.0" in page
    shown = _changes(page)
    original = Scorecard.model_validate(previous.original["scorecard"])  # type: ignore[index]
    rescored = Scorecard.model_validate(previous.scorecard)
    assert set(shown) == {
        d.id for d in rescored.dimensions if d.id in {o.id for o in original.dimensions}
    }
    for dim, (total, from_rulebook, from_answers) in shown.items():
        assert total == from_rulebook + from_answers, dim
        first, bridge = original.dimension(dim).score, rescored.dimension(dim).score
        assert first is not None and bridge is not None
        assert from_rulebook == int(bridge) - int(first), dim
        assert (from_answers > 0) if dim == "staff" else (from_answers == 0), dim
