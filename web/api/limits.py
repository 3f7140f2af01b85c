"""Rate limits on the API's writes, with Flask-Limiter.

The API has a Flask-Limiter ``Limiter`` of its own, configured from the settings: its storage
(``CITYDIP_RATELIMIT_STORAGE_URI``) and strategy hold the counters. Each rate-limited
operation has one limit (its setting), counted per client address and per operation, checked
before the view runs with the limiter's public ``limiter.hit()``. Flask-Limiter's own
per-request resolution of decorators, defaults and exemptions is switched off for the API
(a request filter): it cost more than scoring an assessment, and the API needs none of it.
The site's form limiter leaves API requests alone the same way.

With the default ``memory://`` storage every process counts on its own: N processes allow N
times the limit. A shared store (Redis, Memcached...) counts across processes and machines.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, request
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError

from web.api.errors import ApiError, is_api_request
from web.api.routes import Operation, bp
from web.errors import StartupError
from web.settings import Settings

__all__ = ["ApiLimits", "init_limits"]

_EXTENSION = "citydip.api.limits"


@dataclass(frozen=True)
class ApiLimits:
    """The API's limiter and the limits of each rate-limited endpoint."""

    limiter: Limiter
    #: endpoint → (method, limits, the setting's text for messages)
    endpoints: dict[str, tuple[str, list[RateLimitItem], str]]

    def check(self) -> None:
        """Count this request; raise a 429 when it goes over its endpoint's limit."""
        found = self.endpoints.get(request.endpoint or "")
        if found is None or request.method != found[0]:
            return
        _method, items, text = found
        strategy = self.limiter.limiter
        key = get_remote_address()
        scope = request.endpoint or ""
        over = [item for item in items if not strategy.hit(item, "citydip-api", key, scope)]
        if over:
            reset = max(strategy.get_window_stats(i, "citydip-api", key, scope)[0] for i in over)
            window = max(item.get_expiry() for item in over)
            retry_after = min(window, max(1, math.ceil(reset - time.time())))
            message = ngettext(
                "Too many requests: the limit here is %(limit)s per client address. "
                "Try again in %(num)s second.",
                "Too many requests: the limit here is %(limit)s per client address. "
                "Try again in %(num)s seconds.",
                retry_after,
                limit=text,
            )
            raise ApiError(429, message, headers={"Retry-After": str(retry_after)})


def _check_limits() -> None:
    limits: ApiLimits = current_app.extensions[_EXTENSION]
    limits.check()


def init_limits(
    app: Flask, bp: Blueprint, operations: list[Operation], settings: Settings
) -> ApiLimits:
    """Limit each rate-limited operation of ``bp`` per client address, as its setting says."""
    for other in app.extensions.get("limiter", ()):
        # A request filter, not `exempt(bp)`: it ends the other limiter's work on API requests
        # at once, where an exemption is found only after all its limits are resolved.
        other.request_filter(is_api_request)
    try:
        limiter = Limiter(
            get_remote_address,
            app=app,
            storage_uri=settings.ratelimit_storage_uri,
            headers_enabled=False,
        )
    except ConfigurationError as exc:  # e.g. redis:// without the redis package installed
        raise StartupError(
            f"cannot start: CITYDIP_RATELIMIT_STORAGE_URI={settings.ratelimit_storage_uri}: {exc}"
        ) from exc
    limiter.request_filter(lambda: True)  # the API checks its limits itself, see ApiLimits
    endpoints = {}
    for spec in operations:
        if spec.rate_limit is not None:
            text = getattr(settings, spec.rate_limit)
            endpoints[f"{bp.name}.{spec.endpoint}"] = (spec.method, parse_many(text), text)
    limits = ApiLimits(limiter, endpoints)
    app.extensions[_EXTENSION] = limits
    return limits


bp.before_request(_check_limits)
