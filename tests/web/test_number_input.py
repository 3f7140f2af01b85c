"""Numbers typed as the reader's language writes them (issue 16): "520 774" in French and
Polish, "520.774" in German, Spanish and Italian, "520,774" in English all mean 520774; "2,5"
is two and a half everywhere but in English; what could mean two numbers is refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, make_app, start, text

from web import i18n, storage
from web.assessment.numbers import (
    NumberInputError,
    NumberProblem,
    number_examples,
    number_for_input,
    read_number,
)
from web.tokens import hash_token

NBSP, NNBSP = "\u00a0", "\u202f"
SEPARATORS, NOT_A_NUMBER, NOT_WHOLE = (
    NumberProblem.SEPARATORS,
    NumberProblem.NOT_A_NUMBER,
    NumberProblem.NOT_WHOLE,
)

# (language, what was typed, the number it means, or why it is refused)
READINGS: list[tuple[str, str, Decimal | NumberProblem]] = [
    # English: a comma between thousands, a point before decimals
    ("en", "520,774", Decimal(520774)),
    ("en", "520774", Decimal(520774)),
    ("en", "1,000", Decimal(1000)),
    ("en", "1,000,000", Decimal(1000000)),
    ("en", "2.5", Decimal("2.5")),
    ("en", "1,000.5", Decimal("1000.5")),
    ("en", "2,5", SEPARATORS),  # a slip for 2.5, or for 25? never guessed
    ("en", "1,5000", SEPARATORS),
    ("en", "520 774", SEPARATORS),
    ("en", "1.000,5", SEPARATORS),
    # French: a space between thousands (narrow no-break, no-break or plain), a comma
    ("fr", "520 774", Decimal(520774)),
    ("fr", f"520{NBSP}774", Decimal(520774)),
    ("fr", f"520{NNBSP}774", Decimal(520774)),
    ("fr", "1 000 000", Decimal(1000000)),
    ("fr", "2,5", Decimal("2.5")),
    ("fr", " 2,5 ", Decimal("2.5")),
    ("fr", "1.000", SEPARATORS),  # one, or a thousand? Babel alone would say one
    ("fr", "2.5", Decimal("2.5")),  # French writes no point: a keypad's point means the comma
    ("fr", "1 000.25", Decimal("1000.25")),
    ("fr", "0.125", SEPARATORS),
    ("fr", "1.000.000", SEPARATORS),
    ("fr", "2.5,1", SEPARATORS),
    ("fr", "520,774", SEPARATORS),  # an English 520774, or 520.774? never read as the smaller
    ("fr", "1,000", SEPARATORS),  # never "1,000" read as 1
    ("fr", "0,125", Decimal("0.125")),  # no English number starts with 0,
    ("fr", "1,0005", Decimal("1.0005")),
    ("de", "1,000", SEPARATORS),
    ("es", "12,500", SEPARATORS),
    ("it", "1,25", Decimal("1.25")),
    ("pl", "1,000", SEPARATORS),
    ("fr", "52 0774", SEPARATORS),
    # German, Spanish, Italian: a point between thousands, a comma before decimals
    ("de", "520.774", Decimal(520774)),
    ("de", "2,5", Decimal("2.5")),
    ("de", "1.000,5", Decimal("1000.5")),
    ("de", "2.5", SEPARATORS),
    ("de", "1,000.5", SEPARATORS),
    ("de", "520 774", SEPARATORS),
    ("es", "520.774", Decimal(520774)),
    ("es", "5207", Decimal(5207)),
    ("es", "2,5", Decimal("2.5")),
    ("es", "2.5", SEPARATORS),
    ("it", "520.774", Decimal(520774)),
    ("it", "2,5", Decimal("2.5")),
    ("it", "1.5", SEPARATORS),
    # Polish: a space between thousands, a comma before decimals
    ("pl", "520 774", Decimal(520774)),
    ("pl", f"520{NBSP}774", Decimal(520774)),
    ("pl", f"520{NNBSP}774", Decimal(520774)),
    ("pl", "2,5", Decimal("2.5")),
    ("pl", "1.000", SEPARATORS),
    ("pl", "33.5", Decimal("33.5")),
    # not numbers in any language
    ("en", "five", NOT_A_NUMBER),
    ("en", "nan", NOT_A_NUMBER),
    ("en", "1e5", NOT_A_NUMBER),
    ("en", "\u0661\u0662", NOT_A_NUMBER),  # Arabic-Indic digits: int() reads them, we do not
    ("fr", "", NOT_A_NUMBER),
    ("de", "   ", NOT_A_NUMBER),
    ("pl", "12 zł", NOT_A_NUMBER),
]


@pytest.mark.parametrize(("language", "typed", "meant"), READINGS)
def test_a_number_is_read_as_its_language_writes_it(
    language: str, typed: str, meant: Decimal | NumberProblem
) -> None:
    if isinstance(meant, NumberProblem):
        with pytest.raises(NumberInputError) as refused:
            read_number(typed, language)
        assert refused.value.problem is meant
    else:
        assert read_number(typed, language) == meant


def test_every_language_is_in_the_table() -> None:
    assert {language for language, _typed, _meant in READINGS} == set(i18n.KNOWN)


@pytest.mark.parametrize("language", i18n.KNOWN)
def test_a_whole_number_refuses_decimals(language: str) -> None:
    two_and_a_half = number_examples(language)["decimal"]
    with pytest.raises(NumberInputError) as refused:
        read_number(two_and_a_half, language, whole=True)
    assert refused.value.problem is NOT_WHOLE
    assert read_number(number_examples(language)["grouped"], language, whole=True) == 250000


@pytest.mark.parametrize("language", i18n.KNOWN)
@pytest.mark.parametrize("value", [0, 2.5, 0.1, 17, 520774, 1_000_000, 33.333])
def test_a_stored_number_refills_a_form_as_it_reads_back(language: str, value: float) -> None:
    shown = number_for_input(value, language)
    assert read_number(shown, language) == Decimal(str(value))


@pytest.mark.parametrize(
    ("language", "decimal", "grouped"),
    [
        ("en", "2.5", "250,000"),
        ("fr", "2,5", f"250{NNBSP}000"),
        ("de", "2,5", "250.000"),
        ("es", "2,5", "250.000"),
        ("it", "2,5", "250.000"),
        ("pl", "2,5", f"250{NBSP}000"),
    ],
)
def test_the_examples_in_messages_are_in_the_language(
    language: str, decimal: str, grouped: str
) -> None:
    assert number_examples(language) == {"decimal": decimal, "plain": "250000", "grouped": grouped}


# ------------------------------------------------------------------ through the forms

STAFF = {"staff.training": "none", "staff.workload_planning": "ad_hoc"}


@pytest.fixture
def multilingual(tmp_path: Path) -> Flask:
    """An app offering English, French, German and Polish."""
    return make_app(tmp_path, languages="en,fr,de,pl")


def _stored(app: Flask, token: str) -> storage.StoredAssessment:
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None
    return found


def _post_staff(client: FlaskClient, token: str, team_size: str, language: str) -> tuple[int, str]:
    url = f"/a/{token}/step/staff?lang={language}"
    form = {"csrf_token": csrf_token(client, url), **STAFF, "staff.team_size": team_size}
    response = client.post(url, data=form)
    return response.status_code, text(response)


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("fr", "2,5", 2.5),
        ("fr", "2.5", 2.5),
        ("fr", "1 200", 1200),
        ("de", "1.200", 1200),
        ("en", "2.5", 2.5),
        ("en", "1,000", 1000),
    ],
)
def test_a_number_answer_is_saved_as_the_language_writes_it(
    multilingual: Flask, language: str, typed: str, stored: float
) -> None:
    client = multilingual.test_client()
    token = start(client)
    status, _page = _post_staff(client, token, typed, language)
    assert status == 303
    assert _stored(multilingual, token).answers["staff.team_size"] == stored


@pytest.mark.parametrize(
    ("language", "typed", "example"),
    [("fr", "1.000", "2,5"), ("de", "2.5", "2,5"), ("en", "2,5", "2.5"), ("en", "1,5", "2.5")],
)
def test_a_number_that_could_mean_two_is_refused_with_how_to_write_it(
    multilingual: Flask, language: str, typed: str, example: str
) -> None:
    client = multilingual.test_client()
    token = start(client)
    status, page = _post_staff(client, token, typed, language)
    assert status == 400
    examples = number_examples(language)
    assert examples["decimal"] == example
    sentence = _translated(
        "Enter a number written like %(decimal)s, %(plain)s or %(grouped)s", language
    )
    assert _shown_as_error(page, sentence % examples)
    assert "staff.team_size" not in _stored(multilingual, token).answers


def test_a_saved_decimal_comes_back_in_the_language_of_the_form(multilingual: Flask) -> None:
    client = multilingual.test_client()
    token = start(client)
    assert _post_staff(client, token, "2,5", "fr")[0] == 303
    french = text(client.get(f"/a/{token}/step/staff?lang=fr"))
    assert 'name="staff.team_size" type="text" inputmode="decimal" value="2,5"' in french
    english = text(client.get(f"/a/{token}/step/staff?lang=en"))
    assert 'name="staff.team_size" type="text" inputmode="decimal" value="2.5"' in english
    # saving the French page as it was shown keeps the answer
    assert _post_staff(client, token, "2,5", "fr")[0] == 303
    assert _stored(multilingual, token).answers["staff.team_size"] == 2.5


def _post_profile(
    client: FlaskClient, token: str, population: str, language: str
) -> tuple[int, str]:
    url = f"/a/{token}/profile?lang={language}"
    form = {"csrf_token": csrf_token(client, url), **PROFILE, "population": population}
    response = client.post(url, data=form)
    return response.status_code, text(response)


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("fr", "520 774"),
        ("fr", f"520{NNBSP}774"),
        ("de", "520.774"),
        ("en", "520,774"),
        ("en", "520774"),
    ],
)
def test_the_population_is_read_as_the_language_writes_it(
    multilingual: Flask, language: str, typed: str
) -> None:
    client = multilingual.test_client()
    token = start(client)
    status, page = _post_profile(client, token, typed, language)
    assert status == 303, page
    profile = _stored(multilingual, token).profile
    assert profile is not None and profile["population"] == 520774


SEPARATED_POPULATION = "Enter the population as a whole number, like %(plain)s or %(grouped)s"
WHOLE_POPULATION = "Enter the population as a whole number, like 250000"


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("fr", "520.774", SEPARATED_POPULATION),
        ("en", "520,77", SEPARATED_POPULATION),
        ("en", "520.774", WHOLE_POPULATION),  # decimals, in English
        ("de", "520,5", WHOLE_POPULATION),
        ("pl", "lots", WHOLE_POPULATION),
    ],
)
def test_a_population_that_cannot_be_read_is_refused_with_how_to_write_it(
    multilingual: Flask, language: str, typed: str, message: str
) -> None:
    client = multilingual.test_client()
    token = start(client)
    status, page = _post_profile(client, token, typed, language)
    assert status == 400
    assert _shown_as_error(page, _translated(message, language) % number_examples(language))
    assert _stored(multilingual, token).profile is None


def _translated(message: str, language: str) -> str:
    """``message`` as the language's catalog has it (English where it has none yet)."""
    if language == "en":
        return message
    with (i18n.CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        found = read_po(source, locale=language).get(message)
    return str(found.string) if found is not None and found.string else message


def _shown_as_error(page: str, message: str) -> bool:
    """``message``, exactly, in the error summary and beside the field."""
    return page.count(f">{message}</a>") == 1 and page.count(f"</span> {message}</p>") == 1
