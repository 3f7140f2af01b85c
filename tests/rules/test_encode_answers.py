"""``CompiledRulebook.encode_answers`` accepts exactly what validation accepts, and encodes it
as validation's result is encoded.

The answer sets start valid (random codes with skip logic and consistency honoured, written
as answers) and are then broken in every way a survey row can be: a value that is not an
option, N/A or "don't know" where not allowed, a negative or NaN number, a number written as
text, True for 1, a huge integer, an answer missing, an answer to a question that does not
apply, an unknown question, another option that breaks skip logic or a consistency rule.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules import Answers, AnswersError, CompiledRulebook, Rulebook, validate_answers
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE
from rules.index import RulebookIndex

Answer = str | int | float


def as_answers(book: Rulebook, row: list[int]) -> dict[str, Answer]:
    """The answers the codes ``row`` stand for (a number question: a number in the band)."""
    index = RulebookIndex.of(book)
    compiled = CompiledRulebook.compile(book)
    answers: dict[str, Answer] = {}
    for qid, code in zip(compiled.question_ids, row, strict=True):
        question = index.questions[qid]
        if code == SKIPPED_CODE:
            continue
        if code in (NA_CODE, UNKNOWN_CODE):
            answers[qid] = "na" if code == NA_CODE else "unknown"
        elif question.kind == "number":
            answers[qid] = (question.options[code].min or 0.0) + 0.5
        else:
            answers[qid] = question.options[code].value
    return answers


BROKEN_VALUES: list[object] = [
    "not-an-option",
    "NA",
    "na",
    "unknown",
    -1.0,
    math.nan,
    math.inf,
    "12",
    True,
    10**30,
    0,
    3,
    2.5,
    "",
]


ACTIONS = ("drop", "set", "other option", "unknown id")
#: one change to an answer set: what, to which question, with which value — plain numbers
#: taken modulo the lists they pick from, so that every example draws the same things in the
#: same order whatever the rulebook (interactive draws from rulebook-sized lists made
#: Hypothesis report "inconsistent data generation" on replay)
CHANGE = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 10**6), st.integers(0, 10**6))


def mutate(
    book: Rulebook, answers: dict[str, Answer], changes: list[tuple[str, int, int]]
) -> dict[str, object]:
    index = RulebookIndex.of(book)
    changed: dict[str, object] = dict(answers)
    for action, which, value in changes:
        qid = index.order[which % len(index.order)]
        values = [o.value for o in index.questions[qid].options]
        if action == "drop":
            changed.pop(qid, None)
        elif action == "set":
            changed[qid] = BROKEN_VALUES[value % len(BROKEN_VALUES)]
        elif action == "other option":
            changed[qid] = values[value % len(values)]
        else:
            changed["no.such_question"] = values[0]
    return changed


def check(book: Rulebook, answer_sets: list[dict[str, object]]) -> None:
    compiled = CompiledRulebook.compile(book)
    codes, ok = compiled.encode_answers(answer_sets)
    for row, answers in enumerate(answer_sets):
        try:
            valid = validate_answers(book, Answers.model_validate({"answers": answers}))
        except (AnswersError, ValidationError):  # the second: True is not a number
            assert not ok[row], f"accepted answers that validation refuses: {answers}"
            continue
        assert ok[row], f"refused valid answers: {answers}"
        assert np.array_equal(codes[row], compiled.encode(valid))


@pytest.mark.parametrize("which", ["book", "mini_book"])
def test_valid_random_answers_are_accepted_as_validated(
    which: str, request: pytest.FixtureRequest
) -> None:
    book: Rulebook = request.getfixturevalue(which)
    compiled = CompiledRulebook.compile(book)
    rows = compiled.random_codes(300, np.random.default_rng(5)).tolist()
    answer_sets: list[dict[str, object]] = [dict(as_answers(book, row)) for row in rows]
    _, ok = compiled.encode_answers(answer_sets)
    assert ok.all()
    check(book, answer_sets)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    changes=st.lists(st.lists(CHANGE, max_size=3), min_size=4, max_size=4),
)
def test_broken_answers_are_refused_as_validation_refuses_them(
    seed: int, changes: list[list[tuple[str, int, int]]], book: Rulebook
) -> None:
    compiled = CompiledRulebook.compile(book)
    rows = compiled.random_codes(4, np.random.default_rng(seed)).tolist()
    check(book, [mutate(book, as_answers(book, r), c) for r, c in zip(rows, changes, strict=True)])


def test_every_kind_of_break_is_tried(book: Rulebook) -> None:
    """The broken sets above include each kind of problem validation reports."""
    compiled = CompiledRulebook.compile(book)
    valid = as_answers(book, compiled.random_codes(1, np.random.default_rng(2)).tolist()[0])
    index = RulebookIndex.of(book)
    skipped = next(q for q in index.order if q not in valid)
    no_na = next(q for q in valid if not index.questions[q].allow_na)
    number = next(q for q in valid if index.questions[q].kind == "number")
    broken = [
        {**valid, no_na: "na"},
        {**valid, number: -1.0},
        {**valid, number: math.nan},
        {**valid, number: "12"},
        {**valid, number: True},
        {**valid, skipped: index.questions[skipped].options[0].value},
        {k: v for k, v in valid.items() if k != no_na},
        {**valid, "no.such_question": "x"},
    ]
    _, ok = compiled.encode_answers(broken)
    assert not ok.any()
    check(book, broken)


def conflicting(book: Rulebook, rule_number: int) -> dict[str, object]:
    """Valid answers changed so that consistency rule ``rule_number`` is their only problem."""
    rule = book.consistency[rule_number]
    compiled = CompiledRulebook.compile(book)
    for row in compiled.random_codes(200, np.random.default_rng(rule_number)).tolist():
        answers: dict[str, object] = dict(as_answers(book, row))
        for atom in rule.conflict:
            value = getattr(atom, "is_", None) or getattr(atom, "at_least", None)
            answers[atom.question] = value or atom.in_[0]  # type: ignore[attr-defined]
        try:
            validate_answers(book, Answers.model_validate({"answers": answers}))
        except AnswersError as exc:
            if [p.question for p in exc.problems] == [rule.conflict[0].question]:
                return answers
    raise AssertionError(f"no answers break only consistency rule {rule_number}")


def test_answers_breaking_only_a_consistency_rule_are_refused(book: Rulebook) -> None:
    broken = [conflicting(book, number) for number in range(len(book.consistency))]
    _, ok = CompiledRulebook.compile(book).encode_answers(broken)
    assert broken and not ok.any()
