"""An assessment remembers the language it was taken in; its answers and scores do not
depend on it (issue 16, part 3).

What a city expects: the same answers given in French and in English are the same stored
answers and the same stored scorecard (so the network compares them as one); the record says
which language the officer worked in, and a reader in another language sees the same result
in their own words.
"""

from __future__ import annotations

from pathlib import Path

from api_helpers import create_body, make_api_app
from flask import Flask
from web_helpers import csrf_token

from rules import load_rulebook, text_in
from web import storage
from web.tokens import hash_token


def _stored(app: Flask, token: str) -> storage.StoredAssessment:
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None
    return found


def test_the_same_answers_in_two_languages_are_the_same_result(tmp_path: Path) -> None:
    app = make_api_app(tmp_path, languages="en,fr,de,es,it,pl")
    client = app.test_client()
    french = client.post("/api/v1/assessments?lang=fr", json=create_body())
    english = client.post("/api/v1/assessments", json=create_body())
    assert french.status_code == english.status_code == 201
    in_french = _stored(app, french.get_json()["token"])
    in_english = _stored(app, english.get_json()["token"])
    assert (in_french.language, in_english.language) == ("fr", "en")
    assert in_french.answers == in_english.answers
    assert in_french.scorecard == in_english.scorecard
    assert in_french.rulebook_hash == in_english.rulebook_hash


def test_the_language_is_shown_and_the_result_read_in_the_readers_language(
    tmp_path: Path,
) -> None:
    app = make_api_app(tmp_path, languages="en,fr,de,es,it,pl")
    client = app.test_client()
    token = client.post(
        "/api/v1/assessments", json=create_body(), headers={"Accept-Language": "de-DE,de;q=0.9"}
    ).get_json()["token"]
    book = load_rulebook()
    for lang in ("de", "pl", "en"):
        body = client.get(f"/api/v1/assessments/{token}?lang={lang}").get_json()
        assert body["language"] == "de", "the language it was taken in, whoever reads it"
        titles = [d["title"] for d in body["scorecard"]["dimensions"]]
        assert titles == [text_in(d.title, lang) for d in book.dimensions]


def test_a_draft_started_in_the_browser_remembers_its_language(tmp_path: Path) -> None:
    app = make_api_app(tmp_path, languages="en,fr,de,es,it,pl")
    client = app.test_client()
    spanish = {"Accept-Language": "es"}
    form = {"csrf_token": csrf_token(client, "/")}
    started = client.post("/start", data=form, headers=spanish)
    assert started.status_code == 303
    token = started.headers["Location"].split("/a/")[1].split("/")[0]
    assert _stored(app, token).language == "es"
    drafted = client.post("/api/v1/drafts?lang=it").get_json()["token"]
    assert _stored(app, drafted).language == "it"
