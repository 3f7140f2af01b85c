"""The API blueprint and its table of operations: each route is declared once, with its models.

:func:`operation` registers a view on the blueprint *and* records what the OpenAPI document
needs to describe it (models, parameters, status codes, rate limit), so the document and the
routes cannot drift apart; a test also compares the document with the app's URL map.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import Blueprint
from pydantic import BaseModel

from web.api.errors import API_PREFIX, init_blueprint

__all__ = ["OPERATIONS", "Operation", "bp", "operation"]

bp = Blueprint("api", __name__, url_prefix=API_PREFIX, template_folder="templates")
init_blueprint(bp)

#: Which rate-limit setting guards an operation (see :mod:`web.api.limits`).
RateLimit = Literal["api_write_rate_limit", "api_score_rate_limit"]

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Operation:
    """One documented API operation: a method on a route, with its models and statuses."""

    method: str
    rule: str
    endpoint: str
    operation_id: str
    summary: str
    description: str
    tag: str
    #: JSON request body model, if the operation takes a body
    body: type[BaseModel] | None = None
    #: query parameter model, if the operation takes query parameters
    query: type[BaseModel] | None = None
    #: JSON response model of the success status; None when ``media_type`` is not JSON
    response: type[BaseModel] | None = None
    success: int = 200
    media_type: str = "application/json"
    rate_limit: RateLimit | None = None
    #: further error statuses this operation can answer
    extra_errors: tuple[int, ...] = ()
    #: what an error status means for this operation, where it differs from the usual text
    error_texts: dict[int, str] = field(default_factory=dict)
    #: error statuses whose body is a model that extends the error shape
    error_models: dict[int, type[BaseModel]] = field(default_factory=dict)
    #: headers of the success response: name → description
    success_headers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/api/v1/assessments/{token}``."""
        return API_PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> list[str]:
        """Names of the path parameters, in order."""
        return re.findall(r"<(?:\w+:)?(\w+)>", self.rule)

    @property
    def error_statuses(self) -> list[int]:
        """Every error status this operation can answer, each one reachable."""
        statuses = set(self.extra_errors)
        if self.body is not None:
            statuses |= {400, 413, 415, 422}
        if self.query is not None:
            statuses.add(422)
        if "token" in self.path_parameters:
            statuses.add(404)
        if self.rate_limit is not None:
            statuses.add(429)
        return sorted(statuses)


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    rule: str,
    *,
    operation_id: str,
    summary: str,
    tag: str,
    **options: Any,
) -> Callable[[View], View]:
    """Register the decorated view at ``rule`` for ``method`` and record it for the document.

    The view's docstring is the operation's description; ``options`` are the other
    :class:`Operation` fields.
    """

    def register(view: View) -> View:
        spec = Operation(
            method=method,
            rule=rule,
            endpoint=view.__name__,
            operation_id=operation_id,
            summary=summary,
            description=_description(view),
            tag=tag,
            **options,
        )
        OPERATIONS.append(spec)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        return view

    return register


def _description(view: Callable[..., Any]) -> str:
    # Docstrings wrap and indent their lines; the document wants one line per paragraph.
    paragraphs = re.split(r"\n\s*\n", (view.__doc__ or "").strip())
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)
