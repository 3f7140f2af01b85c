"""The owner's read-only share links: make one (shown once), revoke one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from web import storage
from web.assessment.pages import load_assessment
from web.assessment.results import render_results, submitted_result
from web.tokens import hash_token, new_token
from web.urls import external_url

__all__ = ["EXPIRY_DAYS", "bp"]

bp = Blueprint("share", __name__)

#: the choices the form offers; "" is "never"
EXPIRY_DAYS = ("30", "90", "365", "")


@bp.post("/a/<token>/share")
def create(token: str) -> tuple[str, int]:
    """Make a read-only link to the results; the page shows it once."""
    found = load_assessment(token)
    if submitted_result(found) is None:
        abort(404)
    days = request.form.get("expires", "")
    if days not in EXPIRY_DAYS:
        abort(400)
    expires = (
        None if not days else datetime.now(UTC).replace(tzinfo=None) + timedelta(days=int(days))
    )
    link_token = new_token()
    storage.add_share_link(
        assessment_id=found.id, token_hash=hash_token(link_token), expires_at=expires
    )
    link = external_url("results.results", token=link_token)
    return render_results(token, found, new_share=link)


@bp.post("/a/<token>/share/<int:link_id>/revoke")
def revoke(token: str, link_id: int) -> Response:
    """Revoke a read-only link: from now on it gives the 404 page."""
    found = load_assessment(token)
    if not storage.revoke_share_link(assessment_id=found.id, link_id=link_id):
        abort(404)
    return redirect(url_for("results.results", token=token) + "#share", code=303)
