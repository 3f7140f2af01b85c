"""The owner's views of the team: invite a colleague, revoke a colleague's link."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from web import state, storage
from web.assessment.pages import load_assessment, render_check
from web.assessment.team import read_invitation
from web.tokens import hash_token, new_token
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
    link_token = new_token()
    added = storage.add_contributor(
        assessment_id=found.id,
        token_hash=hash_token(link_token),
        name=invitation.name,
        role=invitation.role,
        dimensions=invitation.dimensions,
    )
    link = external_url("pages.resume", token=link_token)
    return render_check(token, found, [], new_link=(added, link))


@bp.post("/a/<token>/contributors/<int:contributor_id>/revoke")
def revoke(token: str, contributor_id: int) -> Response:
    """Revoke a contributor's link: from now on it gives the 404 page."""
    found = load_assessment(token)
    if not storage.revoke_contributor(assessment_id=found.id, contributor_id=contributor_id):
        abort(404)
    return redirect(url_for("pages.check", token=token) + "#team", code=303)
