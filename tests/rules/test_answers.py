"""Validation of answers against the rulebook: every mismatch, with the exact message shown."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from rules import AnswerProblem, Answers, AnswersError, Rulebook, score_assessment
from rules.answers import validate_answers

EXAMPLES = Path(__file__).parents[2] / "examples"
TEAM_SIZE_OPTIONS = "under_half_fte, half_to_1_fte, 1_to_3_fte, 3_to_10_fte, 10_plus_fte"
FREQUENCY_OPTIONS = "never, less_than_yearly, yearly, quarterly, monthly"


def established() -> dict[str, Any]:
    """The answers of examples/answers-established.yaml: valid, every question applies."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "answers-established.yaml").read_text())
    return dict(data["answers"])


def problems(book: Rulebook, answers: dict[str, Any], **fields: Any) -> list[AnswerProblem]:
    """Every problem validate_answers reports for ``answers``."""
    with pytest.raises(AnswersError) as caught:
        validate_answers(book, Answers(answers=answers, **fields))
    return caught.value.problems


def changed(**updates: Any) -> dict[str, Any]:
    """The established answers with some replaced (dots written as __ in the keywords)."""
    answers = established()
    for key, value in updates.items():
        qid = key.replace("__", ".")
        if value is None:
            del answers[qid]
        else:
            answers[qid] = value
    return answers


def test_established_example_is_valid(book: Rulebook) -> None:
    valid = validate_answers(book, Answers(rulebook="city_diplomacy", answers=established()))
    assert len(valid.resolved) == 42
    assert {r.status for r in valid.resolved.values()} == {"answered"}


CASES: list[tuple[str, dict[str, Any], list[AnswerProblem]]] = [
    (
        "unknown-question",
        {**established(), "staff.languages": "some"},
        [AnswerProblem("staff.languages", "no such question in the rulebook")],
    ),
    (
        "invalid-option",
        changed(coordination__national_frequency="weekly"),
        [
            AnswerProblem(
                "coordination.national_frequency",
                f"'weekly' is not an option of this question; choose one of: {FREQUENCY_OPTIONS}",
            )
        ],
    ),
    (
        "option-of-another-question",
        changed(strategy__document="aligned"),
        [
            AnswerProblem(
                "strategy.document",
                "'aligned' is not an option of this question; choose one of: none, informal, "
                "in_preparation, adopted_dated, adopted_current",
            )
        ],
    ),
    (
        "number-for-a-choice-question",
        changed(strategy__priorities=3),
        [
            AnswerProblem(
                "strategy.priorities",
                "3 is not an option of this question; choose one of: none, broad, defined, "
                "defined_with_objectives, steering",
            )
        ],
    ),
    (
        "required-answer-missing",
        changed(stakeholders__residents=None),
        [AnswerProblem("stakeholders.residents", "an answer is required")],
    ),
    (
        "follow-up-required-when-it-applies",
        changed(staff__peer_learning=None),
        [AnswerProblem("staff.peer_learning", "an answer is required")],
    ),
    (
        "answer-to-a-question-that-does-not-apply",
        changed(budget__line="case_by_case"),
        [
            AnswerProblem(
                "budget.horizon",
                "answered, but the question does not apply given other answers",
            )
        ],
    ),
    (
        "unknown-controlling-answer-means-follow-up-does-not-apply",
        changed(networks__memberships="unknown"),
        [
            AnswerProblem(
                f"networks.{follow_up}",
                "answered, but the question does not apply given other answers",
            )
            for follow_up in ("policy_influence", "portfolio_review", "role")
        ],
    ),
    (
        "department-with-under-one-fte-is-inconsistent",
        changed(institutions__office="department", staff__team_size=0.5),
        [
            AnswerProblem(
                "staff.team_size",
                "Less than one FTE cannot staff a full international department: check the "
                "staff answer or the office answer.",
            )
        ],
    ),
    (
        "results-reported-but-nothing-tracked-is-inconsistent",
        changed(stakeholders__public_reporting="open_data", monitoring__indicators="none"),
        [
            AnswerProblem(
                "stakeholders.public_reporting",
                "The city cannot report results against objectives while tracking nothing: "
                "check the public reporting or the monitoring answer.",
            )
        ],
    ),
    (
        "outcome-indicators-without-priorities-are-inconsistent",
        changed(strategy__priorities="none"),
        [
            AnswerProblem(
                "monitoring.indicators",
                "Outcome indicators for every priority need priorities: check the monitoring "
                "answer or the priorities answer.",
            )
        ],
    ),
    (
        "network-influence-is-asked-only-of-members",
        changed(networks__memberships="inactive"),
        [
            AnswerProblem(
                "networks.policy_influence",
                "answered, but the question does not apply given other answers",
            ),
            AnswerProblem(
                "networks.role", "answered, but the question does not apply given other answers"
            ),
        ],
    ),
    (
        "na-where-not-allowed",
        changed(strategy__document="na"),
        [AnswerProblem("strategy.document", "'na' (not applicable) is not allowed here")],
    ),
    (
        "number-below-range",
        changed(staff__team_size=-1),
        [
            AnswerProblem(
                "staff.team_size",
                "-1 is not a valid answer: give a number of 0 or more, or one of: "
                + TEAM_SIZE_OPTIONS,
            )
        ],
    ),
    (
        "number-not-a-number",
        changed(staff__team_size=math.nan),
        [
            AnswerProblem(
                "staff.team_size",
                "nan is not a valid answer: give a number of 0 or more, or one of: "
                + TEAM_SIZE_OPTIONS,
            )
        ],
    ),
    (
        "number-question-with-unknown-band-name",
        changed(staff__team_size="five"),
        [
            AnswerProblem(
                "staff.team_size",
                "'five' is not a valid answer: give a number of 0 or more, or one of: "
                + TEAM_SIZE_OPTIONS,
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("answers", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_answers_report_exact_problem(
    book: Rulebook, answers: dict[str, Any], expected: list[AnswerProblem]
) -> None:
    assert problems(book, answers) == expected


def test_unknown_where_not_allowed(mini_book: Rulebook) -> None:
    answers = {
        "plan.strategy": "none",
        "plan.eu": "none",
        "team.size": 3,
        "team.abroad": "unknown",
    }
    assert problems(mini_book, answers) == [
        AnswerProblem("team.abroad", "'unknown' (don't know) is not allowed here")
    ]


def test_na_and_unknown_accepted_where_allowed(book: Rulebook) -> None:
    valid = validate_answers(
        book, Answers(answers=changed(eu__brussels_presence="na", strategy__document="unknown"))
    )
    assert valid.resolved["eu.brussels_presence"].status == "na"
    assert valid.resolved["strategy.document"].status == "unknown"


def test_rulebook_id_mismatch(book: Rulebook) -> None:
    assert problems(book, established(), rulebook="other_book") == [
        AnswerProblem(None, "the answers are for rulebook 'other_book', not 'city_diplomacy'")
    ]


def test_note_for_a_question_that_does_not_exist(book: Rulebook) -> None:
    assert problems(book, established(), notes={"strategy.vision": "A note."}) == [
        AnswerProblem("strategy.vision", "note given for a question that does not exist")
    ]


def test_every_problem_is_reported_at_once_sorted_by_question(book: Rulebook) -> None:
    answers = changed(
        strategy__document="na", budget__line="case_by_case", stakeholders__residents=None
    )
    answers["staff.languages"] = "some"
    got = problems(book, answers, rulebook="other_book")
    assert [(p.question, p.message) for p in got] == [
        (None, "the answers are for rulebook 'other_book', not 'city_diplomacy'"),
        ("budget.horizon", "answered, but the question does not apply given other answers"),
        ("staff.languages", "no such question in the rulebook"),
        ("stakeholders.residents", "an answer is required"),
        ("strategy.document", "'na' (not applicable) is not allowed here"),
    ]
    assert str(got[1]) == (
        "budget.horizon: answered, but the question does not apply given other answers"
    )


@pytest.mark.parametrize("value", [True, False, None, [1], {"a": 1}])
def test_answers_of_the_wrong_type_are_rejected(value: Any) -> None:
    """YAML reads yes/no as booleans: they must not pass as 1/0."""
    with pytest.raises(ValidationError) as caught:
        Answers.model_validate({"answers": {"staff.training": value}})
    assert {e["loc"][:2] for e in caught.value.errors()} == {("answers", "staff.training")}
    assert "Input should be a valid string" in {e["msg"] for e in caught.value.errors()}


def test_bool_rejected_when_scoring_a_mapping(book: Rulebook) -> None:
    with pytest.raises(ValidationError):
        score_assessment(book, {"answers": {**established(), "staff.team_size": True}})


def test_unknown_top_level_field_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        Answers.model_validate({"answer": {}})
    assert [e["type"] for e in caught.value.errors()] == ["extra_forbidden"]


@pytest.mark.parametrize(
    ("number", "band"),
    [
        (0, "under_half_fte"),
        (0.49, "under_half_fte"),
        (0.5, "half_to_1_fte"),
        (0.99, "half_to_1_fte"),
        (1, "1_to_3_fte"),
        (2.5, "1_to_3_fte"),
        (3, "3_to_10_fte"),
        (9.99, "3_to_10_fte"),
        (10, "10_plus_fte"),
        (250, "10_plus_fte"),
        (math.inf, "10_plus_fte"),
        ("3_to_10_fte", "3_to_10_fte"),
    ],
)
def test_number_falls_in_its_band(book: Rulebook, number: float | str, band: str) -> None:
    card = score_assessment(book, Answers(answers=changed(staff__team_size=number)))
    [line] = [t for t in card.dimension("staff").trace if t.question == "staff.team_size"]
    assert (line.answer, line.option) == (number, band)
