"""The ``citydip`` command line: a Flask CLI group with the toolkit's commands beside it.

One module per command group (``rules``, ``score``, ``peers``, ``pool``, ``serve``, ``db``).
A command's module is imported only when that command runs: ``citydip --help`` and
``citydip rules check`` must not import scikit-learn, SQLAlchemy or the whole app. The short
help each command shows in ``citydip --help`` is kept in :data:`COMMANDS` for that reason; a
test checks it against the command's own docstring.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple

import click

if TYPE_CHECKING:
    from flask.cli import FlaskGroup

__all__ = ["COMMANDS", "cli", "main"]

HELP = "City Diplomacy Capacity Toolkit: score assessments, find peer cities, serve the app."


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


class LazyCommands(click.Group):
    """Commands of :data:`COMMANDS`, imported when they run, listed without importing them."""

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


@cache
def make_cli() -> FlaskGroup:
    """The ``citydip`` group: our commands beside Flask's ``run``, ``shell`` and ``routes``."""
    from flask.cli import FlaskGroup

    class CitydipGroup(LazyCommands, FlaskGroup):
        """A FlaskGroup whose ``--help`` lists commands without building the app.

        Flask's own group creates the app to find commands the app registered itself; ours
        has none, and building it would create an instance folder and a demo pool just to
        print help.
        """

        def _load_plugin_commands(self) -> None:
            # Other packages' `flask.commands` entry points are not offered: the only one
            # installed, Flask-Limiter's, would import it and `rich` into every command.
            return None

    return CitydipGroup(name="citydip", create_app=_create_app, help=HELP)


#: Commands that never build the app, run without importing Flask (see :func:`main`).
WITHOUT_FLASK = ("rules", "score")


def main() -> None:
    """The ``citydip`` console script.

    ``citydip rules ...`` and ``citydip score ...`` read files and print: they run in a plain
    click group, without importing Flask (a quarter of a second). Everything else, help
    included, goes through the Flask group.
    """
    args = sys.argv[1:]
    if args and args[0] in WITHOUT_FLASK:
        group = LazyCommands(name="citydip", help=HELP)
        group.add_command(load_command(args[0]), args[0])
        group.main(args, prog_name="citydip")
    else:
        make_cli().main(args, prog_name="citydip")


def __getattr__(name: str) -> Any:
    # ``web.cli.cli``, the whole group, for tests and ``python -m``-style callers.
    if name == "cli":
        return make_cli()
    raise AttributeError(f"module 'web.cli' has no attribute {name!r}")
