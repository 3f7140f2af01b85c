"""The ``citydip`` command line: a Flask CLI group with the toolkit's commands beside it."""

from __future__ import annotations

from flask.cli import FlaskGroup

from web.app import create_app
from web.cli_peers import peers_command
from web.cli_pool import pool_group
from web.cli_rules import rules_group, score_command
from web.cli_serve import db_group, serve_command

__all__ = ["cli"]

cli = FlaskGroup(
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
