"""Round trip: the full export of one instance, imported into a fresh one, gives the same
aggregates."""

from __future__ import annotations

import json
import re
from pathlib import Path

from network_helpers import BEARER, admin_app, pool_count, sign_in, submit_assessment, upload
from web_helpers import DEMO_SIZE, text

from web import storage


def _aggregates(client: object, query: str = "") -> dict[str, object]:
    response = client.get(f"/network/export/aggregates.json{query}", headers=BEARER)  # type: ignore[attr-defined]
    assert response.status_code == 200
    document: dict[str, object] = json.loads(response.data)
    document.pop("generated_on")
    return document


def test_export_import_into_a_fresh_instance_gives_identical_aggregates(tmp_path: Path) -> None:
    first = admin_app(tmp_path / "a")
    fresh = admin_app(tmp_path / "b", demo_pool=False)
    try:
        a = first.test_client()
        submit_assessment(a, first, sharing="named")  # a record with an id the app gives
        exported = a.get("/network/export/pool.jsonl", headers=BEARER)
        assert exported.mimetype == "application/x-ndjson"
        assert len(exported.data.splitlines()) == DEMO_SIZE + 1

        b = fresh.test_client()
        sign_in(b)
        assert pool_count(fresh) == 0
        done = upload(b, exported.data, "citydip-pool.jsonl")
        assert done.status_code == 303, text(done)
        assert pool_count(fresh) == DEMO_SIZE + 1

        for query in ("", "?exclude_demo=1", "?eu=yes"):
            assert _aggregates(b, query) == _aggregates(a, query)
        csv_a = a.get("/network/export/aggregates.csv", headers=BEARER).data
        assert b.get("/network/export/aggregates.csv", headers=BEARER).data == csv_a
        with fresh.app_context():
            ids = {r.id for r in storage.load_pool()}
        # A submitted city's id is random (it tells nothing of when it came) and travels as is.
        assert len([i for i in ids if re.fullmatch(r"city-[0-9a-f]{20}", i)]) == 1

        # The same file again is the same cities again: nothing changes, and the page says so.
        again = upload(b, exported.data, "citydip-pool.jsonl")
        assert again.status_code == 303, text(again)
        shown = text(b.get(again.headers["Location"]))
        assert f"0 new, 0 updated, {DEMO_SIZE + 1} unchanged." in shown
        assert pool_count(fresh) == DEMO_SIZE + 1
    finally:
        storage.dispose(first)
        storage.dispose(fresh)
