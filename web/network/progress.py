"""Progress between assessments: the change per dimension since the city's previous one.

Same rulebook (same content hash): the two stored scorecards are compared as they are.

Another rulebook: both assessments are measured again with one yardstick, the current
rulebook, over the questions both share only: questions of the current rulebook that the
previous scorecard also scored (its trace lists every question of its rulebook) and whose
answers on both sides still fit the question. A dimension's comparison score is its points
over those questions divided by their maximum (N/A leaves the denominator, as in the engine);
its level is the threshold level of that score, capped by the gates whose questions are all
shared. Re-scoring the previous answers under the whole current rulebook is not possible: they
lack answers to its new questions. See docs/network.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from rules import Dimension, Rulebook, Scorecard, level_for
from rules.conditions import condition_atoms, evaluate
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN
from rules.rounding import shown_score, whole_score
from web import state, storage
from web.assessment.flow import chosen_options

__all__ = ["DimensionChange", "Progress", "answer_fits", "compare", "progress_since_previous"]


@dataclass(frozen=True)
class DimensionChange:
    """One dimension before and after; ``comparable`` is False with no shared question."""

    dimension: str
    comparable: bool
    before_score: float | None = None
    after_score: float | None = None
    before_level: int | None = None
    after_level: int | None = None

    @property
    def score_delta(self) -> int | None:
        """Change of the score as shown (whole points), or None."""
        if not self.comparable or self.before_score is None or self.after_score is None:
            return None
        return (shown_score(self.after_score) or 0) - (shown_score(self.before_score) or 0)

    @property
    def level_delta(self) -> int | None:
        """Change of the level, or None."""
        if not self.comparable or self.before_level is None or self.after_level is None:
            return None
        return self.after_level - self.before_level

    def score_text(self) -> str:
        """The score change in words."""
        delta = self.score_delta
        if not self.comparable:
            return _("No comparison: no question in common")
        if delta is None:
            return _("Not assessed both times")
        if delta > 0:
            return _("Up %(n)s points", n=delta)
        if delta < 0:
            return _("Down %(n)s points", n=-delta)
        return _("Score unchanged")

    def level_text(self) -> str:
        """The level change in words, or an empty string."""
        delta = self.level_delta
        if delta is None:
            return ""
        if delta > 0:
            return _("up from level %(a)s to %(b)s", a=self.before_level, b=self.after_level)
        if delta < 0:
            return _("down from level %(a)s to %(b)s", a=self.before_level, b=self.after_level)
        return _("still level %(a)s", a=self.after_level)


@dataclass(frozen=True)
class Progress:
    """How the city moved since its previous assessment."""

    since: date
    previous_version: str
    current_version: str
    #: both scored by the same rulebook content (hash): a like-for-like comparison
    same_rulebook: bool
    shared_questions: int
    total_questions: int
    changes: dict[str, DimensionChange]


def answer_fits(book: Rulebook, question_id: str, raw: Any) -> bool:
    """True when ``raw`` is a valid answer to ``question_id`` of ``book``."""
    question = RulebookIndex.of(book).questions.get(question_id)
    if question is None:
        return False
    if raw == NA:
        return question.allow_na
    if raw == UNKNOWN:
        return question.allow_unknown
    return question_id in chosen_options(book, {question_id: raw})


def compare(
    book: Rulebook,
    card: Scorecard,
    answers: Mapping[str, Any],
    previous_card: Scorecard,
    previous_answers: Mapping[str, Any],
    *,
    since: date,
) -> Progress:
    """The change per dimension from ``previous_card`` to ``card`` (see the module doc)."""
    index = RulebookIndex.of(book)
    same = previous_card.rulebook_hash == card.rulebook_hash
    if same:
        shared = set(index.questions)
        changes = {d.id: _stored_change(d.id, previous_card, card) for d in book.dimensions}
    else:
        before = {line.question for d in previous_card.dimensions for line in d.trace}
        shared = {
            q
            for q in index.questions
            if q in before
            and all(answer_fits(book, q, a[q]) for a in (answers, previous_answers) if q in a)
        }
        changes = {
            d.id: _shared_change(book, d, shared, previous_answers, answers)
            for d in book.dimensions
        }
    return Progress(
        since=since,
        previous_version=previous_card.rulebook_version,
        current_version=card.rulebook_version,
        same_rulebook=same,
        shared_questions=len(shared),
        total_questions=len(index.questions),
        changes=changes,
    )


def _stored_change(dimension_id: str, before: Scorecard, after: Scorecard) -> DimensionChange:
    try:
        old = before.dimension(dimension_id)
    except KeyError:
        return DimensionChange(dimension_id, comparable=False)
    new = after.dimension(dimension_id)
    return DimensionChange(dimension_id, True, old.score, new.score, old.level, new.level)


def _shared_change(
    book: Rulebook,
    dimension: Dimension,
    shared: Set[str],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> DimensionChange:
    if not any(q.id in shared for q in dimension.questions):
        return DimensionChange(dimension.id, comparable=False)
    old_score, old_level = shared_score(book, dimension, shared, before)
    new_score, new_level = shared_score(book, dimension, shared, after)
    return DimensionChange(dimension.id, True, old_score, new_score, old_level, new_level)


def shared_score(
    book: Rulebook, dimension: Dimension, shared: Set[str], answers: Mapping[str, Any]
) -> tuple[float | None, int | None]:
    """Score and level of ``dimension`` over the ``shared`` questions only."""
    chosen = chosen_options(book, {q: v for q, v in answers.items() if q in shared})
    points = maximum = 0
    for question in dimension.questions:
        if question.id not in shared or answers.get(question.id) == NA:
            continue
        maximum += question.max_points
        if question.id in chosen:
            points += question.options[chosen[question.id]].points
    if not maximum:
        return None, None
    score = whole_score(100.0 * points / maximum)  # the one rounding rule (rules.rounding)
    level = level_for(book.levels, score)
    option_index = RulebookIndex.of(book).option_index
    for gate in sorted(dimension.gates, key=lambda g: g.level):
        if gate.level > level:
            break
        named = {atom.question for atom in condition_atoms(gate.requires)}
        if named <= shared and not evaluate(gate.requires, chosen, option_index):
            return score, gate.level - 1
    return score, level


def progress_since_previous(found: storage.StoredAssessment, card: Scorecard) -> Progress | None:
    """The progress of a submitted re-assessment since the one it started from, if any."""
    if found.previous_id is None:
        return None
    previous = storage.get_assessment(assessment_id=found.previous_id)
    if previous is None or previous.scorecard is None or previous.submitted_at is None:
        return None
    return compare(
        state.rulebook(),
        card,
        found.answers,
        Scorecard.model_validate(previous.scorecard),
        previous.answers,
        since=previous.submitted_at.date(),
    )
