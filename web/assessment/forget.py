"""A city's own data: download everything stored about it, or delete it (with confirmation).

Deleting removes the assessment, the earlier assessments it was started from and the pool
record in one transaction (``storage.deletion``); the peer index sees the pool's signature
change on its next query, so no later page, export or aggregate includes the city.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from web.assessment.pages import load_assessment
from web.storage import deletion

__all__ = ["bp"]

bp = Blueprint("forget", __name__)


@bp.get("/a/<token>/data.json")
def stored_data(token: str) -> BaseResponse:
    """Everything stored about this assessment's city, as JSON."""
    found = load_assessment(token)
    body = deletion.stored_about(assessment_id=found.id)
    return Response(
        json.dumps(body, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="citydip-stored-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/a/<token>/delete", methods=["GET", "POST"])
def delete(token: str) -> str | tuple[str, int]:
    """GET: what will be deleted, and a button to confirm; POST: delete it."""
    found = load_assessment(token)
    chain = deletion.assessment_chain(assessment_id=found.id)
    if request.method == "GET":
        return render_template("delete.html", token=token, count=len(chain), found=found)
    done = deletion.delete_assessments(ids=chain)
    return render_template("deleted.html", deleted=done)
