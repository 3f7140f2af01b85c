"""Absolute links (a city's resume link, the API's ``Location`` and ``links``) built on the
configured public address (``CITYDIP_PUBLIC_URL``), never on the request's ``Host`` header,
which any client can set: a forged header must not put another site's address in front of a
city's secret link."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from web import state

__all__ = ["external_url", "public_root"]


def public_root() -> str:
    """The app's address without a trailing slash: the setting, else the request's own."""
    configured = state.settings().public_url
    return (configured or request.url_root).rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint``, on :func:`public_root`."""
    path = url_for(endpoint, **values)  # includes the script root (SCRIPT_NAME)
    configured = state.settings().public_url
    if configured is None:
        return url_for(endpoint, **values, _external=True)
    return configured.rstrip("/") + path.removeprefix(request.script_root)
