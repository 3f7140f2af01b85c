"""The leadership report in a real browser, for each example city: printed to an A4 PDF it
takes at most two pages and holds the secret link nowhere (not in its text, links or
metadata); axe finds nothing serious at 1280 and 390 px; the print button shows with
JavaScript and never on paper nor without JavaScript."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_checks import (
    BLOCKING_IMPACTS,
    SCREENSHOTS,
    axe_violations,
    csp_violations,
    describe_violations,
    save_screenshot,
)
from e2e_journey import DIMENSIONS
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: The example cities (examples/), and what their report must show.
CITIES = {
    "answers-emerging.yaml": "Valmora",
    "answers-established.yaml": "Nordhaven",
    "answers-non-eu.yaml": "Puerto Alba",
}

#: The city whose report is kept as docs/screenshots/report-example.pdf and screenshots.
PICTURED = "answers-established.yaml"

#: The example PDF is kept only while it stays small: the repository is not a file store.
EXAMPLE_PDF_MAX_BYTES = 300_000


def create_by_api(page: Page, example: str) -> str:
    """Create and submit the example's assessment through the JSON API (private: the pool
    other tests see stays as it is); its owner token."""
    data = yaml.safe_load((EXAMPLES / example).read_text("utf-8"))
    body = {
        "profile": data["profile"],
        "answers": data["answers"],
        "notes": data.get("notes", {}),
    }
    response = page.request.post("/api/v1/assessments", data=body)
    assert response.status == 201, response.text()
    token = response.json()["token"]
    assert isinstance(token, str) and len(token) == 43
    return token


# --------------------------------------------------------------------------- the PDF


def pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number → (its dictionary text, its stream decompressed, or b"")."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\b(.*?)\bendobj", pdf, re.S):
        body = match.group(2)
        head, _, rest = body.partition(b"stream")
        data = b""
        if rest:
            data = re.sub(rb"^\r?\n", b"", rest)
            length = re.search(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)", head)
            end = int(length.group(1)) if length else data.rfind(b"endstream")
            data = data[:end]
            if b"/FlateDecode" in head:  # what follows the compressed data is left over
                data = zlib.decompressobj().decompress(data)
        objects[int(match.group(1))] = (head, data)
    return objects


def page_count(pdf: bytes) -> int:
    """The number of page objects (``/Type /Page``, not the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def _cmap(data: bytes) -> tuple[int, dict[int, str]]:
    """(code width in bytes, code → text) of a ToUnicode CMap."""
    width = 1
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", data)
    if space:
        width = len(space.group(1)) // 2
    codes: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            codes[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            start, end = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                targets = re.findall(rb"<([0-9A-Fa-f]*)>", dst)
                for offset, target in enumerate(targets):
                    codes[start + offset] = bytes.fromhex(target.decode()).decode("utf-16-be")
            else:
                first = int(dst[1:-1], 16)
                for code in range(start, end + 1):
                    codes[code] = chr(first + code - start)
    return width, codes


_TEXT_TOKENS = re.compile(rb"/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|ET\b")


def pdf_text(pdf: bytes) -> str:
    """The text drawn in ``pdf``: each content stream's hex strings decoded with the
    ToUnicode map of the font in use (Chromium writes text as glyph codes, never plain)."""
    objects = pdf_objects(pdf)
    fonts: dict[bytes, tuple[int, dict[int, str]]] = {}
    for head, _data in objects.values():
        for block in re.findall(rb"/Font\s*<<(.*?)>>", head, re.S):
            for name, number in re.findall(rb"/([^\s/]+)\s+(\d+)\s+0\s+R", block):
                font_head = objects[int(number)][0]
                unicode_ref = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", font_head)
                if unicode_ref:
                    found = _cmap(objects[int(unicode_ref.group(1))][1])
                    assert fonts.setdefault(name, found) == found, f"two fonts named {name!r}"
    runs = []
    for _head, data in objects.values():
        if b"Tf" not in data:
            continue
        font: tuple[int, dict[int, str]] = (1, {})
        for match in _TEXT_TOKENS.finditer(data):
            if match.group(1) is not None:
                font = fonts.get(match.group(1), (1, {}))
            elif match.group(2) is not None:
                raw = bytes.fromhex(re.sub(rb"\s", b"", match.group(2)).decode())
                width, codes = font
                chars = (
                    codes.get(int.from_bytes(raw[i : i + width], "big"), "")
                    for i in range(0, len(raw), width)
                )
                runs.append("".join(chars))
            else:
                runs.append("\n")
    return "".join(runs)


def assert_no_token(pdf: bytes, token: str) -> None:
    """``token`` is nowhere in ``pdf``: not in its bytes, its decompressed streams, its
    UTF-16 strings (title, links) nor its text."""
    streams = b"".join(head + data for head, data in pdf_objects(pdf).values())
    for blob in (pdf, streams):
        assert token.encode() not in blob
        utf16 = token.encode("utf-16-be").hex()
        assert utf16 not in blob.decode("latin-1").lower()
    text = pdf_text(pdf)
    assert token not in "".join(text.split()), "the token is in the PDF's text"


# --------------------------------------------------------------------------- the checks


class Problems:
    """Blocking axe violations, too-wide pages, console errors and CSP violations."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, page: Page, name: str, tab: Any, screenshot: str = "") -> None:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
            if violations:
                self.found.append(describe_violations(f"{name} at {width} px", violations))
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                self.found.append(f"{name} is wider than a {width} px window")
            if screenshot:
                save_screenshot(page, f"{screenshot}-{width}")
        page.set_viewport_size({"width": 1280, "height": 900})
        self.found.extend(f"[{name}] {p}" for p in tab.problems.take() + csp_violations(page))


@pytest.fixture(scope="module")
def owner_tokens(browser: Any, live_server: Any) -> Iterator[dict[str, str]]:
    """The three example cities, created through the API once for the module."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        yield {example: create_by_api(page, example) for example in CITIES}
    finally:
        context.close()


@pytest.mark.parametrize("example", list(CITIES))
def test_the_report_prints_on_two_a4_pages_without_the_token(
    example: str, owner_tokens: dict[str, str], open_tab: Callable[..., Any]
) -> None:
    token = owner_tokens[example]
    tab = open_tab()
    page = tab.page
    response = page.goto(f"/a/{token}/report")
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("report-title")).to_have_text(CITIES[example])
    expect(page.get_by_test_id("print-button")).to_be_visible()
    assert page.get_by_test_id("strengths").locator("li").count() == 3
    assert page.get_by_test_id("gaps").locator("li").count() == 3
    assert page.get_by_test_id("action").count() <= 5
    assert page.get_by_test_id("partner").count() <= 3
    for partner in page.get_by_test_id("partner").all():  # demo cities, or cities earlier
        # browser tests submitted with their name: a fictional one always says so
        if partner.get_attribute("data-demo") == "true":
            expect(partner).to_contain_text("(demo data)")
        else:
            expect(partner).not_to_contain_text("(demo data)")

    problems = Problems()
    pictured = example == PICTURED
    problems.check(page, f"report of {CITIES[example]}", tab, "report" if pictured else "")
    assert not problems.found, "\n".join(problems.found)

    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-button")).to_be_hidden()
    expect(page.locator("header[role=banner]")).to_be_hidden()
    expect(page.locator("footer[role=contentinfo]")).to_be_hidden()
    pdf = page.pdf(format="A4")  # no header or footer: page.pdf's default, kept
    pages = page_count(pdf)
    print(f"{CITIES[example]}: {pages} A4 pages, {len(pdf)} bytes")
    assert 1 <= pages <= 2, f"the report of {CITIES[example]} takes {pages} pages"

    text = "".join(pdf_text(pdf).split())
    # the text extraction works (else finding no token would prove nothing)
    for shown in (CITIES[example], "Overalllevel", "Strengths", "Gaps", "Citiestolearnfrom"):
        assert "".join(shown.split()) in text, f"{shown!r} not found in the PDF's text"
    assert_no_token(pdf, token)
    assert b"/URI" not in pdf, "the printed report links somewhere"

    # A browser that prints its own header and footer (the page's address: the token) is
    # overruled by the report's page-number margin box.
    with_header = page.pdf(format="A4", display_header_footer=True)
    assert_no_token(with_header, token)
    assert page_count(with_header) == pages

    if pictured:
        # and the checks do see a token where one is printed: the plan page, which has no
        # margin box, gets the browser's footer with its address
        page.goto(f"/a/{token}/plan")
        plan = page.pdf(format="A4", display_header_footer=True)
        assert token in "".join(pdf_text(plan).split())
        if len(pdf) < EXAMPLE_PDF_MAX_BYTES:
            (SCREENSHOTS / "report-example.pdf").write_bytes(pdf)
        else:
            print(f"report-example.pdf not saved: {len(pdf)} bytes")


def fill_the_plan(page: Page, token: str) -> None:
    """The longest report a city can make: a target in every dimension, and each of the
    first five actions with a long owner, a due date and a status (posted as the plan's forms
    post them, with its CSRF token)."""
    page.goto(f"/a/{token}/plan")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    targets = {f"target-{d}": "5" for d in DIMENSIONS}
    response = page.request.post(
        f"/a/{token}/targets",
        form={"csrf_token": csrf, "target-date": "2028-06-30", **targets},
        max_redirects=0,
    )
    assert response.status == 303, response.text()
    actions: dict[str, str] = {"csrf_token": csrf}
    for n in range(1, 6):
        actions |= {
            f"a{n}-owner": "Head of the International Relations Office",
            f"a{n}-due": "2027-06-30",
            f"a{n}-status": "started",
            f"a{n}-shown-owner": "",
            f"a{n}-shown-due": "",
            f"a{n}-shown-status": "planned",
        }
    response = page.request.post(f"/a/{token}/plan", form=actions, max_redirects=0)
    assert response.status == 303, response.text()


@pytest.mark.parametrize("example", list(CITIES))
def test_the_longest_report_still_fits_two_pages(
    example: str, open_tab: Callable[..., Any]
) -> None:
    page = open_tab().page
    token = create_by_api(page, example)
    fill_the_plan(page, token)
    page.goto(f"/a/{token}/report")
    expect(page.get_by_test_id("targets-set").locator("xpath=..").locator("li")).to_have_count(
        len(DIMENSIONS)
    )
    expect(page.get_by_test_id("action").first).to_contain_text("Head of the International")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = page_count(pdf)
    print(f"{CITIES[example]}, every target and owner set: {pages} A4 pages")
    assert pages <= 2, f"the longest report of {CITIES[example]} takes {pages} pages"
    assert_no_token(pdf, token)


def test_the_print_button_needs_javascript(
    owner_tokens: dict[str, str], open_tab: Callable[..., Any]
) -> None:
    token = owner_tokens[PICTURED]
    page = open_tab(java_script_enabled=False).page
    page.goto(f"/a/{token}/report")
    expect(page.get_by_test_id("report-title")).to_be_visible()
    expect(page.get_by_test_id("print-button")).to_be_hidden()

    page = open_tab().page
    page.goto(f"/a/{token}/report")
    printed = page.evaluate(
        """() => { window.__printed = 0; window.print = () => { window.__printed += 1; };
                   return true; }"""
    )
    assert printed
    page.get_by_test_id("print-button").click()
    assert page.evaluate("window.__printed") == 1
