"""The network dashboard and the open-data aggregates, on the default 300-city demo pool."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import BEARER, admin_app, sign_in, submit_assessment
from web_helpers import csrf_token, text

from benchmark.aggregates import filter_pool, level_distribution
from rules import load_rulebook
from web import storage

#: The figures the demo pool is calibrated to: within this many percentage points.
TOLERANCE_PP = 3


@pytest.fixture(scope="module")
def demo300(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with the default demo pool (300 cities), shared by the read-only tests here."""
    app = admin_app(tmp_path_factory.mktemp("dashboard"), demo_pool_size=300)
    yield app
    storage.dispose(app)


@pytest.fixture
def signed_in(demo300: Flask) -> FlaskClient:
    """A client signed in to the network pages."""
    client = demo300.test_client()
    sign_in(client)
    return client


def _row(page: str, indicator: str) -> str:
    return page.split(f'data-testid="headline-{indicator}"')[1].split("</tr>")[0]


def test_headline_indicators_match_the_published_figures_each_with_its_source(
    signed_in: FlaskClient,
) -> None:
    page = text(signed_in.get("/network/"))
    book = load_rulebook()
    assert len(book.indicators) == 4
    for indicator in book.indicators:
        row = _row(page, indicator.id)
        share = float(re.match(r'\s*data-share="([0-9.]+)"', row).group(1))  # type: ignore[union-attr]
        latest = max(indicator.references, key=lambda r: r.year)
        assert abs(share - latest.share) * 100 <= TOLERANCE_PP, (indicator.id, share)
        assert re.search(r"of 300 cities", row)
        for reference in indicator.references:
            shown = f"{reference.share * 100:.0f}% in {reference.year}"
            assert shown in row
            assert f"Source: {reference.source}" in row
    training = _row(page, "staff_training")
    assert "19% in 2018" in training and "57% in 2024" in training


def test_counts_of_cities_and_assessments_with_demo_data_marked(
    signed_in: FlaskClient,
) -> None:
    page = text(signed_in.get("/network/"))
    assert "300 cities in the pool." in page
    assert 'data-testid="demo-count">300 demo cities' in page
    assert 'data-testid="demo-warning"' in page
    assert "On this service: 0 assessments submitted" in page


def test_level_distribution_is_an_accessible_svg_with_a_table(signed_in: FlaskClient) -> None:
    page = text(signed_in.get("/network/"))
    chart = page.split('data-testid="levels-chart"')[1]
    svg = chart.split('<svg class="chart__svg')[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="levels-title levels-desc"' in svg
    assert '<title id="levels-title">' in svg
    assert "style=" not in page
    assert svg.count('class="chart__label"') == 10
    table = page.split('data-testid="levels-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 11  # header and ten dimensions
    counts = [int(n) for n in re.findall(r'numeric">(\d+)</td>', table)]
    assert counts[0] == 300  # cities assessed in the first dimension


def test_filters_narrow_the_figures(signed_in: FlaskClient, demo300: Flask) -> None:
    with demo300.app_context():
        pool = storage.load_pool()
    band = "1–5M"
    expected = len(filter_pool(pool, size_band=band, eu_member=True))
    page = text(signed_in.get("/network/", query_string={"size_band": band, "eu": "yes"}))
    assert f"{expected} of the 300 cities in the pool match the filters." in page
    assert f'<option value="{band}" selected>' in page
    assert 'href="/network/export/aggregates.csv?size_band=' in page


def test_excluding_demo_data_leaves_no_city_and_suppresses_every_figure(
    signed_in: FlaskClient,
) -> None:
    page = text(signed_in.get("/network/?exclude_demo=1"))
    assert "0 of the 300 cities in the pool match the filters." in page
    assert "Demo cities are left out." in page
    headline = page.split('data-testid="headline-table"')[1].split("</table>")[0]
    assert headline.count('data-suppressed="true"') == 4
    pool_cells = re.findall(r'numeric">(.*?)</td>', headline, re.S)
    assert len(pool_cells) == 4
    assert all("fewer than 5 cities" in cell and "%" not in cell for cell in pool_cells)


def test_small_groups_are_suppressed(signed_in: FlaskClient, demo300: Flask) -> None:
    with demo300.app_context():
        pool = storage.load_pool()
    small = next(
        region
        for region in sorted({r.profile.region for r in pool})
        if 0 < len(filter_pool(pool, region=region)) < 5
    )
    page = text(signed_in.get("/network/", query_string={"region": small}))
    assert page.count('data-suppressed="true"') >= 4
    assert "fewer than 5 cities" in page
    aggregates = json.loads(signed_in.get(f"/network/export/aggregates.json?region={small}").data)
    overall = aggregates["groups"][0]
    assert overall["suppressed"] and overall["n"] is None
    assert all(cell["share"] is None for cell in overall["indicators"])
    assert all(row["suppressed"] for row in aggregates["level_distribution"])


def test_unknown_filter_values_are_reported(signed_in: FlaskClient) -> None:
    response = signed_in.get("/network/?region=Atlantis&size_band=huge&eu=maybe")
    assert response.status_code == 400
    page = text(response)
    for message in ("Choose a region from the list", "Choose a size from the list"):
        assert message in page
    assert "300 cities in the pool." in page  # the figures for no filter at all
    assert signed_in.get("/network/export/aggregates.csv?region=Atlantis").status_code == 400


def test_open_data_aggregates_json_and_csv(signed_in: FlaskClient) -> None:
    document = json.loads(signed_in.get("/network/export/aggregates.json").data)
    assert document["open_data"] is True
    assert document["licence"] == "CC BY 4.0"
    assert "fewer than 5 cities" in document["suppression"]
    assert document["cities"] == 300 and document["demo_cities"] == 300
    assert [i["id"] for i in document["indicators"]] == [i.id for i in load_rulebook().indicators]
    assert document["indicators"][1]["references"][0]["year"] == 2018
    rows = list(csv.DictReader(io.StringIO(signed_in.get("/network/export/aggregates.csv").text)))
    office = next(r for r in rows if r["group"] == "all cities")
    assert office["indicator"] == "international_office"
    assert office["n"] == "300" and office["licence"] == "CC BY 4.0"
    assert office["includes_demo_data"] == "yes"
    groupings = {"overall", "region", "size_band", "eu_member", "year"}  # year: the trend
    assert {r["grouping"] for r in rows} == groupings
    assert [row["year"] for row in document["trend"]] == sorted(
        {int(r["group"]) for r in rows if r["grouping"] == "year"}
    )
    for row in rows:
        if row["suppressed"] == "yes":
            assert row["met"] == row["n"] == row["share"] == ""


def test_assessment_counts_include_re_assessments(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    app = admin_app(tmp_path_factory.mktemp("counts"), demo_pool=False)
    try:
        client = app.test_client()
        token = submit_assessment(client, app)
        form = {"csrf_token": csrf_token(client, f"/a/{token}/results")}
        assert client.post(f"/a/{token}/reassess", data=form).status_code == 303
        page = text(client.get("/network/", headers=BEARER))
        assert "1 assessment submitted (0 of them re-assessments) and 1 in progress" in page
    finally:
        storage.dispose(app)


def test_level_distribution_counts_and_suppression() -> None:
    from benchmark.demo import generate_demo_pool

    book = load_rulebook()
    pool = generate_demo_pool(12, 3, book)
    rows = level_distribution(pool, ["strategy", "nowhere"], [1, 2, 3, 4, 5])
    assert rows[0].n == 12 and sum(rows[0].counts.values()) == 12  # type: ignore[union-attr]
    assert rows[1].suppressed and rows[1].counts is None
    few = level_distribution(pool[:4], ["strategy"], [1, 2, 3, 4, 5])
    assert few[0].suppressed and few[0].n is None
