"""Response models of the JSON API; the OpenAPI document describes responses with them.

Scorecards, peer groups and advice are the models of ``rules`` and ``benchmark`` as they are;
the models here wrap them, and give the rulebook in the shape a client needs to build a form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from benchmark.advice import Advice
from benchmark.explain import PeerGroup
from benchmark.profile import CityProfile
from rules import Scorecard
from rules.conditions import Condition
from web.api.models import QueryMode, Sharing

__all__ = [
    "AssessmentLinks",
    "AssessmentOut",
    "CreatedAssessment",
    "DimensionOut",
    "IndicatorOut",
    "LevelOut",
    "OptionOut",
    "PeerSummary",
    "PeersOut",
    "QuestionOut",
    "RulebookOut",
    "RulebookRef",
]


class _Response(BaseModel):
    model_config = ConfigDict(frozen=True)


class OptionOut(_Response):
    """One answer option; later options mean more capacity."""

    value: str = Field(description="What to send as the answer.")
    label: str
    points: int
    min: float | None = Field(description="Number questions: the smallest number in this band.")
    next_step: str | None = Field(description="What moving to the next option means.")


class QuestionOut(_Response):
    """A question, with everything a client needs to render and validate it."""

    id: str
    text: str
    help: str
    kind: Literal["choice", "number"]
    source: str
    options: list[OptionOut]
    allow_na: bool = Field(description="`na` (not applicable) is accepted.")
    allow_unknown: bool = Field(description="`unknown` (don't know) is accepted.")
    na_help: str | None
    applies_if: Condition | None = Field(
        description="The question applies (and must be answered) only when this holds."
    )
    answer_values: list[str] = Field(
        description="Every string answer accepted; number questions also take a number."
    )


class DimensionOut(_Response):
    """A capacity dimension and its questions, in order."""

    id: str
    title: str
    description: str
    weight: float
    questions: list[QuestionOut]


class LevelOut(_Response):
    """A maturity level and the score from which it starts."""

    level: int
    name: str
    min_score: float
    description: str


class IndicatorOut(_Response):
    """A headline indicator of the scorecard."""

    id: str
    label: str


class RulebookOut(_Response):
    """The rulebook this server scores with (texts in English)."""

    id: str
    version: str
    title: str
    content_hash: str
    levels: list[LevelOut]
    dimensions: list[DimensionOut]
    indicators: list[IndicatorOut]


class AssessmentLinks(_Response):
    """Where to find an assessment: its API resources and its pages in the browser."""

    self: str
    peers: str
    advice: str
    resume: str = Field(description="The secret resume link of the browser flow.")
    results: str = Field(description="The results page in the browser.")


class PeerSummary(_Response):
    """Peers in the three modes, as on the results page."""

    pool_size: int = Field(description="Cities in the pool other than this one.")
    comparable: PeerGroup | None
    same_stage: PeerGroup | None
    learn_from: list[PeerGroup]
    any_demo: bool = Field(description="Some peers shown are fictional demo cities.")


class CreatedAssessment(_Response):
    """A stored, scored assessment; the only response that carries its token."""

    token: str = Field(
        description="Secret resume token: shown only here, only its hash is stored. Keep it."
    )
    links: AssessmentLinks
    profile: CityProfile
    sharing: Sharing
    scorecard: Scorecard
    peers: PeerSummary
    advice: Advice


class RulebookRef(_Response):
    """The rulebook an assessment was scored with."""

    id: str
    version: str
    hash: str


class AssessmentOut(_Response):
    """An assessment as stored: a draft from the browser flow, or submitted and scored."""

    status: Literal["draft", "submitted"]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    profile: CityProfile | None
    sharing: Sharing | None
    answers: dict[str, str | int | float]
    notes: dict[str, str]
    rulebook: RulebookRef
    scorecard: Scorecard | None = Field(description="None while the assessment is a draft.")
    links: AssessmentLinks


class PeersOut(_Response):
    """Peers of an assessment in one mode."""

    mode: QueryMode
    k: int
    pool_size: int = Field(description="Cities in the pool other than this one.")
    groups: list[PeerGroup] = Field(
        description="One group; for `learn_from`, one per weak dimension (none when the pool "
        "is empty)."
    )
