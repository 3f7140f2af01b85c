"""The API's endpoints for drafts and team work, each declared once with
:func:`~web.api.routes.operation`: start a draft, give its profile, save answers at a
version, invite and revoke colleagues, settle disagreements, review, submit, read the log.

Who may call: the owner's token everywhere; a colleague's token only where the operation
says so. Everything else answers 404, as the pages do.
"""

from __future__ import annotations

from flask import Response

from web.api import drafts, team
from web.api.models import (
    ID_MAX,
    AnswersPatch,
    ChooseAnswerRequest,
    InvitationRequest,
    ProfileRequest,
    ReplyRequest,
    ReviewAskRequest,
    VerdictsRequest,
)
from web.api.parsing import json_body
from web.api.responses import (
    ActivityOut,
    AnswersOut,
    AssessmentOut,
    ConflictError,
    ContributorOut,
    CreatedContributor,
    CreatedDraft,
    ProfileOut,
    ReviewOut,
    ReviewRequestOut,
)
from web.api.routes import operation
from web.api.views import json_response

__all__ = ["OWNER_ONLY", "owner_only"]

_NOT_THE_OWNERS = (
    "No assessment has this token: it is wrong or has expired — or it is a colleague's, "
    "and this is the owner's to do"
)
OWNER_ONLY = _NOT_THE_OWNERS + "."
TEAM = "No assessment has this token: it is wrong, has expired, or was revoked."
SUBMITTED = "The assessment has been submitted: it no longer changes (`already_submitted`)."
CONFLICT = (
    "Someone saved answers since `version` (`version_conflict`), or the assessment has been "
    "submitted (`already_submitted`): nothing was stored; `current` holds the answers as "
    "stored now."
)


def owner_only(otherwise: str) -> str:
    """The 404 of an owner's operation on something that may not exist."""
    return f"{_NOT_THE_OWNERS}; or {otherwise}."


@operation(
    "POST",
    "/drafts",
    operation_id="createDraft",
    summary="Start an empty draft for a team to fill in",
    tag="Drafts",
    response=CreatedDraft,
    success=201,
    rate_limit="api_write_rate_limit",
    success_headers={"Location": "The draft's address in this API."},
)
def create_draft() -> Response:
    """Starts an assessment as the browser's start button does, and returns the owner's
    secret `token` (this is the only response that contains it) and the answers' `version`,
    0. Then give the city's profile, save answers, invite colleagues, submit."""
    created = drafts.create_draft()
    response = json_response(created, 201, private=True)
    response.headers["Location"] = created.links.self
    return response


@operation(
    "PUT",
    "/assessments/<token>/profile",
    operation_id="putProfile",
    summary="Give a draft's city profile and sharing choice",
    tag="Drafts",
    body=ProfileRequest,
    response=ProfileOut,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={404: OWNER_ONLY, 409: SUBMITTED},
)
def put_profile(token: str) -> Response:
    """The owner's. Replaces the profile and sharing choice, as the browser's profile page
    does. The team size is not part of it: it is the answer to `staff.team_size`."""
    saved = drafts.save_profile(token, json_body(ProfileRequest))
    return json_response(saved, private=True)


@operation(
    "PATCH",
    "/assessments/<token>/answers",
    operation_id="saveAnswers",
    summary="Save answers, notes and evidence at a version",
    tag="Drafts",
    body=AnswersPatch,
    response=AnswersOut,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={404: TEAM, 409: CONFLICT},
    error_models={409: ConflictError},
)
def save_answers(token: str) -> Response:
    """The owner's or a colleague's. Merges the answers, notes and evidence given into those
    stored, drops answers that no longer apply (skip logic) and saves them as given by the
    token's holder — only if no one saved since `version`: otherwise nothing is stored and
    the 409 carries what is stored now. Changing someone else's answer opens a disagreement
    for the owner to settle. Answers are checked one by one; a draft need not be complete."""
    saved = drafts.save_answers(token, json_body(AnswersPatch))
    return json_response(saved, private=True)


@operation(
    "POST",
    "/assessments/<token>/disputes/<question_id>",
    operation_id="resolveDispute",
    summary="Settle a disagreement with one of its answers",
    tag="Drafts",
    body=ChooseAnswerRequest,
    response=AnswersOut,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={
        404: owner_only("no disagreement on this question is open"),
        409: "Someone saved answers since `version`: nothing was stored; `current` holds "
        "the answers as stored now.",
    },
    error_models={409: ConflictError},
)
def resolve_dispute(token: str, question_id: str) -> Response:
    """The owner's. The chosen answer (its position in the dispute's `answers`) becomes the
    answer, credited to whoever gave it."""
    saved = drafts.choose_answer(token, question_id, json_body(ChooseAnswerRequest))
    return json_response(saved, private=True)


@operation(
    "POST",
    "/assessments/<token>/submit",
    operation_id="submitAssessment",
    summary="Score and submit a draft",
    tag="Drafts",
    response=AssessmentOut,
    rate_limit="api_write_rate_limit",
    extra_errors=(409, 422),
    error_texts={
        404: OWNER_ONLY,
        409: SUBMITTED,
        422: "The draft cannot be submitted yet; `details` lists each problem: `profile`, "
        "`answers.<question>`, `disputes.<question>` (a disagreement to settle) or "
        "`review.verdicts.<dimension>` (a query to reply to).",
    },
)
def submit_assessment(token: str) -> Response:
    """The owner's. Scores the answers and stores the scorecard; the city joins the peer
    pool when its sharing choice says so. Refused while the profile or an answer is missing,
    a disagreement is open or a reviewer's query has no reply. Once the assessment is
    submitted, colleagues' tokens only read the activity log."""
    return json_response(drafts.submit_draft(token), private=True)


@operation(
    "POST",
    "/assessments/<token>/contributors",
    operation_id="inviteContributor",
    summary="Invite a colleague with a token of their own",
    tag="Team",
    body=InvitationRequest,
    response=CreatedContributor,
    success=201,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={404: OWNER_ONLY, 409: SUBMITTED},
)
def invite_contributor(token: str) -> Response:
    """The owner's. Returns the colleague's secret `token` (this is the only response that
    contains it) and their personal link. A colleague answers questions and reads the
    assessment and its log; a colleague invited with `reviewer: true` can be asked to
    review."""
    created = team.invite(token, json_body(InvitationRequest))
    return json_response(created, 201, private=True)


def _contributor_id(contributor_id: int) -> int:
    # The URL converter takes any digits; the database takes 32-bit ids.
    if not 0 < contributor_id <= ID_MAX:
        raise team.no_colleague(contributor_id)
    return contributor_id


@operation(
    "DELETE",
    "/assessments/<token>/contributors/<int:contributor_id>",
    operation_id="revokeContributor",
    summary="Revoke a colleague's token",
    tag="Team",
    response=ContributorOut,
    rate_limit="api_write_rate_limit",
    error_texts={404: owner_only("the assessment has no colleague with this id")},
)
def revoke_contributor(token: str, contributor_id: int) -> Response:
    """The owner's. From now on the colleague's token answers 404 everywhere; what they
    saved stays. Revoking twice is the same as once."""
    revoked = team.revoke(token, _contributor_id(contributor_id))
    return json_response(revoked, private=True)


@operation(
    "POST",
    "/assessments/<token>/review",
    operation_id="requestReview",
    summary="Ask a reviewer to review the answers",
    tag="Team",
    body=ReviewAskRequest,
    response=ReviewRequestOut,
    success=201,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={404: OWNER_ONLY, 409: SUBMITTED},
)
def request_review(token: str) -> Response:
    """The owner's. Asks an active colleague invited as a reviewer; a request still open is
    replaced. A review is optional: a city may submit without one."""
    asked = team.ask_review(token, json_body(ReviewAskRequest))
    return json_response(asked, 201, private=True)


@operation(
    "POST",
    "/assessments/<token>/review/verdicts",
    operation_id="giveVerdicts",
    summary="The reviewer's verdict on every dimension",
    tag="Team",
    body=VerdictsRequest,
    response=ReviewOut,
    rate_limit="api_write_rate_limit",
    error_texts={
        404: "No review is asked of this token's holder now, or the token is wrong, has "
        "expired or was revoked."
    },
)
def give_verdicts(token: str) -> Response:
    """The reviewer's, once asked: `accepted` or `queried` for each dimension, with a
    comment (required for a query, which is a question to the owner). This finishes the
    review."""
    finished = team.give_verdicts(token, json_body(VerdictsRequest))
    return json_response(finished, private=True)


@operation(
    "POST",
    "/assessments/<token>/review/<dimension_id>/reply",
    operation_id="replyToQuery",
    summary="Reply to the reviewer's query on a dimension",
    tag="Team",
    body=ReplyRequest,
    response=ReviewOut,
    rate_limit="api_write_rate_limit",
    error_texts={404: owner_only("no query on this dimension waits for a reply")},
)
def reply_to_query(token: str, dimension_id: str) -> Response:
    """The owner's. Every query of the latest review needs a reply before submission."""
    replied = team.reply_to_query(token, dimension_id, json_body(ReplyRequest))
    return json_response(replied, private=True)


@operation(
    "GET",
    "/assessments/<token>/activity",
    operation_id="getActivity",
    summary="The assessment's log of changes",
    tag="Team",
    response=ActivityOut,
    error_texts={404: TEAM},
)
def get_activity(token: str) -> Response:
    """The owner's or a colleague's (not revoked), before and after submission. Who changed
    which answer, note or evidence from what to what, disagreements settled, review steps and
    the submission, newest first."""
    return json_response(team.activity(token), private=True)
