"""The aggregate picture of the pool as it is now, for a request's filters, computed once.

The dashboard and the aggregates downloads ask for the same figures many times between two
changes of the pool. The pool's facts come from the peer service (which keeps them as arrays,
refreshed when the pool changes); the publication plan is made once per state of the pool;
each set of filters' picture is kept until the pool changes (its signature: count and
latest change), so a deleted or imported city shows from the next request on. A picture holds
texts (indicator labels, level names, dimension titles, filter errors) in the language of the
request that made it, so it is kept per language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from benchmark.differencing import Publication, plan_publication
from benchmark.pool_facts import PoolFacts
from web import state
from web.assessment.forms import FieldError
from web.i18n import request_language
from web.network.filters import parse_filters
from web.network.picture import PoolPicture, pool_facts_of, pool_picture
from web.peers import pool_facts

__all__ = ["CurrentPicture", "current_picture"]

_EXTENSION = "citydip.network.pictures"
#: Pictures kept per process; each is small (a few hundred numbers).
_KEPT = 64
_FILTER_ARGS = ("region", "size_band", "eu", "exclude_demo")


@dataclass(frozen=True)
class CurrentPicture:
    """The picture for one request (None when a filter value is unknown), with what the
    filter form needs."""

    picture: PoolPicture | None
    errors: list[FieldError]
    regions: list[str]
    pool_total: int


class _Pictures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.signature: tuple[int, datetime | None] | None = None
        self.plan: Publication | None = None
        self.pictures: OrderedDict[tuple[str, ...], CurrentPicture] = OrderedDict()


def current_picture(args: Mapping[str, str]) -> CurrentPicture:
    """The pool's picture under the filters in ``args`` (query arguments)."""
    kept: _Pictures = current_app.extensions.setdefault(_EXTENSION, _Pictures())
    signature, facts = pool_facts()
    key = (request_language(), *(args.get(a, "") for a in _FILTER_ARGS))
    with kept.lock:
        if kept.signature != signature:
            kept.signature, kept.plan, kept.pictures = signature, None, OrderedDict()
        if key in kept.pictures:
            kept.pictures.move_to_end(key)
            return kept.pictures[key]
        plan = kept.plan
    facts = facts if facts is not None else _empty_facts()
    if plan is None:
        plan = plan_publication(facts)
    found = _picture(facts, args, plan)
    with kept.lock:
        if kept.signature == signature:
            kept.plan = plan
            kept.pictures[key] = found
            while len(kept.pictures) > _KEPT:
                kept.pictures.popitem(last=False)
    return found


def _picture(facts: PoolFacts, args: Mapping[str, str], plan: Publication) -> CurrentPicture:
    regions = sorted(set(facts.region.tolist()))
    filters, errors = parse_filters(args, regions)
    picture = pool_picture(state.rulebook(), facts, filters, publication=plan)
    return CurrentPicture(picture, errors, regions, len(facts))


def _empty_facts() -> PoolFacts:
    return pool_facts_of(state.rulebook(), [])
