"""A city team assesses together (issue 14, parts 2–5 on the pages): disagreements the owner
settles, evidence behind answers, a colleague's review, and the history of changes.

What an officer expects, written before the pages were built:
- when a colleague changes an answer the owner gave, the check page shows both answers with
  names; the owner picks one; until then the assessment cannot be submitted;
- the results say how many answers were discussed this way, how many answers carry evidence
  (a note or a link), flag evidence older than 18 months, and say who reviewed or "Not
  reviewed";
- an evidence link is an http(s) address, shown as text and never as a link to follow;
- a reviewer accepts or queries each dimension; a query needs a comment and blocks
  submission until the owner replies;
- every change is in the history, with who, what, from what to what.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_contributors import contributor_token, invite
from web_helpers import (
    csrf_token,
    example_answers,
    fill_everything,
    make_app,
    page_answers,
    post_form,
    start,
    text,
)

from web import storage
from web.tokens import hash_token


def post_on_check(client: FlaskClient, token: str, action: str, data: dict[str, str]) -> Any:
    """POST a form of the check page of ``token`` to ``/a/<token><action>``."""
    csrf = csrf_token(client, f"/a/{token}/check")
    return client.post(f"/a/{token}{action}", data={"csrf_token": csrf, **data})


def version_of(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', text(client.get(url)))
    assert found, f"no version on {url}"
    return found.group(1)


def disagree(client: FlaskClient, app: Flask) -> tuple[str, str, dict[str, str]]:
    """The owner fills everything; a colleague gives other answers on the strategy page."""
    token = start(client)
    fill_everything(client, token, app)
    colleague = contributor_token(invite(client, token, name="Jan Nowak", role="Department"))
    theirs = page_answers(app, "strategy", -1)
    assert post_form(client, f"/a/{colleague}/step/strategy", theirs).status_code == 303
    return token, colleague, theirs


def disputed_questions(client: FlaskClient, token: str) -> list[str]:
    page = text(client.get(f"/a/{token}/check"))
    return re.findall(r'action="/a/[^/]+/disputes/([^"]+)"', page)


def settle_all(client: FlaskClient, token: str, choice: int) -> int:
    settled = 0
    for qid in disputed_questions(client, token):
        url = f"/a/{token}/check"
        data = {"choice": str(choice), "version": version_of(client, url)}
        response = client.post(
            f"/a/{token}/disputes/{qid}", data={"csrf_token": csrf_token(client, url), **data}
        )
        assert response.status_code == 303, text(response)
        settled += 1
    return settled


def test_a_disagreement_shows_both_answers_and_blocks_submission(
    app: Flask, client: FlaskClient
) -> None:
    token, _colleague, theirs = disagree(client, app)
    owners = example_answers()["answers"]
    differing = [q for q, v in theirs.items() if str(owners.get(q)) != v]
    assert differing, "the colleague's answers must differ from the example's somewhere"

    assert sorted(disputed_questions(client, token)) == sorted(differing)
    page = text(client.get(f"/a/{token}/check"))
    section = page[page.index('data-testid="disputes"') : page.index('id="review"')]
    assert "Answer of Jan Nowak (Department)" in section
    assert "Answer of the assessment's owner" in section

    refused = post_on_check(client, token, "/submit", {})
    assert refused.status_code == 400
    assert text(refused).count("Choose one of the answers given to") == len(differing)


def test_the_owner_settles_with_the_colleagues_answer_and_results_count_it(
    app: Flask, client: FlaskClient
) -> None:
    token, _colleague, _theirs = disagree(client, app)
    settled = settle_all(client, token, choice=1)  # the colleague's answer came second
    assert settled >= 1
    assert disputed_questions(client, token) == []
    page = text(client.get(f"/a/{token}/check"))
    strategy = page[page.index('data-testid="summary-strategy"') :]
    assert "Answered by Jan Nowak (Department)" in strategy

    assert post_on_check(client, token, "/submit", {}).status_code == 303
    results = text(client.get(f"/a/{token}/results"))
    word = "answer was" if settled == 1 else "answers were"
    assert f"{settled} {word} discussed" in results
    assert "Jan Nowak (Department)" in results[results.index('data-testid="authors"') :]


def test_a_choice_made_on_an_outdated_page_is_refused_and_nothing_changes(
    app: Flask, client: FlaskClient
) -> None:
    token, colleague, theirs = disagree(client, app)
    qid = disputed_questions(client, token)[0]
    shown = version_of(client, f"/a/{token}/check")
    # The colleague saves again meanwhile (the same answers): the owner's page is now old.
    assert post_form(client, f"/a/{colleague}/step/strategy", theirs).status_code == 303
    response = client.post(
        f"/a/{token}/disputes/{qid}",
        data={
            "csrf_token": csrf_token(client, f"/a/{token}/check"),
            "choice": "0",
            "version": shown,
        },
    )
    assert response.status_code == 409
    assert "The answers changed since you opened this page" in text(response)
    assert qid in disputed_questions(client, token)


def test_a_colleague_cannot_settle_a_disagreement(app: Flask, client: FlaskClient) -> None:
    token, colleague, _theirs = disagree(client, app)
    qid = disputed_questions(client, token)[0]
    url = f"/a/{colleague}/check"
    data = {"csrf_token": csrf_token(client, "/"), "choice": "1", "version": "1"}
    assert client.post(f"/a/{colleague}/disputes/{qid}", data=data).status_code == 404
    page = text(client.get(url))
    assert "The assessment's owner chooses the answer" in page


def strategy_form(app: Flask, **extra: str) -> dict[str, str]:
    """The example city's answers to the strategy page, with ``extra`` fields."""
    from web import state

    with app.app_context():
        page = next(d for d in state.rulebook().dimensions if d.id == "strategy")
    answers = example_answers()["answers"]
    given = {q.id: str(answers[q.id]) for q in page.questions if q.id in answers}
    return {**given, **extra}


def first_question(app: Flask) -> str:
    return next(iter(strategy_form(app)))


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "https://example.org/a b",
        "example.org/strategy",
        "https://example.org/" + "a" * 2000,
    ],
)
def test_an_evidence_link_must_be_a_web_address(
    app: Flask, client: FlaskClient, link: str
) -> None:
    token = start(client)
    qid = first_question(app)
    response = post_form(
        client, f"/a/{token}/step/strategy", strategy_form(app, **{f"{qid}--link": link})
    )
    assert response.status_code == 400
    page = text(response)
    assert "error-summary" in page
    assert re.search(r"web address|at most 2,000 characters", page)


def test_evidence_is_shown_as_text_and_dated_today_when_no_date_is_given(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    qid = first_question(app)
    link = "https://example.org/council/decision-2025-14?lang=en"
    form = strategy_form(app, **{f"{qid}--link": link})
    assert post_form(client, f"/a/{token}/step/strategy", form).status_code == 303
    page = text(client.get(f"/a/{token}/check"))
    assert link in page
    assert f'href="{link}"' not in page, "an evidence link is never a link to follow"
    today = date.today()
    assert f"Evidence checked on {today.day} {today:%B} {today.year}" in page
    again = text(client.get(f"/a/{token}/step/strategy"))
    assert f'value="{today.isoformat()}"' in again


@pytest.mark.parametrize("checked", ["2999-01-01", "31/12/2025", "20250101", "yesterday"])
def test_the_date_checked_is_a_past_date(app: Flask, client: FlaskClient, checked: str) -> None:
    token = start(client)
    qid = first_question(app)
    form = strategy_form(app, **{f"{qid}--note": "Council decision", f"{qid}--checked": checked})
    response = post_form(client, f"/a/{token}/step/strategy", form)
    assert response.status_code == 400
    assert re.search(r"year-month-day|cannot be in the future", text(response))


def evidence_notes() -> set[str]:
    data = example_answers()
    return {q for q in data.get("notes", {}) if data["answers"].get(q) not in (None, "unknown")}


def test_results_count_evidenced_answers_and_flag_old_evidence(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    fill_everything(client, token, app)
    qid = first_question(app)
    old = {f"{qid}--link": "https://example.org/strategy.pdf", f"{qid}--checked": "2020-01-31"}
    assert (
        post_form(client, f"/a/{token}/step/strategy", strategy_form(app, **old)).status_code
        == 303
    )
    submitted = post_on_check(client, token, "/submit", {})
    assert submitted.status_code == 303, text(submitted)
    results = text(client.get(f"/a/{token}/results"))

    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
        assert found is not None
        given = [q for q, v in found.answers.items() if v != "unknown"]
        backed = {q for q in given if found.notes.get(q)} | {qid}
    # The example's notes are the evidence, besides the one link added above.
    assert backed == (evidence_notes() & set(given)) | {qid}
    assert f"{len(backed)} of {len(given)} answers evidenced" in results
    assert "1 checked more than 18 months ago" in results
    assert "No answer was discussed: no two people gave different answers." in results
    assert "1 old" in results[results.index('data-testid="evidence-strategy"') :]

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/a/{token}/results.csv").get_data(as_text=True)))
    )
    strategy = next(r for r in rows if r["dimension_id"] == "strategy")
    assert strategy["evidence_old"] == "1"
    assert sum(int(r["answers_evidenced"]) for r in rows) == len(backed)
    assert {r["review"] for r in rows} == {"Not reviewed"}
    body = json.loads(client.get(f"/a/{token}/results.json").get_data(as_text=True))
    assert body["team"]["evidence"]["evidenced"] == len(backed)
    assert body["team"]["evidence"]["old"] == 1
    assert body["team"]["review"] is None and body["team"]["review_line"] == "Not reviewed"


def test_the_age_that_makes_evidence_old_is_a_setting(tmp_path: Path) -> None:
    app = make_app(tmp_path, evidence_max_age_months=240)
    client = app.test_client()
    token = start(client)
    fill_everything(client, token, app)
    qid = first_question(app)
    old = {f"{qid}--link": "https://example.org/strategy.pdf", f"{qid}--checked": "2020-01-31"}
    assert (
        post_form(client, f"/a/{token}/step/strategy", strategy_form(app, **old)).status_code
        == 303
    )
    assert post_on_check(client, token, "/submit", {}).status_code == 303
    results = text(client.get(f"/a/{token}/results"))
    assert "checked more than" not in results


def ask_review(client: FlaskClient, app: Flask) -> tuple[str, str]:
    token = start(client)
    fill_everything(client, token, app)
    reviewer = contributor_token(
        invite(client, token, name="Ewa Lis", role="Mayor's office", reviewer="yes")
    )
    page = text(client.get(f"/a/{token}/check"))
    assert "Ask Ewa Lis to review" in page
    found = re.search(r'name="reviewer" value="(\d+)"', page)
    assert found
    asked = post_on_check(client, token, "/review/ask", {"reviewer": found.group(1)})
    assert asked.status_code == 303
    return token, reviewer


def verdicts(app: Flask, queried: str | None = None, comment: str = "") -> dict[str, str]:
    from web import state

    with app.app_context():
        ids = [d.id for d in state.rulebook().dimensions]
    form = {f"verdict-{d}": "accepted" for d in ids}
    if queried:
        form[f"verdict-{queried}"] = "queried"
        form[f"comment-{queried}"] = comment
    return form


def test_a_review_query_blocks_submission_until_the_owner_replies(
    app: Flask, client: FlaskClient
) -> None:
    token, reviewer = ask_review(client, app)
    assert "has been asked to review" in text(client.get(f"/a/{token}/check"))
    assert 'data-testid="start-review"' in text(client.get(f"/a/{reviewer}/check"))

    missing = post_form(client, f"/a/{reviewer}/review", {})
    assert missing.status_code == 400 and "Accept or query" in text(missing)
    bare = post_form(client, f"/a/{reviewer}/review", verdicts(app, queried="budget"))
    assert bare.status_code == 400 and "Say what you query about" in text(bare)
    sent = post_form(
        client,
        f"/a/{reviewer}/review",
        verdicts(app, queried="budget", comment="Is the budget line really multi-year?"),
    )
    assert sent.status_code == 303
    assert client.get(f"/a/{reviewer}/review").status_code == 404, "the review is done"

    check = text(client.get(f"/a/{token}/check"))
    assert "Is the budget line really multi-year?" in check
    refused = post_on_check(client, token, "/submit", {})
    assert refused.status_code == 400
    assert "Reply to the reviewer's query on" in text(refused)

    empty = post_on_check(client, token, "/review/budget/reply", {"reply": " "})
    assert empty.status_code == 400 and "Enter your reply" in text(empty)
    replied = post_on_check(
        client, token, "/review/budget/reply", {"reply": "Yes: the 2026–2028 plan."}
    )
    assert replied.status_code == 303
    assert "Yes: the 2026–2028 plan." in text(client.get(f"/a/{token}/check"))
    assert post_on_check(client, token, "/submit", {}).status_code == 303

    results = text(client.get(f"/a/{token}/results"))
    today = date.today()
    line = f"Reviewed by Ewa Lis (Mayor's office) on {today.day} {today:%B} {today.year}"
    assert line in results
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/a/{token}/results.csv").get_data(as_text=True)))
    )
    assert {r["review"] for r in rows} == {line}
    assert next(r for r in rows if r["dimension_id"] == "budget")["review_verdict"] == "queried"
    body = json.loads(client.get(f"/a/{token}/results.json").get_data(as_text=True))
    assert body["team"]["review"]["reviewer"] == {"name": "Ewa Lis", "role": "Mayor's office"}
    assert body["team"]["review"]["verdicts"]["budget"]["reply"] == "Yes: the 2026–2028 plan."


def test_only_a_reviewer_can_be_asked_and_only_they_review(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    page = text(client.get(f"/a/{token}/check"))
    assert "tick “Can review the answers”" in page
    found = re.search(r'data-testid="revoke-(\d+)"', page)
    assert found
    asked = post_on_check(client, token, "/review/ask", {"reviewer": found.group(1)})
    assert asked.status_code == 404
    assert client.get(f"/a/{colleague}/review").status_code == 404
    assert client.get(f"/a/{token}/review").status_code == 404, "the owner does not review"


def test_a_colleague_cannot_ask_for_review_or_reply(app: Flask, client: FlaskClient) -> None:
    _token, reviewer = ask_review(client, app)
    post_form(client, f"/a/{reviewer}/review", verdicts(app, queried="budget", comment="Why?"))
    data = {"csrf_token": csrf_token(client, "/"), "reply": "Because."}
    assert client.post(f"/a/{reviewer}/review/budget/reply", data=data).status_code == 404
    data = {"csrf_token": csrf_token(client, "/"), "reviewer": "1"}
    assert client.post(f"/a/{reviewer}/review/ask", data=data).status_code == 404


def test_the_history_says_who_changed_what_from_what_to_what(
    app: Flask, client: FlaskClient
) -> None:
    token, colleague, _theirs = disagree(client, app)
    settle_all(client, token, choice=0)
    for holder in (token, colleague):
        page = text(client.get(f"/a/{holder}/activity"))
        assert 'data-testid="activity"' in page
        assert "Jan Nowak (Department)" in page
        assert "Disagreement settled" in page
        assert "Answer:" in page
    assert post_on_check(client, token, "/submit", {}).status_code == 303
    for holder in (token, colleague):  # kept after submission, for the whole team
        after = text(client.get(f"/a/{holder}/activity"))
        assert "Submitted" in after and "Jan Nowak (Department)" in after
    assert client.get(f"/a/{colleague}/check").status_code == 404, "the rest stays closed"


def test_a_revoked_colleague_no_longer_sees_the_history(app: Flask, client: FlaskClient) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    assert client.get(f"/a/{colleague}/activity").status_code == 200
    found = re.search(r'action="(/a/[^"]+/revoke)"', text(client.get(f"/a/{token}/check")))
    assert found
    revoked = client.post(
        found.group(1), data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert revoked.status_code == 303
    assert client.get(f"/a/{colleague}/activity").status_code == 404


def test_no_page_shows_a_link_to_anyone_but_its_holder(app: Flask, client: FlaskClient) -> None:
    token, reviewer = ask_review(client, app)
    colleague = contributor_token(invite(client, token, name="Jan Nowak", role="Department"))
    assert (
        post_form(client, f"/a/{colleague}/step/strategy", strategy_form(app)).status_code == 303
    )
    pages = {
        token: ["/check", "/activity", "/step/strategy"],
        colleague: ["/check", "/activity", "/step/strategy"],
        reviewer: ["/review", "/check", "/activity"],
    }
    for holder, paths in pages.items():
        others = {token, colleague, reviewer} - {holder}
        for path in paths:
            shown = text(client.get(f"/a/{holder}{path}"))
            assert not [t for t in others if t in shown], f"another link on {path}"
    post_form(client, f"/a/{reviewer}/review", verdicts(app))
    assert post_on_check(client, token, "/submit", {}).status_code == 303
    for path in ("/results", "/results.csv", "/results.json", "/activity"):
        shown = text(client.get(f"/a/{token}{path}"))
        assert colleague not in shown and reviewer not in shown, path
    assert token not in text(client.get(f"/a/{colleague}/activity"))
