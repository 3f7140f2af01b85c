"""Drive the assessment flow in a browser page the way a user does.

Plain helpers for the browser tests, which import them by name: with pytest's default
(prepend) import mode and no ``__init__.py`` here, this folder is on ``sys.path``. They know
the app's pages by the ``data-testid`` attributes and ids the templates give them, and click
labels, as a mouse user would.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

__all__ = [
    "DIMENSIONS",
    "TOTAL_STEPS",
    "UNKNOWN_TOKEN",
    "Journey",
    "answer_questions",
    "checked_answers",
    "choose",
    "open_not_found",
    "token_of",
    "walk_every_page",
]

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
    "crisis",
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
        """Answer the ten dimension pages in turn, ending on check your answers."""
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
        number = block.locator(f"input[type=text][name='{name}']")  # not the evidence date
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
        number = block.locator(f"input[type=text][name='{name}']")  # not the evidence date
        checked = block.locator("input[type=radio]:checked")
        if number.count():
            shown[name] = number.input_value()
        elif checked.count():
            shown[name] = checked.get_attribute("value") or ""
        else:
            shown[name] = ""
    return shown


def open_not_found(page: Page) -> None:
    """An unknown resume link: the app's 'page not found' page."""
    response = page.goto(f"/a/{UNKNOWN_TOKEN}/profile")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def walk_every_page(page: Page, check: Callable[[str], None]) -> None:
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
    page.get_by_test_id("how-scoring-link").click()
    expect(page.get_by_test_id("how-scoring-title")).to_be_visible()
    check("how scoring works")
    for path, name in (("/privacy", "privacy"), ("/accessibility", "accessibility statement")):
        page.goto(path)
        check(name)
    page.goto(f"/a/{token}/delete")
    expect(page.get_by_test_id("delete-title")).to_be_visible()
    check("delete confirmation")
    open_not_found(page)
    check("page not found")
