"""Score one assessment: answers in, an explained :class:`~rules.scorecard.Scorecard` out.

Scoring rules (also in docs/design.md):

* A dimension's score is 100 × points ÷ maximum points of its questions. A question answered
  N/A leaves the denominator; "don't know" scores 0 and is counted; a question skipped by its
  ``applies_if`` scores 0 of its maximum, because it describes capacity the city does not have
  yet (no network membership, hence no role in a network). This keeps scores monotone: a better
  answer never lowers a score.
* The level is the highest level whose threshold the score reaches, capped below the lowest
  level whose gate fails.
* The overall score is the weighted mean of assessed dimensions; its level uses the same
  thresholds; the floor is the lowest dimension level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.answers import Answers, Resolved, ValidAnswers, validate_answers
from rules.conditions import Condition, condition_atoms, evaluate
from rules.index import RulebookIndex
from rules.model import Level, Rulebook, text_in
from rules.scorecard import Scorecard

__all__ = ["level_for", "score_answers", "score_assessment", "score_valid"]

STEPS_PER_DIMENSION = 3


def score_assessment(rulebook: Rulebook, answers: Answers | Mapping[str, Any]) -> Scorecard:
    """Validate ``answers`` against ``rulebook`` and score them.

    ``answers`` is an :class:`~rules.answers.Answers` or a mapping with its fields. Raises
    :class:`~rules.errors.AnswersError` when the answers do not fit, and pydantic's
    ``ValidationError`` when the mapping is not shaped like answers.
    """
    if not isinstance(answers, Answers):
        answers = Answers.model_validate(answers)
    return score_valid(validate_answers(rulebook, answers))


def score_answers(rulebook: Rulebook, answers: Mapping[str, str | int | float]) -> Scorecard:
    """Shorthand for scoring a plain question id → answer mapping."""
    return score_assessment(rulebook, Answers(answers=dict(answers)))


def score_valid(valid: ValidAnswers) -> Scorecard:
    """Score answers already checked by :func:`~rules.answers.validate_answers`."""
    rulebook = valid.index.rulebook
    plan = _plan_of(valid.index)
    chosen = valid.chosen()
    option_index = valid.index.option_index
    dimensions = [
        _score_dimension(dim, valid.resolved, chosen, option_index, plan)
        for dim in plan.dimensions
    ]
    overall = _weighted_mean(dimensions)
    overall_level = None if overall is None else level_for(rulebook.levels, overall)
    levels = [d["level"] for d in dimensions if d["level"] is not None]
    # The scorecard is built as plain data and validated in one call: pydantic then creates
    # the ~70 nested models in Rust, about twice as fast as calling each model's constructor.
    return Scorecard.model_validate(
        {
            "rulebook_id": rulebook.id,
            "rulebook_version": rulebook.version,
            "rulebook_hash": rulebook.content_hash,
            "dimensions": dimensions,
            "overall_score": overall,
            "overall_level": overall_level,
            "overall_level_name": _level_name(plan, overall_level),
            "floor": min(levels, default=None),
            "indicators": {
                indicator.id: evaluate(indicator.when, chosen, option_index)
                for indicator in rulebook.indicators
            },
            "next_steps": _next_steps(plan, valid.resolved, chosen, option_index, dimensions),
        }
    )


def level_for(levels: list[Level], score: float) -> int:
    """The highest level whose ``min_score`` the score reaches."""
    reached = levels[0].level
    for level in levels:
        if score >= level.min_score:
            reached = level.level
    return reached


# What scoring needs from the rulebook, with texts resolved and maxima found once per rulebook
# rather than once per assessment.


@dataclass(frozen=True, slots=True)
class _QuestionPlan:
    id: str
    values: tuple[str, ...]
    points: tuple[int, ...]
    max_points: int
    #: per option: its next_step advice in English, or None
    advice: tuple[str | None, ...]
    #: the advice when the answer is "don't know"
    find_out: str


@dataclass(frozen=True, slots=True)
class _GatePlan:
    level: int
    requires: Condition
    reason: str
    questions: frozenset[str]


@dataclass(frozen=True, slots=True)
class _DimensionPlan:
    id: str
    title: str
    weight: float
    questions: tuple[_QuestionPlan, ...]
    #: in level order (a stable sort: gates of one level keep their file order)
    gates: tuple[_GatePlan, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    levels: list[Level]
    level_names: tuple[str, ...]
    top_level: int
    dimensions: tuple[_DimensionPlan, ...]


_PLANS: dict[int, tuple[RulebookIndex, _Plan]] = {}


def _plan_of(index: RulebookIndex) -> _Plan:
    cached = _PLANS.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    rulebook = index.rulebook
    plan = _Plan(
        levels=rulebook.levels,
        level_names=tuple(text_in(level.name) for level in rulebook.levels),
        top_level=rulebook.levels[-1].level,
        dimensions=tuple(
            _DimensionPlan(
                id=dimension.id,
                title=text_in(dimension.title),
                weight=dimension.weight,
                questions=tuple(
                    _QuestionPlan(
                        id=q.id,
                        values=tuple(o.value for o in q.options),
                        points=tuple(o.points for o in q.options),
                        max_points=q.max_points,
                        advice=tuple(
                            text_in(o.next_step) if o.next_step else None for o in q.options
                        ),
                        find_out=f"Find out where you stand: {text_in(q.text)}",
                    )
                    for q in dimension.questions
                ),
                gates=tuple(
                    _GatePlan(
                        level=gate.level,
                        requires=gate.requires,
                        reason=text_in(gate.reason),
                        questions=frozenset(a.question for a in condition_atoms(gate.requires)),
                    )
                    for gate in sorted(dimension.gates, key=lambda g: g.level)
                ),
            )
            for dimension in rulebook.dimensions
        ),
    )
    if len(_PLANS) > 32:
        _PLANS.clear()
    _PLANS[id(index)] = (index, plan)
    return plan


def _level_name(plan: _Plan, level: int | None) -> str | None:
    return None if level is None else plan.level_names[level - 1]


def _weighted_mean(dimensions: list[dict[str, Any]]) -> float | None:
    # Summed in dimension order, exactly like the batch path, so both give identical floats.
    total = 0.0
    weights = 0.0
    for dim in dimensions:
        if dim["score"] is not None:
            total += dim["weight"] * dim["score"]
            weights += dim["weight"]
    return total / weights if weights else None


def _score_dimension(
    dimension: _DimensionPlan,
    resolved: Mapping[str, Resolved],
    chosen: Mapping[str, int],
    option_index: Mapping[str, Mapping[str, int]],
    plan: _Plan,
) -> dict[str, Any]:
    """The fields of a :class:`~rules.scorecard.DimensionResult`."""
    trace = []
    points = max_points = 0
    counts = {"answered": 0, "na": 0, "unknown": 0, "skipped": 0}
    for question in dimension.questions:
        answer = resolved[question.id]
        option = answer.option
        got = question.points[option] if option is not None else 0
        possible = 0 if answer.status == "na" else question.max_points
        points += got
        max_points += possible
        counts[answer.status] += 1
        trace.append(
            {
                "question": question.id,
                "status": answer.status,
                "answer": answer.given,
                "option": question.values[option] if option is not None else None,
                "points": got,
                "max_points": possible,
                "note": answer.note,
            }
        )
    score = 100.0 * points / max_points if max_points else None
    score_level = None if score is None else level_for(plan.levels, score)
    level, capped_by = score_level, None
    if score_level is not None:
        for gate in dimension.gates:
            if gate.level <= score_level and not evaluate(gate.requires, chosen, option_index):
                level = gate.level - 1
                capped_by = {"level": gate.level, "reason": gate.reason}
                break
    return {
        "id": dimension.id,
        "title": dimension.title,
        "weight": dimension.weight,
        "score": score,
        "level": level,
        "level_name": _level_name(plan, level),
        "score_level": score_level,
        "capped_by": capped_by,
        "points": points,
        "max_points": max_points,
        "answered": counts["answered"],
        "not_applicable": counts["na"],
        "unknown": counts["unknown"],
        "skipped": counts["skipped"],
        "trace": trace,
    }


def _next_steps(
    plan: _Plan,
    resolved: Mapping[str, Resolved],
    chosen: Mapping[str, int],
    option_index: Mapping[str, Mapping[str, int]],
    results: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The fields of the :class:`~rules.scorecard.NextStep` s: per dimension below the top
    level, the steps that lift a failing gate first, then the largest gains."""
    steps: list[dict[str, Any]] = []
    for dimension, result in zip(plan.dimensions, results, strict=True):
        level = result["level"]
        if level is None or level >= plan.top_level:
            continue
        # Questions named by the gates that keep the dimension below the next level.
        in_gate: set[str] = set()
        for gate in dimension.gates:
            if gate.level <= level + 1 and not evaluate(gate.requires, chosen, option_index):
                in_gate |= gate.questions
        candidates = []
        for question in dimension.questions:
            answer = resolved[question.id]
            if answer.status in ("na", "skipped"):
                continue
            current = answer.option
            target = 0 if current is None else current + 1
            if target >= len(question.values):
                continue
            base = question.points[current] if current is not None else 0
            gain = question.points[target] - base
            lifts_gate = question.id in in_gate
            candidates.append(((not lifts_gate, -gain, question.id), question, current, target))
        candidates.sort(key=lambda candidate: candidate[0])
        for (gate_last, minus_gain, _), question, current, target in candidates[
            :STEPS_PER_DIMENSION
        ]:
            advice = question.advice[current] if current is not None else None
            steps.append(
                {
                    "dimension": dimension.id,
                    "question": question.id,
                    "current": question.values[current] if current is not None else None,
                    "target": question.values[target],
                    "gain": -minus_gain,
                    "lifts_gate": not gate_last,
                    "advice": advice if advice is not None else question.find_out,
                }
            )
    return steps
