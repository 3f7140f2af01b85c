"""The history of a city's assessments: which ones, which scores, where the rulebook changed.

Plain data in, plain data out (no request, no database): the view hands over the assessments
of a re-assessment chain, oldest first, and gets back what the history page shows.

* Only submitted assessments count; a draft (a re-assessment under way) is left out and the
  others are numbered from 1, the oldest.
* Each assessment shows the scorecard the city saw when it submitted: the first one stored,
  kept as ``original`` when an upgrade of the rulebook re-scored it since, as
  :func:`web.network.progress.progress_since_previous` does for the previous assessment. The
  history is a record of what was measured then; it says where a result was re-scored since.
* A dimension appears once for the whole history, in the order of the latest assessment (one
  that only an older rulebook had comes after the others), with a value for every assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rules import Scorecard
from web.assessment.trend_chart import TrendChart, TrendValue, trend_chart
from web.scorecards import stored_scorecard

if TYPE_CHECKING:
    from web.storage import StoredAssessment

__all__ = ["DimensionTrend", "History", "HistoryEntry", "build_history", "first_scorecard"]


@dataclass(frozen=True)
class HistoryEntry:
    """One submitted assessment of the history."""

    #: its place in the history, from 1 (the oldest)
    number: int
    assessment_id: int
    city: str
    submitted_on: date
    #: as the city saw it when it submitted (see the module's docstring)
    card: Scorecard
    #: its rulebook version differs from the previous assessment's
    rulebook_changed: bool
    #: the rulebook version an upgrade re-scored it under since; None if never re-scored
    rescored_under: str | None
    #: the assessment of the link that opened the history
    own: bool

    @property
    def rulebook_version(self) -> str:
        """The version of the rulebook it was scored with when submitted."""
        return self.card.rulebook_version


@dataclass(frozen=True)
class DimensionTrend:
    """One dimension across the history: a value per assessment and their chart."""

    id: str
    title: str
    values: list[TrendValue]
    chart: TrendChart


@dataclass(frozen=True)
class History:
    """The submitted assessments of a chain, oldest first, and a trend per dimension."""

    entries: list[HistoryEntry]
    dimensions: list[DimensionTrend]
    #: the link's own assessment is a draft, left out of the history
    draft_left_out: bool

    def entry(self, number: int) -> HistoryEntry | None:
        """The assessment numbered ``number``, if there is one."""
        return self.entries[number - 1] if 1 <= number <= len(self.entries) else None

    @property
    def own_entry(self) -> HistoryEntry | None:
        """The link's own assessment, unless it is a draft."""
        return next((e for e in self.entries if e.own), None)


def first_scorecard(found: StoredAssessment) -> Scorecard | None:
    """The scorecard first stored for ``found``; None for a draft."""
    if not found.submitted or found.scorecard is None:
        return None
    first = found.original if found.original and found.original.get("scorecard") else None
    return stored_scorecard(first["scorecard"] if first else found.scorecard)


def build_history(chain: Sequence[StoredAssessment], *, own_id: int) -> History:
    """The history of ``chain`` (a re-assessment chain, oldest first) seen from the
    assessment ``own_id``."""
    entries: list[HistoryEntry] = []
    for found in chain:
        card = first_scorecard(found)
        if card is None or found.submitted_at is None:
            continue
        previous = entries[-1] if entries else None
        current = str((found.scorecard or {}).get("rulebook_version", card.rulebook_version))
        entries.append(
            HistoryEntry(
                number=len(entries) + 1,
                assessment_id=found.id,
                city=str((found.profile or {}).get("name", "")),
                submitted_on=found.submitted_at.date(),
                card=card,
                rulebook_changed=(
                    previous is not None and previous.rulebook_version != card.rulebook_version
                ),
                rescored_under=None if current == card.rulebook_version else current,
                own=found.id == own_id,
            )
        )
    draft_left_out = any(f.id == own_id and not f.submitted for f in chain)
    return History(entries, _trends(entries), draft_left_out)


def _trends(entries: list[HistoryEntry]) -> list[DimensionTrend]:
    titles: dict[str, str] = {}
    for entry in reversed(entries):  # the latest title and order first
        for dim in entry.card.dimensions:
            titles.setdefault(dim.id, dim.title)
    trends = []
    for dimension_id, title in titles.items():
        values = []
        for entry in entries:
            result = next((d for d in entry.card.dimensions if d.id == dimension_id), None)
            values.append(
                TrendValue(
                    number=entry.number,
                    submitted_on=entry.submitted_on,
                    score=None if result is None else result.score,
                    level=None if result is None else result.level,
                    level_name=None if result is None else result.level_name,
                    rulebook_version=entry.rulebook_version,
                    rulebook_changed=entry.rulebook_changed,
                    in_rulebook=result is not None,
                )
            )
        trends.append(DimensionTrend(dimension_id, title, values, trend_chart(values)))
    return trends
