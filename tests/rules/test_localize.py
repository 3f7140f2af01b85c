"""A scorecard is stored in English and read in any of the six languages.

What a reader expects: the same answers give the same stored result whatever language the
city worked in; read in French, every text of the result (dimension titles, level names and
meanings, the gate that held a level, each next step) is the rulebook's French, and read in
English it is exactly what was stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from rules import Rulebook, Scorecard, score_answers, text_in
from rules.locale import phrase, use_locale
from rules.localize import scorecard_in

CASES = Path(__file__).parents[2] / "rules" / "rulebook" / "cases"
LANGUAGES = ("fr", "de", "es", "it", "pl")


def _answers(case: str) -> dict[str, object]:
    return dict(yaml.safe_load((CASES / f"{case}.yaml").read_text(encoding="utf-8"))["answers"])


def _score(book: Rulebook, case: str) -> Scorecard:
    return score_answers(book, _answers(case))


@pytest.fixture
def in_french() -> Iterator[None]:
    """The context's language is French (as in a French request), translations aside."""
    use_locale(lambda: "fr", lambda m: m, lambda s, p, n: s if n == 1 else p)
    yield
    use_locale(lambda: "en", lambda m: m, lambda s, p, n: s if n == 1 else p)


@pytest.mark.parametrize("case", ["gates-cap-several-dimensions", "all-unknown", "all-level-5"])
def test_the_stored_result_does_not_depend_on_the_language_of_the_context(
    book: Rulebook, case: str, in_french: None
) -> None:
    in_french_context = _score(book, case)
    use_locale(lambda: "en", lambda m: m, lambda s, p, n: s if n == 1 else p)
    assert in_french_context == _score(book, case)


@pytest.mark.parametrize("case", ["gates-cap-several-dimensions", "all-unknown", "all-level-5"])
def test_read_in_english_a_card_is_what_was_stored(book: Rulebook, case: str) -> None:
    card = _score(book, case)
    assert scorecard_in(card, book, "en") == card


@pytest.mark.parametrize("lang", LANGUAGES)
def test_read_in_another_language_every_text_is_the_rulebooks(book: Rulebook, lang: str) -> None:
    card = scorecard_in(_score(book, "gates-cap-several-dimensions"), book, lang)
    dimensions = {d.id: d for d in book.dimensions}
    levels = {level.level: level for level in book.levels}
    assert card.overall_level is not None
    assert card.overall_level_name == text_in(levels[card.overall_level].name, lang)
    for result in card.dimensions:
        dimension = dimensions[result.id]
        assert result.title == text_in(dimension.title, lang) != text_in(dimension.title, "en")
        assert result.level is not None
        assert result.level_name == text_in(levels[result.level].name, lang)
        if result.capped_by is not None:
            gate = next(g for g in dimension.gates if g.level == result.capped_by.level)
            assert result.capped_by.reason == text_in(gate.reason, lang)
    capped = [r for r in card.dimensions if r.capped_by is not None]
    assert capped, "the case is chosen for its gates"
    english = {
        text_in(o.next_step, "en")
        for d in book.dimensions
        for q in d.questions
        for o in q.options
        if o.next_step
    }
    assert card.next_steps
    assert not [s.advice for s in card.next_steps if s.advice in english]


def test_a_step_to_find_out_names_the_question_in_the_language(book: Rulebook) -> None:
    card = scorecard_in(_score(book, "all-unknown"), book, "de")
    questions = {q.id: q for d in book.dimensions for q in d.questions}
    step = card.next_steps[0]
    assert step.current is None
    # outside the web app, phrase() is English: the question is still German
    asked = text_in(questions[step.question].text, "de")
    assert step.advice == phrase("Find out where you stand: %(question)s", question=asked)


def test_a_card_of_another_rulebook_version_is_left_as_stored(book: Rulebook) -> None:
    card = _score(book, "all-level-3")
    older = card.model_copy(update={"rulebook_version": "1.0.0"})
    assert scorecard_in(older, book, "fr") == older


def test_text_in_reads_the_context_language_unless_told(book: Rulebook, in_french: None) -> None:
    title = book.dimensions[0].title
    assert text_in(title) == text_in(title, "fr")
    assert text_in(title, "en") != text_in(title, "fr")
