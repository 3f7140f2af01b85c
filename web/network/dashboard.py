"""The network dashboard: the pool's headline figures beside the published ones, by filter."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from benchmark.aggregates import PoolAggregates, group_name
from benchmark.wording import band_name, region_name
from web import state, storage
from web.network.auth import admin_required
from web.network.blueprint import bp
from web.network.current import current_picture
from web.network.filters import SIZE_BAND_LABELS
from web.network.levels_chart import LevelsChart, levels_chart
from web.network.picture import PoolPicture

__all__ = ["dashboard", "shown_aggregates", "trend_chart"]


def trend_chart(picture: PoolPicture) -> LevelsChart:
    """The overall level distribution per year of assessment, as the levels chart draws it:
    one bar per year."""
    rows = [row.levels.model_copy(update={"dimension": str(row.year)}) for row in picture.trend]
    return levels_chart(
        rows, {str(row.year): str(row.year) for row in picture.trend}, picture.levels
    )


def shown_aggregates(aggregates: PoolAggregates) -> PoolAggregates:
    """The aggregates as the page shows them: each row's group ("all cities", a region, a
    size band, EU membership) in the reader's language. The figures are the same; the
    exports keep the English groups, which are their keys."""
    rows = [
        row.model_copy(update={"group": group_name(row.grouping, row.group)})
        for row in aggregates.rows
    ]
    return aggregates.model_copy(update={"rows": rows})


def _grouping_titles() -> dict[str, str]:
    return {
        "region": _("By region"),
        "size_band": _("By population"),
        "eu_member": _("By EU membership"),
    }


@bp.get("/")
@admin_required()
def dashboard() -> tuple[str, int]:
    """Cities and assessments, headline indicators, levels per dimension, groups, downloads."""
    found = current_picture(request.args)
    picture = found.picture
    assert picture is not None  # unknown filter values are dropped and reported
    page = render_template(
        "network/dashboard.html",
        active="dashboard",
        picture=picture,
        aggregates=shown_aggregates(picture.aggregates),
        chart=levels_chart(picture.distribution, picture.dimension_titles, picture.levels),
        trend_chart=trend_chart(picture),
        counts=storage.assessment_counts(),
        pool_total=found.pool_total,
        regions=found.regions,
        size_bands=SIZE_BAND_LABELS,
        # each filter value as the reader names it (the values themselves stay English)
        region_names={r: region_name(r) for r in found.regions},
        band_names={b: band_name(b) for b in SIZE_BAND_LABELS},
        grouping_titles=_grouping_titles(),
        errors=found.errors,
        licence=state.settings().open_data_licence,
        public_aggregates=state.settings().publish_aggregates,
    )
    return page, 400 if found.errors else 200
