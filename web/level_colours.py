"""The colours of the five maturity levels in every chart, kept here and nowhere else.

The charts (:mod:`web.assessment.chart`, :mod:`web.network.levels_chart`) put these colours in
SVG ``fill`` attributes; ``site.css`` repeats them in its ``chart__bar--level-N`` rules only so
that a chart drawn with classes alone shows the same colours, and
``tests/web/network/test_palette.py`` fails if the two ever differ.

Why these five (measured in ``tests/web/network/test_palette.py``, explained in
``docs/network.md``): each has at least 3:1 contrast against the white background (WCAG 2.1
success criterion 1.4.11, non-text contrast); they get darker level by level, every pair at least
1.5:1 apart in luminance, so the order survives greyscale printing and colour blindness; and the
hues differ (orange, teal, blue, plum, navy: CIEDE2000 distance 20 or more between any two).
Five colours cannot all be 3:1 from white *and* 3:1 from each other, so, as in GOV.UK and ONS
charts, adjacent segments are also parted by a white gap, the legend names every colour and a
table beside each chart gives the numbers.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = ["BACKGROUND", "LEVEL_COLOURS", "NO_LEVEL_COLOUR", "level_colour"]

#: the page and chart background
BACKGROUND: Final = "#ffffff"

#: level -> fill colour, from level 1 (lightest) to level 5 (darkest)
LEVEL_COLOURS: Final = MappingProxyType(
    {
        1: "#e86a1c",  # orange
        2: "#0e7f74",  # teal
        3: "#2552a6",  # blue
        4: "#6a1255",  # plum
        5: "#0c1a30",  # navy
    }
)

#: a bar without a level (a dimension that was not assessed): the site's border grey
NO_LEVEL_COLOUR: Final = "#b1b4b6"


def level_colour(level: int | None) -> str:
    """The fill colour of ``level``; :data:`NO_LEVEL_COLOUR` for None or an unknown level."""
    if level is None:
        return NO_LEVEL_COLOUR
    return LEVEL_COLOURS.get(level, NO_LEVEL_COLOUR)
