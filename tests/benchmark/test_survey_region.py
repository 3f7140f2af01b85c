"""Region and EU membership on survey imports (issue 12, deliverable 4): they follow from the
country; a cell that contradicts it is refused, as the API refuses it."""

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


def _csv(country: str, region: str, eu_member: str) -> str:
    answers = yaml.safe_load(CASE.read_text("utf-8"))["answers"]
    questions = [q.id for d in BOOK.dimensions for q in d.questions]
    header = ["name", "country", "population", "capital", "consent_named", "region", "eu_member"]
    row = ["Somecity", country, "250000", "no", "no", region, eu_member]
    out = io.StringIO()
    csv.writer(out).writerows(
        [[*header, *questions], [*row, *[str(answers.get(q, "")) for q in questions]]]
    )
    return out.getvalue()


def _import(text: str):
    return import_survey(text, BOOK, assessed_on=date(2025, 1, 1))


@pytest.mark.parametrize(
    ("region", "eu_member"),
    [("", ""), ("Southern Europe", "yes"), ("southern europe", "YES"), ("", "yes")],
)
def test_an_empty_or_matching_region_takes_the_countrys(region: str, eu_member: str) -> None:
    [record] = _import(_csv("PT", region, eu_member))
    assert record.profile.region == "Southern Europe" and record.profile.eu_member


def test_a_region_that_contradicts_the_country_is_refused() -> None:
    with pytest.raises(SurveyImportError) as caught:
        _import(_csv("PT", "Western Europe", ""))
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (2, "region")
    assert problem.message == (
        "PT is in 'Southern Europe', not 'Western Europe'; "
        "leave region empty and it is filled from the country"
    )


def test_an_eu_membership_that_contradicts_the_country_is_refused() -> None:
    with pytest.raises(SurveyImportError) as caught:
        _import(_csv("NO", "", "yes"))
    [problem] = caught.value.problems
    assert problem.column == "eu_member"
    assert problem.message.startswith("NO is not an EU member; leave eu_member empty")
