"""Names as people mean them: one folding of case, accents, apostrophes and separators.

Shared by the gazetteer (search) and the pool (a city's key), so that "Łódź" and "Lodz" are one
name everywhere.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_name", "normalise"]

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


# Character categories a name never needs: controls, format characters (bidi overrides and
# isolates, zero-width spaces, the BOM), surrogates, private use and unassigned code points.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Format characters that some scripts need inside words: ZWNJ (Persian, Indic), ZWJ.
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})


def clean_name(text: str) -> str:
    """A name as typed, made safe to store and show: NFC, without invisible and control
    characters (a right-to-left override could make "Graz" display as another name), any run
    of white space one space, trimmed. Blank means the name had nothing visible.

    >>> clean_name(" Gra\u202ez\u200b ") , clean_name("e\u0301vora"), clean_name("\u2066\u2069")
    ('Graz', 'évora', '')
    """
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED or char in _KEPT_FORMAT:
            kept.append(char)
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))
