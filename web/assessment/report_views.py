"""The report for a city's leadership: at most two printed A4 pages, read through the owner's
link or a read-only share link.

It says where the city stands (overall level, the chart, three strengths and three gaps),
what it aims at (targets, the first five actions of the plan) and whom to ask (named cities
to learn from). It holds no link with a token in it, no form and no resume panel, so a printed
or forwarded copy gives nobody the way in.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from rules import text_in
from web import state
from web.assessment.access import load_for_reading
from web.assessment.chart import dimension_chart
from web.assessment.plan import build_plan, status_labels
from web.assessment.report import (
    gaps,
    learning_partners,
    strengths,
    target_lines,
    unnamed_count,
)
from web.assessment.results import submitted_result
from web.assessment.submit import own_ids
from web.assessment.targets import targets_of
from web.peers import find_peers

__all__ = ["REPORT_ACTIONS", "bp"]

bp = Blueprint("report", __name__)

#: The actions of the plan the report lists, first ones first (the plan's order).
REPORT_ACTIONS = 5


@bp.get("/a/<token>/report")
def report(token: str) -> BaseResponse | str:
    """The leadership report of a submitted assessment; a draft goes to its check page."""
    reading = load_for_reading(token)
    found = reading.found
    result = submitted_result(found)
    if result is None:
        return redirect(url_for("pages.check", token=token))
    card, profile = result
    book = state.rulebook()
    targets = targets_of(found, card, book)
    plan = build_plan(book, found, card, profile, targets)
    peers = find_peers(profile, card, city_id=own_ids(found))
    level_names = {level.level: text_in(level.name) for level in book.levels}
    actions = plan.rows[:REPORT_ACTIONS]
    return render_template(
        "report.html",
        city=profile.name,
        card=card,
        assessed_on=found.submitted_at.date() if found.submitted_at else None,
        rulebook_title=text_in(book.title) if card.rulebook_id == book.id else card.rulebook_id,
        chart=dimension_chart(card, book.levels),
        strengths=strengths(card),
        gaps=gaps(card),
        targets=targets,
        target_date=date.fromisoformat(targets.date) if targets.date else None,
        target_lines=target_lines(card, targets.levels, level_names),
        actions=actions,
        dues={row.number: date.fromisoformat(row.due) for row in actions if row.due},
        more_actions=max(0, len(plan.rows) - REPORT_ACTIONS),
        statuses=status_labels(),
        partners=learning_partners(peers.learn_from),
        unnamed=unnamed_count(peers.learn_from),
        pool_size=peers.pool_size,
        shared=reading.shared,
        today=date.today(),
    )
