"""The review's views: the owner asks a reviewer, the reviewer gives a verdict per
dimension, the owner replies to each query."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rules import text_in
from web import state, storage
from web.assessment.pages import load_assessment, load_for_answering, plain_id, render_check
from web.assessment.review import ReviewForm, read_reply, read_verdicts
from web.assessment.team import authors_of
from web.assessment.views import error_map, summary_sections

__all__ = ["bp"]

bp = Blueprint("review", __name__)


def _titles() -> dict[str, str]:
    return {d.id: text_in(d.title) for d in state.rulebook().dimensions}


@bp.post("/a/<token>/review/ask")
def ask(token: str) -> Response:
    """The owner asks a contributor invited as a reviewer to review the answers."""
    found = load_assessment(token)
    chosen = request.form.get("reviewer", "")
    team = storage.list_contributors(assessment_id=found.id)
    reviewer = next((c for c in team if plain_id(chosen) and c.id == int(chosen)), None)
    if found.submitted or reviewer is None or not (reviewer.reviewer and reviewer.active):
        abort(404)
    storage.request_review(assessment_id=found.id, reviewer_id=reviewer.id)
    return redirect(url_for("pages.check", token=token) + "#review", code=303)


def _open_review_for(token: str) -> tuple[storage.StoredAssessment, storage.StoredReview]:
    """The assessment and review asked of this link's holder; a 404 for anyone else."""
    found, contributor = load_for_answering(token)
    review = storage.latest_review(assessment_id=found.id)
    if (
        found.submitted
        or contributor is None
        or review is None
        or review.finished_at is not None
        or review.reviewer_id != contributor.id
    ):
        abort(404)
    return found, review


def _render_review(
    token: str, found: storage.StoredAssessment, form: ReviewForm | None, status: int = 200
) -> tuple[str, int]:
    book = state.rulebook()
    team = storage.list_contributors(assessment_id=found.id)
    authors = authors_of(found.answered_by, team)
    errors = list(form.errors) if form else []
    return render_template(
        "review.html",
        token=token,
        sections=summary_sections(book, found.answers, found.notes, authors, found.evidence),
        raw=form.raw if form else {},
        errors=errors,
        error=error_map(errors),
        back_url=url_for("pages.check", token=token),
    ), status


@bp.route("/a/<token>/review", methods=["GET", "POST"])
def review(token: str) -> Response | tuple[str, int]:
    """The reviewer's page: every dimension's answers, to accept or query with a comment."""
    found, open_review = _open_review_for(token)
    if request.method == "GET":
        return _render_review(token, found, None)
    form = read_verdicts(request.form, _titles())
    if form.errors:
        return _render_review(token, found, form, status=400)
    if not storage.finish_review(review_id=open_review.id, verdicts=form.verdicts):
        abort(404)  # finished or replaced meanwhile
    return redirect(url_for("pages.check", token=token) + "#review", code=303)


@bp.post("/a/<token>/review/<dimension_id>/reply")
def reply(token: str, dimension_id: str) -> Response | tuple[str, int]:
    """The owner's answer to the reviewer's query on one dimension."""
    found = load_assessment(token)
    finished = storage.latest_review(assessment_id=found.id, finished=True)
    if found.submitted or finished is None or dimension_id not in finished.open_queries:
        abort(404)
    text, error = read_reply(request.form, dimension_id)
    if error is not None:
        return render_check(token, found, [error], status=400, reply_text={dimension_id: text})
    storage.reply_to_query(review_id=finished.id, dimension_id=dimension_id, reply=text)
    return redirect(url_for("pages.check", token=token) + "#review", code=303)
