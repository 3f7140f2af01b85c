"""The survey CSV template: a header from the rulebook and one example row that imports.

The header has the profile columns a survey file needs, then one column per question id in
rulebook order (the format of :mod:`benchmark.survey_csv`). The example row answers each
question that applies with a middle option, following skip logic, so the template imports
as it is; it is named so that nobody mistakes it for a real city.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from rules import Question, Rulebook
from rules.index import RulebookIndex
from web.assessment.flow import applicable_questions, prune_answers

__all__ = ["EXAMPLE_NAME", "PROFILE_COLUMNS", "example_answers", "template_csv"]

#: Profile columns of the template: the required ones, then team size and date.
PROFILE_COLUMNS = (
    "name",
    "country",
    "population",
    "capital",
    "team_size",
    "consent_named",
    "assessed_on",
)
EXAMPLE_NAME = "Example city (replace or delete this row)"


def _example_value(question: Question) -> str | float:
    middle = question.options[len(question.options) // 2]
    if question.kind == "number":
        return middle.min if middle.min is not None else 0.0
    return middle.value


def example_answers(book: Rulebook) -> dict[str, str | float]:
    """A middle answer to every question that applies, consistent with skip logic."""
    index = RulebookIndex.of(book)
    answers: dict[str, str | float] = {}
    for _round in range(len(index.order) + 1):  # each round can make more questions apply
        applies = applicable_questions(book, answers)
        missing = [q for q in index.order if q in applies and q not in answers]
        if not missing:
            break
        for qid in missing:
            answers[qid] = _example_value(index.questions[qid])
        answers = prune_answers(book, answers)
    return answers


def _cell(value: str | float) -> str:
    return f"{value:g}" if isinstance(value, float) else value


def template_csv(book: Rulebook, *, today: date) -> str:
    """The template as CSV text: header row and one example row."""
    index = RulebookIndex.of(book)
    answers = example_answers(book)
    team = answers.get("staff.team_size", 3.0)
    profile = {
        "name": EXAMPLE_NAME,
        "country": "DE",
        "population": "500000",
        "capital": "no",
        "team_size": _cell(team) if isinstance(team, float) else "3",
        "consent_named": "no",
        "assessed_on": today.isoformat(),
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*PROFILE_COLUMNS, *index.order])
    writer.writerow(
        [*(profile[c] for c in PROFILE_COLUMNS), *(_cell(answers.get(q, "")) for q in index.order)]
    )
    return out.getvalue()
