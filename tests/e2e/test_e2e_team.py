"""Two colleagues in two browsers (issue 14, parts 1 and 2): the owner invites, the colleague
answers through their own link, the owner's save of the same page from before is refused with
both versions shown, the owner's check page says who answered what; axe on the pages;
screenshots of the team section at 1280 and 390 px and of the conflict; a revoked link gives
the 404 page."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_checks import BLOCKING_IMPACTS, axe_violations, describe_violations, save_screenshot

pytestmark = pytest.mark.e2e


def _start(page: Any) -> str:
    page.goto("/")
    page.get_by_role("button", name="Start now").click()
    return str(page.url).split("/a/")[1].split("/")[0]


def _blocking(page: Any, name: str) -> str:
    violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    return describe_violations(name, violations) if violations else ""


def test_two_colleagues_answer_and_the_owner_sees_who(open_tab: Any) -> None:
    owner = open_tab().page
    token = _start(owner)
    owner.goto(f"/a/{token}/check")
    owner.get_by_label("Name", exact=True).fill("Amira Haddad")
    owner.get_by_label("Role").fill("EU affairs")
    owner.locator("label.checkboxes__label", has_text="EU and multilateral engagement").click()
    owner.get_by_test_id("invite").click()
    link = owner.get_by_test_id("contributor-link").inner_text()
    problems = [_blocking(owner, "check page with a new link")]

    owner.goto(f"/a/{token}/step/eu")  # the owner opens the page the colleague will save

    colleague = open_tab().page  # another browser context: no cookie of the owner's
    colleague.goto(link)
    assert colleague.url.endswith("/step/eu")
    problems.append(_blocking(colleague, "question page, as a colleague"))
    for group in colleague.locator("fieldset .radios").all():
        group.locator("label").first.click()
    colleague.get_by_role("button", name="Save and continue").click()

    # the owner saves the page they opened before the colleague's save: refused, both shown
    for group in owner.locator("fieldset .radios").all():
        group.locator("label").last.click()
    owner.get_by_role("button", name="Save and continue").click()
    assert owner.get_by_test_id("save-conflict").count() == 1
    assert owner.get_by_test_id("conflict-row").count() >= 1
    problems.append(_blocking(owner, "question page refused: someone saved meanwhile"))
    save_screenshot(owner, "save-conflict")

    colleague.goto(link + "/check")
    problems.append(_blocking(colleague, "check page, as a colleague"))
    assert colleague.get_by_test_id("invite-form").count() == 0

    owner.goto(f"/a/{token}/check")
    by = owner.get_by_test_id("summary-eu").get_by_test_id("answered-by")
    assert by.count() >= 1 and "Amira Haddad (EU affairs)" in by.first.inner_text()
    problems.append(_blocking(owner, "check page with the team"))
    for width in (1280, 390):
        owner.set_viewport_size({"width": width, "height": 900})
        owner.locator("#team").scroll_into_view_if_needed()
        wide = owner.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"the check page is wider than a {width} px window"
        save_screenshot(owner, f"check-team-{width}")

    owner.get_by_role("button", name="Revoke").first.click()
    colleague.goto(link + "/check")
    assert "Page not found" in colleague.content()
    blocking = "\n".join(p for p in problems if p)
    assert not blocking, f"serious or critical accessibility violations:\n{blocking}"
