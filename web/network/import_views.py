"""The admin import page: the CSV template, and the upload with an optional dry run."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Response,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse

from web import state
from web.assessment.forms import FieldError
from web.network.auth import admin_required
from web.network.blueprint import bp
from web.network.importing import ImportOutcome, import_file
from web.network.survey_template import template_csv, template_xlsx
from web.storage import batches

__all__ = [
    "import_form",
    "import_template",
    "import_template_xlsx",
    "import_upload",
    "undo_import",
]


def _render(
    outcome: ImportOutcome | None = None, errors: list[FieldError] | None = None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "network/import.html",
        active="import",
        outcome=outcome,
        errors=errors or [],
        imported=_count_arg("imported"),
        counts=_shown_counts(),
        undone=" ".join(str(m) for m in get_flashed_messages()),
        batches=batches.list_batches(),
        dry_run=request.form.get("dry_run") == "1",
        max_megabytes=state.settings().max_import_size // (1024 * 1024),
    )
    return page, status


@bp.get("/import")
@admin_required()
def import_form() -> tuple[str, int]:
    """The upload form, the template link and the format in brief."""
    return _render()


@bp.get("/import/template.csv")
@admin_required("file")
def import_template() -> Response:
    """The survey CSV template of the current rulebook: header and one example row."""
    book = state.rulebook()
    body = template_csv(book, today=datetime.now(UTC).date())
    filename = f"citydip-survey-template-{book.version}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/import/template.xlsx")
@admin_required("file")
def import_template_xlsx() -> Response:
    """The survey template as an Excel workbook, with drop-down lists of allowed values."""
    book = state.rulebook()
    body = template_xlsx(book, today=datetime.now(UTC).date())
    filename = f"citydip-survey-template-{book.version}.xlsx"
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/import")
@admin_required()
def import_upload() -> BaseResponse | tuple[str, int]:
    """Check every row; store all of them, or none when any is bad or on a dry run."""
    # The upload may be larger than other forms. The app-wide CSRF check, which reads the body,
    # skips this view (see _exempt_from_app_csrf) and runs here once the limit is raised; the
    # admin check above has already run, so only the secretariat can send a large body.
    request.max_content_length = state.settings().max_import_size
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        missing = FieldError("file", "f-file", _("Choose a file to import"))
        return _render(errors=[missing], status=400)
    dry_run = request.form.get("dry_run") == "1"
    outcome = import_file(upload.read(), upload.filename, dry_run=dry_run)
    if outcome.problems:
        errors = [FieldError("file", "f-file", str(p)) for p in outcome.problems]
        return _render(outcome, errors, status=400)
    if outcome.dry_run:
        return _render(outcome)
    counts = outcome.counts or batches.BatchCounts()
    return redirect(
        url_for(
            "network.import_form",
            imported=outcome.added,
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
        ),
        code=303,
    )


#: The largest count the page takes from its query string (the redirect after an import
#: says what it did): anything else did not come from that redirect, and is not shown.
_MAX_COUNT = 10**9


def _count_arg(name: str) -> int | None:
    """The count ``name`` of the query string, or None when absent or not a plausible count
    (400 nines would not even format as a number)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value <= _MAX_COUNT else None


def _shown_counts() -> batches.BatchCounts:
    return batches.BatchCounts(
        new=_count_arg("new") or 0,
        updated=_count_arg("updated") or 0,
        unchanged=_count_arg("unchanged") or 0,
    )


@bp.post("/import/batches/<int:batch_id>/undo")
@admin_required()
def undo_import(batch_id: int) -> BaseResponse | tuple[str, int]:
    """Undo one import batch, all of it or nothing."""
    try:
        done = batches.undo_batch(batch_id=batch_id)
    except batches.UndoRefused as exc:
        refused = FieldError("batches", "batches", _("Not undone: %(why)s.", why=str(exc)))
        return _render(errors=[refused], status=409)
    removed = ngettext("%(num)s city removed", "%(num)s cities removed", done.new)
    restored = ngettext(
        "%(num)s restored to its earlier record",
        "%(num)s restored to their earlier record",
        done.updated,
    )
    flash(
        _(
            "Batch %(n)s undone: %(removed)s, %(restored)s.",
            n=batch_id,
            removed=removed,
            restored=restored,
        )
    )
    return redirect(url_for("network.import_form"), code=303)


@bp.record_once
def _exempt_from_app_csrf(setup: BlueprintSetupState) -> None:
    setup.app.extensions["csrf"].exempt(import_upload)
