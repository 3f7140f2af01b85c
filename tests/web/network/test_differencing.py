"""No differencing of aggregates: an attacker who asks for every filter combination on the
dashboard, the open-data CSV and the JSON cannot subtract one shown figure from another (or
from several) to read off a group of 1 to 4 cities.

The pool is built for the attack: regions of 6 cities of which 5 are EU members, size bands
split 7/3, a lone non-EU city, a small region, and demo cities beside real ones. The city set
of every shown figure is computed here, from the pool this test built, never from the app.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import admin_app, sign_in

from benchmark.aggregates import EU_LABELS
from benchmark.privacy import MIN_GROUP_SIZE
from benchmark.profile import CityProfile
from benchmark.record import DimensionSummary, PoolRecord, ScoreSummary
from rules import CompiledRulebook, load_rulebook, text_in
from web import storage

#: (region, population, EU member, how many cities, demo?) — near misses everywhere.
LAYOUT: tuple[tuple[str, int, bool, int, bool], ...] = (
    # 6 cities, 5 of them EU members; 4 + 2 across two size bands
    ("Western Europe", 600_000, True, 3, False),
    ("Western Europe", 2_000_000, True, 2, False),
    ("Western Europe", 600_000, False, 1, False),
    # 10 cities split 7/3 by size, all EU members
    ("Northern Europe", 600_000, True, 7, False),
    ("Northern Europe", 150_000, True, 3, False),
    # 6 cities, 5 of them EU members, one size band
    ("Southern Europe", 2_000_000, True, 5, False),
    ("Southern Europe", 2_000_000, False, 1, False),
    # a small region: 3 cities outside the EU
    ("Eastern Europe", 300_000, False, 3, False),
    # demo cities: 6 beside the real Western Europe ones, 2 beside Northern Europe's
    ("Western Europe", 600_000, True, 6, True),
    ("Northern Europe", 150_000, True, 2, True),
)

#: Measures: "cities" (a row's count), an indicator id, or ("levels", dimension id) for the
#: level distribution.
Measure = str | tuple[str, str]


@dataclass(frozen=True)
class Shown:
    """One figure the app showed: what it measures, over which cities, and where."""

    measure: Measure
    cities: frozenset[str]
    where: str


#: The year of assessment of the i-th city, by i mod 7.
YEARS = (2023, 2024, 2024, 2025, 2025, 2025, 2025)


def _records() -> list[PoolRecord]:
    book = load_rulebook()
    compiled = CompiledRulebook.compile(book)
    n = sum(count for *_, count, _demo in LAYOUT)
    batch = compiled.score(compiled.random_codes(n, np.random.default_rng(12)))
    dims = [d.id for d in book.dimensions]
    records, i = [], 0
    for region, population, eu, count, demo in LAYOUT:
        for _ in range(count):
            scores = ScoreSummary(
                dimensions={
                    d: DimensionSummary(
                        score=None if np.isnan(batch.scores[i, j]) else float(batch.scores[i, j]),
                        level=int(batch.levels[i, j]) or None,
                    )
                    for j, d in enumerate(dims)
                },
                overall_score=float(batch.overall_score[i]),
                overall_level=int(batch.overall_level[i]),
                floor=int(batch.floor[i]) or None,
                indicators={
                    ind.id: bool(batch.indicators[i, k]) for k, ind in enumerate(book.indicators)
                },
                rulebook_hash=book.content_hash,
            )
            profile = CityProfile(
                name=f"Attack City {i}",
                country="FR" if eu else "NO",
                region=region,
                population=population,
                eu_member=eu,
            )
            records.append(
                PoolRecord(
                    id=f"atk-{i:03d}",
                    profile=profile,
                    answers={},
                    scores=scores,
                    source="demo" if demo else "import",
                    # three years of 1 in 7, 2 in 7 and 4 in 7 cities: the trend's years are
                    # groups to attack as well (one of them holds only a handful)
                    assessed_on=date(YEARS[i % 7], 1, 1),
                    rulebook_version=book.version,
                )
            )
            i += 1
    return records


POOL = _records()
BOOK = load_rulebook()
INDICATORS = [i.id for i in BOOK.indicators]
DIMENSION_OF_TITLE = {text_in(d.title): d.id for d in BOOK.dimensions}
EU_OF_LABEL = {label: eu for eu, label in EU_LABELS.items()}
DEMO_IDS = frozenset(r.id for r in POOL if r.is_demo)


# --- which cities a figure covers, from the pool built above -------------------------------


def _matches(record: PoolRecord, query: dict[str, str]) -> bool:
    profile = record.profile
    return (
        ("region" not in query or profile.region == query["region"])
        and ("size_band" not in query or profile.size_band == query["size_band"])
        and ("eu" not in query or profile.eu_member == (query["eu"] == "yes"))
        and not (query.get("exclude_demo") == "1" and record.is_demo)
    )


def _row_matches(record: PoolRecord, grouping: str, group: str) -> bool:
    if grouping == "region":
        return record.profile.region == group
    if grouping == "size_band":
        return record.profile.size_band == group
    if grouping == "eu_member":
        return record.profile.eu_member == EU_OF_LABEL[group]
    return grouping == "overall"


def _cities(query: dict[str, str], grouping: str, group: str, measure: Measure) -> frozenset[str]:
    """The cities a figure of ``measure`` in row (grouping, group) under ``query`` covers."""
    if grouping == "year":  # the trend: the whole pool per year, only the demo filter applies
        demo = {k: v for k, v in query.items() if k == "exclude_demo"}
        return frozenset(
            r.id
            for r in POOL
            if _matches(r, demo) and str(r.assessed_on.year) == group and _counts_for(r, measure)
        )
    return frozenset(
        r.id
        for r in POOL
        if _matches(r, query) and _row_matches(r, grouping, group) and _counts_for(r, measure)
    )


def _counts_for(record: PoolRecord, measure: Measure) -> bool:
    if measure == "cities":
        return True
    if measure == ("levels", "overall"):
        return record.scores.overall_level is not None
    if isinstance(measure, tuple):
        summary = record.scores.dimensions.get(measure[1])
        return summary is not None and summary.level is not None
    return measure in record.scores.indicators


# --- what the app shows ---------------------------------------------------------------------


def _filter_queries(client: FlaskClient) -> list[dict[str, str]]:
    """Every combination of the dashboard's filter form (each select, and the checkbox)."""
    page = client.get("/network/").get_data(as_text=True)
    form = page.split('data-testid="filters"')[1].split("</form>")[0]
    choices: dict[str, list[str]] = {}
    for name, body in re.findall(r'<select id="[^"]+" name="(\w+)">(.*?)</select>', form, re.S):
        choices[name] = [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', body)]
    checkbox = re.search(r'name="(\w+)" type="checkbox" value="([^"]+)"', form)
    assert checkbox is not None and set(choices) == {"region", "size_band", "eu"}
    choices[checkbox.group(1)] = ["", checkbox.group(2)]
    names = sorted(choices)
    return [
        {name: value for name, value in zip(names, values, strict=True) if value}
        for values in itertools.product(*(choices[name] for name in names))
    ]


def _from_json(client: FlaskClient, query: dict[str, str]) -> Iterator[Shown]:
    response = client.get("/network/export/aggregates.json", query_string=query)
    assert response.status_code == 200, query
    document = json.loads(response.data)
    where = f"aggregates.json {query}"
    for row in document["groups"]:
        if not row["suppressed"]:  # the row's count of cities is a figure too
            cities = _cities(query, row["grouping"], row["group"], "cities")
            assert row["n"] == len(cities), (where, row["group"])
            yield Shown("cities", cities, where)
        for cell in row["indicators"]:
            if cell["suppressed"]:
                assert cell["met"] is cell["n"] is cell["share"] is None
                continue
            cities = _cities(query, row["grouping"], row["group"], cell["indicator"])
            # the figure is really over these cities: the test's sets are the app's
            assert cell["n"] == len(cities), (where, row["group"], cell)
            met = sum(r.scores.indicators[cell["indicator"]] for r in POOL if r.id in cities)
            assert cell["met"] == met, (where, row["group"], cell)
            yield Shown(cell["indicator"], cities, where)
    for row in document["level_distribution"]:
        if not row["suppressed"]:
            measure = ("levels", row["dimension"])
            cities = _cities(query, "overall", "all cities", measure)
            assert row["n"] == len(cities), (where, row)
            yield Shown(measure, cities, where)
    for row in document["trend"]:
        year = str(row["year"])
        if not row["suppressed"]:
            cities = _cities(query, "year", year, "cities")
            assert row["n"] == len(cities), (where, row)
            yield Shown("cities", cities, where)
        for cell in row["indicators"]:
            if not cell["suppressed"]:
                cities = _cities(query, "year", year, cell["indicator"])
                assert cell["n"] == len(cities), (where, year, cell)
                yield Shown(cell["indicator"], cities, where)
        if not row["levels"]["suppressed"]:
            measure = ("levels", "overall")
            cities = _cities(query, "year", year, measure)
            assert row["levels"]["n"] == len(cities), (where, row)
            yield Shown(measure, cities, where)


def _from_csv(client: FlaskClient, query: dict[str, str]) -> Iterator[Shown]:
    response = client.get("/network/export/aggregates.csv", query_string=query)
    assert response.status_code == 200, query
    for row in csv.DictReader(io.StringIO(response.get_data(as_text=True))):
        if row["suppressed"] == "no":
            cities = _cities(query, row["grouping"], row["group"], row["indicator"])
            assert row["n"] == str(len(cities)), (query, row)
            yield Shown(row["indicator"], cities, f"aggregates.csv {query}")


def _from_dashboard(client: FlaskClient, query: dict[str, str]) -> Iterator[Shown]:
    response = client.get("/network/", query_string=query)
    assert response.status_code == 200, query
    page = response.get_data(as_text=True)
    where = f"dashboard {query}"
    for indicator, share in re.findall(r'data-testid="headline-(\w+)" data-share="([^"]*)"', page):
        if share:
            yield Shown(indicator, _cities(query, "overall", "all cities", indicator), where)
    levels = page.split('data-testid="levels-table"')[1].split("</table>")[0]
    for title, cells in _body_rows(levels):
        if "colspan" not in cells:
            measure = ("levels", DIMENSION_OF_TITLE[title])
            yield Shown(measure, _cities(query, "overall", "all cities", measure), where)
    for grouping in ("region", "size_band", "eu_member"):
        if f'data-testid="groups-{grouping}"' not in page:
            continue
        table = page.split(f'data-testid="groups-{grouping}"')[1].split("</table>")[0]
        for group, cells in _body_rows(table):
            if "colspan" in cells:
                continue
            shares = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)[1:]  # after "Cities"
            assert len(shares) == len(INDICATORS), (where, group)
            for indicator, share in zip(INDICATORS, shares, strict=True):
                if "data-suppressed" not in share:
                    yield Shown(indicator, _cities(query, grouping, group, indicator), where)


def _body_rows(table: str) -> list[tuple[str, str]]:
    body = table.split("<tbody>")[1]
    return [
        (html.unescape(title), cells)
        for title, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)
    ]


@pytest.fixture(scope="module")
def attack_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose pool is :data:`POOL` only (no generated demo pool)."""
    app = admin_app(tmp_path_factory.mktemp("differencing"), demo_pool=False)
    with app.app_context():
        storage.add_pool_records(records=POOL)
    yield app
    storage.dispose(app)


@pytest.fixture(scope="module")
def shown(attack_app: Flask) -> list[Shown]:
    """Every figure the app shows, over every filter combination and every output."""
    client = attack_app.test_client()
    sign_in(client)
    queries = _filter_queries(client)
    assert len(queries) == 5 * 7 * 3 * 2  # regions + any, bands + any, EU/others/any, demo
    figures: list[Shown] = []
    for query in queries:
        for source in (_from_json, _from_csv, _from_dashboard):
            figures.extend(source(client, query))
    return figures


def _by_measure(shown: list[Shown]) -> dict[Measure, dict[frozenset[str], str]]:
    sets: dict[Measure, dict[frozenset[str], str]] = defaultdict(dict)
    for figure in shown:
        sets[figure.measure].setdefault(figure.cities, figure.where)
    return sets


def test_the_attack_sees_figures_at_all(shown: list[Shown]) -> None:
    """Not vacuous: the headline over the whole pool, and more, are shown."""
    everyone = frozenset(r.id for r in POOL)
    assert any(f.measure == INDICATORS[0] and f.cities == everyone for f in shown)
    assert len({figure.cities for figure in shown}) > 3


def test_no_two_shown_figures_differ_by_one_to_four_cities(shown: list[Shown]) -> None:
    """For every pair of shown figures of one measure, one within the other, the difference
    is empty or at least :data:`MIN_GROUP_SIZE` cities (the brief's pairwise attack)."""
    leaks = []
    for measure, sets in _by_measure(shown).items():
        for (small, where_small), (large, where_large) in itertools.permutations(sets.items(), 2):
            if small < large and len(large - small) < MIN_GROUP_SIZE:
                leaks.append((measure, sorted(large - small), where_large, where_small))
    assert not leaks, f"{len(leaks)} differences of 1–4 cities, e.g. {leaks[:3]}"


def test_no_combination_of_shown_figures_isolates_fewer_than_five_cities(
    shown: list[Shown],
) -> None:
    """The stronger guarantee: cities that lie in exactly the same shown figures form blocks,
    and every shown figure is a sum of whole blocks; so no sum or difference of any number of
    figures (a total minus all its other rows, two values of one filter...) can separate a
    group smaller than a block. Every block must hold at least :data:`MIN_GROUP_SIZE` cities,
    and no real city or at least that many real ones.
    """
    small_blocks = []
    for measure, sets in _by_measure(shown).items():
        blocks: dict[frozenset[frozenset[str]], set[str]] = defaultdict(set)
        for record in POOL:
            signature = frozenset(s for s in sets if record.id in s)
            if signature:
                blocks[signature].add(record.id)
        for block in blocks.values():
            # demo answers are no secret: the real cities of a block must not be 1 to 4 either
            real = {c for c in block if c not in DEMO_IDS}
            if len(block) < MIN_GROUP_SIZE or 0 < len(real) < MIN_GROUP_SIZE:
                small_blocks.append((measure, sorted(block)))
    assert not small_blocks, f"{len(small_blocks)} blocks of 1–4 cities: {small_blocks[:3]}"


def test_a_figure_withheld_against_differencing_says_so(attack_app: Flask) -> None:
    """Southern Europe (6 cities) minus its EU members (5, shown) would be one city: the
    region's own figures are withheld, and the page and the JSON say why."""
    client = attack_app.test_client()
    sign_in(client)
    query = {"region": "Southern Europe"}
    page = html.unescape(client.get("/network/", query_string=query).get_data(as_text=True))
    headline = page.split('data-testid="headline-table"')[1].split("</table>")[0]
    assert headline.count('data-reason="differencing"') == len(INDICATORS)
    assert "withheld: it could be subtracted from another figure" in headline
    table = page.split('data-testid="groups-eu_member"')[1].split("</table>")[0]
    row = table.split('<th scope="row">EU member</th>')[1].split("</tr>")[0]
    assert '<td class="table__cell--numeric">5</td>' in row
    document = json.loads(client.get("/network/export/aggregates.json", query_string=query).data)
    region = document["groups"][0]
    assert (region["suppressed"], region["n"], region["reason"]) == (True, None, "differencing")
    eu_row = next(g for g in document["groups"] if g["group"] == "EU member")
    assert (eu_row["suppressed"], eu_row["n"]) == (False, 5)
    assert "subtracted" in document["suppression"]
