"""The level colours of the charts: measured, and checked to be the colours shown.

What is measured, and why these thresholds:

* **Against the background, at least 3:1** (WCAG 2.1 contrast ratio of relative luminances):
  success criterion 1.4.11, non-text contrast, asks it of the parts of a graphic needed to
  understand it. Every level colour meets it against the white page.
* **Between the levels, at least 1.5:1, darker level by level.** 3:1 between every pair is
  out of reach: five colours that are all 3:1 from white have relative luminances in
  [0, 0.2833], so the lightest and darkest are at most (0.2833 + 0.05) / 0.05 = 6.7:1 apart,
  and four steps of 3:1 would need 81:1. What GOV.UK's and the ONS's chart guidance do instead
  is: distinct hues, 3:1 against the background, a visible separator between adjacent parts,
  and the figures in a table. We do all four (the white gap between segments is
  ``chart__segment`` in ``site.css``; the dashboard and results pages have the tables) and,
  beyond that, order the colours by lightness with every pair at least 1.5:1 apart, about the
  most five steps allow (6.7 ** (1 / 4) = 1.6): so the levels stay apart and in order in
  greyscale print and for colour-blind readers, whatever the hue.
* **Distinct hues: CIEDE2000 colour difference of at least 20 between any two levels.**
  A difference of about 2 is just noticeable; 20 and more reads as a different colour, not a
  shade of the same one. The old palette (five blues) had 6.0 between levels 3 and 4.

The colours live in :data:`web.level_colours.LEVEL_COLOURS`; the charts put them in ``fill``
attributes and ``site.css`` repeats them, so the tests below also check that the CSS and the
rendered pages use exactly these.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import admin_app, sign_in
from web_helpers import PROFILE, csrf_token, fill_everything, post_form, start

from web import storage
from web.level_colours import BACKGROUND, LEVEL_COLOURS, NO_LEVEL_COLOUR, level_colour

SITE_CSS = Path(__file__).resolve().parents[3] / "web" / "static" / "site.css"

MIN_CONTRAST_WITH_BACKGROUND = 3.0
MIN_CONTRAST_BETWEEN_LEVELS = 1.5
MIN_CIEDE2000_BETWEEN_LEVELS = 20.0


def _channels(colour: str) -> tuple[float, float, float]:
    """The sRGB channels of ``#rrggbb``, linearised (WCAG 2.1 relative luminance)."""
    assert re.fullmatch(r"#[0-9a-f]{6}", colour), colour

    def linear(byte: str) -> float:
        c = int(byte, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return linear(colour[1:3]), linear(colour[3:5]), linear(colour[5:7])


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance, 0 (black) to 1 (white)."""
    r, g, b = _channels(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    """WCAG 2.1 contrast ratio, 1 to 21."""
    light, dark = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def cielab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    r, g, b = _channels(colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    rotation = -2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    rotation *= math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    return math.sqrt(
        (d_l / s_l) ** 2
        + (d_c / s_c) ** 2
        + (d_h / s_h) ** 2
        + rotation * (d_c / s_c) * (d_h / s_h)
    )


LEVEL_PAIRS = list(itertools.combinations(sorted(LEVEL_COLOURS), 2))


# --------------------------------------------------------------------------- the measures


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # from the test data published with Sharma, Wu and Dalal (2005)
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_contrast_ratio_matches_wcag_examples() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


# --------------------------------------------------------------------------- the palette


def test_there_is_a_colour_for_each_of_the_five_levels() -> None:
    assert sorted(LEVEL_COLOURS) == [1, 2, 3, 4, 5]
    assert len(set(LEVEL_COLOURS.values())) == 5


@pytest.mark.parametrize("level", sorted(LEVEL_COLOURS))
def test_each_level_colour_has_3_to_1_contrast_with_the_background(level: int) -> None:
    ratio = contrast_ratio(LEVEL_COLOURS[level], BACKGROUND)
    assert ratio >= MIN_CONTRAST_WITH_BACKGROUND, f"level {level}: {ratio:.2f}:1"


def test_levels_get_darker_in_order() -> None:
    luminances = [relative_luminance(LEVEL_COLOURS[level]) for level in sorted(LEVEL_COLOURS)]
    assert luminances == sorted(luminances, reverse=True)


@pytest.mark.parametrize(("one", "other"), LEVEL_PAIRS)
def test_every_two_levels_are_apart_in_lightness(one: int, other: int) -> None:
    ratio = contrast_ratio(LEVEL_COLOURS[one], LEVEL_COLOURS[other])
    assert ratio >= MIN_CONTRAST_BETWEEN_LEVELS, f"levels {one} and {other}: {ratio:.2f}:1"


@pytest.mark.parametrize(("one", "other"), LEVEL_PAIRS)
def test_every_two_levels_differ_in_colour(one: int, other: int) -> None:
    difference = ciede2000(cielab(LEVEL_COLOURS[one]), cielab(LEVEL_COLOURS[other]))
    assert difference >= MIN_CIEDE2000_BETWEEN_LEVELS, f"levels {one}, {other}: {difference:.1f}"


def test_no_level_and_unknown_levels_are_grey() -> None:
    assert level_colour(None) == NO_LEVEL_COLOUR
    assert level_colour(9) == NO_LEVEL_COLOUR
    assert level_colour(3) == LEVEL_COLOURS[3]


# --------------------------------------------------------------------------- what is shown


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with a demo pool large enough for the dashboard's chart to show every level."""
    app = admin_app(tmp_path_factory.mktemp("palette"), demo_pool_size=120)
    yield app
    storage.dispose(app)


@pytest.fixture
def signed_in(network: Flask) -> FlaskClient:
    """A client signed in to the network pages."""
    client = network.test_client()
    sign_in(client)
    return client


def _css_rules() -> dict[str, str]:
    css = re.sub(r"/\*.*?\*/", "", SITE_CSS.read_text("utf-8"), flags=re.S)
    return {
        selector.strip(): body
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if "@" not in selector
    }


def test_the_stylesheet_repeats_exactly_these_colours() -> None:
    rules = _css_rules()
    for level, colour in LEVEL_COLOURS.items():
        body = rules[f".chart__bar--level-{level}"]
        assert re.search(rf"fill:\s*{colour}\s*;", body, re.I), (level, body)
    assert NO_LEVEL_COLOUR in rules[".chart__bar--level-0"]


def test_segments_are_parted_by_a_gap_in_the_background_colour() -> None:
    body = _css_rules()[".chart__segment"]
    assert "stroke: var(--white)" in body and "stroke-width: 2px" in body
    assert BACKGROUND in _css_rules()[":root"]  # --white


def test_the_legend_is_at_the_body_size() -> None:
    rules = _css_rules()
    size = re.search(r"font-size:\s*([\d.]+)rem", rules[".chart-legend"])
    assert size is not None and float(size.group(1)) >= 1
    body_size = re.search(r"font-size:\s*([\d.]+)rem", rules[".body"])
    assert body_size is not None and size.group(1) == body_size.group(1)


def test_the_dashboard_chart_and_legend_use_the_palette(signed_in: FlaskClient) -> None:
    page = signed_in.get("/network/").get_data(as_text=True)
    chart = page.split('data-testid="levels-chart"')[1].split("</figure>")[0]
    legend = chart.split('data-testid="levels-legend"')[1].split("</ul>")[0]
    assert re.findall(r'fill="(#[0-9a-f]{6})"', legend) == list(LEVEL_COLOURS.values())
    assert re.findall(r"</svg>(\d) ", legend) == ["1", "2", "3", "4", "5"]
    svg = chart.split('<svg class="chart__svg')[1]
    segments = re.findall(r'chart__bar--level-(\d)" fill="(#[0-9a-f]{6})"', svg)
    assert segments, "no segment drawn"
    assert all(LEVEL_COLOURS[int(level)] == fill for level, fill in segments)
    assert svg.count('class="chart__bar chart__segment') == len(segments)
    assert "<text" not in svg.split("</desc>")[0].split("<desc")[0]  # no legend text in the SVG


def test_the_results_chart_uses_the_palette(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    fill_everything(client, token, app)
    post_form(client, f"/a/{token}/profile", {**PROFILE, "sharing": "anonymous"})
    client.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")})
    page = client.get(f"/a/{token}/results").get_data(as_text=True)
    svg = page.split('<svg class="chart__svg"')[1].split("</svg>")[0]
    bars = re.findall(r'chart__bar--level-(\d)" fill="(#[0-9a-f]{6})"', svg)
    assert len(bars) == 10
    assert all(level_colour(int(level) or None) == fill for level, fill in bars)
