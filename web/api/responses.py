"""Response models of the JSON API; the OpenAPI document describes responses with them.

Scorecards, peer groups and advice are the models of ``rules`` and ``benchmark`` as they are;
the models here wrap them, and give the rulebook in the shape a client needs to build a form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchmark.advice import Advice
from benchmark.explain import PeerGroup
from benchmark.profile import CityProfile
from rules import Scorecard
from rules.conditions import Condition
from web.api.models import ActionStatus, Error, QueryMode, Sharing

__all__ = [
    "ActionOut",
    "ActivityEntryOut",
    "ActivityOut",
    "AnswersOut",
    "AssessmentLinks",
    "AssessmentOut",
    "AuthorOut",
    "ConflictError",
    "ContributorLinks",
    "ContributorOut",
    "CreatedAssessment",
    "CreatedContributor",
    "CreatedDraft",
    "DimensionOut",
    "DisputeAnswerOut",
    "DisputeOut",
    "EvidenceOut",
    "IndicatorOut",
    "LevelOut",
    "OptionOut",
    "PeerSummary",
    "PeersOut",
    "PlanOut",
    "ProfileOut",
    "QuestionOut",
    "ReviewOut",
    "ReviewRequestOut",
    "RulebookOut",
    "RulebookRef",
    "TargetChoiceOut",
    "TargetsOut",
    "TargetsSet",
    "VerdictOut",
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
    targets: str
    plan: str
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


# --- team work ------------------------------------------------------------------------------

Answer = str | int | float


class AuthorOut(_Response):
    """Who gave an answer, and when."""

    by: int | None = Field(description="The colleague's id; `null`: the owner.")
    at: datetime


class EvidenceOut(_Response):
    """The evidence behind an answer (its note is in `notes`)."""

    link: str | None = Field(description="Shown as text, never fetched by the server.")
    checked: date | None = Field(description="The date the evidence was last checked.")


class DisputeAnswerOut(_Response):
    """One person's answer to a disputed question."""

    by: int | None = Field(description="The colleague's id; `null`: the owner.")
    value: Answer
    at: datetime


class DisputeOut(_Response):
    """A question two people answered differently, for the owner to settle."""

    question: str = Field(description="The question id.")
    answers: list[DisputeAnswerOut] = Field(
        description="Each person's answer; the owner chooses one by its position (`choice`)."
    )


class AnswersOut(_Response):
    """A draft's answers as stored now, at their version."""

    version: int = Field(description="How many times answers were saved; send it with changes.")
    answers: dict[str, Answer]
    notes: dict[str, str]
    evidence: dict[str, EvidenceOut] = Field(description="Question id → link and date checked.")
    answered_by: dict[str, AuthorOut] = Field(description="Question id → who gave the answer.")
    disputes: list[DisputeOut] = Field(
        description="Disagreements still to settle, in the rulebook's order: the owner chooses "
        "one answer for each before submitting."
    )


class ConflictError(Error):
    """An error whose request was made on answers that have changed since: nothing was stored."""

    current: AnswersOut = Field(description="What is stored now: look again, then resend.")


class ContributorOut(_Response):
    """A colleague invited to the assessment (their token is never shown again)."""

    id: int
    name: str
    role: str
    dimensions: list[str] = Field(
        description="The dimensions they were asked to answer; empty: no particular ones."
    )
    reviewer: bool = Field(description="Invited as a reviewer.")
    invited_at: datetime
    revoked_at: datetime | None
    active: bool = Field(description="Their token works (not revoked).")


class ContributorLinks(_Response):
    """Where a colleague's token opens the assessment."""

    assessment: str = Field(description="The assessment in this API, with their token.")
    resume: str = Field(description="Their personal link in the browser.")


class CreatedContributor(_Response):
    """A colleague just invited; the only response that carries their token."""

    token: str = Field(
        description="The colleague's secret token: shown only here, only its hash is stored. "
        "Pass it on to them."
    )
    contributor: ContributorOut
    links: ContributorLinks


class ReviewRequestOut(_Response):
    """A review the owner asked for, not finished yet."""

    reviewer_id: int = Field(description="The id of the colleague asked.")
    requested_at: datetime


class VerdictOut(_Response):
    """The reviewer's verdict on one dimension, and the owner's reply to a query."""

    verdict: Literal["accepted", "queried"]
    comment: str
    reply: str | None = Field(description="The owner's reply to a query; `null`: none yet.")
    replied_at: datetime | None


class ReviewOut(_Response):
    """A finished review: a verdict per dimension."""

    reviewer_id: int
    requested_at: datetime
    finished_at: datetime
    verdicts: dict[str, VerdictOut] = Field(description="Dimension id → verdict.")
    open_queries: list[str] = Field(
        description="Dimensions queried and not yet replied to: submission waits for replies."
    )


class ActivityEntryOut(_Response):
    """One change to the assessment."""

    at: datetime
    by: int | None = Field(description="The colleague's id; `null`: the owner.")
    kind: str = Field(
        description="`answer`, `note`, `evidence`, `chosen` (a disagreement settled), "
        "`review-asked`, `review` (a verdict), `reply`, `submitted`, and once submitted "
        "`targets` (targets set) or `action` (an action of the plan recorded)."
    )
    subject: str | None = Field(description="The question or dimension id, if any.")
    before: Any = Field(description="The value before the change, if any.")
    after: Any = Field(description="The value after the change, if any.")


class ActivityOut(_Response):
    """The assessment's log of changes, newest first."""

    entries: list[ActivityEntryOut]


class CreatedDraft(_Response):
    """A new, empty draft; the only response that carries the owner's token."""

    token: str = Field(
        description="The owner's secret token: shown only here, only its hash is stored. Keep it."
    )
    version: int = Field(description="The answers' version: 0 for a new draft.")
    links: AssessmentLinks


class ProfileOut(_Response):
    """A draft's city profile and sharing choice, as stored."""

    profile: CityProfile
    sharing: Sharing


# --- targets and the action plan ----------------------------------------------------------

#: A field named ``date`` would hide the type inside its class.
Day = date


class TargetsSet(_Response):
    """The city's targets, or the defaults offered until it sets its own."""

    levels: dict[str, int] = Field(description="Dimension id → the level aimed at.")
    date: Day | None = Field(description="The date to reach them by.")
    offered: bool = Field(
        description="`true`: the city has set no targets yet, these are the defaults offered "
        "(one level up in the weakest dimensions, a year from today)."
    )


class TargetChoiceOut(_Response):
    """A dimension a target can be set for, and the levels it can aim at."""

    dimension: str = Field(description="The dimension id.")
    title: str
    level: int = Field(description="The dimension's current level.")
    level_name: str
    levels: list[int] = Field(description="The levels above the current one.")


class TargetsOut(TargetsSet):
    """The targets, and what each dimension can aim at."""

    choices: list[TargetChoiceOut] = Field(
        description="Every assessed dimension below the top level: only these take a target."
    )


class ActionOut(_Response):
    """One action of the plan, with what the city recorded about it."""

    key: str = Field(
        description="Stable id of the action (dimension, question, option aimed at): edit it "
        "with `PATCH .../plan/actions/{key}`."
    )
    number: int = Field(description="Its place in the plan, from 1: the first ones first.")
    dimension: str = Field(description="The dimension id.")
    dimension_title: str
    question: str = Field(description="The question id.")
    question_text: str
    advice: str = Field(description="What to do.")
    effort: str = Field(description="`low`, `medium` or `high`.")
    gain: int = Field(description="The points the step adds to its dimension.")
    find_out: bool = Field(
        description='The answer now is "I don\'t know": the action is to find out.'
    )
    lifts_gate: bool = Field(description="The step lifts a gate of the next level.")
    current: str | None = Field(description='The option answered now; `null`: "I don\'t know".')
    current_label: str
    aim: str = Field(description="The option the action aims at.")
    aim_label: str
    owner: str | None = Field(description="Who does it; `null`: no one yet.")
    due: Day | None = Field(description="When it is due.")
    status: ActionStatus = Field(description="`planned` until the city records otherwise.")
    outcome: str | None = Field(
        description="Once the city re-assessed: `reached` (the answer is at the aimed-at "
        "option or above), `moved` (up, not there yet), `unchanged`, `down` or `gone` (no "
        'longer answered, or "I don\'t know"); `null` before.'
    )


class PlanOut(_Response):
    """The action plan towards the targets."""

    targets: TargetsSet
    actions: list[ActionOut] = Field(
        description="Best first: find-out actions, then steps "
        "that lift a gate, then the largest gain per effort."
    )
    short: list[str] = Field(
        description="Dimension ids whose actions, all done, would still leave the score "
        "below the target level: more than one step per question is needed there."
    )
    reassessed_on: Day | None = Field(
        description="The day the re-assessment the outcomes come from was submitted; "
        "`null`: the city has not re-assessed yet."
    )


class AssessmentOut(_Response):
    """An assessment as stored: a draft, or submitted and scored."""

    status: Literal["draft", "submitted"]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    profile: CityProfile | None
    sharing: Sharing | None
    language: str = Field(
        description="The interface language the assessment was started in (en, fr, de, es, "
        "it, pl); its answers and scores are the same in every language."
    )
    version: int = Field(description="How many times answers were saved; send it with changes.")
    answers: dict[str, Answer]
    notes: dict[str, str]
    evidence: dict[str, EvidenceOut] = Field(description="Question id → link and date checked.")
    answered_by: dict[str, AuthorOut] = Field(description="Question id → who gave the answer.")
    disputes: list[DisputeOut] = Field(description="Disagreements still to settle.")
    review_request: ReviewRequestOut | None = Field(
        description="A review asked for and not finished yet."
    )
    review: ReviewOut | None = Field(description="The latest finished review.")
    contributors: list[ContributorOut] | None = Field(
        description="The colleagues invited, revoked ones too; `null` unless the token is the "
        "owner's."
    )
    you: ContributorOut | None = Field(
        description="The colleague whose token this is; `null` for the owner's token."
    )
    rulebook: RulebookRef
    scorecard: Scorecard | None = Field(description="None while the assessment is a draft.")
    targets: TargetsSet | None = Field(
        description="Once submitted: the city's targets, or the defaults offered; `null` while "
        "the assessment is a draft."
    )
    links: AssessmentLinks = Field(
        description="With this token. Peers, advice, targets, plan and results are the "
        "owner's, once submitted."
    )


class PeersOut(_Response):
    """Peers of an assessment in one mode."""

    mode: QueryMode
    k: int
    pool_size: int = Field(description="Cities in the pool other than this one.")
    groups: list[PeerGroup] = Field(
        description="One group; for `learn_from`, one per weak dimension (none when the pool "
        "is empty)."
    )
