"""Rate limits on the API's writes: per operation, per client address, 429 in the error shape."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import assert_error, create_body, make_api_app, score_body
from flask import Flask

from web import storage
from web.api.routes import OPERATIONS
from web.errors import StartupError


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Flask]:
    """Two scores and one creation a minute; the site's own form limit is tiny too."""
    app = make_api_app(
        tmp_path,
        api_score_rate_limit="2 per minute",
        api_write_rate_limit="1 per minute",
        write_rate_limit="1 per hour",
    )
    yield app
    storage.dispose(app)


def test_scoring_over_its_limit_gets_429_with_retry_after(limited: Flask) -> None:
    client = limited.test_client()
    for _ in range(2):
        assert client.post("/api/v1/score", json=score_body()).status_code == 200
    response = client.post("/api/v1/score", json=score_body())
    body = assert_error(response, 429)
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["error"]["message"] == (
        "Too many requests: the limit here is 2 per minute per client address. "
        f"Try again in {retry_after} second{'s' * (retry_after != 1)}."
    )


def test_each_write_has_its_own_limit(limited: Flask) -> None:
    client = limited.test_client()
    assert client.post("/api/v1/assessments", json=create_body()).status_code == 201
    assert_error(client.post("/api/v1/assessments", json=create_body()), 429)
    # Scoring counts apart, and refused requests count too (no free retries of bad bodies).
    assert client.post("/api/v1/score", json={}).status_code == 422
    assert client.post("/api/v1/score", json=score_body()).status_code == 200
    assert_error(client.post("/api/v1/score", json=score_body()), 429)


#: A value for each path parameter: the requests are refused (404, 422), and count all the same.
PATH_VALUES = {
    "token": "A" * 43,
    "contributor_id": "1",
    "question_id": "strategy.document",
    "dimension_id": "staff",
    "key": "strategy:strategy.document:adopted",
}


def test_every_write_has_its_own_limit(limited: Flask) -> None:
    client = limited.test_client()
    writes = [spec for spec in OPERATIONS if spec.rate_limit == "api_write_rate_limit"]
    assert len(writes) == 13
    for spec in writes:
        path = spec.path
        for name in spec.path_parameters:
            path = path.replace(f"{{{name}}}", PATH_VALUES[name])
        body = {} if spec.body is not None else None
        first = client.open(path, method=spec.method, json=body)
        assert first.status_code != 429, spec.operation_id
        assert_error(client.open(path, method=spec.method, json=body), 429)


def test_reads_are_not_limited(limited: Flask) -> None:
    client = limited.test_client()
    for _ in range(5):
        assert client.get("/api/v1/rulebook").status_code == 200


def test_limits_count_per_client_address(limited: Flask) -> None:
    client = limited.test_client()
    assert client.post("/api/v1/assessments", json=create_body()).status_code == 201
    other = {"REMOTE_ADDR": "192.0.2.7"}
    response = client.post("/api/v1/assessments", json=create_body(), environ_base=other)
    assert response.status_code == 201


def test_site_form_limit_does_not_apply_to_the_api(limited: Flask) -> None:
    client = limited.test_client()
    # The form limit is 1 an hour: the API's own limits (2 scores) are what count here.
    assert client.post("/api/v1/score", json=score_body()).status_code == 200
    assert client.post("/api/v1/score", json=score_body()).status_code == 200


@pytest.mark.parametrize("value", ["0 per minute", "often", ""])
def test_a_bad_limit_stops_start_up(tmp_path: Path, value: str) -> None:
    with pytest.raises(StartupError, match="CITYDIP_API_WRITE_RATE_LIMIT"):
        make_api_app(tmp_path, api_write_rate_limit=value)


def test_counters_live_in_memory_by_default(limited: Flask) -> None:
    from limits.storage import MemoryStorage

    assert isinstance(limited.extensions["citydip.api.limits"].limiter.storage, MemoryStorage)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("nowhere://", "CITYDIP_RATELIMIT_STORAGE_URI"),
        ("localhost:6379", "CITYDIP_RATELIMIT_STORAGE_URI"),
    ],
)
def test_a_bad_storage_uri_stops_start_up(tmp_path: Path, uri: str, message: str) -> None:
    with pytest.raises(StartupError, match=message):
        make_api_app(tmp_path, ratelimit_storage_uri=uri)


def test_a_storage_without_its_client_library_stops_start_up(tmp_path: Path) -> None:
    if importlib.util.find_spec("pymemcache") is not None:  # pragma: no cover
        pytest.skip("the memcached client is installed here")
    with pytest.raises(StartupError, match="CITYDIP_RATELIMIT_STORAGE_URI=memcached://"):
        make_api_app(tmp_path, ratelimit_storage_uri="memcached://localhost:11211")
