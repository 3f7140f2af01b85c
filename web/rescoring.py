"""Bring stored results to the current rulebook: re-score assessments and pool records.

Run by ``citydip db upgrade`` and at every start (after the schema migrations), so that an
instance upgraded to a new rulebook version never shows results of two yardsticks side by
side. Answers given under the previous version are carried over by the rulebook's migration
(``rules.migrate_answers``: renamed questions and options; a new question is "don't know", so
a re-scored result is a lower bound, never an invented answer); answers under the current
version but another content hash are scored as they are. The first result is kept beside the
new one (``original``), and the re-assessment comparison uses it to split a change into the
new rulebook's part and the city's (``web/network/progress.py``).

Rows of any other version, or whose answers no longer fit, are left as they were and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from benchmark.record import PoolRecord, ScoreSummary
from rules import Answers, AnswersError, Rulebook, Scorecard, migrate_answers, score_assessment
from web.storage import StoredAssessment
from web.storage import rescore as stored

__all__ = [
    "RescoreReport",
    "carry_answers",
    "carry_notes",
    "count_outdated",
    "rescore_outdated",
]

BATCH = 200


@dataclass
class RescoreReport:
    """What one run re-scored, and what it had to leave as it was (by rulebook version)."""

    assessments: int = 0
    drafts: int = 0
    pool_records: int = 0
    left: dict[str, int] = field(default_factory=dict)

    @property
    def rescored(self) -> int:
        """Rows brought to the current rulebook."""
        return self.assessments + self.drafts + self.pool_records

    def leave(self, version: str) -> None:
        """Count a row of ``version`` that could not be re-scored."""
        self.left[version] = self.left.get(version, 0) + 1


def carry_answers(
    book: Rulebook, previous: Rulebook | None, version: str, answers: Mapping[str, Any]
) -> dict[str, Any] | None:
    """``answers`` given under rulebook ``version``, as answers to ``book``; None when no
    migration leads from that version."""
    if version == book.version:
        return dict(answers)
    if previous is None or version != previous.version:
        return None
    carried = migrate_answers(Answers(answers=dict(answers)), book)
    return dict(carried.answers.answers)


def carry_notes(
    book: Rulebook, previous: Rulebook | None, version: str, notes: Mapping[str, str]
) -> dict[str, str]:
    """The notes of questions that carry over to ``book``, under their new ids (a note on a
    question with no successor stays only in the kept original)."""
    renamed: dict[str, str] = {}
    if book.migration is not None and previous is not None and version == previous.version:
        renamed = {c.from_: c.to for c in book.migration.questions if c.from_ is not None}
    known = {q.id for d in book.dimensions for q in d.questions}
    carried = {renamed.get(q, q): note for q, note in notes.items()}
    return {q: note for q, note in carried.items() if q in known}


def rescore_outdated(
    book: Rulebook, previous: Rulebook | None, *, progress: Callable[[int], object] | None = None
) -> RescoreReport:
    """Re-score every stored assessment and pool record not made with ``book`` (see the module
    doc); ``progress`` gets the number of rows done after each one. Needs an app context."""
    report = RescoreReport()
    tick = progress or (lambda n: None)
    after = 0
    while batch := stored.outdated_assessments(
        rulebook_hash=book.content_hash, after_id=after, limit=BATCH
    ):
        for found in batch:
            _rescore_assessment(book, previous, found, report)
            tick(1)
        after = batch[-1].id
    after_id = ""
    while records := stored.outdated_pool_records(
        rulebook_version=book.version, after_id=after_id, limit=BATCH
    ):
        for record in records:
            _rescore_record(book, previous, record, report)
            tick(1)
        after_id = records[-1].id
    return report


def count_outdated(book: Rulebook) -> int:
    """How many rows a run would look at (for a progress bar)."""
    return stored.count_outdated(rulebook_hash=book.content_hash, rulebook_version=book.version)


def _rescore_assessment(
    book: Rulebook, previous: Rulebook | None, found: StoredAssessment, report: RescoreReport
) -> None:
    answers = carry_answers(book, previous, found.rulebook_version, found.answers)
    if answers is None:
        report.leave(found.rulebook_version)
        return
    notes = carry_notes(book, previous, found.rulebook_version, found.notes)
    card = None
    if found.submitted:
        card = _score(book, answers, notes)
        if card is None:
            report.leave(found.rulebook_version)
            return
    scorecard = None if card is None else card.model_dump(mode="json")

    def update(record: PoolRecord) -> PoolRecord:
        assert card is not None  # only submitted assessments have a pool entry
        return _updated(record, book, answers, card)

    stored.store_rescored_assessment(
        assessment_id=found.id,
        rulebook_version=book.version,
        rulebook_hash=book.content_hash,
        answers=answers,
        notes=notes,
        scorecard=scorecard,
        update_record=update,
    )
    if found.submitted:
        report.assessments += 1
    else:
        report.drafts += 1


def _rescore_record(
    book: Rulebook, previous: Rulebook | None, record: PoolRecord, report: RescoreReport
) -> None:
    answers = carry_answers(book, previous, record.rulebook_version, record.answers)
    card = None if answers is None else _score(book, answers, {})
    if answers is None or card is None:
        report.leave(record.rulebook_version)
        return
    stored.store_rescored_pool_record(record=_updated(record, book, answers, card))
    report.pool_records += 1


def _score(book: Rulebook, answers: dict[str, Any], notes: Mapping[str, str]) -> Scorecard | None:
    known = {q.id for d in book.dimensions for q in d.questions}
    kept = {q: n for q, n in notes.items() if q in known}
    try:
        return score_assessment(book, Answers(rulebook=book.id, answers=answers, notes=kept))
    except AnswersError:
        return None


def _updated(
    record: PoolRecord, book: Rulebook, answers: dict[str, Any], card: Scorecard
) -> PoolRecord:
    return record.model_copy(
        update={
            "answers": answers,
            "scores": ScoreSummary.of(card),
            "rulebook_version": book.version,
        }
    )
