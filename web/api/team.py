"""The team through the API, as on the check page: the owner invites and revokes colleagues
and asks a reviewer; the reviewer accepts or queries each dimension; the owner replies to
each query; everyone on the team reads the activity log.

The rules are the browser's, imported from :mod:`web.assessment.team` and
:mod:`web.assessment.review`: a JSON body is handed to them as the form it stands for.
Whatever a colleague's token may not do answers 404, as the pages do, never 403: a refusal
does not tell which kind of token was sent.
"""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from rules import text_in
from web import state, storage
from web.api.drafts import refuse_if_submitted
from web.api.errors import ApiError
from web.api.models import (
    ErrorDetail,
    InvitationRequest,
    ReplyRequest,
    ReviewAskRequest,
    VerdictsRequest,
)
from web.api.responses import (
    ActivityOut,
    ContributorLinks,
    ContributorOut,
    CreatedContributor,
    ReviewOut,
    ReviewRequestOut,
)
from web.api.service import owner_assessment, problems, team_assessment
from web.api.team_state import activity_out, contributor_out, review_out, review_state
from web.assessment.review import read_reply, read_verdicts
from web.assessment.team import invite_colleague, read_invitation
from web.urls import external_url

__all__ = [
    "activity",
    "ask_review",
    "give_verdicts",
    "invite",
    "no_colleague",
    "reply_to_query",
    "revoke",
]


def _unknown_dimension() -> str:
    return _("no such dimension in the rulebook")


def invite(token: str, body: InvitationRequest) -> CreatedContributor:
    """The owner invites a colleague; the only response with the colleague's new token."""
    found = owner_assessment(token)
    refuse_if_submitted(found)
    dimension_ids = [d.id for d in state.rulebook().dimensions]
    details = [
        ErrorDetail(path=f"dimensions.{i}", message=_unknown_dimension())
        for i, d in enumerate(body.dimensions)
        if d not in dimension_ids
    ]
    form = MultiDict(
        [("name", body.name), ("role", body.role)]
        + [("dimensions", d) for d in dict.fromkeys(body.dimensions)]
        + ([("reviewer", "yes")] if body.reviewer else [])
    )
    invitation = read_invitation(form, dimension_ids)
    details += [ErrorDetail(path=e.field, message=e.message) for e in invitation.errors]
    if details:
        raise problems(details)
    added, link_token = invite_colleague(found.id, invitation)
    return CreatedContributor(
        token=link_token,
        contributor=contributor_out(added),
        links=ContributorLinks(
            assessment=external_url("api.get_assessment", token=link_token),
            resume=external_url("pages.resume", token=link_token),
        ),
    )


def revoke(token: str, contributor_id: int) -> ContributorOut:
    """The owner revokes a colleague's token: from now on it answers 404 everywhere."""
    found = owner_assessment(token)
    if not storage.revoke_contributor(assessment_id=found.id, contributor_id=contributor_id):
        raise no_colleague(contributor_id)
    team = storage.list_contributors(assessment_id=found.id)
    return contributor_out(next(c for c in team if c.id == contributor_id))


def no_colleague(contributor_id: int) -> ApiError:
    """The 404 of a colleague's id the assessment does not have."""
    return ApiError(404, _("This assessment has no colleague with id %(id)s.", id=contributor_id))


def ask_review(token: str, body: ReviewAskRequest) -> ReviewRequestOut:
    """The owner asks a colleague invited as a reviewer to review the answers."""
    found = owner_assessment(token)
    refuse_if_submitted(found)
    team = storage.list_contributors(assessment_id=found.id)
    if not any(c.id == body.reviewer_id and c.reviewer and c.active for c in team):
        message = _(
            "no active colleague invited as a reviewer has this id: invite one with "
            '"reviewer": true, or see `contributors` for their ids'
        )
        raise problems([ErrorDetail(path="reviewer_id", message=message)])
    storage.request_review(assessment_id=found.id, reviewer_id=body.reviewer_id)
    pending, _finished = review_state(found.id)
    assert pending is not None
    return pending


def _titles() -> dict[str, str]:
    return {d.id: text_in(d.title) for d in state.rulebook().dimensions}


def give_verdicts(token: str, body: VerdictsRequest) -> ReviewOut:
    """The reviewer asked gives a verdict on every dimension (a query needs a comment)."""
    found, contributor = team_assessment(token)
    review = storage.latest_review(assessment_id=found.id)
    if (
        contributor is None
        or review is None
        or review.finished_at is not None
        or review.reviewer_id != contributor.id
    ):
        raise _no_review()
    titles = _titles()
    details = [
        ErrorDetail(path=f"verdicts.{d}", message=_unknown_dimension())
        for d in body.verdicts
        if d not in titles
    ]
    form: MultiDict[str, str] = MultiDict()
    for dimension_id, given in body.verdicts.items():
        form[f"verdict-{dimension_id}"] = given.verdict
        form[f"comment-{dimension_id}"] = given.comment
    read = read_verdicts(form, titles)
    details += [_verdict_problem(e.field, e.message, body) for e in read.errors]
    if details:
        raise problems(details)
    if not storage.finish_review(review_id=review.id, verdicts=read.verdicts):
        raise _no_review()  # just finished
    return _finished_review(found.id)


def _no_review() -> ApiError:
    return ApiError(404, _("No review is waiting for this token's verdicts."))


def _verdict_problem(field: str, message: str, body: VerdictsRequest) -> ErrorDetail:
    """``verdict-strategy`` is ``verdicts.strategy`` (missing) and ``comment-strategy`` is
    ``verdicts.strategy.comment``."""
    kind, _, dimension_id = field.partition("-")
    if kind == "comment":
        return ErrorDetail(path=f"verdicts.{dimension_id}.comment", message=message)
    given = dimension_id in body.verdicts
    path = f"verdicts.{dimension_id}" + (".verdict" if given else "")
    return ErrorDetail(path=path, message=message)


def _finished_review(assessment_id: int) -> ReviewOut:
    finished = storage.latest_review(assessment_id=assessment_id, finished=True)
    assert finished is not None
    return review_out(finished)


def reply_to_query(token: str, dimension_id: str, body: ReplyRequest) -> ReviewOut:
    """The owner replies to the reviewer's query on one dimension."""
    found = owner_assessment(token)
    finished = storage.latest_review(assessment_id=found.id, finished=True)
    if found.submitted or finished is None or dimension_id not in finished.open_queries:
        raise ApiError(
            404,
            _("No query on %(dimension)s is waiting for a reply.", dimension=repr(dimension_id)),
        )
    text, error = read_reply(MultiDict({"reply": body.reply}), dimension_id)
    if error is not None:
        raise problems([ErrorDetail(path="reply", message=error.message)])
    storage.reply_to_query(review_id=finished.id, dimension_id=dimension_id, reply=text)
    return _finished_review(found.id)


def activity(token: str) -> ActivityOut:
    """The assessment's log of changes, for the owner and every colleague not revoked —
    after submission too, as the history page."""
    found, _contributor = team_assessment(token, submitted_too=True)
    return activity_out(storage.list_activity(assessment_id=found.id))
