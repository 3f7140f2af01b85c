"""From score to plan: target levels and the actions that reach them.

A city sets a target level per dimension (by default one level up in its weakest
dimensions). The plan takes, for each dimension below its target, the rulebook's steps one
option up (:func:`~benchmark.steps.climb_steps`) until their points would lift the score to
the target level's threshold: "I don't know" answers first, as "find out" actions (no
one can plan on an answer they do not know), then steps that lift a gate of the next level,
then the largest gain per effort. Across dimensions the actions keep that order, so the
first five are the ones to start with.

Each action has a stable key (dimension, question, the option it aims at) under which the
city's owner, due date and status are kept, and by which the next assessment says whether
its answer moved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from benchmark.profile import CityProfile
from benchmark.steps import EFFORT, climb_steps, has_eu_link
from rules import NextStep, Rulebook, Scorecard, text_in
from rules.index import RulebookIndex
from rules.model import Level

__all__ = [
    "STATUSES",
    "Action",
    "Progress",
    "action_progress",
    "default_targets",
    "plan_actions",
    "resolved_options",
    "short_of_target",
    "target_reached",
]

STATUSES = ("planned", "started", "done", "dropped")
#: how many of the weakest dimensions get a default target
DEFAULT_TARGETS = 3


@dataclass(frozen=True)
class Action:
    """One step of the plan."""

    key: str
    dimension: str
    question: str
    advice: str
    effort: str
    gain: int
    find_out: bool
    lifts_gate: bool
    #: the option answered when the plan was made (None: "I don't know")
    current: str | None
    #: the option the step aims at
    target: str
    #: the key of the action to do first (a second step on the same question)
    after: str | None = None
    #: the option answered when the plan was made (a second step's ``current`` is the
    #: option its first step aims at)
    start: str | None = None


def default_targets(card: Scorecard, levels: list[Level]) -> dict[str, int]:
    """One level up in the (up to three) weakest dimensions below the top level, weakest by
    level, then score; the other dimensions get no target."""
    top = max(level.level for level in levels)
    below = [d for d in card.dimensions if d.level is not None and d.level < top]
    below.sort(key=lambda d: (d.level, d.score or 0.0))
    return {d.id: (d.level or 0) + 1 for d in below[:DEFAULT_TARGETS]}


def _threshold(levels: list[Level], level: int) -> float:
    return next(item.min_score for item in levels if item.level == level)


def _points_needed(card: Scorecard, levels: list[Level], dimension_id: str, target: int) -> int:
    result = card.dimension(dimension_id)
    wanted = math.ceil(_threshold(levels, target) * result.max_points / 100)
    return max(0, wanted - result.points)


def _action(step: NextStep) -> Action:
    find_out = step.current is None
    return Action(
        key=f"{step.dimension}:{step.question}:{step.target}",
        dimension=step.dimension,
        question=step.question,
        advice=step.advice,
        effort=step.effort,
        gain=step.gain,
        find_out=find_out,
        lifts_gate=step.lifts_gate,
        current=step.current,
        target=step.target,
        start=step.current,
    )


def _rank(action: Action) -> tuple[bool, bool, float]:
    return (not action.find_out, not action.lifts_gate, -action.gain / EFFORT[action.effort])


def _follow_up(book: Rulebook, action: Action, eu_link: bool) -> Action | None:
    """The step after ``action`` on the same question (the next option up), if the rulebook
    words one; none after a "find out", whose answer is not known yet."""
    question = RulebookIndex.of(book).questions.get(action.question)
    if action.find_out or question is None:
        return None
    values = [o.value for o in question.options]
    here = values.index(action.target)
    if here + 1 >= len(values):
        return None
    option = question.options[here]
    worded = option.step_outside_eu if not eu_link and option.step_outside_eu else option.next_step
    if worded is None:
        return None
    return Action(
        key=f"{action.dimension}:{action.question}:{values[here + 1]}",
        dimension=action.dimension,
        question=action.question,
        advice=text_in(worded),
        effort=option.step_effort,
        gain=question.options[here + 1].points - option.points,
        find_out=False,
        lifts_gate=False,
        current=action.target,
        target=values[here + 1],
        after=action.key,
        start=action.start,
    )


def _dimension_actions(
    book: Rulebook, card: Scorecard, profile: CityProfile, dimension_id: str, target: int
) -> list[Action]:
    """Best steps first until the target's threshold is met; a question taken one option up
    offers its next step in turn, for targets more than one step away."""
    candidates = sorted(
        (_action(s) for s in climb_steps(book, card, profile, dimension_id)), key=_rank
    )
    needed = _points_needed(card, book.levels, dimension_id, target)
    eu_link = has_eu_link(profile)
    chosen: list[Action] = []
    gained = 0
    while candidates:
        action = candidates.pop(0)
        if gained >= needed and not action.find_out and not action.lifts_gate:
            break
        chosen.append(action)
        gained += action.gain
        following = _follow_up(book, action, eu_link)
        if following is not None:
            candidates.append(following)
            candidates.sort(key=_rank)
    return chosen


def _after_their_first_steps(actions: list[Action]) -> list[Action]:
    """``actions`` in order, each second step moved after the step it follows."""
    done: set[str] = set()
    ordered: list[Action] = []
    waiting: list[Action] = []
    for action in actions:
        waiting.append(action)
        ready = True
        while ready:
            ready = False
            for candidate in list(waiting):
                if candidate.after is None or candidate.after in done:
                    waiting.remove(candidate)
                    ordered.append(candidate)
                    done.add(candidate.key)
                    ready = True
    return ordered + waiting


def plan_actions(
    book: Rulebook, card: Scorecard, profile: CityProfile, targets: Mapping[str, int]
) -> list[Action]:
    """The actions towards ``targets`` (dimension id → level), best first."""
    actions: list[Action] = []
    for result in card.dimensions:
        target = targets.get(result.id)
        if target is None or result.level is None or target <= result.level:
            continue
        actions.extend(_dimension_actions(book, card, profile, result.id, target))
    order = {d.id: n for n, d in enumerate(book.dimensions)}
    ranked = sorted(actions, key=lambda a: (*_rank(a), order.get(a.dimension, 0)))
    return _after_their_first_steps(ranked)


def short_of_target(
    book: Rulebook, card: Scorecard, actions: list[Action], targets: Mapping[str, int]
) -> list[str]:
    """The dimensions whose planned actions, all done, would still leave the score below the
    target's threshold: the plan says that more is needed than one step per question."""
    short = []
    for dimension_id, target in targets.items():
        result = card.dimension(dimension_id)
        if result.level is None or target <= result.level:
            continue
        gained = sum(a.gain for a in actions if a.dimension == dimension_id)
        if gained < _points_needed(card, book.levels, dimension_id, target):
            short.append(dimension_id)
    return short


def target_reached(card: Scorecard, dimension_id: str, target: int) -> bool:
    """Whether ``card`` reaches the target level in a dimension."""
    try:
        level = card.dimension(dimension_id).level
    except KeyError:
        return False
    return level is not None and level >= target


@dataclass(frozen=True)
class Progress:
    """What became of an action's answer in the next assessment."""

    #: "reached" (the aimed-at option or better), "moved" (up, not yet there),
    #: "unchanged", "down" or "gone" (no longer answered, or "I don't know")
    outcome: str
    #: the option now answered
    answer: str | None


def resolved_options(card: Scorecard) -> dict[str, str]:
    """Question id → the option its answer resolved to (a number's band included)."""
    return {
        line.question: line.option
        for result in card.dimensions
        for line in result.trace
        if line.option is not None
    }


def action_progress(action: Action, options: list[str], later: str | None) -> Progress:
    """Compare ``action`` with the option the next assessment's answer resolved to
    (``later``; None: unanswered or "I don't know"); ``options`` are the question's option
    values, lowest first."""
    if later is None or later not in options:
        return Progress("gone", None)
    now = options.index(later)
    aimed = options.index(action.target) if action.target in options else len(options) - 1
    before = options.index(action.start) if action.start in options else -1
    if now >= aimed:
        return Progress("reached", later)
    if now > before:
        return Progress("moved", later)
    return Progress("down" if now < before else "unchanged", later)
