"""Request models of the JSON API and its error shape; the OpenAPI document is built from them.

Request models are strict, and what they accept is exactly what their JSON Schema says:

* numbers are JSON numbers: ``true``/``false`` and strings such as ``"5"`` are rejected;
* an integer field takes any integral number, so ``2`` and ``2.0`` both mean 2 (this is what
  JSON Schema's ``"type": "integer"`` means) while ``2.5`` is rejected;
* free text may not hold control characters other than tab and line breaks;
* unknown fields are rejected, so that a typo never goes unnoticed.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from benchmark.names import clean_name
from benchmark.plan import STATUSES
from benchmark.wording import N_
from web.assessment.evidence import LINK_MAX
from web.assessment.forms import NOTE_MAX, NUMBER_MAX
from web.assessment.plan import OWNER_MAX
from web.assessment.team import MAX_TEXT

__all__ = [
    "ActionPatch",
    "ActionStatus",
    "AdviceQuery",
    "AnswerValue",
    "AnswersPatch",
    "ChooseAnswerRequest",
    "CreateAssessmentRequest",
    "Error",
    "ErrorBody",
    "ErrorCode",
    "ErrorDetail",
    "EvidenceIn",
    "InvitationRequest",
    "PeersQuery",
    "ProfileIn",
    "ProfileRequest",
    "QueryMode",
    "ReplyRequest",
    "ReviewAskRequest",
    "ScoreRequest",
    "Sharing",
    "TargetsRequest",
    "VerdictIn",
    "VerdictsRequest",
    "json_kind",
]

#: Longest answer string: option values are short ids.
ANSWER_MAX = 100
#: Largest number of peers one request may ask for.
K_MAX = 50
#: Free text: no control characters other than tab, line feed and carriage return.
FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
#: A name: free text with at least one character that is not a space or a control character.
NAME = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _integral(value: Any) -> Any:
    # JSON Schema's "integer" is any number with a zero fraction: 2.0 is the integer 2.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Integers that also take integral floats such as 2.0, never booleans or strings. The
# constraints sit inside the validator so that they reach the JSON Schema.
def _clean_name(value: str) -> str:
    # After the documented pattern (which refuses control characters): what it lets through
    # invisibly (bidi overrides, zero-width spaces) is dropped, and the rest must show.
    cleaned = clean_name(value)
    if not cleaned:
        raise PydanticCustomError("blank_name", "the name has no visible characters")
    return cleaned


Population = Annotated[int, Field(gt=0, le=50_000_000), BeforeValidator(_integral)]
GeonameId = Annotated[int, Field(gt=0, le=2_147_483_647), BeforeValidator(_integral)]


def _answer_value(value: Any) -> str | int | float:
    """Accept an option value (a string) or a number from 0 to NUMBER_MAX; never a boolean."""
    if isinstance(value, str):
        if len(value) > ANSWER_MAX:
            raise PydanticCustomError(
                "answer_too_long", "an answer is an option value of at most {max} characters",
                {"max": ANSWER_MAX},
            )  # fmt: skip
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError(
            "answer_type",
            'give an option value (a string such as "adopted", "na" or "unknown") or a '
            "number, not {given}",
            {"given": json_kind(value)},
        )
    if not (math.isfinite(value) and 0 <= value <= NUMBER_MAX):
        raise PydanticCustomError(
            "answer_range",
            "a number answer must be from 0 to {max}",
            {"max": f"{NUMBER_MAX:,}", "limit": NUMBER_MAX},
        )
    return value


def json_kind(value: Any) -> str:
    """How a JSON value reads in a message: ``true``, ``null``, ``a list``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    # English, marked for the catalog: web.api.errors.kind_text gives them in the reader's
    # language
    if isinstance(value, list):
        return N_("a list")
    if isinstance(value, dict):
        return N_("an object")
    return N_("a number") if isinstance(value, int | float) else N_("a string")


AnswerValue = Annotated[
    str | int | float,
    PlainValidator(_answer_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": ANSWER_MAX},
                {"type": "number", "minimum": 0, "maximum": NUMBER_MAX},
            ],
            "description": "An option value, `na` (not applicable), `unknown` (don't know), "
            "or for a number question a number from 0 to 1,000,000. Booleans are not answers.",
        }
    ),
]
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX, pattern=FREE_TEXT)]
Sharing = Literal["named", "anonymous", "private"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class ScoreRequest(_Request):
    """Answers to score: question id → answer, with an optional evidence note per question."""

    rulebook: str | None = Field(
        default=None,
        max_length=64,
        description="Id of the rulebook the answers are for; when given, it must be the "
        "rulebook of this server (see `GET /api/v1/rulebook`).",
    )
    answers: dict[str, AnswerValue] = Field(
        description="Question id → answer. Every question that applies must be answered and no "
        "other: a question with `applies_if` applies only when its condition holds."
    )
    notes: dict[str, Note] = Field(
        default_factory=dict,
        description=f"Question id → free-text evidence note (at most {NOTE_MAX:,} characters).",
    )


class ProfileIn(_Request):
    """The city's context. Region and EU membership follow from the country."""

    name: Annotated[str, AfterValidator(_clean_name)] = Field(
        min_length=1,
        max_length=120,
        pattern=NAME,
        description="The city's name; stored in NFC without invisible or control characters "
        "(bidi overrides, zero-width spaces); blank after that is refused.",
    )
    country: str = Field(
        pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code in capitals, e.g. `DE`."
    )
    population: Population
    capital: bool = Field(default=False, description="The city is its country's capital.")
    team_size: float | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Full-time staff on international work. Taken from the answer to "
        "`staff.team_size` (asked once); when given it must be the same number.",
    )
    geonameid: GeonameId | None = Field(default=None, description="GeoNames id, when known.")
    region: str | None = Field(
        default=None,
        max_length=64,
        description="UN M49 sub-region. Filled from the country when left out; when given it "
        "must be the country's.",
    )
    eu_member: bool | None = Field(
        default=None,
        description="EU membership. Filled from the country when left out; when given it must "
        "be the country's.",
    )


class CreateAssessmentRequest(ScoreRequest):
    """A complete assessment to store, score and compare: profile, answers, sharing choice."""

    profile: ProfileIn
    sharing: Sharing = Field(
        default="private",
        description="`named`: other cities may see the city's name beside its results; "
        "`anonymous`: it joins the peer pool without its name; `private`: it stays out of "
        "the peer pool.",
    )


# --- team work on a draft -------------------------------------------------------------------

#: Largest id or version a request may name (the database's integers).
ID_MAX = 2_147_483_647
Version = Annotated[int, Field(ge=0, le=ID_MAX), BeforeValidator(_integral)]
ContributorId = Annotated[int, Field(gt=0, le=ID_MAX), BeforeValidator(_integral)]
#: A short name or role: as a city's name, at most 120 characters, something visible.
ShortName = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=NAME)]
Comment = Annotated[str, StringConstraints(max_length=NOTE_MAX, pattern=FREE_TEXT)]


class ProfileRequest(_Request):
    """A draft's city profile and sharing choice, as the browser's profile page takes them."""

    profile: ProfileIn
    sharing: Sharing = Field(
        default="private",
        description="`named`, `anonymous` or `private`, as for `POST /api/v1/assessments`; "
        "it decides whether the city joins the peer pool when the draft is submitted.",
    )


class EvidenceIn(_Request):
    """The evidence behind one answer: a link and the date it was checked."""

    link: str | None = Field(
        default=None,
        max_length=LINK_MAX,
        description="An http or https address with a host, without spaces. It is stored and "
        "shown as text, never fetched.",
    )
    checked: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="The date the evidence was last checked, `YYYY-MM-DD`, not in the future; "
        "today when left out.",
    )


class AnswersPatch(_Request):
    """Changes to a draft's answers, notes and evidence, made at the version last read.

    Each map changes only the questions it names; `null` removes an entry. After the change,
    answers to questions that no longer apply (skip logic) are dropped, with their notes and
    evidence, as on the browser's pages.
    """

    version: Version = Field(
        description="The `version` of the answers these changes were made on (from the last "
        "read or save). When someone saved since, nothing is stored and the answer is a 409."
    )
    answers: dict[str, AnswerValue | None] = Field(
        default_factory=dict,
        description="Question id → answer, or `null` to remove the answer. An answer to a "
        "question that does not apply given the other answers is refused.",
    )
    notes: dict[str, Note | None] = Field(
        default_factory=dict,
        description=f"Question id → evidence note (at most {NOTE_MAX:,} characters), or `null` "
        "(or blank) to remove it. A note needs an answer to its question.",
    )
    evidence: dict[str, EvidenceIn | None] = Field(
        default_factory=dict,
        description="Question id → evidence link and date checked, replacing those stored, or "
        "`null` to remove them. Evidence needs an answer to its question; an answer with a "
        "note keeps an entry for its date checked.",
    )


class ChooseAnswerRequest(_Request):
    """The owner's choice among the answers given to a disputed question."""

    version: Version = Field(
        description="The `version` of the answers the choice was made on; a 409 when someone "
        "saved since."
    )
    choice: int = Field(
        ge=0,
        le=ID_MAX,
        description="Position of the chosen answer in the dispute's `answers`, from 0.",
    )


class InvitationRequest(_Request):
    """A colleague to invite: they get a personal token of their own."""

    name: ShortName = Field(description="The colleague's name (at most 120 characters).")
    role: ShortName = Field(
        description="Their role, e.g. `EU affairs` or `Mayor's office` (at most 120 characters)."
    )
    dimensions: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of the dimensions they are asked to answer; empty: no particular "
        "ones. They may still answer any question.",
    )
    reviewer: bool = Field(
        default=False,
        description="Invited as a reviewer: the owner can then ask them to review the answers.",
    )


class ReviewAskRequest(_Request):
    """Whom the owner asks to review the answers."""

    reviewer_id: ContributorId = Field(
        description="The `id` of an active colleague invited with `reviewer: true`. A request "
        "still open, to anyone, is replaced."
    )


class VerdictIn(_Request):
    """The reviewer's verdict on one dimension."""

    verdict: Literal["accepted", "queried"]
    comment: Comment = Field(
        default="",
        description=f"At most {NOTE_MAX:,} characters; required with `queried`: it is a "
        "question to the owner.",
    )


class VerdictsRequest(_Request):
    """The reviewer's verdicts: one for every dimension of the rulebook."""

    verdicts: dict[str, VerdictIn] = Field(description="Dimension id → verdict.")


class ReplyRequest(_Request):
    """The owner's reply to the reviewer's query on one dimension."""

    reply: Annotated[str, StringConstraints(max_length=NOTE_MAX, pattern=NAME)] = Field(
        description=f"Some text, at most {NOTE_MAX:,} characters."
    )


# --- targets and the action plan ----------------------------------------------------------

#: A day as the pages take it: year-month-day (whether it exists, the pages' rules say).
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
TargetLevel = Annotated[int, Field(ge=1, le=ID_MAX), BeforeValidator(_integral)]
#: An action's status. The values are :data:`benchmark.plan.STATUSES`; the plan page's rules
#: check them, so the model only says what they are.
ActionStatus = Annotated[str, WithJsonSchema({"type": "string", "enum": list(STATUSES)})]


class TargetsRequest(_Request):
    """The city's targets: a level per dimension and the date to reach them by."""

    levels: dict[str, TargetLevel] = Field(
        max_length=50,
        description="Dimension id → the level aimed at, above the dimension's current level "
        "(see `choices` of `GET .../targets`). Dimensions left out get no target; `{}` sets "
        "none.",
    )
    date: str | None = Field(
        default=None,
        pattern=ISO_DATE,
        description="The date to reach the targets by, `YYYY-MM-DD`, today or later; "
        "required when any target is set.",
    )


def _left_out_stays(schema: dict[str, Any]) -> None:
    # A field of a PATCH left out keeps what is recorded: it has no default to document.
    schema.pop("default", None)


class ActionPatch(_Request):
    """What the city records about one action of its plan; what is left out stays."""

    # The fields given are model_fields_set; the others are never read.

    owner: Annotated[str, StringConstraints(max_length=OWNER_MAX, pattern=FREE_TEXT)] | None = (
        Field(
            default=None,
            json_schema_extra=_left_out_stays,
            description=f"Who does it (at most {OWNER_MAX} characters); `null` or blank: no one "
            "yet. Spaces and line breaks are collapsed, as on the plan page.",
        )
    )
    due: str | None = Field(
        default=None,
        pattern=ISO_DATE,
        json_schema_extra=_left_out_stays,
        description="The date it is due, `YYYY-MM-DD`; `null`: none.",
    )
    status: ActionStatus = Field(
        default="planned",  # never read: a status left out stays as recorded
        json_schema_extra=_left_out_stays,
        description="`planned`, `started`, `done` or `dropped`.",
    )


# --- query parameters -----------------------------------------------------------------------

QueryMode = Literal["comparable", "same_stage", "learn_from"]
PeerCount = Annotated[int, Field(ge=1, le=K_MAX), BeforeValidator(_integral)]


class AdviceQuery(BaseModel):
    """Query parameters of the advice endpoint."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    k: PeerCount | None = Field(
        default=None,
        description="Number of comparable peers the practices are counted over; the server's "
        "`CITYDIP_K` when left out.",
    )


class PeersQuery(AdviceQuery):
    """Query parameters of the peers endpoint."""

    mode: QueryMode = Field(
        default="comparable",
        description="`comparable`: nearest by context; `same_stage`: nearest by capacity "
        "profile; `learn_from`: context-near cities at least one level ahead, one group per "
        "weak dimension.",
    )
    k: PeerCount | None = Field(
        default=None,
        description="Number of peers per group; the server's `CITYDIP_K` when left out.",
    )


# --- the error shape ------------------------------------------------------------------------


class _Response(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorDetail(_Response):
    """One problem with the request: where, and what to do."""

    path: str = Field(
        description="Dotted path of the field at fault, e.g. `answers.strategy.document` or "
        "`query.k`; empty when the problem is with the request as a whole."
    )
    message: str


ErrorCode = Literal[
    "bad_request",
    "unauthorized",
    "not_found",
    "method_not_allowed",
    "not_submitted",
    "already_submitted",
    "version_conflict",
    "payload_too_large",
    "unsupported_media_type",
    "validation_error",
    "rate_limited",
    "internal_error",
]


class ErrorBody(_Response):
    """What went wrong."""

    code: ErrorCode
    message: str = Field(description="A sentence for people: what happened, what to do.")
    details: list[ErrorDetail] = Field(
        description="One entry per problem for validation errors (422); otherwise empty."
    )


class Error(_Response):
    """The one shape of every API error."""

    error: ErrorBody
    status: int = Field(description="The HTTP status code, repeated.")
