"""Stored scorecards as a reader sees them: in the language of the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_app_context

from rules import Scorecard
from rules.localize import scorecard_in
from web import state

__all__ = ["for_reader", "stored_scorecard"]


def for_reader(card: Scorecard) -> Scorecard:
    """``card`` (stored or just scored, always in English) in the request's language; as
    stored outside an app (a script reading the database)."""
    return scorecard_in(card, state.rulebook()) if has_app_context() else card


def stored_scorecard(raw: Mapping[str, Any]) -> Scorecard:
    """The stored scorecard ``raw``, its texts in the request's language."""
    return for_reader(Scorecard.model_validate(raw))
