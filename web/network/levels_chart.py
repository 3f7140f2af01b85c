"""Geometry of the dashboard's level-distribution chart, drawn as inline SVG by its template.

One stacked bar per dimension, split by maturity level in proportion to the number of cities
at each level. As in :mod:`web.assessment.chart`, everything that varies is an SVG attribute
(the CSP forbids inline styles) and the colours come from :mod:`web.level_colours`. Adjacent
segments are parted by a white gap (``chart__segment`` in ``site.css``).

The legend is HTML beside the SVG, not text inside it: an SVG scales with the width of the
page, so its text would shrink to a few pixels on a phone, while HTML text stays at the body
size and wraps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchmark.aggregates import DimensionLevels
from web.level_colours import level_colour

__all__ = ["LegendItem", "LevelsChart", "Segment", "StackedBar", "levels_chart"]

#: Each dimension's name sits above its bar, not beside it, so that the chart is narrow: the
#: SVG is drawn 400 units wide and shown at most 430 px wide (``chart__svg--narrow``), so its
#: names are body-sized (19 px) on a laptop and still 16 px on a 390 px phone, where a chart
#: with the names beside the bars would shrink them to 8 px.
PLOT_WIDTH = 400
LABEL_HEIGHT = 24
BAR_HEIGHT = 20
ROW_GAP = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
#: room above the first name
TOP = 2


@dataclass(frozen=True)
class Segment:
    """The cities of one dimension at one level."""

    level: int
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class StackedBar:
    """One dimension's bar; no segments when the dimension is suppressed."""

    label: str
    suppressed: bool
    #: why it is suppressed (see :data:`benchmark.aggregates.Reason`); None when shown
    reason: str | None
    n: int | None
    #: the top of the bar
    y: float
    #: the baseline of the dimension's name, above the bar
    label_y: float
    #: the baseline of a text in the bar's place ("withheld...")
    text_y: float
    segments: list[Segment]


@dataclass(frozen=True)
class LegendItem:
    """A level's colour and name, shown in the HTML legend above the chart."""

    level: int
    label: str
    colour: str


@dataclass(frozen=True)
class LevelsChart:
    """Stacked bars of the share of cities at each level, per dimension."""

    width: int
    height: int
    plot_x: int
    plot_width: int
    bars: list[StackedBar]
    legend: list[LegendItem]


def levels_chart(
    rows: Sequence[DimensionLevels], titles: Mapping[str, str], level_names: Mapping[int, str]
) -> LevelsChart:
    """The chart of ``rows``; ``titles`` names dimensions and ``level_names`` the levels."""
    bars = []
    for position, row in enumerate(rows):
        top = TOP + position * ROW_HEIGHT
        bar_y = top + LABEL_HEIGHT
        bars.append(
            StackedBar(
                label=titles.get(row.dimension, row.dimension),
                suppressed=row.suppressed,
                reason=row.reason,
                n=row.n,
                y=bar_y,
                label_y=top + LABEL_HEIGHT - 6,
                text_y=bar_y + BAR_HEIGHT / 2 + 5,
                segments=_segments(row),
            )
        )
    legend = [LegendItem(level, name, level_colour(level)) for level, name in level_names.items()]
    return LevelsChart(
        width=PLOT_WIDTH,
        height=TOP + ROW_HEIGHT * len(bars) - ROW_GAP + 4,
        plot_x=0,
        plot_width=PLOT_WIDTH,
        bars=bars,
        legend=legend,
    )


def _segments(row: DimensionLevels) -> list[Segment]:
    if row.suppressed or not row.counts or not row.n:
        return []
    segments = []
    x = 0.0
    for level, count in row.counts.items():
        width = round(PLOT_WIDTH * count / row.n, 1)
        if count:
            segments.append(
                Segment(
                    level=level,
                    count=count,
                    x=round(x, 1),
                    width=width,
                    colour=level_colour(level),
                )
            )
        x += width
    return segments
