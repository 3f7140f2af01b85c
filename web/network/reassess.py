"""Re-assessment: a city starts a new assessment from its previous one, answers pre-filled.

The new assessment has its own resume link and remembers the one it came from
(``previous_id``), so that its results can show the change per dimension. Answers and notes
are copied where they still fit the current rulebook; the profile and sharing choice too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

from rules import Rulebook
from web import state, storage
from web.assessment.flow import prune_answers
from web.assessment.pages import load_assessment
from web.i18n import request_language
from web.network.progress import answer_fits
from web.tokens import hash_token, new_token

__all__ = ["bp", "carried_answers"]

bp = Blueprint("reassess", __name__)


def carried_answers(book: Rulebook, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that still fit ``book``: known questions, valid values, applying."""
    fitting = {q: v for q, v in answers.items() if answer_fits(book, q, v)}
    return prune_answers(book, fitting)


@bp.post("/a/<token>/reassess")
def reassess(token: str) -> Response:
    """Start a new assessment from this submitted one; go to its check-your-answers page."""
    found = load_assessment(token)
    if not found.submitted:
        return redirect(url_for("pages.resume", token=token), code=303)
    book = state.rulebook()
    answers = carried_answers(book, found.answers)
    fresh = new_token()
    storage.create_reassessment(
        previous_id=found.id,
        token_hash=hash_token(fresh),
        answers=answers,
        notes={q: note for q, note in found.notes.items() if q in answers},
        rulebook_id=book.id,
        rulebook_version=book.version,
        rulebook_hash=book.content_hash,
        language=request_language(),
    )
    return redirect(url_for("pages.check", token=fresh), code=303)
