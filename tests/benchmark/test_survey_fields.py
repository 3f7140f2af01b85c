"""Survey rows as secretariats fill them (issue 11): country codes people type, and the team
size asked once (the staff.team_size answer, which a team_size column may only repeat)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import yaml

from benchmark.errors import SurveyImportError
from benchmark.survey_csv import import_survey
from rules import DEFAULT_RULEBOOK, load_rulebook

BOOK = load_rulebook()
CASE = DEFAULT_RULEBOOK / "cases" / "all-level-3.yaml"


def _csv(country: str, team_column: str | None, team_answer: object) -> str:
    answers = {**yaml.safe_load(CASE.read_text("utf-8"))["answers"]}
    answers["staff.team_size"] = team_answer
    questions = [q.id for d in BOOK.dimensions for q in d.questions]
    header = ["name", "country", "population", "capital", "consent_named", "team_size"]
    row = ["Somecity", country, "250000", "no", "no", team_column or ""]
    out = io.StringIO()
    csv.writer(out).writerows(
        [[*header, *questions], [*row, *[str(answers.get(q, "")) for q in questions]]]
    )
    return out.getvalue()


def _one(text: str):
    [record] = import_survey(text, BOOK, assessed_on=date(2025, 1, 1))
    return record


@pytest.mark.parametrize(
    ("typed", "code"), [("uk", "GB"), ("EL", "GR"), ("pt", "PT"), ("Portugal", "PT")]
)
def test_country_codes_people_type(typed: str, code: str) -> None:
    assert _one(_csv(typed, None, 4)).profile.country == code


def test_the_profile_takes_the_team_size_answer() -> None:
    assert _one(_csv("PT", None, 4)).profile.team_size == 4.0
    assert _one(_csv("PT", "4", 4)).profile.team_size == 4.0


def test_a_team_column_that_contradicts_the_answer_is_refused() -> None:
    with pytest.raises(SurveyImportError) as caught:
        import_survey(_csv("PT", "22", 4), BOOK, assessed_on=date(2025, 1, 1))
    [problem] = caught.value.problems
    assert problem.column == "team_size" and "staff.team_size (4)" in problem.message
