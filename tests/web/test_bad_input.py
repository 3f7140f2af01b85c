"""Bad input never gives a 500: each case gets a status and a message the user understands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from database import run_sql
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, start, text

STRATEGY = {
    "strategy.document": "adopted_current",
    "strategy.city_plan_link": "aligned",
    "strategy.priorities": "broad",
    "strategy.political_sponsorship": "ad_hoc",
}
STAFF = {"staff.team_size": "2", "staff.training": "none", "staff.workload_planning": "ad_hoc"}

# (page, form fields replacing the valid ones, status, the exact message the user sees)
FORM_CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    (
        "unknown option",
        "strategy",
        {"strategy.document": "bogus"},
        400,
        "Select one of the options shown",
    ),
    (
        "N/A where not allowed",
        "strategy",
        {"strategy.document": "na"},
        400,
        "Select one of the options shown",
    ),
    (
        "missing answer",
        "strategy",
        {"strategy.document": ""},
        400,
        "Select an answer: Does the city have a written strategy for its international relations?",
    ),
    (
        "two answers to one question",
        "strategy",
        {"strategy.document": ["adopted", "none"]},
        400,
        "Select one answer only",
    ),
    (
        "note too long",
        "strategy",
        {"strategy.document--note": "x" * 1001},
        400,
        "Notes must be 1,000 characters or fewer",
    ),
    ("number is a word", "staff", {"staff.team_size": "five"}, 400, "Enter a number, like 2.5"),
    (
        "negative number",
        "staff",
        {"staff.team_size": "-3"},
        400,
        "Enter a number from 0 to 1,000,000",
    ),
    ("not a number", "staff", {"staff.team_size": "nan"}, 400, "Enter a number, like 2.5"),
    (
        "number and don't know",
        "staff",
        {"staff.team_size--unknown": "unknown"},
        400,
        "Enter a number or select “I don't know”, not both",
    ),
    (
        "number missing",
        "staff",
        {"staff.team_size": ""},
        400,
        "Enter a number, or select “I don't know”",
    ),
    (
        "population is a word",
        "profile",
        {"population": "lots"},
        400,
        "Enter the population as a whole number, like 250000",
    ),
    (
        "population zero",
        "profile",
        {"population": "0"},
        400,
        "Population must be between 1 and 50,000,000",
    ),
    (
        "population missing",
        "profile",
        {"population": ""},
        400,
        "Enter the population of your city",
    ),
    (
        "country neither a code nor a name",
        "profile",
        {"country": "Germanyland"},
        400,
        "Enter the country as a two-letter code, like DE or BR, or its name",
    ),
    (
        "country unknown",
        "profile",
        {"country": "XX"},
        400,
        "Enter a country code we know, like DE or BR",
    ),
    ("name missing", "profile", {"name": "   "}, 400, "Enter the name of your city"),
    (
        "name too long",
        "profile",
        {"name": "N" * 121},
        400,
        "City name must be 120 characters or fewer",
    ),
    (
        "capital not yes or no",
        "profile",
        {"capital": "maybe"},
        400,
        "Select yes if your city is the capital of its country",
    ),
    (
        "sharing missing",
        "profile",
        {"sharing": ""},
        400,
        "Select whether other cities may see your results",
    ),
    (
        "sharing unknown",
        "profile",
        {"sharing": "everyone"},
        400,
        "Select whether other cities may see your results",
    ),
]


def _url(token: str, page: str) -> str:
    return f"/a/{token}/profile" if page == "profile" else f"/a/{token}/step/{page}"


def _valid(page: str) -> dict[str, Any]:
    return {"profile": PROFILE, "strategy": STRATEGY, "staff": STAFF}[page]


@pytest.mark.parametrize(
    ("page", "change", "status", "message"),
    [case[1:] for case in FORM_CASES],
    ids=[case[0] for case in FORM_CASES],
)
def test_bad_form_value_rerenders_with_message(
    client: FlaskClient, page: str, change: dict[str, Any], status: int, message: str
) -> None:
    token = start(client)
    url = _url(token, page)
    form = {"csrf_token": csrf_token(client, url), **_valid(page), **change}
    response = client.post(url, data=form)
    assert response.status_code == status
    body = text(response)
    assert 'data-testid="error-summary"' in body
    assert 'role="alert"' in body
    assert body.count(message) == 2, "the message shows in the summary and beside the field"
    assert 'aria-invalid="true"' in body


@pytest.mark.parametrize("geonameid", ["abc", "-1", "0", "1" * 30, "0x10"])
def test_tampered_hidden_city_id_is_dropped(client: FlaskClient, geonameid: str) -> None:
    token = start(client)
    url = _url(token, "profile")
    form = {"csrf_token": csrf_token(client, url), **PROFILE, "geonameid": geonameid}
    assert client.post(url, data=form).status_code == 303
    assert 'name="geonameid"' not in text(client.get(url))


def test_error_summary_links_to_the_field(client: FlaskClient) -> None:
    token = start(client)
    url = _url(token, "strategy")
    form = {"csrf_token": csrf_token(client, url), **STRATEGY, "strategy.document": "bogus"}
    body = text(client.post(url, data=form))
    assert '<a href="#f-strategy-document-0">Select one of the options shown</a>' in body
    assert 'id="f-strategy-document-0"' in body


def test_bad_value_keeps_the_other_answers(client: FlaskClient) -> None:
    token = start(client)
    url = _url(token, "strategy")
    form = {"csrf_token": csrf_token(client, url), **STRATEGY, "strategy.document": "bogus"}
    body = text(client.post(url, data=form))
    assert 'value="aligned" checked' in body


@pytest.mark.parametrize(
    "path",
    ["/start", "/a/{token}/profile", "/a/{token}/step/strategy", "/a/{token}/submit"],
)
def test_missing_csrf_token_is_refused(client: FlaskClient, path: str) -> None:
    token = start(client)
    response = client.post(path.format(token=token), data={**PROFILE, **STRATEGY})
    assert response.status_code == 400
    assert "This form has expired" in text(response)


def test_wrong_csrf_token_is_refused(client: FlaskClient) -> None:
    token = start(client)
    response = client.post(f"/a/{token}/profile", data={"csrf_token": "not-a-token", **PROFILE})
    assert response.status_code == 400
    assert "This form has expired" in text(response)


def test_oversized_body_gets_413(client: FlaskClient) -> None:
    token = start(client)
    url = _url(token, "strategy")
    form = {"csrf_token": csrf_token(client, url), **STRATEGY, "strategy.document--note": "x"}
    form["padding"] = "x" * (300 * 1024)
    response = client.post(url, data=form)
    assert response.status_code == 413
    assert "What you sent is too large" in text(response)


@pytest.mark.parametrize(
    "path",
    [
        "/a/{wrong}",
        "/a/{wrong}/profile",
        "/a/{wrong}/step/strategy",
        "/a/{wrong}/check",
        "/a/{wrong}/results",
        "/a/{wrong}/results.json",
        "/a/short/profile",
        "/a/{token}/step/no_such_dimension",
        "/no/such/page",
    ],
)
def test_wrong_token_or_page_gets_404(client: FlaskClient, path: str) -> None:
    token = start(client)
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.get(path.format(token=token, wrong=wrong))
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_expired_token_gets_404(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    assert client.get(f"/a/{token}/profile").status_code == 200
    run_sql(app, "UPDATE assessments SET created_at = :old", old=datetime(2000, 1, 1))
    response = client.get(f"/a/{token}/profile")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_wrong_method_gets_405(client: FlaskClient) -> None:
    response = client.get("/start")
    assert response.status_code == 405
    assert "This page cannot be used in that way" in text(response)


@pytest.mark.parametrize(
    "query",
    [{"city": "abc"}, {"city": "99999999999999999999"}, {"city": "1"}, {"q": "x" * 5000}],
)
def test_odd_profile_queries_are_ignored(client: FlaskClient, query: dict[str, str]) -> None:
    token = start(client)
    assert client.get(f"/a/{token}/profile", query_string=query).status_code == 200


SCRIPT = "<script>alert('x')</script>"


def test_script_in_city_name_and_note_comes_back_escaped(client: FlaskClient) -> None:
    token = start(client)
    url = f"/a/{token}/profile"
    client.post(url, data={"csrf_token": csrf_token(client, url), **PROFILE, "name": SCRIPT})
    url = f"/a/{token}/step/strategy"
    form = {"csrf_token": csrf_token(client, url), **STRATEGY, "strategy.document--note": SCRIPT}
    client.post(url, data=form)
    for page in (f"/a/{token}/profile", f"/a/{token}/step/strategy", f"/a/{token}/check"):
        raw = client.get(page).get_data(as_text=True)
        assert SCRIPT not in raw
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in raw


def test_script_in_rejected_input_comes_back_escaped(client: FlaskClient) -> None:
    token = start(client)
    url = f"/a/{token}/profile"
    form = {"csrf_token": csrf_token(client, url), **PROFILE, "name": SCRIPT, "population": ""}
    raw = client.post(url, data=form).get_data(as_text=True)
    assert SCRIPT not in raw
    assert "&lt;script&gt;" in raw


def test_control_characters_are_removed(client: FlaskClient) -> None:
    token = start(client)
    url = f"/a/{token}/profile"
    form = {"csrf_token": csrf_token(client, url), **PROFILE, "name": "Nord\x00haven\x1b"}
    assert client.post(url, data=form).status_code == 303
    assert 'value="Nordhaven"' in text(client.get(url))
