"""Review by a colleague: the reviewer's form, the owner's replies, the line results show.

The owner asks a contributor invited as a reviewer; the reviewer accepts or queries each
dimension with a comment (a query needs one: it is a question to the owner); the owner
answers each query on the check page before submitting. A city may submit without review:
then the results say "Not reviewed".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from web import storage
from web.assessment.dates import long_date
from web.assessment.forms import NOTE_MAX, FieldError, field_id

__all__ = [
    "VERDICTS",
    "ReviewForm",
    "VerdictRow",
    "person_of",
    "read_reply",
    "read_verdicts",
    "review_context",
    "review_line",
    "verdict_rows",
]

VERDICTS = ("accepted", "queried")


def _text(form: MultiDict[str, str], name: str) -> str:
    text = form.get(name) or ""
    return "".join(c for c in text if c in "\n\t" or c.isprintable()).strip()


@dataclass(frozen=True)
class ReviewForm:
    """The reviewer's verdicts as typed, and their problems."""

    verdicts: dict[str, dict[str, str]]
    raw: dict[str, str]
    errors: tuple[FieldError, ...]


def read_verdicts(form: MultiDict[str, str], dimensions: Mapping[str, str]) -> ReviewForm:
    """A verdict for each dimension (id → title); a query needs a comment."""
    verdicts, raw, errors = {}, {}, []
    for dimension_id, title in dimensions.items():
        verdict = form.get(f"verdict-{dimension_id}", "")
        comment = _text(form, f"comment-{dimension_id}")
        raw[f"verdict-{dimension_id}"], raw[f"comment-{dimension_id}"] = verdict, comment
        if verdict not in VERDICTS:
            target = field_id(f"verdict-{dimension_id}") + "-0"
            message = _("Accept or query: %(dimension)s", dimension=title)
            errors.append(FieldError(f"verdict-{dimension_id}", target, message))
        elif verdict == "queried" and not comment:
            message = _("Say what you query about %(dimension)s", dimension=title)
            target = field_id(f"comment-{dimension_id}")
            errors.append(FieldError(f"comment-{dimension_id}", target, message))
        if len(comment) > NOTE_MAX:
            message = _(
                "Comments must be %(max)s characters or fewer", max=format_number(NOTE_MAX)
            )
            target = field_id(f"comment-{dimension_id}")
            errors.append(FieldError(f"comment-{dimension_id}", target, message))
        verdicts[dimension_id] = {"verdict": verdict, "comment": comment}
    return ReviewForm(verdicts, raw, tuple(errors))


def read_reply(form: MultiDict[str, str], dimension_id: str) -> tuple[str, FieldError | None]:
    """The owner's reply to a query: some text, at most :data:`NOTE_MAX` characters."""
    reply = _text(form, "reply")
    target = field_id(f"reply-{dimension_id}")
    if not reply:
        return reply, FieldError(f"reply-{dimension_id}", target, _("Enter your reply"))
    if len(reply) > NOTE_MAX:
        message = _("Replies must be %(max)s characters or fewer", max=format_number(NOTE_MAX))
        return reply, FieldError(f"reply-{dimension_id}", target, message)
    return reply, None


@dataclass(frozen=True)
class VerdictRow:
    """One dimension of a finished review, as the check page shows it."""

    dimension_id: str
    title: str
    verdict: str
    comment: str
    reply: str | None

    @property
    def open(self) -> bool:
        """A query the owner has not answered yet."""
        return self.verdict == "queried" and not self.reply


def verdict_rows(review: storage.StoredReview, titles: Mapping[str, str]) -> list[VerdictRow]:
    """The review's verdicts in the rulebook's order of dimensions."""
    return [
        VerdictRow(d, title, v["verdict"], v.get("comment") or "", v.get("reply"))
        for d, title in titles.items()
        if (v := review.verdicts.get(d)) is not None
    ]


def review_line(
    review: storage.StoredReview | None, team: Sequence[storage.StoredContributor]
) -> str:
    """ "Reviewed by Name (role) on date", or "Not reviewed"."""
    reviewer = None if review is None else person_of(review, team)
    if review is None or review.finished_at is None or reviewer is None:
        return _("Not reviewed")
    return _(
        "Reviewed by %(name)s (%(role)s) on %(date)s",
        name=reviewer.name,
        role=reviewer.role,
        date=long_date(review.finished_at),
    )


def review_context(
    assessment_id: int,
    team: Sequence[storage.StoredContributor],
    contributor: storage.StoredContributor | None,
    titles: Mapping[str, str],
) -> dict[str, object]:
    """What the check page shows of the review: who can be asked, the open request, the
    latest verdicts and the queries still to answer; whether ``contributor`` is the reviewer
    asked now."""
    review = storage.latest_review(assessment_id=assessment_id)
    finished = storage.latest_review(assessment_id=assessment_id, finished=True)
    pending = review if review is not None and review.finished_at is None else None
    asked = (
        pending is not None and contributor is not None and pending.reviewer_id == contributor.id
    )
    return {
        "reviewers": [c for c in team if c.reviewer and c.active],
        "review_pending_with": None if pending is None else person_of(pending, team),
        "verdicts": [] if finished is None else verdict_rows(finished, titles),
        "finished_review": finished,
        "review_line": review_line(finished, team),
        "asked_to_review": asked,
    }


def person_of(
    review: storage.StoredReview, team: Sequence[storage.StoredContributor]
) -> storage.StoredContributor | None:
    """The contributor a review was asked of (None if no longer on the team)."""
    return next((c for c in team if c.id == review.reviewer_id), None)
