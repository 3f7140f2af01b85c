"""Next steps that fit the city: its EU link, the effort a step takes, stretch at the top.

The engine's scorecard lists the rulebook's next steps without knowing the city. Here they
are chosen for it (DESIGN §4):

* a question marked ``eu_link_only`` gives no step to a city with no EU link (not an EU
  member, EEA country or candidate); a step with ``step_outside_eu`` is worded that way for
  such a city (``rules check`` makes sure no other step speaks of the EU);
* within a dimension, a step that lifts a gate of the next level comes first, then the
  largest gain in points per unit of effort (low 1, medium 2, high 3);
* a dimension at the top level gets the rulebook's stretch steps (sharing, mentoring,
  leading), so every assessed dimension has at least one step.
"""

from __future__ import annotations

from benchmark.countries import country
from benchmark.profile import CityProfile
from rules import Dimension, NextStep, Rulebook, Scorecard, text_in
from rules.conditions import condition_atoms, evaluate
from rules.index import RulebookIndex
from rules.locale import phrase
from rules.model import Question
from rules.scorecard import DimensionResult

__all__ = ["EFFORT", "STEPS_PER_DIMENSION", "climb_steps", "has_eu_link", "next_steps"]

EFFORT = {"low": 1, "medium": 2, "high": 3}
STEPS_PER_DIMENSION = 3


def has_eu_link(profile: CityProfile) -> bool:
    """An EU member, an EEA country or a (potential) candidate: EU steps fit its cities."""
    found = country(profile.country)
    return profile.eu_member or (found is not None and (found.eu_member or found.eu_link))


def next_steps(rulebook: Rulebook, card: Scorecard, profile: CityProfile) -> list[NextStep]:
    """The steps for this city, dimension by dimension in rulebook order."""
    eu_link = has_eu_link(profile)
    top = max(level.level for level in rulebook.levels)
    steps: list[NextStep] = []
    for dimension in rulebook.dimensions:
        try:
            result = card.dimension(dimension.id)
        except KeyError:
            continue
        if result.level is None:
            continue  # every question N/A: nothing to advise
        found = [] if result.level >= top else _climb(rulebook, dimension, result, eu_link)
        steps.extend(found or _stretch(dimension))
    return steps


def climb_steps(
    rulebook: Rulebook, card: Scorecard, profile: CityProfile, dimension_id: str
) -> list[NextStep]:
    """Every step one option up in a dimension, best first (the order of :func:`next_steps`,
    which shows the first three): what an action plan draws on to reach a target."""
    dimension = next(d for d in rulebook.dimensions if d.id == dimension_id)
    result = card.dimension(dimension_id)
    return _climb(rulebook, dimension, result, has_eu_link(profile), limit=None)


def _climb(
    rulebook: Rulebook,
    dimension: Dimension,
    result: DimensionResult,
    eu_link: bool,
    limit: int | None = STEPS_PER_DIMENSION,
) -> list[NextStep]:
    index = RulebookIndex.of(rulebook)
    chosen = {
        line.question: index.option_index[line.question][line.option]
        for line in result.trace
        if line.option is not None and line.question in index.option_index
    }
    in_gate = _gate_questions(dimension, result, chosen, index)
    order = {qid: n for n, qid in enumerate(index.order)}
    ranked = []
    for line in result.trace:
        question = index.questions.get(line.question)
        if question is None or line.status in ("na", "skipped"):
            continue
        if question.eu_link_only and not eu_link:
            continue
        current = chosen.get(line.question)
        step = _step(dimension.id, question, current, line.question in in_gate, eu_link)
        if step is not None:
            rank = (
                not step.lifts_gate,
                -step.gain / EFFORT[step.effort],
                order[question.id],
            )
            ranked.append((rank, step))
    ranked.sort(key=lambda pair: pair[0])
    return [step for _rank, step in ranked[:limit]]


def _gate_questions(
    dimension: Dimension, result: DimensionResult, chosen: dict[str, int], index: RulebookIndex
) -> set[str]:
    """Questions of the gates that keep the dimension below its next level."""
    level = result.level or 0
    failing = [
        gate
        for gate in dimension.gates
        if gate.level == level + 1 and not evaluate(gate.requires, chosen, index.option_index)
    ]
    return {atom.question for gate in failing for atom in condition_atoms(gate.requires)}


def _step(
    dimension_id: str, question: Question, current: int | None, lifts_gate: bool, eu_link: bool
) -> NextStep | None:
    if current is not None and current >= len(question.options) - 1:
        return None  # already at the top option
    target = 0 if current is None else current + 1
    if current is None:
        advice = _find_out(question)
        effort = "low"
        gain = question.options[0].points
    else:
        option = question.options[current]
        worded = (
            option.step_outside_eu if not eu_link and option.step_outside_eu else option.next_step
        )
        advice = text_in(worded) if worded else _find_out(question)
        effort = option.step_effort
        gain = question.options[target].points - option.points
    return NextStep(
        dimension=dimension_id,
        question=question.id,
        current=None if current is None else question.options[current].value,
        target=question.options[target].value,
        gain=gain,
        lifts_gate=lifts_gate,
        advice=advice,
        effort=effort,
    )


def _find_out(question: Question) -> str:
    return phrase("Find out where you stand: %(question)s", question=text_in(question.text))


def _stretch(dimension: Dimension) -> list[NextStep]:
    texts = [text_in(t) for t in dimension.stretch] or [
        phrase(
            "Share what works in this area with other cities: "
            "mentor a peer or publish your method."
        )
    ]
    return [
        NextStep(
            dimension=dimension.id,
            question="",
            current=None,
            target="",
            gain=0,
            lifts_gate=False,
            advice=text,
            effort="medium",
            stretch=True,
        )
        for text in texts
    ]
