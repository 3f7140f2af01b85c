"""Geometry of the results bar chart, drawn as inline SVG by the results template.

Everything visual that varies is an SVG attribute (x, y, width), never a style attribute: the
Content-Security-Policy forbids inline styles (SVG presentation attributes such as ``fill`` are
not styles). Colours come from :mod:`web.level_colours`, the one palette of every chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules import Scorecard, text_in
from rules.model import Level
from web.level_colours import level_colour

__all__ = ["Bar", "Chart", "Gridline", "dimension_chart"]

LABEL_WIDTH = 300
PLOT_WIDTH = 400
VALUE_WIDTH = 60
ROW_HEIGHT = 32
BAR_HEIGHT = 20
TOP = 36


@dataclass(frozen=True)
class Bar:
    """One dimension's bar."""

    label: str
    score: float | None
    level: int | None
    level_name: str | None
    #: the fill of the bar: its level's colour
    colour: str
    y: float
    width: float
    text_y: float
    value_x: float


@dataclass(frozen=True)
class Gridline:
    """A level threshold drawn across the plot."""

    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of dimension scores, with level thresholds."""

    width: int
    height: int
    plot_x: int
    plot_width: int
    bars: list[Bar]
    gridlines: list[Gridline]


def _x(score: float) -> float:
    return round(LABEL_WIDTH + PLOT_WIDTH * score / 100, 1)


def dimension_chart(card: Scorecard, levels: list[Level]) -> Chart:
    """The chart of ``card``: one bar per dimension, one gridline per level threshold."""
    bars = []
    for row, dim in enumerate(card.dimensions):
        y = TOP + row * ROW_HEIGHT
        score = dim.score
        width = 0.0 if score is None else round(PLOT_WIDTH * score / 100, 1)
        bars.append(
            Bar(
                label=dim.title,
                score=score,
                level=dim.level,
                level_name=dim.level_name,
                colour=level_colour(dim.level),
                y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                width=width,
                text_y=y + ROW_HEIGHT / 2 + 5,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    gridlines = [
        Gridline(x=_x(level.min_score), label=text_in(level.name))
        for level in levels
        if level.min_score > 0
    ]
    return Chart(
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        height=TOP + ROW_HEIGHT * len(bars) + 8,
        plot_x=LABEL_WIDTH,
        plot_width=PLOT_WIDTH,
        bars=bars,
        gridlines=gridlines,
    )
