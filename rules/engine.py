"""Score one assessment: answers in, an explained :class:`~rules.scorecard.Scorecard` out.

Scoring rules (also in docs/design.md):

* A dimension's score is 100 × points ÷ maximum points of its questions, rounded down to a
  whole number (:mod:`rules.rounding`: one rounding rule everywhere). A question answered
  N/A leaves the denominator; "don't know" scores 0 and is counted; a question skipped by its
  ``applies_if`` scores 0 of its maximum, because it describes capacity the city does not have
  yet (no network membership, hence no role in a network). This keeps scores monotone: a better
  answer never lowers a score.
* The level is the highest level whose threshold the score reaches, capped below the lowest
  level whose gate fails.
* The overall score is the weighted mean of assessed dimensions, rounded down; its level uses
  the same thresholds, capped at the floor (the lowest dimension level) plus the rulebook's
  ``floor_margin``: a mean must not hide a weak dimension.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.answers import Answers, Resolved, ValidAnswers, validate_answers
from rules.conditions import Condition, Predicate, compile_condition, condition_atoms
from rules.index import RulebookIndex
from rules.model import Dimension, Level, Rulebook, text_in
from rules.rounding import whole_score
from rules.scorecard import CappingGate, NextStep, Scorecard, TraceLine

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
    scored = [_score_dimension(dim, valid.resolved, chosen, plan) for dim in plan.dimensions]
    dimensions = [fields for fields, _ in scored]
    overall = _weighted_mean(dimensions)
    overall_score_level = None if overall is None else _threshold_level(plan, overall)
    levels = [d["level"] for d in dimensions if d["level"] is not None]
    floor = min(levels, default=None)
    overall_level = overall_score_level
    if overall_level is not None and floor is not None and plan.floor_margin is not None:
        overall_level = min(overall_level, floor + plan.floor_margin)
    # The scorecard is built as plain data and validated in one call, which lets pydantic
    # create the nested models in Rust; parts that depend only on the rulebook and an option
    # (most trace lines, every next step) are frozen models made once and shared.
    return Scorecard.model_validate(
        {
            "rulebook_id": rulebook.id,
            "rulebook_version": rulebook.version,
            "rulebook_hash": rulebook.content_hash,
            "dimensions": dimensions,
            "overall_score": overall,
            "overall_level": overall_level,
            "overall_level_name": _level_name(plan, overall_level),
            "overall_level_description": (
                None if overall_level is None else plan.level_descriptions[overall_level - 1]
            ),
            "overall_score_level": overall_score_level,
            "floor": floor,
            "indicators": {name: holds(chosen) for name, holds in plan.indicators},
            "next_steps": _next_steps(plan, valid.resolved, scored),
        }
    )


def level_for(levels: list[Level], score: float) -> int:
    """The highest level whose ``min_score`` the score reaches."""
    reached = levels[0].level
    for level in levels:
        if score >= level.min_score:
            reached = level.level
    return reached


# What scoring needs from a rulebook, prepared once per rulebook: texts resolved, maxima found,
# conditions compiled to closures, and a memo of the models that depend on nothing else.


@dataclass(frozen=True, slots=True)
class _QuestionPlan:
    id: str
    values: tuple[str, ...]
    points: tuple[int, ...]
    max_points: int
    #: per option: its next_step advice in English (a scorecard is stored in English), or None
    advice: tuple[str | None, ...]
    #: the advice when the answer is "don't know"
    find_out: str
    #: current option (None: "don't know") → points gained by moving to the next option
    gains: dict[int | None, int]
    #: (status, option, answer) → trace line, for answers given as text without a note
    trace_lines: dict[tuple[str, int | None, str | int | float | None], TraceLine] = field(
        default_factory=dict
    )
    #: (dimension, current option, lifts a gate) → next step
    next_steps: dict[tuple[str, int | None, bool], NextStep] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _GatePlan:
    level: int
    holds: Predicate
    capping: CappingGate
    questions: frozenset[str]


@dataclass(frozen=True, slots=True)
class _DimensionPlan:
    id: str
    title: str
    weight: float
    questions: tuple[_QuestionPlan, ...]
    #: in level order (a stable sort: gates of one level keep their file order)
    gates: tuple[_GatePlan, ...]
    #: per level (index = level - 1): what it means in this dimension, or None
    level_descriptions: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    levels: list[Level]
    #: the levels' min_score, increasing (the loader checks it)
    thresholds: tuple[float, ...]
    #: number of thresholds a score reaches → its level (levels are numbered 1, 2, …)
    level_by_count: tuple[int, ...]
    level_names: tuple[str, ...]
    level_descriptions: tuple[str, ...]
    floor_margin: int | None
    top_level: int
    dimensions: tuple[_DimensionPlan, ...]
    indicators: tuple[tuple[str, Predicate], ...]


_PLANS: dict[int, tuple[RulebookIndex, _Plan]] = {}


def _plan_of(index: RulebookIndex) -> _Plan:
    cached = _PLANS.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    rulebook = index.rulebook

    def compiled(condition: Condition) -> Predicate:
        return compile_condition(condition, index.option_index)

    plan = _Plan(
        levels=rulebook.levels,
        thresholds=tuple(level.min_score for level in rulebook.levels),
        level_by_count=(rulebook.levels[0].level, *(level.level for level in rulebook.levels)),
        level_names=tuple(text_in(level.name, "en") for level in rulebook.levels),
        level_descriptions=tuple(text_in(level.description, "en") for level in rulebook.levels),
        floor_margin=rulebook.floor_margin,
        top_level=rulebook.levels[-1].level,
        dimensions=tuple(
            _DimensionPlan(
                id=dimension.id,
                title=text_in(dimension.title, "en"),
                weight=dimension.weight,
                questions=tuple(
                    _QuestionPlan(
                        id=q.id,
                        values=tuple(o.value for o in q.options),
                        points=tuple(o.points for o in q.options),
                        max_points=q.max_points,
                        advice=tuple(
                            text_in(o.next_step, "en") if o.next_step else None for o in q.options
                        ),
                        find_out=f"Find out where you stand: {text_in(q.text, 'en')}",
                        gains=_gains([o.points for o in q.options]),
                    )
                    for q in dimension.questions
                ),
                gates=tuple(
                    _GatePlan(
                        level=gate.level,
                        holds=compiled(gate.requires),
                        capping=CappingGate(level=gate.level, reason=text_in(gate.reason, "en")),
                        questions=frozenset(a.question for a in condition_atoms(gate.requires)),
                    )
                    for gate in sorted(dimension.gates, key=lambda g: g.level)
                ),
                level_descriptions=_dimension_level_texts(dimension, len(rulebook.levels)),
            )
            for dimension in rulebook.dimensions
        ),
        indicators=tuple((i.id, compiled(i.when)) for i in rulebook.indicators),
    )
    if len(_PLANS) > 32:
        _PLANS.clear()
    _PLANS[id(index)] = (index, plan)
    return plan


def _dimension_level_texts(dimension: Dimension, count: int) -> tuple[str | None, ...]:
    texts: list[str | None] = [None] * count
    for level in dimension.levels:
        if 1 <= level.level <= count:
            texts[level.level - 1] = text_in(level.description, "en")
    return tuple(texts)


def _gains(points: list[int]) -> dict[int | None, int]:
    gains: dict[int | None, int] = {None: points[0]}
    gains.update({i: points[i + 1] - points[i] for i in range(len(points) - 1)})
    return gains


def _threshold_level(plan: _Plan, score: float) -> int:
    """:func:`level_for` by bisection, as the thresholds increase."""
    return plan.level_by_count[bisect_right(plan.thresholds, score)]


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
    return whole_score(total / weights) if weights else None


def _score_dimension(
    dimension: _DimensionPlan,
    resolved: Mapping[str, Resolved],
    chosen: Mapping[str, int],
    plan: _Plan,
) -> tuple[dict[str, Any], list[_GatePlan]]:
    """The fields of a :class:`~rules.scorecard.DimensionResult`, and the gates that do not
    hold, in level order."""
    trace: list[TraceLine | dict[str, Any]] = []
    statuses: list[str] = []
    points = max_points = 0
    for question in dimension.questions:
        answer = resolved[question.id]
        option = answer.option
        got = 0 if option is None else question.points[option]
        possible = 0 if answer.status == "na" else question.max_points
        points += got
        max_points += possible
        statuses.append(answer.status)
        given = answer.given
        # A text answer without a note gives a trace line that depends on the rulebook alone.
        shareable = answer.note is None and (given is None or isinstance(given, str))
        shared = question.trace_lines.get((answer.status, option, given)) if shareable else None
        if shared is None:
            trace.append(_trace_line(question, answer, got, possible, shareable))
        else:
            trace.append(shared)
    score = whole_score(100.0 * points / max_points) if max_points else None
    score_level = None if score is None else _threshold_level(plan, score)
    failing = [gate for gate in dimension.gates if not gate.holds(chosen)]
    level, capped_by = score_level, None
    if score_level is not None:
        for gate in failing:
            if gate.level <= score_level:
                level, capped_by = gate.level - 1, gate.capping
                break
    fields = {
        "id": dimension.id,
        "title": dimension.title,
        "weight": dimension.weight,
        "score": score,
        "level": level,
        "level_name": None if level is None else plan.level_names[level - 1],
        "level_description": None if level is None else dimension.level_descriptions[level - 1],
        "score_level": score_level,
        "capped_by": capped_by,
        "points": points,
        "max_points": max_points,
        "answered": statuses.count("answered"),
        "not_applicable": statuses.count("na"),
        "unknown": statuses.count("unknown"),
        "skipped": statuses.count("skipped"),
        "trace": trace,
    }
    return fields, failing


def _trace_line(
    question: _QuestionPlan, answer: Resolved, got: int, possible: int, shareable: bool
) -> TraceLine | dict[str, Any]:
    """A new trace line; remembered in the plan when ``shareable`` (a text answer without a
    note: a few per question), plain data otherwise (numbers, notes)."""
    line = {
        "question": question.id,
        "status": answer.status,
        "answer": answer.given,
        "option": question.values[answer.option] if answer.option is not None else None,
        "points": got,
        "max_points": possible,
        "note": answer.note,
    }
    if not shareable:
        return line
    key = (answer.status, answer.option, answer.given)
    question.trace_lines[key] = shared = TraceLine.model_validate(line)
    return shared


def _next_steps(
    plan: _Plan,
    resolved: Mapping[str, Resolved],
    scored: list[tuple[dict[str, Any], list[_GatePlan]]],
) -> list[NextStep]:
    """Per dimension below the top level, the steps that lift a failing gate of the next level
    first, then the largest gains."""
    steps: list[NextStep] = []
    for dimension, (result, failing) in zip(plan.dimensions, scored, strict=True):
        level = result["level"]
        if level is None or level >= plan.top_level:
            continue
        # Questions named by the gates that keep the dimension below the next level.
        in_gate = {q for gate in failing if gate.level <= level + 1 for q in gate.questions}
        candidates = []
        for question in dimension.questions:
            answer = resolved[question.id]
            gain = question.gains.get(answer.option)  # None at the top option
            if gain is None or answer.status in ("na", "skipped"):
                continue
            lifts_gate = question.id in in_gate
            candidates.append(((not lifts_gate, -gain, question.id), question, answer.option))
        candidates.sort()  # by key alone: the question ids in the keys are unique
        for (gate_last, _, _), question, current in candidates[:STEPS_PER_DIMENSION]:
            steps.append(_next_step(dimension.id, question, current, not gate_last))
    return steps


def _next_step(
    dimension: str, question: _QuestionPlan, current: int | None, lifts_gate: bool
) -> NextStep:
    """The step from option ``current`` (None: "don't know") to the next option."""
    key = (dimension, current, lifts_gate)
    step = question.next_steps.get(key)
    if step is None:
        target = 0 if current is None else current + 1
        base = question.points[current] if current is not None else 0
        advice = question.advice[current] if current is not None else None
        step = question.next_steps[key] = NextStep(
            dimension=dimension,
            question=question.id,
            current=question.values[current] if current is not None else None,
            target=question.values[target],
            gain=question.points[target] - base,
            lifts_gate=lifts_gate,
            advice=advice if advice is not None else question.find_out,
        )
    return step
