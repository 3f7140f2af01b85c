"""Lookup tables derived once from a rulebook, shared by validation and scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.conditions import AllOf, Predicate, compile_condition
from rules.model import ConsistencyRule, Dimension, Question, Rulebook

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
    #: question id → its compiled ``applies_if`` (questions without skip logic are absent)
    applies_if: dict[str, Predicate]
    #: each consistency rule with its compiled conflict (true when the answers conflict)
    conflicts: tuple[tuple[ConsistencyRule, Predicate], ...] = ()

    def applies(self, question_id: str, chosen: Mapping[str, int]) -> bool:
        """Whether the question applies, given the chosen option indices of the others."""
        holds = self.applies_if.get(question_id)
        return holds is None or holds(chosen)

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
        applies_if = {
            qid: compile_condition(q.applies_if, option_index)
            for qid, q in questions.items()
            if q.applies_if is not None
        }
        conflicts = tuple(
            (rule, compile_condition(AllOf(all=list(rule.conflict)), option_index))
            for rule in rulebook.consistency
        )
        return cls(
            rulebook,
            questions,
            dimension_of,
            option_index,
            tuple(questions),
            applies_if,
            conflicts,
        )


_CACHE: dict[tuple[str, int], RulebookIndex] = {}
