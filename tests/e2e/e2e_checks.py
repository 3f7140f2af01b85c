"""Checks on a loaded page: axe-core, CSP violations, visible focus, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

__all__ = [
    "BLOCKING_IMPACTS",
    "SCREENSHOTS",
    "Problems",
    "active_element",
    "axe_violations",
    "csp_violations",
    "describe_violations",
    "focus_is_visible",
    "is_own_status_message",
    "save_screenshot",
    "wide",
]

#: Where the screenshots for the documentation go.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

#: axe-core impacts that fail the suite.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on ``page``, of every impact."""
    from axe_playwright_python.sync_playwright import Axe

    return list(Axe().run(page).response["violations"])


def describe_violations(page_name: str, violations: list[dict[str, Any]]) -> str:
    """A readable list: page, rule, impact, how to fix, and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"- [{page_name}] {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            html = " ".join(node.get("html", "").split())[:160]
            summary = " ".join((node.get("failureSummary") or "").split())[:300]
            lines.append(f"    at {', '.join(map(str, node['target']))}: {html}\n      {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def csp_violations(page: Page) -> list[str]:
    """CSP violations the document saw (``securitypolicyviolation`` events)."""
    return [f"[csp] {v}" for v in page.evaluate("() => window.__cspViolations || []")]


#: The looks of an element (for a radio or checkbox: its label) and its ::before/::after that
#: a focus indicator can change, focused and then blurred. An outline in a transparent colour
#: (the GOV.UK trick for Windows high-contrast mode) does not count as visible.
_FOCUS_LOOK = r"""
(el) => {
  const target = (el.matches('input[type=radio], input[type=checkbox]') && el.labels
    && el.labels.length) ? el.labels[0] : el;
  const look = () => [null, '::before', '::after'].map((pseudo) => {
    const s = getComputedStyle(target, pseudo);
    const outline = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && !/rgba\(.*,\s*0\)$|transparent/.test(s.outlineColor))
      ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : 'none';
    return [outline, s.boxShadow, s.backgroundColor, s.borderTopWidth, s.borderTopColor,
            s.color, s.textDecorationLine].join(' | ');
  });
  const focused = look();
  el.blur();
  const blurred = look();
  el.focus();
  return {changed: focused.some((v, i) => v !== blurred[i]), focused, blurred,
          refocused: document.activeElement === el};
}
"""


def focus_is_visible(page: Page) -> tuple[bool, str]:
    """Whether the focused element looks different from its unfocused self, and how."""
    element = page.evaluate_handle("() => document.activeElement").as_element()
    assert element is not None, "nothing has focus"
    look = element.evaluate(_FOCUS_LOOK)
    assert look["refocused"], "could not give the focus back after measuring it"
    return bool(look["changed"]), f"focused: {look['focused']}\n  blurred: {look['blurred']}"


def active_element(page: Page) -> dict[str, str]:
    """Tag, type, name, id, value and test id of the focused element."""
    return page.evaluate(
        """() => { const e = document.activeElement; return {
            tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
            id: e.id || '', value: e.value || '', testid: e.dataset.testid || '',
            text: (e.innerText || e.value || '').trim().slice(0, 60)}; }"""
    )


def save_screenshot(page: Page, name: str) -> None:
    """A full-page PNG in docs/screenshots/, with the secret resume link masked.

    Masking also keeps the images the same from run to run (the token and port change).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"),
        full_page=True,
        mask=[page.get_by_test_id("resume-link")],
        mask_color="#b1b4b6",  # the site's border grey: plainly blanked, not garish
    )


def is_own_status_message(problem: str, page: Page) -> bool:
    """Chromium logs an error page's own 4xx status as a console error: that one is expected."""
    return "Failed to load resource" in problem and f"({page.url})" in problem


class Problems:
    """Blocking axe violations and too-wide pages, collected over the whole test."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, page: Page, name: str, screenshot: str = "") -> None:
        violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
        if violations:
            self.found.append(describe_violations(name, violations))
        for width in (1280, 390) if screenshot else ():
            page.set_viewport_size({"width": width, "height": 900})
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                self.found.append(f"{name} is wider than a {width} px window: {wide(page)}")
            save_screenshot(page, f"{screenshot}-{width}")
        page.set_viewport_size({"width": 1280, "height": 900})


_WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3).map(e => e.tagName + "." + e.className + " " + (e.textContent || "").slice(0, 40))"""


def wide(page: Page) -> list[str]:
    """The innermost elements that reach past the window's right edge."""
    found: list[str] = page.evaluate(_WIDEST)
    return found
