"""The small declarative condition language used by skip logic, gates and indicators.

A condition looks at the option a city chose for a question. Atoms compare against the
question's ordinal option order; ``all``/``any``/``not`` combine them. A question without a
chosen option (skipped, N/A or "don't know") never satisfies an atom: a gate that needs
"an international office" is not met by "don't know".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "IsAtLeast",
    "IsIn",
    "IsOption",
    "Not",
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


def evaluate(
    condition: Condition,
    chosen: Mapping[str, int],
    option_index: Mapping[str, Mapping[str, int]],
) -> bool:
    """Tell whether ``condition`` holds for the chosen option indices.

    ``chosen`` maps a question id to the index of its chosen option; questions without a chosen
    option are absent. ``option_index`` maps question id → option value → index.
    """
    if isinstance(condition, IsOption):
        got = chosen.get(condition.question)
        return got is not None and got == option_index[condition.question][condition.is_]
    if isinstance(condition, IsAtLeast):
        got = chosen.get(condition.question)
        return got is not None and got >= option_index[condition.question][condition.at_least]
    if isinstance(condition, IsIn):
        got = chosen.get(condition.question)
        wanted = option_index[condition.question]
        return got is not None and any(got == wanted[v] for v in condition.in_)
    if isinstance(condition, AllOf):
        return all(evaluate(c, chosen, option_index) for c in condition.all)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, chosen, option_index) for c in condition.any)
    return not evaluate(condition.not_, chosen, option_index)
