"""The feature matrix and the weight presets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pools import planted_pool, random_pool

from benchmark.features import (
    CONTEXT_LABELS,
    BlockWeights,
    FeatureSpace,
    PoolColumns,
    Preset,
    load_presets,
)
from benchmark.privacy import shown_profile
from benchmark.profile import CityProfile
from rules import Rulebook, load_rulebook, text_in


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def pool(book):
    return random_pool(book, 60, seed=3)


@pytest.fixture(scope="module")
def space(pool, book) -> FeatureSpace:
    titles = {d.id: text_in(d.title) for d in book.dimensions}
    return FeatureSpace.fit(PoolColumns.from_records(pool), titles)


def test_shipped_presets_load_and_name_the_three_documented_ones():
    book = load_presets()
    assert {"default", "size_first", "europe_network"} <= book.presets.keys()
    for preset in book.presets.values():
        assert preset.blocks["comparable"].capacity == 0, "comparable matches on context only"
        assert preset.blocks["comparable"].context > 0


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown preset 'nope'; choose one of: default"):
        load_presets().get("nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("presets: {}\n", "a preset named 'default' is required"),
        (
            "presets:\n  default:\n    description: x\n    blocks:\n"
            "      comparable: {context: 0, capacity: 0}\n"
            "      same_stage: {context: 1, capacity: 1}\n",
            "at least one of context and capacity",
        ),
        (
            "presets:\n  default:\n    description: x\n    features: {population: -1}\n"
            "    blocks:\n      comparable: {context: 1, capacity: 0}\n",
            "population: -1",
        ),
        ("presets: [\n", "cannot read the presets file"),
    ],
)
def test_a_broken_presets_file_says_which_file_and_what(tmp_path: Path, text, message):
    path = tmp_path / "presets.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ValueError, match=message) as info:
        load_presets(path)
    assert str(path) in str(info.value)


def test_every_feature_has_a_human_name_and_dimensions_use_their_titles(space, book):
    labels = {f.name: f.label for f in space.features}
    for name, label in CONTEXT_LABELS.items():
        assert labels[name] == label
    for dimension in book.dimensions:
        assert labels[dimension.id] == text_in(dimension.title)
    assert all(f.label for f in space.features)


def test_columns_are_contiguous_per_feature(space):
    stops = [f.start for f in space.features[1:]]
    assert stops == [f.stop for f in space.features[:-1]]
    assert space.features[0].start == 0


def test_a_city_row_equals_its_row_in_the_pool_matrix(pool, space):
    # A city not named is in the pool as it is shown: by its bands' midpoints.
    matrix = space.matrix(PoolColumns.from_records(pool))
    assert not all(r.consent_named for r in pool)
    for i, record in enumerate(pool):
        row = space.row(shown_profile(record), record.scores)
        np.testing.assert_allclose(matrix[i], row, atol=1e-6)


def test_population_is_log_scaled_on_a_fixed_range(space):
    rows = [
        space.row(CityProfile(name="x", country="FR", region="Western Europe", population=p))
        for p in (5_000, 10_000, 1_000_000, 50_000_000)
    ]
    assert [r[0] for r in rows] == pytest.approx([0.0, 0.0, 2 / math.log10(5000), 1.0])


def test_the_region_is_one_categorical_column_with_a_catch_all(space):
    def code(region: str) -> float:
        profile = CityProfile(name="x", country="FR", region=region, population=500_000)
        return float(space.row(profile)[region_feature.start])

    region_feature = next(f for f in space.features if f.name == "region")
    assert region_feature.categorical and region_feature.stop == region_feature.start + 1
    assert code("Western Europe") == space.regions.index("Western Europe")
    assert code("Western Europe") != code("Southern Europe")
    # Regions not in the pool share the catch-all code, which no pool city has.
    assert code("Micronesia") == code("Polynesia") == len(space.regions) - 1


def test_not_assessed_dimensions_take_the_pool_median(book):
    records, _ = planted_pool(book, per_group=5)
    columns = PoolColumns.from_records(records)
    space = FeatureSpace.fit(columns)
    eu = next(f for f in space.features if f.name == "eu")
    column = columns.scores[:, columns.dimension_ids.index("eu")]
    expected = np.median(column[~np.isnan(column)]) / 100
    profile = records[0].profile
    summary = records[0].scores.model_copy(
        update={
            "dimensions": {
                **records[0].scores.dimensions,
                "eu": records[0]
                .scores.dimensions["eu"]
                .model_copy(update={"score": None, "level": None}),
            }
        }
    )
    assert space.row(profile, summary)[eu.start] == pytest.approx(expected)


def test_a_missing_team_size_takes_the_median_and_sets_its_indicator(space):
    team = next(f for f in space.features if f.name == "team_size")
    profile = CityProfile(name="x", country="FR", region="Western Europe", population=500_000)
    row = space.row(profile)
    assert row[team.start] == pytest.approx(space.team_fill)
    assert row[team.start + 1] > 0
    given = space.row(profile.model_copy(update={"team_size": 3.0}))
    assert given[team.start + 1] == 0


def test_column_weights_follow_block_and_feature_weights(space):
    preset = Preset(
        description="test",
        features={"population": 2.0, "staff": 3.0},
        blocks={
            "comparable": BlockWeights(context=1.0, capacity=0.0),
            "same_stage": BlockWeights(context=0.5, capacity=1.0),
        },
    )
    by_name = {f.name: f for f in space.features}
    comparable = space.column_weights(preset, "comparable")
    stage = space.column_weights(preset, "same_stage", {"capital": 0.0})
    assert comparable[by_name["population"].start] == 2.0
    assert comparable[by_name["staff"].start] == 0.0
    assert stage[by_name["population"].start] == 1.0
    assert stage[by_name["staff"].start] == 3.0
    assert stage[by_name["capital"].start] == 0.0
    assert stage[by_name["strategy"].start] == 1.0


def test_unknown_feature_weights_are_refused(space):
    preset = load_presets().get("default")
    with pytest.raises(ValueError, match=r"unknown feature.*popultion.*known features"):
        space.column_weights(preset, "comparable", {"popultion": 2.0})
    with pytest.raises(ValueError, match="finite and ≥ 0"):
        space.column_weights(preset, "comparable", {"population": -1.0})
