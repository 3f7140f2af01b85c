"""The feature matrix peers are matched on, and the weight presets.

Two blocks of features, each scaled to about 0–1:

* **context** — log10 population (10,000 → 0, 50 million → 1), world region (the M49
  sub-region), continent (the M49 region it belongs to), EU member, capital, and log
  international team size with a missing-indicator;
* **capacity** — each dimension score ÷ 100; a dimension the city did not assess (all N/A) is
  filled with the pool median, as scikit-learn's ``SimpleImputer`` would.

The region and the continent are categorical columns holding codes: a different value adds
exactly 1 (× weight²) to the squared distance, as a one-hot block scaled by 1/√2 would, but
:class:`~benchmark.neighbors.WeightedNeighbors` handles them without 20-odd sparse columns.
Together they make the region a hierarchy: a city of the same sub-region adds nothing, one of
another sub-region on the same continent adds the region weight², one on another continent adds
the region weight² and the continent weight².

Scales are fixed rather than fitted to the pool, so that a preset's weights mean the same thing
in a 30-city network and in a 100,000-city benchmark. Only the region list and the fill values
are learned from the pool (:meth:`FeatureSpace.fit`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from benchmark.countries import continent_of
from benchmark.privacy import shown_profile
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord, ScoreSummary
from benchmark.wording import N_
from rules import Scorecard, text_in
from rules.locale import phrase
from rules.model import Text

__all__ = [
    "CONTEXT_LABELS",
    "DEFAULT_PRESETS",
    "Block",
    "BlockWeights",
    "Feature",
    "FeatureSpace",
    "Mode",
    "PoolColumns",
    "Preset",
    "PresetBook",
    "load_presets",
    "score_arrays",
]

DEFAULT_PRESETS = Path(__file__).with_name("presets.yaml")

Block = Literal["context", "capacity"]
Mode = Literal["comparable", "same_stage"]

#: Context features in column order, with the human name used in explanations (English:
#: :meth:`Feature.shown_label` translates it where it is shown).
CONTEXT_LABELS: dict[str, str] = {
    "population": N_("population"),
    "region": N_("world region"),
    "continent": N_("continent"),
    "eu_member": N_("EU membership"),
    "capital": N_("capital city"),
    "team_size": N_("international team size"),
}

_LOG_POP_RANGE = (4.0, math.log10(50_000_000))  # 10,000 … the profile's maximum population
_LOG_TEAM_TOP = math.log1p(100.0)  # 100 FTE and more count as the top of the scale
#: An unknown team size on one side adds 0.5² beyond the imputed value's difference: a small
#: penalty, because "not given" says little about the team.
_MISSING_SCALE = 0.5
_OTHER_REGION = "(other region)"
_CATEGORICAL = frozenset({"region", "continent"})


class BlockWeights(BaseModel):
    """How much each block counts in one mode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    context: float = Field(ge=0, le=100)
    capacity: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _something_counts(self) -> BlockWeights:
        if self.context == 0 and self.capacity == 0:
            raise ValueError("at least one of context and capacity must have a weight above 0")
        return self


class Preset(BaseModel):
    """A named set of feature and block weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    features: dict[str, float] = Field(default_factory=dict)
    blocks: dict[Mode, BlockWeights]

    @model_validator(mode="after")
    def _check(self) -> Preset:
        for name, weight in self.features.items():
            if not (0 <= weight <= 100) or math.isnan(weight):
                raise ValueError(f"feature weight {name}: {weight} is not between 0 and 100")
        missing = {"comparable", "same_stage"} - self.blocks.keys()
        if missing:
            raise ValueError(f"blocks: give weights for mode(s) {', '.join(sorted(missing))}")
        return self

    def feature_weight(self, name: str) -> float:
        """The weight of feature ``name``; features not named weigh 1."""
        return self.features.get(name, 1.0)


class PresetBook(BaseModel):
    """The presets file: name → preset; must contain ``default``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    presets: dict[str, Preset]

    @model_validator(mode="after")
    def _has_default(self) -> PresetBook:
        if "default" not in self.presets:
            raise ValueError("presets: a preset named 'default' is required")
        return self

    def get(self, name: str) -> Preset:
        """The preset called ``name``; ValueError listing the names when there is none."""
        try:
            return self.presets[name]
        except KeyError:
            known = ", ".join(sorted(self.presets))
            raise ValueError(f"unknown preset {name!r}; choose one of: {known}") from None


def load_presets(path: Path | str = DEFAULT_PRESETS) -> PresetBook:
    """Read and validate a presets file; ValueError saying which file and field is wrong."""
    return _load_presets(Path(path).resolve())


@cache
def _load_presets(path: Path) -> PresetBook:
    try:
        return PresetBook.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the presets file: {exc}") from exc
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"{path}: invalid presets: {details}") from exc


@dataclass(frozen=True)
class PoolColumns:
    """The pool as arrays, one row per city: what peer matching needs, without records.

    Built by :meth:`from_records`, population and team size are the figures other cities may
    see: the bands' midpoints for a city that is not named (:mod:`benchmark.privacy`).
    """

    ids: NDArray[np.object_]  # (n,) str
    population: NDArray[np.float64]  # (n,)
    region: NDArray[np.object_]  # (n,) str
    eu_member: NDArray[np.bool_]  # (n,)
    capital: NDArray[np.bool_]  # (n,)
    team_size: NDArray[np.float64]  # (n,) FTE, NaN when not given
    scores: NDArray[np.float64]  # (n, dimensions) 0–100, NaN when not assessed
    levels: NDArray[np.int8]  # (n, dimensions) 0 when not assessed
    dimension_ids: tuple[str, ...]
    #: (n,) str: each record's city key (:attr:`PoolRecord.city_key`); None when the pool is
    #: known to hold one record per city. With keys, :class:`~benchmark.peers.PeerFinder`
    #: keeps each city's latest assessment only.
    city_keys: NDArray[np.object_] | None = None
    #: (n,) datetime64[D]: when each record was assessed; needed with ``city_keys``.
    assessed_on: NDArray[np.datetime64] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: NDArray[np.intp]) -> PoolColumns:
        """The columns of ``rows`` only, in that order."""
        arrays = {
            f.name: getattr(self, f.name)[rows]
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return replace(self, **arrays)

    @classmethod
    def from_records(
        cls, records: Sequence[PoolRecord], dimension_ids: Sequence[str] | None = None
    ) -> PoolColumns:
        """Columns of ``records``; dimensions default to the first record's, in its order.

        Each city's context is as other cities may see it (:func:`~benchmark.privacy.
        shown_profile`): a city that is not named has its size band's and its team band's
        midpoints for population and team size, so that nothing matched on these columns
        (distances, ranking, size ranges, the team fill value) depends on its exact figures.
        """
        if dimension_ids is None:
            dimension_ids = list(records[0].scores.dimensions) if len(records) else []
        dims = tuple(dimension_ids)
        profiles = [shown_profile(r) for r in records]
        scores, levels = zip(*(score_arrays(r.scores, dims) for r in records), strict=True)
        return cls(
            ids=np.array([r.id for r in records], dtype=object),
            population=np.array([p.population for p in profiles], dtype=np.float64),
            region=np.array([p.region for p in profiles], dtype=object),
            eu_member=np.array([p.eu_member for p in profiles], dtype=bool),
            capital=np.array([p.capital for p in profiles], dtype=bool),
            team_size=np.array([np.nan if p.team_size is None else p.team_size for p in profiles]),
            scores=np.array(scores, dtype=np.float64).reshape(len(records), len(dims)),
            levels=np.array(levels, dtype=np.int8).reshape(len(records), len(dims)),
            dimension_ids=dims,
            city_keys=np.array([r.city_key for r in records], dtype=object),
            assessed_on=np.array([r.assessed_on for r in records], dtype="datetime64[D]"),
        )


def score_arrays(
    scores: ScoreSummary | Scorecard, dimension_ids: Sequence[str]
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Scores (NaN when not assessed) and levels (0 when not assessed) in dimension order.

    Raises ValueError when the scores lack one of ``dimension_ids`` (another rulebook).
    """
    summary = ScoreSummary.of(scores) if isinstance(scores, Scorecard) else scores
    missing = [d for d in dimension_ids if d not in summary.dimensions]
    if missing:
        raise ValueError(f"the scores have no dimension(s) {', '.join(missing)}")
    dims = [summary.dimensions[d] for d in dimension_ids]
    return (
        np.array([np.nan if d.score is None else d.score for d in dims], dtype=np.float64),
        np.array([d.level or 0 for d in dims], dtype=np.int8),
    )


@dataclass(frozen=True)
class Feature:
    """One explainable feature: its columns ``start:stop`` in the matrix, and its human name."""

    name: str
    #: English for a context feature; a dimension's title as given to the fit (a rulebook
    #: text, language → text, or plain text). A fitted finder serves readers of every
    #: language: :meth:`shown_label` resolves it when a peer is explained.
    label: Text
    block: Block
    start: int
    stop: int
    categorical: bool = False  # one column of category codes: equal adds 0, different 1

    def shown_label(self) -> str:
        """The human name in the context's language."""
        if self.block == "context" and isinstance(self.label, str):
            return phrase(self.label)
        return text_in(self.label)


@dataclass(frozen=True)
class FeatureSpace:
    """The column layout learned from a pool; turns pools and single cities into rows."""

    regions: tuple[str, ...]  # sorted, then the catch-all for regions not in the pool
    continents: tuple[str, ...]  # likewise
    dimension_ids: tuple[str, ...]
    team_fill: float  # scaled median team size, for cities that did not give one
    capacity_fill: NDArray[np.float64]  # (dimensions,) pool median score ÷ 100
    features: tuple[Feature, ...]

    @classmethod
    def fit(
        cls, columns: PoolColumns, dimension_titles: Mapping[str, Text] | None = None
    ) -> FeatureSpace:
        """Learn the regions and fill values of ``columns``; ``dimension_titles`` are kept as
        given (a rulebook text is read in the reader's language when shown)."""
        titles: dict[str, Text] = dict(dimension_titles or {})
        names = set(columns.region.tolist())
        regions = (*sorted(names), _OTHER_REGION)
        continents = (*sorted({continent_of(r) for r in names}), _OTHER_REGION)
        team = _scale_team(columns.team_size)
        known_team = team[~np.isnan(team)]
        fill = [_median_or(col[~np.isnan(col)] / 100.0, 0.5) for col in columns.scores.T]
        widths = dict.fromkeys(CONTEXT_LABELS, 1) | {"team_size": 2}
        named: list[tuple[str, Text, str, int]] = [
            (n, CONTEXT_LABELS[n], "context", widths[n]) for n in CONTEXT_LABELS
        ]
        named += [(d, titles.get(d, d), "capacity", 1) for d in columns.dimension_ids]
        stops = np.cumsum([w for *_, w in named]).tolist()
        features = tuple(
            Feature(name, label, block, stop - width, stop, name in _CATEGORICAL)  # type: ignore[arg-type]
            for (name, label, block, width), stop in zip(named, stops, strict=True)
        )
        return cls(
            regions=regions,
            continents=continents,
            dimension_ids=columns.dimension_ids,
            team_fill=_median_or(known_team, 0.0),
            capacity_fill=np.asarray(fill, dtype=np.float64),
            features=features,
        )

    @property
    def n_columns(self) -> int:
        """Width of the matrix."""
        return self.features[-1].stop

    def matrix(self, columns: PoolColumns) -> NDArray[np.float32]:
        """The ``(n, n_columns)`` float32 feature matrix of a pool."""
        out = np.zeros((len(columns), self.n_columns), dtype=np.float32)
        out[:, 0] = _scale_population(columns.population)
        out[:, 1:3] = self._region_codes(columns.region)
        self._fill_rest(out, columns.eu_member, columns.capital, columns.team_size, columns.scores)
        return out

    def row(
        self, profile: CityProfile, scores: ScoreSummary | Scorecard | None = None
    ) -> NDArray[np.float32]:
        """The feature row of one city; without scores, capacity takes the pool medians.

        float32 like :meth:`matrix`, so that a city and its own row in the pool are identical.
        """
        values = None if scores is None else score_arrays(scores, self.dimension_ids)[0]
        return self.row_of(profile, values)

    def row_of(
        self, profile: CityProfile, values: NDArray[np.float64] | None
    ) -> NDArray[np.float32]:
        """:meth:`row` from the scores as :func:`score_arrays` gives them (NaN when not
        assessed), for callers that hold them already."""
        out = np.zeros((1, self.n_columns), dtype=np.float32)
        out[0, 0] = _scale_population(np.array([profile.population], dtype=np.float64))[0]
        out[0, 1:3] = self._region_codes(np.array([profile.region], dtype=object))[0]
        if values is None:
            values = np.full(len(self.dimension_ids), np.nan)
        team = np.nan if profile.team_size is None else profile.team_size
        self._fill_rest(
            out,
            np.array([profile.eu_member]),
            np.array([profile.capital]),
            np.array([team], dtype=np.float64),
            values[None, :],
        )
        return out[0]

    def column_weights(
        self, preset: Preset, mode: Mode, overrides: Mapping[str, float] | None = None
    ) -> NDArray[np.float64]:
        """Per-column multipliers: block weight of ``mode`` × feature weight.

        ``overrides`` replace the preset's weights of the features they name. Raises
        ValueError for a feature name that does not exist or a negative weight.
        """
        overrides = dict(overrides or {})
        known = {f.name for f in self.features}
        unknown = sorted(set(preset.features) - known) + sorted(set(overrides) - known)
        if unknown:
            raise ValueError(
                f"unknown feature(s) {', '.join(unknown)} in weights; "
                f"known features: {', '.join(sorted(known))}"
            )
        bad = {k: v for k, v in overrides.items() if not 0 <= v < math.inf}
        if bad:
            raise ValueError(f"feature weights must be finite and ≥ 0, got {bad}")
        blocks = preset.blocks[mode]
        weights = np.zeros(self.n_columns, dtype=np.float64)
        for f in self.features:
            weight = overrides.get(f.name, preset.feature_weight(f.name))
            weights[f.start : f.stop] = getattr(blocks, f.block) * weight
        return weights

    def _region_codes(self, regions: NDArray[np.object_]) -> NDArray[np.intp]:
        """``(n, 2)`` codes of each region and of its continent."""
        continents = np.array([continent_of(r) for r in regions.tolist()], dtype=object)
        return np.column_stack(
            [_codes(regions, self.regions), _codes(continents, self.continents)]
        )

    def _fill_rest(
        self,
        out: NDArray[np.floating],
        eu_member: NDArray[np.bool_],
        capital: NDArray[np.bool_],
        team_size: NDArray[np.float64],
        scores: NDArray[np.float64],
    ) -> None:
        start = 3  # after population, region and continent
        out[:, start] = eu_member
        out[:, start + 1] = capital
        team = _scale_team(team_size)
        missing = np.isnan(team)
        out[:, start + 2] = np.where(missing, self.team_fill, team)
        out[:, start + 3] = missing * _MISSING_SCALE
        capacity = scores / 100.0
        out[:, start + 4 :] = np.where(np.isnan(capacity), self.capacity_fill, capacity)


def _codes(values: NDArray[np.object_], names: tuple[str, ...]) -> NDArray[np.intp]:
    """The index of each value in ``names``; the last name (the catch-all) for the others."""
    other = len(names) - 1
    known = np.array(names[:-1], dtype=object)
    if not known.size:
        return np.full(len(values), other, dtype=np.intp)
    codes = np.minimum(np.searchsorted(known, values), len(known) - 1)
    return np.where(known[codes] == values, codes, other).astype(np.intp)


def _median_or(values: NDArray[np.float64], default: float) -> float:
    # np.nanmedian would warn on an all-NaN column; a dimension nobody assessed gets `default`.
    return float(np.median(values)) if values.size else default


def _scale_population(population: NDArray[np.float64]) -> NDArray[np.float64]:
    low, high = _LOG_POP_RANGE
    scaled = (np.log10(np.maximum(population, 1.0)) - low) / (high - low)
    return np.clip(scaled, 0.0, 1.0)


def _scale_team(team_size: NDArray[np.float64]) -> NDArray[np.float64]:
    # NaN (not given) passes through every step as NaN, without a warning.
    return np.clip(np.log1p(np.maximum(team_size, 0.0)) / _LOG_TEAM_TOP, 0.0, 1.0)
