"""The ``network`` blueprint: the secretariat's pages under ``/network/``."""

from __future__ import annotations

from flask import Blueprint, Response

__all__ = ["bp"]

bp = Blueprint("network", __name__, url_prefix="/network")


@bp.after_request
def _private(response: Response) -> Response:
    # Admin pages and full exports must stay out of shared and back-forward caches.
    response.headers["Cache-Control"] = "no-store"
    return response
