"""The history of a city's assessments: /a/<token>/history and an earlier one's scores."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import (
    PROFILE,
    csrf_token,
    example_answers,
    fill_everything,
    make_app,
    page_answers,
    post_form,
    start,
    text,
)

from rules import DEFAULT_RULEBOOK, Scorecard
from rules.rounding import shown_score
from web import state, storage
from web.assessment.history import build_history
from web.assessment.trend_chart import TrendValue, trend_chart
from web.tokens import hash_token

TOKEN = re.compile(r"/a/([A-Za-z0-9_-]{43})/")


# --------------------------------------------------------------------------- helpers


def submit(client: FlaskClient, token: str) -> None:
    """Submit from the check-your-answers page."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/check")}
    response = client.post(f"/a/{token}/submit", data=form)
    assert response.status_code == 303, text(response)


def first_assessment(client: FlaskClient, app: Flask) -> str:
    """Start, fill in (the 'established' example) and submit; returns the owner's token."""
    token = start(client)
    fill_everything(client, token, app)
    submit(client, token)
    return token


def reassess(client: FlaskClient, token: str) -> str:
    """Press "Start a new assessment from these answers"; returns the new draft's token."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/results")}
    response = client.post(f"/a/{token}/reassess", data=form)
    assert response.status_code == 303
    found = re.fullmatch(r"/a/([A-Za-z0-9_-]{43})/check", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def answer(client: FlaskClient, app: Flask, token: str, dimension: str, option: int) -> None:
    """Answer every question of a dimension page that always applies with the same option
    (the others as in the example)."""
    with app.app_context():
        page = next(d for d in state.rulebook().dimensions if d.id == dimension)
    example = example_answers()["answers"]
    form = {q.id: str(example[q.id]) for q in page.questions if q.id in example}
    form.update(page_answers(app, dimension, option))
    response = post_form(client, f"/a/{token}/step/{dimension}", form)
    assert response.status_code == 303, text(response)


def card_of(app: Flask, token: str) -> Scorecard:
    """The scorecard stored for ``token`` (the first one, when it was re-scored since)."""
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None and found.scorecard is not None
    first = (found.original or {}).get("scorecard")
    return Scorecard.model_validate(first or found.scorecard)


def three_assessments(client: FlaskClient, app: Flask) -> list[str]:
    """A city that assesses, then re-assesses twice: weaker in budget the second time,
    stronger in staff the third. Returns the three owners' tokens, oldest first."""
    first = first_assessment(client, app)
    second = reassess(client, first)
    answer(client, app, second, "budget", 0)
    submit(client, second)
    third = reassess(client, second)
    answer(client, app, third, "staff", 4)
    submit(client, third)
    return [first, second, third]


def figure(page: str, testid: str) -> str:
    """The markup of the figure ``data-testid=testid``."""
    assert f'data-testid="{testid}"' in page, testid
    return page.split(f'data-testid="{testid}"')[1].split("</figure>")[0]


def chart_values(page: str, dimension: str) -> list[tuple[int, str]]:
    """(assessment number, score shown) of each point of a dimension's trend chart."""
    svg = figure(page, f"trend-{dimension}")
    found = re.findall(r'class="chart__value"[^>]*data-number="(\d+)">([^<]*)</text>', svg)
    return [(int(n), value) for n, value in found]


def table_values(page: str, dimension: str) -> list[tuple[int, str]]:
    """(assessment number, score) of each row of a dimension's table under its chart."""
    table = page.split(f'data-testid="trend-table-{dimension}"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr data-number="(\d+)">.*?data-testid="score">([^<]*)</td>', table, flags=re.S
    )
    return [(int(n), value) for n, value in rows]


def shown(card: Scorecard, dimension: str) -> str:
    score = card.dimension(dimension).score
    return "n/a" if score is None else str(shown_score(score))


def entry_links(page: str) -> dict[int, str]:
    """Assessment number → where its row in the list of assessments links."""
    found = re.findall(r'href="([^"]+)" data-testid="entry-link-(\d+)"', page)
    return {int(n): href for href, n in found}


def share_link(client: FlaskClient, token: str) -> str:
    """Make a read-only link that never expires; returns its token."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/results"), "expires": ""}
    response = client.post(f"/a/{token}/share", data=form)
    assert response.status_code == 200
    found = re.search(
        r'data-testid="share-link">[^<]*/a/([A-Za-z0-9_-]{43})/results<', text(response)
    )
    assert found, "the new link is shown once"
    return found.group(1)


# --------------------------------------------------------------------------- the page


def test_three_assessments_show_three_points_per_dimension_in_order(
    client: FlaskClient, app: Flask
) -> None:
    tokens = three_assessments(client, app)
    cards = [card_of(app, t) for t in tokens]
    latest = tokens[-1]
    results = text(client.get(f"/a/{latest}/results"))
    assert f'href="/a/{latest}/history" data-testid="history-link"' in results

    response = client.get(f"/a/{latest}/history")
    assert response.status_code == 200
    page = text(response)
    assert "History of the assessments of Nordhaven" in page
    with app.app_context():
        dimensions = [d.id for d in state.rulebook().dimensions]
    for dimension in dimensions:
        expected = [(n, shown(card, dimension)) for n, card in enumerate(cards, start=1)]
        assert chart_values(page, dimension) == expected, dimension
        assert table_values(page, dimension) == expected, dimension  # the same figures
    # what changed between the answers shows in the right places
    budget = [int(v) for _n, v in chart_values(page, "budget")]
    staff = [int(v) for _n, v in chart_values(page, "staff")]
    assert budget[1] < budget[0] and budget[2] == budget[1]
    assert staff[2] > staff[1] and staff[1] == staff[0]
    # one rulebook throughout: nothing marked
    assert 'data-testid="rulebook-mark"' not in page and "rulebook-changed" not in page
    assert "chart__trend--changed" not in page
    # the latest links to its results; the earlier ones to their read-only page
    assert entry_links(page) == {
        1: f"/a/{latest}/history/1",
        2: f"/a/{latest}/history/2",
        3: f"/a/{latest}/results",
    }
    for n, card in enumerate(cards, start=1):
        overall = page.split(f'data-testid="overall-{n}">')[1].split("</td>")[0]
        assert overall.startswith(str(shown_score(card.overall_score or 0)))
    assert "<form" not in page  # nothing that edits


def test_an_earlier_assessment_opens_read_only_with_its_own_scores(
    client: FlaskClient, app: Flask
) -> None:
    tokens = three_assessments(client, app)
    first = card_of(app, tokens[0])
    page = text(client.get(f"/a/{tokens[-1]}/history/1"))
    assert "Assessment 1 of 3" in page
    assert "Results for Nordhaven, " in page
    assert 'data-testid="read-only-note"' in page and "<form" not in page
    level = page.split('data-testid="overall-level">')[1].split("</span>")[0]
    assert level == f"{first.overall_level} – {first.overall_level_name}"
    table = page.split('data-testid="dimension-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr data-dimension="([a-z]+)">.*?data-testid="score">([^<]*)</td>', table, flags=re.S
    )
    assert rows == [(d.id, shown(first, d.id)) for d in first.dimensions]
    assert f'href="/a/{tokens[-1]}/history"' in page  # back to the history
    assert 'data-testid="entry-results-link"' not in page  # no results to go to
    for number in (0, 4):
        assert client.get(f"/a/{tokens[-1]}/history/{number}").status_code == 404


def test_an_earlier_link_shows_the_history_up_to_its_own_assessment(
    client: FlaskClient, app: Flask
) -> None:
    tokens = three_assessments(client, app)
    page = text(client.get(f"/a/{tokens[0]}/history"))
    assert entry_links(page) == {1: f"/a/{tokens[0]}/results"}
    assert chart_values(page, "strategy") == [(1, shown(card_of(app, tokens[0]), "strategy"))]
    assert 'data-testid="history-single"' in page


def test_a_draft_reassessment_is_not_in_the_history(client: FlaskClient, app: Flask) -> None:
    tokens = three_assessments(client, app)
    draft = reassess(client, tokens[-1])
    answer(client, app, draft, "networks", 0)  # a draft with other answers: not counted
    for token in (tokens[-1], draft):
        page = text(client.get(f"/a/{token}/history"))
        assert sorted(entry_links(page)) == [1, 2, 3], token
        assert [n for n, _v in chart_values(page, "networks")] == [1, 2, 3]
    page = text(client.get(f"/a/{draft}/history"))
    assert 'data-testid="draft-left-out"' in page
    # none is the draft's own, so each links to its read-only page
    assert entry_links(page) == {n: f"/a/{draft}/history/{n}" for n in (1, 2, 3)}


def test_a_share_link_opens_the_history_read_only(client: FlaskClient, app: Flask) -> None:
    tokens = three_assessments(client, app)
    shared = share_link(client, tokens[-1])
    response = client.get(f"/a/{shared}/history")
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="read-only-note"' in page
    assert "<form" not in page and "csrf_token" not in page
    assert tokens[-1] not in page  # the owner's link never shows
    assert entry_links(page) == {
        1: f"/a/{shared}/history/1",
        2: f"/a/{shared}/history/2",
        3: f"/a/{shared}/results",
    }
    expected = [(n, shown(card_of(app, t), "staff")) for n, t in enumerate(tokens, start=1)]
    assert chart_values(page, "staff") == expected
    assert client.get(f"/a/{shared}/history/2").status_code == 200


def test_a_contributor_link_and_wrong_tokens_give_404(client: FlaskClient, app: Flask) -> None:
    token = start(client)
    fill_everything(client, token, app)
    invited = client.post(
        f"/a/{token}/contributors",
        data={
            "csrf_token": csrf_token(client, f"/a/{token}/check"),
            "name": "Amira Haddad",
            "role": "EU affairs",
        },
    )
    found = re.search(
        r'data-testid="contributor-link">[^<]*/a/([A-Za-z0-9_-]{43})<', text(invited)
    )
    assert found
    submit(client, token)
    assert client.get(f"/a/{token}/history").status_code == 200
    for wrong in (found.group(1), "A" * 43, "short"):
        assert client.get(f"/a/{wrong}/history").status_code == 404, wrong
        assert client.get(f"/a/{wrong}/history/1").status_code == 404, wrong


def test_a_new_draft_has_an_empty_history(client: FlaskClient) -> None:
    token = start(client)
    page = text(client.get(f"/a/{token}/history"))
    assert 'data-testid="history-empty"' in page and "<svg" not in page.split("<main")[1]


# --------------------------------------------------------------------------- rulebook change


def _newer_edition(tmp_path: Path) -> Path:
    """The shipped rulebook as version 2.1.0 (same questions, another version)."""
    copy = tmp_path / "rulebook-2.1"
    shutil.copytree(DEFAULT_RULEBOOK, copy)
    manifest = copy / "rulebook.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("version: 2.0.0", "version: 2.1.0"))
    (copy / "migration.yaml").unlink()
    return copy


def test_a_rulebook_change_is_marked_on_the_charts_and_in_the_tables(tmp_path: Path) -> None:
    old_app = make_app(tmp_path)
    client = old_app.test_client()
    token = first_assessment(client, old_app)
    storage.dispose(old_app)

    new_app = make_app(tmp_path, rulebook_path=_newer_edition(tmp_path))
    try:
        client = new_app.test_client()
        later = reassess(client, token)
        submit(client, later)
        before, after = card_of(new_app, token), card_of(new_app, later)
        assert (before.rulebook_version, after.rulebook_version) == ("2.0.0", "2.1.0")
        page = text(client.get(f"/a/{later}/history"))
        with new_app.app_context():
            dimensions = [d.id for d in state.rulebook().dimensions]
        for dimension in dimensions:
            svg = figure(page, f"trend-{dimension}")
            marks = re.findall(r'data-testid="rulebook-mark">([^<]*)<', svg)
            assert marks == ["new rulebook 2.1.0"], dimension
            assert svg.count("chart__trend--changed") == 1
            table = page.split(f'data-testid="trend-table-{dimension}"')[1].split("</table>")[0]
            row_two = table.split('<tr data-number="2">')[1]
            assert 'data-testid="rulebook-changed">new rulebook 2.1.0<' in row_two
            assert "rulebook-changed" not in table.split('<tr data-number="2">')[0]
        entries = page.split('data-testid="history-entries"')[1].split("</table>")[0]
        assert entries.count('data-testid="rulebook-changed"') == 1
    finally:
        storage.dispose(new_app)


# --------------------------------------------------------------------------- the view model


def _stored(number: int, card: dict[str, Any], **fields: Any) -> storage.StoredAssessment:
    now = datetime(2024 + number, 3, 1, tzinfo=UTC).replace(tzinfo=None)
    values: dict[str, Any] = {
        "id": number,
        "created_at": now,
        "updated_at": now,
        "submitted_at": now,
        "status": "submitted",
        "profile": dict(PROFILE),
        "sharing": "anonymous",
        "answers": {},
        "notes": {},
        "rulebook_id": card["rulebook_id"],
        "rulebook_version": card["rulebook_version"],
        "rulebook_hash": card["rulebook_hash"],
        "scorecard": card,
        "previous_id": number - 1 or None,
    }
    values.update(fields)
    return storage.StoredAssessment(**values)


@pytest.mark.parametrize("rescored", [False, True])
def test_the_history_shows_the_first_stored_scorecard(
    client: FlaskClient, app: Flask, rescored: bool
) -> None:
    """Expert expectation: an assessment re-scored after an upgrade is shown with the result
    the city saw when it submitted, and says under which rulebook it was scored again."""
    token = first_assessment(client, app)
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None and found.scorecard is not None
    first = dict(found.scorecard)
    rescore = {
        **first,
        "rulebook_version": "3.0.0",
        "overall_score": 1.0,
        "dimensions": [{**d, "score": 1.0} for d in first["dimensions"]],
    }
    older = _stored(
        1,
        rescore if rescored else first,
        original={"scorecard": first, "answers": {}} if rescored else None,
    )
    newer = _stored(2, first, status="draft", submitted_at=None)
    history = build_history([older, newer], own_id=2)
    assert history.draft_left_out and len(history.entries) == 1
    entry = history.entries[0]
    assert entry.card.rulebook_version == "2.0.0"
    assert entry.card.overall_score == first["overall_score"]
    assert entry.rescored_under == ("3.0.0" if rescored else None)
    assert [v.score for v in history.dimensions[0].values] == [first["dimensions"][0]["score"]]


def test_the_trend_chart_breaks_the_line_where_there_is_no_score() -> None:
    """A dimension without a score (all N/A, or not in that rulebook) has no point and no
    line to or from it; with six assessments the months no longer fit under the numbers."""
    day = datetime(2025, 5, 1, tzinfo=UTC).date()
    scores = [40.0, None, 50.0, 60.0, 70.0, 80.0]
    values = [
        TrendValue(n, day, s, None if s is None else 3, None, "2.0.0", n == 5)
        for n, s in enumerate(scores, start=1)
    ]
    chart = trend_chart(values)
    assert [p.y is None for p in chart.points] == [s is None for s in scores]
    assert len(chart.segments) == 3  # 3→4, 4→5 (dashed: a new rulebook), 5→6
    assert [s.across_rulebooks for s in chart.segments] == [False, True, False]
    assert not chart.show_dates
    (mark,) = chart.marks
    assert chart.points[3].x < mark.x < chart.points[4].x
    # right of the middle: the label ends at the upright, so it stays inside the chart
    assert mark.anchor == "end" and mark.label_x < mark.x
    assert all(0 <= p.x <= chart.width for p in chart.points)
