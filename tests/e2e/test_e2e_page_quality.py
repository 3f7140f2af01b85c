"""Every page of the flow in a real browser: axe-core finds no serious or critical
accessibility violation, and the console shows no error and no CSP violation."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_checks import (
    BLOCKING_IMPACTS,
    axe_violations,
    csp_violations,
    describe_violations,
    is_own_status_message,
)
from e2e_journey import DIMENSIONS, walk_every_page

pytestmark = pytest.mark.e2e


def test_no_serious_or_critical_axe_violations_on_any_page(tab: Any) -> None:
    page = tab.page
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        if name == "results":  # open "why this score" so that its tables are checked too
            page.locator("details").evaluate_all("(all) => all.forEach((d) => (d.open = true))")
        found[name] = axe_violations(page)

    walk_every_page(page, check)

    every = "\n".join(describe_violations(name, v) for name, v in found.items() if v)
    print(f"axe-core on {len(found)} pages:", ", ".join(found), "\n" + (every or "no violations"))
    blocking = "\n".join(
        describe_violations(name, [v for v in vs if v["impact"] in BLOCKING_IMPACTS])
        for name, vs in found.items()
        if any(v["impact"] in BLOCKING_IMPACTS for v in vs)
    )
    assert not blocking, f"serious or critical accessibility violations:\n{blocking}"
    expected = {"landing", "profile", "profile with errors", "check your answers", "results"}
    expected |= {"profile with search results", "question page with errors", "page not found"}
    expected |= {"how scoring works"}
    expected |= {f"question page {d}" for d in DIMENSIONS}
    assert expected <= set(found), f"pages not checked: {expected - set(found)}"


def test_no_console_errors_or_csp_violations_on_any_page(tab: Any) -> None:
    page = tab.page
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        problems = tab.problems.take() + csp_violations(page)
        found[name] = [p for p in problems if not is_own_status_message(p, page)]

    walk_every_page(page, check)

    bad = {name: problems for name, problems in found.items() if problems}
    assert not bad, "console errors or CSP violations:\n" + "\n".join(
        f"- [{name}] {problem}" for name, problems in bad.items() for problem in problems
    )
    assert len(found) >= len(DIMENSIONS) + 7


def test_the_console_watch_sees_a_csp_violation(tab: Any) -> None:
    """The console test above passes only if its watchers work: prove they see a violation."""
    tab.page.goto("/")
    tab.page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = true'; document.body.append(s); }"""
    )
    tab.page.title()  # one more round trip: the console event has arrived by now
    assert any("Content Security Policy" in p for p in tab.problems.take())
    assert any("script-src" in v for v in csp_violations(tab.page))
