"""Issue 14's acceptance in three browsers: the owner and a colleague answer, the colleague
disagrees, the owner settles it; a reviewer queries a dimension, the owner answers, submits;
the results show who answered, the evidence counts and the review line. Axe on every new page
(check page with disagreements and review, review page, history, results); screenshots of
them at 1280 and 390 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from e2e_checks import Problems
from e2e_journey import Journey, answer_questions
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _invite(owner: Page, name: str, role: str, *, reviewer: bool = False) -> str:
    owner.get_by_label("Name", exact=True).fill(name)
    owner.get_by_label("Role").fill(role)
    if reviewer:
        owner.locator("label[for=f-reviewer]").click()
    owner.get_by_test_id("invite").click()
    return owner.get_by_test_id("contributor-link").inner_text()


def test_a_team_answers_disagrees_reviews_and_submits(open_tab: Callable[..., Any]) -> None:
    problems = Problems()
    owner = open_tab().page
    journey = Journey(owner)
    journey.start()
    journey.fill_profile()
    journey.answer_all_dimensions(pick=2)
    token = journey.token

    # the owner backs one answer with a link
    owner.goto(f"/a/{token}/step/strategy")
    owner.locator("input[type=url]").first.fill("https://lyon.example/strategie-internationale")
    owner.get_by_role("button", name="Save and continue").click()

    owner.goto(f"/a/{token}/check")
    colleague_link = _invite(owner, "Jan Nowak", "Department")
    reviewer_link = _invite(owner, "Ewa Lis", "Mayor's office", reviewer=True)

    colleague = open_tab().page  # another browser context: another colleague
    colleague.goto(colleague_link.rstrip("/") + "/step/strategy")
    answer_questions(colleague, pick=0)
    colleague.get_by_role("button", name="Save and continue").click()

    owner.goto(f"/a/{token}/check")
    disputes = owner.get_by_test_id("dispute")
    assert disputes.count() >= 1
    expect(disputes.first).to_contain_text("Answer of Jan Nowak (Department)")
    problems.check(owner, "check page with disagreements", "check-disagreements")
    owner.get_by_test_id("submit").click()
    expect(owner.get_by_test_id("error-summary")).to_contain_text("Choose one of the answers")
    settled = 0
    while owner.get_by_test_id("dispute").count():
        first = owner.get_by_test_id("dispute").first
        first.locator("label", has_text=re.compile(".")).last.click()  # Jan's came second
        first.get_by_test_id("settle").click()
        settled += 1

    owner.get_by_test_id("ask-review").click()
    expect(owner.get_by_test_id("review-pending")).to_contain_text("Ewa Lis")

    reviewer = open_tab().page
    reviewer.goto(reviewer_link)
    assert reviewer.url.endswith("/review")
    problems.check(reviewer, "review page", "review")
    for radio in reviewer.locator("input[type=radio][value=accepted]").all():
        reviewer.locator(f"label[for='{radio.get_attribute('id')}']").click()
    reviewer.locator("label[for=f-verdict-budget-1]").click()  # query the budget
    reviewer.locator("#f-comment-budget").fill("Is the budget line really multi-year?")
    reviewer.get_by_test_id("finish-review").click()
    assert reviewer.url.endswith("/check#review")

    owner.goto(f"/a/{token}/check")
    expect(owner.get_by_test_id("verdicts")).to_contain_text("Is the budget line really")
    problems.check(owner, "check page with a review query", "check-review")
    owner.locator("#f-reply-budget").fill("Yes: the 2026–2028 plan sets it.")
    owner.get_by_test_id("send-reply").click()
    expect(owner.get_by_test_id("reply")).to_contain_text("2026–2028 plan")
    journey.submit()

    team = owner.get_by_test_id("teamwork")
    expect(team.get_by_test_id("review-line")).to_contain_text(
        "Reviewed by Ewa Lis (Mayor's office) on"
    )
    expect(team.get_by_test_id("evidence-overall")).to_contain_text(re.compile(r"\d+ of \d+"))
    word = "answer was" if settled == 1 else "answers were"
    expect(team.get_by_test_id("discussed")).to_contain_text(f"{settled} {word} discussed")
    expect(team.get_by_test_id("authors")).to_contain_text("Jan Nowak (Department)")
    expect(owner.get_by_test_id("evidence-strategy")).to_contain_text(re.compile(r"^\d+ of \d+"))
    problems.check(owner, "results with the team's work", "results-team")

    owner.get_by_test_id("activity-link").click()
    expect(owner.get_by_test_id("activity")).to_contain_text("Disagreement settled")
    expect(owner.get_by_test_id("activity")).to_contain_text("Jan Nowak (Department)")
    problems.check(owner, "history of changes", "activity")
    colleague.goto(colleague_link.rstrip("/") + "/activity")
    expect(colleague.get_by_test_id("activity")).to_contain_text("Submitted")

    assert not problems.found, "\n".join(problems.found)
