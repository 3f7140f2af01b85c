"""One city, one peer: a stable city key, and each city's latest assessment only (issue 11)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pools import random_pool, records_for

from benchmark.features import PoolColumns
from benchmark.peers import PeerFinder
from benchmark.pool import latest_per_city
from benchmark.profile import CityProfile, city_key
from benchmark.record import PoolRecord
from rules import CompiledRulebook, Rulebook, load_rulebook


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.mark.parametrize(
    ("name", "country", "geonameid", "key"),
    [
        ("Porto", "PT", 2735943, "geonames:2735943"),
        ("Oporto", "PT", 2735943, "geonames:2735943"),  # the id wins over the name typed
        ("Saint-Étienne", "FR", None, "FR:saint etienne"),
        ("saint etienne", "fr", None, "FR:saint etienne"),
        ("  SAINT-ÉTIENNE ", "FR", None, "FR:saint etienne"),
        ("Łódź", "PL", None, "PL:lodz"),
        ("Lodz", "PL", None, "PL:lodz"),
        ("Valencia", "ES", None, "ES:valencia"),
        ("Valencia", "VE", None, "VE:valencia"),  # the same name in two countries: two cities
    ],
)
def test_city_key_is_the_geonames_id_else_country_and_folded_name(name, country, geonameid, key):
    assert city_key(name, country, geonameid) == key


def _city(name: str, *, geonameid: int | None = None, population: int = 400_000) -> CityProfile:
    return CityProfile(
        name=name,
        country="PT",
        region="Southern Europe",
        population=population,
        eu_member=True,
        geonameid=geonameid,
    )


def _records(book: Rulebook, entries: list[tuple[CityProfile, date]]) -> list[PoolRecord]:
    codes = CompiledRulebook.compile(book).random_codes(len(entries), np.random.default_rng(1))
    records = records_for(book, [p for p, _ in entries], codes, prefix="rec")
    return [
        r.model_copy(update={"assessed_on": d}) for r, (_, d) in zip(records, entries, strict=True)
    ]


def _twice_assessed_pool(book: Rulebook) -> list[PoolRecord]:
    """Porto assessed twice (by GeoNames id), Braga imported twice (by name, spelled two
    ways), and ten other cities."""
    entries = [
        (_city("Porto", geonameid=2735943), date(2024, 3, 1)),
        (_city("Braga"), date(2025, 1, 10)),
        (_city("Porto", geonameid=2735943, population=410_000), date(2025, 6, 1)),  # latest
        (_city("BRAGA "), date(2023, 5, 5)),
    ]
    entries += [(_city(f"Other {i}", population=300_000 + i), date(2024, 1, 1)) for i in range(10)]
    return _records(book, entries)


def test_latest_per_city_keeps_each_citys_latest_assessment_in_pool_order(book):
    pool = _twice_assessed_pool(book)
    kept = latest_per_city(pool)
    assert [r.id for r in kept] == ["rec-0001", "rec-0002", *[r.id for r in pool[4:]]]
    # On the same day, the greater id is the later one.
    same_day = [pool[0], pool[2].model_copy(update={"assessed_on": pool[0].assessed_on})]
    assert [r.id for r in latest_per_city(same_day)] == ["rec-0002"]


def test_the_peer_finder_shows_each_city_once_its_latest_assessment(book):
    pool = _twice_assessed_pool(book)
    finder = PeerFinder(n_neighbors=13).fit(pool)
    assert finder.n_samples_fit_ == 12
    query = _city("Somewhere else", population=400_000)
    shown = [p.id for p in finder.comparable(query, k=12).peers]
    assert len(shown) == len(set(shown)) == 12
    assert "rec-0002" in shown and "rec-0000" not in shown  # Porto: the 2025 assessment
    assert "rec-0001" in shown and "rec-0003" not in shown  # Braga: the 2025 import
    for group in finder.learn_from(query, pool[5].scores, 12):
        ids = [p.id for p in group.peers]
        assert not {"rec-0000", "rec-0003"} & set(ids)


def test_a_city_is_never_its_own_peer_through_another_of_its_assessments(book):
    pool = _twice_assessed_pool(book)
    finder = PeerFinder().fit(pool)
    older = pool[0]  # Porto's first assessment, not in the finder: the 2025 one stands for it
    own = [older.id, pool[2].id]  # the city's own records, as the app knows them (its chain)
    for group in [
        finder.comparable(older.profile, older.scores, 12, city_id=own),
        finder.same_stage(older.profile, older.scores, 12, city_id=own),
        *finder.learn_from(older.profile, older.scores, 12, city_id=own),
    ]:
        assert not {"rec-0000", "rec-0002"} & {p.id for p in group.peers}


def test_without_an_id_the_city_is_not_left_out(book):
    pool = _twice_assessed_pool(book)
    latest = pool[2]
    found = PeerFinder().fit(pool).comparable(latest.profile, latest.scores)
    assert found.peers[0].id == latest.id and found.peers[0].distance == 0.0


def test_columns_without_keys_keep_every_row(book):
    """A large pool read from storage one row per city passes no keys: nothing is dropped."""
    pool = random_pool(book, 20, seed=3)
    columns = PoolColumns.from_records(pool)
    assert columns.city_keys is not None and len(set(columns.city_keys.tolist())) == 20
    bare = PoolColumns(**{**vars(columns), "city_keys": None, "assessed_on": None})
    twice = [*pool, *[r.model_copy(update={"id": r.id + "-b"}) for r in pool]]
    both = PoolColumns.from_records(twice)
    assert PeerFinder().fit(twice, columns=both).n_samples_fit_ == 20
    assert PeerFinder().fit(pool, columns=bare).n_samples_fit_ == 20
    unkeyed = PoolColumns(**{**vars(both), "city_keys": None, "assessed_on": None})
    assert PeerFinder().fit(twice, columns=unkeyed).n_samples_fit_ == 40


def test_the_pool_size_shown_counts_the_city_itself_never(book):
    """ "Compared with N other cities": an earlier assessment of Porto is not in the finder,
    but Porto's later one is, and it is not another city."""
    pool = _twice_assessed_pool(book)
    finder = PeerFinder().fit(pool)
    older, latest, stranger = pool[0], pool[2], _city("Somewhere else")
    assert finder.others(older.profile, [older.id, latest.id]) == 11
    assert finder.others(latest.profile, latest.id) == 11
    assert finder.others(stranger, "not-in-the-pool") == 12
    assert finder.others(stranger, None) == 12


def test_a_name_typed_by_the_asker_leaves_no_one_out(book):
    """Only ids leave a record out: a city that types Porto's name (and country) still sees
    Porto, so typing a name cannot tell whether, or which, anonymous peer has it."""
    pool = _twice_assessed_pool(book)
    finder = PeerFinder().fit(pool)
    claimed = pool[2].profile  # Porto's profile, typed by someone else
    assert finder.others(claimed, "someone-else") == 12
    assert pool[2].id in {p.id for p in finder.comparable(claimed, k=12, city_id="x").peers}


def test_a_citys_own_submissions_are_never_matched_by_name(book):
    """Submitted records are keyed by record, so a submission under a claimed name neither
    replaces nor hides the imported record of that name."""
    porto = (_city("Porto", geonameid=2735943), date(2024, 1, 1))
    imported, submitted = _records(book, [porto, porto])
    submitted = submitted.model_copy(update={"source": "submitted", "id": "city-abc"})
    assert imported.city_key != submitted.city_key
    assert PeerFinder().fit([imported, submitted]).n_samples_fit_ == 2
