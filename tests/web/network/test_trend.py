"""The dashboard's trend (issue 13, deliverable 4): headline indicators and overall levels per
year of assessment, each year a group the publication plan protects like any other."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from network_helpers import BEARER, admin_app

from benchmark.demo import generate_demo_pool
from rules import load_rulebook
from web import storage


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path, demo_pool=False)
    pool = generate_demo_pool(40, 1, load_rulebook())
    # 2023: three cities; 2024: twelve; the other 25 in 2025.
    years = [2023] * 3 + [2024] * 12 + [2025] * 25
    moved = [
        r.model_copy(update={"assessed_on": date(year, 6, 1), "source": "import"})
        for r, year in zip(pool, years, strict=True)
    ]
    with app.app_context():
        storage.add_pool_records(records=moved)
    yield app
    storage.dispose(app)


def test_each_year_shows_its_cities_or_is_withheld(app: Flask) -> None:
    client = app.test_client()
    document = json.loads(client.get("/network/export/aggregates.json", headers=BEARER).data)
    with app.app_context():
        years = Counter(r.assessed_on.year for r in storage.load_pool())
    trend = {row["year"]: row for row in document["trend"]}
    assert set(trend) == set(years)
    assert trend[2023]["suppressed"] and trend[2023]["reason"] == "too_few_cities"
    # 2023 is withheld, so showing both other years beside the total would give it away.
    shown = [y for y in (2024, 2025) if not trend[y]["suppressed"]]
    assert len(shown) <= 1
    for year in shown:
        assert trend[year]["n"] == years[year]
    page = client.get("/network/", headers=BEARER).get_data(as_text=True)
    assert 'data-testid="trend-chart"' in page and 'data-testid="trend-2023"' in page
