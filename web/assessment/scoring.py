"""The "how scoring works" page: the live rulebook's levels, gates and rules, for an officer.

The figures (thresholds, the floor margin, each dimension's must-haves) come from the rulebook
the app scores with, so the page cannot drift from the scoring; the reasoning behind them is
in ``docs/scoring.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template

from rules import Dimension, Rulebook, text_in
from web import state

__all__ = ["bp", "level_rows", "must_haves"]

bp = Blueprint("scoring", __name__)


@dataclass(frozen=True)
class LevelRow:
    """One level of the overall scale: its name, its score range and what it says."""

    level: int
    name: str
    low: int
    high: int
    description: str


@dataclass(frozen=True)
class MustHave:
    """A gate: what a dimension needs before it can reach ``level``."""

    level: int
    reason: str


def level_rows(book: Rulebook) -> list[LevelRow]:
    """The levels with the whole-number score range each one covers."""
    levels = sorted(book.levels, key=lambda lv: lv.min_score)
    rows = []
    for n, level in enumerate(levels):
        high = int(levels[n + 1].min_score) - 1 if n + 1 < len(levels) else 100
        rows.append(
            LevelRow(
                level.level,
                text_in(level.name),
                int(level.min_score),
                high,
                text_in(level.description),
            )
        )
    return rows


def must_haves(dimension: Dimension) -> list[MustHave]:
    """The dimension's gates, lowest level first."""
    gates = sorted(dimension.gates, key=lambda g: g.level)
    return [MustHave(g.level, text_in(g.reason)) for g in gates]


@bp.get("/how-scoring-works")
def how_scoring_works() -> str:
    """Levels, gates, the floor, N/A and "don't know", and why a level can be held back."""
    book = state.rulebook()
    return render_template(
        "how_scoring.html",
        book=book,
        levels=level_rows(book),
        dimensions=[(d, must_haves(d)) for d in book.dimensions],
        floor_margin=book.floor_margin,
        text_in=text_in,
    )
