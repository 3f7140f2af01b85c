"""Properties of scoring, checked on random valid answer sets (hypothesis).

The strategies first draw a *pick* for every question, as if the city answered everything —
an option (for number questions: the band's value or a number inside the band), "unknown"
where allowed, "na" where allowed — and then apply skip logic: a question whose ``applies_if``
does not hold is left out, exactly as a valid answers file must leave it out. Both the shipped
rulebook and the small test rulebook in ``fixtures/mini`` are used; the latter has a dimension
whose questions all allow N/A, so that "not assessed" (None / NaN) results occur too.
"""

from __future__ import annotations

import itertools
import math
import shutil
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rules import Answers, CompiledRulebook, Rulebook, Scorecard, load_rulebook, score_valid
from rules.answers import ValidAnswers, validate_answers
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE
from rules.conditions import condition_atoms, evaluate
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN, Question
from rules.rounding import whole_score

MINI = Path(__file__).parent / "fixtures" / "mini"
BOOKS = {"shipped": load_rulebook(), "mini": load_rulebook(MINI)}
COMPILED = {name: CompiledRulebook.compile(book) for name, book in BOOKS.items()}
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

AnswerValue = str | int | float


@dataclass(frozen=True)
class Pick:
    """What a city would answer to one question if it applied."""

    kind: Literal["option", "unknown", "na"]
    option: int = -1  #: option index when ``kind == "option"``
    value: AnswerValue = ""  #: the answer as written in the answers file


def option_picks(question: Question, option: int) -> st.SearchStrategy[Pick]:
    """Ways to answer ``question`` with option ``option``: its value or, for number
    questions, also any number inside the option's band."""
    by_value = st.just(Pick("option", option, question.options[option].value))
    if question.kind != "number":
        return by_value
    low = question.options[option].min
    assert low is not None
    high = question.options[option + 1].min if option + 1 < len(question.options) else 10_000.0
    assert high is not None
    floats = st.floats(min_value=low, max_value=high, exclude_max=True, allow_nan=False)
    ints = st.integers(min_value=math.ceil(low), max_value=math.ceil(high) - 1)
    numbers = st.one_of(floats, ints) if math.ceil(low) < high else floats
    return st.one_of(by_value, numbers.map(lambda n: Pick("option", option, n)))


def question_picks(question: Question) -> st.SearchStrategy[Pick]:
    """Any valid answer to ``question``."""
    choices = [
        st.integers(0, len(question.options) - 1).flatmap(lambda i: option_picks(question, i))
    ]
    if question.allow_unknown:
        choices.append(st.just(Pick("unknown", value=UNKNOWN)))
    if question.allow_na:
        choices.append(st.just(Pick("na", value=NA)))
    return st.one_of(choices)


def all_picks(book: Rulebook) -> st.SearchStrategy[dict[str, Pick]]:
    """A pick for every question of ``book``."""
    return st.fixed_dictionaries(
        {q.id: question_picks(q) for d in book.dimensions for q in d.questions}
    )


def applying(book: Rulebook, picks: Mapping[str, Pick]) -> dict[str, Pick]:
    """The picks of the questions that apply, in rulebook order.

    A question applies when its ``applies_if`` holds for the options chosen in questions that
    themselves apply; skip logic is acyclic (the loader checks it), so the recursion ends.
    """
    index = RulebookIndex.of(book)
    applies: dict[str, bool] = {}

    def chosen_option(qid: str) -> int | None:
        pick = picks[qid]
        return pick.option if does_apply(qid) and pick.kind == "option" else None

    def does_apply(qid: str) -> bool:
        if qid not in applies:
            condition = index.questions[qid].applies_if
            if condition is None:
                applies[qid] = True
            else:
                chosen = {
                    atom.question: option
                    for atom in condition_atoms(condition)
                    if (option := chosen_option(atom.question)) is not None
                }
                applies[qid] = evaluate(condition, chosen, index.option_index)
        return applies[qid]

    found = {qid: picks[qid] for qid in index.order if does_apply(qid)}
    # Answers that break a consistency rule are not a valid answer set: draw again.
    chosen = {q: p.option for q, p in found.items() if p.kind == "option"}
    assume(not any(conflicts(chosen) for _, conflicts in index.conflicts))
    return found


def to_answers(picks: Mapping[str, Pick]) -> dict[str, AnswerValue]:
    """The answers file's mapping for the applying ``picks``."""
    return {qid: pick.value for qid, pick in picks.items()}


def valid_answers(book: Rulebook, picks: Mapping[str, Pick]) -> ValidAnswers:
    """Validate the answers built from ``picks``; the strategies only build valid ones."""
    return validate_answers(book, Answers(answers=to_answers(applying(book, picks))))


def score(book: Rulebook, picks: Mapping[str, Pick]) -> Scorecard:
    """The scorecard of the answers built from ``picks``."""
    return score_valid(valid_answers(book, picks))


def same_float(single: float | None, batch: float) -> bool:
    """Bitwise equality, with None on the single path standing for NaN in the batch."""
    if single is None:
        return math.isnan(batch)
    return struct.pack("<d", single) == struct.pack("<d", batch)


books = pytest.mark.parametrize("name", sorted(BOOKS))


@books
@PROPERTY_SETTINGS
@given(data=st.data())
def test_raising_one_answer_never_lowers_a_score_or_level(name: str, data: st.DataObject) -> None:
    """Moving one question to a higher option (or from "unknown" to any option) never lowers
    any dimension's score or level, nor the overall score, overall level or floor.

    When the raised answer makes a skipped follow-up question apply, the follow-up gets its
    *lowest* option. That is the worst case: while skipped, the follow-up counted 0 of its
    maximum points (it stays in the denominator), and its lowest option scores at least 0 of
    the same maximum, so any other option would only add points. Gates and skip conditions of
    both rulebooks use ``at_least`` (monotone) conditions, so a raised answer can only meet
    more of them; that no question stops applying is checked, not assumed.
    """
    book = BOOKS[name]
    picks = data.draw(all_picks(book))
    before = applying(book, picks)
    raisable = [
        qid
        for qid, pick in before.items()
        if pick.kind == "unknown"
        or (pick.kind == "option" and pick.option < len(_question(book, qid).options) - 1)
    ]
    assume(raisable)
    qid = data.draw(st.sampled_from(raisable))
    question = _question(book, qid)
    higher = data.draw(st.integers(before[qid].option + 1, len(question.options) - 1))
    # The interesting case is rare among random draws: raising a question so far that a
    # skipped follow-up starts to apply. Half of the draws go straight for it when possible.
    unlocking = _unlocking_raises(book, picks, before, raisable)
    if unlocking and data.draw(st.booleans(), label="unlock a follow-up question"):
        qid, higher = data.draw(st.sampled_from(unlocking))
        question = _question(book, qid)
    raised = {**picks, qid: data.draw(option_picks(question, higher))}
    for other in picks:  # a question that starts to apply gets its lowest option
        if other not in before:
            raised[other] = Pick("option", 0, _question(book, other).options[0].value)
    after = applying(book, raised)
    assert set(before) <= set(after), "raising an answer must not make a question not apply"

    old, new = score(book, picks), score(book, raised)
    for was, now in zip(old.dimensions, new.dimensions, strict=True):
        if was.score is None:
            assert now.score is None
            continue
        assert now.score is not None and now.score >= was.score, (was.id, qid)
        assert now.level is not None and was.level is not None and now.level >= was.level
    assert old.overall_score is not None and new.overall_score is not None
    assert new.overall_score >= old.overall_score
    assert (new.overall_level or 0) >= (old.overall_level or 0)
    assert (new.floor or 0) >= (old.floor or 0)


@books
@PROPERTY_SETTINGS
@given(data=st.data())
def test_na_on_one_question_changes_no_other_dimension(name: str, data: st.DataObject) -> None:
    book = BOOKS[name]
    # The property rests on no condition reaching across dimensions; both rulebooks keep it.
    for dim in book.dimensions:
        conditions = [q.applies_if for q in dim.questions if q.applies_if] + [
            g.requires for g in dim.gates
        ]
        for condition in conditions:
            assert all(a.question.startswith(f"{dim.id}.") for a in condition_atoms(condition))
    picks = data.draw(all_picks(book))
    candidates = [
        qid
        for qid, pick in applying(book, picks).items()
        if _question(book, qid).allow_na and pick.kind != "na"
    ]
    assume(candidates)
    qid = data.draw(st.sampled_from(candidates))
    old = score(book, picks)
    new = score(book, {**picks, qid: Pick("na", value=NA)})
    dimension = qid.split(".", 1)[0]
    for was, now in zip(old.dimensions, new.dimensions, strict=True):
        if was.id != dimension:
            assert now == was
    changed = new.dimension(dimension)
    assert (
        changed.max_points == old.dimension(dimension).max_points - _question(book, qid).max_points
    )


@books
@PROPERTY_SETTINGS
@given(data=st.data())
def test_batch_scoring_equals_single_scoring_exactly(name: str, data: st.DataObject) -> None:
    book, compiled = BOOKS[name], COMPILED[name]
    many = data.draw(st.lists(all_picks(book), min_size=1, max_size=8))
    valid = [valid_answers(book, picks) for picks in many]
    batch = compiled.score(compiled.encode_many(valid))
    for row, answers in enumerate(valid):
        card = score_valid(answers)
        for d, dim in enumerate(card.dimensions):
            assert same_float(dim.score, float(batch.scores[row, d])), (row, dim.id)
            assert (dim.level or 0) == int(batch.levels[row, d]), (row, dim.id)
        assert same_float(card.overall_score, float(batch.overall_score[row]))
        assert (card.overall_level or 0) == int(batch.overall_level[row])
        assert (card.floor or 0) == int(batch.floor[row])
        assert list(card.indicators.values()) == batch.indicators[row].tolist()
    assert batch.scores.dtype == np.float64 and batch.scores.shape == (
        len(many),
        len(book.dimensions),
    )


@books
@PROPERTY_SETTINGS
@given(data=st.data())
def test_scores_stay_within_0_and_100_and_levels_within_range(
    name: str, data: st.DataObject
) -> None:
    book = BOOKS[name]
    card = score(book, data.draw(all_picks(book)))
    top = len(book.levels)
    for dim in card.dimensions:
        if dim.score is None:
            assert (dim.level, dim.score_level, dim.max_points) == (None, None, 0)
            continue
        assert 0.0 <= dim.score <= 100.0
        assert dim.level is not None and dim.score_level is not None
        assert 1 <= dim.level <= dim.score_level <= top
        assert (dim.capped_by is None) == (dim.level == dim.score_level)
        # One rounding rule: a whole number, rounded down (the thresholds are whole numbers).
        assert dim.score == whole_score(100.0 * dim.points / dim.max_points)
        assert dim.score == int(dim.score) and dim.score <= 100.0 * dim.points / dim.max_points
    if card.overall_score is not None:
        assert 0.0 <= card.overall_score <= 100.0
        assert card.overall_score == int(card.overall_score)
        assert card.overall_level is not None and 1 <= card.overall_level <= top
        assert card.overall_score_level is not None
        assert card.overall_level <= card.overall_score_level
        if book.floor_margin is not None and card.floor is not None:
            assert card.overall_level <= card.floor + book.floor_margin


@books
@PROPERTY_SETTINGS
@given(data=st.data())
def test_scoring_is_deterministic(name: str, data: st.DataObject) -> None:
    """Same answers, same scorecard — whether validated again or given in another order."""
    book = BOOKS[name]
    answers = to_answers(applying(book, data.draw(all_picks(book))))
    first = score_valid(validate_answers(book, Answers(answers=answers)))
    again = score_valid(validate_answers(book, Answers(answers=answers)))
    reordered = dict(reversed(list(answers.items())))
    shuffled = score_valid(validate_answers(book, Answers(answers=reordered)))
    assert first.model_dump_json() == again.model_dump_json() == shuffled.model_dump_json()


@books
@PROPERTY_SETTINGS
@given(data=st.data())
def test_notes_show_in_their_own_trace_line_only(name: str, data: st.DataObject) -> None:
    """Evidence notes never change a result, and never leak into another scorecard (scoring
    shares the trace lines of answers without a note)."""
    book = BOOKS[name]
    answers = to_answers(applying(book, data.draw(all_picks(book))))
    questions = [q.id for d in book.dimensions for q in d.questions]
    noted = data.draw(st.lists(st.sampled_from(questions), unique=True))
    notes = {qid: f"evidence for {qid}" for qid in noted}
    plain = score_valid(validate_answers(book, Answers(answers=answers)))
    with_notes = score_valid(validate_answers(book, Answers(answers=answers, notes=notes)))
    plain_again = score_valid(validate_answers(book, Answers(answers=answers)))
    assert plain_again == plain
    for bare, annotated in zip(plain.dimensions, with_notes.dimensions, strict=True):
        for line, noted_line in zip(bare.trace, annotated.trace, strict=True):
            assert line.note is None
            assert noted_line.note == notes.get(line.question)
            assert noted_line.model_copy(update={"note": None}) == line
    without = with_notes.model_dump(exclude={"dimensions": {"__all__": {"trace"}}})
    assert without == plain.model_dump(exclude={"dimensions": {"__all__": {"trace"}}})


@books
def test_raising_is_monotone_for_every_answer_set_of_a_dimension(name: str) -> None:
    """The raise property again, exhaustively: every valid answer set of one dimension (the
    others fixed at their lowest options), every single raise, scored on the batch path —
    which the equality test above ties to the single path. Newly applying follow-ups get
    their lowest option, as in the hypothesis test; raises that break a consistency rule are
    not valid answers and are left out."""
    book, compiled = BOOKS[name], COMPILED[name]
    questions = [q for d in book.dimensions for q in d.questions]
    base = _settle(compiled, np.zeros((1, len(questions)), dtype=np.int8))[0]
    starts = [*compiled.dimension_starts.tolist(), len(questions)]
    for d in range(len(book.dimensions)):
        columns = range(starts[d], starts[d + 1])
        rows = _valid_rows(compiled, base, columns, questions)
        for col in columns:
            top = len(questions[col].options) - 1
            for higher in range(top + 1):
                current = rows[:, col]
                lower = (current != NA_CODE) & (current != SKIPPED_CODE) & (current < higher)
                old_rows = rows[lower]
                raised = old_rows.copy()
                raised[:, col] = higher
                new_rows = _unlock(compiled, raised, old_rows)
                keep = ~compiled.conflicting(new_rows)
                old = compiled.score(old_rows[keep])
                new = compiled.score(new_rows[keep])
                both_nan = np.isnan(old.scores[:, d]) & np.isnan(new.scores[:, d])
                assert np.all(both_nan | (new.scores[:, d] >= old.scores[:, d])), book.dimensions[
                    d
                ].id
                assert np.all(new.levels[:, d] >= old.levels[:, d])
                assert np.all(new.overall_score >= old.overall_score)
                assert np.all(new.overall_level >= old.overall_level)
                assert np.all(new.floor >= old.floor)


def _settle(compiled: CompiledRulebook, codes: np.ndarray) -> np.ndarray:
    """Mark the questions whose applies_if fails as skipped, until nothing changes."""
    codes = codes.copy()
    while True:
        before = codes.copy()
        for col, applies in enumerate(compiled.applies):
            if applies is not None:
                holds = applies(codes)
                codes[:, col] = np.where(
                    holds,
                    np.where(before[:, col] == SKIPPED_CODE, 0, before[:, col]),
                    SKIPPED_CODE,
                )
        if np.array_equal(before, codes):
            return codes


def _valid_rows(
    compiled: CompiledRulebook, base: np.ndarray, columns: range, questions: list[Question]
) -> np.ndarray:
    """Every valid row that differs from ``base`` only in ``columns``."""
    choices = []
    for col in columns:
        question = questions[col]
        values = [*range(len(question.options)), SKIPPED_CODE]
        values += [UNKNOWN_CODE] * question.allow_unknown + [NA_CODE] * question.allow_na
        choices.append(values)
    rows = np.repeat(base[None, :], math.prod(len(c) for c in choices), axis=0)
    rows[:, columns.start : columns.stop] = np.array(list(itertools.product(*choices)))
    valid = np.ones(len(rows), dtype=bool)
    for col in columns:
        applies = compiled.applies[col]
        holds = np.ones(len(rows), dtype=bool) if applies is None else applies(rows)
        valid &= (rows[:, col] == SKIPPED_CODE) == ~holds
    valid &= ~compiled.conflicting(rows)
    return rows[valid]


def _unlock(compiled: CompiledRulebook, raised: np.ndarray, old: np.ndarray) -> np.ndarray:
    """``raised`` rows with newly applying questions at their lowest option (and checks that no
    question stops applying)."""
    settled = _settle(compiled, raised)
    stopped = (old != SKIPPED_CODE) & (settled == SKIPPED_CODE)
    assert not stopped.any(), "raising an answer must not make a question not apply"
    return settled


def test_batch_equals_single_when_a_dimension_can_have_no_points_possible(
    tmp_path: Path,
) -> None:
    """A dimension whose only non-N/A question is worth 0 points has a maximum of 0 when the
    rest is N/A: both paths must call it not assessed and leave it out of the mean."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    team = root / "dimensions" / "team.yaml"
    text = team.read_text(encoding="utf-8")
    text = text.replace(
        "    allow_na: true\n    allow_unknown: false\n", "    allow_unknown: false\n"
    )
    team.write_text(
        text.replace(
            "        label: Sometimes\n        points: 5",
            "        label: Sometimes\n        points: 0",
        ),
        encoding="utf-8",
    )
    book = load_rulebook(root)
    compiled = CompiledRulebook.compile(book)
    answer_sets = [
        {
            "plan.strategy": "draft",
            "plan.review": "never",
            "plan.eu": "na",
            "team.size": "na",
            "team.abroad": "sometimes",
        },
        {"plan.strategy": "none", "plan.eu": "covered", "team.size": 7, "team.abroad": "never"},
        {
            "plan.strategy": "adopted",
            "plan.review": "yearly",
            "plan.eu": "na",
            "team.size": "na",
            "team.abroad": "never",
        },
    ]
    valid = [validate_answers(book, Answers(answers=a)) for a in answer_sets]
    batch = compiled.score(compiled.encode_many(valid))
    for row, answers in enumerate(valid):
        card = score_valid(answers)
        for d, dim in enumerate(card.dimensions):
            assert same_float(dim.score, float(batch.scores[row, d]))
            assert (dim.level or 0) == int(batch.levels[row, d])
        assert same_float(card.overall_score, float(batch.overall_score[row]))
        assert (card.floor or 0) == int(batch.floor[row])
    assert batch.levels[:, 1].tolist() == [0, 3, 0]  # team not assessed, 100, not assessed


def test_random_codes_are_scored_like_valid_answers() -> None:
    """CompiledRulebook.random_codes (used by the benchmark) only produces valid rows."""
    compiled = COMPILED["shipped"]
    codes = compiled.random_codes(2_000, np.random.default_rng(7))
    scores = compiled.score(codes)
    assert np.all((scores.scores >= 0) & (scores.scores <= 100))
    assert set(np.unique(scores.levels)) <= {1, 2, 3, 4, 5}
    assert not compiled.conflicting(codes).any()
    assert np.all(scores.overall_level <= scores.floor + 1)


def _question(book: Rulebook, qid: str) -> Question:
    return RulebookIndex.of(book).questions[qid]


def _unlocking_raises(
    book: Rulebook, picks: Mapping[str, Pick], before: Mapping[str, Pick], raisable: list[str]
) -> list[tuple[str, int]]:
    """(question, higher option) pairs whose raise makes a skipped question apply."""
    found = []
    for qid in raisable:
        question = _question(book, qid)
        for option in range(before[qid].option + 1, len(question.options)):
            pick = Pick("option", option, question.options[option].value)
            if set(applying(book, {**picks, qid: pick})) - set(before):
                found.append((qid, option))
    return found
