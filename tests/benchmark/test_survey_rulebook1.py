"""A survey CSV made with the rulebook-1 template still imports, its answers carried over."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import yaml

from benchmark.errors import SurveyImportError
from benchmark.survey_csv import import_survey
from rules import DEFAULT_RULEBOOK, Answers, load_rulebook, score_assessment
from rules.loader import load_previous
from rules.migration import migrate_answers

BOOK = load_rulebook()
assert BOOK.migration is not None
OLD = load_previous(DEFAULT_RULEBOOK, BOOK.migration)
OLD_CASE = DEFAULT_RULEBOOK / "previous" / "1.0.0" / "cases" / "all-level-3.yaml"


def rulebook_1_csv(answers: dict[str, object]) -> str:
    """One row in the rulebook-1 template: profile columns and one column per old question."""
    questions = [q.id for d in OLD.dimensions for q in d.questions]
    header = ["name", "country", "population", "capital", "consent_named", *questions]
    row = ["Old Town", "PT", "250000", "no", "no", *[str(answers.get(q, "")) for q in questions]]
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    return out.getvalue()


def test_rulebook_1_template_imports_under_rulebook_2() -> None:
    answers = yaml.safe_load(OLD_CASE.read_text("utf-8"))["answers"]
    [record] = import_survey(
        rulebook_1_csv(answers), BOOK, assessed_on=date(2025, 1, 1), previous=OLD
    )
    migrated = migrate_answers(answers, BOOK).answers
    assert record.answers == migrated.answers
    assert record.rulebook_version == "2.0.0"
    card = score_assessment(BOOK, Answers(answers=migrated.answers))
    assert record.scores.overall_level == card.overall_level
    assert "staff.workload" not in record.answers  # removed in rulebook 2
    assert record.answers["crisis.mutual_aid"] == "unknown"  # new: until the city answers


def test_rulebook_1_template_is_refused_without_the_previous_rulebook() -> None:
    answers = yaml.safe_load(OLD_CASE.read_text("utf-8"))["answers"]
    with pytest.raises(SurveyImportError):
        import_survey(rulebook_1_csv(answers), BOOK, assessed_on=date(2025, 1, 1))
