"""Issue 15, items 4 and 8, in a real browser: a city's history of assessments, and every chart
readable on a phone.

A city assesses and re-assesses twice, then opens its history from the results page. At 1280
and 390 px: the history is axe clean and no page scrolls sideways; every text of the results
chart, of the history's trend charts and of the network dashboard's charts renders at 12 px or
more (its computed font size times the scale its SVG is drawn at); screenshots go to
docs/screenshots/history-<width>.png and results-chart-390.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_checks import (
    BLOCKING_IMPACTS,
    axe_violations,
    csp_violations,
    describe_violations,
    save_screenshot,
)
from e2e_journey import Journey, answer_questions, token_of
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

#: a laptop and a phone
WIDTHS = (1280, 390)

#: the smallest text a chart may show, in CSS pixels
MIN_TEXT_PX = 12

#: Every shown <text> of the SVGs under the elements ``selector`` matches: its words, and its
#: size as drawn (the computed font size, in the SVG's units, times the scale from those units
#: to the screen). A hidden SVG (the results chart's other layout) has no boxes and is skipped.
_CHART_TEXTS = """(selector) => [...document.querySelectorAll(selector)]
  .flatMap((root) => [...root.querySelectorAll('svg text')])
  .filter((t) => t.getClientRects().length > 0)
  .map((t) => { const m = t.getScreenCTM();
    return {text: t.textContent.trim().slice(0, 40),
            px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)}; })"""

#: the history's charts, the results chart (both layouts), the dashboard's two charts
HISTORY_CHARTS = "[data-testid^=trend-]:is(figure)"
RESULTS_CHARTS = "[data-testid=chart], [data-testid=chart-stacked]"
DASHBOARD_CHARTS = "[data-testid=levels-chart], [data-testid=trend-chart]"


def small_chart_texts(page: Page, selector: str, where: str) -> tuple[list[str], float]:
    """The chart texts under ``selector`` drawn smaller than :data:`MIN_TEXT_PX`, and the
    smallest size drawn; fails when there is no chart text at all to measure."""
    texts = page.evaluate(_CHART_TEXTS, selector)
    assert texts, f"{where}: no chart text shown under {selector}"
    small = [f"{where}: {t['text']!r} at {t['px']:.1f} px" for t in texts if t["px"] < MIN_TEXT_PX]
    return small, min(t["px"] for t in texts)


#: The innermost elements reaching past the window's right edge (a wide table scrolls in its
#: own box, which is allowed; visually hidden text does not count).
_TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length
      && !e.closest('.visually-hidden, .skip-link')
      && !(e.parentElement && e.parentElement.closest('.table-container')))
    .slice(-5).map((e) => `${e.tagName.toLowerCase()}.${e.className} `
      + (e.textContent || '').trim().slice(0, 40));
}"""


def sideways(page: Page, name: str) -> list[str]:
    """A problem when the page is wider than the window, naming what sticks out."""
    if page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    ):
        return [f"{name}: the page scrolls sideways, past the window: {page.evaluate(_TOO_WIDE)}"]
    return []


def charts_past_the_edge(page: Page, selector: str, name: str) -> list[str]:
    """A problem for each shown chart under ``selector`` that reaches past the window."""
    past = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
          .flatMap((root) => [...root.querySelectorAll('svg')])
          .filter((svg) => svg.getClientRects().length
            && svg.getBoundingClientRect().right > document.documentElement.clientWidth)
          .map((svg) => svg.getAttribute('aria-labelledby'))""",
        selector,
    )
    return [f"{name}: the chart {label} reaches past the window" for label in past]


def page_problems(tab: Any, name: str) -> list[str]:
    """Blocking axe violations, console errors, CSP violations, a page wider than the window."""
    page = tab.page
    found = []
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        found.append(describe_violations(name, blocking))
    found += [f"[{name}] {p}" for p in tab.problems.take() + csp_violations(page)]
    return found + sideways(page, name)


def reassess(page: Page, *, staff_pick: int) -> None:
    """From the results: start a new assessment, change the staff answers, submit."""
    page.get_by_test_id("reassess").click()
    page.wait_for_url("**/check")
    token = token_of(page.url)
    page.goto(f"/a/{token}/step/staff")
    answer_questions(page, pick=staff_pick)
    page.get_by_test_id("continue").click()
    page.wait_for_url(re.compile(r"/step/budget$"))
    page.goto(f"/a/{token}/check")
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/a/{token}/results")


def test_history_and_every_chart_are_readable_on_a_phone(open_tab: Any, live_server: Any) -> None:
    tab = open_tab(viewport={"width": 1280, "height": 900})
    page = tab.page
    Journey(page).complete(pick=1)
    reassess(page, staff_pick=3)
    reassess(page, staff_pick=4)
    results_url = page.url

    page.get_by_test_id("history-link").click()
    page.wait_for_url("**/history")
    expect(page.get_by_test_id("history-entries").locator("tbody tr")).to_have_count(3)
    staff = page.get_by_test_id("trend-staff")
    expect(staff.locator("svg")).to_be_visible()
    expect(staff.locator("circle.chart__point")).to_have_count(3)
    # the chart and its table give the same numbers
    chart = staff.locator("text.chart__value").all_text_contents()
    table = page.get_by_test_id("trend-table-staff").get_by_test_id("score").all_inner_texts()
    assert chart == table and len(chart) == 3

    problems: list[str] = []
    smallest: dict[str, float] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        small, smallest[f"history {width}"] = small_chart_texts(page, HISTORY_CHARTS, "history")
        problems += small + page_problems(tab, f"history at {width} px")
        save_screenshot(page, f"history-{width}")

    page.goto(results_url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        small, smallest[f"results {width}"] = small_chart_texts(page, RESULTS_CHARTS, "results")
        problems += small + charts_past_the_edge(page, RESULTS_CHARTS, f"results at {width} px")
        problems += sideways(page, f"results of a re-assessment at {width} px")
    save_screenshot(page, "results-chart-390")

    page.goto(results_url.replace("/results", "/report"))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        small, smallest[f"report {width}"] = small_chart_texts(page, RESULTS_CHARTS, "report")
        problems += small + sideways(page, f"report at {width} px")

    admin = open_tab(viewport={"width": 1280, "height": 900})
    response = admin.page.goto("/network/")
    assert response is not None and response.status == 401
    admin.page.get_by_label("Admin token").fill(live_server.admin_token)
    admin.page.get_by_test_id("sign-in").click()
    admin.page.wait_for_url(re.compile(r"/network/$"))
    for width in WIDTHS:
        admin.page.set_viewport_size({"width": width, "height": 900})
        small, smallest[f"dashboard {width}"] = small_chart_texts(
            admin.page, DASHBOARD_CHARTS, "dashboard"
        )
        problems += small

    print("smallest chart text (px):", {k: round(v, 1) for k, v in smallest.items()})
    assert not problems, "\n".join(problems)
