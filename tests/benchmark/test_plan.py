"""Targets and the action plan (issue 15), judged as a city officer would, written before the
plan was tuned:

- with no target of its own, a city is offered one level up in its weakest dimensions, and
  nothing in a dimension already at the top;
- the plan holds actions only in dimensions with a target above their level;
- an "I don't know" answer in such a dimension comes first, as a "find out" action;
- after find-outs and gate-lifting steps, actions run from the largest gain per effort down;
- doing every planned action (each answer one option up) reaches the target, unless the plan
  says it falls short;
- the next assessment says whether an action's answer moved, and whether a target was
  reached.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmark.plan import (
    Action,
    action_progress,
    default_targets,
    plan_actions,
    resolved_options,
    short_of_target,
    target_reached,
)
from benchmark.profile import CityProfile
from benchmark.steps import EFFORT
from rules import Rulebook, Scorecard, load_rulebook, score_assessment
from rules.errors import AnswersError
from rules.index import RulebookIndex

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CITIES = ["answers-emerging.yaml", "answers-established.yaml", "answers-non-eu.yaml"]


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def city(book: Rulebook, name: str) -> tuple[dict[str, Any], Scorecard, CityProfile]:
    data = yaml.safe_load((EXAMPLES / name).read_text("utf-8"))
    card = score_assessment(book, {"rulebook": book.id, "answers": data["answers"]})
    return data["answers"], card, CityProfile(**data["profile"])


@pytest.mark.parametrize("name", CITIES)
def test_the_default_targets_are_one_level_up_in_the_weakest_dimensions(
    book: Rulebook, name: str
) -> None:
    _answers, card, _profile = city(book, name)
    targets = default_targets(card, book.levels)
    top = max(level.level for level in book.levels)
    levels = {d.id: d.level for d in card.dimensions if d.level is not None}
    assert 1 <= len(targets) <= 3
    assert all(targets[d] == levels[d] + 1 for d in targets)
    assert all(levels[d] < top for d in targets)
    weakest = min(levels.values())
    assert any(levels[d] == weakest for d in targets), "the floor dimension gets a target"
    untargeted_below = [d for d in levels if d not in targets and levels[d] < top]
    assert all(levels[d] >= max(levels[t] for t in targets) for d in untargeted_below)


@pytest.mark.parametrize("name", CITIES)
def test_the_plan_acts_only_where_a_target_is_above_the_level(book: Rulebook, name: str) -> None:
    _answers, card, profile = city(book, name)
    targets = default_targets(card, book.levels)
    actions = plan_actions(book, card, profile, targets)
    assert actions, "a target above the level needs at least one action"
    assert {a.dimension for a in actions} <= set(targets)
    assert len({a.key for a in actions}) == len(actions), "one action per key"


def _rank_value(action: Action) -> float:
    return action.gain / EFFORT[action.effort]


@pytest.mark.parametrize("name", CITIES)
def test_find_out_first_then_gates_then_gain_per_effort(book: Rulebook, name: str) -> None:
    answers, card, profile = city(book, name)
    everything = {d.id: (d.level or 0) + 1 for d in card.dimensions if d.level and d.level < 4}
    actions = plan_actions(book, card, profile, everything)
    classes = [(not a.find_out, not a.lifts_gate) for a in actions]
    assert classes == sorted(classes)
    plain = [a for a in actions if not a.find_out and not a.lifts_gate]
    values = [_rank_value(a) for a in plain]
    assert values == sorted(values, reverse=True)
    unknown = {q for q, v in answers.items() if v == "unknown" and q.split(".")[0] in everything}
    found_out = {a.question for a in actions if a.find_out}
    assert found_out == unknown, "every 'I don't know' in a targeted dimension is found out"
    assert all(a.advice.startswith("Find out") for a in actions if a.find_out)


def _rescore(book: Rulebook, answers: dict[str, Any]) -> Scorecard:
    """Score ``answers``; a question an action made apply (a budget line opens the budget's
    horizon) gets its lowest option, as the most cautious answer the city could then give."""
    questions = RulebookIndex.of(book).questions
    for _ in range(10):
        try:
            return score_assessment(book, {"rulebook": book.id, "answers": answers})
        except AnswersError as exc:
            missing = [p.question for p in exc.problems if "required" in p.message]
            assert missing, exc
            answers = {**answers, **{q: questions[q].options[0].value for q in missing}}
    raise AssertionError("answers never settled")


def _done(book: Rulebook, answers: dict[str, Any], actions: list[Action]) -> dict[str, Any]:
    questions = RulebookIndex.of(book).questions
    after = dict(answers)
    for action in actions:
        question = questions[action.question]
        if question.kind == "number":
            band = next(o for o in question.options if o.value == action.target)
            after[action.question] = band.min if band.min is not None else 0
        else:
            after[action.question] = action.target
    return after


@pytest.mark.parametrize("name", CITIES)
def test_doing_the_whole_plan_reaches_the_targets_or_says_it_falls_short(
    book: Rulebook, name: str
) -> None:
    answers, card, profile = city(book, name)
    targets = default_targets(card, book.levels)
    actions = plan_actions(book, card, profile, targets)
    short = short_of_target(book, card, actions, targets)
    later = _rescore(book, _done(book, answers, actions))
    for dimension_id, target in targets.items():
        if dimension_id in short:
            continue
        assert target_reached(later, dimension_id, target), (dimension_id, target)


def test_a_second_step_left_undone_is_unchanged_not_down(book: Rulebook) -> None:
    _answers, card, profile = city(book, "answers-emerging.yaml")
    everything = {d.id: 4 for d in card.dimensions if d.level and d.level < 4}
    actions = plan_actions(book, card, profile, everything)
    second = next(a for a in actions if a.after is not None)
    first = next(a for a in actions if a.key == second.after)
    assert actions.index(first) < actions.index(second), "the first step comes first"
    options = [o.value for o in RulebookIndex.of(book).questions[second.question].options]
    assert action_progress(second, options, first.current).outcome == "unchanged"
    assert action_progress(second, options, first.target).outcome == "moved"
    assert action_progress(second, options, second.target).outcome == "reached"


def test_the_next_assessment_says_what_moved(book: Rulebook) -> None:
    answers, card, profile = city(book, "answers-emerging.yaml")
    actions = plan_actions(book, card, profile, default_targets(card, book.levels))
    questions = RulebookIndex.of(book).questions
    choice = next(a for a in actions if questions[a.question].kind == "choice" and a.current)
    options = [o.value for o in questions[choice.question].options]
    assert action_progress(choice, options, choice.target).outcome == "reached"
    assert action_progress(choice, options, options[-1]).outcome == "reached"
    assert action_progress(choice, options, choice.current).outcome == "unchanged"
    assert action_progress(choice, options, None).outcome == "gone"
    lower = options.index(choice.current or "") - 1
    if lower >= 0:
        assert action_progress(choice, options, options[lower]).outcome == "down"
    later = score_assessment(
        book, {"rulebook": book.id, "answers": _done(book, answers, [choice])}
    )
    assert resolved_options(later)[choice.question] == choice.target
