"""Dates, numbers, plurals and punctuation as each language writes them (issue 16).

Dates take Babel's format for the language ("4. Dezember 2026", "4 de diciembre de 2026"),
English keeping the British "4 December 2026" the pages have always shown; counts take the
language's plural ("1 assessment", "2 assessments") and its number format ("250 000"); a
colon after a label is part of the message, so French can put its space before it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext
from web_helpers import PROFILE, csrf_token, fill_everything, make_app, post_form, start, text

import rules.locale
from web import i18n
from web.assessment.dates import date_time, long_date, month_year, short_date

NBSP, NNBSP = "\u00a0", "\u202f"
DAY = date(2026, 12, 4)
SEPTEMBER = date(2026, 9, 4)
AT = datetime(2026, 12, 4, 14, 5)

# (language, long date, short date, month and year, date and time) of DAY and AT
DATES = [
    ("en", "4 December 2026", "4 Dec 2026", "Dec 2026", "4 Dec 2026, 14:05"),
    ("fr", "4 décembre 2026", "4 déc. 2026", "déc. 2026", "4 déc. 2026, 14:05"),
    ("de", "4. Dezember 2026", "4. Dez. 2026", "Dez. 2026", "4. Dez. 2026, 14:05"),
    ("es", "4 de diciembre de 2026", "4 dic 2026", "dic 2026", "4 dic 2026, 14:05"),
    ("it", "4 dicembre 2026", "4 dic 2026", "dic 2026", "4 dic 2026, 14:05"),
    ("pl", "4 grudnia 2026", "4 gru 2026", "gru 2026", "4 gru 2026, 14:05"),
]


@pytest.mark.parametrize(("language", "long", "short", "month", "moment"), DATES)
def test_dates_are_written_as_each_language_writes_them(
    language: str, long: str, short: str, month: str, moment: str
) -> None:
    assert long_date(DAY, language) == long
    assert short_date(DAY, language) == short
    assert month_year(DAY, language) == month
    assert date_time(AT, language) == moment


def test_every_language_has_its_dates() -> None:
    assert [row[0] for row in DATES] == list(i18n.KNOWN)


def test_english_dates_stay_as_they_were() -> None:
    # British order, "Sep" (Babel's British data would write "Sept"), never "December 4, 2026"
    assert long_date(SEPTEMBER, "en") == "4 September 2026"
    assert short_date(SEPTEMBER, "en") == "4 Sep 2026"
    assert month_year(SEPTEMBER, "en") == "Sep 2026"


def test_a_stored_time_is_shown_in_utc() -> None:
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert long_date(late, "de") == "4. Dezember 2026"
    assert date_time(late.replace(tzinfo=None), "fr") == "4 déc. 2026, 23:30"


# ------------------------------------------------------------------ on the pages


@pytest.fixture
def multilingual(tmp_path: Path) -> Flask:
    """An app offering every language."""
    return make_app(tmp_path, languages=",".join(i18n.KNOWN), admin_token=ADMIN_TOKEN)


ADMIN_TOKEN = "kV3q-tests-only-Xw8PbN2mZr6LhT1yFd0sJc5uGe9"


def _submitted(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    token = start(client)
    fill_everything(client, token, app)
    response = client.post(
        f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert response.status_code == 303
    return client, token


@pytest.mark.parametrize("language", ["de", "es", "pl"])
def test_the_report_dates_itself_in_the_readers_language(
    multilingual: Flask, language: str
) -> None:
    client, token = _submitted(multilingual)
    page = text(client.get(f"/a/{token}/report?lang={language}"))
    made = page[page.index('data-testid="report-made"') :]
    assert long_date(date.today(), language) in made[: made.index("</p>")]
    assert long_date(date.today(), "en") not in page
    assert f"{date.today().day} {date.today().year}" not in page, "no d MMMM y pattern"


def test_the_check_page_says_what_each_change_link_changes(multilingual: Flask) -> None:
    client = multilingual.test_client()
    token = start(client)
    assert post_form(client, f"/a/{token}/profile", PROFILE).status_code == 303
    page = text(client.get(f"/a/{token}/check"))
    hidden = re.findall(r'Change<span class="visually-hidden"> ([^<]+)</span>', page)
    assert hidden[:7] == [
        "city",
        "country",
        "world region",
        "population",
        "capital",
        "EU member state",  # was lower-cased to "eu member state"
        "sharing with other cities",
    ]
    french = text(client.get(f"/a/{token}/check?lang=fr"))
    assert f"900{NNBSP}000" in french, "the population as French writes it"


def test_a_deletion_counts_in_the_singular_and_the_plural(multilingual: Flask) -> None:
    client = multilingual.test_client()
    token = start(client)
    response = post_form(client, f"/a/{token}/delete", {})
    assert response.status_code == 200
    assert "1 assessment and 0 peer-pool records removed." in text(response)


#: a placeholder followed by a counted noun: "%(n)s cities found", "the %(n)s earlier
#: assessments", "%(n)s more steps"
COUNTED = re.compile(
    r"%\(\w+\)s (?:\w+ ){0,2}(?:cities|assessments|questions|steps|points|days|months|rows|"
    r"answers|records|actions)\b"
)


def _template_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    methods = [("web/templates/**.html", "jinja2")]
    for *_where, message, _comments, _context in extract_from_dir(
        i18n.ROOT, methods, keywords=i18n.KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_count_in_a_template_has_its_plural_forms() -> None:
    singular_only = [m for m in _template_messages() if isinstance(m, str) and COUNTED.search(m)]
    assert not singular_only, f"use ngettext: {sorted(singular_only)[:5]}"


def test_no_sentence_is_glued_from_words() -> None:
    # "12 of 20 points" was {{ points }} {{ _("of") }} {{ max }} {{ _("points") }}: word order
    # and plurals belong to the translator, in one message
    messages = _template_messages()
    assert not {"of", "points", "and", "or more"} & messages
    assert (
        "%(dimension)s: %(points)s of %(num)s point",
        "%(dimension)s: %(points)s of %(num)s points",
    ) in messages


def test_the_dashboard_writes_percentages_as_each_language_does(multilingual: Flask) -> None:
    client = multilingual.test_client()
    assert post_form(client, "/network/sign-in", {"token": ADMIN_TOKEN}).status_code == 303
    english = text(client.get("/network/?lang=en"))
    french = text(client.get("/network/?lang=fr"))
    pool = r'<td class="table__cell--numeric">\s*(\d+\s?%)<br>'
    published = r'data-testid="reference">(\d+\s?%) \w+ 2018'  # "in 2018", "en 2018"
    assert re.findall(pool, english) and all(
        re.fullmatch(r"\d+%", s) for s in re.findall(pool, english)
    )
    assert re.findall(published, english) == ["19%"]
    french_shares = re.findall(pool, french)
    assert french_shares and all(s.endswith(f"{NBSP}%") for s in french_shares), french_shares
    assert re.findall(published, french) == [f"19{NBSP}%"], "French puts a space before %"


@pytest.mark.parametrize(
    ("languages", "reader", "line"),
    [
        ("en", "en", "The service is in English only for now."),
        ("en,fr,de", "en", "The service is available only in English, French, and German."),
        ("en,fr", "fr", "anglais et français"),
        ("en,pl", "pl", "angielski i polski"),
    ],
)
def test_the_accessibility_statement_names_the_languages_offered(
    tmp_path: Path, languages: str, reader: str, line: str
) -> None:
    client = make_app(tmp_path, languages=languages).test_client()
    page = text(client.get(f"/accessibility?lang={reader}"))
    offered = page[page.index('data-testid="languages-offered"') :]
    assert line in offered[: offered.index("</li>")]


def test_a_missing_answer_is_named_as_such_in_every_language(
    multilingual: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine's messages follow the reader's language (rules.locale.phrase): the page tells
    # a missing answer by its kind, not by comparing the message. The catalog that will
    # translate the engine's message is stood in for here.
    def translate(message: str) -> str:
        return (
            "une réponse est requise" if message == "an answer is required" else gettext(message)
        )

    monkeypatch.setattr(rules.locale, "_translate", translate)
    client = multilingual.test_client()
    token = start(client)
    assert post_form(client, f"/a/{token}/profile", PROFILE).status_code == 303
    url = f"/a/{token}/submit?lang=fr"
    response = client.post(url, data={"csrf_token": csrf_token(client, f"/a/{token}/check")})
    assert response.status_code == 400
    page = text(response)
    with (i18n.CATALOGS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        answer_this = read_po(source, locale="fr")["Answer this question: %(q)s"].string
    assert page.count(str(answer_this).split("%(q)s")[0]) > 1, "each missing answer is named"
    assert "an answer is required" not in page and "une réponse est requise" not in page
