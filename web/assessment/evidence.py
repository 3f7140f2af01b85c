"""Evidence behind answers: a link and/or a note, and the date it was last checked.

A link is kept as text: shown, never fetched or turned into a request by the server (no
file uploads either), so evidence cannot be used to make the server reach anywhere. Only
http and https links with a host are accepted, so a ``javascript:`` or ``file:`` link can
never be shown as one. The note is the assessment's note (``notes``); this module owns the
link and the date (``evidence``: ``{question id: {"link", "checked"}}``) and the counts the
results show ("7 of 9 answers evidenced", evidence older than the configured age flagged).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import format_number
from flask_babel import gettext as _

from rules import Rulebook
from rules.model import UNKNOWN

__all__ = [
    "LINK_MAX",
    "EvidenceCount",
    "EvidenceEntry",
    "evidence_counts",
    "months_before",
    "read_checked",
    "read_link",
]

LINK_MAX = 2000
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class EvidenceEntry:
    """A link or date as read from a form: the clean value, or the message saying why not."""

    value: str | None
    error: str | None = None


def read_link(text: str) -> EvidenceEntry:
    """An evidence link: empty, or an http(s) URL with a host, without spaces."""
    text = text.strip()
    if not text:
        return EvidenceEntry(None)
    if len(text) > LINK_MAX:
        message = _("A link can have at most %(max)s characters", max=format_number(LINK_MAX))
        return EvidenceEntry(None, message)
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or _SPACE_OR_CONTROL.search(text)
    ):
        return EvidenceEntry(
            None, _("Enter a web address starting with https:// or http://, without spaces")
        )
    return EvidenceEntry(text)


def read_checked(text: str, *, today: date) -> EvidenceEntry:
    """The date evidence was checked: empty, or a date (YYYY-MM-DD) not in the future."""
    text = text.strip()
    if not text:
        return EvidenceEntry(None)
    try:
        # fromisoformat alone also takes "20260331" and week dates like "2026-W13-2"
        checked = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        checked = None
    if checked is None:
        return EvidenceEntry(None, _("Enter the date as year-month-day, like 2026-03-31"))
    if checked > today:
        return EvidenceEntry(None, _("The date checked cannot be in the future"))
    return EvidenceEntry(checked.isoformat())


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class EvidenceCount:
    """How many of a dimension's (or all) answers carry evidence, and how many are old."""

    answers: int
    evidenced: int
    stale: int


def evidence_counts(
    book: Rulebook,
    answers: Mapping[str, Any],
    notes: Mapping[str, str],
    evidence: Mapping[str, Mapping[str, Any]],
    *,
    today: date,
    max_age_months: int,
) -> tuple[EvidenceCount, dict[str, EvidenceCount]]:
    """Overall and per-dimension counts. An answer counts when given ("I don't know" is not
    an answer to back); it is evidenced with a note or a link; its evidence is stale when
    checked before ``max_age_months`` ago."""
    oldest = months_before(today, max_age_months).isoformat()
    per_dimension = {}
    for dimension in book.dimensions:
        given = [q.id for q in dimension.questions if answers.get(q.id) not in (None, UNKNOWN)]
        backed = [q for q in given if notes.get(q) or (evidence.get(q) or {}).get("link")]
        stale = [q for q in backed if ((evidence.get(q) or {}).get("checked") or oldest) < oldest]
        per_dimension[dimension.id] = EvidenceCount(len(given), len(backed), len(stale))
    overall = EvidenceCount(
        sum(c.answers for c in per_dimension.values()),
        sum(c.evidenced for c in per_dimension.values()),
        sum(c.stale for c in per_dimension.values()),
    )
    return overall, per_dimension
