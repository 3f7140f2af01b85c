"""A stored scorecard in the reader's language.

Scorecards are stored in English (the engine asks for it), so that the same answers give
the same stored result whatever language they were given in. Every text of a scorecard
comes from its rulebook and is found again there by id — a dimension by id, a level by
number, a gate by level, a next step by question and option, a stretch step by its English
wording — and read in the language asked for. A card of another rulebook or version, and a
text the rulebook no longer has, stay as they were stored.
"""

from __future__ import annotations

from rules.locale import current_language, phrase
from rules.model import Dimension, Rulebook, text_in
from rules.scorecard import DimensionResult, NextStep, Scorecard

__all__ = ["scorecard_in"]


def scorecard_in(card: Scorecard, book: Rulebook, lang: str | None = None) -> Scorecard:
    """``card`` with its texts in ``lang`` (by default the context's language)."""
    if (card.rulebook_id, card.rulebook_version) != (book.id, book.version):
        return card  # another rulebook's texts: kept as stored
    lang = lang if lang is not None else current_language()
    dimensions = {d.id: d for d in book.dimensions}
    levels = {level.level: level for level in book.levels}
    overall = levels.get(card.overall_level) if card.overall_level is not None else None
    return card.model_copy(
        update={
            "dimensions": [
                _dimension(r, dimensions.get(r.id), book, lang) for r in card.dimensions
            ],
            "overall_level_name": text_in(overall.name, lang)
            if overall
            else card.overall_level_name,
            "overall_level_description": text_in(overall.description, lang)
            if overall
            else card.overall_level_description,
            "next_steps": [_step(s, dimensions.get(s.dimension), lang) for s in card.next_steps],
        }
    )


def _dimension(
    result: DimensionResult, dimension: Dimension | None, book: Rulebook, lang: str
) -> DimensionResult:
    if dimension is None:
        return result
    update: dict[str, object] = {"title": text_in(dimension.title, lang)}
    level = next((lv for lv in book.levels if lv.level == result.level), None)
    if level is not None:
        update["level_name"] = text_in(level.name, lang)
    meaning = next((lv for lv in dimension.levels if lv.level == result.level), None)
    if meaning is not None and result.level_description is not None:
        update["level_description"] = text_in(meaning.description, lang)
    gate = result.capped_by
    if gate is not None:
        held = next((g for g in dimension.gates if g.level == gate.level), None)
        if held is not None:
            update["capped_by"] = gate.model_copy(update={"reason": text_in(held.reason, lang)})
    return result.model_copy(update=update)


def _step(step: NextStep, dimension: Dimension | None, lang: str) -> NextStep:
    if dimension is None:
        return step
    if step.stretch:
        for text in dimension.stretch:
            if text_in(text, "en") == step.advice:
                return step.model_copy(update={"advice": text_in(text, lang)})
        return step
    question = next((q for q in dimension.questions if q.id == step.question), None)
    if question is None:
        return step
    option = next((o for o in question.options if o.value == step.current), None)
    if option is not None and option.next_step:
        for worded in (option.next_step, option.step_outside_eu):
            if worded and text_in(worded, "en") == step.advice:
                return step.model_copy(update={"advice": text_in(worded, lang)})
        return step
    if step.current is None:
        found = phrase(
            "Find out where you stand: %(question)s", question=text_in(question.text, lang)
        )
        return step.model_copy(update={"advice": found})
    return step
