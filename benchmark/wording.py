"""How the benchmark's own names and numbers read to a person, in the context's language.

A profile's region, a record's size band and a team band are data: they stay English where
they are stored, compared, grouped and exported, and are translated only where a person
reads them (:func:`region_name`, :func:`band_name`), through :func:`rules.locale.phrase`.
:func:`N_` marks such a name for the interface's catalog without translating it, so that
``pybabel`` extracts names defined as data (it is one of gettext's default keywords).

Numbers in sentences follow the language too: "0.45M" is "0,45M" in French
(:func:`decimal_text`), a population "1,260,391" is "1 260 391" (:func:`whole_number`).
"""

from __future__ import annotations

from rules.locale import current_language, phrase

__all__ = [
    "M49_NAMES",
    "N_",
    "band_name",
    "decimal_text",
    "region_name",
    "whole_number",
]


def N_(message: str) -> str:  # gettext's usual name for the marker
    """``message`` itself: marks it for the catalog; it is translated where it is shown."""
    return message


#: The UN M49 regions, sub-regions and intermediate regions of ``data/regions.csv`` (a test
#: checks that every name of the table is here): a profile's region is one of them, or a
#: region typed by hand, which is shown as typed.
M49_NAMES: frozenset[str] = frozenset(
    {
        N_("Africa"),
        N_("Americas"),
        N_("Asia"),
        N_("Europe"),
        N_("Oceania"),
        N_("Antarctica"),
        N_("Australia and New Zealand"),
        N_("Central Asia"),
        N_("Eastern Asia"),
        N_("Eastern Europe"),
        N_("Latin America and the Caribbean"),
        N_("Melanesia"),
        N_("Micronesia"),
        N_("Northern Africa"),
        N_("Northern America"),
        N_("Northern Europe"),
        N_("Polynesia"),
        N_("South-eastern Asia"),
        N_("Southern Asia"),
        N_("Southern Europe"),
        N_("Sub-Saharan Africa"),
        N_("Western Asia"),
        N_("Western Europe"),
        N_("Caribbean"),
        N_("Central America"),
        N_("Channel Islands"),
        N_("Eastern Africa"),
        N_("Middle Africa"),
        N_("South America"),
        N_("Southern Africa"),
        N_("Western Africa"),
    }
)


def region_name(region: str) -> str:
    """``region`` as the reader names it: an M49 name translated, any other as it is."""
    return phrase(region) if region in M49_NAMES else region


def band_name(label: str) -> str:
    """A size or team band's label (``benchmark.profile``, marked there) in the reader's
    language, e.g. "0.5–1M" or "1–3 FTE"."""
    return phrase(label)


def _language() -> str:
    from babel import Locale, UnknownLocaleError

    language = current_language()
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return "en"
    return language


def decimal_text(text: str) -> str:
    """A number written with a decimal point (``"0.45"``), with the language's decimal sign.

    The digits are rounded by the caller, so that English reads exactly as formatted.
    """
    from babel.numbers import get_decimal_symbol

    return text.replace(".", get_decimal_symbol(_language()))


def whole_number(number: int) -> str:
    """A whole number with the language's thousands separator: "1,260,391" in English."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=_language())
