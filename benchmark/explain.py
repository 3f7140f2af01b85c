"""What a peer query returns, and the plain-language reasons behind each peer.

The models are pydantic, so the web layer renders them and dumps them to JSON as they are.
Privacy (DESIGN §4) is applied here: a peer that did not consent is described by its size band
and region only, and no aggregate (the peer median) is shown over fewer than
:data:`~benchmark.privacy.MIN_GROUP_SIZE` cities. Its figures (distance, contributions, reasons)
are worked out from its bands (:func:`~benchmark.privacy.shown_profile`), never from its exact
population or team size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from benchmark.countries import continent_of
from benchmark.privacy import MIN_GROUP_SIZE, suppressed
from benchmark.profile import SIZE_BANDS, CityProfile, team_band
from benchmark.wording import N_, band_name, decimal_text, region_name
from rules.locale import phrase, plural_phrase

__all__ = [
    "AT_MEDIAN_MARGIN",
    "Contribution",
    "DimensionPosition",
    "LearnTarget",
    "Peer",
    "PeerGroup",
    "context_reasons",
    "population_text",
    "positions",
    "stage_reasons",
    "stage_reasons_many",
]

#: A score within this many points of the peer median counts as "at" the median.
AT_MEDIAN_MARGIN = 5.0
#: Two populations (or team sizes) count as similar when the larger is at most this × the other.
SIMILAR_RATIO = 1.5

#: Position of each size band, smallest first.
_SIZE_ORDER = {label: i for i, (_, label) in enumerate(SIZE_BANDS)}

QueryMode = Literal["comparable", "same_stage", "learn_from"]
Position = Literal["above", "at", "below", "not assessed", "too few peers"]
#: Each position in words (it completes "You are …" in the positions table), English: shown
#: in the reader's language.
POSITION_TEXTS: dict[Position, str] = {
    "above": N_("above"),
    "at": N_("at"),
    "below": N_("below"),
    "not assessed": N_("not assessed"),
    "too few peers": N_("too few peers"),
}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Contribution(_Out):
    """One feature's term of the squared distance between the city and a peer.

    For a peer that is not named, population and team size terms are those of its bands'
    midpoints, not of its exact figures.
    """

    feature: str
    label: str = Field(description="human name of the feature")
    value: float = Field(description="term of the squared distance; the terms add up to it")


class LearnTarget(_Out):
    """Why a peer is one to learn from: the dimension where it is ahead."""

    dimension: str
    label: str
    peer_level: int
    city_level: int | None


class Peer(_Out):
    """One peer city, with the explanation of why it was chosen."""

    id: str = Field(description="record id in the pool")
    name: str = Field(description="the name if the city consented, else an anonymous label")
    named: bool = Field(description="True when the city consented to be named")
    demo: bool = Field(description="True for fictional demo cities")
    distance: float = Field(
        description="sqrt(squared_distance); for a city not named, from its size and team "
        "bands' midpoints, not its exact population and team size"
    )
    squared_distance: float = Field(description="sum of the contributions")
    contributions: list[Contribution]
    reasons: list[str]
    levels: dict[str, int | None] = Field(description="the peer's level per dimension")
    target: LearnTarget | None = None


class DimensionPosition(_Out):
    """The city's score in one dimension against the median of its peers."""

    dimension: str
    label: str
    city_score: float | None
    peer_median: float | None = Field(description="None when fewer than 5 peers are assessed")
    peers_assessed: int
    position: Position
    position_text: str = Field(description="the position in words, in the reader's language")


class PeerGroup(_Out):
    """The answer to one question: comparable cities, same stage, or cities to learn from."""

    mode: QueryMode
    preset: str
    target: str | None = Field(default=None, description="learn-from: the weak dimension")
    peers: list[Peer]
    positions: list[DimensionPosition] = Field(
        description="the city against the peer median; empty when the group is too small"
    )
    note: str | None = None


def population_text(population: float) -> str:
    """Population in short form: '85k', '0.45M', '1.2M' (in French '0,45M')."""
    if population >= 1_000_000:
        millions = f"{population / 1e6:.1f}"
        return phrase("%(number)sM", number=decimal_text(millions))
    if population >= 100_000:
        millions = f"{population / 1e6:.2f}".rstrip("0").rstrip(".")
        return phrase("%(number)sM", number=decimal_text(millions))
    thousands = f"{population / 1e3:.0f}"
    return phrase("%(number)sk", number=thousands)


def context_reasons(city: CityProfile, peer: CityProfile, named: bool) -> list[str]:
    """Plain-language likenesses and differences of context.

    A peer that is not named is compared by its bands only: its size band and team band
    against the city's, never its figures, so that no reason changes within a band (``peer``
    may be its exact profile or :func:`~benchmark.privacy.shown_profile`'s: the same bands).
    """
    reasons = [_region(city, peer), _size(city, peer, named)]
    if city.eu_member == peer.eu_member:
        both = phrase("both EU members") if city.eu_member else phrase("both outside the EU")
        reasons.append(both)
    elif peer.eu_member:
        reasons.append(phrase("an EU member, unlike you"))
    else:
        reasons.append(phrase("outside the EU, unlike you"))
    if city.capital and peer.capital:
        reasons.append(phrase("both national capitals"))
    elif city.capital != peer.capital:
        reasons.append(
            phrase("a capital, unlike you")
            if peer.capital
            else phrase("not a capital, unlike you")
        )
    team = _team(city.team_size, peer.team_size, named)
    return [*reasons, team] if team else reasons


def stage_reasons(
    city_levels: Sequence[int], peer_levels: Sequence[int], labels: Sequence[str]
) -> list[str]:
    """How alike two capacity profiles are: shared levels, and the largest gap.

    Levels are per dimension, 0 when not assessed (such dimensions are left out).
    """
    return stage_reasons_many(city_levels, [peer_levels], labels)[0]


def stage_reasons_many(
    city_levels: Sequence[int] | NDArray[np.integer],
    peer_levels: Sequence[Sequence[int]] | NDArray[np.integer],
    labels: Sequence[str],
) -> list[list[str]]:
    """:func:`stage_reasons` of each row of ``peer_levels`` (peers × dimensions).

    Array operations over all peers at once: a query explains ten peers or more, and a
    Python loop over their dimensions cost more than finding them.
    """
    city = np.asarray(city_levels, dtype=np.int64)
    peers = np.asarray(peer_levels, dtype=np.int64)
    if not len(peers):
        return []
    if peers.shape != (len(peers), city.size):
        raise ValueError(f"peer levels of shape {peers.shape}; expected {city.size} per peer")
    both = (city > 0) & (peers > 0)
    same = np.sum(both & (peers == city), axis=1).tolist()
    assessed = np.sum(both, axis=1).tolist()
    gaps = np.where(both, peers - city, 0)
    # The first of the largest gaps, as max() over the dimensions picks it.
    widest = np.argmax(np.abs(gaps), axis=1).tolist() if city.size else [0] * len(peers)
    city_list, peer_rows, gap_rows = city.tolist(), peers.tolist(), gaps.tolist()
    out = []
    for n_same, n_both, d, peer, gap in zip(
        same, assessed, widest, peer_rows, gap_rows, strict=True
    ):
        reasons = [
            plural_phrase(
                "same level in %(same)s of %(num)s dimension",
                "same level in %(same)s of %(num)s dimensions",
                n_both,
                same=n_same,
            )
        ]
        if gap and gap[d]:
            levels = {"dimension": labels[d], "peer": peer[d], "city": city_list[d]}
            if gap[d] > 0:
                reasons.append(
                    phrase("ahead in %(dimension)s (level %(peer)s vs your %(city)s)", **levels)
                )
            else:
                reasons.append(
                    phrase("behind in %(dimension)s (level %(peer)s vs your %(city)s)", **levels)
                )
        out.append(reasons)
    return out


def positions(
    city_scores: NDArray[np.float64] | None,
    peer_scores: NDArray[np.floating],
    dimension_ids: Sequence[str],
    labels: Sequence[str],
) -> tuple[list[DimensionPosition], str | None]:
    """The city against the median of ``peer_scores`` (peers × dimensions), with a note.

    Nothing is shown for a group of fewer than MIN_GROUP_SIZE peers, nor a median over fewer
    than that many assessed peers in one dimension.
    """
    if city_scores is None:
        return [], phrase("no scores given: no comparison with the peers")
    if suppressed(len(peer_scores)):
        return [], plural_phrase(
            "fewer than %(num)s peer: no comparison shown, for their privacy",
            "fewer than %(num)s peers: no comparison shown, for their privacy",
            MIN_GROUP_SIZE,
        )
    assessed, medians = _column_medians(np.asarray(peer_scores, dtype=np.float64))
    out = []
    for d, (dim, label) in enumerate(zip(dimension_ids, labels, strict=True)):
        median = None if suppressed(int(assessed[d])) else float(medians[d])
        city = None if np.isnan(city_scores[d]) else float(city_scores[d])
        position = _position(city, median)
        out.append(
            DimensionPosition(
                dimension=dim,
                label=label,
                city_score=city,
                peer_median=median,
                peers_assessed=int(assessed[d]),
                position=position,
                position_text=phrase(POSITION_TEXTS[position]),
            )
        )
    return out, None


def _column_medians(values: NDArray[np.float64]) -> tuple[NDArray[np.int_], NDArray[np.float64]]:
    """Count and median of the non-NaN values of each column (NaN when a column has none).

    One sort for all columns: NaN sorts last, so each column's values lead its sorted column.
    """
    assessed = np.sum(~np.isnan(values), axis=0)
    if not values.size:
        return assessed, np.full(values.shape[1], np.nan)
    ordered = np.sort(values, axis=0)
    low, high = np.maximum(assessed - 1, 0) // 2, assessed // 2  # equal for odd counts
    columns = np.arange(values.shape[1])
    medians = (ordered[low, columns] + ordered[np.minimum(high, len(values) - 1), columns]) / 2
    return assessed, np.where(assessed > 0, medians, np.nan)


def _position(city: float | None, median: float | None) -> Position:
    if city is None:
        return "not assessed"
    if median is None:
        return "too few peers"
    if abs(city - median) <= AT_MEDIAN_MARGIN:
        return "at"
    return "above" if city > median else "below"


def _region(city: CityProfile, peer: CityProfile) -> str:
    region = region_name(peer.region)
    if city.region == peer.region:
        return phrase("same region (%(region)s)", region=region)
    if continent_of(city.region) == continent_of(peer.region):
        return phrase("same continent, another region (%(region)s)", region=region)
    return phrase("another continent (%(region)s)", region=region)


def _similar(a: float, b: float) -> bool:
    return max(a, b) <= SIMILAR_RATIO * min(a, b)


def _size(city: CityProfile, peer: CityProfile, named: bool) -> str:
    yours = population_text(city.population)
    if named:
        theirs = population_text(peer.population)
        if _similar(city.population, peer.population):
            return phrase("similar size %(theirs)s vs %(yours)s", theirs=theirs, yours=yours)
        step = 1 if peer.population > city.population else -1
    else:
        # By band, so that where the reason changes tells no more than the band.
        theirs = band_name(peer.size_band)
        step = _SIZE_ORDER[peer.size_band] - _SIZE_ORDER[city.size_band]
        if step == 0:
            return phrase("similar size %(theirs)s vs %(yours)s", theirs=theirs, yours=yours)
    if step > 0:
        return phrase("larger: %(theirs)s vs %(yours)s", theirs=theirs, yours=yours)
    return phrase("smaller: %(theirs)s vs %(yours)s", theirs=theirs, yours=yours)


def _team(city: float | None, peer: float | None, named: bool) -> str | None:
    if city is None or peer is None:
        return None
    if not named:  # by band, as the size
        band = team_band(peer)
        if band != team_band(city):
            return None
        return phrase("similar international team size (%(band)s)", band=band_name(band))
    if not (_similar(city + 1, peer + 1)):  # +1: half an FTE and one FTE are alike
        return None
    return phrase(
        "similar international team (%(theirs)s vs %(yours)s FTE)",
        theirs=decimal_text(f"{peer:g}"),
        yours=decimal_text(f"{city:g}"),
    )
