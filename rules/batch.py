"""Score many assessments at once with numpy.

The rulebook compiles to arrays: an option → points table, the question order grouped by
dimension, thresholds, and each condition as a vectorised predicate. Assessments are encoded
as an ``(n, questions)`` int8 matrix of option indices with negative codes for N/A, "don't
know" and skipped. The results are identical to :func:`rules.engine.score_valid`, float for
float: both paths sum integer points exactly and combine dimensions in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rules.answers import ValidAnswers
from rules.conditions import AllOf, AnyOf, Condition, IsAtLeast, IsIn, IsOption, Not
from rules.model import NA, UNKNOWN, Question, Rulebook
from rules.rounding import EPSILON

__all__ = ["NA_CODE", "SKIPPED_CODE", "UNKNOWN_CODE", "BatchScores", "CompiledRulebook"]

NA_CODE = -1
UNKNOWN_CODE = -2
SKIPPED_CODE = -3

Codes = NDArray[np.int8]
Predicate = Callable[[Codes], NDArray[np.bool_]]


@dataclass(frozen=True)
class BatchScores:
    """Scores of ``n`` assessments; level 0 and NaN mean "not assessed"."""

    scores: NDArray[np.float64]  # (n, dimensions)
    levels: NDArray[np.int8]  # (n, dimensions), after gates
    overall_score: NDArray[np.float64]  # (n,)
    overall_level: NDArray[np.int8]  # (n,)
    floor: NDArray[np.int8]  # (n,)
    indicators: NDArray[np.bool_]  # (n, indicators)


@dataclass(frozen=True)
class CompiledRulebook:
    """A rulebook compiled to arrays; build with :meth:`compile`."""

    rulebook: Rulebook
    question_ids: tuple[str, ...]
    points: NDArray[np.int16]  # (questions, max options), padded with 0
    max_points: NDArray[np.int16]  # (questions,)
    dimension_starts: NDArray[np.intp]  # first question column of each dimension
    weights: tuple[float, ...]
    min_scores: NDArray[np.float64]
    applies: tuple[Predicate | None, ...]
    #: per dimension: (gate level, predicate) pairs
    gates: tuple[tuple[tuple[int, Predicate], ...], ...]
    indicators: tuple[Predicate, ...]
    #: (questions, 256) int32, indexed by a code read as uint8 (N/A, "don't know" and skipped
    #: are 255, 254 and 253): the points scored in the low 16 bits, the points possible (0 for
    #: N/A) in the high 16 bits, so that one lookup and one sum give both per dimension.
    lookup: NDArray[np.int32]
    #: per dimension: True when its maximum can be 0 (N/A answers), so it may be not assessed
    may_be_unassessed: tuple[bool, ...]
    #: the overall level is at most the floor plus this (None: no cap)
    floor_margin: int | None = None

    @classmethod
    def compile(cls, rulebook: Rulebook) -> CompiledRulebook:
        """Compile ``rulebook`` (already checked by the loader) to arrays."""
        questions = [q for d in rulebook.dimensions for q in d.questions]
        column = {q.id: i for i, q in enumerate(questions)}
        options = {q.id: {o.value: i for i, o in enumerate(q.options)} for q in questions}
        width = max(len(q.options) for q in questions)
        points = np.zeros((len(questions), width), dtype=np.int16)
        for row, question in enumerate(questions):
            points[row, : len(question.options)] = [o.points for o in question.options]
        sizes = [len(d.questions) for d in rulebook.dimensions]

        def compile_condition(condition: Condition) -> Predicate:
            return _compile(condition, column, options)

        return cls(
            rulebook=rulebook,
            question_ids=tuple(q.id for q in questions),
            points=points,
            max_points=points.max(axis=1),
            dimension_starts=np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp),
            weights=tuple(d.weight for d in rulebook.dimensions),
            min_scores=np.array([lv.min_score for lv in rulebook.levels], dtype=np.float64),
            applies=tuple(
                None if q.applies_if is None else compile_condition(q.applies_if)
                for q in questions
            ),
            gates=tuple(
                tuple((g.level, compile_condition(g.requires)) for g in d.gates)
                for d in rulebook.dimensions
            ),
            indicators=tuple(compile_condition(i.when) for i in rulebook.indicators),
            lookup=_lookup_table(points, points.max(axis=1)),
            may_be_unassessed=tuple(
                sum(q.max_points for q in d.questions if not q.allow_na) == 0
                for d in rulebook.dimensions
            ),
            floor_margin=rulebook.floor_margin,
        )

    def encode(self, valid: ValidAnswers) -> Codes:
        """Encode validated answers as one row of codes."""
        codes = {"na": NA_CODE, "unknown": UNKNOWN_CODE, "skipped": SKIPPED_CODE}
        row = [
            r.option if r.option is not None else codes[r.status]
            for r in (valid.resolved[q] for q in self.question_ids)
        ]
        return np.array(row, dtype=np.int8)

    def encode_many(self, answer_sets: Sequence[ValidAnswers]) -> Codes:
        """Encode several validated answer sets as an ``(n, questions)`` matrix."""
        return np.stack([self.encode(v) for v in answer_sets]).astype(np.int8)

    def encode_answers(
        self, answer_sets: Sequence[Mapping[str, object]]
    ) -> tuple[Codes, NDArray[np.bool_]]:
        """Encode raw answer mappings (as ``Answers.answers``) column by column.

        Returns the codes and, per row, whether the fast checks accept it. An accepted row is
        one that :func:`~rules.answers.validate_answers` accepts, encoded as :meth:`encode`
        encodes its result (``tests/rules/test_encode_answers.py`` checks this on valid and
        broken answers alike). A row not accepted is anything else — a bad value, a missing
        or needless answer, a conflict, a value of an unusual type: validate it one by one
        for the problems (its codes are meaningless). Notes are not looked at.
        """
        columns = {qid: [a.get(qid) for a in answer_sets] for qid in self.question_ids}
        codes, ok = self.encode_columns(columns, len(answer_sets))
        ok &= np.fromiter(
            (a.keys() <= self._known_ids for a in answer_sets), dtype=bool, count=len(codes)
        )
        return codes, ok

    def encode_columns(
        self, columns: Mapping[str, Sequence[object]], n: int
    ) -> tuple[Codes, NDArray[np.bool_]]:
        """:meth:`encode_answers` for ``n`` answer sets given as one column of answers per
        question id (None, or a question missing from ``columns``: not answered)."""
        codes = np.full((n, len(self.question_ids)), SKIPPED_CODE, dtype=np.int8)
        ok = np.ones(n, dtype=bool)
        for col, question in enumerate(self._questions):
            raw = columns.get(question.id)
            if raw is None:
                continue
            column = _encode_column(question, raw)
            ok &= column != _BAD
            codes[:, col] = np.where(column == _BAD, SKIPPED_CODE, column)
        present = codes != SKIPPED_CODE
        for col, applies in enumerate(self.applies):
            # every question that applies is answered, and only those
            ok &= present[:, col] if applies is None else applies(codes) == present[:, col]
        ok &= ~self.conflicting(codes)
        return codes, ok

    @property
    def _questions(self) -> list[Question]:
        index = {q.id: q for d in self.rulebook.dimensions for q in d.questions}
        return [index[qid] for qid in self.question_ids]

    @property
    def _known_ids(self) -> frozenset[str]:
        return frozenset(self.question_ids)

    def score(self, codes: Codes) -> BatchScores:
        """Score every row of ``codes`` (as produced by :meth:`encode`).

        Works one dimension at a time on contiguous columns of length ``n``; every float is
        computed with the same operations, in the same order, as :func:`rules.engine.score_valid`.
        """
        codes = np.asarray(codes, dtype=np.int8)
        n, dimension_count = len(codes), len(self.weights)
        as_bytes = codes.view(np.uint8)
        bounds = [*self.dimension_starts.tolist(), codes.shape[1]]
        scores = np.empty((n, dimension_count), dtype=np.float64)
        levels = np.empty((n, dimension_count), dtype=np.int8)
        floor = np.full(n, 127, dtype=np.int8)
        total = np.zeros(n)
        weights = np.zeros(n)
        for d in range(dimension_count):
            packed = self.lookup[bounds[d]].take(as_bytes[:, bounds[d]])
            for col in range(bounds[d] + 1, bounds[d + 1]):
                packed += self.lookup[col].take(as_bytes[:, col])
            points = (packed & 0xFFFF).astype(np.float64)
            maximum = (packed >> 16).astype(np.float64)
            with np.errstate(invalid="ignore", divide="ignore"):
                # Rounded down to a whole number exactly as rules.rounding.whole_score does.
                score = np.floor(100.0 * points / maximum + EPSILON)
            level = self._threshold_levels(score)
            for gate_level, holds in self.gates[d]:
                # A failing gate caps the level below it: min(level, gate level - 1). The cap
                # is looked up by the gate's outcome, which numpy does faster than `where=`.
                cap = np.array([gate_level - 1, 127], dtype=np.int8).take(
                    holds(codes).view(np.uint8)
                )
                np.minimum(level, cap, out=level)
            # Same order of additions as rules.engine._weighted_mean, for identical floats.
            if self.may_be_unassessed[d]:
                assessed = maximum > 0
                score = np.where(assessed, score, np.nan)
                total = np.where(assessed, total + self.weights[d] * score, total)
                weights = np.where(assessed, weights + self.weights[d], weights)
                np.minimum(floor, level, out=floor, where=assessed)
            else:
                total = total + self.weights[d] * score
                weights = weights + self.weights[d]
                np.minimum(floor, level, out=floor)
            scores[:, d] = score
            levels[:, d] = level
        with np.errstate(invalid="ignore", divide="ignore"):
            overall = np.where(weights > 0, np.floor(total / weights + EPSILON), np.nan)
        floor = np.where(floor == 127, 0, floor).astype(np.int8)
        overall_level = self._threshold_levels(overall)
        if self.floor_margin is not None:
            capped = np.minimum(overall_level, floor + np.int8(self.floor_margin))
            overall_level = np.where(floor > 0, capped, overall_level).astype(np.int8)
        return BatchScores(
            scores=scores,
            levels=levels,
            overall_score=overall,
            overall_level=overall_level,
            floor=floor,
            indicators=np.stack([p(codes) for p in self.indicators], axis=1)
            if self.indicators
            else np.zeros((n, 0), dtype=bool),
        )

    def _threshold_levels(self, scores: NDArray[np.float64]) -> NDArray[np.int8]:
        """Number of thresholds reached: the level, as levels are numbered 1, 2, …; 0 for NaN."""
        levels = np.zeros(scores.shape, dtype=np.int8)
        for threshold in self.min_scores.tolist():
            levels += scores >= threshold
        return levels

    def conflicting(self, codes: Codes) -> NDArray[np.bool_]:
        """Per row: True when the answers break a consistency rule (validation refuses them)."""
        codes = np.asarray(codes, dtype=np.int8)
        column = {qid: col for col, qid in enumerate(self.question_ids)}
        found = np.zeros(len(codes), dtype=bool)
        for rule in self.rulebook.consistency:
            found |= _compile(AllOf(all=list(rule.conflict)), column, self._options())(codes)
        return found

    def random_codes(self, n: int, rng: np.random.Generator) -> Codes:
        """``n`` random valid assessments (skip logic honoured), for tests and benchmarks."""
        index = {q.id: q for d in self.rulebook.dimensions for q in d.questions}
        columns = []
        for qid in self.question_ids:
            question = index[qid]
            choices = list(range(len(question.options))) + [UNKNOWN_CODE] * question.allow_unknown
            choices += [NA_CODE] * question.allow_na
            columns.append(rng.choice(np.array(choices, dtype=np.int8), size=n))
        codes = np.stack(columns, axis=1).astype(np.int8)
        self._settle_skip_logic(codes)
        return self.without_conflicts(codes)

    def without_conflicts(self, codes: Codes) -> Codes:
        """``codes`` with every row that breaks a consistency rule made valid.

        In such a row the rule's first answer becomes "don't know" (or the lowest option where
        that is not allowed), which breaks the conflict; skip logic is applied again. For
        generators of random or fictional answer sets, which draw questions independently.
        """
        codes = np.array(codes, dtype=np.int8)
        index = {q.id: q for d in self.rulebook.dimensions for q in d.questions}
        column = {qid: col for col, qid in enumerate(self.question_ids)}
        conflicts = [
            (_compile(AllOf(all=list(rule.conflict)), column, self._options()), rule.conflict[0])
            for rule in self.rulebook.consistency
        ]
        for _ in range(len(conflicts) + 1):
            clean = True
            for holds, first in conflicts:
                rows = holds(codes)
                if rows.any():
                    clean = False
                    allowed = index[first.question].allow_unknown
                    codes[rows, column[first.question]] = UNKNOWN_CODE if allowed else 0
            if clean:
                break
            self._settle_skip_logic(codes)
        return codes

    def _settle_skip_logic(self, codes: Codes) -> None:
        for _ in range(len(self.question_ids)):  # chains of skip logic settle in ≤ Q rounds
            before = codes.copy()
            for col, applies in enumerate(self.applies):
                if applies is not None:
                    codes[:, col] = np.where(applies(codes), before[:, col], SKIPPED_CODE)
            if np.array_equal(before, codes):
                break

    def _options(self) -> dict[str, dict[str, int]]:
        return {
            q.id: {o.value: i for i, o in enumerate(q.options)}
            for d in self.rulebook.dimensions
            for q in d.questions
        }


_BAD = -100  # a value validation refuses, or one the fast path does not judge


def _encode_column(question: Question, raw: Sequence[object]) -> NDArray[np.int16]:
    """One question's codes for ``raw`` answers (None: not answered → skipped)."""
    table: dict[object, int] = {None: SKIPPED_CODE}
    table.update({o.value: i for i, o in enumerate(question.options)})
    if question.allow_na:
        table[NA] = NA_CODE
    if question.allow_unknown:
        table[UNKNOWN] = UNKNOWN_CODE
    # type() checks, as validation's strict types: True is not 1, a numeric string not a number
    column = np.array(
        [table.get(v, _BAD) if type(v) is str or v is None else _BAD for v in raw],
        dtype=np.int16,
    )
    unread = np.flatnonzero(column == _BAD).tolist()  # few: bad values, or numbers
    numbers = [i for i in unread if type(raw[i]) is float or _small_int(raw[i])]
    if numbers:
        values = np.array([raw[i] for i in numbers], dtype=np.float64)
        column[numbers] = _number_codes(question, values, [raw[i] for i in numbers])
    return column


def _small_int(value: object) -> bool:
    """An int that converts to a float exactly (others are left to validation)."""
    return type(value) is int and abs(value) < 2**53


def _number_codes(
    question: Question, values: NDArray[np.float64], raw: list[object]
) -> NDArray[np.int16]:
    if question.kind != "number":
        # a number naming an option (YAML reads an option value 0 as a number)
        options = {o.value: i for i, o in enumerate(question.options)}
        return np.array([options.get(str(v), _BAD) for v in raw], dtype=np.int16)
    band = np.full(len(values), _BAD, dtype=np.int16)
    for i, option in enumerate(question.options):  # the last band whose least is reached
        if option.min is not None:
            band[values >= option.min] = i
    band[~(values >= 0)] = _BAD  # negative or NaN fits no band
    return band


def _lookup_table(points: NDArray[np.int16], max_points: NDArray[np.int16]) -> NDArray[np.int32]:
    """The packed (points scored, points possible) table described at ``lookup``."""
    if int(points.sum()) >= 1 << 15:  # so that both halves fit in a signed 32-bit integer
        raise ValueError("too many points to pack per dimension; widen the lookup table")
    possible = max_points.astype(np.int32)[:, None] << 16
    table = np.zeros((len(points), 256), dtype=np.int32)
    table[:, : points.shape[1]] = points.astype(np.int32) | possible
    table[:, np.uint8(np.int8(UNKNOWN_CODE))] = possible[:, 0]
    table[:, np.uint8(np.int8(SKIPPED_CODE))] = possible[:, 0]
    return table  # N/A (255) stays 0: the question leaves the denominator


def _compile(
    condition: Condition, column: dict[str, int], options: dict[str, dict[str, int]]
) -> Predicate:
    if isinstance(condition, IsOption):
        col, value = column[condition.question], options[condition.question][condition.is_]
        return lambda codes: codes[:, col] == value
    if isinstance(condition, IsAtLeast):
        col, value = column[condition.question], options[condition.question][condition.at_least]
        return lambda codes: codes[:, col] >= value
    if isinstance(condition, IsIn):
        col = column[condition.question]
        values = np.array([options[condition.question][v] for v in condition.in_], dtype=np.int8)
        return lambda codes: np.isin(codes[:, col], values)
    if isinstance(condition, AllOf | AnyOf):
        parts = [
            _compile(c, column, options)
            for c in (condition.all if isinstance(condition, AllOf) else condition.any)
        ]
        combine = np.logical_and if isinstance(condition, AllOf) else np.logical_or
        return lambda codes: combine.reduce([p(codes) for p in parts])
    assert isinstance(condition, Not)
    inner = _compile(condition.not_, column, options)
    return lambda codes: ~inner(codes)
