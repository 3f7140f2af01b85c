"""Summaries from the batch scorer are the engine's, value for value and byte for byte."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from benchmark.record import ScoreSummary, batch_summaries
from benchmark.survey_csv import import_survey
from rules import (
    Answers,
    CompiledRulebook,
    Rulebook,
    load_rulebook,
    score_answers,
    score_valid,
    validate_answers,
)
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE
from rules.index import RulebookIndex
from rules.loader import DEFAULT_RULEBOOK, load_previous

sys.path.insert(0, str(Path(__file__).parents[2] / "perf"))
from survey_rows import write_survey_csv  # perf/ is scripts, not a package

#: a fixture rulebook with a dimension that N/A answers can leave not assessed, which no
#: dimension of the shipped rulebook can be
MINI = Path(__file__).parents[1] / "rules" / "fixtures" / "mini"


def rulebooks() -> dict[str, Rulebook]:
    current = load_rulebook()
    assert current.migration is not None
    previous = load_previous(DEFAULT_RULEBOOK, current.migration)
    return {"current": current, "previous": previous, "mini": load_rulebook(MINI)}


BOOKS = rulebooks()


def answers_of(book: Rulebook, codes: np.ndarray) -> list[dict[str, str | float]]:
    """The answers a row of codes stands for (a number question gets its option's least)."""
    index = RulebookIndex.of(book)
    compiled = CompiledRulebook.compile(book)
    sets = []
    for row in codes.tolist():
        answers: dict[str, str | float] = {}
        for qid, code in zip(compiled.question_ids, row, strict=True):
            question = index.questions[qid]
            if code == SKIPPED_CODE:
                continue
            if code in (NA_CODE, UNKNOWN_CODE):
                answers[qid] = "na" if code == NA_CODE else "unknown"
            elif question.kind == "number":
                answers[qid] = question.options[code].min or 0.0
            else:
                answers[qid] = question.options[code].value
        sets.append(answers)
    return sets


def extremes(book: Rulebook, compiled: CompiledRulebook) -> np.ndarray:
    """Every question at its lowest, its highest, "don't know" or N/A where allowed."""
    index = RulebookIndex.of(book)
    questions = [index.questions[q] for q in compiled.question_ids]
    rows = [
        [0] * len(questions),
        [len(q.options) - 1 for q in questions],
        [UNKNOWN_CODE if q.allow_unknown else 0 for q in questions],
        [NA_CODE if q.allow_na else 0 for q in questions],
    ]
    codes = np.array(rows, dtype=np.int8)
    compiled._settle_skip_logic(codes)
    return compiled.without_conflicts(codes)


@pytest.mark.parametrize("book", BOOKS.values(), ids=BOOKS.keys())
def test_batch_summaries_equal_the_engines(book: Rulebook) -> None:
    compiled = CompiledRulebook.compile(book)
    codes = np.concatenate(
        [compiled.random_codes(400, np.random.default_rng(11)), extremes(book, compiled)]
    )
    valids = [validate_answers(book, Answers(answers=a)) for a in answers_of(book, codes)]
    encoded = compiled.encode_many(valids)
    assert np.array_equal(encoded, codes)  # the answers stand for exactly these codes

    expected = [ScoreSummary.of(score_valid(v)) for v in valids]
    got = batch_summaries(book, compiled.score(encoded))

    assert got == expected
    # and as stored: the same JSON, types included (43.0, not 43; None, not NaN)
    assert [json.dumps(s.model_dump(mode="json")) for s in got] == [
        json.dumps(s.model_dump(mode="json")) for s in expected
    ]


def test_the_edge_rows_reach_the_edges() -> None:
    """The extreme rows reach what a random pool rarely does: the top level, a score of 0,
    and (in the fixture rulebook) a dimension left not assessed by N/A answers."""
    for book in BOOKS.values():
        compiled = CompiledRulebook.compile(book)
        lowest, highest, unknown, _ = batch_summaries(
            book, compiled.score(extremes(book, compiled))
        )
        assert highest.overall_level == len(book.levels)
        assert lowest.overall_score == 0.0 and unknown.overall_score == 0.0
    mini = CompiledRulebook.compile(BOOKS["mini"])
    not_applicable = batch_summaries(BOOKS["mini"], mini.score(extremes(BOOKS["mini"], mini)))[3]
    assert any(d.score is None and d.level is None for d in not_applicable.dimensions.values())


def test_an_imported_survey_scores_as_the_engine_scores_each_row(tmp_path: Path) -> None:
    """End to end: the batch path of a survey import gives each record the summary that
    scoring its answers alone gives (on the benchmark's own survey rows)."""
    book = BOOKS["current"]
    survey = tmp_path / "survey.csv"
    write_survey_csv(survey, 300, seed=3, book=book)
    records = import_survey(survey.read_text("utf-8"), book, assessed_on=date(2026, 1, 1))
    assert len(records) == 300
    for record in records:
        assert record.scores == ScoreSummary.of(score_answers(book, record.answers))
