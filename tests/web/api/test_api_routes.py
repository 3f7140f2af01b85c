"""Each endpoint of /api/v1: what a client sends and what it gets back."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PROFILE, create_body, created, make_api_app, score_body
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import csrf_token, example_answers, fill_everything, post_form, start

from rules import Answers, load_rulebook, score_assessment
from web import storage
from web.tokens import hash_token

BOOK = load_rulebook()


# --- GET /api/v1/rulebook -------------------------------------------------------------------


def test_rulebook_has_everything_to_build_a_form(api: FlaskClient) -> None:
    response = api.get("/api/v1/rulebook")
    assert response.status_code == 200
    book = response.get_json()
    assert (book["id"], book["version"], book["content_hash"]) == (
        BOOK.id,
        BOOK.version,
        BOOK.content_hash,
    )
    assert [d["id"] for d in book["dimensions"]] == [d.id for d in BOOK.dimensions]
    assert [lv["level"] for lv in book["levels"]] == [1, 2, 3, 4, 5]
    questions = {q["id"]: q for d in book["dimensions"] for q in d["questions"]}
    assert len(questions) == sum(len(d.questions) for d in BOOK.dimensions)
    for question in questions.values():
        values = [o["value"] for o in question["options"]]
        extra = ["na"] * question["allow_na"] + ["unknown"] * question["allow_unknown"]
        assert question["answer_values"] == values + extra
        assert isinstance(question["text"], str) and question["text"]
    conditional = [q for q in questions.values() if q["applies_if"] is not None]
    assert conditional, "the rulebook has skip logic"
    assert any("is" in q["applies_if"] or "at_least" in q["applies_if"] for q in conditional)


# --- POST /api/v1/score ---------------------------------------------------------------------


def test_score_gives_the_scorecard_of_the_rules_engine(api: FlaskClient) -> None:
    body = score_body()
    response = api.post("/api/v1/score", json=body)
    assert response.status_code == 200
    expected = score_assessment(BOOK, Answers(**body)).model_dump(mode="json")
    assert response.get_json() == expected
    assert expected["overall_level"] == 4


def test_score_stores_nothing(api: FlaskClient, api_app: Flask) -> None:
    with api_app.app_context():
        before = storage.pool_signature()
    assert api.post("/api/v1/score", json=score_body()).status_code == 200
    with api_app.app_context():
        assert storage.pool_signature() == before


@pytest.mark.parametrize("staff", [5, 5.0, 4.5])
def test_numbers_may_be_integers_or_floats(api: FlaskClient, staff: float) -> None:
    body = score_body()
    body["answers"]["staff.team_size"] = staff
    response = api.post("/api/v1/score", json=body)
    assert response.status_code == 200
    lines = [t for d in response.get_json()["dimensions"] for t in d["trace"]]
    assert next(t for t in lines if t["question"] == "staff.team_size")["answer"] == staff


def test_score_accepts_na_and_unknown_where_allowed(api: FlaskClient) -> None:
    body = score_body("answers-non-eu.yaml")
    assert "na" in body["answers"].values()
    assert api.post("/api/v1/score", json=body).status_code == 200


# --- POST /api/v1/assessments ---------------------------------------------------------------


def test_create_stores_scores_and_compares(api: FlaskClient) -> None:
    response = api.post("/api/v1/assessments", json=create_body())
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "links", "profile", "sharing", "scorecard", "peers", "advice"}
    token = body["token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert response.headers["Location"] == body["links"]["self"]
    assert body["links"]["self"].endswith(f"/api/v1/assessments/{token}")
    assert response.headers["Cache-Control"] == "no-store"
    assert body["profile"] == {
        **PROFILE,
        "team_size": 5.0,
        "region": "Northern Europe",
        "eu_member": True,
        "geonameid": None,
    }
    assert body["scorecard"]["overall_level"] == 4
    peers = body["peers"]
    assert peers["pool_size"] == 40  # the demo pool; a private city is not in it
    assert len(peers["comparable"]["peers"]) == 10
    assert peers["same_stage"]["mode"] == "same_stage"
    assert peers["any_demo"] is True
    # The advice's steps are chosen for the city (an EU member: EU steps stay): the same
    # steps as the scorecard's context-free ones, each dimension's first being one of them.
    steps = body["advice"]["next_steps"]
    assert {s["dimension"] for s in steps} == {d["id"] for d in body["scorecard"]["dimensions"]}
    listed = {(s["question"], s["target"]) for s in body["scorecard"]["next_steps"]}
    assert all(
        (s["question"], s["target"]) in listed or s["stretch"] for s in steps if s["lifts_gate"]
    )


def test_the_created_assessment_is_the_browsers_too(api: FlaskClient) -> None:
    body = created(api, create_body())
    resume = api.get(body["links"]["resume"])
    assert resume.status_code == 302
    assert resume.headers["Location"].endswith(f"/a/{body['token']}/results")
    page = api.get(body["links"]["results"])
    assert page.status_code == 200
    assert "Nordhaven" in page.get_data(as_text=True)


def test_shared_assessments_join_the_pool(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    first = created(client, create_body(sharing="anonymous"))
    assert first["peers"]["pool_size"] == 40  # it is not its own peer
    # Other cities: one city's assessments are one peer (issue 11).
    second = created(client, create_body(sharing="named", profile={**PROFILE, "name": "Sudmark"}))
    assert second["peers"]["pool_size"] == 41  # the first one is a peer now
    third = created(client, create_body(sharing="private", profile={**PROFILE, "name": "Ostby"}))
    assert third["peers"]["pool_size"] == 42


def test_nothing_is_stored_when_anything_is_invalid(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    body = create_body(sharing="named")
    body["answers"]["strategy.document"] = "perhaps"
    with fresh_app.app_context():
        before = storage.pool_signature()
    assert client.post("/api/v1/assessments", json=body).status_code == 422
    with fresh_app.app_context():
        assert storage.pool_signature() == before


def test_create_accepts_integral_floats_and_the_countrys_region(api: FlaskClient) -> None:
    body = create_body()
    body["profile"].update(population=900000.0, region="Northern Europe", eu_member=True)
    body["answers"]["staff.team_size"] = 5.0
    created_body = created(api, body)
    assert created_body["profile"]["population"] == 900000
    stored = api.get(created_body["links"]["self"]).get_json()
    assert stored["answers"]["staff.team_size"] == 5  # stored as the browser form does


# --- GET /api/v1/assessments/<token> --------------------------------------------------------


def test_read_an_assessment_without_its_token(api: FlaskClient) -> None:
    body = create_body(notes={"strategy.document": "Adopted by the council in 2023."})
    made = created(api, body)
    response = api.get(f"/api/v1/assessments/{made['token']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    stored = response.get_json()
    assert "token" not in stored
    assert made["token"] not in {v for v in stored.values() if isinstance(v, str)}
    assert stored["status"] == "submitted"
    assert stored["answers"] == body["answers"]
    assert stored["notes"] == body["notes"]
    assert stored["profile"] == made["profile"]
    assert stored["scorecard"] == made["scorecard"]
    assert stored["rulebook"] == {
        "id": BOOK.id,
        "version": BOOK.version,
        "hash": BOOK.content_hash,
    }
    assert stored["created_at"].endswith("Z")
    assert stored["links"] == made["links"]


def test_read_a_draft_started_in_the_browser(api: FlaskClient, api_app: Flask) -> None:
    token = start(api)
    assert post_form(api, f"/a/{token}/profile", {**_form_profile()}).status_code == 303
    stored = api.get(f"/api/v1/assessments/{token}").get_json()
    assert stored["status"] == "draft"
    assert stored["scorecard"] is None and stored["submitted_at"] is None
    assert stored["profile"]["name"] == "Nordhaven"
    fill_everything(api, token, api_app)
    assert (
        api.post(f"/a/{token}/submit", data={"csrf_token": _csrf(api, token)}).status_code == 303
    )
    submitted = api.get(f"/api/v1/assessments/{token}").get_json()
    assert submitted["status"] == "submitted"
    assert submitted["answers"] == example_answers()["answers"]
    assert api.get(f"/api/v1/assessments/{token}/peers").status_code == 200


def _form_profile() -> dict[str, str]:
    return {
        "name": "Nordhaven",
        "country": "DK",
        "population": "900000",
        "capital": "no",
        "sharing": "private",
    }


def _csrf(client: FlaskClient, token: str) -> str:
    return csrf_token(client, f"/a/{token}/check")


# --- peers and advice -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["comparable", "same_stage"])
def test_peers_in_one_mode(api: FlaskClient, api_app: Flask, token: str, mode: str) -> None:
    with api_app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None
    response = api.get(f"/api/v1/assessments/{token}/peers?mode={mode}&k=3")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["mode"], body["k"]) == (mode, 3)
    assert body["pool_size"] >= 40  # the demo pool, and cities other tests shared
    (group,) = body["groups"]
    assert group["mode"] == mode
    assert len(group["peers"]) == 3
    for peer in group["peers"]:
        assert peer["reasons"] and peer["contributions"]
        assert peer["id"] != found.pool_id  # never its own peer


def test_cities_to_learn_from(api: FlaskClient, token: str) -> None:
    body = api.get(f"/api/v1/assessments/{token}/peers?mode=learn_from&k=2.0").get_json()
    assert body["k"] == 2
    assert body["groups"]
    for group in body["groups"]:
        assert group["mode"] == "learn_from" and group["target"]
        assert len(group["peers"]) <= 2


def test_peers_default_to_comparable_and_the_servers_k(api: FlaskClient, token: str) -> None:
    body = api.get(f"/api/v1/assessments/{token}/peers?unknown=ignored").get_json()
    assert (body["mode"], body["k"]) == ("comparable", 10)


def test_advice(api: FlaskClient, token: str) -> None:
    response = api.get(f"/api/v1/assessments/{token}/advice?k=8")
    assert response.status_code == 200
    advice = response.get_json()
    assert set(advice) == {"next_steps", "practices", "practices_note", "learning"}
    for practice in advice["practices"]:
        assert practice["group_size"] <= 8
        assert practice["text"].startswith(f"{practice['peers_with']} of your ")


def test_an_empty_pool_gives_no_peers_but_next_steps(tmp_path: Path) -> None:
    app = make_api_app(tmp_path, demo_pool=False)
    try:
        client = app.test_client()
        made = created(client, create_body())
        assert made["peers"] == {
            "pool_size": 0,
            "comparable": None,
            "same_stage": None,
            "learn_from": [],
            "any_demo": False,
        }
        assert made["advice"]["practices_note"].startswith("the peer pool is empty")
        token = made["token"]
        peers = client.get(f"/api/v1/assessments/{token}/peers").get_json()
        assert (peers["pool_size"], peers["groups"]) == (0, [])
        advice = client.get(f"/api/v1/assessments/{token}/advice").get_json()
        # Without peers the steps still fit the city, and reading them again gives the same.
        assert advice["next_steps"] == made["advice"]["next_steps"]
        assert advice["next_steps"]
    finally:
        storage.dispose(app)


# --- the document and its page --------------------------------------------------------------


def test_openapi_document_is_served(api: FlaskClient) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/", "description": "this server"}]


def test_docs_page_is_served_locally_under_the_strict_csp(api: FlaskClient) -> None:
    response = api.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    page = response.get_data(as_text=True)
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert not re.search(r"(src|href)=\"https?://", page), "no CDN: every asset is local"
    for path in ("/api/v1/score", "/api/v1/assessments/{token}/peers"):
        assert path in page
    assert "-H &#39;Content-Type: application/json&#39; --data @body.json" in page
