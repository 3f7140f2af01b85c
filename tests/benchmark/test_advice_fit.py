"""Advice that fits the city (issue 11, deliverable 4), as an expert would check it.

Written before the steps were chosen for the city: a city with no EU link is never told about
the EU; every assessed dimension of every city, level 5 included, has a step; a city at the
top gets stretch steps; gate-lifting steps come first and then points per effort; peers'
practices never include a perception and count real cities once there are five of them.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmark.advice import common_practices
from benchmark.demo import generate_demo_pool
from benchmark.profile import CityProfile
from benchmark.steps import EFFORT, has_eu_link, next_steps
from rules import Answers, load_rulebook, score_assessment
from rules.checks import EU_WORDING
from rules.index import RulebookIndex

BOOK = load_rulebook()
POOL = generate_demo_pool(600, 3, BOOK)


def _card(answers: dict[str, Any]) -> Any:
    return score_assessment(BOOK, Answers(answers=answers))


def test_the_pool_has_cities_with_and_without_an_eu_link() -> None:
    links = {has_eu_link(r.profile) for r in POOL}
    assert links == {True, False}


@pytest.mark.parametrize("record", [r for r in POOL if not has_eu_link(r.profile)][:150])
def test_no_step_for_a_city_with_no_eu_link_speaks_of_the_eu(record: Any) -> None:
    for step in next_steps(BOOK, _card(record.answers), record.profile):
        assert not EU_WORDING.search(step.advice), (record.profile.country, step)


def test_every_assessed_dimension_of_every_city_has_a_step() -> None:
    for record in POOL[:200]:
        card = _card(record.answers)
        steps = next_steps(BOOK, card, record.profile)
        assessed = {d.id for d in card.dimensions if d.level is not None}
        assert assessed <= {s.dimension for s in steps}, record.id


def _top_answers() -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for dimension in BOOK.dimensions:
        for question in dimension.questions:
            top = question.options[-1]
            answers[question.id] = top.min if question.kind == "number" else top.value
    return answers


def test_a_level_5_city_gets_stretch_steps_in_every_dimension() -> None:
    card = _card(_top_answers())
    assert card.overall_level == 5
    profile = CityProfile(name="Top", country="DK", region="Northern Europe", population=600000)
    steps = next_steps(BOOK, card, profile)
    assert {s.dimension for s in steps} == {d.id for d in BOOK.dimensions}
    assert all(s.stretch for s in steps)
    assert any("mentor" in s.advice.lower() or "lead" in s.advice.lower() for s in steps)


def test_steps_lift_gates_first_then_points_per_effort() -> None:
    for record in POOL[:100]:
        steps = next_steps(BOOK, _card(record.answers), record.profile)
        for dimension in BOOK.dimensions:
            mine = [s for s in steps if s.dimension == dimension.id and not s.stretch]
            keys = [(not s.lifts_gate, -s.gain / EFFORT[s.effort]) for s in mine]
            assert keys == sorted(keys), (record.id, dimension.id)


def test_practices_never_list_a_perception_and_say_what_they_count() -> None:
    index = RulebookIndex.of(BOOK)
    perceptions = {q for q, question in index.questions.items() if not question.practice}
    assert perceptions, "the rulebook marks no perception"
    weakest = min(POOL, key=lambda r: r.scores.overall_score or 0)
    card = _card(weakest.answers)
    demo_peers = POOL[:10]
    practices, _note = common_practices(BOOK, card, demo_peers)
    assert practices and all(p.demo_included for p in practices)
    assert not {p.question for p in practices} & perceptions
    assert all("demo cities included" in p.text for p in practices)
    real = [r.model_copy(update={"source": "import"}) for r in POOL[10:16]]
    practices, _note = common_practices(BOOK, card, [*demo_peers, *real])
    assert practices and all(p.group_size == 6 and not p.demo_included for p in practices)
