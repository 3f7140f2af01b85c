"""Building the app for a command: the factory's report on stderr and exit 1 if it cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["app_or_exit"]


def app_or_exit() -> Flask:
    """The app built from the ``CITYDIP_*`` settings, or exit 1 with the factory's report."""
    from web.app import create_app
    from web.errors import StartupError

    try:
        return create_app()
    except StartupError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
