"""Issue 15 in the browser: set targets, edit the plan, share it read-only, re-assess, and see
which actions moved and which targets were reached. Axe clean and no horizontal scroll on
the new pages at 1280 and 390 px (screenshots)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from e2e_checks import Problems
from e2e_journey import Journey, choose, token_of
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _answer_missing(page: Page) -> None:
    """After a save refused because a question now applies: its lowest option, then save."""
    for group in page.locator("fieldset .radios").all():
        if group.locator("input:checked").count() == 0:
            group.locator("label").first.click()
    page.get_by_role("button", name="Save and continue").click()


def test_targets_plan_share_and_the_next_assessment(open_tab: Callable[..., Any]) -> None:
    problems = Problems()
    owner = open_tab().page
    journey = Journey(owner)
    journey.complete(pick=1)
    token = journey.token

    targets = owner.get_by_test_id("set-targets")
    expect(targets.locator("option[selected]").first).to_be_attached()
    problems.check(owner, "results with targets", "results-targets")
    owner.get_by_test_id("save-targets").click()
    owner.wait_for_url(f"**/a/{token}/plan")
    actions = owner.get_by_test_id("action")
    assert actions.count() >= 1
    first = actions.first
    key = first.get_attribute("data-key") or ""
    first.get_by_label(re.compile("^Owner")).fill("Amira Haddad")
    first.get_by_label(re.compile("^Due date")).fill("2027-06-30")
    first.get_by_label(re.compile("^Status")).select_option("started")
    owner.get_by_test_id("save-plan").click()
    expect(owner.get_by_test_id("action").first.get_by_label(re.compile("^Owner"))).to_have_value(
        "Amira Haddad"
    )
    problems.check(owner, "action plan", "plan")

    owner.goto(f"/a/{token}/results#share")
    owner.get_by_test_id("make-share").click()
    link = owner.get_by_test_id("share-link").inner_text()
    reader = open_tab().page  # the mayor's office
    reader.goto(link)
    assert reader.locator("form").count() == 0, "a read-only link shows no form"
    shared = token_of(link)
    reader.goto(f"/a/{shared}/plan")
    expect(reader.get_by_test_id("read-only-note")).to_be_visible()
    assert reader.locator("form").count() == 0
    problems.check(reader, "the plan under a share link")
    for page_name in ("report", "history"):  # the rest of what a share link opens
        opened = reader.goto(f"/a/{shared}/{page_name}")
        assert opened is not None and opened.status == 200, page_name
        assert reader.locator("form").count() == 0, f"a form on the shared {page_name}"
    for editing in ("check", "profile", "step/strategy", "delete", "activity"):
        response = reader.goto(f"/a/{shared}/{editing}")
        assert response is not None and response.status == 404, editing

    # A year on: re-assess, move the first action's answer to its aim, submit.
    owner.goto(f"/a/{token}/results")
    owner.get_by_test_id("reassess").click()
    owner.wait_for_url("**/check")
    fresh = token_of(owner.url)
    dimension, question, aim = key.split(":")
    owner.goto(f"/a/{fresh}/step/{dimension}")
    choose(owner, owner.locator(f'input[name="{question}"][value="{aim}"]'))
    owner.get_by_role("button", name="Save and continue").click()
    if owner.get_by_test_id("error-summary").count():
        _answer_missing(owner)
    owner.goto(f"/a/{fresh}/check")
    owner.get_by_test_id("submit").click()
    owner.wait_for_url(f"**/a/{fresh}/results")
    expect(owner.get_by_test_id("targets-reached")).to_be_visible()
    assert owner.get_by_test_id("target-outcome").count() >= 1

    owner.goto(f"/a/{token}/plan")
    expect(owner.get_by_test_id("plan-later")).to_be_visible()
    moved = owner.locator(f"[data-key='{key}']").get_by_test_id("outcome")
    expect(moved).to_contain_text("Reached")
    problems.check(owner, "action plan after the next assessment", "plan-after")
    assert not problems.found, "\n".join(problems.found)
