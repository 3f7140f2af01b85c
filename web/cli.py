"""The ``citydip`` command line: a Flask CLI group with the toolkit's commands beside it."""

from __future__ import annotations

from flask.cli import FlaskGroup

from web.app import create_app
from web.cli_rules import rules_group, score_command

__all__ = ["cli"]

cli = FlaskGroup(
    name="citydip",
    create_app=create_app,
    help="City Diplomacy Capacity Toolkit: score assessments, find peer cities, serve the app.",
)
cli.add_command(rules_group)
cli.add_command(score_command)
