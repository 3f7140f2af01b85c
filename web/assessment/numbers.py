"""Numbers typed into a form, read the way the reader's language writes them.

"520,774" is 520774 in English, "520.774" in German, Spanish and Italian, "520 774" in French
and Polish; "2,5" is two and a half everywhere but in English, which writes "2.5". Babel knows
each language's decimal sign and thousands separator; :func:`read_number` accepts those and
nothing else, so that an input that could mean two numbers is refused rather than guessed:
"1.000" in French (one, or a thousand?), "1,5" in English (a slip for 1.5, or for 15?), and
"1,000" or "520,774" where the comma is the decimal sign (an English thousand, or one?).

One reading is not a guess: where a language writes no point at all (French, Polish), a point
typed for the comma, as a numeric keypad often gives it, is read as the decimal sign ("2.5"),
unless three digits follow it ("1.000": a thousand, as the neighbours write it, or one?).

Babel alone would not do: its ``parse_decimal`` reads any "." as a decimal point, so French
"1.000" would be 1, and it takes "1e5" and other scripts' digits. Here only ASCII digits, the
decimal sign and the thousands separator (any space, for a language that groups with a space)
get that far; ``parse_decimal(strict=True)`` then checks that thousands come in threes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

__all__ = [
    "NumberInputError",
    "NumberProblem",
    "number_examples",
    "number_for_input",
    "read_number",
]

#: the spaces people type between thousands: plain, no-break and narrow no-break (what Babel
#: writes for French); a language that groups with any of them accepts all three
SPACES = frozenset({" ", "\u00a0", "\u202f"})
#: what a number with the wrong separators for the language is made of ("1.000" in French)
_NUMBER_LIKE = re.compile(r"[-+]?[0-9.,'\s]*[0-9][0-9.,'\s]*")
#: as many decimals as a stored float can carry, never a thousands separator
_INPUT_PATTERN = "0.###############"


class NumberProblem(StrEnum):
    """Why a typed number was refused."""

    #: not a number at all: letters, other signs, or no digit
    NOT_A_NUMBER = "not-a-number"
    #: digits with separators the language does not write that way ("1.000" in French)
    SEPARATORS = "separators"
    #: decimals where a whole number is asked for
    NOT_WHOLE = "not-whole"


class NumberInputError(ValueError):
    """A typed number that :func:`read_number` refuses; ``problem`` says why."""

    def __init__(self, text: str, problem: NumberProblem) -> None:
        super().__init__(f"{text!r}: {problem.value}")
        self.text = text
        self.problem = problem


def read_number(text: str, locale: Locale | str, *, whole: bool = False) -> Decimal:
    """The number ``text`` means in ``locale``'s way of writing numbers.

    Accepts the locale's decimal sign, and its thousands separator between groups of three
    (any space where the locale groups with a space); a point, where the locale writes none
    and it cannot mean a thousands separator (see the module's docstring); ``whole`` refuses
    decimals.
    Raises :class:`NumberInputError` for anything else, empty text included.
    """
    decimal_sign, group = _symbols(locale)
    separators = SPACES if group in SPACES else frozenset({group})
    stripped = _keypad_point(text.strip(), decimal_sign, separators)
    allowed = f"[-+]?[0-9{re.escape(decimal_sign)}{re.escape(''.join(separators))}]*"
    if not re.fullmatch(allowed, stripped) or not re.search("[0-9]", stripped):
        problem = (
            NumberProblem.SEPARATORS
            if _NUMBER_LIKE.fullmatch(stripped)
            else NumberProblem.NOT_A_NUMBER
        )
        raise NumberInputError(text, problem)
    if _english_thousands(stripped, decimal_sign):
        raise NumberInputError(text, NumberProblem.SEPARATORS)
    # Babel expects the locale's own separator: a plain space typed in French becomes U+202F.
    normalised = "".join(group if char in separators else char for char in stripped)
    try:
        number = parse_decimal(normalised, locale=locale, strict=True)
    except NumberFormatError as exc:
        raise NumberInputError(text, NumberProblem.SEPARATORS) from exc
    if whole and number != number.to_integral_value():
        raise NumberInputError(text, NumberProblem.NOT_WHOLE)
    return number


def number_for_input(value: float | int | Decimal, locale: Locale | str) -> str:
    """``value`` written for a form field in ``locale``: its decimal sign, no thousands
    separator, so that :func:`read_number` reads it back as it is ("2,5" in French; "33,3330"
    rather than "33,333", which it would refuse as a possible English thousands)."""
    written = format_decimal(value, _INPUT_PATTERN, locale=locale)
    decimal_sign, _group = _symbols(locale)
    return written + "0" if _english_thousands(written, decimal_sign) else written


def number_examples(locale: Locale | str) -> dict[str, str]:
    """Example numbers in ``locale``'s writing, for messages saying how to write one:
    ``decimal`` (two and a half), ``plain`` and ``grouped`` (a quarter of a million)."""
    return {
        "decimal": format_decimal(Decimal("2.5"), locale=locale),
        "plain": format_decimal(250000, "0", locale=locale),
        "grouped": format_decimal(250000, locale=locale),
    }


def _keypad_point(text: str, decimal_sign: str, separators: frozenset[str]) -> str:
    """``text`` with a point read as the decimal sign, where the language writes no point and
    it can mean nothing else: one point, no decimal sign, and not three digits after it."""
    if decimal_sign == "." or "." in separators or decimal_sign in text:
        return text
    whole, point, decimals = text.partition(".")
    if point and decimals.isascii() and decimals.isdigit() and len(decimals) != 3:
        return f"{whole}{decimal_sign}{decimals}"
    return text


def _english_thousands(text: str, decimal_sign: str) -> bool:
    """True for "1,000" or "520,774" where the comma is the decimal sign: a thousand (or
    520774) copied from an English text, or one (520.774)? Never read as the smaller."""
    return decimal_sign == "," and re.fullmatch(r"[-+]?[1-9][0-9]{0,2},[0-9]{3}", text) is not None


def _symbols(locale: Locale | str) -> tuple[str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale)
