"""The network pages and re-assessment in a real browser, with axe-core on every page.

The secretariat signs in, reads the dashboard and filters it; a city submits an assessment,
starts a new one from it and sees the change per dimension. No page may have a serious or
critical axe violation, a console error or a CSP violation.
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
    is_own_status_message,
    save_screenshot,
)
from e2e_journey import Journey, answer_questions, choose, token_of
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

_MATCHING = re.compile(r"^(\d+) of the (\d+) cities in the pool match the filters\.$")


def check_page(tab: Any, name: str) -> None:
    """No serious or critical axe violation, no console error, no CSP violation."""
    page = tab.page
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe_violations(name, blocking)
    problems = [
        p for p in tab.problems.take() + csp_violations(page) if not is_own_status_message(p, page)
    ]
    assert not problems, f"[{name}] console errors or CSP violations:\n" + "\n".join(problems)


def matching_cities(page: Page) -> tuple[int, int]:
    """(cities matching the filters, cities in the pool) as the dashboard says."""
    found = _MATCHING.match(page.get_by_test_id("city-count").inner_text().strip())
    assert found, page.get_by_test_id("city-count").inner_text()
    return int(found[1]), int(found[2])


def test_secretariat_signs_in_and_filters_the_dashboard(tab: Any, live_server: Any) -> None:
    page = tab.page
    response = page.goto("/network/")
    assert response is not None and response.status == 401
    # the sign-in form itself, at once: no link to follow first
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the network pages")
    expect(page.get_by_test_id("sign-in-needed")).to_be_visible()
    check_page(tab, "sign in (page asked for without signing in)")
    page.get_by_label("Admin token").fill(live_server.admin_token)
    page.get_by_test_id("sign-in").click()
    page.wait_for_url(re.compile(r"/network/$"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Network dashboard")
    nav = page.get_by_test_id("admin-nav")
    expect(nav.locator("[aria-current=page]")).to_have_text("Dashboard")
    expect(nav.get_by_role("link")).to_have_text(["Dashboard", "Members", "Cities", "Import"])
    expect(page.get_by_test_id("levels-legend").locator("li")).to_have_count(5)
    expect(page.get_by_test_id("headline-table").locator("tbody tr")).to_have_count(4)
    for row in page.get_by_test_id("headline-table").locator("tbody tr").all():
        expect(row.get_by_test_id("reference").first).to_contain_text("Source:")
    expect(page.get_by_test_id("levels-chart").locator("svg.chart__svg")).to_be_visible()
    expect(page.get_by_test_id("demo-warning")).to_be_visible()
    check_page(tab, "dashboard")

    page.get_by_label("EU membership", exact=True).select_option("yes")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r"[?&]eu=yes"))
    matching, total = matching_cities(page)
    assert 0 < matching < total
    expect(page.get_by_label("EU membership", exact=True)).to_have_value("yes")
    check_page(tab, "dashboard filtered")

    choose(page, page.locator("#f-exclude-demo"))
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r"[?&]exclude_demo=1"))
    expect(page.get_by_test_id("demo-excluded")).to_be_visible()
    assert matching_cities(page)[0] < matching
    check_page(tab, "dashboard without demo data")

    page.get_by_test_id("admin-nav").get_by_role("link", name="Import").click()
    page.wait_for_url("**/network/import")
    expect(page.get_by_test_id("admin-nav").locator("[aria-current=page]")).to_have_text("Import")
    check_page(tab, "import")
    bad = {"name": "survey.csv", "mimeType": "text/csv", "buffer": b"name,country\nX,DE\n"}
    page.get_by_label("Survey CSV or pool file").set_input_files(bad)
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.get_by_test_id("import-nothing")).to_contain_text("Nothing was imported.")
    check_page(tab, "import with problems")

    page.goto("/network/members")
    expect(page.get_by_test_id("members")).to_be_visible()
    check_page(tab, "members")
    page.goto("/network/cities?q=a")
    expect(page.get_by_test_id("cities")).to_be_visible()
    check_page(tab, "cities search")
    page.get_by_test_id("cities").get_by_role("link", name=re.compile("^Delete")).first.click()
    expect(page.get_by_test_id("confirm-delete")).to_be_visible()
    check_page(tab, "delete a city: confirmation")

    page.goto("/network/")
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(re.compile(r"/network/sign-in\?signed_out=1$"))
    expect(page.get_by_test_id("signed-out")).to_be_visible()
    assert page.goto("/network/").status == 401  # type: ignore[union-attr]


def test_city_starts_again_from_its_answers_and_sees_its_progress(tab: Any) -> None:
    page = tab.page
    journey = Journey(page)
    journey.complete(sharing="anonymous")
    first = journey.token
    expect(page.get_by_test_id("change-header")).to_have_count(0)

    page.get_by_test_id("reassess").click()
    page.wait_for_url(re.compile(r"/a/[A-Za-z0-9_-]{43}/check$"))
    second = token_of(page.url)
    assert second != first
    expect(page.get_by_test_id("reassessment-note")).to_be_visible()
    expect(page.get_by_test_id("missing-warning")).to_have_count(0)
    check_page(tab, "check your answers of a re-assessment")

    page.goto(f"/a/{second}/step/strategy")
    answer_questions(page, pick=3)  # one option higher than the first time
    page.get_by_test_id("continue").click()
    page.wait_for_url(f"**/a/{second}/step/institutions")
    page.goto(f"/a/{second}/check")
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/a/{second}/results")

    expect(page.get_by_test_id("change-header")).to_contain_text("Change since")
    expect(page.get_by_test_id("change-strategy")).to_contain_text("Up")
    expect(page.get_by_test_id("change-staff")).to_contain_text("Score unchanged")
    expect(page.get_by_test_id("older-rulebook")).to_have_count(0)
    check_page(tab, "results of a re-assessment")


# --------------------------------------------------------------------------- issue 13, part 5

#: The browser widths the network pages are laid out for: a laptop and a phone.
WIDTHS = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}

#: The pages looked at in both widths, by the name their screenshots take.
NETWORK_PAGES = {
    "dashboard": "/network/",
    "import": "/network/import",
    "members": "/network/members",
    "cities": "/network/cities?q=a",
}

_POOL = re.compile(r"^(\d+) cities in the pool\.$")


def signed_in_tab(open_tab: Any, live_server: Any, **options: Any) -> Any:
    """A fresh tab signed in to the network pages, by the form a 401 page answers with."""
    tab = open_tab(**options)
    response = tab.page.goto("/network/")
    assert response is not None and response.status == 401
    tab.page.get_by_label("Admin token").fill(live_server.admin_token)
    tab.page.get_by_test_id("sign-in").click()
    tab.page.wait_for_url(re.compile(r"/network/$"))
    tab.problems.take()  # the 401 of the first answer is logged as a console error
    return tab


def pool_size(page: Page) -> int:
    """The number of cities in the pool, as the dashboard without filters says."""
    page.goto("/network/")
    found = _POOL.match(page.get_by_test_id("city-count").inner_text().strip())
    assert found, page.get_by_test_id("city-count").inner_text()
    return int(found[1])


def test_import_of_the_filled_in_template_and_its_undo(open_tab: Any, live_server: Any) -> None:
    tab = signed_in_tab(open_tab, live_server)
    page = tab.page
    before = pool_size(page)

    template = page.request.get("/network/import/template.csv")
    assert template.ok, template.status
    lines = template.text().splitlines()
    assert lines[1].startswith("#"), "the template's second row lists the allowed values"
    assert lines[2].startswith("Example city")
    # the example row as a real city; the '#' row of allowed values stays (it is skipped)
    example = lines[2].split(",", 1)[1]
    filled = "\n".join([lines[0], lines[1], "E2E Importville," + example]) + "\n"

    page.goto("/network/import")
    upload = {"name": "e2e-import.csv", "mimeType": "text/csv", "buffer": filled.encode()}
    page.get_by_label("Survey CSV or pool file").set_input_files(upload)
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("1 city imported")
    expect(page.get_by_test_id("import-counts")).to_have_text("1 new, 0 updated, 0 unchanged.")
    row = page.get_by_test_id("batches").locator("tbody tr", has_text="e2e-import.csv").first
    expect(row).to_be_visible()
    check_page(tab, "import done")
    assert pool_size(page) == before + 1

    page.goto("/network/import")
    row = page.get_by_test_id("batches").locator("tbody tr", has_text="e2e-import.csv").first
    batch = row.get_attribute("data-batch")
    row.get_by_role("button", name=f"Undo batch {batch}").click()
    page.wait_for_url("**/network/import")
    expect(page.get_by_test_id("undone")).to_have_text(
        f"Batch {batch} undone: 1 city removed, 0 restored to their earlier record."
    )
    row = page.get_by_test_id("batches").locator(f"tr[data-batch='{batch}']")
    expect(row).to_contain_text("undone")
    check_page(tab, "import undone")
    assert pool_size(page) == before


def test_members_page_filters_and_downloads(open_tab: Any, live_server: Any) -> None:
    tab = signed_in_tab(open_tab, live_server)
    page = tab.page
    page.get_by_test_id("admin-nav").get_by_role("link", name="Members").click()
    page.wait_for_url("**/network/members")
    expect(page.get_by_test_id("admin-nav").locator("[aria-current=page]")).to_have_text("Members")
    expect(page.get_by_test_id("members")).to_be_visible()
    check_page(tab, "members")

    page.get_by_label("Source").select_option("demo")
    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r"[?&]source=demo"))
    expect(page.get_by_label("Source")).to_have_value("demo")
    sources = page.get_by_test_id("members").locator("tbody tr td:nth-child(3)")
    expect(sources.first).to_have_text("demo data")
    assert set(sources.all_inner_texts()) == {"demo data"}
    for testid, kind in (("members-csv", "text/csv"), ("members-xlsx", "spreadsheetml")):
        link = page.get_by_test_id(testid)
        expect(link).to_be_visible()
        href = link.get_attribute("href") or ""
        assert "source=demo" in href, href
        download = page.request.get(href)
        assert download.ok and kind in download.headers["content-type"], download.headers
    check_page(tab, "members filtered")


def test_dashboard_trend_chart(open_tab: Any, live_server: Any) -> None:
    """The per-year trend: a chart of overall levels per year and its table, with axe."""
    tab = signed_in_tab(open_tab, live_server)
    page = tab.page
    trend = page.get_by_test_id("trend-chart")
    trend.scroll_into_view_if_needed()
    expect(trend).to_be_visible()
    expect(page.get_by_test_id("trend-legend").locator("li")).to_have_count(5)
    rows = page.get_by_test_id("trend-table").locator("tbody tr")
    assert rows.count() >= 1
    expect(trend.locator("svg text.chart__label")).to_have_count(rows.count())
    check_page(tab, "dashboard trend chart")


_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length
      && !e.closest('.visually-hidden, .skip-link')
      && !(e.parentElement && e.parentElement.closest('.table-container')))
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`);
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_network_pages_fit_the_screen_and_are_screenshot(
    open_tab: Any, live_server: Any, width: str
) -> None:
    """Nothing wider than the window (the navigation and the controls wrap), at 1280 and
    390 pixels; axe on each; the screenshots go to docs/screenshots/network-*-<width>.png."""
    tab = signed_in_tab(open_tab, live_server, viewport=WIDTHS[width])
    page = tab.page
    too_wide = []
    for name, path in NETWORK_PAGES.items():
        page.goto(path)
        expect(page.get_by_test_id("admin-nav")).to_be_visible()
        save_screenshot(page, f"network-{name}-{width}")
        for control in page.locator("main select, main input[type=file], main input.input").all():
            border = control.evaluate("(e) => getComputedStyle(e).borderTopWidth")
            file_button = control.evaluate(
                "(e) => e.type === 'file' ? getComputedStyle(e, '::file-selector-button')"
                ".backgroundColor : ''"
            )
            assert border == "2px" or file_button == "rgb(243, 242, 241)", f"{name}: unstyled"
        found = page.evaluate(_OVERFLOW)
        if found["scroll"] > found["width"] or found["wide"]:
            too_wide.append(f"{name}: {found}")
        check_page(tab, f"{name} at {width} px")
    assert not too_wide, "wider than the window:\n" + "\n".join(too_wide)
