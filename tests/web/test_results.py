"""The results page, its downloads, and the peer pool behind it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import (
    DEMO_SIZE,
    PROFILE,
    csrf_token,
    fill_everything,
    make_app,
    post_form,
    start,
    text,
)

from web import storage


def submitted(
    client: FlaskClient, app: Flask, sharing: str = "anonymous", name: str = PROFILE["name"]
) -> str:
    """Start, fill in and submit an assessment (of the city ``name``); returns its token."""
    token = start(client)
    fill_everything(client, token, app)
    post_form(client, f"/a/{token}/profile", {**PROFILE, "name": name, "sharing": sharing})
    response = client.post(
        f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert response.status_code == 303
    return token


def test_results_show_levels_chart_table_trace_and_steps(client: FlaskClient, app: Flask) -> None:
    token = submitted(client, app)
    page = text(client.get(f"/a/{token}/results"))
    assert page.count("<h1") == 1
    assert "Lowest level in any dimension (the floor): 3" in page
    svg = page.split('<svg class="chart__svg"')[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">' in svg
    assert svg.count("<rect") == 10
    assert "style=" not in svg
    assert 'data-testid="dimension-table"' in page
    assert '<th scope="row">Staff and skills</th>' in page
    assert page.count('data-testid="trace-') == 10  # one "why this score" per dimension
    assert "A strategy was adopted, or reviewed and re-adopted, within the last five years" in page
    assert "4 / 4" in page
    assert 'data-testid="next-steps"' in page
    assert "Write international objectives into the city plan itself" in page


def test_results_show_demo_peers_in_three_modes(client: FlaskClient, app: Flask) -> None:
    token = submitted(client, app)
    page = text(client.get(f"/a/{token}/results"))
    assert f"Compared with {DEMO_SIZE} other cities in the pool." in page
    for section in ("peers-comparable", "peers-same-stage"):
        block = page.split(f'data-testid="{section}"')[1].split("</ol>")[0]
        assert block.count('data-testid="peer"') == 10
        assert block.count("(demo data)") == 10
        assert "same region" in block or "another region" in block
    assert 'id="peers-learn-from"' in page
    assert re.search(r'data-testid="peers-learn-from-[a-z]+"', page)
    assert 'data-testid="demo-notice"' in page
    assert 'id="advice"' in page


def test_city_never_appears_as_its_own_peer(client: FlaskClient, app: Flask) -> None:
    token = submitted(client, app, sharing="named")
    page = text(client.get(f"/a/{token}/results"))
    peers = page.split('id="peers"')[1].split('id="advice"')[0]
    assert "Nordhaven" not in peers


def test_named_city_joins_the_pool_and_others_see_its_name(
    client: FlaskClient, app: Flask
) -> None:
    submitted(client, app, sharing="named")
    # Another city (one city's two assessments are one peer: issue 11).
    other = submitted(client, app, sharing="private", name="Sudmark")
    page = text(client.get(f"/a/{other}/results"))
    assert f"Compared with {DEMO_SIZE + 1} other cities in the pool." in page
    assert "Nordhaven" in page.split('id="peers"')[1]


def test_anonymous_city_is_described_not_named(client: FlaskClient, app: Flask) -> None:
    submitted(client, app, sharing="anonymous")
    other = submitted(client, app, sharing="private", name="Sudmark")
    peers = text(client.get(f"/a/{other}/results")).split('id="peers"')[1]
    assert "Nordhaven" not in peers
    assert "a city of 0.5–1M in Western Europe" in peers


def test_private_city_stays_out_of_the_pool(client: FlaskClient, app: Flask) -> None:
    submitted(client, app, sharing="private")
    with app.app_context():
        assert storage.pool_size() == DEMO_SIZE


def test_json_download(client: FlaskClient, app: Flask) -> None:
    token = submitted(client, app)
    response = client.get(f"/a/{token}/results.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    today = date.today().isoformat()
    disposition = response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''nordhaven-results-{today}.json" in disposition
    assert f'filename="nordhaven-results-{today}.json"' in disposition
    body = json.loads(response.get_data(as_text=True))
    assert body["city"] == "Nordhaven" and body["assessed_on"] == today
    assert body["overall_level"] == 4 and body["overall_score"] is not None
    assert body["rulebook_version"] == body["scorecard"]["rulebook_version"]
    assert body["profile"]["name"] == "Nordhaven"
    assert body["profile"]["region"] == "Western Europe"
    assert body["scorecard"]["overall_level"] == 4
    assert len(body["scorecard"]["dimensions"]) == 10


def test_csv_download_has_one_row_per_dimension(client: FlaskClient, app: Flask) -> None:
    token = submitted(client, app)
    response = client.get(f"/a/{token}/results.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["dimension_id"] for r in rows][:3] == ["strategy", "institutions", "staff"]
    assert len(rows) == 10
    assert rows[0]["level_name"] == "Established"


def test_print_stylesheet_is_linked(client: FlaskClient, app: Flask) -> None:
    token = submitted(client, app)
    page = text(client.get(f"/a/{token}/results"))
    assert 'href="/static/print.css" media="print"' in page
    response = client.get("/static/print.css")
    assert response.status_code == 200
    response.close()


def test_empty_pool_says_so(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo_pool=False)
    try:
        client = app.test_client()
        token = submitted(client, app, sharing="private")
        page = text(client.get(f"/a/{token}/results"))
        assert "There are no other cities in the pool yet." in page
    finally:
        storage.dispose(app)


def test_next_steps_show_one_per_dimension_first() -> None:
    from rules import NextStep
    from web.assessment.results import split_steps

    def step(dimension: str, question: str) -> NextStep:
        return NextStep(
            dimension=dimension,
            question=question,
            current=None,
            target="x",
            gain=1,
            lifts_gate=False,
            advice="do it",
        )

    steps = [step("a", "a.1"), step("a", "a.2"), step("b", "b.1"), step("b", "b.2")]
    first, more = split_steps(steps)
    assert [s.question for s in first] == ["a.1", "b.1"]
    assert [s.question for s in more] == ["a.2", "b.2"]
