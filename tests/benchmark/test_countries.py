"""The country field as people type it: lower case, codes in use besides ISO, and names."""

from __future__ import annotations

import pytest

from benchmark.countries import countries, country_code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        (" De ", "DE"),
        ("uk", "GB"),  # the United Kingdom's own domain and the EU's code for it
        ("UK", "GB"),
        ("el", "GR"),  # the EU's code for Greece
        ("EL", "GR"),
        ("gb", "GB"),
        ("GBR", "GB"),  # ISO alpha-3
        ("deu", "DE"),
        ("USA", "US"),
        ("Germany", "DE"),
        ("germany", "DE"),
        ("United Kingdom", "GB"),
        ("Greece", "GR"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("South Korea", "KR"),
        ("Netherlands", "NL"),
        ("the Netherlands", "NL"),
        ("United States", "US"),
    ],
)
def test_country_code_accepts_what_people_type(typed: str, code: str) -> None:
    assert country_code(typed) == code


@pytest.mark.parametrize("typed", ["", "  ", "X", "XX", "ZZZ", "Atlantis", "E"])
def test_country_code_is_none_for_what_is_no_country(typed: str) -> None:
    assert country_code(typed) is None


def test_every_iso_code_maps_to_itself_in_either_case() -> None:
    for code in countries():
        assert country_code(code) == code
        assert country_code(code.lower()) == code
