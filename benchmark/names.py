"""Names as people mean them: one folding of case, accents, apostrophes and separators.

Shared by the gazetteer (search) and the pool (a city's key), so that "Łódź" and "Lodz" are one
name everywhere.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise"]

# Accents and other marks that NFKD splits off Latin, Greek and Cyrillic letters.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that NFKD leaves whole, and apostrophes spelled in several ways.
_FOLD = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th", "æ": "ae", "œ": "oe"}
    | {"’": "'", "‘": "'", "ʼ": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"}
)


def normalise(text: str) -> str:
    """Fold case, accents, apostrophes and separators, so that names compare as people mean.

    >>> normalise("  Łódź-Bałuty ") == normalise("lodz baluty")
    True
    """
    # Most names are ASCII: skip the costly Unicode steps for them (the index holds ~400,000).
    if text.isascii():
        text = text.lower().replace("`", "'")
    else:
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_FOLD)
    return " ".join(text.replace("-", " ").replace("_", " ").replace("/", " ").split())
