"""The per-app objects views need: settings and the loaded rulebook (set by the factory)."""

from __future__ import annotations

from flask import Flask, current_app

from rules import Rulebook
from web.settings import Settings

__all__ = ["install", "rulebook", "settings"]

_SETTINGS = "citydip.settings"
_RULEBOOK = "citydip.rulebook"


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
