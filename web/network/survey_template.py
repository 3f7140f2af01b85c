"""The survey CSV template: a header from the rulebook and one example row that imports.

The header has the profile columns a survey file needs, then one column per question id in
rulebook order (the format of :mod:`benchmark.survey_csv`). The example row answers each
question that applies with a middle option, following skip logic, so the template imports
as it is; it is named so that nobody mistakes it for a real city.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from benchmark.spreadsheet_safe import SafeCsvWriter, xlsx_row
from rules import Question, Rulebook, text_in
from rules.index import RulebookIndex
from web.assessment.flow import applicable_questions, prune_answers

__all__ = [
    "EXAMPLE_NAME",
    "PROFILE_COLUMNS",
    "allowed_values",
    "example_answers",
    "template_csv",
    "template_xlsx",
]

#: Profile columns of the template: the required ones, then the date. The team size is not
#: one: it is asked once, as the question staff.team_size.
PROFILE_COLUMNS = ("name", "country", "population", "capital", "consent_named", "assessed_on")
#: What each profile column takes, for the template's allowed-values row.
PROFILE_ALLOWED = {
    "name": _l("allowed values (delete this row or leave it: rows starting with # are skipped)"),
    "country": _l("two letters, e.g. DE (UK, EL and English names work too)"),
    "population": _l("a whole number"),
    "capital": "yes | no",
    "consent_named": "yes | no",
    "assessed_on": _l("YYYY-MM-DD, or empty for the import date"),
}
COMMENT = "#"
EXAMPLE_NAME = _l("Example city (replace or delete this row)")


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


def _template_rows(book: Rulebook, *, today: date) -> tuple[list[str], list[str]]:
    """The header and the example row of the template, as the cells' text."""
    index = RulebookIndex.of(book)
    answers = example_answers(book)
    profile = {
        "name": str(EXAMPLE_NAME),
        "country": "DE",
        "population": "500000",
        "capital": "no",
        "consent_named": "no",
        "assessed_on": today.isoformat(),
    }
    header = [*PROFILE_COLUMNS, *index.order]
    example = [
        *(profile[c] for c in PROFILE_COLUMNS),
        *(_cell(answers.get(q, "")) for q in index.order),
    ]
    return header, example


def template_csv(book: Rulebook, *, today: date) -> str:
    """The template as CSV text: header row, a row of allowed values (a ``#`` comment row,
    skipped on import) and one example row."""
    out = io.StringIO()
    header, example = _template_rows(book, today=today)
    index = RulebookIndex.of(book)
    allowed = [
        f"{COMMENT} {PROFILE_ALLOWED['name']}",
        *(str(text) for column, text in PROFILE_ALLOWED.items() if column != "name"),
        *(_allowed_text(index.questions[q]) for q in index.order),
    ]
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerows([header, allowed, example])
    return out.getvalue()


def _allowed_text(question: Question) -> str:
    if question.kind == "number":
        unit = " or ".join(["a number", *allowed_values(question)])
        return unit
    return " | ".join(allowed_values(question))


def allowed_values(question: Question) -> list[str]:
    """What a cell of ``question`` may hold: its option values, then "na" and "unknown"
    where allowed (a number question: a number, or "unknown")."""
    values = [] if question.kind == "number" else [o.value for o in question.options]
    if question.allow_na:
        values.append("na")
    if question.allow_unknown:
        values.append("unknown")
    return values


def _readme(version: str) -> list[str]:
    """The 'Read me' sheet, a paragraph per row, in the request's language."""
    return [
        _(
            "City Diplomacy Capacity Toolkit: survey template, rulebook %(version)s.",
            version=version,
        ),
        _("One row per city on the sheet 'Cities'. Replace or delete the example row."),
        _(
            "Profile columns: name; country (two letters, e.g. DE); population (a whole "
            "number); capital (yes/no); consent_named (yes/no: may other cities see the "
            "name?); assessed_on (YYYY-MM-DD, optional: the import date when empty). The team "
            "size is the question staff.team_size (FTE)."
        ),
        _(
            "Question columns: choose from the drop-down list; 'na' = not applicable, "
            "'unknown' = don't know. Leave a cell empty where the question does not apply. "
            "The sheet 'Questions' gives each question's text, help and options."
        ),
        _("Upload the file as it is (.xlsx), or save it as CSV (comma or semicolon)."),
    ]


def template_xlsx(book: Rulebook, *, today: date) -> bytes:
    """The template as an Excel workbook: 'Cities' (header, example row, a drop-down list of
    allowed values on every question column), 'Questions' and 'Read me'."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    index = RulebookIndex.of(book)
    header, example = _template_rows(book, today=today)
    workbook = Workbook()
    cities = workbook.active
    cities.title = "Cities"
    cities.append(xlsx_row(cities, header))
    cities.append(xlsx_row(cities, example))
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for n, qid in enumerate(index.order, start=1):
        values = allowed_values(index.questions[qid])
        if not values or index.questions[qid].kind == "number":
            continue
        letter = get_column_letter(n)
        for row, value in enumerate(values, start=1):
            lists[f"{letter}{row}"] = value
        rule = DataValidation(
            type="list", formula1=f"=Lists!${letter}$1:${letter}${len(values)}", allow_blank=True
        )
        cities.add_data_validation(rule)
        column = get_column_letter(len(PROFILE_COLUMNS) + n)
        rule.add(f"{column}2:{column}5000")
    _questions_sheet(workbook.create_sheet("Questions"), book)
    readme = workbook.create_sheet("Read me")
    for paragraph in _readme(book.version):
        readme.append([paragraph])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _questions_sheet(sheet: Any, book: Rulebook) -> None:
    sheet.append(["id", _("dimension"), _("question"), _("help"), _("allowed values")])
    for dimension in book.dimensions:
        for question in dimension.questions:
            options = "; ".join(f"{o.value} = {text_in(o.label)}" for o in question.options)
            extra = [v for v in allowed_values(question) if v in ("na", "unknown")]
            allowed = options + ("; " + "; ".join(extra) if extra else "")
            cells = [
                question.id,
                text_in(dimension.title),
                text_in(question.text),
                text_in(question.help),
                allowed,
            ]
            sheet.append(xlsx_row(sheet, cells))
