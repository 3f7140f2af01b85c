"""Every create and every submit is one transaction: a process killed mid-way leaves either
all of it or nothing (tests/web/serving kills a real one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from web_helpers import csrf_token, example_answers, fill_everything, start

from web import storage


@contextmanager
def commits(app: Flask) -> Iterator[list[str]]:
    """Record a line per transaction committed on the app's database while in the block."""
    seen: list[str] = []
    engine = storage.app_engine(app)

    def record(_connection: object) -> None:
        seen.append("commit")

    event.listen(engine, "commit", record)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", record)


def _api_body() -> dict[str, object]:
    data = example_answers()
    return {
        "rulebook": data["rulebook"],
        "answers": data["answers"],
        "profile": {"name": "Kolding", "country": "DK", "population": 60000},
        "sharing": "anonymous",
    }


def test_an_api_create_is_one_transaction(app: Flask, client: FlaskClient) -> None:
    with commits(app) as seen:
        response = client.post("/api/v1/assessments", json=_api_body())
    assert response.status_code == 201, response.get_json()
    assert seen == ["commit"]
    with app.app_context():
        assert storage.assessment_counts().submitted == 1


def test_starting_and_submitting_a_form_are_one_transaction_each(
    app: Flask, client: FlaskClient
) -> None:
    with commits(app) as seen:
        token = start(client)
    assert seen == ["commit"]
    fill_everything(client, token, app)
    check = csrf_token(client, f"/a/{token}/check")
    with commits(app) as seen:
        response = client.post(f"/a/{token}/submit", data={"csrf_token": check})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert seen == ["commit"]
