"""Geometry of the history's trend charts: one dimension's score at each assessment.

One small line chart per dimension, drawn as inline SVG by ``history.html``. As in
:mod:`web.assessment.chart`, everything that varies is an SVG attribute (the CSP forbids inline
styles) and the points take their level's colour from :mod:`web.level_colours`.

The assessments sit at even steps from left to right, oldest first, numbered as in the
history's list, with the month under the number where there is room (four or five
assessments; more, and the table under the chart gives the dates). Where the rulebook's version
changed between two assessments the line between them is dashed and a dashed upright marks the
change, labelled with the new version: the two scores were measured with different yardsticks.

The chart is 400 units wide and shown at most 430 px wide (``chart__svg--narrow``), so its
smallest text (15 units) is 13.5 px in the 360 px a 390 px phone leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from web.level_colours import level_colour

__all__ = ["AxisTick", "RulebookMark", "TrendChart", "TrendPoint", "TrendValue", "trend_chart"]

WIDTH = 400
#: room for the score ticks (0 ... 100) left of the plot
PLOT_LEFT = 40
PLOT_RIGHT = WIDTH - 8
#: room above the plot for the rulebook labels (first row) and the values over the points
PLOT_TOP = 48
PLOT_HEIGHT = 120
PLOT_BOTTOM = PLOT_TOP + PLOT_HEIGHT
#: baselines under the plot: the assessment's number, then its month
NUMBER_Y = PLOT_BOTTOM + 22
DATE_Y = PLOT_BOTTOM + 41
HEIGHT = PLOT_BOTTOM + 48
#: the baseline of a rulebook change's label
MARK_LABEL_Y = 16
#: a month and year ("Sep 2026") at 15 units needs about this much room
DATE_LABEL_WIDTH = 76
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class TrendValue:
    """One assessment's result in one dimension: a point of the chart, a row of its table."""

    #: the assessment's place in the history, from 1 (the oldest)
    number: int
    submitted_on: date
    score: float | None
    level: int | None
    level_name: str | None
    rulebook_version: str
    #: the rulebook's version differs from the previous assessment's
    rulebook_changed: bool
    #: False when the assessment's rulebook had no such dimension
    in_rulebook: bool = True


@dataclass(frozen=True)
class TrendPoint:
    """A value placed on the chart; ``y`` None when there is no score to plot."""

    value: TrendValue
    x: float
    y: float | None
    colour: str
    #: the baseline of the score shown over the point (or of "n/a" near the axis)
    label_y: float


@dataclass(frozen=True)
class Segment:
    """The line from one plotted point to the next."""

    x1: float
    y1: float
    x2: float
    y2: float
    #: the rulebook changed in between: drawn dashed
    across_rulebooks: bool


@dataclass(frozen=True)
class RulebookMark:
    """An upright between two assessments scored under different rulebook versions."""

    x: float
    version: str
    #: where its label starts or ends, and which (SVG ``text-anchor``): it reads away from the
    #: nearer edge, so that it never leaves the chart
    label_x: float
    anchor: str


@dataclass(frozen=True)
class AxisTick:
    """A score on the left axis, with a faint line across the plot."""

    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    """One dimension's line chart."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    number_y: float
    date_y: float
    #: there is room for the month under each number
    show_dates: bool
    points: list[TrendPoint]
    segments: list[Segment]
    marks: list[RulebookMark]
    ticks: list[AxisTick]


def _y(score: float) -> float:
    return round(PLOT_BOTTOM - PLOT_HEIGHT * score / 100, 1)


def trend_chart(values: Sequence[TrendValue]) -> TrendChart:
    """The chart of ``values``, oldest first (see the module's docstring)."""
    step = (PLOT_RIGHT - PLOT_LEFT) / max(len(values), 1)
    points = []
    for position, value in enumerate(values):
        x = round(PLOT_LEFT + step * (position + 0.5), 1)
        y = None if value.score is None else _y(value.score)
        points.append(
            TrendPoint(
                value=value,
                x=x,
                y=y,
                colour=level_colour(value.level),
                label_y=PLOT_BOTTOM - 8 if y is None else y - 11,
            )
        )
    segments = [
        Segment(a.x, a.y, b.x, b.y, b.value.rulebook_changed)
        for a, b in pairwise(points)
        if a.y is not None and b.y is not None
    ]
    marks = []
    for a, b in pairwise(points):
        if b.value.rulebook_changed:
            x = round((a.x + b.x) / 2, 1)
            left_half = x < WIDTH / 2
            marks.append(
                RulebookMark(
                    x=x,
                    version=b.value.rulebook_version,
                    label_x=x + 4 if left_half else x - 4,
                    anchor="start" if left_half else "end",
                )
            )
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        plot_top=PLOT_TOP,
        plot_bottom=PLOT_BOTTOM,
        number_y=NUMBER_Y,
        date_y=DATE_Y,
        show_dates=step >= DATE_LABEL_WIDTH,
        points=points,
        segments=segments,
        marks=marks,
        ticks=[AxisTick(_y(tick), str(tick)) for tick in TICKS],
    )
