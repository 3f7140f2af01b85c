"""The one rounding rule: scores are whole numbers, rounded down.

A score of 39.6 is 39, never "40" beside level 2 when 40 starts level 3. The engine and the
batch path store scores already rounded this way, levels are read from the rounded score, and
every level threshold is a whole number (``rules check`` enforces it), so a number shown never
contradicts its level: the shown score reaches a threshold exactly when the level does.

A tiny tolerance (``EPSILON``) keeps a mean that is a whole number in exact arithmetic (for
example 40) from being rounded down to 39 by floating-point error; both scoring paths add it
with the same operation, so they stay identical bit for bit.
"""

from __future__ import annotations

import math

__all__ = ["EPSILON", "shown_score", "whole_score"]

EPSILON = 1e-9


def whole_score(value: float) -> float:
    """``value`` (0–100) rounded down to a whole number, as a float."""
    return float(math.floor(value + EPSILON))


def shown_score(value: float | None) -> int | None:
    """The number to show for a score or mean: rounded down to a whole number; None stays None.

    Use it for any figure set beside a level (results page, chart, CSV, deltas), so that
    the web never applies a rounding of its own (``"%.0f"`` would show 39.6 as 40).
    """
    return None if value is None else math.floor(value + EPSILON)
