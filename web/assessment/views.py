"""View models: what the templates show for questions, answers and errors, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from rules import Dimension, Question, Rulebook, text_in
from rules.model import NA, UNKNOWN
from web.assessment.flow import answer_label, applicable_questions, condition_hint
from web.assessment.forms import FieldError, field_id
from web.assessment.numbers import number_for_input
from web.i18n import request_language

__all__ = [
    "AnswerRow",
    "ChoiceView",
    "QuestionView",
    "SummarySection",
    "error_map",
    "question_views",
    "summary_sections",
]


@dataclass(frozen=True)
class ChoiceView:
    """One radio option."""

    value: str
    label: str
    id: str
    hint: str | None = None
    #: True for N/A and "don't know", shown after an "or" divider
    extra: bool = False


@dataclass(frozen=True)
class QuestionView:
    """One question as a form block."""

    id: str
    name: str
    kind: str
    text: str
    help: str
    #: where the question's topic comes from, as a reader can find it
    source: str
    condition: str | None
    choices: list[ChoiceView]
    value: str
    note: str
    allow_unknown: bool
    unknown_checked: bool
    error: str | None = None
    note_error: str | None = None
    link: str = ""
    checked: str = ""
    link_error: str | None = None
    checked_error: str | None = None


def error_map(errors: list[FieldError]) -> dict[str, str]:
    """Field name → message, for the inline errors."""
    return {e.field: e.message for e in errors}


def _choices(question: Question) -> list[ChoiceView]:
    base = field_id(question.id)
    views = [
        ChoiceView(option.value, text_in(option.label), f"{base}-{i}")
        for i, option in enumerate(question.options)
    ]
    if question.allow_na:
        hint = text_in(question.na_help) if question.na_help else None
        views.append(ChoiceView(NA, _("Not applicable"), f"{base}-na", hint, extra=True))
    if question.allow_unknown and question.kind != "number":
        views.append(ChoiceView(UNKNOWN, _("I don't know"), f"{base}-unknown", extra=True))
    return views


def question_views(
    book: Rulebook,
    questions: list[Question],
    values: Mapping[str, str],
    errors: list[FieldError],
) -> list[QuestionView]:
    """Form blocks for ``questions``, filled with ``values`` (raw strings) and ``errors``."""
    by_field = error_map(errors)
    views = []
    for question in questions:
        qid = question.id
        value = values.get(qid, "")
        unknown = question.kind == "number" and value == UNKNOWN
        views.append(
            QuestionView(
                id=field_id(qid),
                name=qid,
                kind=question.kind,
                text=text_in(question.text),
                help=text_in(question.help),
                source=str(question.source),
                condition=condition_hint(book, question),
                choices=_choices(question),
                value="" if unknown else value,
                note=values.get(f"{qid}--note", ""),
                allow_unknown=question.allow_unknown,
                unknown_checked=unknown or values.get(f"{qid}--unknown") == UNKNOWN,
                error=by_field.get(qid),
                note_error=by_field.get(f"{qid}--note"),
                link=values.get(f"{qid}--link", ""),
                checked=values.get(f"{qid}--checked", ""),
                link_error=by_field.get(f"{qid}--link"),
                checked_error=by_field.get(f"{qid}--checked"),
            )
        )
    return views


def stored_values(
    answers: Mapping[str, Any],
    notes: Mapping[str, str],
    evidence: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, str]:
    """Stored answers, notes and evidence as the raw strings a form shows; a number as the
    reader's language writes it, so that saving the page again reads it back unchanged."""
    language = request_language()
    values = {qid: _form_value(value, language) for qid, value in answers.items()}
    values.update({f"{qid}--note": note for qid, note in notes.items()})
    for qid, entry in (evidence or {}).items():
        values[f"{qid}--link"] = entry.get("link") or ""
        values[f"{qid}--checked"] = entry.get("checked") or ""
    return values


def _form_value(value: Any, language: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_for_input(value, language)  # 2.5 is "2,5" in a French form
    return str(value)


@dataclass(frozen=True)
class AnswerRow:
    """One line of the check-your-answers page."""

    question: str
    question_id: str
    answer: str | None
    note: str | None
    change_anchor: str
    #: who gave the answer and when ("Amira Haddad (EU affairs), 4 December 2026"), if known
    answered_by: str | None = None
    #: the evidence link (shown as text, never as a link to follow) and the date checked
    link: str | None = None
    checked: date | None = None


@dataclass
class SummarySection:
    """The answers of one dimension on the check-your-answers page."""

    dimension_id: str
    title: str
    rows: list[AnswerRow] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """How many questions of this section still need an answer."""
        return sum(row.answer is None for row in self.rows)


def summary_sections(
    book: Rulebook,
    answers: Mapping[str, Any],
    notes: Mapping[str, str],
    authors: Mapping[str, str] | None = None,
    evidence: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[SummarySection]:
    """The check-your-answers sections: every question that applies, answered or not;
    ``authors`` says who gave each answer, ``evidence`` its link and date checked."""
    applies = applicable_questions(book, answers)
    return [
        _section(d, applies, answers, notes, authors or {}, evidence or {})
        for d in book.dimensions
    ]


def _section(
    dimension: Dimension,
    applies: set[str],
    answers: Mapping[str, Any],
    notes: Mapping[str, str],
    authors: Mapping[str, str],
    evidence: Mapping[str, Mapping[str, Any]],
) -> SummarySection:
    section = SummarySection(dimension.id, text_in(dimension.title))
    for question in dimension.questions:
        if question.id not in applies:
            continue
        raw = answers.get(question.id)
        backing = evidence.get(question.id) or {}
        section.rows.append(
            AnswerRow(
                question=text_in(question.text),
                question_id=question.id,
                answer=None if raw is None else answer_label(question, raw),
                note=notes.get(question.id),
                change_anchor=field_id(question.id),
                answered_by=authors.get(question.id) if raw is not None else None,
                link=backing.get("link"),
                checked=date.fromisoformat(backing["checked"]) if backing.get("checked") else None,
            )
        )
    return section
