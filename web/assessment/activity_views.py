"""The history of changes: who changed which answer from what to what, and when.

Open to the owner and to every contributor whose link was not revoked, before and after
submission (a contributor's link opens nothing else once the assessment is submitted). The
log is kept with the assessment and goes only with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from rules import Question, Rulebook, text_in
from rules.index import RulebookIndex
from web import state, storage
from web.assessment.flow import answer_label
from web.assessment.pages import load_for_answering
from web.assessment.team import person

__all__ = ["ActivityRow", "activity_rows", "bp"]

bp = Blueprint("activity", __name__)


@dataclass(frozen=True)
class ActivityRow:
    """One line of the history, in words."""

    when: str
    who: str
    what: str
    subject: str
    before: str
    after: str


def _kinds() -> dict[str, str]:
    return {
        "answer": _("Answer"),
        "note": _("Evidence note"),
        "evidence": _("Evidence link and date"),
        "chosen": _("Disagreement settled"),
        "review-asked": _("Review asked"),
        "review": _("Review verdict"),
        "reply": _("Reply to a query"),
        "submitted": _("Submitted"),
    }


def _words(kind: str, value: Any, question: Question | None) -> str:
    if value is None:
        return "–"
    if kind in ("answer", "chosen") and question is not None:
        return answer_label(question, value)
    if kind == "evidence":
        link = value.get("link") or _("no link")
        return _("%(link)s, checked %(date)s", link=link, date=value.get("checked") or "–")
    if kind == "review":
        verdict = _("Accepted") if value.get("verdict") == "accepted" else _("Queried")
        return f"{verdict}: {value['comment']}" if value.get("comment") else verdict
    return str(value)


def _sentence_start(text: str) -> str:
    # "the assessment's owner" opens a table cell here; a name stays as it is
    return text[:1].upper() + text[1:]


def activity_rows(
    book: Rulebook,
    entries: Sequence[storage.StoredActivity],
    team: Sequence[storage.StoredContributor],
) -> list[ActivityRow]:
    """The log's entries in words: question texts, answer labels, people's names."""
    questions = RulebookIndex.of(book).questions
    titles: Mapping[str, str] = {d.id: text_in(d.title) for d in book.dimensions}
    kinds = _kinds()
    rows = []
    for entry in entries:
        question = questions.get(entry.subject or "")
        subject = text_in(question.text) if question else titles.get(entry.subject or "", "")
        if entry.kind == "review-asked":
            after = person(entry.after, team)
        else:
            after = _words(entry.kind, entry.after, question)
        rows.append(
            ActivityRow(
                when=format_datetime(entry.at, "d MMM y, HH:mm"),
                who=_sentence_start(person(entry.contributor_id, team)),
                what=kinds.get(entry.kind, entry.kind),
                subject=subject,
                before=_words(entry.kind, entry.before, question),
                after=after,
            )
        )
    return rows


@bp.get("/a/<token>/activity")
def activity(token: str) -> str:
    """The assessment's history of changes, newest first."""
    found, contributor = load_for_answering(token, submitted_too=True)
    team = storage.list_contributors(assessment_id=found.id)
    entries = storage.list_activity(assessment_id=found.id)
    if not found.submitted:
        back = url_for("pages.check", token=token)
    elif contributor is None:
        back = url_for("results.results", token=token)
    else:
        back = url_for("pages.landing")  # the results are the owner's
    return render_template(
        "activity.html", rows=activity_rows(state.rulebook(), entries, team), back_url=back
    )
