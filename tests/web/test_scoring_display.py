"""What the results and question pages say about scoring (issue 10): level descriptions beside
level names, the floor's cap, one rounding rule, sources, and the "how scoring works" page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, make_app, start, text

from rules import Rulebook, Scorecard, level_for, text_in
from web import state, storage
from web.assessment.flow import prune_answers
from web.tokens import hash_token


@pytest.fixture()
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, demo_pool=False)


def _book(app: Flask) -> Rulebook:
    with app.app_context():
        return state.rulebook()


def _answers(book: Rulebook, rung: dict[str, int], default: int) -> dict[str, Any]:
    """Every question at option index ``rung[dimension]`` (or ``default``); a number question
    gets the least number of that option."""
    answers: dict[str, Any] = {}
    for dimension in book.dimensions:
        for question in dimension.questions:
            option = question.options[
                min(rung.get(dimension.id, default), len(question.options) - 1)
            ]
            answers[question.id] = option.min if question.kind == "number" else option.value
    return prune_answers(book, answers)  # follow-ups that do not apply are not answered


def _submit_via_api(
    client: FlaskClient, answers: dict[str, Any], book: Rulebook, *, may_refuse: bool = False
) -> str:
    """The results path of a new submitted assessment; "" when refused and ``may_refuse``."""
    body = {
        "rulebook": book.id,
        "answers": answers,
        "profile": {**{k: PROFILE[k] for k in ("name", "country")}, "population": 900000},
        "sharing": "private",
    }
    response = client.post("/api/v1/assessments", json=body)
    if may_refuse and response.status_code == 422:
        return ""
    assert response.status_code == 201, response.get_json()
    results = response.get_json()["links"]["results"]
    return urlsplit(results).path


def _top_without_strategy_or_monitoring(book: Rulebook) -> dict[str, Any]:
    """The issue's counter-example: leading everywhere else, no strategy, nothing monitored
    (and so, as the consistency rules insist, an annual report without results)."""
    answers = _answers(book, {"strategy": 0, "monitoring": 0}, default=4)
    return {**answers, "stakeholders.public_reporting": "annual_report"}


def test_a_city_without_a_strategy_sees_why_its_overall_level_is_held(app: Flask) -> None:
    client = app.test_client()
    book = _book(app)
    path = _submit_via_api(client, _top_without_strategy_or_monitoring(book), book)
    page = text(client.get(path))
    assert 'data-testid="overall-capped"' in client.get(path).get_data(as_text=True)
    assert "but the overall level is held at 2" in page
    assert f"at most {book.floor_margin} above your weakest" in page


def _stored_card(app: Flask, path: str) -> Scorecard:
    token = path.split("/")[2]
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None and found.scorecard is not None
    return Scorecard.model_validate(found.scorecard)


def test_each_level_is_shown_with_its_description(app: Flask) -> None:
    client = app.test_client()
    book = _book(app)
    path = _submit_via_api(client, _answers(book, {}, default=2), book)
    html = client.get(path).get_data(as_text=True)
    card = _stored_card(app, path)
    overall = re.search(r'data-testid="overall-level-description">([^<]+)<', html)
    assert overall is not None and card.overall_level_description
    assert overall.group(1).strip()[:40] in card.overall_level_description.replace("'", "&#39;")
    for dim in card.dimensions:
        assert dim.level_description, dim.id
        shown = re.search(rf'data-testid="level-description-{dim.id}">([^<]+)<', html)
        assert shown is not None, dim.id


def _shown_scores(html: str) -> dict[str, tuple[int, int]]:
    """Dimension title → (score, level) as the table shows them."""
    rows = re.findall(
        r'<th scope="row">([^<]+)(?:<br>(?:(?!</th>).)*)?</th>'  # the title, then evidence
        r'\s*<td class="table__cell--numeric">(\d+)</td>\s*<td>(\d) –',
        html,
    )
    return {title: (int(score), int(level)) for title, score, level in rows}


def test_no_shown_score_contradicts_its_level(app: Flask) -> None:
    """Over many mixes of answers, a score shown at or above a threshold never sits beside a
    lower level unless a gate explains it, and below a threshold never beside a higher one."""
    client = app.test_client()
    book = _book(app)
    seen = 0
    for mix in range(40):
        rung = {d.id: (mix * 7 + n * 3) % 5 for n, d in enumerate(book.dimensions)}
        path = _submit_via_api(client, _answers(book, rung, default=2), book, may_refuse=True)
        if not path:
            continue  # a mix the consistency rules refuse
        card = _stored_card(app, path)
        shown = _shown_scores(client.get(path).get_data(as_text=True))
        for dim in card.dimensions:
            score, level = shown[text_in(dim.title)]
            assert level == dim.level
            if dim.capped_by is None:
                assert level == level_for(book.levels, score), (dim.id, score, level)
            else:
                assert level < level_for(book.levels, score)
            seen += 1
    assert seen >= 200


def test_the_csv_download_shows_the_same_whole_numbers(app: Flask) -> None:
    client = app.test_client()
    book = _book(app)
    path = _submit_via_api(client, _answers(book, {"staff": 1, "eu": 3}, default=2), book)
    card = _stored_card(app, path)
    rows = list(csv.DictReader(io.StringIO(client.get(path + ".csv").get_data(as_text=True))))
    assert {r["dimension_id"]: r["score"] for r in rows} == {
        d.id: str(int(d.score)) for d in card.dimensions if d.score is not None
    }


def test_every_question_page_names_its_source(app: Flask) -> None:
    client = app.test_client()
    book = _book(app)
    token = start(client)
    for dimension in book.dimensions:
        page = text(client.get(f"/a/{token}/step/{dimension.id}"))
        for question in dimension.questions:
            assert f"Source: {question.source}" in page, question.id
            assert str(question.source) != question.source.ref  # the reference, not its key


def test_how_scoring_works_shows_the_live_rules(app: Flask) -> None:
    client = app.test_client()
    book = _book(app)
    response = client.get("/how-scoring-works")
    assert response.status_code == 200
    page = text(response)
    for level in book.levels:
        assert f"{level.level} – {text_in(level.name)}" in page
        assert f"{int(level.min_score)}–" in page
    for dimension in book.dimensions:
        for gate in dimension.gates:
            assert text_in(gate.reason) in page, dimension.id
    assert f"at most {book.floor_margin} above the floor" in page


def test_every_results_page_links_how_scoring_works(app: Flask) -> None:
    client = app.test_client()
    book = _book(app)
    path = _submit_via_api(client, _answers(book, {}, default=1), book)
    html = client.get(path).get_data(as_text=True)
    assert 'href="/how-scoring-works" data-testid="how-scoring-link"' in html
