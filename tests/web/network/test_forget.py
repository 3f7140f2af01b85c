"""Say what is true, and forget on request (issue 12, deliverable 3).

The promise on the landing, profile and privacy pages is checked against what the
secretariat's export really holds, and a deletion is attacked from every side a curious
member or the secretariat could look: peers, the pool export, the dashboard, the API, the
city's own link — all in the next request.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import BEARER, admin_app, pool_count, sign_in, submit_assessment
from web_helpers import DEMO_SIZE, csrf_token, make_app, start, text

from benchmark.record import PoolRecord
from web import storage
from web.tokens import hash_token

A, B = "Aldburg", "Beltrow"  # same country, size and answers: each is the other's best peer


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return admin_app(tmp_path, host_contact="data@network.example", host_name="Eurocities")


def _pool_names(client: FlaskClient) -> set[str]:
    body = client.get("/network/export/pool.jsonl", headers=BEARER).get_data(as_text=True)
    return {json.loads(line)["profile"]["name"] for line in body.splitlines() if line}


def test_every_page_links_privacy_accessibility_and_the_host(app: Flask) -> None:
    client = app.test_client()
    token = submit_assessment(client, app, sharing="named", name=A)
    for url in ("/", f"/a/{token}/results", "/privacy", "/accessibility", "/network/sign-in"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/privacy" data-testid="footer-privacy"' in page, url
        assert 'href="/accessibility" data-testid="footer-accessibility"' in page, url
        assert 'href="mailto:data@network.example"' in page, url
        assert "Hosted by Eurocities." in page, url
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "footer-privacy" in missing.get_data(as_text=True)


def test_what_the_pages_promise_is_what_the_secretariat_export_holds(app: Flask) -> None:
    client = app.test_client()
    submit_assessment(client, app, sharing="anonymous", name=A)
    # The fact: the secretariat's export names the anonymous city and holds its answers.
    exported = client.get("/network/export/pool.jsonl", headers=BEARER).get_data(as_text=True)
    [mine] = [json.loads(line) for line in exported.splitlines() if A in line]
    assert mine["consent_named"] is False and mine["answers"]
    # The pages say so, and no longer promise that only the link holder sees the answers.
    landing = text(client.get("/"))
    assert "Only people who have your secret link" not in landing
    assert "sees every city that shares its results, anonymous ones included" in landing
    privacy = text(client.get("/privacy"))
    assert "named and anonymous alike, with its name, context, answers and scores" in privacy
    assert "private assessments and notes included" in privacy
    profile = text(client.get(f"/a/{start(client)}/profile"))
    assert "the network's secretariat sees everything of cities that share" in profile


def _delete(client: FlaskClient, token: str) -> str:
    confirm = client.get(f"/a/{token}/delete")
    assert confirm.status_code == 200
    assert "This cannot be undone." in text(confirm)
    assert client.post(f"/a/{token}/delete").status_code == 400  # no CSRF token
    form = {"csrf_token": csrf_token(client, f"/a/{token}/delete")}
    done = client.post(f"/a/{token}/delete", data=form)
    assert done.status_code == 200
    return text(done)


def test_a_deleted_city_is_gone_from_peers_exports_dashboard_and_api_at_once(app: Flask) -> None:
    client = app.test_client()
    mine = submit_assessment(client, app, sharing="named", name=A)
    other = submit_assessment(client, app, sharing="named", name=B)
    assert A in text(client.get(f"/a/{other}/results"))  # B sees A among its peers
    assert A in _pool_names(client)
    before = pool_count(app)
    aggregates = "/network/export/aggregates.json"
    assert client.get(aggregates, headers=BEARER).get_json()["cities"] == before  # now cached

    page = _delete(client, mine)
    assert "1 assessment and 1 peer-pool record removed" in page

    assert A not in text(client.get(f"/a/{other}/results"))
    assert A not in text(client.get(f"/api/v1/assessments/{other}/peers"))
    assert A not in _pool_names(client)
    assert pool_count(app) == before - 1 == DEMO_SIZE + 1
    assert client.get(aggregates, headers=BEARER).get_json()["cities"] == before - 1
    sign_in(client)
    assert f"{DEMO_SIZE + 1} cities" in text(client.get("/network/"))
    assert client.get(f"/a/{mine}/results").status_code == 404
    assert client.get(f"/api/v1/assessments/{mine}").status_code == 404


def test_deleting_a_reassessment_deletes_the_earlier_ones_too(app: Flask) -> None:
    client = app.test_client()
    first = submit_assessment(client, app, sharing="named", name=A)
    form = {"csrf_token": csrf_token(client, f"/a/{first}/results")}
    again = client.post(f"/a/{first}/reassess", data=form).headers["Location"].split("/")[2]
    assert "the earlier assessment it was started from" in text(client.get(f"/a/{again}/delete"))
    assert "2 assessments" in _delete(client, again)
    for token in (first, again):
        assert client.get(f"/a/{token}/check").status_code == 404
    with app.app_context():
        assert storage.assessment_counts().submitted == 0


def test_a_city_downloads_everything_stored_about_it(app: Flask) -> None:
    client = app.test_client()
    first = submit_assessment(client, app, sharing="anonymous", name=A)
    form = {"csrf_token": csrf_token(client, f"/a/{first}/results")}
    again = client.post(f"/a/{first}/reassess", data=form).headers["Location"].split("/")[2]
    response = client.get(f"/a/{again}/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert [a["status"] for a in data["assessments"]] == ["draft", "submitted"]
    older = data["assessments"][1]
    assert older["profile"]["name"] == A and older["answers"] and older["notes"]
    assert older["scorecard"]["dimensions"]
    assert [p["record"]["profile"]["name"] for p in data["pool_records"]] == [A]
    raw = response.get_data(as_text=True)
    assert hash_token(first) not in raw and first not in raw  # no key to the link
    assert client.get(f"/a/{'A' * 43}/data.json").status_code == 404


def test_the_secretariat_finds_and_deletes_a_city(app: Flask) -> None:
    client = app.test_client()
    mine = submit_assessment(client, app, sharing="anonymous", name=A)
    other = submit_assessment(client, app, sharing="named", name=B)
    assert client.get("/network/cities?q=ald").status_code in (302, 303, 401)  # signed out
    sign_in(client)
    found = text(client.get("/network/cities?q=ALDB"))
    assert "1 city found." in found and A in found
    with app.app_context():
        stored = storage.find_assessment(token_hash=hash_token(mine))
    assert stored is not None
    [pool_id] = [r.id for r in storage_pool(app) if r.profile.name == A]
    confirm = client.get(f"/network/cities/{pool_id}/delete")
    assert f"Are you sure you want to delete {A}?" in text(confirm)
    form = {"csrf_token": csrf_token(client, f"/network/cities/{pool_id}/delete")}
    done = client.post(f"/network/cities/{pool_id}/delete", data=form)
    assert done.status_code == 303
    assert f"{A} was deleted from the pool" in text(client.get(done.headers["Location"]))
    assert A not in _pool_names(client)
    assert A not in text(client.get(f"/a/{other}/results"))
    assert client.get(f"/a/{mine}/results").status_code == 404  # its assessment went too
    assert client.get(f"/network/cities/{pool_id}/delete").status_code == 404


def storage_pool(app: Flask) -> list[PoolRecord]:
    with app.app_context():
        return list(storage.load_pool())


def test_without_a_contact_the_footer_still_names_the_host(tmp_path: Path) -> None:
    page = make_app(tmp_path).test_client().get("/").get_data(as_text=True)
    assert "Hosted by the organisation that runs this service." in page
    assert "mailto:" not in page
