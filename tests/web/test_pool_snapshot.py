"""The peer service's snapshot: a restart reads its arrays instead of parsing the whole pool,
and ends with exactly the arrays a full read gives, whatever changed while it was down."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from web_helpers import assert_same_as_a_full_fit, copy_city, make_app

from benchmark.pool_facts import PoolFacts
from web import peers, pool_snapshot, storage
from web.app import SNAPSHOT_FILE
from web.peers import peer_finder, pool_facts
from web.storage import deletion


@pytest.fixture(autouse=True)
def _small_changes_write_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test pools are small: any refresh that reads a few records writes the file."""
    monkeypatch.setattr(peers, "SNAPSHOT_AFTER_RECORDS", 10)


def snapshot_of(tmp_path: Path) -> Path:
    return tmp_path / "instance" / SNAPSHOT_FILE


def reads(monkeypatch: pytest.MonkeyPatch) -> list[Collection[str] | None]:
    """What the service parses from now on: ids of each partial read, None for the whole pool."""
    calls: list[Collection[str] | None] = []
    partial, whole = storage.load_pool_entries, storage.iter_pool_entries

    def spy(*, ids: Collection[str] | None = None) -> list[storage.PoolEntry]:
        calls.append(None if ids is None else set(ids))
        return partial(ids=ids)

    def every(**kwargs: Any) -> Any:
        calls.append(None)
        return whole(**kwargs)

    monkeypatch.setattr(storage, "load_pool_entries", spy)
    monkeypatch.setattr(storage, "iter_pool_entries", every)
    return calls


def facts_of(app: Flask) -> PoolFacts:
    with app.app_context():
        facts = pool_facts()[1]
    assert facts is not None
    return facts


def assert_same_facts(ours: PoolFacts, theirs: PoolFacts) -> None:
    """Row for row (the order may differ: a restored state appends what changed)."""
    mine, other = np.argsort(ours.ids.astype(str)), np.argsort(theirs.ids.astype(str))
    for field in dataclasses.fields(PoolFacts):
        a, b = getattr(ours, field.name), getattr(theirs, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a[mine], b[other], err_msg=field.name)
        else:
            assert a == b, field.name


def test_a_restart_reads_only_what_changed_while_it_was_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_app(tmp_path)
    with first.app_context():
        assert peer_finder() is not None
        assert snapshot_of(tmp_path).exists()
        demo = storage.load_pool()
        # While no server runs: a city deleted, two imported.
        assert deletion.delete_pool_record(pool_id=demo[3].id) is not None
        added = [copy_city(demo[i], f"import-{i}", population=90_000 * (i + 2)) for i in (1, 2)]
        storage.add_pool_records(records=added)

    calls = reads(monkeypatch)
    restarted = make_app(tmp_path)
    with restarted.app_context():
        assert_same_as_a_full_fit(peer_finder())
    assert calls == [{"import-1", "import-2"}]  # never the whole pool
    restored = facts_of(restarted)

    snapshot_of(tmp_path).unlink()
    assert_same_facts(restored, facts_of(make_app(tmp_path)))  # a full read agrees
    assert calls[-1] is None


def test_a_snapshot_for_another_rulebook_or_database_or_a_torn_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    expected = facts_of(app)
    path = snapshot_of(tmp_path)
    key = app.extensions["citydip.peers"]._snapshot_key
    assert pool_snapshot.read_snapshot(path, key) is not None
    assert pool_snapshot.read_snapshot(path, pool_snapshot.snapshot_key("x", "sqlite://")) is None

    path.write_bytes(path.read_bytes()[:200])  # cut short, as by a full disk
    assert pool_snapshot.read_snapshot(path, key) is None
    calls = reads(monkeypatch)
    assert_same_facts(facts_of(make_app(tmp_path)), expected)
    assert calls == [None]  # read in full instead
    assert pool_snapshot.read_snapshot(path, key) is not None  # and written again


def test_the_key_holds_no_password() -> None:
    with_password = pool_snapshot.snapshot_key("h", "postgresql+psycopg://u:secret@db/citydip")
    other_password = pool_snapshot.snapshot_key("h", "postgresql+psycopg://u:other@db/citydip")
    assert with_password == other_password
    assert with_password != pool_snapshot.snapshot_key("h", "postgresql+psycopg://u@db/other")


def test_a_deleted_city_leaves_the_file_in_the_same_request_cycle(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.app_context():
        peer_finder()
        gone = storage.load_pool()[0]
        deletion.delete_pool_record(pool_id=gone.id)
        peer_finder()
    with np.load(snapshot_of(tmp_path), allow_pickle=False) as stored:
        texts = {
            str(v)
            for name in stored.files
            if stored[name].dtype.kind == "U"
            for v in stored[name].ravel()
        }
    assert gone.id not in texts
    assert gone.city_key not in texts


def test_an_emptied_pool_leaves_no_file(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.app_context():
        peer_finder()
        for record in storage.load_pool():
            deletion.delete_pool_record(pool_id=record.id)
        assert peer_finder() is None
    assert not snapshot_of(tmp_path).exists()
