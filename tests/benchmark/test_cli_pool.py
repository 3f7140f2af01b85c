"""``citydip pool``: demo, import (all-or-nothing), export and stats, through click's runner."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark.demo import generate_demo_pool
from benchmark.pool import load_pool, save_pool
from benchmark.record import PoolRecord
from benchmark.survey_csv import export_rows
from rules import Rulebook, load_rulebook
from web.cli import cli

SURVEY_PROFILE = ["name", "country", "population", "capital", "consent_named", "team_size"]


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def cities(book: Rulebook) -> list[PoolRecord]:
    return generate_demo_pool(8, 21, book)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def survey_rows(records: list[PoolRecord], book: Rulebook) -> list[dict[str, str]]:
    """Records as a network's survey file would hold them: answers and a profile, no scores."""
    questions = [q.id for d in book.dimensions for q in d.questions]
    header, rows = export_rows(records, questions)
    return [
        {k: v for k, v in zip(header, row, strict=True) if k in SURVEY_PROFILE + questions}
        for row in rows
    ]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_demo_writes_a_pool_of_demo_cities(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    result = runner.invoke(cli, ["pool", "demo", "--n", "40", "--seed", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote 40 demo cities (fictional data) to {out}" in result.stdout
    records = load_pool(out)
    assert len(records) == 40
    assert {r.source for r in records} == {"demo"}


def test_import_scores_rows_and_adds_them_to_a_new_pool(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord], book: Rulebook
) -> None:
    rows = survey_rows(cities, book)
    for row in rows:  # region and EU membership are derived from the country
        assert "region" not in row and "eu_member" not in row
    survey = write_csv(tmp_path / "survey.csv", rows)
    pool = tmp_path / "pool.jsonl"
    result = runner.invoke(cli, ["pool", "import", str(survey), "-o", str(pool)])
    assert result.exit_code == 0, result.output
    assert f"Imported 8 cities into {pool} (8 now)" in result.stdout
    imported = load_pool(pool, rulebook=book)  # the stored scores are the rulebook's
    assert [r.id for r in imported] == [f"import-{i:04d}" for i in range(1, 9)]
    assert {r.source for r in imported} == {"import"}
    for new, old in zip(imported, cities, strict=True):
        assert new.answers == old.answers
        assert new.scores == old.scores
        assert new.profile == old.profile


def test_a_second_import_appends_with_new_ids(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord], book: Rulebook
) -> None:
    pool = tmp_path / "pool.jsonl"
    save_pool(cities, pool)
    survey = write_csv(tmp_path / "survey.csv", survey_rows(cities[:2], book))
    for _ in range(2):
        result = runner.invoke(cli, ["pool", "import", str(survey), "-o", str(pool)])
        assert result.exit_code == 0, result.output
    ids = [r.id for r in load_pool(pool)]
    assert ids == [r.id for r in cities] + [f"import-{i:04d}" for i in range(1, 5)]


def test_import_reports_exactly_the_bad_rows_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord], book: Rulebook
) -> None:
    rows = survey_rows(cities, book)
    rows[2]["population"] = "lots"  # line 4
    rows[4]["strategy.document"] = "bogus"  # line 6
    rows[6]["country"] = "XX"  # line 8
    survey = write_csv(tmp_path / "survey.csv", rows)
    pool = tmp_path / "pool.jsonl"
    save_pool(cities[:1], pool)
    before = pool.read_bytes()
    result = runner.invoke(cli, ["pool", "import", str(survey), "-o", str(pool)])
    assert result.exit_code == 1
    reported = [line.strip() for line in result.stderr.splitlines()[1:]]
    assert reported == [
        "line 4, column population: 'lots' is not a whole number",
        "line 6, column strategy.document: 'bogus' is not an option of this question; "
        "choose one of: none, informal, in_preparation, adopted_dated, adopted_current",
        "line 8, column country: unknown country 'XX': use an ISO 3166 alpha-2 code such as "
        "DE (UK and EL are understood too) or the English name",
    ]
    assert "problems on 3 lines; nothing was imported" in result.stderr
    assert pool.read_bytes() == before


def test_import_reports_every_problem_of_a_row_and_of_the_header(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord], book: Rulebook
) -> None:
    rows = survey_rows(cities[:2], book)
    for row in rows:
        row["stratgy.priority"] = ""
        del row["crisis.mutual_aid"]
    rows[1]["capital"] = "maybe"
    rows[1]["networks.memberships"] = "inactive"  # then role and influence must be left empty
    survey = write_csv(tmp_path / "survey.csv", rows)
    result = runner.invoke(cli, ["pool", "import", str(survey), "-o", str(tmp_path / "p.jsonl")])
    assert result.exit_code == 1
    reported = [line.strip() for line in result.stderr.splitlines()[1:]]
    assert reported == [
        "line 1, column crisis.mutual_aid: "
        "missing column: a question of the rulebook; add it to the header",
        "line 1, column stratgy.priority: unknown column: neither a profile column nor a "
        "question of city_diplomacy; did you mean strategy.priorities?",
        "line 3, column capital: 'maybe' is not yes or no",
        "line 3, column networks.policy_influence: "
        "answered, but the question does not apply given other answers",
        "line 3, column networks.role: "
        "answered, but the question does not apply given other answers",
    ]
    assert not (tmp_path / "p.jsonl").exists()


def test_line_numbers_count_cells_that_span_lines(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord], book: Rulebook
) -> None:
    rows = survey_rows(cities[:3], book)
    rows[0]["name"] = "Two\nLines"
    rows[2]["population"] = "-3"
    survey = write_csv(tmp_path / "survey.csv", rows)
    result = runner.invoke(cli, ["pool", "import", str(survey), "-o", str(tmp_path / "p.jsonl")])
    assert "line 5, column population: '-3' is not a whole number" in result.stderr


def test_dry_run_checks_everything_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord], book: Rulebook
) -> None:
    survey = write_csv(tmp_path / "survey.csv", survey_rows(cities, book))
    pool = tmp_path / "pool.jsonl"
    result = runner.invoke(cli, ["pool", "import", str(survey), "-o", str(pool), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: all 8 rows" in result.stdout
    assert not pool.exists()


def test_export_csv_imports_again(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord]
) -> None:
    pool = tmp_path / "pool.jsonl"
    save_pool(cities, pool)
    exported = tmp_path / "pool.csv"
    result = runner.invoke(
        cli, ["pool", "export", str(pool), "-o", str(exported), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(exported.read_text("utf-8"))))
    assert header[:4] == ["id", "source", "assessed_on", "rulebook_version"]
    assert "scores.overall_score" in header and "scores.indicator.international_office" in header
    again = tmp_path / "again.jsonl"
    result = runner.invoke(cli, ["pool", "import", str(exported), "-o", str(again)])
    assert result.exit_code == 0, result.output
    reimported = load_pool(again)
    assert [r.id for r in reimported] == [r.id for r in cities]  # the id column is kept
    assert [(r.profile, r.answers, r.scores) for r in reimported] == [
        (r.profile, r.answers, r.scores) for r in cities
    ]


def test_export_jsonl_copies_the_pool(
    runner: CliRunner, tmp_path: Path, cities: list[PoolRecord]
) -> None:
    pool = tmp_path / "pool.jsonl"
    save_pool(cities, pool)
    out = tmp_path / "copy.jsonl"
    assert runner.invoke(cli, ["pool", "export", str(pool), "-o", str(out)]).exit_code == 0
    assert load_pool(out) == cities


def test_stats_sets_pool_shares_beside_published_figures(
    runner: CliRunner, tmp_path: Path, book: Rulebook
) -> None:
    pool = tmp_path / "pool.jsonl"
    records = generate_demo_pool(60, 4, book)
    save_pool(records, pool)
    result = runner.invoke(cli, ["pool", "stats", str(pool)])
    assert result.exit_code == 0, result.output
    office = sum(r.scores.indicators["international_office"] for r in records) / 60
    assert "Pool pool.jsonl: 60 cities, of which 60 demo cities (fictional data)" in result.stdout
    office_line = next(line for line in result.stdout.splitlines() if line.startswith("[1]"))
    assert office_line.split()[-4:] == [f"{office:.0%}", "60", "84%", "(2024)"]
    assert "19% (2018), 57% (2024)" in result.stdout
    lines = {line.split("  ")[0]: line for line in result.stdout.splitlines()}
    sizes = Counter(r.profile.region for r in records)
    assert min(sizes.values()) < 5 <= max(sizes.values())
    for region, size in sizes.items():
        line = lines[f"region: {region}"]
        assert line.endswith("suppressed (too few cities)") == (size < 5)
        if not line.endswith("suppressed (differencing)"):  # else sums of others give it
            assert (str(size) in line.split()) == (size >= 5)
    groups = [line for key, line in lines.items() if key.startswith(("region:", "size band:"))]
    groups += [line for key, line in lines.items() if key.startswith("eu member:")]
    assert any("suppressed" not in line for line in groups)


def test_stats_json_and_no_demo(runner: CliRunner, tmp_path: Path, book: Rulebook) -> None:
    pool = tmp_path / "pool.jsonl"
    save_pool(generate_demo_pool(12, 4, book), pool)
    data = json.loads(runner.invoke(cli, ["pool", "stats", str(pool), "--json"]).stdout)
    overall = data["aggregates"]["rows"][0]
    assert (overall["group"], overall["n"]) == ("all cities", 12)
    training_2018 = data["references"]["staff_training"][0]
    assert (training_2018["share"], training_2018["year"]) == (0.19, 2018)
    assert training_2018["source"]["ref"] == "policy_brief_2025"
    assert training_2018["source"]["text"].startswith("Epifanio, C.; Leavesley, A.; Pejic, D.")
    result = runner.invoke(cli, ["pool", "stats", str(pool), "--json", "--no-demo"])
    data = json.loads(result.stdout)
    assert (data["aggregates"]["cities"], data["aggregates"]["rows"][0]["suppressed"]) == (0, True)


def test_a_broken_pool_file_is_reported_and_nothing_shown(
    runner: CliRunner, tmp_path: Path
) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("{}\n", encoding="utf-8")
    result = runner.invoke(cli, ["pool", "stats", str(pool)])
    assert result.exit_code == 1
    assert f"{pool}:1: id: Field required" in result.stderr
    assert result.stdout == ""
