"""``citydip db upgrade``: create or upgrade the database schema."""

from __future__ import annotations

import click

from web.cli.app import app_or_exit

__all__ = ["db_group"]


@click.group("db")
def db_group() -> None:
    """Manage the database."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Create or upgrade the database schema to the latest revision.

    The app does this itself on every start; use this command to migrate once before
    starting several instances against one database.
    """
    app_or_exit()  # the factory runs the migrations (and loads the demo pool if enabled)
    click.echo("database is up to date")
