"""A city's context: who it is, where, how large. Peers are matched on this."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = ["SIZE_BANDS", "CityProfile", "size_band"]

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]

#: Population bands used for grouping and anonymous labels: (lower bound, label).
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "under 100k"),
    (100_000, "100k–250k"),
    (250_000, "250k–500k"),
    (500_000, "0.5–1M"),
    (1_000_000, "1–5M"),
    (5_000_000, "over 5M"),
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


def size_band(population: int) -> str:
    """The label of the population band ``population`` falls in."""
    label = SIZE_BANDS[0][1]
    for lower, name in SIZE_BANDS:
        if population >= lower:
            label = name
    return label
