"""Submitting an assessment: validate and score the answers, store them, join the pool."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError

from benchmark.profile import TEAM_QUESTION, CityProfile, team_answer
from benchmark.record import PoolRecord, ScoreSummary
from rules import Answers, AnswersError, Rulebook, Scorecard, score_assessment, text_in
from rules.errors import AnswerProblem
from rules.index import RulebookIndex
from web import state, storage
from web.assessment.forms import FieldError, field_id
from web.i18n import request_language
from web.storage import deletion

__all__ = [
    "TEAM_QUESTION",
    "own_ids",
    "pool_id",
    "pool_record",
    "record_new_submission",
    "record_submission",
    "submit",
    "team_from_answers",
]

#: Builds a link to a step: (step key, "#anchor") → URL.
StepLink = Callable[[str, str], str]


def submit(found: storage.StoredAssessment, *, link: StepLink) -> list[FieldError]:
    """Score and store ``found``; returns the problems that stop submission (none: done)."""
    book = state.rulebook()
    profile = _profile(found)
    if profile is None:
        return [FieldError("profile", "", _("Tell us about your city"), href=link("profile", ""))]
    unsettled = _team_problems(book, found)
    if unsettled:
        return unsettled
    answers = Answers(rulebook=book.id, answers=found.answers, notes=found.notes)
    try:
        card = score_assessment(book, answers)
    except AnswersError as exc:
        return [_problem(book, p, link) for p in exc.problems]
    record_submission(found, team_from_answers(profile, found.answers), card)
    return []


def _team_problems(book: Rulebook, found: storage.StoredAssessment) -> list[FieldError]:
    """Disagreements still to settle and review queries still to answer: the team's work
    the owner finishes before submitting (a review itself is optional)."""
    questions = RulebookIndex.of(book).questions
    problems = []
    for qid in storage.open_disputes(found.disputes):
        if qid in questions:
            anchor = field_id("dispute-" + qid)
            text = _("Choose one of the answers given to: %(q)s", q=text_in(questions[qid].text))
            problems.append(FieldError("dispute", anchor, text))
    review = storage.latest_review(assessment_id=found.id, finished=True)
    titles = {d.id: text_in(d.title) for d in book.dimensions}
    for dimension_id in [] if review is None else review.open_queries:
        text = _("Reply to the reviewer's query on %(d)s", d=titles.get(dimension_id, ""))
        anchor = "query-" + dimension_id
        problems.append(FieldError("query", anchor, text))
    return problems


def team_from_answers(profile: CityProfile, answers: dict[str, Any]) -> CityProfile:
    """``profile`` with its team size from the answer to :data:`TEAM_QUESTION` (asked once)."""
    return profile.model_copy(update={"team_size": team_answer(answers)})


def record_submission(
    found: storage.StoredAssessment, profile: CityProfile, card: Scorecard
) -> None:
    """Store ``card`` as the result of ``found``; the city joins the pool if it agreed to share."""
    record = pool_record(found, profile, card) if found.sharing in ("named", "anonymous") else None
    storage.submit_assessment(
        assessment_id=found.id, scorecard=card.model_dump(mode="json"), pool_record=record
    )


def record_new_submission(
    *,
    token_hash: str,
    profile: CityProfile,
    sharing: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    card: Scorecard,
) -> storage.StoredAssessment:
    """Store a complete assessment scored as ``card``, with its pool entry, in one transaction
    (the API's create: nothing half-written if the process dies)."""

    def entry(found: storage.StoredAssessment) -> PoolRecord | None:
        return pool_record(found, profile, card) if sharing in ("named", "anonymous") else None

    return storage.create_submitted_assessment(
        token_hash=token_hash,
        profile=profile.model_dump(mode="json"),
        sharing=sharing,
        answers=answers,
        notes=notes,
        scorecard=card.model_dump(mode="json"),
        pool_record=entry,
        language=request_language(),
    )


def own_ids(found: storage.StoredAssessment) -> list[str]:
    """The pool ids of the city's own assessments (its re-assessment chain): left out of its
    peer queries by id, never by name."""
    return deletion.own_pool_ids(assessment_id=found.id)


def pool_id(found: storage.StoredAssessment) -> str:
    """The peer-pool id of an assessment (left out of its own peer queries): random, given
    when the assessment is created, so that it tells no one when or how many came before."""
    return found.pool_id


def _profile(found: storage.StoredAssessment) -> CityProfile | None:
    if not found.profile:
        return None
    try:
        return CityProfile.model_validate(found.profile)
    except ValidationError:  # a profile saved by an older version: ask again
        return None


def pool_record(
    found: storage.StoredAssessment, profile: CityProfile, card: Scorecard
) -> PoolRecord:
    """The peer-pool entry of a submitted assessment whose city agreed to share."""
    return PoolRecord(
        id=pool_id(found),
        profile=profile,
        answers=dict(found.answers),
        scores=ScoreSummary.of(card),
        source="submitted",
        assessed_on=datetime.now(UTC).date(),
        rulebook_version=card.rulebook_version,
        consent_named=found.sharing == "named",
    )


def _problem(book: Rulebook, problem: AnswerProblem, link: StepLink) -> FieldError:
    index = RulebookIndex.of(book)
    question = index.questions.get(problem.question or "")
    if question is None:
        return FieldError("answers", "", _("Some answers no longer fit: %(m)s", m=problem.message))
    text = text_in(question.text)
    if problem.kind == "required":  # the message is in the reader's language: never compare it
        message = _("Answer this question: %(q)s", q=text)
    else:
        message = _("%(question)s: %(problem)s", question=text, problem=problem.message)
    anchor = field_id(question.id) + ("" if question.kind == "number" else "-0")
    dimension = index.dimension_of[question.id].id
    return FieldError(question.id, anchor, message, href=link(dimension, f"#{anchor}"))
