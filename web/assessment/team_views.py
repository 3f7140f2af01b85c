"""The owner's views of the team: invite a colleague, revoke a colleague's link, settle a
disagreement between two answers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web import state, storage
from web.assessment.forms import FieldError, field_id
from web.assessment.pages import load_assessment, plain_id, render_check
from web.assessment.team import invite_colleague, read_invitation
from web.urls import external_url

__all__ = ["bp"]

bp = Blueprint("team", __name__)


@bp.post("/a/<token>/contributors")
def invite(token: str) -> tuple[str, int]:
    """Invite a colleague; the check page shows their personal link, once."""
    found = load_assessment(token)
    if found.submitted:
        abort(404)
    book = state.rulebook()
    invitation = read_invitation(request.form, [d.id for d in book.dimensions])
    if invitation.errors:
        return render_check(token, found, [], invitation=invitation, status=400)
    added, link_token = invite_colleague(found.id, invitation)
    link = external_url("pages.resume", token=link_token)
    return render_check(token, found, [], new_link=(added, link))


@bp.post("/a/<token>/contributors/<int:contributor_id>/revoke")
def revoke(token: str, contributor_id: int) -> Response:
    """Revoke a contributor's link: from now on it gives the 404 page."""
    found = load_assessment(token)
    if not storage.revoke_contributor(assessment_id=found.id, contributor_id=contributor_id):
        abort(404)
    return redirect(url_for("pages.check", token=token) + "#team", code=303)


@bp.post("/a/<token>/disputes/<question_id>")
def settle(token: str, question_id: str) -> Response | tuple[str, int]:
    """The owner chooses one of the answers given to a disputed question. A choice made on
    a page older than the last save is refused (409) and the page shown again."""
    found = load_assessment(token)
    if found.submitted or question_id not in storage.open_disputes(found.disputes):
        abort(404)
    choice, version = request.form.get("choice", ""), request.form.get("version", "")
    anchor = field_id("dispute-" + question_id)
    given = found.disputes[question_id]["answers"]
    if not plain_id(choice) or int(choice) >= len(given):
        error = FieldError("dispute", anchor, _("Choose one of the answers"))
        return render_check(token, found, [error], status=400)
    if not plain_id(version) or not storage.resolve_dispute(
        assessment_id=found.id,
        question_id=question_id,
        choice=int(choice),
        shown_version=int(version),
    ):
        message = _("The answers changed since you opened this page. Look at them again.")
        again = storage.get_assessment(assessment_id=found.id)
        assert again is not None
        return render_check(token, again, [FieldError("dispute", anchor, message)], status=409)
    return redirect(url_for("pages.check", token=token) + "#disputes", code=303)
