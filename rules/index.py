"""Lookup tables derived once from a rulebook, shared by validation and scoring."""

from __future__ import annotations

from dataclasses import dataclass

from rules.model import Dimension, Question, Rulebook

__all__ = ["RulebookIndex"]


@dataclass(frozen=True)
class RulebookIndex:
    """Fast lookups over a :class:`~rules.model.Rulebook`; build with :meth:`of`."""

    rulebook: Rulebook
    questions: dict[str, Question]
    dimension_of: dict[str, Dimension]
    #: question id → option value → option index (0 = least capacity)
    option_index: dict[str, dict[str, int]]
    #: question ids in rulebook order (dimension order, then file order)
    order: tuple[str, ...]

    @classmethod
    def of(cls, rulebook: Rulebook) -> RulebookIndex:
        """The index of ``rulebook``, built on first use and then reused."""
        key = (rulebook.content_hash, id(rulebook))
        index = _CACHE.get(key)
        if index is None:
            index = cls._build(rulebook)
            if len(_CACHE) > 32:
                _CACHE.clear()
            _CACHE[key] = index
        return index

    @classmethod
    def _build(cls, rulebook: Rulebook) -> RulebookIndex:
        questions: dict[str, Question] = {}
        dimension_of: dict[str, Dimension] = {}
        for dimension in rulebook.dimensions:
            for question in dimension.questions:
                questions[question.id] = question
                dimension_of[question.id] = dimension
        option_index = {
            qid: {o.value: i for i, o in enumerate(q.options)} for qid, q in questions.items()
        }
        return cls(rulebook, questions, dimension_of, option_index, tuple(questions))


_CACHE: dict[tuple[str, int], RulebookIndex] = {}
