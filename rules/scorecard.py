"""The scorecard: the fully explained result of scoring one assessment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rules.answers import Status

__all__ = ["CappingGate", "DimensionResult", "NextStep", "Scorecard", "TraceLine"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class TraceLine(_Result):
    """How one question contributed to its dimension's score."""

    question: str
    status: Status
    answer: str | int | float | None = Field(description="the answer as given")
    option: str | None = Field(description="value of the option it resolved to")
    points: int
    max_points: int = Field(description="0 when N/A: the question leaves the denominator")
    note: str | None = None


class CappingGate(_Result):
    """A gate that held the dimension below the level its score reached."""

    level: int = Field(description="the level the gate guards")
    reason: str


class DimensionResult(_Result):
    """Score, level and explanation of one dimension."""

    id: str
    title: str
    weight: float
    score: float | None = Field(
        description="0–100, a whole number (rounded down); None when every question is N/A"
    )
    level: int | None = Field(description="maturity level after gates; None when not assessed")
    level_name: str | None
    level_description: str | None = Field(
        default=None, description="what the level means in this dimension (rulebook 2 on)"
    )
    score_level: int | None = Field(description="level the score alone reaches")
    capped_by: CappingGate | None
    points: int
    max_points: int
    answered: int
    not_applicable: int
    unknown: int
    skipped: int
    trace: list[TraceLine]


class NextStep(_Result):
    """A concrete step that would raise a dimension's score or lift a gate."""

    dimension: str
    question: str
    current: str | None = Field(description="current option value, None if unanswered")
    target: str
    gain: int = Field(description="points gained in the dimension")
    lifts_gate: bool = Field(description="True when this step meets a gate for the next level")
    advice: str
    effort: str = Field(default="medium", description="low, medium or high")
    stretch: bool = Field(
        default=False, description="a step beyond the top level (mentoring, leading, publishing)"
    )


class Scorecard(_Result):
    """The result of scoring one assessment against one rulebook version."""

    rulebook_id: str
    rulebook_version: str
    rulebook_hash: str
    dimensions: list[DimensionResult]
    overall_score: float | None = Field(
        description="weighted mean of the dimension scores, rounded down to a whole number"
    )
    overall_level: int | None = Field(
        description="level of the overall score, at most the floor plus the rulebook's margin"
    )
    overall_level_name: str | None
    overall_level_description: str | None = None
    overall_score_level: int | None = Field(
        default=None,
        description="level the overall score alone reaches; above overall_level when the "
        "floor holds the overall level down",
    )
    floor: int | None = Field(description="lowest dimension level: a mean hides gaps")
    indicators: dict[str, bool]
    next_steps: list[NextStep]

    @property
    def capped_by_floor(self) -> bool:
        """True when the floor held the overall level below what the overall score reaches."""
        return (
            self.overall_level is not None
            and self.overall_score_level is not None
            and self.overall_level < self.overall_score_level
        )

    def dimension(self, dimension_id: str) -> DimensionResult:
        """The result of one dimension; raises KeyError when there is no such dimension."""
        for result in self.dimensions:
            if result.id == dimension_id:
                return result
        raise KeyError(dimension_id)
