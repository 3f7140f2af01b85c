"""Targets and the action plan through the API, as on the results and plan pages: read and
set the targets of a submitted assessment, read its plan, record an action's owner, due date
and status.

The rules are the pages', imported from :mod:`web.assessment.targets` and
:mod:`web.assessment.plan`: a JSON body is handed to :func:`read_targets` or
:func:`read_action_edits` as the form it stands for, and the plan is the one
:func:`build_plan` makes for the plan page. Only the owner's token gets here: a colleague's
answers 404, a draft 409, as for peers and advice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from benchmark.plan import short_of_target
from benchmark.profile import CityProfile
from rules import Rulebook, Scorecard
from web import state, storage
from web.api.errors import ApiError
from web.api.models import ActionPatch, ErrorDetail, TargetsRequest
from web.api.responses import ActionOut, PlanOut, TargetChoiceOut, TargetsOut
from web.api.service import problems, submitted, targets_set
from web.assessment.plan import Plan, PlanRow, build_plan, read_action_edits
from web.assessment.targets import read_targets, target_choices, targets_of

__all__ = ["edit_action", "plan_view", "set_targets", "targets_view"]

#: The targets form's date field (see :func:`~web.assessment.targets.read_targets`).
DATE_FIELD = "target-date"


def _no_target(known: bool) -> str:
    """Why a dimension of the body takes no target (``known``: the rulebook has it)."""
    if not known:
        return _("no such dimension in the rulebook")
    return _(
        "this dimension takes no target: it is at the top level already, or was not assessed "
        "(see `choices`)"
    )


def _targets_out(found: storage.StoredAssessment, card: Scorecard, book: Rulebook) -> TargetsOut:
    targets = targets_of(found, card, book)
    return TargetsOut(
        **targets_set(targets).model_dump(),
        choices=[
            TargetChoiceOut(
                dimension=choice.dimension_id,
                title=choice.title,
                level=choice.level,
                level_name=choice.level_name,
                levels=[level for level, _label in choice.options],
            )
            for choice in target_choices(card, book, targets.levels)
        ],
    )


def targets_view(token: str) -> TargetsOut:
    """The targets the city set, or the defaults offered, and what each dimension can aim at."""
    found, card, _profile = submitted(token, for_plan=True)
    return _targets_out(found, card, state.rulebook())


def set_targets(token: str, body: TargetsRequest) -> TargetsOut:
    """Replace the city's targets, checked as the results page checks its form."""
    found, card, _profile = submitted(token, for_plan=True)
    book = state.rulebook()
    choices = target_choices(card, book, {})
    fields = {choice.field: choice.dimension_id for choice in choices}
    known = {d.id for d in book.dimensions}
    details = [
        ErrorDetail(
            path=f"levels.{dimension_id}",
            message=_no_target(dimension_id in known),
        )
        for dimension_id in body.levels
        if dimension_id not in fields.values()
    ]
    form = MultiDict(
        [(name, str(body.levels[d])) for name, d in fields.items() if d in body.levels]
        + ([(DATE_FIELD, body.date)] if body.date is not None else [])
    )
    levels, day, errors = read_targets(form, choices, today=date.today())
    details += [
        ErrorDetail(
            path="date" if e.field == DATE_FIELD else f"levels.{fields[e.field]}",
            message=e.message,
        )
        for e in errors
    ]
    if details:
        raise problems(details)
    storage.save_targets(assessment_id=found.id, levels=levels, date=day)
    return _targets_out(_reread(found.id), card, book)


def _reread(assessment_id: int) -> storage.StoredAssessment:
    found = storage.get_assessment(assessment_id=assessment_id)
    assert found is not None  # it was read in this request; only its owner deletes it
    return found


# --- the plan -------------------------------------------------------------------------------


def _plan(found: storage.StoredAssessment, card: Scorecard, profile: CityProfile) -> Plan:
    """The plan as the plan page builds it, with the outcomes of a re-assessment, if any."""
    book = state.rulebook()
    later = storage.later_assessment(assessment_id=found.id)
    return build_plan(book, found, card, profile, targets_of(found, card, book), later)


def _action_out(row: PlanRow) -> ActionOut:
    action = row.action
    return ActionOut(
        key=action.key,
        number=row.number,
        dimension=action.dimension,
        dimension_title=row.dimension,
        question=action.question,
        question_text=row.question,
        advice=action.advice,
        effort=action.effort,
        gain=action.gain,
        find_out=action.find_out,
        lifts_gate=action.lifts_gate,
        current=action.current,
        current_label=row.now,
        aim=action.target,
        aim_label=row.aim,
        owner=row.owner or None,
        due=date.fromisoformat(row.due) if row.due else None,
        status=row.status,
        outcome=row.outcome,
    )


def plan_view(token: str) -> PlanOut:
    """The plan of a submitted assessment: its targets, its actions with what the city
    recorded and, once it re-assessed, what became of each; the dimensions that fall short."""
    found, card, profile = submitted(token, for_plan=True)
    plan = _plan(found, card, profile)
    # The plan names the dimensions that fall short by their titles; the API gives ids, from
    # the same function on the same actions.
    actions = [row.action for row in plan.rows]
    short = short_of_target(state.rulebook(), card, actions, plan.targets.levels)
    return PlanOut(
        targets=targets_set(plan.targets),
        actions=[_action_out(row) for row in plan.rows],
        short=short,
        reassessed_on=plan.later_on,
    )


def _no_action(key: str) -> ApiError:
    return ApiError(
        404,
        _(
            "The plan has no action %(key)s: see `actions` of GET .../plan for their keys "
            "(the actions follow the targets).",
            key=repr(key),
        ),
    )


def edit_action(token: str, key: str, body: ActionPatch) -> ActionOut:
    """Record the owner, due date or status of the action ``key``, checked as the plan page
    checks its form; what ``body`` leaves out stays as recorded."""
    found, card, profile = submitted(token, for_plan=True)
    row = next((r for r in _plan(found, card, profile).rows if r.action.key == key), None)
    if row is None:
        raise _no_action(key)
    given = body.model_fields_set
    owner = (body.owner or "") if "owner" in given else row.owner
    due = (body.due or "") if "due" in given else row.due
    status = body.status if "status" in given else row.status
    # The page's row: the values it was shown with, and those sent. Nothing changed: nothing
    # is saved (nor logged).
    prefix = f"{row.field}-"
    form = MultiDict(
        {
            f"{prefix}owner": owner,
            f"{prefix}due": due,
            f"{prefix}status": status,
            f"{prefix}shown-owner": row.owner,
            f"{prefix}shown-due": row.due,
            f"{prefix}shown-status": row.status,
        }
    )
    edits, errors = read_action_edits(form, [row], today=date.today())
    if errors:
        raise problems(
            [ErrorDetail(path=e.field.removeprefix(prefix), message=e.message) for e in errors]
        )
    for edit in edits:
        storage.save_action(
            assessment_id=found.id,
            key=edit.key,
            owner=edit.owner,
            due=edit.due,
            status=edit.status,
        )
        row = replace(row, owner=edit.owner or "", due=edit.due or "", status=edit.status)
    return _action_out(row)
