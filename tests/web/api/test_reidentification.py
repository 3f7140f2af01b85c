"""The re-identification attack (issue 12): a curious member city tries to solve back the
exact population and team size of anonymous peers from what the API and the pages show.

The pool holds 8 named and 8 anonymous real (non-demo) cities, half of the anonymous ones
submitted through the API and half imported. The anonymous ones come in pairs that share a
population band and a team band (and everything else), so that an attacker who learns no
more than the bands cannot tell the two of a pair apart.

The attacker, as a member city would, submits private assessments of its own with other
populations and team sizes and reads the peers: it calibrates the feature scaling on named
peers (their populations and teams are public), solves for each anonymous peer, and also
bisects where a reason flips ("similar size", "similar international team") and watches the
order of the peers. Every attack must learn no more than the band shown.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from api_helpers import created, make_api_app
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import example_answers, text

from benchmark.explain import population_text
from benchmark.record import PoolRecord, ScoreSummary
from rules import Answers, load_rulebook, score_assessment
from web import storage

BOOK = load_rulebook()
MODES = ("comparable", "same_stage", "learn_from")


@dataclass(frozen=True)
class City:
    """A city of the pool, as the test (not the attacker) knows it."""

    name: str
    population: int
    team: float
    named: bool
    imported: bool = False


NAMED = [
    City("Calibra", 90_000, 0.3, True),
    City("Bekannt", 150_000, 0.7, True),
    City("Offenburg Nord", 260_000, 1.5, True),
    City("Publica", 400_000, 2.0, True),
    City("Nameshaven", 800_000, 4.0, True),
    City("Kenntstadt", 1_100_000, 6.0, True),
    City("Grossmark", 2_000_000, 15.0, True),
    City("Megalopol", 6_000_000, 30.0, True),
]
#: Pairs in one population band and one team band; the second of each pair is imported.
ANONYMOUS = [
    City("Verborgen", 120_000, 1.2, False),
    City("Heimlich", 210_000, 2.7, False, imported=True),
    City("Stillbach", 300_000, 3.5, False),
    City("Leisedorf", 460_000, 9.0, False, imported=True),
    City("Schattenau", 550_000, 0.6, False),
    City("Nebelheim", 930_000, 0.9, False, imported=True),
    City("Unbenannt", 1_300_000, 12.0, False),
    City("Ohnename", 3_800_000, 45.0, False, imported=True),
]
PAIRS = [(ANONYMOUS[i], ANONYMOUS[i + 1]) for i in range(0, len(ANONYMOUS), 2)]

#: The attacker's own populations and team sizes (each a private assessment).
SWEEP = [(p, 2.0) for p in (60_000, 130_000, 250_000, 500_000, 1_000_000, 2_500_000, 8e6)] + [
    (500_000, t) for t in (0.2, 1.0, 5.0, 20.0)
]


def _answers(name: str, team: float) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(name)["answers"])
    answers["staff.team_size"] = team
    return answers


def _profile(name: str, population: float) -> dict[str, Any]:
    return {"name": name, "country": "DE", "population": int(population), "capital": False}


def _body(name: str, population: float, team: float, sharing: str, example: str) -> dict[str, Any]:
    return {
        "rulebook": BOOK.id,
        "answers": _answers(example, team),
        "profile": _profile(name, population),
        "sharing": sharing,
    }


def _imported(city: City, number: int) -> PoolRecord:
    """A survey import of ``city``, as the secretariat's import stores it."""
    answers = _answers("answers-established.yaml", city.team)
    card = score_assessment(BOOK, Answers(rulebook=BOOK.id, answers=answers))
    profile = {
        **_profile(city.name, city.population),
        "region": "Western Europe",
        "eu_member": True,
        "team_size": city.team,
    }
    return PoolRecord.model_validate(
        {
            "id": f"import-{number}",
            "profile": profile,
            "answers": answers,
            "scores": ScoreSummary.of(card),
            "source": "import",
            "assessed_on": date(2026, 1, 1),
            "rulebook_version": BOOK.version,
            "consent_named": city.named,
        }
    )


@pytest.fixture(scope="module")
def pool_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose pool is the 16 cities above and nothing else (no demo cities)."""
    app = make_api_app(tmp_path_factory.mktemp("reid"), demo_pool=False, k=20)
    client = app.test_client()
    for city in NAMED + [c for c in ANONYMOUS if not c.imported]:
        sharing = "named" if city.named else "anonymous"
        created(
            client,
            _body(city.name, city.population, city.team, sharing, "answers-established.yaml"),
        )
    with app.app_context():
        records = [_imported(c, i) for i, c in enumerate(ANONYMOUS) if c.imported]
        storage.import_pool_records(records=records)
    yield app
    storage.dispose(app)


@pytest.fixture(scope="module")
def who(pool_app: Flask) -> dict[str, City]:
    """Pool id → city: what the test knows and the attacker does not."""
    by_name = {c.name: c for c in NAMED + ANONYMOUS}
    with pool_app.app_context():
        records = storage.load_pool()
    assert len(records) == len(by_name)
    return {r.id: by_name[r.profile.name] for r in records}


# --- the attacker's view --------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One peer in one response, and the attacker's own figures in that query."""

    population: float
    team: float
    mode: str
    peer: dict[str, Any]

    def term(self, feature: str) -> float:
        return next(c["value"] for c in self.peer["contributions"] if c["feature"] == feature)


def _ask(client: FlaskClient, population: float, team: float) -> tuple[str, list[Seen]]:
    """Submit a private assessment with these figures; every peer of every response."""
    body = _body("Neugierig", population, team, "private", "answers-emerging.yaml")
    made = created(client, body)
    seen: list[Seen] = []

    def add(mode: str, groups: list[dict[str, Any] | None]) -> None:
        for group in groups:
            for peer in (group or {}).get("peers", []):
                seen.append(Seen(population, team, mode, peer))

    peers = made["peers"]
    add("comparable", [peers["comparable"]])
    add("same_stage", [peers["same_stage"]])
    add("learn_from", peers["learn_from"])
    add("learn_from", made["advice"]["learning"])
    token = made["token"]
    for mode in MODES:
        response = client.get(f"/api/v1/assessments/{token}/peers?mode={mode}&k=50")
        assert response.status_code == 200, response.get_json()
        add(mode, response.get_json()["groups"])
    response = client.get(f"/api/v1/assessments/{token}/advice?k=50")
    add("learn_from", response.get_json()["learning"])
    return token, seen


@pytest.fixture(scope="module")
def sweep(pool_app: Flask) -> tuple[list[str], list[Seen]]:
    """The attacker's tokens and everything it saw over :data:`SWEEP`."""
    client = pool_app.test_client()
    tokens, seen = [], []
    for population, team in SWEEP:
        token, more = _ask(client, population, team)
        tokens.append(token)
        seen += more
    return tokens, seen


@dataclass(frozen=True)
class Scaled:
    """A context feature as the attacker models it: the contribution's square root is
    ``factor × |x(yours) − x(theirs)|`` (presets.yaml documents log population and log(1 + FTE)
    scales), with ``factor`` unknown until calibrated."""

    feature: str
    x: Callable[[float], float]
    back: Callable[[float], float]

    def mine(self, seen: Seen) -> float:
        return self.x(seen.population if self.feature == "population" else seen.team)

    def gap(self, seen: Seen) -> float:
        return math.sqrt(seen.term(self.feature))


POPULATION = Scaled("population", math.log10, lambda y: 10**y)
TEAM = Scaled("team_size", math.log1p, math.expm1)


def _factor(seen: list[Seen], scaled: Scaled, known: dict[str, float]) -> float:
    """The scale of ``scaled``, calibrated on named peers (their figures are public)."""
    ratios = sorted(
        scaled.gap(s) / abs(scaled.mine(s) - scaled.x(known[s.peer["id"]]))
        for s in seen
        if s.peer["id"] in known and abs(scaled.mine(s) - scaled.x(known[s.peer["id"]])) > 0.05
    )
    assert ratios, "no named peer to calibrate on"
    return ratios[len(ratios) // 2]


def _solve(seen: list[Seen], scaled: Scaled, factor: float) -> float:
    """The figure of one peer that best explains its contributions over all queries."""
    observed = [(scaled.mine(s), scaled.gap(s) / factor) for s in seen]
    candidates = [mine + sign * gap for mine, gap in observed for sign in (-1, 1)]

    def misfit(y: float) -> float:
        return sum((abs(mine - y) - gap) ** 2 for mine, gap in observed)

    return scaled.back(min(candidates, key=misfit))


def _estimates(
    seen: list[Seen], who: dict[str, City], *, named: bool = False
) -> dict[tuple[str, str], tuple[float, float]]:
    """The attacker's (population, team size) of each peer in each mode: (mode, name) → figures.

    Calibrated on the named peers; the anonymous ones are solved (``named`` solves the named
    ones instead, to show that the attack works).
    """
    public_pop = {i: float(c.population) for i, c in who.items() if c.named}
    public_team = {i: c.team for i, c in who.items() if c.named}
    out = {}
    for mode in MODES:
        mine = [s for s in seen if s.mode == mode]
        pop_factor = _factor(mine, POPULATION, public_pop)
        team_factor = _factor(mine, TEAM, public_team)
        for pool_id, city in who.items():
            about = [s for s in mine if s.peer["id"] == pool_id]
            if city.named == named and about:
                out[mode, city.name] = (
                    _solve(about, POPULATION, pop_factor),
                    _solve(about, TEAM, team_factor),
                )
    return out


# --- the attacks ----------------------------------------------------------------------------


def test_the_attack_finds_the_figures_of_named_peers(
    sweep: tuple[list[str], list[Seen]], who: dict[str, City]
) -> None:
    # The attack is sound: it solves back what named cities agreed to show.
    solved = _estimates(sweep[1], who, named=True)
    truth = {c.name: c for c in NAMED}
    assert {name for _, name in solved} == set(truth)
    for (_, name), (population, team) in solved.items():
        assert population == pytest.approx(truth[name].population, rel=0.01)
        assert team == pytest.approx(truth[name].team, rel=0.01)


def test_solving_contributions_recovers_no_more_than_the_band(
    sweep: tuple[list[str], list[Seen]], who: dict[str, City]
) -> None:
    solved = _estimates(sweep[1], who)
    truth = {c.name: c for c in ANONYMOUS}
    assert {name for mode, name in solved if mode == "comparable"} == set(truth)
    recovered = []
    for (mode, name), (population, team) in solved.items():
        city = truth[name]
        if abs(math.log(population / city.population)) < 0.05:
            recovered.append(f"{name}'s population {population:,.0f} ({mode})")
        if abs(math.log1p(team) - math.log1p(city.team)) < 0.05:
            recovered.append(f"{name}'s team {team:.2f} FTE ({mode})")
    assert not recovered, "solved closer than the band: " + "; ".join(recovered)
    for mode in MODES:
        for first, second in PAIRS:
            # Two cities of one band give the attacker the same figures: the band, no more.
            if (mode, first.name) in solved or (mode, second.name) in solved:
                assert solved[mode, first.name] == pytest.approx(solved[mode, second.name])


def _without_id(peer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in peer.items() if k != "id"}


def test_two_cities_of_one_band_look_the_same_in_every_response(
    sweep: tuple[list[str], list[Seen]], who: dict[str, City]
) -> None:
    ids = {c.name: i for i, c in who.items()}
    shown: dict[tuple[float, float, str], dict[str, list[dict[str, Any]]]] = {}
    for s in sweep[1]:
        query = shown.setdefault((s.population, s.team, s.mode), {})
        query.setdefault(s.peer["id"], []).append(_without_id(s.peer))
    differ = [
        f"{first.name}/{second.name} in {mode} at {population:,.0f}, {team:g} FTE"
        for (population, team, mode), peers in shown.items()
        for first, second in PAIRS
        if peers.get(ids[first.name], []) != peers.get(ids[second.name], [])
    ]
    assert not differ, "the two cities of a band are told apart: " + "; ".join(differ[:5])


def test_the_order_of_peers_tells_no_more_than_the_band(
    sweep: tuple[list[str], list[Seen]], who: dict[str, City]
) -> None:
    # Ranked on exact figures, the two of a pair would swap places where the attacker's
    # population passes the midpoint of theirs.
    ranked: dict[tuple[float, float], list[str]] = {}
    for s in sweep[1]:
        if s.mode == "comparable":
            ranked.setdefault((s.population, s.team), []).append(s.peer["id"])
    ids = {c.name: i for i, c in who.items()}
    for first, second in PAIRS:
        a, b = ids[first.name], ids[second.name]
        orders = {order.index(a) < order.index(b) for order in ranked.values()}
        assert len(orders) == 1, f"{first.name} and {second.name} swap places"


def _comparable(client: FlaskClient, population: float, team: float) -> list[dict[str, Any]]:
    """The attacker's comparable peers (all of them) with these figures of its own."""
    body = _body("Neugierig", population, team, "private", "answers-emerging.yaml")
    token = created(client, body)["token"]
    response = client.get(f"/api/v1/assessments/{token}/peers?mode=comparable&k=50")
    peers: list[dict[str, Any]] = response.get_json()["groups"][0]["peers"]
    return peers


def _edges(
    ask: Callable[[float], list[dict[str, Any]]],
    state: Callable[[dict[str, Any]], Any],
    wanted: list[str],
    low: float,
    high: float,
) -> list[float]:
    """Bisect (on a ratio scale) where ``state`` of each ``wanted`` peer changes."""
    start = {p["id"]: state(p) for p in ask(low) if p["id"] in wanted}
    edges = []
    for pool_id in wanted:
        below, above = low, high
        for _ in range(12):
            mid = math.sqrt(below * above)
            now = next(state(p) for p in ask(mid) if p["id"] == pool_id)
            below, above = (mid, above) if now == start[pool_id] else (below, mid)
        edges.append(math.sqrt(below * above))
    return edges


def _size_word(peer: dict[str, Any]) -> str:
    reason = next(
        r for r in peer["reasons"] if r.startswith(("similar size", "larger", "smaller"))
    )
    return reason.split()[0].rstrip(":")


def _team_said(peer: dict[str, Any]) -> bool:
    return any("international team" in r for r in peer["reasons"])


def test_where_similar_size_flips_tells_no_more_than_the_band(
    pool_app: Flask, who: dict[str, City]
) -> None:
    client = pool_app.test_client()
    ids = {c.name: i for i, c in who.items()}
    pair = [ids[c.name] for c in PAIRS[0]]  # 120k and 210k, both of 100k–250k
    edges = _edges(lambda p: _comparable(client, p, 2.0), _size_word, pair, 150_000, 600_000)
    assert edges[0] == pytest.approx(edges[1], rel=0.01)


def test_where_similar_team_flips_tells_no_more_than_the_band(
    pool_app: Flask, who: dict[str, City]
) -> None:
    client = pool_app.test_client()
    ids = {c.name: i for i, c in who.items()}
    pair = [ids[c.name] for c in PAIRS[0]]  # 1.2 and 2.7 FTE, both of 1–3 FTE
    # Bisected on 1 + FTE, a ratio scale: from 2 FTE (similar to both) to 6 (to neither).
    edges = _edges(lambda t: _comparable(client, 500_000, t - 1), _team_said, pair, 3.0, 7.0)
    assert edges[0] == pytest.approx(edges[1], rel=0.01)


def _figures(city: City) -> list[str]:
    """How an exact figure of ``city`` could read on a page."""
    p = city.population
    return [f"{p:,}", str(p), population_text(p), f"{city.team:g} FTE", f"({city.team:g} vs"]


def test_results_page_shows_anonymous_peers_by_band_only(
    pool_app: Flask, sweep: tuple[list[str], list[Seen]]
) -> None:
    client = pool_app.test_client()
    for token, (population, team) in zip(sweep[0], SWEEP, strict=True):
        page = text(client.get(f"/a/{token}/results"))
        where = f"the results page at {population:,.0f}, {team:g} FTE"
        for city in ANONYMOUS:
            for figure in _figures(city):
                assert figure not in page, f"{city.name}'s {figure} on {where}"
        # Anonymous peers come in identical pairs: nothing on the page tells the two apart.
        for listing in re.findall(r'<ol class="peer-list"[^>]*>(.*?)</ol>', page, re.S):
            items = [re.sub(r"\s+", " ", i) for i in listing.split('<li class="peer"')[1:]]
            anonymous = [i for i in items if "a city of" in i]
            for item in set(anonymous):
                assert anonymous.count(item) % 2 == 0, f"told apart on {where}: {item}"


def test_claiming_a_name_does_not_tell_which_anonymous_peer_has_it(
    pool_app: Flask, who: dict[str, City]
) -> None:
    client = pool_app.test_client()
    shown = {}
    for name in ("Neugierig", ANONYMOUS[0].name):
        made = created(client, _body(name, 500_000, 2.0, "private", "answers-emerging.yaml"))
        peers = made["peers"]
        shown[name] = (peers["pool_size"], sorted(p["id"] for p in peers["comparable"]["peers"]))
    assert shown["Neugierig"] == shown[ANONYMOUS[0].name]


def test_sharing_under_a_claimed_name_replaces_no_one(pool_app: Flask) -> None:
    """A submission is never matched to another record by name: sharing as a guessed
    anonymous city adds one city; it does not replace (and so reveal) the one of that name."""
    client = pool_app.test_client()

    def pool_size() -> int:
        made = created(
            client, _body("Neugierig", 500_000, 2.0, "private", "answers-emerging.yaml")
        )
        return int(made["peers"]["pool_size"])

    before = pool_size()
    created(client, _body(ANONYMOUS[0].name, 500_000, 2.0, "anonymous", "answers-emerging.yaml"))
    assert pool_size() == before + 1
