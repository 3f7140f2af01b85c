"""Targets and the action plan: set the targets on the results page, follow the plan on a
page of its own, download it as CSV or Excel. Read only under a share link."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from benchmark.spreadsheet_safe import SafeCsvWriter, xlsx_row
from rules import text_in
from web import state, storage
from web.assessment.access import load_for_reading
from web.assessment.forms import FieldError
from web.assessment.pages import load_assessment
from web.assessment.plan import Plan, build_plan, read_action_edits, status_labels
from web.assessment.results import render_results, submitted_result
from web.assessment.targets import read_targets, target_choices, targets_of
from web.assessment.views import error_map
from web.downloads import attachment, city_file_name

__all__ = ["bp"]

bp = Blueprint("plan", __name__)

PLAN_COLUMNS = (
    "number",
    "dimension",
    "action",
    "question",
    "answer_now",
    "aim",
    "effort",
    "find_out",
    "owner",
    "due",
    "status",
    "next_assessment",
)


def _plan_of(found: storage.StoredAssessment) -> Plan:
    result = submitted_result(found)
    if result is None:
        abort(404)
    card, profile = result
    book = state.rulebook()
    later = storage.later_assessment(assessment_id=found.id)
    return build_plan(book, found, card, profile, targets_of(found, card, book), later)


@bp.post("/a/<token>/targets")
def set_targets(token: str) -> BaseResponse | tuple[str, int]:
    """Store the targets the city chose; then its plan."""
    found = load_assessment(token)
    result = submitted_result(found)
    if result is None:
        abort(404)
    card, _profile = result
    choices = target_choices(card, state.rulebook(), {})
    levels, day, errors = read_targets(request.form, choices, today=date.today())
    if errors:
        return render_results(token, found, target_errors=errors, status=400)
    storage.save_targets(assessment_id=found.id, levels=levels, date=day)
    return redirect(url_for("plan.plan", token=token), code=303)


def _render_plan(
    token: str, found: storage.StoredAssessment, shared: bool, errors: list[FieldError]
) -> tuple[str, int]:
    plan = _plan_of(found)
    return render_template(
        "plan.html",
        token=token,
        plan=plan,
        shared=shared,
        city=(found.profile or {}).get("name", ""),
        statuses=status_labels(),
        titles={d.id: text_in(d.title) for d in state.rulebook().dimensions},
        target_date=date.fromisoformat(plan.targets.date) if plan.targets.date else None,
        errors=errors,
        error=error_map(errors),
    ), 400 if errors else 200


@bp.route("/a/<token>/plan", methods=["GET", "POST"])
def plan(token: str) -> BaseResponse | tuple[str, int]:
    """The plan; its owner edits who does what by when and how far it is."""
    if request.method == "GET":
        reading = load_for_reading(token)
        return _render_plan(token, reading.found, reading.shared, [])
    found = load_assessment(token)  # a share link edits nothing: 404
    rows = _plan_of(found).rows
    edits, errors = read_action_edits(request.form, rows, today=date.today())
    if errors:
        return _render_plan(token, found, False, errors)
    for edit in edits:
        storage.save_action(
            assessment_id=found.id,
            key=edit.key,
            owner=edit.owner,
            due=edit.due,
            status=edit.status,
        )
    return redirect(url_for("plan.plan", token=token) + "#actions", code=303)


def _cells(plan: Plan) -> list[list[object]]:
    # The cells a person reads are in the reader's language; the columns' names are keys.
    labels = status_labels()
    efforts = {"low": _("low"), "medium": _("medium"), "high": _("high")}
    return [
        [
            row.number,
            row.dimension,
            row.action.advice,
            row.question,
            row.now,
            row.aim,
            efforts.get(row.action.effort, row.action.effort),
            _("yes") if row.action.find_out else _("no"),
            row.owner,
            row.due,
            labels.get(row.status, row.status),
            row.outcome or "",
        ]
        for row in plan.rows
    ]


def _file_name(found: storage.StoredAssessment, extension: str) -> str:
    return city_file_name((found.profile or {}).get("name", ""), "plan", date.today(), extension)


@bp.get("/a/<token>/plan.csv")
def plan_csv(token: str) -> Response:
    """The plan as CSV (spreadsheet-safe)."""
    found = load_for_reading(token).found
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(PLAN_COLUMNS)
    writer.writerows(_cells(_plan_of(found)))
    return Response(
        out.getvalue(), mimetype="text/csv", headers=attachment(_file_name(found, "csv"))
    )


@bp.get("/a/<token>/plan.xlsx")
def plan_xlsx(token: str) -> Response:
    """The plan as an Excel workbook."""
    from openpyxl import Workbook  # only this download needs it

    found = load_for_reading(token).found
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Plan")
    sheet.append(list(PLAN_COLUMNS))
    for cells in _cells(_plan_of(found)):
        sheet.append(xlsx_row(sheet, cells))
    out = io.BytesIO()
    book.save(out)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        out.getvalue(), mimetype=mimetype, headers=attachment(_file_name(found, "xlsx"))
    )
