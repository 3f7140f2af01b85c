"""Targets and the action plan through /api/v1, as on the results and plan pages (issue 15):
defaults offered, targets set, the plan read, actions recorded, outcomes after a
re-assessment; the owner's only, once submitted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from api_helpers import (
    assert_error,
    create_body,
    created,
    give_profile,
    invite,
    new_draft,
    reassess,
    save,
    score_body,
    version_of,
)
from flask.testing import FlaskClient

from rules import load_rulebook

BOOK = load_rulebook()
QUESTIONS = {q.id: q for d in BOOK.dimensions for q in d.questions}
TOP = max(level.level for level in BOOK.levels)
ANSWERS: dict[str, Any] = score_body()["answers"]
LATER = (date.today() + timedelta(days=30)).isoformat()
MISSING_KEY = "strategy:strategy.document:nothing_like_it"


def _get(client: FlaskClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body: dict[str, Any] = response.get_json()
    return body


def _targets(client: FlaskClient, token: str) -> dict[str, Any]:
    return _get(client, f"/api/v1/assessments/{token}/targets")


def _plan(client: FlaskClient, token: str) -> dict[str, Any]:
    return _get(client, f"/api/v1/assessments/{token}/plan")


def _put(client: FlaskClient, token: str, body: dict[str, Any]) -> Any:
    return client.put(f"/api/v1/assessments/{token}/targets", json=body)


def _patch(client: FlaskClient, token: str, key: str, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1/assessments/{token}/plan/actions/{key}", json=body)


def _weakest(client: FlaskClient, token: str) -> dict[str, Any]:
    """The choice row of the weakest dimension (the first of the lowest level)."""
    choices = _targets(client, token)["choices"]
    return min(choices, key=lambda c: c["level"])


@pytest.fixture
def city(api: FlaskClient) -> str:
    """The owner's token of a new submitted assessment (the example city, private)."""
    return created(api, create_body())["token"]


@pytest.fixture
def planned(api: FlaskClient, city: str) -> str:
    """``city`` with the target of its weakest dimension set to the top level."""
    weakest = _weakest(api, city)
    body = {"levels": {weakest["dimension"]: weakest["levels"][-1]}, "date": LATER}
    assert _put(api, city, body).status_code == 200
    return city


# --- targets --------------------------------------------------------------------------------


def test_defaults_are_offered_until_the_city_sets_its_own(api: FlaskClient, city: str) -> None:
    targets = _targets(api, city)
    assert targets["offered"] is True
    assert targets["date"] == (date.today() + timedelta(days=365)).isoformat()
    current = {c["dimension"]: c["level"] for c in targets["choices"]}
    # One level up in (up to) the three weakest dimensions; none elsewhere.
    offered = targets["levels"]
    assert 1 <= len(offered) <= 3
    assert offered == {d: current[d] + 1 for d in offered}
    others = [n for d, n in current.items() if d not in offered]
    assert max(current[d] for d in offered) <= min(others)
    for choice in targets["choices"]:
        assert choice["levels"] == list(range(choice["level"] + 1, TOP + 1))
        assert choice["title"] and choice["level_name"]
    # The assessment carries them too (without the choices), and links to them.
    read = _get(api, f"/api/v1/assessments/{city}")
    assert read["targets"] == {k: targets[k] for k in ("levels", "date", "offered")}
    assert read["links"]["targets"].endswith(f"/api/v1/assessments/{city}/targets")
    assert read["links"]["plan"].endswith(f"/api/v1/assessments/{city}/plan")
    # The plan follows the defaults.
    plan = _plan(api, city)
    assert plan["targets"] == read["targets"]
    assert {a["dimension"] for a in plan["actions"]} == set(targets["levels"])


def test_the_city_sets_its_targets_and_the_plan_follows(api: FlaskClient, city: str) -> None:
    weakest = _weakest(api, city)
    dimension, top = weakest["dimension"], weakest["levels"][-1]
    response = _put(api, city, {"levels": {dimension: top}, "date": LATER})
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    stored = {"levels": {dimension: top}, "date": LATER, "offered": False}
    assert {k: response.get_json()[k] for k in stored} == stored
    assert {k: _targets(api, city)[k] for k in stored} == stored
    assert _get(api, f"/api/v1/assessments/{city}")["targets"] == stored
    plan = _plan(api, city)
    assert plan["targets"] == stored
    assert plan["reassessed_on"] is None
    actions = plan["actions"]
    assert actions and [a["number"] for a in actions] == list(range(1, len(actions) + 1))
    for action in actions:
        assert action["dimension"] == dimension
        assert action["key"] == f"{dimension}:{action['question']}:{action['aim']}"
        assert action["dimension_title"] == weakest["title"]
        assert action["question_text"] and action["advice"] and action["aim_label"]
        assert action["effort"] in ("low", "medium", "high")
        assert (action["owner"], action["due"], action["status"]) == (None, None, "planned")
        assert action["outcome"] is None
    assert set(plan["short"]) <= {dimension}
    # Setting none is a choice too: no longer the defaults, and no plan.
    cleared = _put(api, city, {"levels": {}})
    assert cleared.status_code == 200
    assert (cleared.get_json()["levels"], cleared.get_json()["offered"]) == ({}, False)
    assert _plan(api, city)["actions"] == []
    kinds = [e["kind"] for e in _get(api, f"/api/v1/assessments/{city}/activity")["entries"]]
    assert kinds[:2] == ["targets", "targets"]


#: Dimension id, current level → the levels sent.
Levels = Callable[[str, int], dict[str, Any]]
ABOVE = "Choose a level above the current one: {title}"
WHOLE = "must be a whole number, such as 2 or 2.0"
ISO = "String should match pattern"


@pytest.mark.parametrize(
    ("levels", "day", "path", "message"),
    [
        (lambda d, n: {d: n}, LATER, "levels.{d}", ABOVE),
        (lambda d, n: {d: TOP + 1}, LATER, "levels.{d}", ABOVE),
        (
            lambda d, n: {"nowhere": 3},
            LATER,
            "levels.nowhere",
            "no such dimension in the rulebook",
        ),
        (lambda d, n: {d: n + 1}, None, "date", "Enter the date by which you aim to reach the"),
        (lambda d, n: {d: n + 1}, "2001-01-01", "date", "The target date must be today or later"),
        (lambda d, n: {d: n + 1}, "2031-02-30", "date", "Enter the date as year-month-day"),
        (lambda d, n: {d: n + 1}, "31/12/2031", "date", ISO),
        (lambda d, n: {d: str(n + 1)}, LATER, "levels.{d}", f"{WHOLE}, not a string"),
        (lambda d, n: {d: n + 0.5}, LATER, "levels.{d}", WHOLE),
        (lambda d, n: {d: True}, LATER, "levels.{d}", f"{WHOLE}, not true"),
    ],
    ids=[
        "the current level",
        "above the top",
        "unknown dimension",
        "no date",
        "a past date",
        "no such day",
        "not year-month-day",
        "a string",
        "a fraction",
        "a boolean",
    ],
)
def test_bad_targets_are_refused_with_their_paths(
    api: FlaskClient, city: str, levels: Levels, day: str | None, path: str, message: str
) -> None:
    weakest = _weakest(api, city)
    body: dict[str, Any] = {"levels": levels(weakest["dimension"], weakest["level"])}
    if day is not None:
        body["date"] = day
    refused = assert_error(_put(api, city, body), 422, path.format(d=weakest["dimension"]))
    assert refused["error"]["details"][0]["message"].startswith(
        message.format(title=weakest["title"])
    )
    assert _targets(api, city)["offered"] is True  # nothing was stored


# --- the plan -------------------------------------------------------------------------------


def test_an_action_is_recorded_and_read_back(api: FlaskClient, planned: str) -> None:
    first, second = _plan(api, planned)["actions"][:2]
    key = first["key"]
    given = {"owner": "  Amira   Haddad\n", "due": "2027-03-31", "status": "started"}
    response = _patch(api, planned, key, given)
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert (edited["owner"], edited["due"], edited["status"]) == (
        "Amira Haddad",  # spaces collapsed, as on the page
        "2027-03-31",
        "started",
    )
    assert edited == {**first, "owner": "Amira Haddad", "due": "2027-03-31", "status": "started"}
    actions = _plan(api, planned)["actions"]
    assert actions[0] == edited
    assert actions[1] == second  # the others are untouched
    # What is left out stays; null clears.
    assert _patch(api, planned, key, {"status": "done"}).get_json()["owner"] == "Amira Haddad"
    cleared = _patch(api, planned, key, {"owner": None, "due": None}).get_json()
    assert (cleared["owner"], cleared["due"], cleared["status"]) == (None, None, "done")
    # A change that changes nothing stores (and logs) nothing.
    log = f"/api/v1/assessments/{planned}/activity"
    before = _get(api, log)["entries"]
    assert _patch(api, planned, key, {}).status_code == 200
    assert _patch(api, planned, key, {"status": "done", "owner": " "}).status_code == 200
    entries = _get(api, log)["entries"]
    assert entries == before
    assert [(e["kind"], e["subject"]) for e in entries[:3]] == [("action", key)] * 3
    assert entries[0]["after"] == {"owner": None, "due": None, "status": "done"}


@pytest.mark.parametrize(
    ("body", "paths", "message"),
    [
        ({"status": "finished"}, ["status"], "Choose a status (action 1)"),
        ({"status": None}, ["status"], "must be a string, not null"),
        (
            {"due": "2027-02-30"},
            ["due"],
            "Enter the due date as year-month-day, like 2027-03-31 (action 1)",
        ),
        ({"due": "soon"}, ["due"], ISO),
        ({"owner": "x" * 121}, ["owner"], "String should have at most 120 characters"),
        ({"owner": "Amira\x00"}, ["owner"], ISO),
        ({"assignee": "Amira"}, ["assignee"], "unknown field: remove it"),
        (
            {"status": "finished", "due": "2027-13-01"},
            ["due", "status"],
            "Enter the due date as year-month-day, like 2027-03-31 (action 1)",
        ),
    ],
)
def test_bad_action_edits_are_refused_with_their_paths(
    api: FlaskClient, planned: str, body: dict[str, Any], paths: list[str], message: str
) -> None:
    first = _plan(api, planned)["actions"][0]
    refused = assert_error(_patch(api, planned, first["key"], body), 422, *paths)
    assert refused["error"]["details"][0]["message"].startswith(message)
    assert _plan(api, planned)["actions"][0] == first  # nothing was stored


def test_an_action_not_in_the_plan_is_not_found(api: FlaskClient, planned: str) -> None:
    assert_error(_patch(api, planned, MISSING_KEY, {"status": "done"}), 404)
    # An action of the defaults is no longer in the plan once the targets change.
    offered = created(api, create_body())["token"]
    key = _plan(api, offered)["actions"][0]["key"]
    assert _put(api, offered, {"levels": {}}).status_code == 200
    assert_error(_patch(api, offered, key, {"status": "done"}), 404)


# --- who may -------------------------------------------------------------------------------


def _calls(token: str, key: str = MISSING_KEY) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"/api/v1/assessments/{token}"
    return [
        ("GET", f"{base}/targets", None),
        ("PUT", f"{base}/targets", {"levels": {}}),
        ("GET", f"{base}/plan", None),
        ("PATCH", f"{base}/plan/actions/{key}", {"status": "done"}),
    ]


def test_only_the_owner_of_a_submitted_assessment_gets_here(api: FlaskClient) -> None:
    owner = new_draft(api)
    colleague, _ = invite(api, owner)
    give_profile(api, owner)
    # A draft: not submitted yet (409), and a colleague's token finds nothing (404).
    for method, path, body in _calls(owner):
        body_409 = assert_error(api.open(path, method=method, json=body), 409)
        assert "still a draft" in body_409["error"]["message"]
    for method, path, body in _calls(colleague):
        assert_error(api.open(path, method=method, json=body), 404)
    assert _get(api, f"/api/v1/assessments/{owner}")["targets"] is None
    assert save(api, owner, version_of(api, owner), answers=ANSWERS).status_code == 200
    assert api.post(f"/api/v1/assessments/{owner}/submit").status_code == 200
    key = _plan(api, owner)["actions"][0]["key"]
    for method, path, body in _calls(colleague, key):
        assert_error(api.open(path, method=method, json=body), 404)
    for method, path, body in _calls("A" * 43, key):
        assert_error(api.open(path, method=method, json=body), 404)
    assert _patch(api, owner, key, {"status": "done"}).status_code == 200


# --- after a re-assessment ------------------------------------------------------------------


def test_a_reassessment_shows_what_became_of_each_action(api: FlaskClient, planned: str) -> None:
    actions = _plan(api, planned)["actions"]
    chosen = next(a for a in actions if QUESTIONS[a["question"]].kind == "choice")
    assert _patch(api, planned, chosen["key"], {"status": "done"}).status_code == 200
    again = reassess(api, planned)
    saved = save(api, again, version_of(api, again), answers={chosen["question"]: chosen["aim"]})
    assert saved.status_code == 200, saved.get_json()
    assert _plan(api, planned)["reassessed_on"] is None  # a draft tells nothing yet
    submitted = api.post(f"/api/v1/assessments/{again}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    plan = _plan(api, planned)
    assert plan["reassessed_on"] == submitted.get_json()["submitted_at"][:10]
    outcomes = {a["key"]: a["outcome"] for a in plan["actions"]}
    assert outcomes[chosen["key"]] == "reached"
    # Actions of the questions left alone, each the plan's only step on its question (a
    # second step starts from the option the first aims at).
    steps = Counter(a["question"] for a in actions)
    others = {a["key"] for a in actions if steps[a["question"]] == 1 and a is not chosen}
    assert others and {outcomes[key] for key in others} == {"unchanged"}
    assert next(a for a in plan["actions"] if a["key"] == chosen["key"])["status"] == "done"
    # The new assessment has a plan of its own, with nothing to compare yet.
    assert all(a["outcome"] is None for a in _plan(api, again)["actions"])
