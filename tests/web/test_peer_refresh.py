"""The peer service refits incrementally: it reads only what changed in the pool.

The browser flows (a shared submission, a re-assessment) are in tests/web/network and
tests/web/api; here the pool is changed directly, and each refreshed finder is checked against
one fitted from scratch on the stored pool.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from web_helpers import DEMO_SIZE, assert_same_as_a_full_fit, copy_city, make_app

from web import state, storage
from web.peers import peer_finder

SCORECARD = {"rulebook_id": "r", "rulebook_version": "1", "rulebook_hash": "h"}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Collection[str] | None]:
    """What each refit read: the ``ids`` of every call of ``storage.load_pool_entries``, or
    None for a read of the whole pool (``storage.iter_pool_entries``, chunk by chunk)."""
    calls: list[Collection[str] | None] = []
    real, every = storage.load_pool_entries, storage.iter_pool_entries

    def spy(*, ids: Collection[str] | None = None) -> list[storage.PoolEntry]:
        calls.append(None if ids is None else set(ids))
        return real(ids=ids)

    def whole(**kwargs: Any) -> Any:
        calls.append(None)
        return every(**kwargs)

    monkeypatch.setattr(storage, "load_pool_entries", spy)
    monkeypatch.setattr(storage, "iter_pool_entries", whole)
    return calls


def test_refits_read_only_the_records_that_changed(
    app: Flask, parsed: list[Collection[str] | None]
) -> None:
    with app.app_context():
        first = peer_finder()
        assert parsed == [None]  # the first query reads the whole pool
        assert peer_finder() is first and len(parsed) == 1  # unchanged pool: no refit
        demo = storage.load_pool()

        # New cities (an import): only they are read.
        added = [copy_city(demo[i], f"import-{i}", population=100_000 * (i + 1)) for i in range(3)]
        storage.add_pool_records(records=added)
        finder = peer_finder()
        assert finder is not first
        assert parsed[-1] == {"import-0", "import-1", "import-2"}
        assert_same_as_a_full_fit(finder)

        # A submission stored, then stored again under its id with another profile (one draft
        # submitted twice at once), then taken out of the pool (a private re-assessment).
        draft = storage.create_assessment(
            token_hash="a" * 64, rulebook_id="r", rulebook_version="1", rulebook_hash="h"
        )
        submitted = draft.pool_id
        for population in (200_000, 3_000_000):
            record = copy_city(demo[5], submitted, population=population)
            storage.submit_assessment(
                assessment_id=draft.id, scorecard=SCORECARD, pool_record=record
            )
            finder = peer_finder()
            assert parsed[-1] == {submitted}
            assert finder is not None
            assert finder.record(submitted).profile.population == population
            assert_same_as_a_full_fit(finder)
        calls = len(parsed)
        storage.submit_assessment(assessment_id=draft.id, scorecard=SCORECARD, pool_record=None)
        finder = peer_finder()
        assert len(parsed) == calls  # nothing to read: the entry is only dropped
        assert finder is not None
        with pytest.raises(KeyError):
            finder.record(submitted)
        assert_same_as_a_full_fit(finder)


def test_a_peer_query_during_the_start_up_warm_up_waits_for_the_whole_pool(
    tmp_path: Path,
) -> None:
    from web.demo_pool import seed_demo_pool
    from web.peers import warm_up_in_background

    app = make_app(tmp_path, demo_pool=False)
    gate = threading.Event()
    ready: list[int] = []

    def prepare() -> None:  # the demo pool loads slowly, as on a new instance
        assert gate.wait(10)
        seed_demo_pool(state.rulebook(), size=DEMO_SIZE, seed=1)

    warm = warm_up_in_background(app, prepare, on_ready=ready.append)
    seen: list[int] = []

    def query() -> None:
        with app.app_context():
            finder = peer_finder()
            seen.append(0 if finder is None else finder.n_samples_fit_)

    asking = threading.Thread(target=query)
    asking.start()
    asking.join(timeout=0.3)
    assert asking.is_alive() and seen == []  # waiting, not answering from an empty pool
    gate.set()
    asking.join(timeout=10)
    warm.join(timeout=10)
    assert seen == [DEMO_SIZE]
    assert ready == [DEMO_SIZE]
