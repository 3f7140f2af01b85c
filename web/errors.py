"""Errors of the app as a whole, imported by the factory and by the modules it sets up.

:class:`StartupError` lives here, not in :mod:`web.app`, so that the modules the factory
initialises (security, API limits) can raise it without importing the factory back.
"""

from __future__ import annotations

__all__ = ["StartupError"]


class StartupError(RuntimeError):
    """The app cannot start: bad settings or a broken rulebook; the message says why."""
