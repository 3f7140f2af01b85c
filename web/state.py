"""The per-app objects views need: settings and the loaded rulebook (set by the factory)."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from rules import Rulebook, RulebookError, load_previous
from web.settings import Settings

__all__ = ["install", "previous_rulebook", "rulebook", "settings"]

_SETTINGS = "citydip.settings"
_RULEBOOK = "citydip.rulebook"
_PREVIOUS = "citydip.previous-rulebook"
_PREVIOUS_LOCK = threading.Lock()


def install(app: Flask, *, settings: Settings, book: Rulebook) -> None:
    """Attach the settings and the rulebook to ``app``."""
    app.extensions[_SETTINGS] = settings
    app.extensions[_RULEBOOK] = book


def settings() -> Settings:
    """The settings of the current app."""
    found: Settings = current_app.extensions[_SETTINGS]
    return found


def rulebook() -> Rulebook:
    """The rulebook the current app scores with."""
    found: Rulebook = current_app.extensions[_RULEBOOK]
    return found


def previous_rulebook() -> Rulebook | None:
    """The version the current rulebook migrates from, loaded at first use (most requests never
    need it); None when the rulebook has no migration or the previous version does not load
    (``citydip rules check`` reports that)."""
    extensions = current_app.extensions
    with _PREVIOUS_LOCK:
        if _PREVIOUS not in extensions:
            book = rulebook()
            found: Rulebook | None = None
            if book.migration is not None:
                try:
                    found = load_previous(settings().rulebook_path, book.migration)
                except RulebookError:
                    found = None
            extensions[_PREVIOUS] = found
    previous: Rulebook | None = extensions[_PREVIOUS]
    return previous
