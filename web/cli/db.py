"""``citydip db upgrade``: create or upgrade the database schema, then re-score old results."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from web.cli.app import app_or_exit

if TYPE_CHECKING:
    from web.rescoring import RescoreReport

__all__ = ["db_group"]


@click.group("db")
def db_group() -> None:
    """Manage the database."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Create or upgrade the database schema to the latest revision, and re-score results
    stored under an older rulebook (the original result is kept).

    The app does both itself on every start; use this command to migrate once before
    starting several instances against one database.
    """
    from web import rescoring, state
    from web.app import prepare_data

    app = app_or_exit(prepare=False)  # the factory runs the schema migrations
    with app.app_context():
        total = rescoring.count_outdated(state.rulebook())
        with click.progressbar(length=total, label="Re-scoring", file=sys.stderr) as bar:
            report = prepare_data(progress=bar.update)
        version = state.rulebook().version
    click.echo(summary(report, version))
    click.echo("database is up to date")


def summary(report: RescoreReport, version: str) -> str:
    """What the re-scoring did, in one or two lines."""
    if not report.rescored and not report.left:
        return f"every stored result is scored with rulebook {version}"
    lines = [
        f"re-scored with rulebook {version}: {report.assessments} submitted assessments, "
        f"{report.drafts} drafts, {report.pool_records} pool records (originals kept)"
    ]
    for old, count in sorted(report.left.items()):
        lines.append(
            f"left as they were: {count} results of rulebook {old} "
            "(no migration leads from that version, or the answers no longer fit)"
        )
    return "\n".join(lines)
