"""The secretariat's members page (issue 13, deliverable 4): every city, its latest
assessment and level, its source, who is due to re-assess; CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import BEARER, admin_app, sign_in, submit_assessment, upload
from openpyxl import load_workbook
from web_helpers import DEMO_SIZE, text

from web import storage
from web.network.members import member_rows
from web.storage import PoolListing


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path)
    yield app
    storage.dispose(app)


def _old_survey(client: FlaskClient) -> bytes:
    template = client.get("/network/import/template.csv").data.decode("utf-8")
    header, _allowed, example = list(csv.reader(io.StringIO(template)))
    row = dict(zip(header, example, strict=True))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({**row, "name": "Oldtown", "assessed_on": "2020-05-01"})
    return out.getvalue().encode("utf-8")


def test_members_lists_every_city_with_source_level_and_who_is_due(admin: Flask) -> None:
    client = admin.test_client()
    submit_assessment(client, admin, sharing="anonymous", name="Aldburg")
    sign_in(client)
    assert upload(client, _old_survey(client), "old.csv").status_code == 303
    page = text(client.get("/network/members?stale=1"))
    assert "Oldtown" in page and "Aldburg" not in page  # imported in 2020: due
    everyone = text(client.get("/network/members"))
    assert f"{DEMO_SIZE + 2} cities in the pool" in everyone
    submitted = text(client.get("/network/members?source=submitted"))
    assert "Aldburg" in submitted  # the secretariat sees anonymous cities' names
    assert "Oldtown" not in submitted


def test_members_download_as_csv_and_xlsx_with_the_same_rows(admin: Flask) -> None:
    client = admin.test_client()
    sign_in(client)
    assert upload(client, _old_survey(client), "old.csv").status_code == 303
    as_csv = client.get("/network/members.csv?stale=1", headers=BEARER)
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [r["name"] for r in rows] == ["Oldtown"]
    assert rows[0]["due_to_reassess"] == "yes" and rows[0]["source"] == "import"
    as_xlsx = client.get("/network/members.xlsx?stale=1", headers=BEARER)
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "name" and values[1][0] == "Oldtown"
    assert values[1][3].date() == date(2020, 5, 1)


def test_members_need_the_secretariat(admin: Flask) -> None:
    client = admin.test_client()
    assert client.get("/network/members").status_code in (302, 303, 401)
    assert client.get("/network/members.csv").status_code == 401


def test_a_city_is_due_after_twelve_months_not_before() -> None:
    from benchmark.demo import generate_demo_pool
    from rules import load_rulebook

    [generated] = generate_demo_pool(1, 1, load_rulebook())
    demo = PoolListing(
        generated.id,
        generated.profile.name,
        generated.profile.country,
        "demo",
        generated.assessed_on,
        generated.scores.overall_level,
    )
    record = replace(demo, source="import")
    today = record.assessed_on.replace(year=record.assessed_on.year + 1)
    [on_time] = member_rows([record], today=today)
    assert not on_time.stale  # exactly 12 months: not yet
    [late] = member_rows([record], today=date.fromordinal(today.toordinal() + 2))
    assert late.stale
    [fictional] = member_rows([demo], today=date.fromordinal(today.toordinal() + 2))
    assert not fictional.stale  # demo cities are due nothing


def test_admin_pages_carry_no_assessment_banner(admin: Flask) -> None:
    client = admin.test_client()
    assert "Your answers are saved as you go" in text(client.get("/"))
    for url in ("/network/sign-in", "/network/"):
        page = text(client.get(url))
        assert "Your answers are saved as you go" not in page, url
    sign_in(client)
    for url in ("/network/", "/network/import", "/network/members", "/network/cities"):
        page = text(client.get(url))
        assert "Your answers are saved as you go" not in page, url
        assert "These pages are for the network's secretariat." in page, url
