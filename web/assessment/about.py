"""Pages about the service itself: who sees what (privacy) and the accessibility statement."""

from __future__ import annotations

from babel import Locale
from babel.lists import format_list
from flask import Blueprint, render_template
from flask_babel import gettext as _

from benchmark.privacy import MIN_GROUP_SIZE
from web import state
from web.i18n import request_language

__all__ = ["bp"]

bp = Blueprint("about", __name__)


@bp.get("/privacy")
def privacy() -> str:
    """Who sees what: the city's own link, other cities, the network's secretariat."""
    settings = state.settings()
    return render_template(
        "privacy.html",
        host_name=settings.shown_host_name,
        min_group=MIN_GROUP_SIZE,
        aggregates_public=settings.publish_aggregates,
    )


@bp.get("/accessibility")
def accessibility() -> str:
    """The accessibility statement."""
    return render_template(
        "accessibility.html",
        host_name=state.settings().shown_host_name,
        languages_line=_languages_line(state.settings().offered_languages),
    )


def _languages_line(offered: tuple[str, ...]) -> str:
    """Which languages the service is in, named in the reader's: "English and French"."""
    if len(offered) < 2:
        return _("The service is in English only for now.")
    reader = request_language()
    names = [Locale.parse(code).get_display_name(reader) or code for code in offered]
    return _(
        "The service is available only in %(languages)s.",
        languages=format_list(names, locale=reader),
    )
