"""The API's endpoints. Each is declared once with :func:`~web.api.routes.operation`.

Views only read the request, call :mod:`web.api.service` and write the response; the first
line of each docstring is the operation's description in the OpenAPI document.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, render_template
from pydantic import BaseModel

from benchmark.advice import Advice
from rules import Scorecard
from web import state
from web.api import service
from web.api.docs_page import docs_context
from web.api.models import AdviceQuery, CreateAssessmentRequest, PeersQuery, ScoreRequest
from web.api.openapi import document
from web.api.parsing import json_body, query_params
from web.api.responses import AssessmentOut, CreatedAssessment, PeersOut, RulebookOut
from web.api.routes import operation

__all__ = ["json_response"]

_RULEBOOK_JSON = "citydip.api.rulebook_json"


def json_response(model: BaseModel, status: int = 200, *, private: bool = False) -> Response:
    """``model`` as a JSON response; ``private`` ones are kept out of every cache."""
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    if private:  # assessments are secret: keep them out of every cache
        response.headers["Cache-Control"] = "no-store"
    return response


@operation(
    "GET",
    "/rulebook",
    operation_id="getRulebook",
    summary="The rulebook: dimensions, questions, options and levels",
    tag="Rulebook",
    response=RulebookOut,
)
def get_rulebook() -> Response:
    """Everything a client needs to build its own form and check answers before sending them:
    each question with its options, the string answers it accepts (`answer_values`), whether
    `na` and `unknown` are allowed, and when it applies (`applies_if`)."""
    body: bytes | None = current_app.extensions.get(_RULEBOOK_JSON)
    if body is None:
        body = service.rulebook_view(state.rulebook()).model_dump_json().encode()
        current_app.extensions[_RULEBOOK_JSON] = body
    return Response(body, mimetype="application/json")


@operation(
    "POST",
    "/score",
    operation_id="scoreAnswers",
    summary="Score answers without storing them",
    tag="Scoring",
    body=ScoreRequest,
    response=Scorecard,
    rate_limit="api_score_rate_limit",
)
def score() -> Response:
    """Validates the answers against the rulebook and returns the scorecard: a level and score
    per dimension with the trace behind each number, the overall level and floor, headline
    indicators and next steps. Nothing is stored. Every answer that does not fit is listed in
    one 422."""
    card = service.score(state.rulebook(), json_body(ScoreRequest))
    return Response(card.model_dump_json(), mimetype="application/json")


@operation(
    "POST",
    "/assessments",
    operation_id="createAssessment",
    summary="Store, score and compare an assessment",
    tag="Assessments",
    body=CreateAssessmentRequest,
    response=CreatedAssessment,
    success=201,
    rate_limit="api_write_rate_limit",
    success_headers={"Location": "The assessment's address in this API."},
)
def create_assessment() -> Response:
    """Stores a complete assessment as a submission from the browser would: the scorecard,
    and — when `sharing` is `named` or `anonymous` — the city's entry in the peer pool. Returns
    the scorecard, peers in the three modes, advice, and the secret resume `token`: this is the
    only response that contains it. Nothing is stored when anything is invalid."""
    created = service.create_assessment(state.rulebook(), json_body(CreateAssessmentRequest))
    response = json_response(created, 201, private=True)
    response.headers["Location"] = created.links.self
    return response


@operation(
    "GET",
    "/assessments/<token>",
    operation_id="getAssessment",
    summary="Read an assessment (the owner's or a colleague's token)",
    tag="Assessments",
    response=AssessmentOut,
)
def get_assessment(token: str) -> Response:
    """The assessment as stored: profile, sharing choice, answers with their notes, evidence,
    authors and `version`, open disagreements, the review, and the scorecard once submitted.
    Drafts (started in the browser or with `POST /api/v1/drafts`) are read with the owner's
    token or an active colleague's; only the owner's shows the colleagues (`contributors`),
    and a colleague's says whose it is (`you`)."""
    return json_response(service.assessment_view(token), private=True)


@operation(
    "GET",
    "/assessments/<token>/peers",
    operation_id="getPeers",
    summary="Peers of a submitted assessment",
    tag="Assessments",
    query=PeersQuery,
    response=PeersOut,
    extra_errors=(409,),
)
def get_peers(token: str) -> Response:
    """Peer cities in one mode, each with the reasons it was chosen (per-feature distance
    contributions and plain-language reasons) and the city's position against the peer
    median. Cities that did not agree to be named are described, not named."""
    query = query_params(PeersQuery)
    return json_response(service.peers_for(token, mode=query.mode, k=query.k), private=True)


@operation(
    "GET",
    "/assessments/<token>/advice",
    operation_id="getAdvice",
    summary="Advice for a submitted assessment",
    tag="Assessments",
    query=AdviceQuery,
    response=Advice,
    extra_errors=(409,),
)
def get_advice(token: str) -> Response:
    """The rulebook's next steps, practices most of the `k` comparable peers have and the city
    lacks (only over groups of at least 5 cities), and cities to learn from in the weakest
    dimensions."""
    query = query_params(AdviceQuery)
    return json_response(service.advice_for(token, k=query.k), private=True)


@operation(
    "GET",
    "/openapi.json",
    operation_id="getOpenApi",
    summary="This API's OpenAPI 3.1 document",
    tag="Documentation",
)
def get_openapi() -> Response:
    """The machine-readable description of every operation, generated from the models the
    server validates with."""
    body = json.dumps(document(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json")


@operation(
    "GET",
    "/docs",
    operation_id="getApiDocs",
    summary="This API's documentation as a web page",
    tag="Documentation",
    media_type="text/html",
)
def api_docs() -> str:
    """The OpenAPI document as a readable page, served by this server (no script, no CDN)."""
    context: dict[str, Any] = docs_context(document())
    return render_template("api_docs.html", **context)
