"""Building the app for a command: the factory's report on stderr and exit 1 if it cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["app_or_exit"]


def app_or_exit(**options: Any) -> Flask:
    """The app built from the ``CITYDIP_*`` settings, or exit 1 with the factory's report.

    ``options`` go to :func:`~web.app.create_app` (``warm_up_in_background``, ``on_ready``).
    """
    from web.app import create_app
    from web.errors import StartupError

    try:
        return create_app(**options)
    except StartupError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
