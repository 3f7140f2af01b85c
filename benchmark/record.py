"""One city's entry in the peer pool: context, answers, scores, provenance and consent."""

from __future__ import annotations

import math
from datetime import date
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from benchmark.profile import CityProfile
from rules import BatchScores, Rulebook, Scorecard

__all__ = ["DimensionSummary", "PoolRecord", "ScoreSummary", "Source", "batch_summaries"]

Source = Literal["demo", "import", "submitted"]


class DimensionSummary(BaseModel):
    """A dimension's score and level, without the trace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score: float | None = Field(ge=0, le=100)
    level: int | None = Field(ge=1, le=10)


class ScoreSummary(BaseModel):
    """The part of a scorecard the peer pool keeps; the full card can be rebuilt from answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dimensions: dict[str, DimensionSummary]
    overall_score: float | None = Field(ge=0, le=100)
    overall_level: int | None
    floor: int | None
    indicators: dict[str, bool]
    rulebook_hash: str

    @classmethod
    def of(cls, card: Scorecard) -> ScoreSummary:
        """Summarise a full scorecard."""
        return cls(
            dimensions={
                d.id: DimensionSummary(score=d.score, level=d.level) for d in card.dimensions
            },
            overall_score=card.overall_score,
            overall_level=card.overall_level,
            floor=card.floor,
            indicators=dict(card.indicators),
            rulebook_hash=card.rulebook_hash,
        )


def batch_summaries(rulebook: Rulebook, scores: BatchScores) -> list[ScoreSummary]:
    """The summary of each row of ``scores`` (``rules.CompiledRulebook.score`` of
    ``rulebook``): equal, field for field, to :meth:`ScoreSummary.of` of its scorecard.

    Built without validation: each value comes from the batch scorer, whose results match
    the engine's (``tests/benchmark/test_batch_summaries.py``), so a 50,000-row import does
    not check 500,000 dimension summaries one by one.
    """
    dimension_ids = [d.id for d in rulebook.dimensions]
    indicator_ids = [i.id for i in rulebook.indicators]
    summary = ScoreSummary.model_construct
    rows = zip(
        _dimension_summaries(scores),
        scores.overall_score.tolist(),
        scores.overall_level.tolist(),
        scores.floor.tolist(),
        scores.indicators.tolist(),
        strict=True,
    )
    return [
        summary(
            dimensions=dict(zip(dimension_ids, dimensions, strict=True)),
            overall_score=None if math.isnan(overall) else overall,
            overall_level=overall_level or None,
            floor=floor or None,
            indicators=dict(zip(indicator_ids, indicators, strict=True)),
            rulebook_hash=rulebook.content_hash,
        )
        for dimensions, overall, overall_level, floor, indicators in rows
    ]


def _dimension_summaries(scores: BatchScores) -> list[list[DimensionSummary]]:
    """Per row, a summary per dimension; one (frozen) object per distinct (score, level)."""
    # (score, level) as one complex number: a 1-d unique is far faster than one by rows
    pairs = np.where(np.isnan(scores.scores), -1.0, scores.scores) + 1j * scores.levels
    distinct, inverse = np.unique(pairs.ravel(), return_inverse=True)
    build = DimensionSummary.model_construct
    shared = np.empty(len(distinct), dtype=object)
    shared[:] = [
        build(score=None, level=None)
        if pair.real < 0
        else build(score=pair.real, level=int(pair.imag))
        for pair in distinct.tolist()
    ]
    objects: list[list[DimensionSummary]] = shared[inverse.reshape(scores.scores.shape)].tolist()
    return objects


class PoolRecord(BaseModel):
    """A scored assessment of one city in the peer pool."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64, description="stable id within the pool")
    profile: CityProfile
    answers: dict[str, str | int | float]
    scores: ScoreSummary
    source: Source
    assessed_on: date
    rulebook_version: str
    consent_named: bool = Field(
        default=False, description="the city agreed to be named to other cities"
    )

    @property
    def is_demo(self) -> bool:
        """True for fictional demo cities."""
        return self.source == "demo"

    @property
    def city_key(self) -> str:
        """The city's stable key: two records with the same key are two assessments of one
        city. For imported and demo records the GeoNames id, else country and normalised
        name (the secretariat vouches for them). A city's own submission is keyed by its
        record: matched by name, anyone could type an anonymous city's name and see its record
        replaced or left out, learning which peer it is (issue 12); its re-assessments replace
        it in storage instead."""
        return f"submitted:{self.id}" if self.source == "submitted" else self.profile.key
