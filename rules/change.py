"""Split a change between two assessments into what the new rulebook did and what the city did.

When a city re-assesses under a newer rulebook version, its score moves for two reasons: the
yardstick changed, and its answers changed. Three scorecards separate them:

``before``  the previous answers under the previous rulebook (the stored scorecard),
``bridge``  the previous answers, migrated, under the current rulebook,
``after``   the current answers under the current rulebook.

``bridge - before`` is the rulebook's part, ``after - bridge`` the city's part; both are taken
on the shown (whole-number) scores, so that they add up exactly to the change shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.answers import Answers
from rules.engine import score_assessment
from rules.migration import AnswerValue, MigratedAnswers, migrate_answers
from rules.model import Rulebook
from rules.rounding import shown_score
from rules.scorecard import Scorecard

__all__ = ["ChangeSplit", "PartChange", "split_change"]


@dataclass(frozen=True)
class PartChange:
    """One dimension (or the overall result) in the three scorecards; None: not assessed."""

    before_score: int | None
    bridge_score: int | None
    after_score: int | None
    before_level: int | None
    bridge_level: int | None
    after_level: int | None

    @property
    def total(self) -> int | None:
        """The whole change of the shown score."""
        return _minus(self.after_score, self.before_score)

    @property
    def from_rulebook(self) -> int | None:
        """The part of the change that the new rulebook made, with the answers unchanged."""
        return _minus(self.bridge_score, self.before_score)

    @property
    def from_answers(self) -> int | None:
        """The part of the change that the city's new answers made, under the new rulebook."""
        return _minus(self.after_score, self.bridge_score)

    @property
    def level_from_rulebook(self) -> int | None:
        """Change of level made by the new rulebook."""
        return _minus(self.bridge_level, self.before_level)

    @property
    def level_from_answers(self) -> int | None:
        """Change of level made by the new answers."""
        return _minus(self.after_level, self.bridge_level)


@dataclass(frozen=True)
class ChangeSplit:
    """The change from one assessment to the next, split per dimension and overall.

    ``dimensions`` covers the dimensions of both versions, current ones first; a dimension new
    in the current version has no ``before`` figures, a removed one no ``bridge``/``after``.
    """

    previous_version: str
    current_version: str
    overall: PartChange
    dimensions: dict[str, PartChange]
    before: Scorecard
    bridge: Scorecard
    after: Scorecard
    migrated: MigratedAnswers


def split_change(
    previous_book: Rulebook,
    previous_answers: Answers | Mapping[str, AnswerValue],
    current_book: Rulebook,
    current_answers: Answers | Mapping[str, AnswerValue],
    *,
    previous_card: Scorecard | None = None,
) -> ChangeSplit:
    """Score the three stages and split the change (see the module doc).

    ``previous_card`` is the stored scorecard of the previous assessment, used as ``before``
    when given (so that the original result is kept, not recomputed). When both books are the
    same version, the answers are not migrated and the rulebook's part is zero.
    """
    old = _answers(previous_answers)
    new = _answers(current_answers)
    before = previous_card if previous_card is not None else score_assessment(previous_book, old)
    if previous_book.version == current_book.version and previous_book.id == current_book.id:
        migrated = MigratedAnswers(old)
        bridge = score_assessment(current_book, old)
    else:
        migrated = migrate_answers(old, current_book)
        bridge = score_assessment(current_book, migrated.answers)
    after = score_assessment(current_book, new)
    ids = [d.id for d in current_book.dimensions]
    ids += [d.id for d in previous_book.dimensions if d.id not in ids]
    return ChangeSplit(
        previous_version=previous_book.version,
        current_version=current_book.version,
        overall=PartChange(
            shown_score(before.overall_score),
            shown_score(bridge.overall_score),
            shown_score(after.overall_score),
            before.overall_level,
            bridge.overall_level,
            after.overall_level,
        ),
        dimensions={d: _part(d, before, bridge, after) for d in ids},
        before=before,
        bridge=bridge,
        after=after,
        migrated=migrated,
    )


def _part(dimension_id: str, *cards: Scorecard) -> PartChange:
    scores: list[int | None] = []
    levels: list[int | None] = []
    for card in cards:
        try:
            result = card.dimension(dimension_id)
        except KeyError:
            scores.append(None)
            levels.append(None)
            continue
        scores.append(shown_score(result.score))
        levels.append(result.level)
    return PartChange(scores[0], scores[1], scores[2], levels[0], levels[1], levels[2])


def _answers(answers: Answers | Mapping[str, AnswerValue]) -> Answers:
    return answers if isinstance(answers, Answers) else Answers(answers=dict(answers))


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b
