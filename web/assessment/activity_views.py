"""The history of changes: who changed which answer from what to what, and when.

Open to the owner and to every contributor whose link was not revoked, before and after
submission (a contributor's link opens nothing else once the assessment is submitted). The
log is kept with the assessment and goes only with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

from rules import Question, Rulebook, text_in
from rules.index import RulebookIndex
from web import state, storage
from web.assessment.dates import date_time, long_date
from web.assessment.flow import answer_label
from web.assessment.pages import load_for_answering
from web.assessment.plan import status_labels
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
        "targets": _("Targets"),
        "action": _("Action plan"),
    }


def _words(kind: str, value: Any, question: Question | None, titles: Mapping[str, str]) -> str:
    if value is None:
        return "–"
    if kind in ("answer", "chosen") and question is not None:
        return answer_label(question, value)
    if kind == "evidence":
        link = value.get("link") or _("no link")
        return _("%(link)s, checked %(date)s", link=link, date=value.get("checked") or "–")
    if kind == "review":
        verdict = _("Accepted") if value.get("verdict") == "accepted" else _("Queried")
        if not value.get("comment"):
            return verdict
        return _("%(verdict)s: %(comment)s", verdict=verdict, comment=value["comment"])
    if kind == "targets":
        return _target_words(value, titles)
    if kind == "action":
        return _action_words(value)
    return str(value)


def _target_words(value: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """ "Budget and resources: level 2; Staff and skills: level 3; to reach by 4 May 2027"."""
    levels = "; ".join(
        _("%(label)s: %(text)s", label=titles.get(d, d), text=_("level %(n)s", n=n))
        for d, n in (value.get("levels") or {}).items()
    )
    if not value.get("date"):
        return levels or "–"
    day = long_date(date.fromisoformat(value["date"]))
    return _("%(targets)s; to reach by %(date)s", targets=levels or "–", date=day)


def _action_words(value: Mapping[str, Any]) -> str:
    """An action's record: "Owner: Amira Haddad; due: 4 May 2027; status: Started"."""
    due = value.get("due")
    return _(
        "Owner: %(owner)s; due: %(due)s; status: %(status)s",
        owner=value.get("owner") or "–",
        due=long_date(date.fromisoformat(due)) if due else "–",
        status=status_labels().get(value.get("status") or "", value.get("status") or "–"),
    )


def _subject(entry: storage.StoredActivity, book: Rulebook) -> str:
    """What the entry is about: a question's text, a dimension's title, or nothing."""
    index = RulebookIndex.of(book)
    subject = entry.subject or ""
    if entry.kind == "action":  # the action's key: "dimension:question:aimed-at option"
        subject = subject.split(":")[1] if subject.count(":") >= 2 else ""
    question = index.questions.get(subject)
    if question is not None:
        return text_in(question.text)
    return next((text_in(d.title) for d in book.dimensions if d.id == subject), "")


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
        if entry.kind == "review-asked":
            after = person(entry.after, team)
        else:
            after = _words(entry.kind, entry.after, question, titles)
        rows.append(
            ActivityRow(
                when=date_time(entry.at),
                who=person(entry.contributor_id, team, opening=True),
                what=kinds.get(entry.kind, entry.kind),
                subject=_subject(entry, book),
                before=_words(entry.kind, entry.before, question, titles),
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
