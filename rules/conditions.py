"""The small declarative condition language used by skip logic, gates and indicators.

A condition looks at the option a city chose for a question. Atoms compare against the
question's ordinal option order; ``all``/``any``/``not`` combine them. A question without a
chosen option (skipped, N/A or "don't know") never satisfies an atom: a gate that needs
"an international office" is not met by "don't know".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

__all__ = [
    "AllOf",
    "AnyOf",
    "Atom",
    "Condition",
    "IsAtLeast",
    "IsIn",
    "IsOption",
    "Not",
    "Predicate",
    "compile_condition",
    "condition_atoms",
    "evaluate",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IsOption(_Strict):
    """The answer to ``question`` is exactly option ``is``."""

    question: str
    is_: str = Field(alias="is")


class IsAtLeast(_Strict):
    """The answer to ``question`` is option ``at_least`` or a later (higher) option."""

    question: str
    at_least: str


class IsIn(_Strict):
    """The answer to ``question`` is one of the options listed in ``in``."""

    question: str
    in_: list[str] = Field(alias="in", min_length=1)


class AllOf(_Strict):
    """Every listed condition holds."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    """At least one listed condition holds."""

    any: list[Condition] = Field(min_length=1)


class Not(_Strict):
    """The inner condition does not hold."""

    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return type(value).__name__
    if not isinstance(value, dict):
        return None
    for key, kind in (
        ("is", "IsOption"),
        ("at_least", "IsAtLeast"),
        ("in", "IsIn"),
        ("all", "AllOf"),
        ("any", "AnyOf"),
        ("not", "Not"),
    ):
        if key in value:
            return kind
    return None


Condition = Annotated[
    Annotated[IsOption, Tag("IsOption")]
    | Annotated[IsAtLeast, Tag("IsAtLeast")]
    | Annotated[IsIn, Tag("IsIn")]
    | Annotated[AllOf, Tag("AllOf")]
    | Annotated[AnyOf, Tag("AnyOf")]
    | Annotated[Not, Tag("Not")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_kind",
        custom_error_message=(
            "a condition needs one of the keys is, at_least, in (each with question), "
            "all, any or not"
        ),
    ),
]

#: One comparison over one question's answer, without ``all``/``any``/``not``: the form of a
#: level's claims and of consistency rules, whose meaning must be checkable question by question.
Atom = Annotated[
    Annotated[IsOption, Tag("IsOption")]
    | Annotated[IsAtLeast, Tag("IsAtLeast")]
    | Annotated[IsIn, Tag("IsIn")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_kind",
        custom_error_message=(
            "a claim or conflict is one comparison: {question: ID, at_least: OPTION}, "
            "{question: ID, is: OPTION} or {question: ID, in: [OPTION, ...]}"
        ),
    ),
]

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()


def condition_atoms(condition: Condition) -> Iterator[IsOption | IsAtLeast | IsIn]:
    """Yield every atom (question comparison) inside ``condition``."""
    if isinstance(condition, IsOption | IsAtLeast | IsIn):
        yield condition
    elif isinstance(condition, AllOf):
        for part in condition.all:
            yield from condition_atoms(part)
    elif isinstance(condition, AnyOf):
        for part in condition.any:
            yield from condition_atoms(part)
    else:
        yield from condition_atoms(condition.not_)


#: A compiled condition: chosen option per question id → whether the condition holds.
Predicate = Callable[[Mapping[str, int]], bool]


def compile_condition(
    condition: Condition, option_index: Mapping[str, Mapping[str, int]]
) -> Predicate:
    """Turn ``condition`` into a closure over chosen option indices.

    ``option_index`` maps question id → option value → index. A question without a chosen
    option (absent from the mapping the closure gets) satisfies no atom. Compile once and call
    many times: scoring does so for every skip rule, gate and indicator.
    """
    if isinstance(condition, IsOption | IsAtLeast | IsIn):
        qid, options = condition.question, option_index[condition.question]
        if isinstance(condition, IsOption):
            wanted = options[condition.is_]
            return lambda chosen: chosen.get(qid, -1) == wanted
        if isinstance(condition, IsAtLeast):
            lowest = options[condition.at_least]
            return lambda chosen: chosen.get(qid, -1) >= lowest
        among = frozenset(options[v] for v in condition.in_)
        return lambda chosen: chosen.get(qid, -1) in among
    if isinstance(condition, AllOf):
        parts = [compile_condition(c, option_index) for c in condition.all]
        return lambda chosen: all(part(chosen) for part in parts)
    if isinstance(condition, AnyOf):
        parts = [compile_condition(c, option_index) for c in condition.any]
        return lambda chosen: any(part(chosen) for part in parts)
    inner = compile_condition(condition.not_, option_index)
    return lambda chosen: not inner(chosen)


def evaluate(
    condition: Condition,
    chosen: Mapping[str, int],
    option_index: Mapping[str, Mapping[str, int]],
) -> bool:
    """Tell once whether ``condition`` holds for the chosen option indices.

    ``chosen`` maps a question id to the index of its chosen option; questions without a chosen
    option are absent. For repeated use, :func:`compile_condition` once instead.
    """
    return compile_condition(condition, option_index)(chosen)
