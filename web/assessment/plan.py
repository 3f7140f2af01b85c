"""The action plan as pages and files show it: the actions towards the targets, each with
what the city recorded (owner, due date, status) and, once the city re-assessed, whether its
answer moved.

Editing is one form for the whole plan. Each row carries the values it was shown with; only
rows the user changed are saved, so two people editing two actions at once both keep
theirs (the storage is one row per action).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from benchmark.plan import (
    STATUSES,
    Action,
    Progress,
    action_progress,
    plan_actions,
    resolved_options,
    short_of_target,
)
from benchmark.profile import CityProfile
from rules import Rulebook, Scorecard, text_in
from rules.index import RulebookIndex
from web import storage
from web.assessment.evidence import read_checked
from web.assessment.forms import FieldError, field_id
from web.assessment.targets import Targets
from web.scorecards import stored_scorecard

__all__ = [
    "ActionEdit",
    "Plan",
    "PlanRow",
    "build_plan",
    "read_action_edits",
    "status_labels",
]

OWNER_MAX = 120


def status_labels() -> dict[str, str]:
    """Status value → its label."""
    return {
        "planned": _("Planned"),
        "started": _("Started"),
        "done": _("Done"),
        "dropped": _("Dropped"),
    }


def _outcome_labels() -> dict[str, str]:
    return {
        "reached": _("Reached: the answer is now at the aimed-at option or above"),
        "moved": _("Moved up, not there yet"),
        "unchanged": _("Unchanged"),
        "down": _("Moved down"),
        "gone": _("No longer answered"),
    }


@dataclass(frozen=True)
class PlanRow:
    """One action of the plan."""

    number: int
    action: Action
    dimension: str
    question: str
    now: str
    aim: str
    owner: str
    due: str
    status: str
    #: in the next assessment: "reached", "moved", "unchanged", "down", "gone"; None if none
    outcome: str | None = None
    outcome_label: str = ""

    @property
    def field(self) -> str:
        """The prefix of this row's form fields."""
        return f"a{self.number}"


@dataclass(frozen=True)
class Plan:
    """The plan of one assessment."""

    rows: list[PlanRow]
    targets: Targets
    #: dimension titles whose actions, all done, would still fall short of the target
    short: list[str]
    #: the date of the next assessment the outcomes come from, if any
    later_on: date | None


def _option_label(book: Rulebook, qid: str, value: str | None) -> str:
    question = RulebookIndex.of(book).questions.get(qid)
    if value is None:
        return _("I don't know")
    if question is None:
        return value
    return next((text_in(o.label) for o in question.options if o.value == value), value)


def build_plan(
    book: Rulebook,
    found: storage.StoredAssessment,
    card: Scorecard,
    profile: CityProfile,
    targets: Targets,
    later: storage.StoredAssessment | None = None,
) -> Plan:
    """The plan towards ``targets``, with what the city recorded and, given the ``later``
    assessment started from this one, what became of each action's answer."""
    actions = plan_actions(book, card, profile, targets.levels)
    recorded = storage.list_plan(assessment_id=found.id)
    titles = {d.id: d.title for d in card.dimensions}
    questions = RulebookIndex.of(book).questions
    later_card = stored_scorecard(later.scorecard) if later and later.scorecard else None
    moved = resolved_options(later_card) if later_card else {}
    outcomes = _outcome_labels()
    rows = []
    for number, action in enumerate(actions, start=1):
        mine = recorded.get(action.key)
        progress: Progress | None = None
        question = questions.get(action.question)
        if later_card is not None and question is not None:
            options = [o.value for o in question.options]
            progress = action_progress(action, options, moved.get(action.question))
        rows.append(
            PlanRow(
                number=number,
                action=action,
                dimension=titles.get(action.dimension, action.dimension),
                question=text_in(question.text) if question else action.question,
                now=_option_label(book, action.question, action.current),
                aim=_option_label(book, action.question, action.target),
                owner=(mine.owner or "") if mine else "",
                due=(mine.due or "") if mine else "",
                status=mine.status if mine else "planned",
                outcome=None if progress is None else progress.outcome,
                outcome_label="" if progress is None else outcomes[progress.outcome],
            )
        )
    short = [titles[d] for d in short_of_target(book, card, actions, targets.levels)]
    later_on = later.submitted_at.date() if later and later.submitted_at else None
    return Plan(rows, targets, short, later_on)


@dataclass(frozen=True)
class ActionEdit:
    """A row of the plan form the user changed."""

    key: str
    owner: str | None
    due: str | None
    status: str


def _clean(text: str) -> str:
    return " ".join("".join(c for c in text if c.isprintable()).split())


def read_action_edits(
    form: MultiDict[str, str], rows: list[PlanRow], *, today: date
) -> tuple[list[ActionEdit], list[FieldError]]:
    """The rows whose owner, due date or status differ from what the page showed them with
    (``<field>-shown-owner`` …), checked: an owner of at most 120 characters, a date, a status."""
    edits, errors = [], []
    for row in rows:
        owner = _clean(form.get(f"{row.field}-owner", ""))
        due_text = form.get(f"{row.field}-due", "").strip()
        status = form.get(f"{row.field}-status", row.status)
        shown = [form.get(f"{row.field}-shown-{part}", "") for part in ("owner", "due", "status")]
        if shown == [owner, due_text, status]:
            continue  # as shown: leave it as stored, even if someone changed it meanwhile
        if len(owner) > OWNER_MAX:
            message = _("An owner can have at most 120 characters (action %(n)s)", n=row.number)
            errors.append(
                FieldError(f"{row.field}-owner", field_id(f"{row.field}-owner"), message)
            )
        due = read_checked(due_text, today=date.max) if due_text else None
        if due is not None and due.error:
            message = _(
                "Enter the due date as year-month-day, like 2027-03-31 (action %(n)s)",
                n=row.number,
            )
            errors.append(FieldError(f"{row.field}-due", field_id(f"{row.field}-due"), message))
        if status not in STATUSES:
            message = _("Choose a status (action %(n)s)", n=row.number)
            errors.append(
                FieldError(f"{row.field}-status", field_id(f"{row.field}-status"), message)
            )
        edits.append(
            ActionEdit(row.action.key, owner or None, None if due is None else due.value, status)
        )
    return edits, errors
