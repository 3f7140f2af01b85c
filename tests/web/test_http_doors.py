"""HTTP doors (issue 12, deliverable 6): 405 pages say which methods are allowed, API bodies
must be the documented application/json, and absolute links come from the configured public
address, never from a client's Host header."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import example_answers, make_app, start, text


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/"), ("PUT", "/privacy")])
def test_an_html_405_names_the_allowed_methods(tmp_path: Path, method: str, path: str) -> None:
    client = make_app(tmp_path, demo_pool=False).test_client()
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "content_type",
    ["application/vnd.other+json", "text/plain", "application/x-www-form-urlencoded"],
)
def test_api_bodies_outside_the_documented_type_get_415(tmp_path: Path, content_type: str) -> None:
    client = make_app(tmp_path, demo_pool=False).test_client()
    response = client.post("/api/v1/score", data="{}", content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    charset = client.post(
        "/api/v1/score", data="{}", content_type="application/json; charset=utf-8"
    )
    assert charset.status_code == 422  # the type is right; the empty body is not


def _create(client, host: str):
    data = example_answers()
    body = {
        "rulebook": data["rulebook"],
        "answers": data["answers"],
        "profile": {"name": "Aldburg", "country": "DE", "population": 400000},
    }
    return client.post("/api/v1/assessments", json=body, headers={"Host": host})


def test_absolute_links_use_the_public_url_not_the_host_header(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo_pool=False, public_url="https://citydip.example.org/")
    client = app.test_client()
    created = _create(client, "evil.example")
    assert created.status_code == 201
    assert created.headers["Location"].startswith("https://citydip.example.org/api/v1/")
    links = created.get_json()["links"].values()
    assert all(link.startswith("https://citydip.example.org/") for link in links)
    page = text(client.get(f"/a/{start(client)}/profile", headers={"Host": "evil.example"}))
    assert "evil.example" not in page


def test_a_public_url_must_be_an_address(tmp_path: Path) -> None:
    from web.errors import StartupError

    with pytest.raises(StartupError, match="CITYDIP_PUBLIC_URL"):
        make_app(tmp_path, demo_pool=False, public_url="citydip.example.org")
