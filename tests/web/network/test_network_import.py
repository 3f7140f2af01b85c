"""Import on the admin pages: the template, the error table, all-or-nothing, dry run, CLI."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from database import database_url
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import admin_app, pool_count, sign_in, submit_assessment, upload
from web_helpers import DEMO_SIZE, csrf_token, text

from rules import load_rulebook
from rules.index import RulebookIndex
from web import state, storage
from web.cli import cli
from web.network.survey_template import EXAMPLE_NAME, PROFILE_COLUMNS, template_csv


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Flask]:
    """An app with an admin token and the small demo pool."""
    app = admin_app(tmp_path)
    yield app
    storage.dispose(app)


@pytest.fixture
def signed_in(admin: Flask) -> FlaskClient:
    """A client signed in to the network pages."""
    client = admin.test_client()
    sign_in(client)
    return client


def _rows(template: bytes) -> tuple[list[str], dict[str, str]]:
    rows = list(csv.reader(io.StringIO(template.decode("utf-8"))))
    header, example = [r for r in rows if not r[0].startswith("#")]  # skip allowed values
    return header, dict(zip(header, example, strict=True))


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _with_three_bad_rows(template: bytes) -> bytes:
    """The template's example (line 2), three bad rows (lines 3–5) and a good one (line 6)."""
    header, example = _rows(template)
    bad_option = {**example, "name": "Bad option", "strategy.priorities": "bogus"}
    missing = {**example, "name": "Missing answer", "stakeholders.residents": ""}
    bad_population = {**example, "name": "Bad population", "population": "lots"}
    good = {**example, "name": "Good city"}
    return _csv(header, [example, bad_option, missing, bad_population, good])


def test_template_has_profile_and_question_columns_and_an_example_that_imports(
    signed_in: FlaskClient, admin: Flask
) -> None:
    response = signed_in.get("/network/import/template.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, example = _rows(response.data)
    with admin.app_context():
        order = RulebookIndex.of(state.rulebook()).order
    assert header == [*PROFILE_COLUMNS, *order]
    assert example["name"] == EXAMPLE_NAME
    checked = upload(signed_in, response.data, "template.csv", dry_run=True)
    assert "Dry run: the 1 row is valid: 1 new" in text(checked)


def test_three_bad_rows_are_reported_exactly_and_nothing_is_imported(
    signed_in: FlaskClient, admin: Flask
) -> None:
    data = _with_three_bad_rows(signed_in.get("/network/import/template.csv").data)
    before = pool_count(admin)
    response = upload(signed_in, data, "survey.csv")
    page = text(response)
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in page
    table = page.split('data-testid="import-problems"')[1].split("</table>")[0]
    cells = re.findall(r'data-line="(\d+)" data-column="([^"]*)"', table)
    found = [(int(line), column) for line, column in cells]
    assert found == [(3, "strategy.priorities"), (4, "stakeholders.residents"), (5, "population")]
    # Each problem names the city of its row beside the line and the column.
    assert (
        "Line 3 (Bad option), column strategy.priorities: 'bogus' is not an option of this "
        "question" in page
    )
    assert "Line 4 (Missing answer), column stakeholders.residents: an answer is required" in page
    assert "Line 5 (Bad population), column population: 'lots' is not a whole number" in page
    assert "Nothing was imported." in page
    assert pool_count(admin) == before


def test_dry_run_of_a_bad_file_reports_the_same_and_changes_nothing(
    signed_in: FlaskClient, admin: Flask
) -> None:
    data = _with_three_bad_rows(signed_in.get("/network/import/template.csv").data)
    response = upload(signed_in, data, "survey.csv", dry_run=True)
    assert response.status_code == 400
    assert "Dry run: this file would not be imported." in text(response)
    assert text(response).count("<tr data-line=") == 3
    assert pool_count(admin) == DEMO_SIZE


def test_good_file_dry_run_then_import_and_the_peers_see_it(
    signed_in: FlaskClient, admin: Flask
) -> None:
    header, example = _rows(signed_in.get("/network/import/template.csv").data)
    rows = [{**example, "name": f"City {n}", "population": str(200_000 * n)} for n in (1, 2, 3)]
    data = _csv(header, rows)
    city = submit_assessment(signed_in, admin, sharing="private")
    peers_before = f"Compared with {DEMO_SIZE} other cities in the pool."
    assert peers_before in text(signed_in.get(f"/a/{city}/results"))

    dry = upload(signed_in, data, "survey.csv", dry_run=True)
    assert dry.status_code == 200
    assert "Dry run: all 3 rows are valid: 3 new, 0 updated, 0 unchanged. Nothing was" in text(dry)
    assert pool_count(admin) == DEMO_SIZE

    done = upload(signed_in, data, "survey.csv")
    assert done.status_code == 303
    assert "3 cities imported" in text(signed_in.get(done.headers["Location"]))
    assert pool_count(admin) == DEMO_SIZE + 3
    with admin.app_context():
        imported = [r for r in storage.load_pool() if r.source == "import"]
    assert sorted(r.profile.name for r in imported) == ["City 1", "City 2", "City 3"]
    # The peer finder refits on the changed pool.
    peers_after = f"Compared with {DEMO_SIZE + 3} other cities in the pool."
    assert peers_after in text(signed_in.get(f"/a/{city}/results"))


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"name,country\n\xff\xfe", "latin.csv", "The file is not UTF-8 text"),
        (b"name,country\n", "short.csv", "Line 1, column population: missing column"),
        (b'{"id": "x"}\nnot json\n', "pool.jsonl", "Line 2: invalid JSON"),
    ],
)
def test_bad_files_are_explained(
    signed_in: FlaskClient, admin: Flask, data: bytes, filename: str, message: str
) -> None:
    response = upload(signed_in, data, filename)
    assert response.status_code == 400
    assert message in text(response)
    assert pool_count(admin) == DEMO_SIZE


def test_no_file_chosen(signed_in: FlaskClient) -> None:
    token = csrf_token(signed_in, "/network/import")
    response = signed_in.post(
        "/network/import", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a file to import" in text(response)
    assert 'aria-invalid="true"' in text(response)


def test_upload_larger_than_the_import_limit_gets_413(tmp_path: Path) -> None:
    app = admin_app(tmp_path, max_import_size=2048, demo_pool=False)
    try:
        client = app.test_client()
        sign_in(client)
        response = upload(client, b"x" * 4096, "big.csv")
        assert response.status_code == 413
    finally:
        storage.dispose(app)


def test_upload_larger_than_other_forms_is_accepted(tmp_path: Path) -> None:
    app = admin_app(tmp_path, max_content_length=1024, demo_pool=False)
    try:
        client = app.test_client()
        sign_in(client)
        template = client.get("/network/import/template.csv").data
        header, example = _rows(template)
        data = _csv(header, [{**example, "name": f"City {n}"} for n in range(5)])
        assert len(data) > 1024
        assert upload(client, data, "survey.csv").status_code == 303
        assert pool_count(app) == 5
    finally:
        storage.dispose(app)


def test_cli_pool_template_writes_the_same_template(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(cli, ["pool", "template"])
    assert printed.exit_code == 0, printed.output
    expected = template_csv(load_rulebook(), today=date.today())
    assert printed.output.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    target = tmp_path / "template.csv"
    written = runner.invoke(cli, ["pool", "template", "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_bytes() == expected.encode("utf-8")


def test_cli_pool_import_into_the_database_checks_like_the_admin_page(tmp_path: Path) -> None:
    env = {
        "CITYDIP_INSTANCE_PATH": str(tmp_path / "instance"),
        "CITYDIP_DATABASE_URL": database_url(tmp_path, "cli"),
        "CITYDIP_DEMO_POOL": "false",
    }
    header, example = _rows(template_csv(load_rulebook(), today=date.today()).encode("utf-8"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_with_three_bad_rows(_csv(header, [example])))
    runner = CliRunner()
    refused = runner.invoke(cli, ["pool", "import", str(bad), "--database"], env=env)
    assert refused.exit_code == 1
    assert (
        "Line 4 (Missing answer), column stakeholders.residents: an answer is required"
        in refused.stderr
    )
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(header, [{**example, "name": f"City {n}"} for n in (1, 2)]))
    done = runner.invoke(cli, ["pool", "import", str(good), "--database"], env=env)
    assert done.exit_code == 0, done.output
    assert "Imported 2 cities" in done.output
    both = runner.invoke(cli, ["pool", "import", str(good), "--database", "-o", "x.jsonl"])
    assert both.exit_code == 2
    app = admin_app(tmp_path, database_url=env["CITYDIP_DATABASE_URL"], demo_pool=False)
    try:
        assert pool_count(app) == 2
    finally:
        storage.dispose(app)


def test_ids_of_this_services_own_form_are_renamed_and_still_checked(
    signed_in: FlaskClient, admin: Flask
) -> None:
    header, example = _rows(signed_in.get("/network/import/template.csv").data)
    data = _csv(["id", *header], [{**example, "id": "submitted-7"}])
    assert upload(signed_in, data, "survey.csv").status_code == 303
    with admin.app_context():
        assert "import-submitted-7" in storage.pool_ids()
    again = upload(signed_in, data, "survey.csv")
    assert "column id: id 'submitted-7' is already in the pool" in text(again)


def test_the_csv_template_names_the_allowed_values(signed_in: FlaskClient, admin: Flask) -> None:
    """Nobody can fill the template without knowing what a cell may hold (issue 13)."""
    rows = list(
        csv.reader(io.StringIO(signed_in.get("/network/import/template.csv").data.decode()))
    )
    header, allowed = rows[0], dict(zip(rows[0], rows[1], strict=True))
    with admin.app_context():
        book = state.rulebook()
    question = next(q for d in book.dimensions for q in d.questions if q.kind != "number")
    assert allowed[question.id] == " | ".join(
        [o.value for o in question.options]
        + ["na"] * question.allow_na
        + ["unknown"] * question.allow_unknown
    )
    assert allowed["capital"] == "yes | no" and "staff.team_size" in header
    assert "team_size" not in header  # asked once, as the question staff.team_size
