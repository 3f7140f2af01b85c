"""docs/sources.md is the rulebook's bibliography, generated from it and kept current."""

from __future__ import annotations

import itertools
from pathlib import Path

from rules import Rulebook, text_in
from rules.bibliography import sources_markdown

SOURCES_MD = Path(__file__).parents[2] / "docs" / "sources.md"


def test_sources_md_is_current(book: Rulebook) -> None:
    """Regenerate with: python -m rules.bibliography > docs/sources.md"""
    assert SOURCES_MD.read_text(encoding="utf-8") == sources_markdown(book)


def test_every_question_cites_a_structured_source(book: Rulebook) -> None:
    for dimension in book.dimensions:
        for question in dimension.questions:
            source = book.source(question.source)
            assert (source.title and source.year is not None) or source.note, question.id
            assert source.authors or source.publisher, question.id
            assert source.verified or source.note, question.id
            assert f"`{question.id}`" in sources_markdown(book)


def test_issue_attributions_are_fixed(book: Rulebook) -> None:
    """The Melbourne 2024 survey (published 2025) and the brief's authors, named correctly."""
    by_id = {s.id: s for s in book.sources}
    survey = by_id["engagement_survey_2024"]
    assert survey.title == (
        "City Diplomacy in Response to Multiple Crises: "
        "The 2024 Cities and International Engagement Survey"
    )
    assert (survey.year, survey.publisher) == (2025, "Melbourne Centre for Cities")
    brief = by_id["policy_brief_2025"]
    assert [a.split(",")[0] for a in brief.authors] == [
        "Epifanio",
        "Leavesley",
        "Pejic",
        "Reviglio",
    ]
    assert brief.publisher is not None and "Eurocities" in brief.publisher
    assert not any("2020–2024" in s.title for s in book.sources)


SCORING_MD = Path(__file__).parents[2] / "docs" / "scoring.md"


def test_scoring_md_lists_the_thresholds_and_every_gate(book: Rulebook) -> None:
    """docs/scoring.md may not drift from the rulebook it explains."""
    text = SCORING_MD.read_text(encoding="utf-8")
    bounds = [int(level.min_score) for level in book.levels]
    ranges = [f"{low}–{high - 1}" for low, high in itertools.pairwise(bounds)]
    assert "| Score | " + " | ".join([*ranges, f"{bounds[-1]}–100"]) + " |" in text
    for dimension in book.dimensions:
        for gate in dimension.gates:
            assert text_in(gate.reason, "en") in text, (dimension.id, gate.reason)
    assert f"at most {'one' if book.floor_margin == 1 else book.floor_margin} above the floor" in (
        text
    )
