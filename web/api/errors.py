"""The one error shape of the JSON API, and the handlers that give every error that shape.

Every error under ``/api/v1`` — a bad body, an unknown token, a path or method that does not
exist, a body over the size limit, too many requests, a bug — answers::

    {"error": {"code": "validation_error", "message": "...",
               "details": [{"path": "answers.strategy.document", "message": "..."}]},
     "status": 422}

Routing errors (unknown path, wrong method) happen before Flask knows the blueprint, so the
blueprint's error handlers never see them; an app-wide ``before_request`` hook answers them
for API paths instead, and leaves the rest of the site to its HTML error pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from web.api.models import Error, ErrorBody, ErrorCode, ErrorDetail, json_kind
from web.api.responses import AnswersOut, ConflictError

__all__ = [
    "API_PREFIX",
    "ApiError",
    "error_response",
    "init_blueprint",
    "validation_error",
]

API_PREFIX = "/api/v1"

#: Status → (code, default message). Every status the API documents is here.
ERRORS: dict[int, tuple[ErrorCode, str]] = {
    400: ("bad_request", "The request could not be read."),
    401: ("unauthorized", "This needs credentials that were not given or are wrong."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
    409: ("not_submitted", "The assessment has not been submitted yet."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON."),
    422: ("validation_error", "The request has problems; see details."),
    429: ("rate_limited", "Too many requests; wait and try again."),
    500: ("internal_error", "Sorry, something went wrong on the server. Try again later."),
}

#: Clearer words for pydantic's most common error types.
_MESSAGES: dict[str, str] = {
    "missing": "this field is required",
    "extra_forbidden": "unknown field: remove it (field names are case-sensitive)",
    "int_type": "must be a whole number, such as 2 or 2.0",
    "int_parsing": "must be a whole number, such as 2",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "dict_type": "must be an object",
    "model_type": "must be an object",
}


class ApiError(Exception):
    """An error to answer in the API's shape; raise it from views and helpers.

    ``code`` replaces the status's usual code (a 409 is ``not_submitted`` unless told);
    ``current`` makes it a :class:`~web.api.responses.ConflictError` carrying the answers as
    stored now.
    """

    def __init__(
        self,
        status: int,
        message: str | None = None,
        details: Sequence[ErrorDetail] = (),
        headers: Mapping[str, str] | None = None,
        *,
        code: ErrorCode | None = None,
        current: AnswersOut | None = None,
    ) -> None:
        self.status = status
        self.message = message or ERRORS[status][1]
        self.details = list(details)
        self.headers = dict(headers or {})
        self.code = code
        self.current = current
        super().__init__(self.message)


def error_response(
    status: int,
    message: str | None = None,
    details: Iterable[ErrorDetail] = (),
    headers: Mapping[str, str] | None = None,
    *,
    code: ErrorCode | None = None,
    current: AnswersOut | None = None,
) -> Response:
    """A response in the API's error shape (with ``current``: a conflict's shape)."""
    usual, default = ERRORS.get(status, ERRORS[500])
    error = ErrorBody(code=code or usual, message=message or default, details=list(details))
    body: Error = (
        Error(error=error, status=status)
        if current is None
        else ConflictError(error=error, status=status, current=current)
    )
    response = Response(body.model_dump_json(), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def _path(loc: Iterable[int | str], prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    parts += [str(part) for part in loc if part not in ("[key]",)]
    return ".".join(parts)


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind in ("int_type", "float_type", "bool_type", "string_type") and "input" in error:
        return f"{_MESSAGES[kind]}, not {json_kind(error['input'])}"
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}"
    return _MESSAGES.get(kind) or str(error["msg"])


def validation_error(exc: ValidationError, *, prefix: str = "") -> ApiError:
    """A 422 listing every problem pydantic found, with dotted field paths."""
    details = [
        ErrorDetail(path=_path(e["loc"], prefix), message=_message(e)) for e in exc.errors()
    ]
    count = len(details)
    message = f"The request has {count} problem{'s' * (count != 1)}; see details."
    return ApiError(422, message, details)


# --- handlers -------------------------------------------------------------------------------


def is_api_request() -> bool:
    """True when the request is for a path of the JSON API."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _api_error(error: ApiError) -> Response:
    return error_response(
        error.status,
        error.message,
        error.details,
        error.headers,
        code=error.code,
        current=error.current,
    )


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {}
    if isinstance(error, MethodNotAllowed):
        allowed = sorted(set(error.valid_methods or ()) - {"HEAD", "OPTIONS"})
        headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
        message = f"{request.method} is not allowed on {request.path}; use {' or '.join(allowed)}."
        return error_response(405, message, headers=headers)
    if status == 404:
        message = f"There is no API resource at {request.path}; see {API_PREFIX}/docs."
        return error_response(404, message)
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        too_large = f"The request body is larger than the limit of {limit:,} bytes."
        return error_response(413, too_large if limit else None)
    if status not in ERRORS:
        # An HTTP error the API does not document (e.g. 406): answer it as a plain 400.
        return error_response(400, error.description or None)
    return error_response(status)


def _server_error(_error: Exception) -> Response:
    return error_response(500)


def _routing_error() -> Response | None:
    # Runs for every request of the app: only API paths with a routing error are answered.
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect) or not is_api_request():
        return None
    assert isinstance(error, HTTPException)
    return _http_error(error)


def init_blueprint(bp: Blueprint) -> None:
    """Give every error raised under ``bp`` — and routing errors under its prefix — the shape."""
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(500, _server_error)
    bp.before_app_request(_routing_error)
