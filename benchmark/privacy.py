"""Privacy rules: who may be named, how a city that is not named is seen, and how small a
group may be before it is hidden.

A city that did not consent to be named is seen by peer matching through its bands only:
:func:`shown_profile` replaces its population by the midpoint of its size band and its team
size by the midpoint of its team band. Everything another city is shown about it (distances,
contributions, reasons, its place in the ranking, whether it is similar enough in size to learn
from) is worked out from that profile, so no combination of answers tells more than the bands.
"""

from __future__ import annotations

import math
from itertools import pairwise

from benchmark.profile import SIZE_BANDS, TEAM_BANDS, CityProfile, size_band, team_band
from benchmark.record import PoolRecord
from benchmark.wording import band_name, region_name
from rules.locale import phrase

__all__ = [
    "BAND_POPULATION",
    "BAND_TEAM_SIZE",
    "MIN_GROUP_SIZE",
    "anonymous_label",
    "display_name",
    "shown_profile",
    "suppressed",
]

#: No aggregate is shown over fewer cities than this.
MIN_GROUP_SIZE = 5

# The open ends of the first and last bands: the population scale's floor (every smaller city
# looks the same to peer matching) and the profile's largest population; for teams, none and
# the top of the team scale (features.py).
_POPULATION_ENDS = (10_000, 50_000_000)
_TEAM_ENDS = (0.0, 100.0)


def _midpoints(lowers: list[float], ends: tuple[float, float], shift: float) -> list[float]:
    """Geometric midpoint of each band of ``value + shift`` (the scale features use), minus
    ``shift``: the point of the band nearest to all of it on that log scale."""
    edges = [ends[0], *lowers[1:], ends[1]]
    return [math.sqrt((low + shift) * (high + shift)) - shift for low, high in pairwise(edges)]


#: The population a city that is not named is seen with: the midpoint of its size band on the
#: log scale (e.g. 707,000 for 0.5–1M), rounded to the thousand.
BAND_POPULATION: dict[str, int] = {
    label: int(round(mid, -3))
    for (_, label), mid in zip(
        SIZE_BANDS, _midpoints([b for b, _ in SIZE_BANDS], _POPULATION_ENDS, 0.0), strict=True
    )
}
#: The team size (FTE) a city that is not named is seen with: the midpoint of its team band on
#: the log(1 + FTE) scale (e.g. 1.83 for 1–3 FTE), to two decimals.
BAND_TEAM_SIZE: dict[str, float] = {
    label: round(mid, 2)
    for (_, label), mid in zip(
        TEAM_BANDS, _midpoints([b for b, _ in TEAM_BANDS], _TEAM_ENDS, 1.0), strict=True
    )
}


def shown_profile(record: PoolRecord) -> CityProfile:
    """The profile other cities' peer queries see: the record's own when the city is named;
    otherwise its population and team size replaced by their bands' midpoints.

    >>> from benchmark.profile import CityProfile
    >>> profile = CityProfile(
    ...     name="X", country="DE", region="Western Europe", population=930_000, team_size=2.7
    ... )
    >>> record = PoolRecord.model_construct(profile=profile, consent_named=False)
    >>> shown = shown_profile(record)
    >>> (shown.population, shown.team_size, shown.size_band)
    (707000, 1.83, '0.5–1M')
    """
    profile = record.profile
    if record.consent_named:
        return profile
    team = None if profile.team_size is None else BAND_TEAM_SIZE[team_band(profile.team_size)]
    population = BAND_POPULATION[size_band(profile.population)]
    return profile.model_copy(update={"population": population, "team_size": team})


def anonymous_label(record: PoolRecord) -> str:
    """Describe a city without naming it: 'a city of 0.5–1M in Southern Europe' (in the
    reader's language)."""
    return phrase(
        "a city of %(size)s in %(region)s",
        size=band_name(record.profile.size_band),
        region=region_name(record.profile.region),
    )


def display_name(record: PoolRecord) -> str:
    """The name if the city consented to be named, else an anonymous label; demo is marked."""
    name = record.profile.name if record.consent_named else anonymous_label(record)
    return phrase("%(name)s (demo data)", name=name) if record.is_demo else name


def suppressed(count: int) -> bool:
    """True when a group of ``count`` cities is too small to show."""
    return count < MIN_GROUP_SIZE
