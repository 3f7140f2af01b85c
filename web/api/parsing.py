"""Reading a request into a pydantic model: a JSON body or query parameters.

Bodies are parsed and validated by pydantic in one step (its JSON parser, in Rust). A body that
is not JSON at all is a 400, one that is JSON of the wrong shape a 422 with field paths.
"""

from __future__ import annotations

from typing import TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from web.api.errors import ApiError, validation_error

__all__ = ["json_body", "query_params"]

M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> M:
    """The request body as ``model``; raises 415, 400, 413 or 422 in the API's error shape."""
    # Exactly the documented type (a charset parameter is fine); Flask's is_json would also
    # take any application/*+json.
    if request.mimetype != "application/json":
        given = request.mimetype or _("no content type")
        raise ApiError(
            415,
            _(
                "Send the body as JSON with `Content-Type: application/json` (got %(given)s).",
                given=given,
            ),
        )
    data = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            reason = str(first["msg"]).removeprefix("Invalid JSON: ")
            raise ApiError(
                400, _("The body is not valid JSON: %(reason)s.", reason=reason)
            ) from None
        raise validation_error(exc) from None


def query_params(model: type[M]) -> M:
    """The query parameters named like ``model``'s fields (others are ignored), as ``model``."""
    data = {name: request.args[name] for name in model.model_fields if name in request.args}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, prefix="query") from None
