"""Per-client counters for limits that Flask-Limiter's decorators do not express: wrong admin
tokens (counted only when wrong) and anonymous downloads of the public aggregates.

Counters live in the app's rate-limit store (``CITYDIP_RATELIMIT_STORAGE_URI``), like the
form and API limits, so a shared store counts across processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from web import state

__all__ = ["ClientLimit"]


@dataclass(frozen=True)
class ClientLimit:
    """A limit per client address, named ``name``, read from the setting ``setting``."""

    name: str
    setting: str

    def _parts(self) -> tuple[MovingWindowRateLimiter, RateLimitItem]:
        key = f"citydip_limit_{self.name}"
        found: tuple[MovingWindowRateLimiter, RateLimitItem] | None = current_app.extensions.get(
            key
        )
        if found is None:
            settings = state.settings()
            store = storage_from_string(settings.ratelimit_storage_uri)
            found = (MovingWindowRateLimiter(store), parse(getattr(settings, self.setting)))
            current_app.extensions[key] = found
        return found

    @staticmethod
    def _client() -> str:
        return request.remote_addr or "unknown"

    def wait(self) -> int | None:
        """Seconds until this client is under the limit again; None when it is now."""
        limiter, item = self._parts()
        if limiter.test(item, self.name, self._client()):
            return None
        reset, _remaining = limiter.get_window_stats(item, self.name, self._client())
        return max(1, int(reset - time.time()) + 1)

    def hit(self) -> None:
        """Count one event for this client."""
        limiter, item = self._parts()
        limiter.hit(item, self.name, self._client())
