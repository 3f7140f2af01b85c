"""The assessment as a team's work: who may do what, the invitation form, who answered what.

The owner is whoever holds the assessment's first link. From the check page they invite a
contributor (name, role, optionally the dimensions they are asked to answer); the
contributor's link (a token of its own, only its hash stored) is shown once, to pass on.
A contributor answers questions and sees the check page; inviting, revoking, the profile,
submitting and the results stay the owner's. Every saved answer records who gave it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from werkzeug.datastructures import MultiDict

from benchmark.names import clean_name
from rules import Dimension, Rulebook, text_in
from rules.index import RulebookIndex
from web import storage
from web.assessment.dates import long_date
from web.assessment.flow import answer_label
from web.assessment.forms import FieldError, field_id
from web.tokens import hash_token, new_token

__all__ = [
    "ROLE_SUGGESTIONS",
    "ConflictRow",
    "DisputeChoice",
    "DisputeRow",
    "Invitation",
    "SaveConflict",
    "authors_of",
    "dispute_rows",
    "invite_colleague",
    "person",
    "read_invitation",
    "save_conflict",
]

#: offered beside the role field (free text: any other role is fine), in the reader's language
ROLE_SUGGESTIONS = (
    lazy_gettext("International office"),
    lazy_gettext("EU affairs"),
    lazy_gettext("Mayor's office"),
    lazy_gettext("Department"),
    lazy_gettext("Reviewer"),
)
MAX_TEXT = 120


@dataclass(frozen=True)
class Invitation:
    """What the owner typed in the invitation form, and its problems."""

    name: str = ""
    role: str = ""
    dimensions: tuple[str, ...] = ()
    reviewer: bool = False
    errors: tuple[FieldError, ...] = ()


def authors_of(
    answered_by: Mapping[str, Any], contributors: Sequence[storage.StoredContributor]
) -> dict[str, str]:
    """Question id → "Name (role), date" of whoever gave its answer; the owner is "you"."""
    names = {c.id: f"{c.name} ({c.role})" for c in contributors}
    authors = {}
    for qid, meta in answered_by.items():
        who = _("the assessment's owner") if meta.get("by") is None else names.get(meta["by"])
        if who is None:
            continue
        when = long_date(datetime.fromisoformat(meta["at"]))
        authors[qid] = _("%(who)s, %(date)s", who=who, date=when)
    return authors


def invite_colleague(
    assessment_id: int, invitation: Invitation
) -> tuple[storage.StoredContributor, str]:
    """Store a checked invitation; the new contributor and their link's token (shown once,
    only its hash kept)."""
    link_token = new_token()
    added = storage.add_contributor(
        assessment_id=assessment_id,
        token_hash=hash_token(link_token),
        name=invitation.name,
        role=invitation.role,
        dimensions=invitation.dimensions,
        reviewer=invitation.reviewer,
    )
    return added, link_token


def read_invitation(form: MultiDict[str, str], dimension_ids: Sequence[str]) -> Invitation:
    """The invitation form, checked: a name and a role, known dimensions."""
    name = clean_name(form.get("name", ""))
    role = clean_name(form.get("role", ""))
    chosen = tuple(d for d in form.getlist("dimensions") if d in dimension_ids)
    errors = []
    if not name:
        errors.append(FieldError("name", "f-name", _("Enter the colleague's name")))
    elif len(name) > MAX_TEXT:
        errors.append(FieldError("name", "f-name", _("The name can have at most 120 characters")))
    if not role:
        errors.append(FieldError("role", "f-role", _("Enter the colleague's role")))
    elif len(role) > MAX_TEXT:
        errors.append(FieldError("role", "f-role", _("The role can have at most 120 characters")))
    reviewer = form.get("reviewer") == "yes"
    return Invitation(name, role, chosen, reviewer, tuple(errors))


@dataclass(frozen=True)
class ConflictRow:
    """A question whose saved answer differs from the one just sent."""

    question: str
    saved: str | None
    saved_by: str | None
    yours: str | None


@dataclass(frozen=True)
class SaveConflict:
    """A save refused because someone saved answers since the page was shown."""

    rows: tuple[ConflictRow, ...]


def save_conflict(
    page: Dimension, saved: Mapping[str, Any], yours: Mapping[str, Any], authors: Mapping[str, str]
) -> SaveConflict:
    """The questions of ``page`` where a saved answer differs from the one sent (a question
    still unanswered in storage is no conflict: nothing of anyone's would be replaced)."""
    rows = []
    for question in page.questions:
        mine, theirs = yours.get(question.id), saved.get(question.id)
        if theirs is None or mine == theirs:
            continue
        rows.append(
            ConflictRow(
                question=text_in(question.text),
                saved=answer_label(question, theirs),
                saved_by=authors.get(question.id),
                yours=None if mine is None else answer_label(question, mine),
            )
        )
    return SaveConflict(tuple(rows))


@dataclass(frozen=True)
class DisputeChoice:
    """One person's answer to a disputed question."""

    index: int
    answer: str
    who: str


@dataclass(frozen=True)
class DisputeRow:
    """A question two people answered differently, still to settle."""

    question_id: str
    question: str
    anchor: str
    choices: tuple[DisputeChoice, ...]


def person(
    by: int | None, contributors: Sequence[storage.StoredContributor], *, opening: bool = False
) -> str:
    """ "Name (role)" of a contributor id; None is the owner. ``opening`` for the start of a
    sentence or a table cell: "The assessment's owner" (a message of its own, since not every
    language capitalises a translation's first letter)."""
    if by is None:
        return _("The assessment's owner") if opening else _("the assessment's owner")
    found = next((c for c in contributors if c.id == by), None)
    if found is None:
        return _("A former contributor") if opening else _("a former contributor")
    return f"{found.name} ({found.role})"


def dispute_rows(
    book: Rulebook,
    disputes: Mapping[str, Any],
    contributors: Sequence[storage.StoredContributor],
) -> list[DisputeRow]:
    """The open disagreements, each with every person's answer, in the rulebook's order."""
    questions = RulebookIndex.of(book).questions
    rows = []
    for qid in storage.open_disputes(disputes):
        question = questions.get(qid)
        if question is None:
            continue
        choices = tuple(
            DisputeChoice(i, answer_label(question, a["value"]), person(a["by"], contributors))
            for i, a in enumerate(disputes[qid]["answers"])
        )
        rows.append(DisputeRow(qid, text_in(question.text), field_id("dispute-" + qid), choices))
    order = list(questions)
    return sorted(rows, key=lambda r: order.index(r.question_id))
