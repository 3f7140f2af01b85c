"""The assessment in a real browser: Chromium driven by Playwright against ``citydip serve``.

What a user does, end to end: the whole flow to the results with peers and advice (which also
refreshes the screenshots in ``docs/screenshots/``), a Change link on check your answers, the
resume link in a fresh browser, a question page by keyboard alone, and no JavaScript at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from e2e_checks import active_element, focus_is_visible, save_screenshot
from e2e_journey import (
    DIMENSIONS,
    TOTAL_STEPS,
    Journey,
    answer_questions,
    checked_answers,
    choose,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_full_assessment_ends_on_results_with_peers_and_advice(open_tab: Any) -> None:
    tab = open_tab()
    page = tab.page

    def on_page(name: str) -> None:
        if name in ("landing", "results"):
            save_screenshot(page, name)

    def on_answered(dimension: str) -> None:
        if dimension == DIMENSIONS[0]:
            save_screenshot(page, "question")

    Journey(page, on_page, on_answered).complete(sharing="named")

    expect(page.get_by_role("heading", level=1)).to_have_text("Results for Lyon")
    expect(page.get_by_test_id("overall-level")).to_have_text(re.compile(r"^[1-5] – \w"))
    expect(page.get_by_test_id("chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("dimension-table").locator("tbody tr")).to_have_count(
        len(DIMENSIONS)
    )
    trace = page.get_by_test_id(f"trace-{DIMENSIONS[0]}")
    trace.locator("summary").click()
    expect(trace.locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("next-steps").locator("li").first).to_be_visible()

    # Peers in the three modes; the fresh pool holds demo cities only, each labelled so.
    for heading in ("Comparable cities", "Cities at the same stage", "Cities to learn from"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    for mode in ("peers-comparable", "peers-same-stage", "peers-learn-from-"):
        peers = page.locator(f"[data-testid^={mode}]").get_by_test_id("peer")
        expect(peers.first).to_be_visible()
        for peer in peers.all():
            expect(peer.locator("p").first).to_contain_text("demo data")

    advice = page.locator("[data-testid=advice-practices] li, [data-testid=advice-partners] li")
    expect(advice.first).to_be_visible()

    page.get_by_test_id("how-scoring-link").click()
    expect(page.get_by_test_id("how-scoring-title")).to_be_visible()
    save_screenshot(page, "how-scoring-works")
    page.go_back()

    downloads = page.get_by_test_id("downloads")
    json_url = downloads.locator("#download-json").get_attribute("href") or ""
    csv_url = downloads.locator("#download-csv").get_attribute("href") or ""
    as_json = tab.context.request.get(json_url)
    assert as_json.ok, f"JSON download: HTTP {as_json.status}"
    assert json.loads(as_json.text())["profile"]["name"] == "Lyon"
    as_csv = tab.context.request.get(csv_url)
    assert as_csv.ok, f"CSV download: HTTP {as_csv.status}"
    rows = list(csv.DictReader(io.StringIO(as_csv.text())))
    assert [row["dimension_id"] for row in rows] == list(DIMENSIONS)

    # Once submitted, the resume link opens the results, in any browser.
    resume_url = page.get_by_test_id("resume-link").get_attribute("href") or ""
    later = open_tab()
    later.page.goto(resume_url)
    later.page.wait_for_url(f"{resume_url}/results")
    expect(later.page.get_by_role("heading", level=1)).to_have_text("Results for Lyon")


def test_a_change_link_on_check_your_answers_comes_back_to_it(tab: Any) -> None:
    page = tab.page
    journey = Journey(page)
    token = journey.start()
    journey.fill_profile()
    journey.answer_all_dimensions(pick=1)
    section = page.get_by_test_id(f"summary-{DIMENSIONS[2]}")
    first_answer = section.locator("dd").first
    before = first_answer.inner_text()

    section.get_by_role("link", name=re.compile("^Change")).first.click()
    page.wait_for_url(re.compile(rf"/a/{token}/step/{DIMENSIONS[2]}\?return_to=check"))
    question = page.get_by_test_id("question").first
    name = question.get_attribute("data-question")
    number = question.locator(f"input[type=text][name='{name}']")  # not the evidence date
    if number.count():
        number.fill("7")
    else:
        choose(page, question.locator("input[type=radio]").nth(3))
    page.get_by_test_id("continue").click()
    page.wait_for_url(f"**/a/{token}/check")
    expect(first_answer).not_to_have_text(before)
    expect(page.get_by_test_id("missing-warning")).to_have_count(0)


def test_resume_link_in_a_fresh_browser_keeps_the_answers(open_tab: Any) -> None:
    first = open_tab()
    journey = Journey(first.page)
    token = journey.start()
    journey.fill_profile(sharing="anonymous")
    answers = answer_questions(first.page, pick=1)
    note = "Adopted by the city council in 2023"
    first.page.locator("#f-strategy-document--note").fill(note)
    first.page.get_by_test_id("continue").click()
    first.page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[1]}")
    resume_url = first.page.get_by_test_id("resume-link").get_attribute("href") or ""
    assert token in resume_url

    second = open_tab()
    assert second.context.cookies() == [], "the second context must start without cookies"
    second.page.goto(resume_url)
    # The link leads to the first step still to do.
    second.page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[1]}")
    second.page.get_by_test_id("back-link").click()
    second.page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[0]}")
    assert checked_answers(second.page) == answers
    expect(second.page.locator("#f-strategy-document--note")).to_have_value(note)

    second.page.goto(f"/a/{token}/profile")
    expect(second.page.locator("#f-name")).to_have_value("Lyon")
    expect(second.page.locator("#f-capital-1")).to_be_checked()
    expect(second.page.locator("#f-sharing-1")).to_be_checked()  # anonymous


def test_a_question_page_can_be_done_by_keyboard_alone(tab: Any) -> None:
    """Tab, Space, arrow keys and Enter only; every focused element shows its focus."""
    page = tab.page
    journey = Journey(page)
    token = journey.start()
    journey.fill_profile()
    dimension = "staff"  # radios, a number field, a conditional question and notes
    page.goto(f"/a/{token}/step/{dimension}")
    questions = [q.get_attribute("data-question") for q in page.get_by_test_id("question").all()]

    typed: dict[str, str] = {}
    note_field = ""
    path: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = active_element(page)
        path.append(focused["id"] or focused["testid"] or focused["tag"])
        visible, how = focus_is_visible(page)
        assert visible, f"no visible focus on {focused}\n  {how}\n  path: {path}"
        if focused["type"] == "radio" and focused["name"] not in typed:
            page.keyboard.press("Space")  # checks the first option
            page.keyboard.press("ArrowDown")  # moves to the second one and checks it
            typed[focused["name"]] = active_element(page)["value"]
        elif focused["type"] == "text" and focused["name"] in questions:  # a number question
            page.keyboard.type("4")
            typed[focused["name"]] = "4"
        elif focused["tag"] == "textarea" and not note_field:
            page.keyboard.type("Typed without a mouse")
            note_field = focused["id"]
        elif focused["testid"] == "continue":
            break
    else:
        pytest.fail(f"Tab never reached the continue button; path: {path}")
    assert set(typed) == set(questions), f"not every question was reachable: {path}"

    page.keyboard.press("Enter")
    page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[DIMENSIONS.index(dimension) + 1]}")
    expect(page.get_by_test_id("progress")).to_have_text(
        f"Step {DIMENSIONS.index(dimension) + 3} of {TOTAL_STEPS}"
    )
    page.goto(f"/a/{token}/step/{dimension}")
    assert checked_answers(page) == typed
    expect(page.locator(f"#{note_field}")).to_have_value("Typed without a mouse")


def test_without_javascript_a_city_can_start_and_answer_a_page(open_tab: Any) -> None:
    tab = open_tab(java_script_enabled=False)
    page = tab.page
    journey = Journey(page)
    token = journey.start()
    journey.fill_profile()
    expect(page.get_by_test_id("progress")).to_have_text(f"Step 2 of {TOTAL_STEPS}")
    answers = answer_questions(page, pick=3)
    page.get_by_test_id("continue").click()
    page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[1]}")
    expect(page.get_by_test_id("progress")).to_have_text(f"Step 3 of {TOTAL_STEPS}")
    page.get_by_test_id("back-link").click()
    page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[0]}")
    assert checked_answers(page) == answers
