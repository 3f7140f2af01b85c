"""Published aggregates cannot tie up the server (issue 12, deliverable 6): computed once per
pool state and filters (a cache that the next change of the pool empties), and rate-limited
per client for everyone who is not signed in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from network_helpers import BEARER, admin_app

from web import storage
from web.network import current

CSV = "/network/export/aggregates.csv"
JSON = "/network/export/aggregates.json"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path, publish_aggregates=True, public_rate_limit="3 per minute")
    yield app
    storage.dispose(app)


def test_anonymous_downloads_are_rate_limited_per_client(app: Flask) -> None:
    client = app.test_client()
    assert [client.get(CSV).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(JSON)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = {"REMOTE_ADDR": "127.0.0.7"}
    assert client.get(CSV, environ_base=other).status_code == 200
    # The secretariat is not limited: it signs in (or sends its token).
    assert all(client.get(CSV, headers=BEARER).status_code == 200 for _ in range(5))


def test_figures_are_computed_once_per_pool_state_and_filters(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    [record] = _one_more(app)
    reads = []
    compute = current._picture
    monkeypatch.setattr(current, "_picture", lambda *a: reads.append(1) or compute(*a))
    client = app.test_client()
    first = client.get(JSON, headers=BEARER).get_json()
    assert client.get(JSON, headers=BEARER).get_json()["groups"] == first["groups"]
    assert len(reads) == 1
    client.get(JSON + "?eu=yes", headers=BEARER)
    assert len(reads) == 2  # other filters: another picture
    client.get(JSON, headers=BEARER)
    assert len(reads) == 2  # back to the first filters: still cached
    with app.app_context():
        storage.add_pool_records(records=[record])
    assert client.get(JSON, headers=BEARER).get_json()["cities"] == first["cities"] + 1
    assert len(reads) == 3


def _one_more(app: Flask):
    with app.app_context():
        record = storage.load_pool()[0]
    profile = record.profile.model_copy(update={"name": "Onemore"})
    return [
        record.model_copy(update={"id": "import-9999", "source": "import", "profile": profile})
    ]
