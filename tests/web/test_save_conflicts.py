"""Two people saving the same page at once lose nothing (issue 14, part 2): a save made from
an outdated version of the answers is refused with both versions shown, never silently
written over what the other saved."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, page_answers, post_form, start, text

from web import storage


def page_form(client: FlaskClient, url: str) -> dict[str, str]:
    """The hidden fields of the page's form as it was shown: CSRF token and version."""
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "every question page carries the version it shows"
    return {"csrf_token": csrf_token(client, url), "version": version.group(1)}


def stored(app: Flask, token: str) -> dict[str, Any]:
    from web.tokens import hash_token

    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None
    return found.answers


def test_the_second_save_from_the_same_version_gets_the_conflict_page(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    post_form(client, f"/a/{token}/profile", PROFILE)
    url = f"/a/{token}/step/strategy"
    second = app.test_client()  # a colleague with the same link, in another browser
    first_form, second_form = page_form(client, url), page_form(second, url)
    assert first_form["version"] == second_form["version"]
    mine, theirs = page_answers(app, "strategy", 0), page_answers(app, "strategy", -1)

    assert client.post(url, data={**first_form, **mine}).status_code == 303
    refused = second.post(url, data={**second_form, **theirs})

    assert refused.status_code == 409
    page = text(refused)
    assert "Someone saved answers since you opened this page" in page
    assert page.count('data-testid="conflict-row"') == len(mine)
    assert {q: stored(app, token)[q] for q in mine} == mine  # the first save stands
    # the refused answers are still in the form, now at the new version
    again = re.search(r'name="version" value="(\d+)"', refused.get_data(as_text=True))
    assert again and int(again.group(1)) == int(first_form["version"]) + 1
    for qid, value in theirs.items():
        assert re.search(rf'name="{re.escape(qid)}"[^>]*value="{value}"[^>]*checked', page), qid

    # saving again, on purpose, from the conflict page replaces the first answers
    resent = {"csrf_token": csrf_token(second, url), "version": again.group(1), **theirs}
    assert second.post(url, data=resent).status_code == 303
    assert {q: stored(app, token)[q] for q in theirs} == theirs


def test_a_save_of_another_page_meanwhile_is_a_conflict_with_nothing_to_compare(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    url = f"/a/{token}/step/strategy"
    shown = page_form(client, url)
    other = app.test_client()
    budget = page_answers(app, "budget", 0)  # the lowest: no follow-up question applies
    assert post_form(other, f"/a/{token}/step/budget", budget).status_code == 303
    refused = client.post(url, data={**shown, **page_answers(app, "strategy", 0)})
    assert refused.status_code == 409
    assert "your answers here can be saved as they are" in text(refused)
    assert {q: stored(app, token)[q] for q in budget} == budget


def test_a_stale_version_never_overwrites_at_the_storage_level(app: Flask) -> None:
    with app.app_context():
        found = storage.create_assessment(
            token_hash="h" * 64, rulebook_id="x", rulebook_version="1", rulebook_hash="y"
        )
        assert storage.save_answers(
            assessment_id=found.id, answers={"a": "1"}, notes={}, shown_version=0
        )
        assert not storage.save_answers(
            assessment_id=found.id, answers={"a": "2"}, notes={}, shown_version=0
        )
        now = storage.get_assessment(assessment_id=found.id)
        assert now is not None and now.answers == {"a": "1"} and now.version == 1
