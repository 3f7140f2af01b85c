"""The network dashboard: the pool's headline figures beside the published ones, by filter."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from web import state, storage
from web.network.auth import admin_required
from web.network.blueprint import bp
from web.network.filters import SIZE_BAND_LABELS, parse_filters
from web.network.levels_chart import levels_chart
from web.network.picture import pool_picture

__all__ = ["dashboard"]


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
    book = state.rulebook()
    records = storage.load_pool()
    regions = sorted({r.profile.region for r in records})
    filters, errors = parse_filters(request.args, regions)
    picture = pool_picture(book, records, filters)
    page = render_template(
        "network/dashboard.html",
        active="dashboard",
        picture=picture,
        aggregates=picture.aggregates,
        chart=levels_chart(picture.distribution, picture.dimension_titles, picture.levels),
        counts=storage.assessment_counts(),
        pool_total=len(records),
        regions=regions,
        size_bands=SIZE_BAND_LABELS,
        grouping_titles=_grouping_titles(),
        errors=errors,
        licence=state.settings().open_data_licence,
        public_aggregates=state.settings().publish_aggregates,
    )
    return page, 400 if errors else 200
