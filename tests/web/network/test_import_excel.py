"""Excel as it is (issue 13, deliverable 2): semicolon CSV with decimal commas and a BOM, and
``.xlsx`` files saved from the template, import cleanly; bad rows are named by city."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import admin_app, pool_count, sign_in, upload
from openpyxl import load_workbook
from web_helpers import text

from rules.index import RulebookIndex
from web import state, storage
from web.network.survey_template import allowed_values


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path, demo_pool=False)
    yield app
    storage.dispose(app)


@pytest.fixture
def client(admin: Flask) -> FlaskClient:
    signed = admin.test_client()
    sign_in(signed)
    return signed


def _example(client: FlaskClient) -> tuple[list[str], dict[str, str]]:
    template = client.get("/network/import/template.csv").data.decode("utf-8")
    header, _allowed, row = list(csv.reader(io.StringIO(template)))
    return header, dict(zip(header, row, strict=True))


def test_a_semicolon_csv_from_excel_with_decimal_commas_imports(
    client: FlaskClient, admin: Flask
) -> None:
    header, row = _example(client)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({**row, "name": "Kraków", "staff.team_size": "2,5"})
    data = "\ufeff".encode() + out.getvalue().encode("utf-8")  # Excel's BOM
    dry = upload(client, data, "ankieta.csv", dry_run=True)
    assert dry.status_code == 200, text(dry)
    assert "Read as: semicolon-separated CSV." in text(dry)
    done = upload(client, data, "ankieta.csv")
    assert done.status_code == 303
    with admin.app_context():
        [city] = storage.load_pool()
    assert city.profile.name == "Kraków" and city.profile.team_size == 2.5


def _filled_workbook(
    client: FlaskClient, names: list[str], bad: dict[str, dict[str, str]]
) -> bytes:
    workbook = load_workbook(io.BytesIO(client.get("/network/import/template.xlsx").data))
    sheet = workbook["Cities"]
    header = [c.value for c in sheet[1]]
    example = [c.value for c in sheet[2]]
    sheet.delete_rows(2)
    for name in names:
        cells = dict(zip(header, example, strict=True))
        cells.update({"name": name, **bad.get(name, {})})
        sheet.append([cells[h] for h in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_xlsx_template_has_drop_downs_questions_and_a_read_me(
    client: FlaskClient, admin: Flask
) -> None:
    response = client.get("/network/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert {"Cities", "Questions", "Read me"} <= set(workbook.sheetnames)
    with admin.app_context():
        index = RulebookIndex.of(state.rulebook())
    header = [c.value for c in workbook["Cities"][1]]
    lists = workbook["Lists"]
    validated: dict[str, list[str]] = {}
    for rule in workbook["Cities"].data_validations.dataValidation:
        column = str(rule.sqref).split(":")[0].rstrip("0123456789")
        letter = rule.formula1.split("$")[1]
        values = [c.value for c in lists[letter] if c.value is not None]
        validated[header[_column_index(column)]] = values
    for qid in index.order:
        question = index.questions[qid]
        if question.kind != "number":
            assert validated[qid] == allowed_values(question), qid
    asked = [r[0] for r in workbook["Questions"].iter_rows(min_row=2, values_only=True)]
    assert asked == list(index.order)


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def test_an_xlsx_saved_from_the_template_imports(client: FlaskClient, admin: Flask) -> None:
    data = _filled_workbook(client, ["Brno", "Graz", "Pécs"], {})
    done = upload(client, data, "members.xlsx")
    assert done.status_code == 303, text(done)
    assert "3 new, 0 updated, 0 unchanged." in text(client.get(done.headers["Location"]))
    assert pool_count(admin) == 3


def test_three_bad_rows_of_a_workbook_are_named_and_nothing_changes(
    client: FlaskClient, admin: Flask
) -> None:
    bad = {
        "Graz": {"strategy.priorities": "bogus"},
        "Pécs": {"population": "lots"},
        "Linz": {"stakeholders.residents": "x" * 2000},
    }
    data = _filled_workbook(client, ["Brno", "Graz", "Pécs", "Linz"], bad)
    response = upload(client, data, "members.xlsx")
    assert response.status_code == 400
    page = text(response)
    assert "Line 3 (Graz), column strategy.priorities" in page
    assert "Line 4 (Pécs), column population" in page
    assert "Line 5 (Linz), column stakeholders.residents" in page
    assert "Line 2 (Brno)" not in page
    assert "x" * 400 not in page  # a pasted paragraph is cut, the page does not stretch
    assert pool_count(admin) == 0
