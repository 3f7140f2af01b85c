"""Rate limits on the API's writes, with Flask-Limiter.

The API has a limiter of its own, so that its counters can live in a shared store
(``CITYDIP_RATELIMIT_STORAGE_URI``) and each write operation has its own limit; the site's
form limiter leaves the API alone. With the default ``memory://`` storage every process counts
on its own: N processes allow N times the limit.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from web.api.errors import is_api_request
from web.api.routes import Operation
from web.settings import Settings

__all__ = ["init_limits"]

_EXTENSION = "citydip.api.limiter"


def init_limits(
    app: Flask, bp: Blueprint, operations: list[Operation], settings: Settings
) -> Limiter:
    """Limit each rate-limited operation of ``bp`` per client address, as its setting says."""
    for other in app.extensions.get("limiter", ()):
        # A request filter, not `exempt(bp)`: it ends the other limiter's work on API requests
        # at once, where an exemption is found only after all its limits are resolved.
        other.request_filter(is_api_request)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.ratelimit_storage_uri,
        key_prefix="citydip-api",
        headers_enabled=False,  # the 429 answer carries Retry-After itself
    )
    for spec in operations:
        if spec.rate_limit is None:
            continue
        endpoint = f"{bp.name}.{spec.endpoint}"
        limiter.limit(
            getattr(settings, spec.rate_limit),
            methods=[spec.method],
            exempt_when=lambda endpoint=endpoint: request.endpoint != endpoint,
        )(bp)
    app.extensions[_EXTENSION] = limiter
    return limiter
