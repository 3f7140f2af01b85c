"""The ``citydip`` command line: a Flask CLI group with the toolkit's commands beside it."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from web.app import create_app
from web.cli.peers import peers_command
from web.cli.pool import pool_group
from web.cli.rules import rules_group, score_command
from web.cli.serve import db_group, serve_command

__all__ = ["cli"]


class CitydipGroup(FlaskGroup):
    """A FlaskGroup whose ``--help`` lists commands without building the app.

    Flask's own group creates the app to find commands the app registered itself; ours has
    none, and building it would create an instance folder and a demo pool just to print help.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(self.commands)


cli = CitydipGroup(
    name="citydip",
    create_app=create_app,
    help="City Diplomacy Capacity Toolkit: score assessments, find peer cities, serve the app.",
)
cli.add_command(rules_group)
cli.add_command(score_command)
cli.add_command(pool_group)
cli.add_command(peers_command)
cli.add_command(serve_command)
cli.add_command(db_group)
