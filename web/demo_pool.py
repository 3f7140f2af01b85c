"""Loading the fictional demo pool into an empty database, so that peers appear at once."""

from __future__ import annotations

import logging

from benchmark.record import PoolRecord
from rules import Rulebook
from web import storage

__all__ = ["seed_demo_pool"]

log = logging.getLogger(__name__)


def seed_demo_pool(book: Rulebook, *, size: int, seed: int) -> int:
    """Generate ``size`` demo cities into the pool when it is empty; returns how many.

    Runs inside an app context. Returns 0 when the pool already has cities, or when the demo
    generator (``benchmark.demo``) is not available.
    """
    try:
        from benchmark.demo import generate_demo_pool
    except ImportError:
        log.warning("benchmark.demo is not available: the peer pool starts empty")
        return 0

    def make_records() -> list[PoolRecord]:
        return list(generate_demo_pool(size, seed=seed, rulebook=book))

    added = storage.seed_pool(make_records=make_records)
    if added:
        log.info("loaded %d demo cities into the empty peer pool", added)
    return added
