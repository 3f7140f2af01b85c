"""The assessment flow, page by page, as a user without JavaScript goes through it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, fill_everything, post_form, start, text


def test_landing_says_what_is_stored_and_how_long(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1" in page and page.count("<h1") == 1
    assert '<html lang="en"' in page
    assert 'href="#main-content"' in page
    assert "about 15 minutes" in page
    assert "What we store and who sees it" in page
    assert "Strategy and mandate" in page
    assert 'name="csrf_token"' in page


def test_start_creates_assessment_and_shows_resume_link(client: FlaskClient) -> None:
    token = start(client)
    page = text(client.get(f"/a/{token}/profile"))
    assert "Save this link to come back" in page
    assert f"http://localhost/a/{token}" in page
    assert "Step 1 of 12" in page


def test_city_search_lists_matches_as_radios_and_fills_the_form(client: FlaskClient) -> None:
    token = start(client)
    page = text(client.get(f"/a/{token}/profile", query_string={"q": "Munich"}))
    assert 'data-testid="city-results"' in page
    assert 'name="city" type="radio"' in page
    geonameid = page.split('name="city" type="radio" value="')[1].split('"')[0]
    filled = text(client.get(f"/a/{token}/profile", query_string={"city": geonameid}))
    assert 'name="country" type="text" value="DE"' in filled
    assert f'name="geonameid" value="{geonameid}"' in filled


def test_city_search_without_match_says_so(client: FlaskClient) -> None:
    token = start(client)
    page = text(client.get(f"/a/{token}/profile", query_string={"q": "Zzxqvw"}))
    assert "No cities found for “Zzxqvw”" in page


def test_profile_saves_and_moves_to_first_dimension(client: FlaskClient) -> None:
    token = start(client)
    response = post_form(client, f"/a/{token}/profile", PROFILE)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/a/{token}/step/strategy")
    again = text(client.get(f"/a/{token}/profile"))
    assert 'value="Nordhaven"' in again
    assert 'value="anonymous" checked' in again


def test_dimension_page_has_fieldsets_progress_and_options(client: FlaskClient) -> None:
    token = start(client)
    page = text(client.get(f"/a/{token}/step/strategy"))
    assert "Step 2 of 12" in page
    assert page.count("<fieldset") == 4
    assert page.count("<legend") == 4
    assert "I don't know" in page
    assert 'for="f-strategy-document-0"' in page
    assert "Save this link to come back" in page


def test_same_page_skip_logic_is_explained_and_unanswered_follow_up_is_fine(
    client: FlaskClient,
) -> None:
    token = start(client)
    page = text(client.get(f"/a/{token}/step/budget"))
    assert "Answer this only if you answered" in page
    response = post_form(
        client,
        f"/a/{token}/step/budget",
        {"budget.line": "none", "budget.external_funding": "none"},
    )
    assert response.status_code == 303


def test_follow_up_that_does_not_apply_is_dropped(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    post_form(
        client,
        f"/a/{token}/step/budget",
        {"budget.line": "none", "budget.horizon": "annual", "budget.external_funding": "none"},
    )
    check = text(client.get(f"/a/{token}/check"))
    assert "How far ahead is the international budget planned?" not in check


def test_follow_up_that_applies_is_required(client: FlaskClient) -> None:
    token = start(client)
    response = post_form(
        client,
        f"/a/{token}/step/budget",
        {"budget.line": "dedicated_line", "budget.external_funding": "none"},
    )
    assert response.status_code == 400
    assert "Select an answer: How far ahead is the international budget planned?" in text(response)


def test_number_question_accepts_dont_know(client: FlaskClient) -> None:
    token = start(client)
    form = {
        "staff.team_size--unknown": "unknown",
        "staff.training": "none",
        "staff.workload_planning": "none",
    }
    assert post_form(client, f"/a/{token}/step/staff", form).status_code == 303
    page = text(client.get(f"/a/{token}/step/staff"))
    assert 'name="staff.team_size--unknown" type="checkbox" value="unknown" checked' in page


def test_answers_are_saved_at_every_step_and_resume_goes_to_next_open_step(
    client: FlaskClient,
) -> None:
    token = start(client)
    post_form(client, f"/a/{token}/profile", PROFILE)
    form = {
        "strategy.document": "adopted_current",
        "strategy.city_plan_link": "aligned",
        "strategy.priorities": "broad",
        "strategy.political_sponsorship": "unknown",
        "strategy.document--note": "Adopted 2022",
    }
    post_form(client, f"/a/{token}/step/strategy", form)
    client.delete_cookie("session")  # a new browser: only the link is left
    response = client.get(f"/a/{token}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{token}/step/institutions")
    page = text(client.get(f"/a/{token}/step/strategy"))
    assert 'value="adopted_current" checked' in page
    assert "Adopted 2022</textarea>" in page


def test_check_page_lists_answers_with_change_links(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    fill_everything(client, token, app)
    response = client.get(f"/a/{token}/check")
    page = text(response)
    assert response.status_code == 200
    assert "Step 12 of 12" in page
    assert "A strategy was adopted, or reviewed and re-adopted, within the last five years" in page
    assert f"/a/{token}/step/strategy?return_to=check#f-strategy-document-group" in page
    assert 'Change<span class="visually-hidden"> Does the city have a written strategy' in page
    assert "Not answered yet" not in page


def test_change_link_returns_to_check_page(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    fill_everything(client, token, app)
    url = f"/a/{token}/step/budget?return_to=check"
    form = {
        "csrf_token": csrf_token(client, url),
        "return_to": "check",
        "budget.line": "none",
        "budget.external_funding": "none",
    }
    response = client.post(f"/a/{token}/step/budget", data=form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/a/{token}/check")


def test_submit_with_missing_answers_lists_them(client: FlaskClient) -> None:
    token = start(client)
    post_form(client, f"/a/{token}/profile", PROFILE)
    response = client.post(
        f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Answer this question: Does the city have a written strategy" in page
    assert f'href="/a/{token}/step/strategy#f-strategy-document-0"' in page


def test_happy_path_to_results(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    fill_everything(client, token, app)
    response = client.post(
        f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/a/{token}/results")
    page = text(client.get(f"/a/{token}/results"))
    assert "Results for Nordhaven" in page
    assert "Overall level: " in page and "4 – Established" in page
    # After submission the steps lead to the results, and the resume link too.
    assert client.get(f"/a/{token}/step/strategy").status_code == 302
    assert client.get(f"/a/{token}").headers["Location"].endswith(f"/a/{token}/results")


def test_results_before_submission_go_to_check(client: FlaskClient) -> None:
    token = start(client)
    response = client.get(f"/a/{token}/results")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{token}/check")
