"""A city's context: who it is, where, how large. Peers are matched on this."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from benchmark.names import normalise
from benchmark.wording import N_

__all__ = [
    "SIZE_BANDS",
    "TEAM_BANDS",
    "TEAM_QUESTION",
    "CityProfile",
    "city_key",
    "size_band",
    "team_answer",
    "team_band",
]

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]

#: Population bands used for grouping and anonymous labels: (lower bound, label). The labels
#: are data (English); :func:`benchmark.wording.band_name` shows one in the reader's language.
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, N_("under 100k")),
    (100_000, N_("100k–250k")),
    (250_000, N_("250k–500k")),
    (500_000, N_("0.5–1M")),
    (1_000_000, N_("1–5M")),
    (5_000_000, N_("over 5M")),
)

#: International team bands, in FTE: (lower bound, label). The options of the rulebook's
#: ``staff.team_size`` question: the coarsest figure a city that is not named is seen by is the
#: band its own answer scores in.
TEAM_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, N_("under 0.5 FTE")),
    (0.5, N_("0.5–1 FTE")),
    (1.0, N_("1–3 FTE")),
    (3.0, N_("3–10 FTE")),
    (10.0, N_("10 FTE or more")),
)


class CityProfile(BaseModel):
    """The context of a city, as used to find comparable cities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 code")
    region: str = Field(min_length=1, description="UN M49 sub-region, e.g. 'Southern Europe'")
    population: int = Field(gt=0, le=50_000_000)
    capital: bool = False
    eu_member: bool = False
    team_size: float | None = Field(
        default=None, ge=0, le=10_000, description="full-time staff on international work"
    )
    geonameid: int | None = Field(default=None, description="GeoNames id, when picked from it")

    @property
    def size_band(self) -> str:
        """The population band label, e.g. '0.5–1M'."""
        return size_band(self.population)

    @property
    def key(self) -> str:
        """The city's stable key: see :func:`city_key`."""
        return city_key(self.name, self.country, self.geonameid)


def city_key(name: str, country: str, geonameid: int | None = None) -> str:
    """A key that names one city, whichever assessment or import it comes from.

    The GeoNames id when the city was picked from the gazetteer (``geonames:2988507``),
    otherwise the country and the name as :func:`~benchmark.names.normalise` folds it
    (``FR:saint etienne`` for "Saint-Étienne", FR). A city entered by hand once and picked
    from the gazetteer another time has two keys: storage can match them up by name and
    country (the GeoNames id then wins).

    >>> city_key("Saint-Étienne", "fr")
    'FR:saint etienne'
    >>> city_key("Paris", "FR", 2988507)
    'geonames:2988507'
    """
    if geonameid is not None:
        return f"geonames:{geonameid}"
    return f"{country.strip().upper()}:{normalise(name)}"


def size_band(population: float) -> str:
    """The label of the population band ``population`` falls in."""
    return _band(SIZE_BANDS, population)


def team_band(team_size: float) -> str:
    """The label of the team band (FTE) ``team_size`` falls in.

    >>> team_band(2.5)
    '1–3 FTE'
    """
    return _band(TEAM_BANDS, team_size)


def _band(bands: tuple[tuple[float, str], ...], value: float) -> str:
    label = bands[0][1]
    for lower, name in bands:
        if value >= lower:
            label = name
    return label


#: The one question that asks for the international team's size. A profile's team size, used
#: to compare cities, is this answer (asked once: never two figures that disagree).
TEAM_QUESTION = "staff.team_size"


def team_answer(answers: Mapping[str, Any]) -> float | None:
    """The team size (FTE) answered to :data:`TEAM_QUESTION`; None for "don't know", "not
    applicable" or no answer."""
    raw = answers.get(TEAM_QUESTION)
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
