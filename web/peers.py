"""The peer finder of this process, fitted on the stored pool and refitted when it changes.

One :class:`PeerService` per app. Its finder is fitted on first use and kept; each results
page compares the pool's signature (count, latest change) with the one the finder was fitted
on, so a submission with consent, in this process or another one, triggers a refit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app

from benchmark.advice import Advice, advise
from benchmark.explain import PeerGroup
from benchmark.peers import PeerFinder
from benchmark.profile import CityProfile
from rules import Rulebook, Scorecard, text_in
from web import storage

__all__ = [
    "PeerResults",
    "PeerService",
    "find_peers",
    "init_app",
    "others_in_pool",
    "peer_finder",
]

_EXTENSION = "citydip.peers"


@dataclass(frozen=True)
class PeerResults:
    """The three answers for one city, and advice; empty when the pool is empty."""

    #: cities in the pool other than the city itself
    pool_size: int
    comparable: PeerGroup | None = None
    same_stage: PeerGroup | None = None
    learn_from: list[PeerGroup] = field(default_factory=list)
    advice: Advice | None = None

    @property
    def any_demo(self) -> bool:
        """True when any peer shown is a fictional demo city."""
        groups = [self.comparable, self.same_stage, *self.learn_from]
        return any(p.demo for g in groups if g is not None for p in g.peers)


class PeerService:
    """Holds a fitted :class:`PeerFinder` and refits it when the pool changes."""

    def __init__(self, book: Rulebook, k: int) -> None:
        self.book = book
        self.k = k
        self._lock = threading.Lock()
        self._signature: tuple[int, datetime | None] | None = None
        self._finder: PeerFinder | None = None

    def finder(self) -> PeerFinder | None:
        """The finder fitted on the current pool, or None when the pool is empty."""
        signature = storage.pool_signature()
        if signature[0] == 0:
            return None
        with self._lock:
            if signature != self._signature or self._finder is None:
                titles = {d.id: text_in(d.title) for d in self.book.dimensions}
                pool = storage.load_pool()
                self._finder = PeerFinder(n_neighbors=self.k).fit(pool, dimension_titles=titles)
                self._signature = signature
            return self._finder


def others_in_pool(finder: PeerFinder, city_id: str) -> int:
    """How many cities of the finder's pool are not the city ``city_id`` itself."""
    try:
        finder.record(city_id)
    except KeyError:
        return int(finder.n_samples_fit_)
    return int(finder.n_samples_fit_) - 1


def peer_finder() -> PeerFinder | None:
    """The current app's finder, fitted on the stored pool; None when the pool is empty."""
    service: PeerService = current_app.extensions[_EXTENSION]
    return service.finder()


def init_app(app: Flask, *, book: Rulebook, k: int) -> None:
    """Give ``app`` its peer service."""
    app.extensions[_EXTENSION] = PeerService(book, k)


def find_peers(profile: CityProfile, card: Scorecard, *, city_id: str) -> PeerResults:
    """Comparable cities, cities at the same stage, cities to learn from, and advice.

    ``city_id`` is the city's own pool id, so that it never appears as its own peer.
    """
    service: PeerService = current_app.extensions[_EXTENSION]
    finder = service.finder()
    if finder is None:
        return PeerResults(pool_size=0)
    comparable = finder.comparable(profile, card, city_id=city_id)
    learn_from = finder.learn_from(profile, card, city_id=city_id)
    return PeerResults(
        pool_size=others_in_pool(finder, city_id),
        comparable=comparable,
        same_stage=finder.same_stage(profile, card, city_id=city_id),
        learn_from=learn_from,
        advice=advise(
            service.book,
            card,
            finder,
            profile,
            city_id=city_id,
            comparable=comparable,
            learning=learn_from,
        ),
    )
