"""Downloads: anonymised aggregates (open data, CSV and JSON) and the full pool (admin only).

The aggregates hold only what :func:`benchmark.aggregates.aggregate_pool` and
:func:`~benchmark.aggregates.level_distribution` give, so the suppression rules (no figure over
fewer than 5 cities, and none that could be subtracted from other published figures, under
any filters, to reveal fewer than 5: :mod:`benchmark.differencing`) apply to every number
published. They follow the dashboard's filters.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import ngettext

from benchmark.aggregates import GroupRow
from benchmark.privacy import MIN_GROUP_SIZE
from benchmark.spreadsheet_safe import SafeCsvWriter
from rules import Rulebook
from web import state, storage
from web.client_limits import ClientLimit
from web.network.auth import Access, access, admin_required
from web.network.blueprint import bp
from web.network.current import current_picture
from web.network.picture import PoolPicture

__all__ = ["AGGREGATE_COLUMNS", "SUPPRESSION_NOTE", "aggregates_document", "aggregates_rows"]

#: How the documents say what is suppressed (the guarantee of :mod:`benchmark.differencing`).
SUPPRESSION_NOTE = (
    f"groups and figures over fewer than {MIN_GROUP_SIZE} cities are suppressed, and so is "
    "any figure that could be subtracted from other published figures (of any filters) to "
    f"reveal fewer than {MIN_GROUP_SIZE} cities: their counts and shares are null and "
    "'reason' says why ('too_few_cities' or 'differencing')"
)

AGGREGATE_COLUMNS = (
    "grouping",
    "group",
    "cities",
    "indicator",
    "label",
    "met",
    "n",
    "share",
    "suppressed",
    "includes_demo_data",
    "licence",
)


def aggregates_document(book: Rulebook, picture: PoolPicture, *, licence: str) -> dict[str, Any]:
    """The aggregates as a JSON-ready document, with licence, filters and references."""
    aggregates = picture.aggregates
    return {
        "title": "City diplomacy capacity: anonymised aggregates of the peer pool",
        "open_data": True,
        "licence": licence,
        "suppression": SUPPRESSION_NOTE,
        "generated_on": datetime.now(UTC).date().isoformat(),
        "rulebook": {"id": book.id, "version": book.version},
        "filters": picture.filters.query(),
        "cities": aggregates.cities,
        "demo_cities": aggregates.demo_cities,
        "include_demo": aggregates.include_demo,
        "min_group_size": aggregates.min_group_size,
        "indicators": [
            {
                "id": row.id,
                "label": row.label,
                "references": [r.model_dump() for r in row.references],
            }
            for row in picture.headline
        ],
        "groups": [row.model_dump() for row in aggregates.rows],
        "levels": picture.levels,
        "level_distribution": [row.model_dump() for row in picture.distribution],
        "trend": [row.model_dump() for row in picture.trend],
    }


def aggregates_rows(picture: PoolPicture, *, licence: str) -> Iterator[list[str]]:
    """One CSV row per group and indicator, after :data:`AGGREGATE_COLUMNS`."""
    aggregates = picture.aggregates
    labels = {row.id: row.label for row in picture.headline}
    demo = "yes" if aggregates.demo_cities else "no"
    years = [
        GroupRow(
            grouping="year",
            group=str(row.year),
            suppressed=row.suppressed,
            n=row.n,
            indicators=row.indicators,
            reason=row.reason,
        )
        for row in picture.trend
    ]
    for group in [*aggregates.rows, *years]:
        for cell in group.indicators:
            yield [
                group.grouping,
                group.group,
                _text(group.n),
                cell.indicator,
                labels.get(cell.indicator, cell.indicator),
                _text(cell.met),
                _text(cell.n),
                "" if cell.share is None else f"{cell.share:.4f}",
                "yes" if cell.suppressed else "no",
                demo,
                licence,
            ]


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


#: Anonymous downloads of the published aggregates per client (``CITYDIP_PUBLIC_RATE_LIMIT``).
_PUBLIC = ClientLimit("public-aggregates", "public_rate_limit")


def _picture() -> PoolPicture | None:
    """The aggregates picture for the request's filters (None when a filter value is
    unknown): computed once per state of the pool (:mod:`web.network.current`)."""
    found = current_picture(request.args)
    return None if found.errors else found.picture


def _over_public_limit() -> Response | None:
    """A 429 when an anonymous client asks for the published aggregates too often."""
    if access() is Access.GRANTED:
        return None
    wait = _PUBLIC.wait()
    if wait is not None:
        message = ngettext(
            "Too many downloads from your address. Try again in %(num)d second.",
            "Too many downloads from your address. Try again in %(num)d seconds.",
            wait,
        )
        return Response(message + "\n", 429, {"Retry-After": str(wait)}, mimetype="text/plain")
    _PUBLIC.hit()
    return None


def _bad_filters() -> Response:
    message = _("Unknown filter value: use the links on the network dashboard.")
    return Response(message + "\n", status=400, mimetype="text/plain")


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _published() -> bool:
    return state.settings().publish_aggregates


@bp.get("/export/aggregates.json")
@admin_required("file", public=_published)
def aggregates_json() -> Response:
    """Anonymised aggregates as JSON (open data)."""
    refused = _over_public_limit()
    if refused is not None:
        return refused
    picture = _picture()
    if picture is None:
        return _bad_filters()
    document = aggregates_document(
        state.rulebook(), picture, licence=state.settings().open_data_licence
    )
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers=_attachment("citydip-aggregates.json"),
    )


@bp.get("/export/aggregates.csv")
@admin_required("file", public=_published)
def aggregates_csv() -> Response:
    """Anonymised aggregates as CSV (open data): one row per group and indicator."""
    refused = _over_public_limit()
    if refused is not None:
        return refused
    picture = _picture()
    if picture is None:
        return _bad_filters()
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(AGGREGATE_COLUMNS)
    writer.writerows(aggregates_rows(picture, licence=state.settings().open_data_licence))
    return Response(
        out.getvalue(), mimetype="text/csv", headers=_attachment("citydip-aggregates.csv")
    )


def _lines() -> Iterator[str]:
    # Chunk by chunk, so that a large pool is never in memory as objects all at once.
    for chunk in storage.iter_pool_entries():
        yield "".join(e.record.model_dump_json() + "\n" for e in chunk)


@bp.get("/export/pool.jsonl")
@admin_required("file")
def pool_jsonl() -> Response:
    """Every pool record, one JSON object per line: the pool-file format (not open data)."""
    return Response(
        stream_with_context(_lines()),
        mimetype="application/x-ndjson",
        headers=_attachment("citydip-pool.jsonl"),
    )
