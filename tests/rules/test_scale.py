"""The scale means what it says: every level reachable, one rung never jumps a level, the floor
qualifies the overall level, and a number shown never contradicts its level."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from rules import (
    AnswersError,
    CompiledRulebook,
    Rulebook,
    RulebookError,
    load_rulebook,
    score_answers,
)
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE
from rules.engine import level_for
from rules.rounding import shown_score, whole_score
from rules.scale import consistent_answers, rung_results

PREVIOUS = Path(__file__).parents[2] / "rules" / "rulebook" / "previous" / "1.0.0"


def test_every_level_of_every_dimension_is_reachable_by_consistent_answers(
    book: Rulebook,
) -> None:
    """Enumerates every rung, answered and with N/A wherever allowed."""
    levels = [lv.level for lv in book.levels]
    for na in (False, True):
        for dimension in book.dimensions:
            reached = []
            for rung in range(5):
                card = score_answers(book, consistent_answers(book, rung, na=na))
                reached.append(card.dimension(dimension.id).level)
            assert reached == levels, (dimension.id, na)


def test_raising_one_dimension_by_one_rung_never_jumps_a_level(book: Rulebook) -> None:
    """Every dimension at every rung, with the other dimensions at every rung too (mixes that
    break a consistency rule, such as a department with half an FTE, are not valid answers)."""
    compared = 0
    for base in range(5):
        others = consistent_answers(book, base)
        for dimension in book.dimensions:
            previous = None
            for rung in range(5):
                mine = consistent_answers(book, rung)
                answers = {q: v for q, v in others.items() if not q.startswith(f"{dimension.id}.")}
                answers.update({q: v for q, v in mine.items() if q.startswith(f"{dimension.id}.")})
                try:
                    level = score_answers(book, answers).dimension(dimension.id).level
                except AnswersError:
                    previous = None
                    continue
                assert level is not None
                if previous is not None:
                    assert level - previous in (0, 1), (dimension.id, base, rung)
                    compared += 1
                previous = level
    assert compared >= 5 * 4 * len(book.dimensions) - 20  # a few mixes are refused


def test_rulebook_1_fails_the_scale_checks_as_the_issue_describes() -> None:
    """Rulebook 1 (four options, 0/33/67/100 against 20/40/60/80): option 2 everywhere gives
    level 2 and option 3 everywhere level 4, so level 3 is never reached."""
    old = load_rulebook(PREVIOUS, scale_checks=False)
    results = rung_results(old)
    institutions = [r.card.dimension("institutions") for r in results if r.card and not r.na]
    assert [d.score_level for d in institutions[:4]] == [1, 2, 4, 5]
    with pytest.raises(RulebookError) as caught:
        load_rulebook(PREVIOUS)
    gaps = {p.file for p in caught.value.problems if "points leave a level gap" in p.message}
    dims = {f"1.0.0/dimensions/{d.id}.yaml" for d in old.dimensions if d.id != "strategy"}
    assert dims <= gaps


def test_rulebook_1_overall_level_5_with_floor_2_is_now_impossible(book: Rulebook) -> None:
    """The issue's example: overall Leading with a floor of 2. Rulebook 2 caps at floor + 1."""
    compiled = CompiledRulebook.compile(book)
    codes = compiled.random_codes(50_000, np.random.default_rng(11))
    scores = compiled.score(codes)
    assessed = scores.floor > 0
    assert np.all(scores.overall_level[assessed] <= scores.floor[assessed] + 1)
    assert book.floor_margin == 1


def test_no_adopted_strategy_and_no_monitoring_is_never_overall_level_4(book: Rulebook) -> None:
    """Acceptance: enumerated over many random valid answer sets, plus the strongest case."""
    compiled = CompiledRulebook.compile(book)
    codes = compiled.random_codes(100_000, np.random.default_rng(3))
    column = compiled.question_ids.index
    index = {o.value: i for i, o in enumerate(book.dimension("strategy").questions[0].options)}
    strategy = codes[:, column("strategy.document")]
    monitoring = codes[:, column("monitoring.indicators")]
    not_adopted = (strategy < index["adopted_dated"]) & (strategy != NA_CODE)
    nothing_monitored = (monitoring == 0) | (monitoring == UNKNOWN_CODE)
    rows = not_adopted & nothing_monitored
    assert rows.sum() > 1_000
    assert compiled.score(codes[rows]).overall_level.max() < 4
    best = consistent_answers(book, 4)
    best.update({"strategy.document": "in_preparation", "monitoring.indicators": "none"})
    best["stakeholders.public_reporting"] = "annual_report"  # results need tracking
    assert score_answers(book, best).overall_level == 2


def test_a_shown_score_never_contradicts_its_level(book: Rulebook) -> None:
    """Scores are whole numbers rounded down, and levels are read from them: the number shown
    reaches a threshold exactly when the level does (39.6 is shown as 39, at level 2)."""
    assert whole_score(39.6) == 39.0 and shown_score(39.6) == 39 and shown_score(None) is None
    assert whole_score(40.0) == 40.0 and shown_score(100.0) == 100
    assert all(level.min_score == int(level.min_score) for level in book.levels)
    compiled = CompiledRulebook.compile(book)
    scores = compiled.score(compiled.random_codes(20_000, np.random.default_rng(5)))
    finite = scores.scores[~np.isnan(scores.scores)]
    assert np.array_equal(finite, np.floor(finite))
    for value in np.unique(finite).tolist():
        shown = shown_score(value)
        assert shown is not None
        assert level_for(book.levels, shown) == level_for(book.levels, value)


def test_thresholds_sit_halfway_between_the_scores_of_consecutive_rungs(book: Rulebook) -> None:
    """The design rule behind the thresholds (docs/scoring.md): rung r scores 25 r, and a
    level starts just above halfway between two rungs."""
    for level, (low, high) in zip(
        book.levels[1:], itertools.pairwise(range(0, 101, 25)), strict=True
    ):
        assert level.min_score == pytest.approx((low + high) / 2, abs=0.5)
        assert level.min_score > (low + high) / 2


def test_every_question_has_five_evenly_spaced_options(book: Rulebook) -> None:
    for dimension in book.dimensions:
        for question in dimension.questions:
            assert [o.points for o in question.options] == [0, 1, 2, 3, 4], question.id


def test_network_influence_is_asked_only_of_network_members(book: Rulebook) -> None:
    influence = next(
        q for q in book.dimension("networks").questions if q.id == "networks.policy_influence"
    )
    assert influence.applies_if is not None
    compiled = CompiledRulebook.compile(book)
    codes = compiled.random_codes(5_000, np.random.default_rng(1))
    members = codes[:, compiled.question_ids.index("networks.memberships")]
    answered = codes[:, compiled.question_ids.index("networks.policy_influence")]
    active = members >= 2  # "one" or more active memberships
    assert np.all((answered == SKIPPED_CODE) == ~active)
