"""The JSON API under ``/api/v1``: rulebook, stateless scoring, assessments, peers, advice,
drafts worked on by a team, targets and the action plan.

Modules::

    routes     the blueprint and the table of operations (one declaration per route)
    views      the endpoints
    team_views the endpoints of drafts and team work
    service    what they do: reuses storage, tokens, submission and peers of the web flow
    drafts     drafts: profile, answers at a version, disagreements, submission
    team       colleagues, review, the activity log
    team_state a draft's team work as responses
    plan_views the endpoints of targets and the action plan
    plan       targets and the plan: the pages' rules on JSON bodies
    models     request models and the error shape (pydantic): the OpenAPI schemas
    responses  response models (pydantic)
    parsing    JSON bodies and query parameters into models
    errors     the one error shape, and the handlers that give every API error that shape
    limits     rate limits on writes (Flask-Limiter)
    openapi    the OpenAPI 3.1 document, generated from the operations and models
    docs_page  the readable page of that document

The API takes no cookies and no forms: it is exempt from CSRF protection, and its requests
get no session (the session cookie is neither read nor set under ``/api/v1``). Browsers cannot
send a cross-site JSON body without a CORS preflight, which this app never grants, and every
body must be ``application/json`` (415 otherwise).
"""

from __future__ import annotations

from flask import Flask

from web import state
from web.api import plan_views as _plan_views  # noqa: F401  (registers the plan's endpoints)
from web.api import team_views as _team_views  # noqa: F401  (registers the team's endpoints)
from web.api import views as _views  # noqa: F401  (registers the endpoints on the blueprint)
from web.api.errors import API_PREFIX
from web.api.limits import init_limits
from web.api.routes import OPERATIONS, bp
from web.security import CookielessPathsSessionInterface

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Register the API on ``app``: rate limits, CSRF exemption, no session, the blueprint."""
    with app.app_context():
        settings = state.settings()
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
    init_limits(app, bp, OPERATIONS, settings)
    app.session_interface = CookielessPathsSessionInterface(API_PREFIX)
    app.register_blueprint(bp)
