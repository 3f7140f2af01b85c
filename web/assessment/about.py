"""Pages about the service itself: who sees what (privacy) and the accessibility statement."""

from __future__ import annotations

from flask import Blueprint, render_template

from benchmark.privacy import MIN_GROUP_SIZE
from web import state

__all__ = ["bp"]

bp = Blueprint("about", __name__)


@bp.get("/privacy")
def privacy() -> str:
    """Who sees what: the city's own link, other cities, the network's secretariat."""
    settings = state.settings()
    return render_template(
        "privacy.html",
        host_name=settings.host_name,
        min_group=MIN_GROUP_SIZE,
        aggregates_public=settings.publish_aggregates,
    )


@bp.get("/accessibility")
def accessibility() -> str:
    """The accessibility statement."""
    return render_template("accessibility.html", host_name=state.settings().host_name)
