"""Downloads people can file: names that keep the city's name, headers every browser reads.

``gdańsk-results-2026-12-02.csv``: the city's name as it is written (lower case, letters of
any script kept, anything else a dash), what the file holds, and the day. The header gives
it as RFC 6266's ``filename*`` (UTF-8) with a plain-ASCII ``filename`` beside it for the
rare client that reads only that.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote

__all__ = ["attachment", "city_file_name"]

_NOT_A_NAME = re.compile(r"[^\w]+")
MAX_NAME = 60


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return _NOT_A_NAME.sub("-", text).replace("_", "-").strip("-")[:MAX_NAME].strip("-")


def city_file_name(city: str, what: str, day: date, extension: str) -> str:
    """``<city>-<what>-<YYYY-MM-DD>.<extension>``; ``citydip`` when the name has no letter."""
    return f"{_slug(city) or 'citydip'}-{what}-{day.isoformat()}.{extension}"


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "download"


def attachment(name: str) -> dict[str, str]:
    """Headers for a download saved as ``name`` (not kept in shared caches: it is a city's)."""
    disposition = f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name)}"
    return {"Content-Disposition": disposition, "Cache-Control": "no-store"}
