"""The assessment flow as plain data: steps, which questions apply, answer labels, progress.

No requests or storage here: the views in :mod:`web.assessment.pages` ask this module what
to show and where to go. (Only the gettext of Flask-Babel is used, for user-facing words.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from benchmark.wording import decimal_text
from rules import Dimension, Question, Rulebook, text_in
from rules.conditions import IsAtLeast, IsIn, IsOption, condition_atoms
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN

__all__ = [
    "Step",
    "answer_label",
    "applicable_questions",
    "chosen_options",
    "condition_hint",
    "first_open_step",
    "missing_questions",
    "page_questions",
    "prune_answers",
    "steps",
]

PROFILE_STEP = "profile"
CHECK_STEP = "check"


@dataclass(frozen=True)
class Step:
    """One page of the flow; ``key`` is ``profile``, a dimension id or ``check``."""

    key: str
    number: int
    title: str


def steps(rulebook: Rulebook) -> list[Step]:
    """The steps in order: profile, one per dimension, check your answers."""
    keys = [PROFILE_STEP, *(d.id for d in rulebook.dimensions), CHECK_STEP]
    titles = [
        _("Your city"),
        *(text_in(d.title) for d in rulebook.dimensions),
        _("Check your answers"),
    ]
    return [Step(k, n, t) for n, (k, t) in enumerate(zip(keys, titles, strict=True), start=1)]


def chosen_options(rulebook: Rulebook, answers: Mapping[str, Any]) -> dict[str, int]:
    """Question id → index of the option the answer resolves to (N/A, unknown: absent)."""
    index = RulebookIndex.of(rulebook)
    chosen: dict[str, int] = {}
    for qid, raw in answers.items():
        question = index.questions.get(qid)
        if question is None or raw in (NA, UNKNOWN):
            continue
        option = _option_index(question, raw, index)
        if option is not None:
            chosen[qid] = option
    return chosen


def _option_index(question: Question, raw: Any, index: RulebookIndex) -> int | None:
    if question.kind == "number" and isinstance(raw, int | float) and raw >= 0:
        band = None
        for i, option in enumerate(question.options):
            if option.min is not None and raw >= option.min:
                band = i
        return band
    return index.option_index[question.id].get(str(raw))


def applicable_questions(rulebook: Rulebook, answers: Mapping[str, Any]) -> set[str]:
    """Ids of the questions whose ``applies_if`` holds for ``answers``."""
    index = RulebookIndex.of(rulebook)
    chosen = chosen_options(rulebook, answers)
    return {qid for qid in index.order if index.applies(qid, chosen)}


def page_questions(
    rulebook: Rulebook, dimension: Dimension, answers: Mapping[str, Any]
) -> list[Question]:
    """The questions shown on a dimension's page.

    A question whose condition depends only on other pages is shown when it applies. One that
    depends on a question of this same page is always shown (no JavaScript needed) with a hint
    saying when to answer it; the answer is dropped on save when it does not apply.
    """
    here = {q.id for q in dimension.questions}
    applies = applicable_questions(rulebook, answers)
    shown = []
    for question in dimension.questions:
        condition = question.applies_if
        same_page = condition is not None and any(
            atom.question in here for atom in condition_atoms(condition)
        )
        if condition is None or question.id in applies or same_page:
            shown.append(question)
    return shown


def prune_answers(rulebook: Rulebook, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` without those to questions that no longer apply, or no longer exist.

    Pruning repeats until nothing changes, since dropping one answer can make a question
    that depends on it stop applying.
    """
    current = {q: v for q, v in answers.items() if q in RulebookIndex.of(rulebook).questions}
    while True:
        applies = applicable_questions(rulebook, current)
        pruned = {q: v for q, v in current.items() if q in applies}
        if pruned == current:
            return pruned
        current = pruned


def missing_questions(rulebook: Rulebook, answers: Mapping[str, Any]) -> list[str]:
    """Ids of questions that apply but have no answer yet, in rulebook order."""
    index = RulebookIndex.of(rulebook)
    applies = applicable_questions(rulebook, answers)
    return [q for q in index.order if q in applies and q not in answers]


def first_open_step(
    rulebook: Rulebook, profile: Mapping[str, Any] | None, answers: Mapping[str, Any]
) -> str:
    """The key of the first step still to do: where a resume link takes the user."""
    if not profile:
        return PROFILE_STEP
    missing = set(missing_questions(rulebook, answers))
    for dimension in rulebook.dimensions:
        if any(q.id in missing for q in dimension.questions):
            return dimension.id
    return CHECK_STEP


def answer_label(question: Question, raw: Any) -> str:
    """What the user chose, in words: an option label, 'Not applicable', "I don't know"."""
    if raw == NA:
        return _("Not applicable")
    if raw == UNKNOWN:
        return _("I don't know")
    if question.kind == "number" and isinstance(raw, int | float):
        band = _band_label(question, raw)
        number = decimal_text(f"{raw:g}")  # "2.5" is "2,5" in French
        return f"{number} ({band})" if band else number
    for option in question.options:
        if option.value == str(raw):
            return text_in(option.label)
    return str(raw)


def _band_label(question: Question, raw: float) -> str | None:
    label = None
    for option in question.options:
        if option.min is not None and raw >= option.min:
            label = text_in(option.label)
    return label


def condition_hint(rulebook: Rulebook, question: Question) -> str | None:
    """A sentence saying when a conditional question needs an answer, or None."""
    condition = question.applies_if
    if condition is None:
        return None
    index = RulebookIndex.of(rulebook)
    if isinstance(condition, IsOption | IsAtLeast | IsIn):
        other = index.questions[condition.question]
        labels = {o.value: text_in(o.label) for o in other.options}
        asked = text_in(other.text)
        if isinstance(condition, IsOption):
            return _(
                "Answer this only if you answered “%(option)s” to “%(question)s”.",
                option=labels[condition.is_],
                question=asked,
            )
        if isinstance(condition, IsAtLeast):
            return _(
                "Answer this only if you answered “%(option)s” or a later option to "
                "“%(question)s”.",
                option=labels[condition.at_least],
                question=asked,
            )
        # each option in the language's quotation marks
        quoted = [_("“%(label)s”", label=labels[v]) for v in condition.in_]
        return _(
            "Answer this only if you answered one of %(options)s to “%(question)s”.",
            options=", ".join(quoted),
            question=asked,
        )
    return _("Answer this only if it applies given your other answers on this page.")
