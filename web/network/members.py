"""The members page: every city of the pool for the secretariat, and who is due to re-assess.

Read from the pool's columns by the database (:func:`web.storage.pool_listing`: name and level
out of the JSON without parsing any record), so a 100,000-city pool is listed in one query.
Exports as CSV and XLSX.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import Response, render_template, request

from benchmark.spreadsheet_safe import SafeCsvWriter, xlsx_row
from web import storage
from web.network.auth import admin_required
from web.network.blueprint import bp

__all__ = ["Member", "member_rows", "members", "members_csv", "members_xlsx"]

PAGE = 100
#: a city whose latest assessment is older than this is due to re-assess
STALE_AFTER = timedelta(days=365)
COLUMNS = ("name", "country", "source", "assessed_on", "overall_level", "due_to_reassess")
SOURCES = ("submitted", "import", "demo")


@dataclass(frozen=True)
class Member:
    """One city as the members page lists it."""

    name: str
    country: str
    source: str
    assessed_on: date
    overall_level: int | None
    stale: bool


def member_rows(
    listing: Iterable[storage.PoolListing],
    *,
    today: date,
    source: str = "",
    stale_only: bool = False,
) -> list[Member]:
    """The members, by name; ``source`` and ``stale_only`` filter them."""
    cutoff = today - STALE_AFTER
    rows = [
        Member(
            r.name,
            r.country,
            r.source,
            r.assessed_on,
            r.overall_level,
            r.source != "demo" and r.assessed_on < cutoff,  # a fictional city is due nothing
        )
        for r in listing
        if not source or r.source == source
    ]
    if stale_only:
        rows = [m for m in rows if m.stale]
    rows.sort(key=lambda m: (m.name.casefold(), m.country))
    return rows


def _selected() -> tuple[list[Member], str, bool]:
    source = request.args.get("source", "")
    source = source if source in SOURCES else ""
    stale = request.args.get("stale") == "1"
    listing = storage.pool_listing(source=source or None)
    today = datetime.now(UTC).date()
    return member_rows(listing, today=today, source=source, stale_only=stale), source, stale


@bp.get("/members")
@admin_required()
def members() -> str:
    """The members, a page at a time, with filters and the export links."""
    rows, source, stale = _selected()
    page = max(1, request.args.get("page", 1, type=int))
    pages = max(1, -(-len(rows) // PAGE))
    page = min(page, pages)
    return render_template(
        "network/members.html",
        active="members",
        rows=rows[(page - 1) * PAGE : page * PAGE],
        total=len(rows),
        stale_count=sum(m.stale for m in rows),
        page=page,
        pages=pages,
        source=source,
        stale=stale,
        sources=SOURCES,
    )


def _cells(member: Member) -> list[str]:
    level = "" if member.overall_level is None else str(member.overall_level)
    due = "yes" if member.stale else "no"
    return [member.name, member.country, member.source, member.assessed_on.isoformat(), level, due]


def _csv_lines(rows: list[Member]) -> Iterator[str]:
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for member in rows:
        writer.writerow(_cells(member))
    yield out.getvalue()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@bp.get("/members.csv")
@admin_required("file")
def members_csv() -> Response:
    """The members (as filtered) as CSV."""
    rows, _source, _stale = _selected()
    return Response(_csv_lines(rows), mimetype="text/csv", headers=_attachment("members.csv"))


@bp.get("/members.xlsx")
@admin_required("file")
def members_xlsx() -> Response:
    """The members (as filtered) as an Excel workbook."""
    from openpyxl import Workbook  # only this download needs it

    rows, _source, _stale = _selected()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Members")
    sheet.append(list(COLUMNS))
    for member in rows:
        name, country, source, _on, _level, due = _cells(member)
        cells = [name, country, source, member.assessed_on, member.overall_level, due]
        sheet.append(xlsx_row(sheet, cells))
    out = io.BytesIO()
    book.save(out)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(out.getvalue(), mimetype=mimetype, headers=_attachment("members.xlsx"))
