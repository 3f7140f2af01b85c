"""Pydantic models of the rulebook: levels, dimensions, questions, options, gates, indicators.

These models check the shape of each file on its own; checks that span entities (unknown
question in a gate, thresholds not increasing, ...) live in :mod:`rules.checks` so that every
problem can be reported at once with its location.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from rules.conditions import Condition

__all__ = [
    "Dimension",
    "Gate",
    "Indicator",
    "Level",
    "Option",
    "Question",
    "ReferenceFigure",
    "Rulebook",
    "RulebookManifest",
    "Text",
    "text_in",
]

#: A user-facing text: plain English, or a map of language code → text.
Text = str | dict[str, str]

#: Answer values reserved for "not applicable" and "don't know".
NA = "na"
UNKNOWN = "unknown"

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
OptionValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-+]*$")]


def text_in(text: Text, lang: str = "en") -> str:
    """Return ``text`` in ``lang``, falling back to English, then to any language given."""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One ordinal answer option; later options mean more capacity."""

    value: OptionValue
    label: Text
    points: int = Field(ge=0, le=100)
    #: For ``number`` questions: the smallest number that falls in this band.
    min: float | None = None
    #: What moving from this option to the next one means in practice.
    next_step: Text | None = None


class Question(_Strict):
    """A question of the self-assessment."""

    id: QuestionId
    text: Text
    help: Text
    kind: Literal["choice", "number"] = "choice"
    #: The survey or study the question's topic comes from.
    source: str = Field(min_length=3)
    options: list[Option] = Field(min_length=2)
    applies_if: Condition | None = None
    allow_na: bool = False
    allow_unknown: bool = True
    #: Why N/A may apply, shown beside the N/A choice.
    na_help: Text | None = None

    @property
    def max_points(self) -> int:
        """Points of the highest option."""
        return max(o.points for o in self.options)


class Gate(_Strict):
    """A must-have: the dimension reaches ``level`` or above only if ``requires`` holds."""

    level: int = Field(ge=2, le=10)
    requires: Condition
    reason: Text


class Dimension(_Strict):
    """One capacity dimension, in its own file ``dimensions/<id>.yaml``."""

    id: Identifier
    title: Text
    description: Text
    weight: float = Field(default=1.0, gt=0)
    questions: list[Question] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)


class Level(_Strict):
    """A maturity level and the score (0–100) from which it starts."""

    level: int = Field(ge=1, le=10)
    name: Text
    min_score: float = Field(ge=0, le=100)
    description: Text


class ReferenceFigure(_Strict):
    """A published figure an indicator can be set beside."""

    share: float = Field(ge=0, le=1)
    year: int
    source: str


class Indicator(_Strict):
    """A binary headline indicator, defined as a condition over the answers."""

    id: Identifier
    label: Text
    when: Condition
    references: list[ReferenceFigure] = Field(default_factory=list)


class RulebookManifest(_Strict):
    """The top file ``rulebook.yaml``: identity, levels, dimension order and indicators."""

    id: Identifier
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    title: Text
    levels: list[Level] = Field(min_length=2)
    dimensions: list[Identifier] = Field(min_length=1)
    indicators: list[Indicator] = Field(default_factory=list)


class Rulebook(_Strict):
    """A whole, checked rulebook: the manifest with its dimensions in order."""

    id: str
    version: str
    title: Text
    levels: list[Level]
    dimensions: list[Dimension]
    indicators: list[Indicator]
    #: sha256 of the canonical JSON of the content above, set by the loader.
    content_hash: str = ""
