"""The admin import page: the CSV template, and the upload with an optional dry run."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from web import state
from web.assessment.forms import FieldError
from web.network.auth import admin_required
from web.network.blueprint import bp
from web.network.importing import ImportOutcome, import_file
from web.network.survey_template import template_csv

__all__ = ["import_form", "import_template", "import_upload"]


def _render(
    outcome: ImportOutcome | None = None, errors: list[FieldError] | None = None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "network/import.html",
        active="import",
        outcome=outcome,
        errors=errors or [],
        imported=request.args.get("imported", type=int),
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
    return redirect(url_for("network.import_form", imported=outcome.added), code=303)


@bp.record_once
def _exempt_from_app_csrf(setup: BlueprintSetupState) -> None:
    setup.app.extensions["csrf"].exempt(import_upload)
