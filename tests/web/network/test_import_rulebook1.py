"""A survey CSV filled in with the rulebook-1 template still imports into a rulebook-2
instance, on the admin page and with ``citydip pool import`` (issue 10, deliverable 6)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from click.testing import CliRunner
from network_helpers import admin_app, pool_count, sign_in, upload
from web_helpers import DEMO_SIZE, text

from rules import DEFAULT_RULEBOOK, load_previous, load_rulebook
from web import storage
from web.cli import cli

BOOK = load_rulebook()
assert BOOK.migration is not None
OLD = load_previous(DEFAULT_RULEBOOK, BOOK.migration)
OLD_CASE = DEFAULT_RULEBOOK / "previous" / "1.0.0" / "cases" / "all-level-3.yaml"


def rulebook_1_file(names: list[str]) -> bytes:
    """Rows in the rulebook-1 template: profile columns and one column per old question."""
    answers = yaml.safe_load(OLD_CASE.read_text("utf-8"))["answers"]
    questions = [q.id for d in OLD.dimensions for q in d.questions]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "country", "population", "capital", "consent_named", *questions])
    for name in names:
        cells = [str(answers.get(q, "")) for q in questions]
        writer.writerow([name, "PT", "250000", "no", "no", *cells])
    return out.getvalue().encode("utf-8")


def test_the_admin_page_imports_a_rulebook_1_file(tmp_path: Path) -> None:
    app = admin_app(tmp_path)
    try:
        client = app.test_client()
        sign_in(client)
        done = upload(client, rulebook_1_file(["Old Town", "Older Town"]), "survey-2023.csv")
        assert done.status_code == 303, text(done)
        assert "2 cities imported" in text(client.get(done.headers["Location"]))
        assert pool_count(app) == DEMO_SIZE + 2
        with app.app_context():
            imported = [r for r in storage.load_pool() if r.source == "import"]
        assert {r.rulebook_version for r in imported} == {BOOK.version}
        assert all(r.answers["crisis.mutual_aid"] == "unknown" for r in imported)
    finally:
        storage.dispose(app)


def test_the_cli_imports_a_rulebook_1_file_into_a_pool_file(tmp_path: Path) -> None:
    survey = tmp_path / "survey-2023.csv"
    survey.write_bytes(rulebook_1_file(["Old Town"]))
    pool = tmp_path / "pool.jsonl"
    done = CliRunner().invoke(cli, ["pool", "import", str(survey), "-o", str(pool)])
    assert done.exit_code == 0, done.output
    assert "Imported 1 cities" in done.output
