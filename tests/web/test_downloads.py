"""Downloads keep the city's name (issue 15, part 7): ``gdańsk-results-2026-12-02.csv`` with
RFC 6266's ``filename*`` and a plain fallback; every row of the results CSV says whose it is."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, fill_everything, post_form, start

from web.downloads import attachment, city_file_name

DAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        ("Gdańsk", "gdańsk-results-2026-12-02.csv"),
        ("Saint-Étienne", "saint-étienne-results-2026-12-02.csv"),
        ("Frankfurt am Main", "frankfurt-am-main-results-2026-12-02.csv"),
        ("Київ", "київ-results-2026-12-02.csv"),
        ('A/B\\C:"*?<>|', "a-b-c-results-2026-12-02.csv"),
        ("../../etc/passwd", "etc-passwd-results-2026-12-02.csv"),
        ("", "citydip-results-2026-12-02.csv"),
    ],
)
def test_file_names_keep_the_city_and_nothing_unsafe(city: str, expected: str) -> None:
    assert city_file_name(city, "results", DAY, "csv") == expected


def test_the_header_carries_the_name_in_utf8_with_an_ascii_fallback() -> None:
    header = attachment("gdańsk-results-2026-12-02.csv")["Content-Disposition"]
    plain, encoded = header.split("; filename*=UTF-8''")
    assert plain == 'attachment; filename="gdansk-results-2026-12-02.csv"'
    assert unquote(encoded) == "gdańsk-results-2026-12-02.csv"
    assert header.isascii()


def test_every_csv_row_says_whose_results_and_the_file_is_named_after_the_city(
    client: FlaskClient, app: Flask
) -> None:
    token = start(client)
    fill_everything(client, token, app)
    renamed = post_form(
        client, f"/a/{token}/profile", {**PROFILE, "name": "Gdańsk", "country": "PL"}
    )
    assert renamed.status_code == 303
    csrf = csrf_token(client, f"/a/{token}/check")
    assert client.post(f"/a/{token}/submit", data={"csrf_token": csrf}).status_code == 303
    response = client.get(f"/a/{token}/results.csv")
    today = date.today().isoformat()
    assert (
        f"filename*=UTF-8''gda%C5%84sk-results-{today}.csv"
        in response.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 10
    for row in rows:
        assert (row["city"], row["assessed_on"]) == ("Gdańsk", today)
        assert row["rulebook_version"] and row["overall_score"].isdigit()
        assert row["overall_level"].isdigit()
