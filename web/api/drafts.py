"""Drafts through the API, as in the browser: start one, give the city's profile, save answers
(the owner or a colleague, at a version), settle disagreements, submit.

Each step reuses the browser flow's own functions — the dimension page's merge and skip
logic (:func:`~web.assessment.flow.prune_answers`), its parsing of notes and evidence
(:func:`~web.assessment.forms.parse_page`), the submission step
(:func:`~web.assessment.submit.submit`) — so a draft is the same whichever way it is worked
on, and the browser's pages show what the API saved.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from rules import Rulebook
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN, Question
from web import state, storage
from web.api.errors import ApiError
from web.api.models import AnswersPatch, ChooseAnswerRequest, ErrorDetail, ProfileRequest
from web.api.responses import AnswersOut, AssessmentOut, CreatedDraft, ProfileOut
from web.api.service import (
    answer_values,
    as_stored,
    assessment_out,
    city_profile,
    links,
    owner_assessment,
    problems,
    team_assessment,
)
from web.api.team_state import answers_out
from web.assessment.flow import prune_answers
from web.assessment.forms import NUMBER_MAX, FieldError, PageAnswers, field_id, parse_page
from web.assessment.submit import TEAM_QUESTION, submit
from web.assessment.views import stored_values
from web.i18n import request_language
from web.tokens import hash_token, new_token

__all__ = [
    "choose_answer",
    "create_draft",
    "refuse_if_submitted",
    "save_answers",
    "save_profile",
    "submit_draft",
]


def _not_applicable() -> str:
    return _("answered, but the question does not apply given the other answers")


def _unknown_question() -> str:
    return _("no such question in the rulebook")


def create_draft() -> CreatedDraft:
    """A new, empty draft, as the browser's start button makes; its owner's token, once."""
    book = state.rulebook()
    token = new_token()
    found = storage.create_assessment(
        token_hash=hash_token(token),
        rulebook_id=book.id,
        rulebook_version=book.version,
        rulebook_hash=book.content_hash,
        language=request_language(),
    )
    return CreatedDraft(token=token, version=found.version, links=links(token))


def refuse_if_submitted(
    found: storage.StoredAssessment, current: AnswersOut | None = None
) -> None:
    """A 409 once ``found`` is submitted: nothing of it changes any more."""
    if found.submitted:
        raise ApiError(
            409,
            _(
                "This assessment has been submitted: its answers, profile and team no longer "
                "change. To assess again, start a new assessment."
            ),
            code="already_submitted",
            current=current,
        )


def save_profile(token: str, body: ProfileRequest) -> ProfileOut:
    """The owner gives (or changes) the draft's city profile and sharing choice."""
    found = owner_assessment(token)
    refuse_if_submitted(found)
    profile, details = city_profile(body.profile)
    if body.profile.team_size is not None:
        message = _(
            "the team size is asked once, as the answer to %(question)s: "
            "leave profile.team_size out",
            question=TEAM_QUESTION,
        )
        details.append(ErrorDetail(path="profile.team_size", message=message))
    if profile is None or details:
        raise problems(details)
    storage.save_profile(
        assessment_id=found.id, profile=profile.model_dump(mode="json"), sharing=body.sharing
    )
    return ProfileOut(profile=profile, sharing=body.sharing)


# --- answers --------------------------------------------------------------------------------


def save_answers(token: str, body: AnswersPatch) -> AnswersOut:
    """Merge ``body`` into the draft's answers, notes and evidence as the owner or the
    colleague of ``token``, drop what no longer applies, and save — only if no one saved
    since ``body.version`` (a 409 with what is stored now otherwise; nothing is lost)."""
    book = state.rulebook()
    found, contributor = team_assessment(token)
    if found.submitted:  # only the owner's token gets here: a colleague's ends at submission
        refuse_if_submitted(found, answers_out(book, found))
    questions = RulebookIndex.of(book).questions
    details = _unknown_questions(body, questions) + _answer_problems(body, questions)
    if details:
        raise problems(details)
    answers = {q: v for q, v in found.answers.items() if q not in body.answers}
    answers |= as_stored({q: v for q, v in body.answers.items() if v is not None})
    merged = prune_answers(book, answers)
    page = _notes_and_evidence(found, body, questions)
    details = [ErrorDetail(path=_path(e.field), message=e.message) for e in page.errors]
    details += _unanswered(body, page, merged)
    if details:
        raise problems(details)
    touched = body.notes.keys() | body.evidence.keys()
    notes = {q: n for q, n in found.notes.items() if q not in touched} | page.notes
    evidence = {q: e for q, e in found.evidence.items() if q not in touched} | page.evidence
    if body.version != found.version or not storage.save_answers(
        assessment_id=found.id,
        answers=merged,
        notes={q: n for q, n in notes.items() if q in merged},
        evidence=evidence,
        by=None if contributor is None else contributor.id,
        shown_version=body.version,
    ):
        raise _conflict(book, found.id, body.version)
    return answers_out(book, _reread(found.id))


def _unknown_questions(body: AnswersPatch, questions: dict[str, Question]) -> list[ErrorDetail]:
    given = (("answers", body.answers), ("notes", body.notes), ("evidence", body.evidence))
    return [
        ErrorDetail(path=f"{field}.{qid}", message=_unknown_question())
        for field, changes in given
        for qid in changes
        if qid not in questions
    ]


def _answer_problems(body: AnswersPatch, questions: dict[str, Question]) -> list[ErrorDetail]:
    """Answers that their question does not take: one of its ``answer_values`` (see
    ``GET /api/v1/rulebook``); a number question takes a number, or ``unknown`` (``na``)
    where allowed — as the browser's page does, not the bands' option values."""
    details = []
    for qid, value in body.answers.items():
        question = questions.get(qid)
        if question is None or value is None:
            continue
        values = answer_values(question)
        if question.kind == "number":
            words = [v for v in values if v in (NA, UNKNOWN)]
            if isinstance(value, str) and value not in words:
                message = _not_a_number_answer(value, words)
                details.append(ErrorDetail(path=f"answers.{qid}", message=message))
        elif not isinstance(value, str) or value not in values:
            message = _(
                "%(given)s is not an option of this question; choose one of: %(values)s",
                given=repr(value),
                values=", ".join(values),
            )
            details.append(ErrorDetail(path=f"answers.{qid}", message=message))
    return details


def _not_a_number_answer(value: str, words: list[str]) -> str:
    """Why ``value`` answers no number question: what it takes instead (``words``: the
    question's "na" and "unknown", where allowed)."""
    largest = format_number(NUMBER_MAX)
    if not words:
        return _(
            "%(given)s is not an answer here: give a number from 0 to %(max)s",
            given=repr(value),
            max=largest,
        )
    or_word = _("or")
    quoted = f" {or_word} ".join(f'"{w}"' for w in words)
    return _(
        "%(given)s is not an answer here: give a number from 0 to %(max)s or %(words)s",
        given=repr(value),
        max=largest,
        words=quoted,
    )


def _notes_and_evidence(
    found: storage.StoredAssessment, body: AnswersPatch, questions: dict[str, Question]
) -> PageAnswers:
    """The notes and evidence of the questions ``body`` changes them for, read as the
    browser's page reads them (the rest as stored, the changes over them)."""
    values = stored_values({}, found.notes, found.evidence)
    for qid, note in body.notes.items():
        values[f"{qid}--note"] = note or ""
    for qid, entry in body.evidence.items():
        values[f"{qid}--link"] = "" if entry is None else entry.link or ""
        values[f"{qid}--checked"] = "" if entry is None else entry.checked or ""
    touched = body.notes.keys() | body.evidence.keys()
    form = MultiDict({k: v for k, v in values.items() if k.split("--", 1)[0] in touched})
    return parse_page([questions[q] for q in sorted(touched)], form, required=set())


def _path(field: str) -> str:
    """The request path of a field of the browser's form: ``q--note`` is ``notes.q``."""
    qid, _, part = field.partition("--")
    if part == "note":
        return f"notes.{qid}"
    if part in ("link", "checked"):
        return f"evidence.{qid}.{part}"
    return f"answers.{qid}"


def _unanswered(
    body: AnswersPatch, page: PageAnswers, merged: dict[str, Any]
) -> list[ErrorDetail]:
    """Answers given to questions that do not apply, notes and evidence without an answer."""
    details = [
        ErrorDetail(path=f"answers.{qid}", message=_not_applicable())
        for qid, value in body.answers.items()
        if value is not None and qid not in merged
    ]
    details += [
        ErrorDetail(path=f"notes.{qid}", message=_("a note needs an answer to its question"))
        for qid in body.notes
        if qid in page.notes and qid not in merged
    ]
    details += [
        ErrorDetail(path=f"evidence.{qid}", message=_("evidence needs an answer to its question"))
        for qid, entry in body.evidence.items()
        if entry is not None and qid not in merged
    ]
    return details


def _reread(assessment_id: int) -> storage.StoredAssessment:
    found = storage.get_assessment(assessment_id=assessment_id)
    assert found is not None  # it was read in this request; only its owner deletes it
    return found


def _conflict(book: Rulebook, assessment_id: int, given: int) -> ApiError:
    now = _reread(assessment_id)
    message = _(
        "Someone saved answers since version %(given)s: nothing was stored. The answers are "
        "now at version %(now)s (see `current`): look at them, then send your changes "
        "again with that version.",
        given=given,
        now=now.version,
    )
    return ApiError(409, message, code="version_conflict", current=answers_out(book, now))


# --- disagreements and submission -----------------------------------------------------------


def choose_answer(token: str, question_id: str, body: ChooseAnswerRequest) -> AnswersOut:
    """The owner settles the disagreement on ``question_id`` with one of its answers."""
    book = state.rulebook()
    found = owner_assessment(token)
    if found.submitted or question_id not in storage.open_disputes(found.disputes):
        raise ApiError(
            404,
            _(
                "There is no open disagreement on %(question)s to settle.",
                question=repr(question_id),
            ),
        )
    given = found.disputes[question_id]["answers"]
    if body.choice >= len(given):
        message = ngettext(
            "choose an answer from 0 to %(last)s: %(num)s answer was given",
            "choose an answer from 0 to %(last)s: %(num)s answers were given",
            len(given),
            last=len(given) - 1,
        )
        raise problems([ErrorDetail(path="choice", message=message)])
    if body.version != found.version or not storage.resolve_dispute(
        assessment_id=found.id,
        question_id=question_id,
        choice=body.choice,
        shown_version=body.version,
    ):
        raise _conflict(book, found.id, body.version)
    return answers_out(book, _reread(found.id))


def submit_draft(token: str) -> AssessmentOut:
    """Score and submit the owner's draft, as the browser's check page does: refused (422,
    every problem listed) while the profile or answers are missing, a disagreement is open
    or a reviewer's query has no reply."""
    found = owner_assessment(token)
    refuse_if_submitted(found)
    errors = submit(found, link=lambda _step, _anchor: "")
    if errors:
        raise problems([_submit_problem(found, e) for e in errors])
    return assessment_out(_reread(found.id), token, None)


def _submit_problem(found: storage.StoredAssessment, error: FieldError) -> ErrorDetail:
    """A problem of the submission step, at the path of what the owner must fix."""
    if error.field == "profile":
        message = _("the draft has no city profile yet: give it with PUT .../profile")
        return ErrorDetail(path="profile", message=message)
    if error.field == "dispute":
        anchors = {field_id("dispute-" + q): q for q in storage.open_disputes(found.disputes)}
        return ErrorDetail(path=f"disputes.{anchors.get(error.target, '')}", message=error.message)
    if error.field == "query":
        dimension = error.target.removeprefix("query-")
        return ErrorDetail(path=f"review.verdicts.{dimension}", message=error.message)
    known = error.field in RulebookIndex.of(state.rulebook()).questions
    path = f"answers.{error.field}" if known else "answers"
    return ErrorDetail(path=path, message=error.message)
