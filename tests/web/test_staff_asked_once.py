"""Staff asked once (issue 11, deliverable 7): the team size is the staff question's answer,
used for both the score and the peer context; the API refuses two answers that disagree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from web_helpers import example_answers, make_app, start, text

from web import storage


def _body(answers: dict[str, Any], **profile: Any) -> dict[str, Any]:
    data = example_answers()
    return {
        "rulebook": data["rulebook"],
        "answers": {**data["answers"], **answers},
        "profile": {"name": "Aldburg", "country": "DE", "population": 400000, **profile},
        "sharing": "anonymous",
    }


def test_the_profile_page_no_longer_asks_for_the_team(tmp_path: Path) -> None:
    client = make_app(tmp_path, demo_pool=False).test_client()
    page = text(client.get(f"/a/{start(client)}/profile"))
    assert 'name="team_size"' not in page


def test_the_peer_context_takes_the_staff_answer(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo_pool=False)
    client = app.test_client()
    assert (
        client.post("/api/v1/assessments", json=_body({"staff.team_size": 22})).status_code == 201
    )
    with app.app_context():
        [record] = storage.load_pool()
    assert record.profile.team_size == 22.0
    assert record.answers["staff.team_size"] == 22


def test_the_api_refuses_a_profile_team_that_contradicts_the_answer(tmp_path: Path) -> None:
    client = make_app(tmp_path, demo_pool=False).test_client()
    response = client.post("/api/v1/assessments", json=_body({"staff.team_size": 22}, team_size=5))
    assert response.status_code == 422
    [detail] = response.get_json()["error"]["details"]
    assert detail["path"] == "profile.team_size" and "asked once" in detail["message"]
    same = client.post("/api/v1/assessments", json=_body({"staff.team_size": 5}, team_size=5))
    assert same.status_code == 201
