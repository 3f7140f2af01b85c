"""Geometry of the results bar chart, drawn as inline SVG by the results template.

Everything visual that varies is an SVG attribute (x, y, width), never a style attribute: the
Content-Security-Policy forbids inline styles (SVG presentation attributes such as ``fill`` are
not styles). Colours come from :mod:`web.level_colours`, the one palette of every chart.

The chart has two layouts, drawn as two SVGs of which the stylesheet shows one (no script):

* **beside** (:class:`Chart`): the names left of the bars, 760 units wide, on screens 48em
  (768 px) wide and more, where it shows 700 px wide or more, so its smallest text (the level
  names, 14 units) is at least 13 px;
* **stacked** (:class:`StackedChart`): each name above its bar, 400 units wide and shown at
  most 430 px wide (``chart__svg--narrow``), as the dashboard's charts are. The layout beside
  would shrink to 360 px on a 390 px phone and its text to 6 to 8 px; this one keeps every
  text at 14 px or more there (16 units × 360 / 400). The level names along the top take
  two rows in turn, so that neighbours never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules import Scorecard, text_in
from rules.model import Level
from web.level_colours import level_colour

__all__ = ["Bar", "Chart", "Gridline", "StackedBar", "StackedChart", "dimension_chart"]

LABEL_WIDTH = 300
PLOT_WIDTH = 400
VALUE_WIDTH = 60
ROW_HEIGHT = 32
BAR_HEIGHT = 20
TOP = 36

#: the stacked layout: a plot 350 units wide and room for a value of 100 right of it
STACKED_PLOT_WIDTH = 350
STACKED_WIDTH = 400
#: a name's line above its bar, the bar, and the gap to the next name
STACKED_LABEL_HEIGHT = 24
STACKED_ROW_GAP = 12
STACKED_ROW_HEIGHT = STACKED_LABEL_HEIGHT + BAR_HEIGHT + STACKED_ROW_GAP
#: the baselines of the level names' two rows, and the top of the first dimension's name
STACKED_GRID_ROWS = (16, 34)
STACKED_TOP = 44


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
    #: the baseline of its label (the stacked layout puts neighbours on two rows)
    label_y: float = 14


@dataclass(frozen=True)
class StackedBar:
    """One dimension's bar in the stacked layout, its name above it."""

    label: str
    score: float | None
    level: int | None
    colour: str
    #: the baseline of the name
    label_y: float
    #: the top of the bar
    y: float
    width: float
    #: the baseline of the value, right of the bar
    text_y: float
    value_x: float


@dataclass(frozen=True)
class StackedChart:
    """The same bars with each name above its bar, for a narrow screen."""

    width: int
    height: int
    plot_width: int
    #: where the gridlines start: under the level names
    grid_top: int
    bars: list[StackedBar]
    gridlines: list[Gridline]


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of dimension scores, with level thresholds."""

    width: int
    height: int
    plot_x: int
    plot_width: int
    bars: list[Bar]
    gridlines: list[Gridline]
    #: the same chart for a narrow screen
    stacked: StackedChart


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
        stacked=stacked_chart(card, levels),
    )


def stacked_chart(card: Scorecard, levels: list[Level]) -> StackedChart:
    """The stacked layout of ``card``'s chart (see the module's docstring)."""
    bars = []
    for row, dim in enumerate(card.dimensions):
        top = STACKED_TOP + row * STACKED_ROW_HEIGHT
        bar_y = top + STACKED_LABEL_HEIGHT
        width = 0.0 if dim.score is None else round(STACKED_PLOT_WIDTH * dim.score / 100, 1)
        bars.append(
            StackedBar(
                label=dim.title,
                score=dim.score,
                level=dim.level,
                colour=level_colour(dim.level),
                label_y=bar_y - 6,
                y=bar_y,
                width=width,
                text_y=bar_y + BAR_HEIGHT / 2 + 6,
                value_x=width + 6,
            )
        )
    thresholds = [level for level in levels if level.min_score > 0]
    gridlines = [
        Gridline(
            x=round(STACKED_PLOT_WIDTH * level.min_score / 100, 1),
            label=text_in(level.name),
            label_y=STACKED_GRID_ROWS[position % 2],
        )
        for position, level in enumerate(thresholds)
    ]
    return StackedChart(
        width=STACKED_WIDTH,
        height=STACKED_TOP + STACKED_ROW_HEIGHT * len(bars) - STACKED_ROW_GAP + 4,
        plot_width=STACKED_PLOT_WIDTH,
        grid_top=STACKED_GRID_ROWS[-1] + 6,
        bars=bars,
        gridlines=gridlines,
    )
