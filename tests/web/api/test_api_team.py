"""A draft worked on by a team through /api/v1: two tokens, versions, disagreements, evidence,
review, submission, revocation — what the browser's pages let a team do (issue 14)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import pytest
from api_helpers import (
    assert_error,
    give_profile,
    invite,
    new_draft,
    save,
    score_body,
    version_of,
)
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import text

from rules import load_rulebook
from web.assessment.flow import missing_questions

BOOK = load_rulebook()
DIMENSIONS = [d.id for d in BOOK.dimensions]
#: The example answers of ``examples/answers-established.yaml``: complete and valid.
ANSWERS: dict[str, Any] = score_body()["answers"]
STRATEGY = {q.id: ANSWERS[q.id] for q in BOOK.dimensions[0].questions}
DOC = "strategy.document"


def _read(client: FlaskClient, token: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/assessments/{token}")
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _all_accepted(**queries: str) -> dict[str, Any]:
    verdicts = {d: {"verdict": "accepted", "comment": ""} for d in DIMENSIONS}
    verdicts |= {d: {"verdict": "queried", "comment": c} for d, c in queries.items()}
    return {"verdicts": verdicts}


# --- drafts ---------------------------------------------------------------------------------


def test_a_draft_starts_empty_and_its_token_is_shown_once(api: FlaskClient) -> None:
    response = api.post("/api/v1/drafts")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    created = response.get_json()
    token = created["token"]
    assert created["version"] == 0
    assert response.headers["Location"] == created["links"]["self"]
    body = _read(api, token)
    assert body["status"] == "draft"
    assert (body["version"], body["answers"], body["disputes"]) == (0, {}, [])
    assert (body["contributors"], body["you"], body["review"]) == ([], None, None)


def test_the_profile_is_the_owners_and_the_team_size_an_answer(api: FlaskClient) -> None:
    token = new_draft(api)
    path = f"/api/v1/assessments/{token}/profile"
    given = {"name": "Nordhaven", "country": "DK", "population": 900000, "team_size": 5}
    assert_error(api.put(path, json={"profile": given}), 422, "profile.team_size")
    unknown = {**given, "country": "ZZ"}
    del unknown["team_size"]
    assert_error(api.put(path, json={"profile": unknown}), 422, "profile.country")
    give_profile(api, token, sharing="anonymous")
    body = _read(api, token)
    assert body["profile"]["region"] == "Northern Europe"
    assert body["sharing"] == "anonymous"


# --- answers at a version -------------------------------------------------------------------


def test_the_owner_and_a_colleague_both_save_answers(api: FlaskClient) -> None:
    owner = new_draft(api)
    saved = save(api, owner, 0, answers=STRATEGY)
    assert saved.status_code == 200
    assert saved.get_json()["version"] == 1
    colleague, colleague_id = invite(api, owner, dimensions=["staff"])
    staff = {"staff.team_size": 5.0, "staff.training": "regular", "staff.peer_learning": "neither"}
    saved = save(api, colleague, 1, answers=staff)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["answers"]["staff.team_size"] == 5  # stored as the browser does
    body = _read(api, owner)
    assert body["answers"] == STRATEGY | {**staff, "staff.team_size": 5}
    assert {q: a["by"] for q, a in body["answered_by"].items()} == (
        dict.fromkeys(STRATEGY) | dict.fromkeys(staff, colleague_id)
    )
    assert [c["name"] for c in body["contributors"]] == ["Amira Haddad"]
    # The colleague reads the same answers, but not the team; they learn who they are.
    theirs = _read(api, colleague)
    assert theirs["answers"] == body["answers"]
    assert theirs["contributors"] is None
    assert theirs["you"]["id"] == colleague_id
    assert theirs["you"]["dimensions"] == ["staff"]
    # Both see the log: who changed which answer.
    entries = api.get(f"/api/v1/assessments/{colleague}/activity").get_json()["entries"]
    assert {(e["subject"], e["by"]) for e in entries if e["kind"] == "answer"} == {
        *((q, None) for q in STRATEGY),
        *((q, colleague_id) for q in staff),
    }


def test_a_stale_version_is_refused_and_nothing_is_lost(api: FlaskClient) -> None:
    owner = new_draft(api)
    colleague, _ = invite(api, owner)
    assert save(api, owner, 0, answers=STRATEGY).status_code == 200
    # The colleague read the draft at version 0 and saves over it.
    mine = {DOC: "none", "institutions.office": "unit"}
    refused = save(api, colleague, 0, answers=mine)
    body = assert_error(refused, 409, code="version_conflict")
    assert "since version 0" in body["error"]["message"]
    assert body["current"]["version"] == 1
    assert body["current"]["answers"] == STRATEGY
    after = _read(api, owner)
    assert (after["version"], after["answers"]) == (1, STRATEGY)  # the owner's answers stay
    # Sent again at the current version, the colleague's answers are saved.
    again = save(api, colleague, body["current"]["version"], answers=mine)
    assert again.status_code == 200
    assert again.get_json()["answers"] == STRATEGY | mine


def test_skip_logic_drops_answers_that_no_longer_apply(api: FlaskClient) -> None:
    owner = new_draft(api)
    staff = {"staff.training": "regular", "staff.peer_learning": "both_regularly"}
    notes = {"staff.peer_learning": "Twinning with Aarhus."}
    assert save(api, owner, 0, answers=staff, notes=notes).status_code == 200
    # No training at all: peer learning is not asked any more, its note goes with it.
    saved = save(api, owner, 1, answers={"staff.training": "none"})
    assert saved.status_code == 200
    assert saved.get_json()["answers"] == {"staff.training": "none"}
    assert saved.get_json()["notes"] == {}
    # An answer to a question that does not apply is refused, not dropped unseen.
    body = assert_error(
        save(api, owner, 2, answers={"staff.peer_learning": "both_regularly"}),
        422,
        "answers.staff.peer_learning",
    )
    assert "does not apply" in body["error"]["details"][0]["message"]
    assert version_of(api, owner) == 2


@pytest.mark.parametrize(
    ("changes", "paths"),
    [
        ({"answers": {DOC: "perhaps"}}, ("answers.strategy.document",)),
        ({"answers": {DOC: 3}}, ("answers.strategy.document",)),
        ({"answers": {"staff.team_size": "five"}}, ("answers.staff.team_size",)),
        ({"answers": {"strategy.nothing": "none"}}, ("answers.strategy.nothing",)),
        ({"answers": {DOC: True}}, ("answers.strategy.document",)),
        ({"notes": {DOC: "A note without an answer."}}, ("notes.strategy.document",)),
        ({"evidence": {DOC: {"link": "https://example.org"}}}, ("evidence.strategy.document",)),
        ({"version": -1}, ("version",)),
        ({"answers": {DOC: "none"}, "extra": 1}, ("extra",)),
    ],
)
def test_answers_are_checked_before_anything_is_stored(
    api: FlaskClient, changes: dict[str, Any], paths: tuple[str, ...]
) -> None:
    token = new_draft(api)
    body = {"version": 0, **changes}
    assert_error(api.patch(f"/api/v1/assessments/{token}/answers", json=body), 422, *paths)
    assert version_of(api, token) == 0


def test_null_removes_an_answer_and_what_backs_it(api: FlaskClient) -> None:
    token = new_draft(api)
    evidence = {DOC: {"link": "https://example.org/strategy.pdf", "checked": "2025-01-31"}}
    saved = save(api, token, 0, answers=STRATEGY, notes={DOC: "Adopted."}, evidence=evidence)
    assert saved.get_json()["evidence"] == evidence
    saved = save(api, token, 1, answers={DOC: None})
    assert saved.status_code == 200
    body = saved.get_json()
    assert DOC not in body["answers"] and DOC not in body["notes"]
    assert DOC not in body["evidence"]


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "https://",
        "https://example.org/a b",
        "//example.org/strategy.pdf",
    ],
)
def test_evidence_links_are_web_addresses_only(api: FlaskClient, link: str) -> None:
    token = new_draft(api)
    body = assert_error(
        save(api, token, 0, answers=STRATEGY, evidence={DOC: {"link": link}}),
        422,
        "evidence.strategy.document.link",
    )
    assert "https://" in body["error"]["details"][0]["message"]
    assert _read(api, token)["answers"] == {}  # nothing of the request was stored


def test_evidence_is_checked_on_a_past_date_or_today(api: FlaskClient) -> None:
    token = new_draft(api)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = {DOC: {"link": "https://example.org/s.pdf", "checked": tomorrow}}
    assert_error(
        save(api, token, 0, answers=STRATEGY, evidence=future),
        422,
        "evidence.strategy.document.checked",
    )
    impossible = {DOC: {"checked": "2025-02-30"}}
    assert_error(
        save(api, token, 0, answers=STRATEGY, evidence=impossible),
        422,
        "evidence.strategy.document.checked",
    )
    # Left out, the date checked is today; a note alone is evidence with a date too.
    saved = save(
        api,
        token,
        0,
        answers=STRATEGY,
        notes={"strategy.priorities": "In the council minutes."},
        evidence={DOC: {"link": "https://example.org/s.pdf"}},
    )
    assert saved.get_json()["evidence"] == {
        DOC: {"link": "https://example.org/s.pdf", "checked": date.today().isoformat()},
        "strategy.priorities": {"link": None, "checked": date.today().isoformat()},
    }


# --- disagreements --------------------------------------------------------------------------


def test_a_disagreement_appears_and_the_owner_settles_it(api: FlaskClient) -> None:
    owner = new_draft(api)
    colleague, colleague_id = invite(api, owner)
    assert save(api, owner, 0, answers=STRATEGY).status_code == 200
    changed = save(api, colleague, 1, answers={DOC: "informal"})
    disputes = changed.get_json()["disputes"]
    assert [d["question"] for d in disputes] == [DOC]
    assert [(a["by"], a["value"]) for a in disputes[0]["answers"]] == [
        (None, STRATEGY[DOC]),
        (colleague_id, "informal"),
    ]
    path = f"/api/v1/assessments/{owner}/disputes/{DOC}"
    # Only the owner settles, with one of the answers given, on the current answers.
    assert_error(api.post(path.replace(owner, colleague), json={"version": 2, "choice": 0}), 404)
    assert_error(api.post(path, json={"version": 2, "choice": 2}), 422, "choice")
    stale = assert_error(
        api.post(path, json={"version": 1, "choice": 0}), 409, code="version_conflict"
    )
    assert stale["current"]["version"] == 2
    settled = api.post(path, json={"version": 2, "choice": 1})
    assert settled.status_code == 200, settled.get_json()
    body = settled.get_json()
    assert body["disputes"] == []
    assert body["answers"][DOC] == "informal"
    assert body["answered_by"][DOC]["by"] == colleague_id  # credited to whoever gave it
    assert_error(api.post(path, json={"version": 3, "choice": 0}), 404)  # nothing open now
    kinds = [
        e["kind"] for e in api.get(f"/api/v1/assessments/{owner}/activity").get_json()["entries"]
    ]
    assert kinds[0] == "chosen"


# --- review and submission ------------------------------------------------------------------


def test_review_query_reply_and_submission(api: FlaskClient) -> None:
    owner = new_draft(api)
    give_profile(api, owner)
    assert save(api, owner, 0, answers=ANSWERS).status_code == 200
    reviewer, reviewer_id = invite(api, owner, name="Jonas Berg", role="Reviewer", reviewer=True)
    _plain, plain_id = invite(api, owner)
    ask = f"/api/v1/assessments/{owner}/review"
    assert_error(api.post(ask, json={"reviewer_id": plain_id}), 422, "reviewer_id")
    asked = api.post(ask, json={"reviewer_id": reviewer_id})
    assert asked.status_code == 201
    assert asked.get_json()["reviewer_id"] == reviewer_id
    assert _read(api, reviewer)["review_request"]["reviewer_id"] == reviewer_id
    # The reviewer queries one dimension: a query needs a comment.
    verdicts = f"/api/v1/assessments/{reviewer}/review/verdicts"
    silent = _all_accepted()
    silent["verdicts"]["staff"] = {"verdict": "queried", "comment": " "}
    assert_error(api.post(verdicts, json=silent), 422, "verdicts.staff.comment")
    partial = _all_accepted()
    del partial["verdicts"]["crisis"]
    partial["verdicts"]["culture"] = {"verdict": "accepted"}
    assert_error(api.post(verdicts, json=partial), 422, "verdicts.culture", "verdicts.crisis")
    assert_error(api.post(verdicts.replace(reviewer, owner), json=_all_accepted()), 404)
    given = api.post(verdicts, json=_all_accepted(staff="Is the team really five people?"))
    assert given.status_code == 200, given.get_json()
    assert given.get_json()["open_queries"] == ["staff"]
    assert_error(api.post(verdicts, json=_all_accepted()), 404)  # the review is finished
    # Submission waits for the reply.
    submit = f"/api/v1/assessments/{owner}/submit"
    blocked = assert_error(api.post(submit), 422, "review.verdicts.staff")
    assert "Reply to the reviewer's query" in blocked["error"]["details"][0]["message"]
    reply = f"/api/v1/assessments/{owner}/review/staff/reply"
    assert_error(api.post(reply, json={"reply": "\u200b"}), 422, "reply")
    replied = api.post(reply, json={"reply": "Yes: five full-time posts since 2024."})
    assert replied.status_code == 200
    review = replied.get_json()
    assert review["open_queries"] == []
    assert review["verdicts"]["staff"]["reply"] == "Yes: five full-time posts since 2024."
    assert_error(api.post(reply, json={"reply": "Again."}), 404)  # answered already
    done = api.post(submit)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "submitted"
    assert body["scorecard"]["overall_level"] == 4
    assert body["review"]["verdicts"]["staff"]["verdict"] == "queried"
    # Submitted: nothing changes any more, and colleagues' tokens stop working.
    assert_error(api.post(submit), 409, code="already_submitted")
    late = assert_error(
        save(api, owner, body["version"], answers={DOC: "none"}), 409, code="already_submitted"
    )
    assert late["current"]["answers"] == ANSWERS
    assert_error(api.get(f"/api/v1/assessments/{reviewer}"), 404)
    log = api.get(f"/api/v1/assessments/{reviewer}/activity")  # the log stays open to them
    assert log.get_json()["entries"][0]["kind"] == "submitted"
    assert api.get(f"/api/v1/assessments/{owner}/peers").status_code == 200


def test_submission_lists_what_is_missing(api: FlaskClient) -> None:
    owner = new_draft(api)
    submit = f"/api/v1/assessments/{owner}/submit"
    assert_error(api.post(submit), 422, "profile")
    give_profile(api, owner)
    assert save(api, owner, 0, answers=STRATEGY).status_code == 200
    missing = api.post(submit)
    assert missing.status_code == 422
    paths = {d["path"] for d in missing.get_json()["error"]["details"]}
    assert paths == {f"answers.{q}" for q in missing_questions(BOOK, STRATEGY)}
    colleague, _ = invite(api, owner)
    assert save(api, colleague, 1, answers={DOC: "none"}).status_code == 200
    assert_error(api.post(submit), 422, "disputes.strategy.document")


# --- who may do what ------------------------------------------------------------------------


def test_a_revoked_token_gives_404_everywhere(api: FlaskClient) -> None:
    owner = new_draft(api)
    colleague, colleague_id = invite(api, owner, reviewer=True)
    assert save(api, colleague, 0, answers=STRATEGY).status_code == 200
    api.post(f"/api/v1/assessments/{owner}/review", json={"reviewer_id": colleague_id})
    revoked = api.delete(f"/api/v1/assessments/{owner}/contributors/{colleague_id}")
    assert revoked.status_code == 200
    assert revoked.get_json()["active"] is False
    assert revoked.get_json()["revoked_at"] is not None
    base = f"/api/v1/assessments/{colleague}"
    for response in (
        api.get(base),
        api.get(f"{base}/activity"),
        save(api, colleague, 1, answers={DOC: "none"}),
        api.post(f"{base}/review/verdicts", json=_all_accepted()),
    ):
        assert_error(response, 404)
    body = _read(api, owner)
    assert body["answers"] == STRATEGY  # what they saved stays
    assert body["contributors"][0]["active"] is False
    assert api.get(f"/a/{colleague}").status_code == 404  # the browser link too
    again = api.delete(f"/api/v1/assessments/{owner}/contributors/{colleague_id}")
    assert again.status_code == 200
    assert_error(api.delete(f"/api/v1/assessments/{owner}/contributors/{colleague_id + 99}"), 404)
    assert_error(api.delete(f"/api/v1/assessments/{owner}/contributors/0"), 404)


def test_a_colleague_cannot_do_the_owners_things(api: FlaskClient) -> None:
    owner = new_draft(api)
    colleague, colleague_id = invite(api, owner, reviewer=True)
    unknown = api.get(f"/api/v1/assessments/{'A' * 43}").get_json()
    base = f"/api/v1/assessments/{colleague}"
    profile = {"profile": {"name": "X", "country": "DK", "population": 5}}
    for response in (
        api.post(f"{base}/contributors", json={"name": "Eve", "role": "Intern"}),
        api.post(f"{base}/submit"),
        api.put(f"{base}/profile", json=profile),
        api.delete(f"{base}/contributors/{colleague_id}"),
        api.post(f"{base}/review", json={"reviewer_id": colleague_id}),
        api.post(f"{base}/disputes/{DOC}", json={"version": 0, "choice": 0}),
        api.post(f"{base}/review/staff/reply", json={"reply": "No."}),
        api.get(f"{base}/peers"),
        api.get(f"{base}/advice"),
    ):
        # The same 404 as for a token no one has: a refusal tells nothing about the token.
        assert_error(response, 404)
        assert response.get_json() == unknown
    assert [c["active"] for c in _read(api, owner)["contributors"]] == [True]


def test_invitations_follow_the_pages_rules(api: FlaskClient) -> None:
    owner = new_draft(api)
    path = f"/api/v1/assessments/{owner}/contributors"
    cases: list[tuple[dict[str, Any], tuple[str, ...]]] = [
        ({"name": "\u200b\u2066", "role": "EU affairs"}, ("name",)),
        ({"name": "Amira"}, ("role",)),
        ({"name": "A" * 121, "role": "EU affairs"}, ("name",)),
        ({"name": "Amira", "role": "EU", "dimensions": ["staff", "culture"]}, ("dimensions.1",)),
        ({"name": "Amira", "role": "EU", "reviewer": "yes"}, ("reviewer",)),
    ]
    for body, paths in cases:
        assert_error(api.post(path, json=body), 422, *paths)
    assert _read(api, owner)["contributors"] == []
    created = api.post(path, json={"name": " Amira\u202e Haddad ", "role": "EU affairs"})
    assert created.get_json()["contributor"]["name"] == "Amira Haddad"  # cleaned as a name


# --- the browser and the logs ---------------------------------------------------------------


def test_the_pages_show_what_the_api_saved(api: FlaskClient) -> None:
    owner = new_draft(api)
    give_profile(api, owner)
    colleague, _ = invite(api, owner, name="Jonas Berg", role="Mayor's office")
    evidence = {DOC: {"link": "https://example.org/strategy.pdf"}}
    assert save(api, colleague, 0, answers=STRATEGY, evidence=evidence).status_code == 200
    page = text(api.get(f"/a/{owner}/check"))
    assert "Jonas Berg (Mayor's office)" in page
    assert "https://example.org/strategy.pdf" in page
    resumed = api.get(f"/a/{colleague}")  # the colleague's token is their browser link too
    assert resumed.status_code == 302


def test_tokens_never_reach_the_logs(api_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = api_app.test_client()
    owner = new_draft(client)
    colleague, _ = invite(client, owner)
    save(client, colleague, 0, answers={DOC: "perhaps"})  # a refused request
    save(client, colleague, 0, answers={DOC: "none"})
    client.get(f"/api/v1/assessments/{colleague}/activity")
    logging.getLogger("werkzeug").info('"PATCH /api/v1/assessments/%s/answers" 200', colleague)
    assert caplog.records
    assert owner not in caplog.text and colleague not in caplog.text
    # The colleague's token is in the invitation's response only.
    for path in ("", "/activity"):
        assert colleague not in client.get(f"/api/v1/assessments/{owner}{path}").get_data(
            as_text=True
        )
