"""The history of a city's assessments (``/a/<token>/history``) and an earlier one's scores.

A city's assessments are linked by re-assessment: each new one remembers the one it was
started from (``previous_id``). The history of a link is its assessment and every one before
it (``storage.deletion.assessment_chain``); a later re-assessment has a link of its own and
its own, longer history, and a share link made for last year's results does not show this
year's. The owner's link and a read-only share link open it (``load_for_reading``); the page
has nothing that edits. Only the latest assessment's token opens its results, since only
tokens' hashes are stored: an earlier one is shown read-only at ``/a/<token>/history/<n>``.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from rules import text_in
from web import state, storage
from web.assessment.access import Reading, load_for_reading
from web.assessment.history import History, build_history
from web.level_colours import level_colour
from web.storage.deletion import assessment_chain

__all__ = ["bp"]

bp = Blueprint("history", __name__)


def _history_of(reading: Reading) -> History:
    own = reading.found
    ids = reversed(assessment_chain(assessment_id=own.id))  # oldest first
    chain = [own if i == own.id else storage.get_assessment(assessment_id=i) for i in ids]
    return build_history([found for found in chain if found is not None], own_id=own.id)


def _city(reading: Reading, history: History) -> str:
    name = (reading.found.profile or {}).get("name")
    return str(name) if name else (history.entries[-1].city if history.entries else "")


@bp.get("/a/<token>/history")
def history(token: str) -> str:
    """Every submitted assessment up to this one: a list, and a trend chart with its table
    per dimension."""
    reading = load_for_reading(token)
    found = _history_of(reading)
    return render_template(
        "history.html",
        token=token,
        shared=reading.shared,
        city=_city(reading, found),
        history=found,
        entry=None,
        legend=[
            (level.level, text_in(level.name), level_colour(level.level))
            for level in state.rulebook().levels
        ],
    )


@bp.get("/a/<token>/history/<int:number>")
def assessment(token: str, number: int) -> str:
    """One assessment of the history, read only: its overall level and its dimensions'
    scores, as scored when it was submitted."""
    reading = load_for_reading(token)
    found = _history_of(reading)
    entry = found.entry(number)
    if entry is None:
        abort(404)
    return render_template(
        "history.html",
        token=token,
        shared=reading.shared,
        city=entry.city or _city(reading, found),
        history=found,
        entry=entry,
        legend=[],
    )
