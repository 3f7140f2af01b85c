"""The assessment in another language, in a real browser (issue 16).

What a French-speaking officer expects: a browser that asks for French gets the whole
service in French — the pages' own words from the French catalog, the questions, options,
levels and advice from the rulebook's French — types the population as French writes it
("520 774"), and gets results, the report and the CSV download in French. The same pages
in each of the six languages pass axe (nothing serious or critical) at 1280 and 390 px,
and say which language they are in (``<html lang>``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from conftest import REPO_ROOT
from e2e_checks import Problems, save_screenshot, wide
from e2e_journey import DIMENSIONS, answer_questions, choose, token_of
from playwright.sync_api import Page, expect

from rules import load_rulebook, text_in

pytestmark = pytest.mark.e2e

LANGUAGES = ("en", "fr", "de", "es", "it", "pl")
#: kept as screenshots in docs/screenshots; the others are checked but not kept (size)
PICTURED = ("fr",)
CATALOGS = REPO_ROOT / "web" / "translations"


@cache
def catalog(lang: str) -> Catalog:
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


def french(message: str) -> str:
    """The French catalog's text for ``message`` (the test fails if there is none)."""
    found = catalog("fr").get(message)
    assert found is not None and found.string, f"no French for {message!r}"
    return str(found.string)


def _words(text: str) -> str:
    return " ".join(text.split())


def _fill_profile_in_french(page: Page, token: str) -> None:
    page.locator("#f-q").fill("Lyon")
    page.locator("#search-button").click()
    page.wait_for_url(re.compile(r"[?&]q=Lyon"))
    choose(page, page.get_by_label("Lyon, FR"))
    page.get_by_test_id("use-city").click()
    page.wait_for_url(re.compile(r"[?&]city=\d+"))
    page.locator("#f-population").fill("520 774")  # as French writes it, a space between
    choose(page, page.locator("#f-capital-1"))
    choose(page, page.locator("#f-sharing-2"))  # private
    page.get_by_test_id("continue").click()
    page.wait_for_url(f"**/a/{token}/step/{DIMENSIONS[0]}")


def _question_texts_are_french(page: Page, dimension: str) -> None:
    book = load_rulebook()
    questions = {q.id: q for d in book.dimensions for q in d.questions}
    blocks = page.locator("[data-testid=question]").all()
    assert blocks, f"no question on the {dimension} page"
    for block in blocks:
        question = questions[block.get_attribute("data-question") or ""]
        shown = _words(block.inner_text())
        assert _words(text_in(question.text, "fr")) in shown, question.id
        if question.kind == "choice":  # a number question shows a field, not its bands
            assert _words(text_in(question.options[0].label, "fr")) in shown, question.id


def test_a_whole_assessment_in_french(open_tab: Callable[..., Any]) -> None:
    book = load_rulebook()
    page = open_tab(locale="fr-FR").page  # the browser asks for French: Accept-Language
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("start")).to_have_text(re.compile(re.escape(french("Start now"))))
    page.get_by_test_id("start").click()
    page.wait_for_url("**/a/*/profile")
    token = token_of(page.url)
    _fill_profile_in_french(page, token)

    for position, dimension in enumerate(DIMENSIONS):
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        _question_texts_are_french(page, dimension)
        answer_questions(page, pick=2)
        following = DIMENSIONS[position + 1] if position + 1 < len(DIMENSIONS) else None
        page.get_by_test_id("continue").click()
        page.wait_for_url(f"**/a/{token}/" + (f"step/{following}" if following else "check"))
    shown = page.locator("main").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "520 774" in _words(shown), "the population as typed, in French grouping"
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/a/{token}/results")

    levels = {level.level: text_in(level.name, "fr") for level in book.levels}
    table = _words(page.get_by_test_id("dimension-table").inner_text())
    for dimension in book.dimensions:
        assert text_in(dimension.title, "fr") in table
    overall = page.get_by_test_id("overall-level").inner_text()
    assert any(overall.endswith(name) for name in levels.values()), overall

    with page.expect_download() as download:
        page.locator("#download-csv").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert [row["dimension_id"] for row in rows] == list(DIMENSIONS)
    for row, dimension in zip(rows, book.dimensions, strict=True):
        assert row["dimension"] == text_in(dimension.title, "fr")
        assert row["level_name"] in levels.values()

    page.goto(f"/a/{token}/report")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    report = _words(page.locator("main").inner_text())
    for dimension in book.dimensions:
        assert text_in(dimension.title, "fr") in report
    assert text_in(book.title, "fr") in report


def _a_draft_and_a_result(page: Page) -> tuple[str, str]:
    """A draft with its profile given, and a submitted assessment (both private), by the API."""
    example = yaml.safe_load((REPO_ROOT / "examples" / "answers-emerging.yaml").read_text("utf-8"))
    draft = page.request.post("/api/v1/drafts")
    assert draft.status == 201, draft.text()
    token = draft.json()["token"]
    city = {k: v for k, v in example["profile"].items() if k != "team_size"}  # an answer
    profile = page.request.put(
        f"/api/v1/assessments/{token}/profile", data={"profile": city, "sharing": "private"}
    )
    assert profile.status == 200, profile.text()
    done = page.request.post(
        "/api/v1/assessments", data={"profile": example["profile"], "answers": example["answers"]}
    )
    assert done.status == 201, done.text()
    return token, done.json()["token"]


def test_landing_question_and_results_pass_axe_in_each_language(
    open_tab: Callable[..., Any],
) -> None:
    page = open_tab().page
    draft, result = _a_draft_and_a_result(page)
    problems = Problems()
    pages = {
        "landing": "/",
        "question": f"/a/{draft}/step/{DIMENSIONS[0]}",
        "results": f"/a/{result}/results",
    }
    for lang in LANGUAGES:
        for name, path in pages.items():
            page.goto(f"{path}?lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                    problems.found.append(f"{name} in {lang} is wider: {wide(page)}")
                if lang in PICTURED:
                    save_screenshot(page, f"{name}-{lang}-{width}")
                problems.check(page, f"{name} in {lang} at {width} px")  # (back at 1280 px)
    assert problems.found == []
