"""From score to plan on the pages (issue 15): targets, the action plan, its downloads, the
read-only share link, and the next assessment closing the loop.

What a city officer expects, written before the pages were tuned:
- the results offer targets at once: one level up in the weakest dimensions, in a year;
- a target is a level above today's and comes with a date from today on;
- the plan lists actions only where a target is above the level, "find out" first; each
  action takes an owner, a due date and a status, and two colleagues editing two actions at
  once both keep their edit;
- the plan downloads as CSV and as an Excel workbook holding the same rows;
- a share link opens the results and the plan with no control that changes anything, and
  every editing address under it gives 404; revoked or expired, it gives 404;
- after re-assessing, the plan says which actions' answers moved and the new results say
  which targets were reached.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import csrf_token, fill_everything, post_form, start, text

from rules import text_in
from web import state, storage
from web.tokens import hash_token


def submitted(client: FlaskClient, app: Flask, name: str = "answers-emerging.yaml") -> str:
    token = start(client)
    fill_everything(client, token, app, name)
    csrf = csrf_token(client, f"/a/{token}/check")
    assert client.post(f"/a/{token}/submit", data={"csrf_token": csrf}).status_code == 303
    return token


def on_results(client: FlaskClient, token: str, action: str, data: dict[str, str]) -> Any:
    csrf = csrf_token(client, f"/a/{token}/results")
    return client.post(f"/a/{token}{action}", data={"csrf_token": csrf, **data})


def stored(app: Flask, token: str) -> storage.StoredAssessment:
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None
    return found


def levels_of(app: Flask, token: str) -> dict[str, int]:
    card = stored(app, token).scorecard or {}
    return {d["id"]: d["level"] for d in card["dimensions"] if d["level"] is not None}


def offered(page: str) -> dict[str, int]:
    """The targets preselected in the form: dimension id → level."""
    chosen = {}
    for select in re.findall(r'<select[^>]*name="target-([a-z_]+)"(.*?)</select>', page, re.S):
        dimension_id, options = select
        value = re.search(r'<option value="(\d)" selected>', options)
        if value:
            chosen[dimension_id] = int(value.group(1))
    return chosen


def a_year_on() -> str:
    return (date.today() + timedelta(days=365)).isoformat()


def test_the_results_offer_one_level_up_in_the_weakest_dimensions(
    app: Flask, client: FlaskClient
) -> None:
    token = submitted(client, app)
    page = text(client.get(f"/a/{token}/results"))
    targets = offered(page)
    levels = levels_of(app, token)
    assert 1 <= len(targets) <= 3
    assert all(targets[d] == levels[d] + 1 for d in targets)
    assert min(levels.values()) in {levels[d] for d in targets}
    assert f'value="{a_year_on()}"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target-budget", "1", "Choose a level above the current one"),
        ("target-budget", "9", "Choose a level above the current one"),
        ("target-date", "2020-01-01", "today or later"),
        ("target-date", "", "Enter the date by which"),
        ("target-date", "1/1/2030", "year-month-day"),
    ],
)
def test_targets_are_levels_above_today_with_a_date_ahead(
    app: Flask, client: FlaskClient, field: str, value: str, message: str
) -> None:
    token = submitted(client, app)
    assert levels_of(app, token)["budget"] == 1, "the example city's floor is its budget"
    form = {"target-budget": "2", "target-date": a_year_on(), field: value}
    response = on_results(client, token, "/targets", form)
    assert response.status_code == 400
    assert message in text(response)
    assert stored(app, token).targets == {}, "nothing stored"


def set_targets(client: FlaskClient, token: str, levels: dict[str, int]) -> Any:
    form = {f"target-{d}": str(n) for d, n in levels.items()}
    return on_results(client, token, "/targets", {**form, "target-date": a_year_on()})


def plan_rows(client: FlaskClient, token: str) -> list[dict[str, str]]:
    body = client.get(f"/a/{token}/plan.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body)))


def test_the_plan_acts_where_targets_are_and_finds_out_first(
    app: Flask, client: FlaskClient
) -> None:
    token = submitted(client, app)
    saved = set_targets(client, token, {"budget": 2, "coordination": 3})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/plan")
    assert stored(app, token).targets["levels"] == {"budget": 2, "coordination": 3}
    rows = plan_rows(client, token)
    with app.app_context():
        titles = {d.id: text_in(d.title) for d in state.rulebook().dimensions}
    assert {r["dimension"] for r in rows} == {titles["budget"], titles["coordination"]}
    find_out = [r["find_out"] for r in rows]
    assert find_out == sorted(find_out, key=lambda v: v != "yes"), "find-outs first"
    assert "yes" in find_out, "the example city does not know its regional coordination"
    page = text(client.get(f"/a/{token}/plan"))
    assert page.count('data-testid="action"') == len(rows)


def plan_form(client: FlaskClient, token: str) -> dict[str, str]:
    """Every field of the plan form as the page shows it."""
    page = client.get(f"/a/{token}/plan").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    statuses = re.findall(r'name="(a\d+-status)".*?<option value="(\w+)" selected', page, re.S)
    return {**fields, **dict(statuses)}


def test_two_colleagues_editing_two_actions_at_once_both_keep_theirs(
    app: Flask, client: FlaskClient
) -> None:
    token = submitted(client, app)
    set_targets(client, token, {"budget": 2, "coordination": 3})
    first, second = plan_form(client, token), plan_form(client, token)  # both open the page
    first |= {"a1-owner": "Amira Haddad", "a1-due": "2027-03-31", "a1-status": "started"}
    second |= {"a2-owner": "Jan Nowak", "a2-status": "done"}
    assert client.post(f"/a/{token}/plan", data=first).status_code == 303
    assert client.post(f"/a/{token}/plan", data=second).status_code == 303
    rows = plan_rows(client, token)
    assert (rows[0]["owner"], rows[0]["due"], rows[0]["status"]) == (
        "Amira Haddad",
        "2027-03-31",
        "Started",
    )
    assert (rows[1]["owner"], rows[1]["status"]) == ("Jan Nowak", "Done")


def test_a_bad_due_date_is_refused_and_nothing_is_saved(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app)
    set_targets(client, token, {"budget": 2})
    form = plan_form(client, token) | {"a1-owner": "Amira", "a1-due": "31.03.2027"}
    response = client.post(f"/a/{token}/plan", data=form)
    assert response.status_code == 400 and "year-month-day" in text(response)
    assert plan_rows(client, token)[0]["owner"] == ""


def test_the_plan_workbook_holds_the_rows_of_the_csv(app: Flask, client: FlaskClient) -> None:
    from openpyxl import load_workbook

    token = submitted(client, app)
    set_targets(client, token, {"budget": 2, "coordination": 3})
    form = plan_form(client, token) | {"a1-owner": '=HYPERLINK("x")', "a1-status": "started"}
    assert client.post(f"/a/{token}/plan", data=form).status_code == 303
    response = client.get(f"/a/{token}/plan.xlsx")
    today = date.today().isoformat()
    assert f"-plan-{today}.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [
        [("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    rows = plan_rows(client, token)
    assert cells[0] == list(rows[0].keys())
    assert [r[2] for r in cells[1:]] == [r["action"] for r in rows]
    assert cells[1][8] == '=HYPERLINK("x")', "kept as text, not a formula"
    assert sheet.cell(row=2, column=9).data_type == "s"


def share(client: FlaskClient, token: str, expires: str = "") -> str:
    page = text(on_results(client, token, "/share", {"expires": expires}))
    found = re.search(r'data-testid="share-link">[^<]*/a/([A-Za-z0-9_-]{43})/results<', page)
    assert found, "the new link is shown once"
    return found.group(1)


EDITS = [
    ("POST", "/targets"),
    ("POST", "/plan"),
    ("POST", "/share"),
    ("POST", "/reassess"),
    ("GET", "/delete"),
    ("GET", "/data.json"),
    ("GET", "/check"),
    ("GET", "/profile"),
    ("GET", "/step/strategy"),
    ("GET", "/activity"),
]


def test_a_share_link_reads_and_changes_nothing(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app)
    set_targets(client, token, {"budget": 2})
    link = share(client, token)
    assert link != token
    reader = app.test_client()  # someone else's browser
    for path in ("/results", "/plan", "/plan.csv", "/plan.xlsx", "/results.csv"):
        assert reader.get(f"/a/{link}{path}").status_code == 200, path
    for path in ("/results", "/plan"):
        page = text(reader.get(f"/a/{link}{path}"))
        assert "<form" not in page, f"an editing control on {path}"
        assert token not in page
    csrf = csrf_token(reader, "/")
    for method, path in EDITS:
        response = reader.open(f"/a/{link}{path}", method=method, data={"csrf_token": csrf})
        assert response.status_code == 404, (method, path)


def test_a_revoked_or_expired_share_link_gives_404(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app)
    link = share(client, token, expires="30")
    assert client.get(f"/a/{link}/results").status_code == 200
    page = text(client.get(f"/a/{token}/results"))
    revoke = re.search(r'action="(/a/[^"]+/share/\d+/revoke)"', page)
    assert revoke
    csrf = csrf_token(client, f"/a/{token}/results")
    assert client.post(revoke.group(1), data={"csrf_token": csrf}).status_code == 303
    assert client.get(f"/a/{link}/results").status_code == 404
    later = share(client, token, expires="30")
    with app.app_context():  # thirty days on
        from web.storage.engine import session
        from web.storage.tables import ShareLinkRow

        row = session().query(ShareLinkRow).filter_by(token_hash=hash_token(later)).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
        session().commit()
    assert client.get(f"/a/{later}/results").status_code == 404
    assert "Expired" in text(client.get(f"/a/{token}/results"))


def repost(client: FlaskClient, app: Flask, token: str, qid: str, value: str) -> None:
    """Change one answer on a re-assessment's page, keeping the page's other answers."""
    with app.app_context():
        page = next(
            d for d in state.rulebook().dimensions if any(q.id == qid for q in d.questions)
        )
    found = stored(app, token)
    form = {q.id: str(found.answers[q.id]) for q in page.questions if q.id in found.answers}
    # a question the change makes apply gets its lowest option, as a cautious city would
    form |= {q.id: q.options[0].value for q in page.questions if q.id not in form and q.options}
    response = post_form(client, f"/a/{token}/step/{page.id}", {**form, qid: value})
    assert response.status_code == 303, text(response)


def test_the_next_assessment_closes_the_loop(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app)
    set_targets(client, token, {"budget": 2, "coordination": 3})
    actions = plan_rows(client, token)
    with app.app_context():
        questions = {q.id: q for d in state.rulebook().dimensions for q in d.questions}
    page = client.get(f"/a/{token}/plan").get_data(as_text=True)
    keys = re.findall(r'data-key="([^"]+)"', page)
    budget = next(
        k for k in keys if k.startswith("budget:") and questions[k.split(":")[1]].kind == "choice"
    )
    _dim, qid, aim = budget.split(":")

    again = client.post(
        f"/a/{token}/reassess", data={"csrf_token": csrf_token(client, f"/a/{token}/results")}
    )
    fresh = re.fullmatch(r".*/a/([A-Za-z0-9_-]{43})/check", again.headers["Location"])
    assert fresh
    new = fresh.group(1)
    repost(client, app, new, qid, aim)
    csrf = csrf_token(client, f"/a/{new}/check")
    assert client.post(f"/a/{new}/submit", data={"csrf_token": csrf}).status_code == 303

    old_plan = text(client.get(f"/a/{token}/plan"))
    assert 'data-testid="plan-later"' in old_plan
    row = old_plan[old_plan.index(f'data-key="{budget}"') :]
    assert "Reached: the answer is now at the aimed-at option" in row[: row.index("</li>")]
    outcomes = [r["next_assessment"] for r in plan_rows(client, token)]
    assert len(outcomes) == len(actions)
    assert set(outcomes) <= {"reached", "moved", "unchanged", "down", "gone"}
    assert outcomes.count("unchanged") >= len(actions) - 2, "only the one answer changed"

    results = text(client.get(f"/a/{new}/results"))
    reached = results[results.index('data-testid="targets-reached"') :]
    new_levels = levels_of(app, new)
    for dimension_id, target in {"budget": 2, "coordination": 3}.items():
        with app.app_context():
            title = text_in(
                next(d.title for d in state.rulebook().dimensions if d.id == dimension_id)
            )
        line = next(li for li in reached.split('data-testid="target-outcome"')[1:] if title in li)
        word = "Reached" if new_levels[dimension_id] >= target else "Not yet"
        assert word in line[: line.index("</li>")], (dimension_id, new_levels[dimension_id])
