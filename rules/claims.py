"""What a condition guarantees about single answers: the basis of the claim checks.

A level description's claims (``requires:``) are atoms over one question. A gate *backs* a claim
when every answer set that meets the gate also meets the claim. For the conditions gates use —
atoms, ``all`` of them, ``any`` of atoms over one question — that is decided question by
question: the gate guarantees, per question, a set of allowed options; the claim holds if that
set lies inside the claim's own. Conditions whose guarantee cannot be read this way (``not``,
``any`` over several questions) back nothing, which errs on the side of reporting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rules.conditions import AllOf, AnyOf, Condition, IsAtLeast, IsIn, IsOption

__all__ = ["allowed_options", "guaranteed_facts"]


def allowed_options(atom: IsOption | IsAtLeast | IsIn, values: Sequence[str]) -> frozenset[str]:
    """The option values of the question that satisfy ``atom`` (unknown values satisfy none)."""
    if isinstance(atom, IsOption):
        return frozenset({atom.is_}) & frozenset(values)
    if isinstance(atom, IsAtLeast):
        if atom.at_least not in values:
            return frozenset()
        return frozenset(values[list(values).index(atom.at_least) :])
    return frozenset(atom.in_) & frozenset(values)


def guaranteed_facts(
    condition: Condition, options: Mapping[str, Sequence[str]]
) -> dict[str, frozenset[str]]:
    """Question id → the options its answer must have whenever ``condition`` holds.

    Questions the condition guarantees nothing about are absent. ``options`` maps question id
    → its option values in order.
    """
    if isinstance(condition, IsOption | IsAtLeast | IsIn):
        if condition.question not in options:
            return {}
        return {condition.question: allowed_options(condition, options[condition.question])}
    if isinstance(condition, AllOf):
        facts: dict[str, frozenset[str]] = {}
        for part in condition.all:
            for question, allowed in guaranteed_facts(part, options).items():
                facts[question] = facts[question] & allowed if question in facts else allowed
        return facts
    if isinstance(condition, AnyOf):
        parts = [guaranteed_facts(part, options) for part in condition.any]
        shared = set(parts[0]).intersection(*parts[1:]) if parts else set()
        return {q: frozenset().union(*(p[q] for p in parts)) for q in shared}
    return {}
