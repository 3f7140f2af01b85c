"""The assessment in a real browser: Chromium driven by Playwright against ``citydip serve``.

What a user sees and does, end to end: the whole flow to the results with peers and advice,
the resume link in a fresh browser, a question page by keyboard alone, no JavaScript at all,
axe-core on every page, and no console errors or CSP violations anywhere. The full flow also
refreshes the screenshots in ``docs/screenshots/``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

#: Where the screenshots for the documentation go.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

#: The steps after the city profile, in the order the app shows them.
DIMENSIONS = (
    "strategy",
    "institutions",
    "staff",
    "budget",
    "networks",
    "eu",
    "coordination",
    "stakeholders",
    "monitoring",
)
#: Profile + one page per dimension + check your answers.
TOTAL_STEPS = len(DIMENSIONS) + 2

#: A resume token is 43 characters of URL-safe base64; this one is well formed but unknown.
UNKNOWN_TOKEN = "A" * 43

_TOKEN_URL = re.compile(r"/a/(?P<token>[A-Za-z0-9_-]{43})(/|$)")


def token_of(url: str) -> str:
    """The resume token in an assessment URL."""
    found = _TOKEN_URL.search(url)
    assert found, f"no resume token in {url}"
    return found["token"]


# --------------------------------------------------------------------------- the flow


class Journey:
    """Walks the assessment flow in one page the way a user does, with the mouse.

    ``on_page(name)`` runs when a page has loaded and ``on_answered(name)`` when a question
    page has been filled in: the tests hang their checks (axe, console, screenshots) on them.
    """

    def __init__(
        self,
        page: Page,
        on_page: Callable[[str], None] | None = None,
        on_answered: Callable[[str], None] | None = None,
    ) -> None:
        self.page = page
        self.on_page = on_page or (lambda name: None)
        self.on_answered = on_answered or (lambda name: None)
        self.token = ""

    def _arrived(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.on_page(name)

    def _press(self, button: str, next_url: str | re.Pattern[str]) -> None:
        self.page.locator(f"[data-testid={button}]").click()
        self.page.wait_for_url(next_url)

    def start(self) -> str:
        """Open the landing page and press Start now; returns the resume token."""
        self.page.goto("/")
        self._arrived("landing")
        self._press("start", "**/a/*/profile")
        self.token = token_of(self.page.url)
        self._arrived("profile")
        return self.token

    def fill_profile(self, *, sharing: str = "private") -> None:
        """Search the gazetteer for Lyon, use it, answer capital and consent, continue."""
        page = self.page
        page.get_by_role("searchbox", name="City name").fill("Lyon")
        page.locator("#search-button").click()
        page.wait_for_url(re.compile(r"[?&]q=Lyon"))
        self._arrived("profile with search results")
        choose(page, page.get_by_label("Lyon, FR"))
        page.locator("[data-testid=use-city]").click()
        page.wait_for_url(re.compile(r"[?&]city=\d+"))
        expect(page.locator("#f-name")).to_have_value("Lyon")
        expect(page.locator("#f-country")).to_have_value("FR")
        choose(page, page.locator("#f-capital-1"))  # No
        consent = ("named", "anonymous", "private").index(sharing)
        choose(page, page.locator(f"#f-sharing-{consent}"))
        self._press("continue", f"**/a/{self.token}/step/{DIMENSIONS[0]}")

    def answer_all_dimensions(self, *, pick: int = 2) -> None:
        """Answer the nine dimension pages in turn, ending on check your answers."""
        for position, dimension in enumerate(DIMENSIONS):
            self._arrived(f"question page {dimension}")
            answer_questions(self.page, pick=pick)
            self.on_answered(dimension)
            following = DIMENSIONS[position + 1] if position + 1 < len(DIMENSIONS) else "check"
            path = "check" if following == "check" else f"step/{following}"
            self._press("continue", f"**/a/{self.token}/{path}")
        self._arrived("check your answers")

    def submit(self) -> None:
        """Submit on check your answers and wait for the results."""
        self._press("submit", f"**/a/{self.token}/results")
        self._arrived("results")

    def complete(self, *, sharing: str = "private", pick: int = 2) -> None:
        """The whole flow, from the landing page to the results."""
        self.start()
        self.fill_profile(sharing=sharing)
        self.answer_all_dimensions(pick=pick)
        self.submit()


def choose(page: Page, radio: Locator) -> None:
    """Click a radio's label, as a user does: in the GOV.UK pattern the label's circle lies
    over the (invisible) input, so the input itself cannot be clicked."""
    page.locator(f"label[for='{radio.get_attribute('id')}']").click()
    expect(radio).to_be_checked()


def answer_questions(page: Page, *, pick: int = 2) -> dict[str, str]:
    """Answer each question on a dimension page by clicking; returns question → value.

    Choice questions get their option number ``pick`` (or the last one); the N/A and
    "I don't know" options, which follow a divider, are left alone. Numbers get 3.
    """
    chosen: dict[str, str] = {}
    for block in page.locator("[data-testid=question]").all():
        name = block.get_attribute("data-question") or ""
        number = block.locator("input[type=text]")
        if number.count():
            number.fill("3")
            chosen[name] = "3"
            continue
        options = block.locator("input[type=radio]:not([value=na]):not([value=unknown])")
        option = options.nth(min(pick, options.count() - 1))
        choose(page, option)
        chosen[name] = option.get_attribute("value") or ""
    return chosen


def checked_answers(page: Page) -> dict[str, str]:
    """What a dimension page shows as answered: question → checked option or typed number.

    Locators only, no ``page.evaluate``: this also works with JavaScript turned off.
    """
    shown: dict[str, str] = {}
    for block in page.locator("[data-testid=question]").all():
        name = block.get_attribute("data-question") or ""
        number = block.locator("input[type=text]")
        checked = block.locator("input[type=radio]:checked")
        if number.count():
            shown[name] = number.input_value()
        elif checked.count():
            shown[name] = checked.get_attribute("value") or ""
        else:
            shown[name] = ""
    return shown


# --------------------------------------------------------------------------- checks

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
    )


def open_not_found(page: Page) -> None:
    """An unknown resume link: the app's 'page not found' page."""
    response = page.goto(f"/a/{UNKNOWN_TOKEN}/profile")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def is_own_status_message(problem: str, page: Page) -> bool:
    """Chromium logs an error page's own 4xx status as a console error: that one is expected."""
    return "Failed to load resource" in problem and f"({page.url})" in problem


# --------------------------------------------------------------------------- tests


def test_full_assessment_ends_on_results_with_peers_and_advice(tab: Any) -> None:
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
        elif focused["tag"] == "input" and focused["type"] == "text":
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


def _walk_every_page(page: Page, check: Callable[[str], None]) -> None:
    """Every kind of page once, ``check(name)`` on each: the flow, an error summary, a 404."""
    journey = Journey(page, on_page=check)
    token = journey.start()
    page.get_by_test_id("continue").click()  # nothing filled in: the error summary
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    check("profile with errors")
    page.goto(f"/a/{token}/profile")
    journey.fill_profile()
    page.get_by_test_id("continue").click()  # nothing answered: the error summary
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    check("question page with errors")
    page.goto(f"/a/{token}/step/{DIMENSIONS[0]}")
    journey.answer_all_dimensions()
    journey.submit()
    open_not_found(page)
    check("page not found")


def test_no_serious_or_critical_axe_violations_on_any_page(tab: Any) -> None:
    page = tab.page
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        if name == "results":  # open "why this score" so that its tables are checked too
            page.locator("details").evaluate_all("(all) => all.forEach((d) => (d.open = true))")
        found[name] = axe_violations(page)

    _walk_every_page(page, check)

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
    expected |= {f"question page {d}" for d in DIMENSIONS}
    assert expected <= set(found), f"pages not checked: {expected - set(found)}"


def test_no_console_errors_or_csp_violations_on_any_page(tab: Any) -> None:
    page = tab.page
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        problems = tab.problems.take() + csp_violations(page)
        found[name] = [p for p in problems if not is_own_status_message(p, page)]

    _walk_every_page(page, check)

    bad = {name: problems for name, problems in found.items() if problems}
    assert not bad, "console errors or CSP violations:\n" + "\n".join(
        f"- [{name}] {problem}" for name, problems in bad.items() for problem in problems
    )
    assert len(found) >= len(DIMENSIONS) + 7


def test_the_console_watch_sees_a_csp_violation(tab: Any) -> None:
    """The two tests above pass only if the watchers work: prove they see a violation."""
    tab.page.goto("/")
    tab.page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = true'; document.body.append(s); }"""
    )
    tab.page.title()  # one more round trip: the console event has arrived by now
    assert any("Content Security Policy" in p for p in tab.problems.take())
    assert any("script-src" in v for v in csp_violations(tab.page))
