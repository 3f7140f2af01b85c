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
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to continue")
    check_page(tab, "sign in needed")

    page.get_by_test_id("sign-in-link").click()
    page.wait_for_url(re.compile(r"/network/sign-in\?next="))
    check_page(tab, "sign in")
    page.get_by_label("Admin token").fill(live_server.admin_token)
    page.get_by_test_id("sign-in").click()
    page.wait_for_url(re.compile(r"/network/$"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Network dashboard")
    expect(page.get_by_test_id("headline-table").locator("tbody tr")).to_have_count(4)
    for row in page.get_by_test_id("headline-table").locator("tbody tr").all():
        expect(row.get_by_test_id("reference").first).to_contain_text("Source:")
    expect(page.get_by_test_id("levels-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("demo-warning")).to_be_visible()
    check_page(tab, "dashboard")

    page.get_by_label("EU membership").select_option("yes")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r"[?&]eu=yes"))
    matching, total = matching_cities(page)
    assert 0 < matching < total
    expect(page.get_by_label("EU membership")).to_have_value("yes")
    check_page(tab, "dashboard filtered")

    choose(page, page.locator("#f-exclude-demo"))
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(r"[?&]exclude_demo=1"))
    expect(page.get_by_test_id("demo-excluded")).to_be_visible()
    assert matching_cities(page)[0] < matching
    check_page(tab, "dashboard without demo data")

    page.get_by_role("link", name="Import survey data").click()
    page.wait_for_url("**/network/import")
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
