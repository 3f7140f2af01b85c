"""The one error shape of the JSON API, and the handlers that give every error that shape.

Every error under ``/api/v1`` — a bad body, an unknown token, a path or method that does not
exist, a body over the size limit, too many requests, a bug — answers::

    {"error": {"code": "validation_error", "message": "...",
               "details": [{"path": "answers.strategy.document", "message": "..."}]},
     "status": 422}

Routing errors (unknown path, wrong method) happen before Flask knows the blueprint, so the
blueprint's error handlers never see them; an app-wide ``before_request`` hook answers them
for API paths instead, and leaves the rest of the site to its HTML error pages.

The ``message`` and each detail's ``message`` are for people: they are in the request's
language (``?lang=``, then ``Accept-Language``; :func:`web.i18n.chosen_language`). The
``code`` and the detail ``path`` are for programs and stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from benchmark.wording import N_
from web.api.models import Error, ErrorBody, ErrorCode, ErrorDetail, json_kind
from web.api.responses import AnswersOut, ConflictError

__all__ = [
    "API_PREFIX",
    "ApiError",
    "default_message",
    "error_response",
    "init_blueprint",
    "kind_text",
    "problems_message",
    "validation_error",
]

API_PREFIX = "/api/v1"

#: Status → (code, default message). Every status the API documents is here. The messages
#: are English (the OpenAPI document's); a response gives them in the request's language.
ERRORS: dict[int, tuple[ErrorCode, str]] = {
    400: ("bad_request", N_("The request could not be read.")),
    401: ("unauthorized", N_("This needs credentials that were not given or are wrong.")),
    404: ("not_found", N_("There is nothing at this address.")),
    405: ("method_not_allowed", N_("This address does not take that method.")),
    409: ("not_submitted", N_("The assessment has not been submitted yet.")),
    413: ("payload_too_large", N_("The request body is too large.")),
    415: ("unsupported_media_type", N_("Send the body as JSON.")),
    422: ("validation_error", N_("The request has problems; see details.")),
    429: ("rate_limited", N_("Too many requests; wait and try again.")),
    500: (
        "internal_error",
        N_("Sorry, something went wrong on the server. Try again later."),
    ),
}

#: Clearer words for pydantic's most common error types (English; translated when used).
_MESSAGES: dict[str, str] = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("unknown field: remove it (field names are case-sensitive)"),
    "int_type": N_("must be a whole number, such as 2 or 2.0"),
    "int_parsing": N_("must be a whole number, such as 2"),
    "float_type": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be a string"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
}


def default_message(status: int) -> str:
    """The usual message of ``status`` (of a 500 for a status the API does not document),
    in the request's language."""
    return _(ERRORS.get(status, ERRORS[500])[1])


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
        self.message = message or default_message(status)
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
    usual = ERRORS.get(status, ERRORS[500])[0]
    error = ErrorBody(
        code=code or usual, message=message or default_message(status), details=list(details)
    )
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


def kind_text(value: Any) -> str:
    """How a JSON value reads in a message, in the request's language (``true``, ``null``
    and ``false`` are JSON's own words)."""
    kind = json_kind(value)
    return kind if kind in ("null", "true", "false") else _(kind)


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind in ("int_type", "float_type", "bool_type", "string_type") and "input" in error:
        return _(
            "%(problem)s, not %(given)s",
            problem=_(_MESSAGES[kind]),
            given=kind_text(error["input"]),
        )
    if kind == "literal_error":
        return _("must be one of %(values)s", values=error["ctx"]["expected"])
    if kind in _MESSAGES:
        return _(_MESSAGES[kind])
    worded = _pydantic_message(kind, error.get("ctx") or {}, error.get("input"))
    return worded if worded is not None else str(error["msg"])


def _pydantic_message(kind: str, ctx: Mapping[str, Any], given: Any) -> str | None:
    """Pydantic's message for the error types the API's models raise (English: as pydantic
    words it), in the request's language; None for any other type (pydantic's English)."""
    if kind == "string_too_long":
        return ngettext(
            "String should have at most %(num)s character",
            "String should have at most %(num)s characters",
            ctx["max_length"],
        )
    if kind == "string_too_short":
        return ngettext(
            "String should have at least %(num)s character",
            "String should have at least %(num)s characters",
            ctx["min_length"],
        )
    if kind == "too_long" and ctx.get("field_type") == "List":
        return ngettext(
            "List should have at most %(num)s item after validation, not %(actual)s",
            "List should have at most %(num)s items after validation, not %(actual)s",
            ctx["max_length"],
            actual=ctx["actual_length"],
        )
    bounds = {
        "greater_than": (N_("Input should be greater than %(limit)s"), "gt"),
        "greater_than_equal": (N_("Input should be greater than or equal to %(limit)s"), "ge"),
        "less_than": (N_("Input should be less than %(limit)s"), "lt"),
        "less_than_equal": (N_("Input should be less than or equal to %(limit)s"), "le"),
    }
    if kind in bounds:
        text, key = bounds[kind]
        return _(text, limit=ctx[key])
    return _custom_message(kind, ctx, given)


def _custom_message(kind: str, ctx: Mapping[str, Any], given: Any) -> str | None:
    """The messages of :mod:`web.api.models`' own checks and of a few pydantic types that
    take no parameters; None for any other type."""
    if kind == "string_pattern_mismatch":
        return _("String should match pattern '%(pattern)s'", pattern=ctx["pattern"])
    if kind == "answer_too_long":
        return _("an answer is an option value of at most %(max)s characters", max=ctx["max"])
    if kind == "answer_type":
        return _(
            'give an option value (a string such as "adopted", "na" or "unknown") or a '
            "number, not %(given)s",
            given=kind_text(given),
        )
    if kind == "answer_range":
        return _("a number answer must be from 0 to %(max)s", max=format_number(ctx["limit"]))
    plain = {
        "blank_name": N_("the name has no visible characters"),
        "list_type": N_("Input should be a valid list"),
        "int_from_float": N_(
            "Input should be a valid integer, got a number with a fractional part"
        ),
        "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
        "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    }
    return _(plain[kind]) if kind in plain else None


def validation_error(exc: ValidationError, *, prefix: str = "") -> ApiError:
    """A 422 listing every problem pydantic found, with dotted field paths."""
    details = [
        ErrorDetail(path=_path(e["loc"], prefix), message=_message(e)) for e in exc.errors()
    ]
    return ApiError(422, problems_message(len(details)), details)


def problems_message(count: int) -> str:
    """The message of a 422 with ``count`` details, in the request's language."""
    return ngettext(
        "The request has %(num)s problem; see details.",
        "The request has %(num)s problems; see details.",
        count,
    )


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
        or_word = _("or")  # "use GET or PUT"
        methods = f" {or_word} ".join(allowed)
        message = _(
            "%(method)s is not allowed on %(path)s; use %(allowed)s.",
            method=request.method,
            path=request.path,
            allowed=methods,
        )
        return error_response(405, message, headers=headers)
    if status == 404:
        docs = f"{API_PREFIX}/docs"
        message = _(
            "There is no API resource at %(path)s; see %(docs)s.", path=request.path, docs=docs
        )
        return error_response(404, message)
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if not limit:
            return error_response(413)
        too_large = _(
            "The request body is larger than the limit of %(limit)s bytes.",
            limit=format_number(limit),
        )
        return error_response(413, too_large)
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
