"""``citydip serve``: build the app, fit the peer index, hand the app to waitress."""

from __future__ import annotations

import click

from web.cli.app import app_or_exit

__all__ = ["serve_command"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    help="Worker threads. Default: CITYDIP_THREADS.",
)
@click.option(
    "--connection-limit",
    type=click.IntRange(1, 10_000),
    help="Open connections accepted at once. Default: CITYDIP_CONNECTION_LIMIT.",
)
@click.option(
    "--channel-timeout",
    type=click.IntRange(1, 3600),
    help="Seconds before an idle connection is closed. Default: CITYDIP_CHANNEL_TIMEOUT.",
)
def serve_command(
    host: str,
    port: int,
    threads: int | None,
    connection_limit: int | None,
    channel_timeout: int | None,
) -> None:
    """Serve the web app with waitress (settings come from CITYDIP_* variables)."""
    import waitress

    from web import state

    # The demo pool (on a new instance) and the peer index are prepared in a thread while
    # waitress starts: the first page needs neither, and peer queries wait for them.
    app = app_or_exit(
        warm_up_in_background=True,
        on_ready=lambda cities: click.echo(f"Peer pool: {cities:,} cities loaded."),
    )
    with app.app_context():
        settings = state.settings()
    click.echo(f"Serving on http://{host}:{port}/ (press Ctrl+C to stop)")
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads or settings.threads,
        connection_limit=connection_limit or settings.connection_limit,
        channel_timeout=channel_timeout or settings.channel_timeout,
        ident="citydip",
    )
