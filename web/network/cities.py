"""The secretariat's city list: find a city of the peer pool by name, and delete its records.

Deleting a pool record that came from an assessment here deletes that assessment and the
ones it was started from too (``storage.deletion``): the city asked to be forgotten, or the
secretariat removes it, and nothing of it stays behind for peers, aggregates or exports.
"""

from __future__ import annotations

import unicodedata

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from benchmark.record import PoolRecord
from web import storage
from web.network.auth import admin_required
from web.network.blueprint import bp
from web.storage import deletion

__all__ = ["cities", "delete_city", "matching_records"]

SHOWN = 50


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matching_records(query: str, limit: int = SHOWN) -> tuple[list[PoolRecord], int]:
    """Pool records whose name contains ``query`` (case and accents ignored), up to ``limit``
    by name, and how many match in all."""
    if not query.strip():
        return [], 0
    wanted = _folded(query.strip())
    found = [r for r in storage.pool_listing() if wanted in _folded(r.name)]
    found.sort(key=lambda r: (_folded(r.name), r.id))
    shown = {r.id: r for r in storage.load_pool_records(ids=[r.id for r in found[:limit]])}
    return [shown[r.id] for r in found[:limit] if r.id in shown], len(found)


@bp.get("/cities")
@admin_required()
def cities() -> str:
    """Search the pool by city name; each city found with a delete button."""
    query = request.args.get("q", "")[:200]
    found, total = matching_records(query)
    return render_template(
        "network/cities.html",
        active="cities",
        query=query,
        found=found,
        total=total,
        shown=SHOWN,
        deleted=request.args.get("deleted", ""),
    )


@bp.route("/cities/<pool_id>/delete", methods=["GET", "POST"])
@admin_required()
def delete_city(pool_id: str) -> BaseResponse | str:
    """GET: confirm; POST: delete the pool record and the assessments behind it."""
    found = storage.load_pool_records(ids=[pool_id])
    if not found:
        abort(404)
    record = found[0]
    if request.method == "GET":
        return render_template("network/delete_city.html", active="cities", record=record)
    if deletion.delete_pool_record(pool_id=pool_id) is None:
        abort(404)
    return redirect(url_for("network.cities", deleted=record.profile.name), 303)
