"""Dates as the reader's language writes them: "4 December 2026", "4 décembre 2026",
"4. Dezember 2026", "4 de diciembre de 2026", "4 dicembre 2026", "4 grudnia 2026".

Each language gets Babel's own format (the "long" date, the month-and-year skeleton...), never
a pattern of ours: "d MMMM y" is right in French and wrong in German ("4. Dezember") and
Spanish ("4 de diciembre de"). English is the exception: the pages have always written the
British "4 December 2026", and Babel's English is American ("December 4, 2026"), so English
keeps its patterns (Babel's British data would also turn "Sep" into "Sept").

Stored times are UTC, and pages say so ("When (UTC)"): a datetime is shown in UTC.
The pages use these as Jinja filters (registered by :mod:`web.assessment.pages`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, get_datetime_format

from web.i18n import request_language

__all__ = ["date_time", "long_date", "month_year", "short_date"]

#: English's patterns for Babel's formats (see the module's docstring)
ENGLISH = {"long": "d MMMM y", "yMMMd": "d MMM y", "yMMM": "MMM y", "Hm": "HH:mm"}


def long_date(day: date | datetime, language: str | None = None) -> str:
    """``day`` in full, as in a sentence: "4 December 2026", "4. Dezember 2026".

    ``language`` defaults to the request's (English outside a request)."""
    code = _language(language)
    if code == "en":
        return format_date(_day(day), ENGLISH["long"], locale="en")
    return format_date(_day(day), "long", locale=Locale.parse(code))


def short_date(day: date | datetime, language: str | None = None) -> str:
    """``day`` with the month abbreviated, for a table: "4 Dec 2026", "4. Dez. 2026"."""
    return _skeleton("yMMMd", _day(day), _language(language))


def month_year(day: date | datetime, language: str | None = None) -> str:
    """The month and year of ``day``, for a chart's axis: "Dec 2026", "déc. 2026"."""
    return _skeleton("yMMM", _day(day), _language(language))


def date_time(moment: datetime, language: str | None = None) -> str:
    """A stored time, in UTC, to the minute: "4 Dec 2026, 14:05", "4. Dez. 2026, 14:05"."""
    code, utc = _language(language), _utc(moment)
    day, time = _skeleton("yMMMd", utc, code), _skeleton("Hm", utc, code)
    # the language's way of joining a date and a time: "{1}, {0}" in all six
    joined = get_datetime_format("medium", locale="en" if code == "en" else code)
    return str(joined).replace("{1}", day).replace("{0}", time)


def _skeleton(skeleton: str, when: date | datetime, code: str) -> str:
    if code == "en":
        return format_datetime(when, ENGLISH[skeleton], tzinfo=UTC, locale="en")
    return format_skeleton(skeleton, when, tzinfo=UTC, locale=Locale.parse(code))


def _language(language: str | None) -> str:
    return request_language() if language is None else language


def _utc(moment: datetime) -> datetime:
    # Stored times are naive UTC; an aware one is brought to UTC first.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(day: date | datetime) -> date:
    return _utc(day).date() if isinstance(day, datetime) else day
