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
from typing import Any

from rules.answers import Answers, Resolved, ValidAnswers, validate_answers
from rules.conditions import condition_atoms, evaluate
from rules.model import Dimension, Level, Rulebook, text_in
from rules.scorecard import CappingGate, DimensionResult, NextStep, Scorecard, TraceLine

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
    chosen = valid.chosen()
    dimensions = [_score_dimension(d, valid, chosen) for d in rulebook.dimensions]
    assessed = [d for d in dimensions if d.score is not None]
    overall = _weighted_mean(dimensions)
    overall_level = None if overall is None else level_for(rulebook.levels, overall)
    return Scorecard(
        rulebook_id=rulebook.id,
        rulebook_version=rulebook.version,
        rulebook_hash=rulebook.content_hash,
        dimensions=dimensions,
        overall_score=overall,
        overall_level=overall_level,
        overall_level_name=_level_name(rulebook.levels, overall_level),
        floor=min((d.level for d in assessed if d.level is not None), default=None),
        indicators={
            i.id: evaluate(i.when, chosen, valid.index.option_index) for i in rulebook.indicators
        },
        next_steps=_next_steps(rulebook, valid, dimensions),
    )


def level_for(levels: list[Level], score: float) -> int:
    """The highest level whose ``min_score`` the score reaches."""
    reached = levels[0].level
    for level in levels:
        if score >= level.min_score:
            reached = level.level
    return reached


def _weighted_mean(dimensions: list[DimensionResult]) -> float | None:
    # Summed in dimension order, exactly like the batch path, so both give identical floats.
    total = 0.0
    weights = 0.0
    for dim in dimensions:
        if dim.score is not None:
            total += dim.weight * dim.score
            weights += dim.weight
    return total / weights if weights else None


def _level_name(levels: list[Level], level: int | None) -> str | None:
    return None if level is None else text_in(levels[level - 1].name)


def _score_dimension(
    dimension: Dimension, valid: ValidAnswers, chosen: dict[str, int]
) -> DimensionResult:
    trace = [_trace_line(valid, q.id, valid.resolved[q.id]) for q in dimension.questions]
    points = sum(t.points for t in trace)
    max_points = sum(t.max_points for t in trace)
    score = 100.0 * points / max_points if max_points else None
    levels = valid.index.rulebook.levels
    score_level = None if score is None else level_for(levels, score)
    level, capped_by = score_level, None
    if score_level is not None:
        for gate in sorted(dimension.gates, key=lambda g: g.level):
            if gate.level <= score_level and not evaluate(
                gate.requires, chosen, valid.index.option_index
            ):
                level = gate.level - 1
                capped_by = CappingGate(level=gate.level, reason=text_in(gate.reason))
                break
    statuses = [t.status for t in trace]
    return DimensionResult(
        id=dimension.id,
        title=text_in(dimension.title),
        weight=dimension.weight,
        score=score,
        level=level,
        level_name=_level_name(levels, level),
        score_level=score_level,
        capped_by=capped_by,
        points=points,
        max_points=max_points,
        answered=statuses.count("answered"),
        not_applicable=statuses.count("na"),
        unknown=statuses.count("unknown"),
        skipped=statuses.count("skipped"),
        trace=trace,
    )


def _trace_line(valid: ValidAnswers, qid: str, resolved: Resolved) -> TraceLine:
    question = valid.index.questions[qid]
    option = question.options[resolved.option] if resolved.option is not None else None
    return TraceLine(
        question=qid,
        status=resolved.status,
        answer=resolved.given,
        option=option.value if option else None,
        points=option.points if option else 0,
        max_points=0 if resolved.status == "na" else question.max_points,
        note=resolved.note,
    )


def _next_steps(
    rulebook: Rulebook, valid: ValidAnswers, results: list[DimensionResult]
) -> list[NextStep]:
    steps: list[NextStep] = []
    top_level = rulebook.levels[-1].level
    for dimension, result in zip(rulebook.dimensions, results, strict=True):
        if result.level is None or result.level >= top_level:
            continue
        gate_questions = _failing_gate_questions(valid, dimension, result.level + 1)
        candidates = [
            step
            for q in dimension.questions
            if (step := _step_for(valid, dimension.id, q.id, q.id in gate_questions)) is not None
        ]
        candidates.sort(key=lambda s: (not s.lifts_gate, -s.gain, s.question))
        steps.extend(candidates[:STEPS_PER_DIMENSION])
    return steps


def _failing_gate_questions(valid: ValidAnswers, dimension: Dimension, level: int) -> set[str]:
    """Questions named by the gates that keep ``dimension`` below ``level``."""
    chosen = valid.chosen()
    return {
        atom.question
        for gate in dimension.gates
        if gate.level <= level and not evaluate(gate.requires, chosen, valid.index.option_index)
        for atom in condition_atoms(gate.requires)
    }


def _step_for(valid: ValidAnswers, dimension: str, qid: str, in_gate: bool) -> NextStep | None:
    question = valid.index.questions[qid]
    resolved = valid.resolved[qid]
    if resolved.status in ("na", "skipped"):
        return None
    current = resolved.option
    target = 0 if current is None else current + 1
    if target >= len(question.options):
        return None
    base = question.options[current].points if current is not None else 0
    advice = question.options[current].next_step if current is not None else None
    target_option = question.options[target]
    return NextStep(
        dimension=dimension,
        question=qid,
        current=question.options[current].value if current is not None else None,
        target=target_option.value,
        gain=target_option.points - base,
        lifts_gate=in_gate,
        advice=text_in(advice)
        if advice
        else f"Find out where you stand: {text_in(question.text)}",
    )
