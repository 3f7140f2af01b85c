"""Re-assessment: a new assessment from the previous answers, and the change per dimension."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import pool_count, submit_assessment
from web_helpers import (
    DEMO_SIZE,
    csrf_token,
    example_answers,
    fill_everything,
    make_app,
    post_form,
    start,
    text,
)

from benchmark.profile import CityProfile
from rules import DEFAULT_RULEBOOK, Scorecard
from web import state, storage
from web.peers import peer_finder
from web.tokens import hash_token

REMOVED = "monitoring.council_reporting"


def reassess(client: FlaskClient, token: str) -> str:
    """Press "Start a new assessment from these answers"; returns the new token."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/results")}
    response = client.post(f"/a/{token}/reassess", data=form)
    assert response.status_code == 303
    found = re.fullmatch(r"/a/([A-Za-z0-9_-]{43})/check", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def answer_page(
    client: FlaskClient, app: Flask, token: str, dimension_id: str, changes: dict[str, str]
) -> None:
    """Post one dimension page with the example's answers and notes, changed by ``changes``."""
    data = example_answers()
    with app.app_context():
        dimension = next(d for d in state.rulebook().dimensions if d.id == dimension_id)
    form: dict[str, Any] = {}
    for question in dimension.questions:
        if question.id in data["answers"]:
            form[question.id] = str(data["answers"][question.id])
        if question.id in data.get("notes", {}):
            form[f"{question.id}--note"] = data["notes"][question.id]
    response = post_form(client, f"/a/{token}/step/{dimension_id}", {**form, **changes})
    assert response.status_code == 303, text(response)


def submit(client: FlaskClient, token: str) -> None:
    """Submit from the check-your-answers page."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/check")}
    assert client.post(f"/a/{token}/submit", data=form).status_code == 303


def stored(app: Flask, token: str) -> storage.StoredAssessment:
    """The stored assessment of ``token``."""
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None
    return found


def changes(page: str) -> dict[str, tuple[str, str, str]]:
    """Dimension → (score delta, level delta, text) of the results table's change column."""
    cells = re.findall(
        r'data-testid="change-([a-z]+)" data-score-delta="([^"]*)" '
        r'data-level-delta="([^"]*)">(.*?)</td>',
        page,
        re.S,
    )
    return {d: (score, level, re.sub(r"<[^>]+>", " ", body)) for d, score, level, body in cells}


def test_results_offer_a_new_assessment_and_show_no_change_the_first_time(
    client: FlaskClient, app: Flask
) -> None:
    token = submit_assessment(client, app)
    page = text(client.get(f"/a/{token}/results"))
    assert "Start a new assessment from these answers" in page
    assert 'data-testid="change-header"' not in page


def test_new_assessment_starts_from_the_previous_answers(client: FlaskClient, app: Flask) -> None:
    token = submit_assessment(client, app)
    new = reassess(client, token)
    assert new != token
    old, fresh = stored(app, token), stored(app, new)
    assert fresh.previous_id == old.id and fresh.status == "draft"
    assert fresh.answers == old.answers and fresh.notes == old.notes
    assert fresh.profile == old.profile and fresh.sharing == old.sharing
    check = text(client.get(f"/a/{new}/check"))
    assert 'data-testid="reassessment-note"' in check
    assert "This new assessment starts from your answers of" in check
    assert 'data-testid="missing-warning"' not in check
    assert f"/a/{new}" in check  # the new resume link is shown
    assert stored(app, token).submitted  # the previous one is left as it was


def test_results_show_the_change_per_dimension_since_last_time(
    client: FlaskClient, app: Flask
) -> None:
    token = submit_assessment(client, app)
    new = reassess(client, token)
    answer_page(client, app, new, "stakeholders", {"stakeholders.residents": "co_creation"})
    submit(client, new)
    page = text(client.get(f"/a/{new}/results"))
    when = stored(app, token).submitted_at
    assert when is not None
    assert f"Change since {when.day} {when:%B %Y}" in page
    assert "older-rulebook" not in page
    before = Scorecard.model_validate(stored(app, token).scorecard).dimension("stakeholders")
    after = Scorecard.model_validate(stored(app, new).scorecard).dimension("stakeholders")
    delta = round(after.score or 0) - round(before.score or 0)
    assert delta > 0
    shown = changes(page)
    assert len(shown) == 10
    assert shown["stakeholders"][0] == str(delta)
    assert f"Up {delta} points" in shown["stakeholders"][2]
    assert shown["stakeholders"][1] == str((after.level or 0) - (before.level or 0))
    for dimension, (score, level, words) in shown.items():
        if dimension != "stakeholders":
            assert (score, level) == ("0", "0"), dimension
            assert "Score unchanged" in words and "still level" in words


def test_the_pool_keeps_each_citys_latest_assessment(client: FlaskClient, app: Flask) -> None:
    token = submit_assessment(client, app, sharing="named")
    new = reassess(client, token)
    submit(client, new)
    with app.app_context():
        ids = {r.id for r in storage.load_pool()}
    assert stored(app, new).pool_id in ids
    assert stored(app, token).pool_id not in ids
    assert pool_count(app) == DEMO_SIZE + 1


def test_the_next_peer_query_sees_the_new_entry_and_not_the_replaced_one(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = submit_assessment(client, app, sharing="named")
    # The city that asks for peers: another city (one city's assessments are one peer).
    other = submit_assessment(client, app, sharing="private", name="Sudmark")
    assert "Nordhaven" in text(client.get(f"/a/{other}/results")).split('id="peers"')[1]
    new = reassess(client, token)
    submit(client, new)
    old_id, new_id = (stored(app, t).pool_id for t in (token, new))
    read: list[set[str] | None] = []
    load, every = storage.load_pool_entries, storage.iter_pool_entries
    monkeypatch.setattr(
        storage,
        "load_pool_entries",
        lambda *, ids=None: read.append(None if ids is None else set(ids)) or load(ids=ids),
    )
    monkeypatch.setattr(storage, "iter_pool_entries", lambda **k: read.append(None) or every(**k))
    page = text(client.get(f"/a/{other}/results"))  # the next peer query
    assert f"Compared with {DEMO_SIZE + 1} other cities in the pool." in page
    assert read == [{new_id}]  # the finder was refitted on what it held, plus the new entry
    asking = stored(app, other)
    with app.app_context():
        finder = peer_finder()
        assert finder is not None
        assert new_id in finder.ids_ and old_id not in finder.ids_
        found = finder.comparable(
            CityProfile.model_validate(asking.profile),
            Scorecard.model_validate(asking.scorecard),
            city_id=asking.pool_id,
        )
    peers = [p.id for p in found.peers]
    assert new_id in peers and old_id not in peers  # the same city and profile: a near peer


def test_only_a_submitted_assessment_can_be_started_again(client: FlaskClient, app: Flask) -> None:
    draft = start(client)
    form = {"csrf_token": csrf_token(client, "/")}
    response = client.post(f"/a/{draft}/reassess", data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/a/{draft}"
    with app.app_context():
        assert storage.assessment_counts().drafts == 1
    assert client.post(f"/a/{draft}/reassess").status_code == 400  # no CSRF token
    assert client.post(f"/a/{'A' * 43}/reassess", data=form).status_code == 404


def _older_edition(tmp_path: Path) -> Path:
    """The shipped rulebook as version 2.1.0, without one monitoring question (and without
    the migration from 1.0.0, which names that question)."""
    copy = tmp_path / "rulebook-1.1"
    shutil.copytree(DEFAULT_RULEBOOK, copy)
    manifest = copy / "rulebook.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("version: 2.0.0", "version: 2.1.0"))
    (copy / "migration.yaml").unlink()
    monitoring = copy / "dimensions" / "monitoring.yaml"
    data = yaml.safe_load(monitoring.read_text("utf-8"))
    data["questions"] = [q for q in data["questions"] if q["id"] != REMOVED]
    monitoring.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return copy


def splits(page: str) -> dict[str, tuple[int, int]]:
    """Dimension → (points from the new rulebook, points from the answers) as shown."""
    cells = re.findall(
        r'data-testid="split-([a-z]+)" data-from-rulebook="(-?\d+)" data-from-answers="(-?\d+)"',
        page,
    )
    return {d: (int(r), int(a)) for d, r, a in cells}


def test_an_older_rulebook_change_is_split_from_the_answers_change(tmp_path: Path) -> None:
    """Expert expectation: a question removed by the new rulebook moves monitoring without
    any answer changing (all of it is the rulebook's part); a changed strategy answer under
    identical strategy questions is all the city's part; parts add up to the change shown."""
    old_app = make_app(tmp_path)
    client = old_app.test_client()
    token = start(client)
    fill_everything(client, token, old_app)
    answer_page(client, old_app, token, "monitoring", {REMOVED: "standing_item"})
    submit(client, token)
    storage.dispose(old_app)

    new_app = make_app(tmp_path, rulebook_path=_older_edition(tmp_path))
    try:
        client = new_app.test_client()
        assert "Start a new assessment from these answers" in text(
            client.get(f"/a/{token}/results")
        )
        new = reassess(client, token)
        assert REMOVED not in stored(new_app, new).answers
        answer_page(client, new_app, new, "strategy", {"strategy.city_plan_link": "integrated"})
        submit(client, new)
        page = text(client.get(f"/a/{new}/results"))
        assert "assessed under rulebook 2.0.0" in page
        assert "Each change is split in two" in page

        before = Scorecard.model_validate(stored(new_app, token).scorecard)
        after = Scorecard.model_validate(stored(new_app, new).scorecard)
        assert (before.rulebook_version, after.rulebook_version) == ("2.0.0", "2.1.0")
        shown, parts = changes(page), splits(page)
        assert set(parts) == set(shown)
        for dimension, (rulebook_part, answers_part) in parts.items():
            assert int(shown[dimension][0]) == rulebook_part + answers_part, dimension
        old_monitoring = before.dimension("monitoring").score
        new_monitoring = after.dimension("monitoring").score
        assert old_monitoring is not None and new_monitoring is not None
        assert parts["monitoring"] == (int(new_monitoring) - int(old_monitoring), 0)
        assert parts["monitoring"][0] != 0
        strategy = int(after.dimension("strategy").score or 0) - int(
            before.dimension("strategy").score or 0
        )
        assert strategy > 0 and parts["strategy"] == (0, strategy)
    finally:
        storage.dispose(new_app)
