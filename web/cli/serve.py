"""``citydip serve`` (waitress) and ``citydip db upgrade``: build the app, hand it over."""

from __future__ import annotations

import click
from flask import Flask

from web.app import create_app
from web.errors import StartupError
from web.peers import peer_finder

__all__ = ["db_group", "serve_command"]


def _app_or_exit() -> Flask:
    try:
        return create_app()
    except StartupError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the web app with waitress (settings come from CITYDIP_* variables)."""
    import waitress

    app = _app_or_exit()
    # Fit the peer index now, so the first visitor does not wait for the whole pool to load.
    with app.app_context():
        finder = peer_finder()
    cities = 0 if finder is None else int(finder.n_samples_fit_)
    click.echo(f"Peer pool: {cities:,} cities loaded.")
    click.echo(f"Serving on http://{host}:{port}/ (press Ctrl+C to stop)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="citydip")


@click.group("db")
def db_group() -> None:
    """Manage the database."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Create or upgrade the database schema to the latest revision.

    The app does this itself on every start; use this command to migrate once before
    starting several instances against one database.
    """
    _app_or_exit()  # the factory runs the migrations (and loads the demo pool if enabled)
    click.echo("database is up to date")
