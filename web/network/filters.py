"""The dashboard's filters (region, size band, EU membership, demo data), read from a GET query.

The same query string drives the dashboard and its export links, so a download holds the
figures the page shows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from benchmark.profile import SIZE_BANDS
from web.assessment.forms import FieldError

__all__ = ["EU_CHOICES", "SIZE_BAND_LABELS", "Filters", "parse_filters"]

SIZE_BAND_LABELS: tuple[str, ...] = tuple(label for _, label in SIZE_BANDS)
#: query value → EU membership
EU_CHOICES: dict[str, bool] = {"yes": True, "no": False}


@dataclass(frozen=True)
class Filters:
    """Which cities the figures cover; None means any. The figures are computed from the
    whole pool and these filters (see :func:`web.network.picture.pool_picture`), never from
    records filtered beforehand: what may be shown is planned over the whole pool."""

    region: str | None = None
    size_band: str | None = None
    eu_member: bool | None = None
    exclude_demo: bool = False

    def query(self) -> dict[str, str]:
        """The filters as query arguments, for links that keep them."""
        args: dict[str, str] = {}
        if self.region is not None:
            args["region"] = self.region
        if self.size_band is not None:
            args["size_band"] = self.size_band
        if self.eu_member is not None:
            args["eu"] = "yes" if self.eu_member else "no"
        if self.exclude_demo:
            args["exclude_demo"] = "1"
        return args

    @property
    def any(self) -> bool:
        """True when any filter narrows the pool."""
        return bool(self.query())


def parse_filters(
    args: Mapping[str, str], regions: Collection[str]
) -> tuple[Filters, list[FieldError]]:
    """Filters from query ``args``; an unknown value is dropped and reported."""
    errors: list[FieldError] = []
    region = args.get("region", "").strip() or None
    if region is not None and region not in regions:
        errors.append(FieldError("region", "f-region", _("Choose a region from the list")))
        region = None
    band = args.get("size_band", "").strip() or None
    if band is not None and band not in SIZE_BAND_LABELS:
        errors.append(FieldError("size_band", "f-size-band", _("Choose a size from the list")))
        band = None
    eu_value = args.get("eu", "").strip()
    if eu_value and eu_value not in EU_CHOICES:
        errors.append(FieldError("eu", "f-eu", _("Choose EU members, others, or any")))
        eu_value = ""
    filters = Filters(
        region=region,
        size_band=band,
        eu_member=EU_CHOICES.get(eu_value),
        exclude_demo=args.get("exclude_demo") == "1",
    )
    return filters, errors
