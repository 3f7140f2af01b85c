"""Progress between assessments: the change since the city's previous one, split in two.

A change has two causes when the rulebook changed in between: the yardstick, and the city's
answers. ``rules.split_change`` scores three stages (DESIGN §3):

``before``  the previous assessment as the city saw it: its first result, kept as
            ``original`` when it was re-scored on an upgrade;
``bridge``  the previous answers under the current rulebook (migrated by the rulebook's
            migration when the version changed);
``after``   the new answers under the current rulebook.

``bridge − before`` is the new rulebook's part, ``after − bridge`` the city's; both are taken on
the shown (whole-number) scores, so they add up to the change shown. Under the same rulebook
content the rulebook's part is zero. Previous answers of a version no migration leads from are
measured as they are, keeping only the answers that still fit a question of the current
rulebook. See docs/network.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from rules import AnswersError, Rulebook, Scorecard
from rules.change import PartChange, split_change
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN
from web import state, storage
from web.assessment.flow import chosen_options, prune_answers
from web.scorecards import stored_scorecard

__all__ = ["Change", "Progress", "answer_fits", "compare", "progress_since_previous"]


@dataclass(frozen=True)
class Change:
    """One dimension (or the overall result) before and after; ``part`` None: not in both."""

    dimension: str
    part: PartChange | None
    #: the rulebook changed in between: the change is shown split in two
    split: bool

    @property
    def score_delta(self) -> int | None:
        """Change of the score as shown (whole points), or None."""
        return None if self.part is None else self.part.total

    @property
    def level_delta(self) -> int | None:
        """Change of the level, or None."""
        if self.part is None or self.part.before_level is None or self.part.after_level is None:
            return None
        return self.part.after_level - self.part.before_level

    def score_text(self) -> str:
        """The score change in words."""
        delta = self.score_delta
        if self.part is None:
            return _("New dimension: no comparison")
        if delta is None:
            return _("Not assessed both times")
        return _points(delta)

    def level_text(self) -> str:
        """The level change in words, or an empty string."""
        delta = self.level_delta
        if delta is None or self.part is None:
            return ""
        a, b = self.part.before_level, self.part.after_level
        if delta > 0:
            return _("up from level %(a)s to %(b)s", a=a, b=b)
        if delta < 0:
            return _("down from level %(a)s to %(b)s", a=a, b=b)
        return _("still level %(a)s", a=b)

    def split_text(self) -> str:
        """Which part comes from the new rulebook and which from the answers, or ""."""
        if not self.split or self.part is None or self.part.from_rulebook is None:
            return ""
        answers = self.part.from_answers or 0
        return _(
            "new rulebook: %(r)s; your answers: %(a)s",
            r=_signed(self.part.from_rulebook),
            a=_signed(answers),
        )


def _points(delta: int) -> str:
    if delta > 0:
        return ngettext("Up %(num)s point", "Up %(num)s points", delta)
    if delta < 0:
        return ngettext("Down %(num)s point", "Down %(num)s points", -delta)
    return _("Score unchanged")


def _signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else ("±0" if delta == 0 else f"−{-delta}")


@dataclass(frozen=True)
class Progress:
    """How the city moved since its previous assessment."""

    since: date
    previous_version: str
    current_version: str
    #: both scored by the same rulebook content (hash): nothing to split
    same_rulebook: bool
    overall: Change
    changes: dict[str, Change]
    #: what happened to previous answers carried to the current rulebook, by question
    carried: dict[str, str]


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
    answers: Mapping[str, Any],
    previous_book: Rulebook | None,
    previous_card: Scorecard,
    previous_answers: Mapping[str, Any],
    *,
    since: date,
) -> Progress | None:
    """The change from ``previous_card`` to ``answers`` under ``book`` (see the module doc).

    ``previous_book`` is the rulebook ``previous_card`` was scored with, when it is known;
    None measures the previous answers with ``book``. None when they cannot be scored at all.
    """
    if previous_book is None or previous_book.version == book.version:
        previous_book = book
        fitting = {q: a for q, a in previous_answers.items() if answer_fits(book, q, a)}
        previous_answers = prune_answers(book, fitting)
    try:
        split = split_change(
            previous_book, previous_answers, book, answers, previous_card=previous_card
        )
    except AnswersError:
        return None
    same = previous_card.rulebook_hash == book.content_hash
    before_ids = {d.id for d in previous_card.dimensions}
    changes = {
        d: Change(d, part if d in before_ids else None, not same)
        for d, part in split.dimensions.items()
    }
    return Progress(
        since=since,
        previous_version=previous_card.rulebook_version,
        current_version=book.version,
        same_rulebook=same,
        overall=Change("overall", split.overall, not same),
        changes=changes,
        carried=dict(split.migrated.changes),
    )


def progress_since_previous(found: storage.StoredAssessment) -> Progress | None:
    """The progress of a submitted re-assessment since the one it started from, if any."""
    if found.previous_id is None:
        return None
    previous = storage.get_assessment(assessment_id=found.previous_id)
    if previous is None or previous.scorecard is None or previous.submitted_at is None:
        return None
    # What the city saw then: the first result, when an upgrade re-scored it since.
    first = previous.original if previous.original and previous.original.get("scorecard") else None
    before = stored_scorecard(first["scorecard"] if first else previous.scorecard)
    before_answers = first["answers"] if first else previous.answers
    return compare(
        state.rulebook(),
        found.answers,
        _book_of(before),
        before,
        before_answers,
        since=previous.submitted_at.date(),
    )


def _book_of(card: Scorecard) -> Rulebook | None:
    book = state.rulebook()
    if card.rulebook_version == book.version:
        return book
    previous = state.previous_rulebook()
    return previous if previous is not None and previous.version == card.rulebook_version else None
