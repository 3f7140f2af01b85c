"""The ``citydip`` command line: a Flask CLI group with the toolkit's commands beside it.

One module per command group (``rules``, ``score``, ``peers``, ``pool``, ``serve``, ``db``).
A command's module is imported only when that command runs: ``citydip --help`` and
``citydip rules check`` must not import scikit-learn, SQLAlchemy or the whole app. The short
help each command shows in ``citydip --help`` is kept in :data:`COMMANDS` for that reason; a
test checks it against the command's own docstring.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, NamedTuple

import click
from flask.cli import FlaskGroup

__all__ = ["COMMANDS", "cli"]


class LazyCommand(NamedTuple):
    """Where a command lives and the one line ``citydip --help`` shows for it."""

    module: str
    attribute: str
    short_help: str


COMMANDS = {
    "db": LazyCommand("web.cli.db", "db_group", "Manage the database."),
    "peers": LazyCommand(
        "web.cli.peers",
        "peers_command",
        "Find peer cities for the answers in FILE, whose 'profile:' block gives the context.",
    ),
    "pool": LazyCommand(
        "web.cli.pool",
        "pool_group",
        "Build, import, export and summarise peer-pool files (JSON Lines).",
    ),
    "rules": LazyCommand("web.cli.rules", "rules_group", "Check, test and describe the rulebook."),
    "score": LazyCommand(
        "web.cli.score",
        "score_command",
        "Score the answers in FILE (YAML or JSON) and print the scorecard.",
    ),
    "serve": LazyCommand(
        "web.cli.serve",
        "serve_command",
        "Serve the web app with waitress (settings come from CITYDIP_* variables).",
    ),
}


def load_command(name: str) -> click.Command:
    """Import the command ``name`` of :data:`COMMANDS`."""
    entry = COMMANDS[name]
    command: click.Command = getattr(import_module(entry.module), entry.attribute)
    return command


def _create_app() -> Any:
    from web.app import create_app

    return create_app()


class CitydipGroup(FlaskGroup):
    """A FlaskGroup whose commands are imported when they run, and whose ``--help`` lists
    them without importing them or building the app.

    Flask's own group creates the app to find commands the app registered itself; ours has
    none, and building it would create an instance folder and a demo pool just to print help.
    """

    def _load_plugin_commands(self) -> None:
        # Other packages' `flask.commands` entry points are not offered: the only one
        # installed, Flask-Limiter's, would import it and `rich` into every command.
        return None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, COMMANDS[name].short_help if name in COMMANDS else self._short_help(name))
            for name in self.list_commands(ctx)
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _short_help(self, name: str) -> str:
        return self.commands[name].get_short_help_str(limit=150)


cli = CitydipGroup(
    name="citydip",
    create_app=_create_app,
    help="City Diplomacy Capacity Toolkit: score assessments, find peer cities, serve the app.",
)
