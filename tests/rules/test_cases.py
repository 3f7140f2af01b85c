"""The worked cases shipped with the rulebook: each passes, and together they cover the levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import DEFAULT_RULEBOOK, Rulebook, run_cases, score_assessment
from rules.answers import Answers
from rules.cases import Case, Expectation, load_cases, run_case

CASES_DIR = DEFAULT_RULEBOOK / "cases"
CASE_NAMES = sorted(p.stem for p in CASES_DIR.glob("*.yaml"))


def shipped_cases() -> dict[str, Case]:
    """Every shipped case, parsed; fails the test if one cannot be read."""
    cases = load_cases(CASES_DIR)
    unreadable = {name: c for name, c in cases.items() if isinstance(c, str)}
    assert not unreadable
    return {name: c for name, c in cases.items() if isinstance(c, Case)}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_worked_case_passes(book: Rulebook, name: str) -> None:
    case = shipped_cases()[name]
    assert case.description.strip()
    result = run_case(book, name, case)
    assert result.failures == []


def test_at_least_ten_expert_cases_with_reasoning(book: Rulebook) -> None:
    """Expert cases describe a realistic city, say why, and give the levels of every dimension."""
    expert = {n: c for n, c in shipped_cases().items() if c.reasoning is not None}
    assert len(expert) >= 10
    for name, case in expert.items():
        assert case.reasoning and case.reasoning.strip().endswith("."), name
        assert case.expect.floor is not None, name
        assert len(case.expect.levels) >= len(book.dimensions) - 1, name


def test_no_adopted_strategy_and_no_monitoring_is_never_overall_4_in_expert_cases(
    book: Rulebook,
) -> None:
    for name, case in shipped_cases().items():
        card = score_assessment(book, Answers(answers=case.answers))
        no_strategy = case.answers["strategy.document"] in ("none", "informal", "in_preparation")
        no_monitoring = case.answers.get("monitoring.indicators") in ("none", "unknown")
        if no_strategy and no_monitoring:
            assert card.overall_level is not None and card.overall_level < 4, name


def test_every_dimension_level_pair_has_a_case(book: Rulebook) -> None:
    covered = {
        (dim, level)
        for case in shipped_cases().values()
        for dim, level in case.expect.levels.items()
        if level is not None
    }
    wanted = {(d.id, lv.level) for d in book.dimensions for lv in book.levels}
    assert wanted - covered == set()


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_all_level_case_puts_every_dimension_on_that_level(book: Rulebook, level: int) -> None:
    case = shipped_cases()[f"all-level-{level}"]
    card = score_assessment(book, Answers(answers=case.answers))
    assert [d.level for d in card.dimensions] == [level] * len(book.dimensions)
    assert [d.capped_by for d in card.dimensions] == [None] * len(book.dimensions)
    assert (card.overall_level, card.floor) == (level, level)


def test_all_na_case_answers_every_na_question_na(book: Rulebook) -> None:
    case = shipped_cases()["all-na"]
    allow_na = {q.id for d in book.dimensions for q in d.questions if q.allow_na}
    assert len(allow_na) == 6
    assert {q for q, a in case.answers.items() if a == "na"} == allow_na
    card = score_assessment(book, Answers(answers=case.answers))
    eu = card.dimension("eu")
    # The three EU questions leave the denominator; the two global ones keep eu assessed.
    assert (eu.not_applicable, eu.max_points, eu.level) == (3, 8, case.expect.levels["eu"])


def test_all_unknown_case_answers_unknown_wherever_allowed(book: Rulebook) -> None:
    case = shipped_cases()["all-unknown"]
    card = score_assessment(book, Answers(answers=case.answers))
    for dim in card.dimensions:
        for line in dim.trace:
            assert line.status in ("unknown", "skipped"), line
    assert {d.level for d in card.dimensions} == {1}
    assert (card.overall_level, card.floor) == (1, 1)
    assert not any(card.indicators.values())


def test_gate_capping_cases_hold_high_scores_down(book: Rulebook) -> None:
    capped_high = set()
    for name, case in shipped_cases().items():
        card = score_assessment(book, Answers(answers=case.answers))
        for dim in card.dimensions:
            if case.expect.capped.get(dim.id) and dim.score_level and dim.score_level >= 4:
                assert dim.capped_by is not None and dim.level is not None
                assert dim.level < dim.score_level
                capped_high.add(name)
    assert len(capped_high) >= 2


def test_skip_logic_case_skips_questions(book: Rulebook) -> None:
    case = shipped_cases()["skip-logic"]
    card = score_assessment(book, Answers(answers=case.answers))
    skipped = {t.question for d in card.dimensions for t in d.trace if t.status == "skipped"}
    followups = {q.id for d in book.dimensions for q in d.questions if q.applies_if is not None}
    assert skipped == followups
    staff = card.dimension("staff")
    # team 2 + training 0 + peer learning skipped (0 of 4) + workload 2, of 16
    assert (staff.points, staff.max_points, staff.score) == (4, 16, 25.0)


def test_dimension_with_every_question_na_is_not_assessed(mini_book: Rulebook) -> None:
    """In the mini rulebook every team question allows N/A: all N/A → team not assessed."""
    answers: dict[str, str | int | float] = {
        "plan.strategy": "adopted",
        "plan.review": "yearly",
        "plan.eu": "na",
        "team.size": "na",
        "team.abroad": "na",
    }
    case = Case(
        description="Every team question is N/A",
        answers=answers,
        expect=Expectation(levels={"plan": 3, "team": None}, overall_level=3, floor=3),
    )
    assert run_case(mini_book, "team-na", case).failures == []
    card = score_assessment(mini_book, Answers(answers=case.answers))
    team = card.dimension("team")
    assert (team.score, team.level, team.max_points, team.not_applicable) == (None, None, 0, 2)
    assert card.overall_score == 100.0  # the mean leaves the unassessed dimension out


def test_failing_case_reports_what_differs(book: Rulebook, tmp_path: Path) -> None:
    text = (CASES_DIR / "all-level-3.yaml").read_text(encoding="utf-8")
    wrong = text.replace("    strategy: 3\n", "    strategy: 4\n", 1)
    wrong = wrong.replace("  floor: 3\n", "  floor: 2\n")
    (tmp_path / "wrong.yaml").write_text(wrong, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("description: [oops\n", encoding="utf-8")
    results = {r.name: r for r in run_cases(book, tmp_path)}
    assert results["wrong"].failures == [
        "strategy: expected level 4, got 3 (score 50.0)",
        "floor: expected 2, got 3",
    ]
    [message] = results["broken"].failures
    assert message.startswith("broken.yaml is not a valid case file:")
