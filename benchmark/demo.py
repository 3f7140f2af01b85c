"""Fictional demo cities: a seeded peer pool, calibrated to the published headline figures.

The demo pool lets a fresh install show peers at once. Its cities are invented: names are
built from syllables and checked against every GeoNames city name and alternate name, so no
real city is ever attached to invented answers. Countries are real, so that regions and EU
membership work as for real cities. Contexts and answers come from the latent-capacity model
in :mod:`benchmark.demo_model`, shared with the vectorised :func:`generate_demo_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from benchmark.demo_model import TEAM_SIZE_QUESTION, DemoMatrix, generate_demo_matrix
from benchmark.demo_names import demo_names
from benchmark.gazetteer import Gazetteer, default_gazetteer
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord, ScoreSummary
from rules import Answers, Rulebook, score_assessment
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE

__all__ = [
    "TEAM_SIZE_QUESTION",
    "DemoMatrix",
    "demo_names",
    "demo_pool_names",
    "generate_demo_matrix",
    "generate_demo_pool",
]

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2026, 10, 31)

Progress = Callable[[int], None]


def generate_demo_pool(
    n: int,
    seed: int,
    rulebook: Rulebook,
    *,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
) -> list[PoolRecord]:
    """``n`` fictional, scored demo cities; the same arguments always give the same pool.

    Parameters
    ----------
    n, seed:
        How many cities, and the seed that fixes them.
    rulebook:
        The rulebook to answer and score against.
    gazetteer:
        Real city names to avoid; the shared GeoNames gazetteer by default.
    progress:
        Called with the number of records finished since its last call, for progress bars.
    """
    matrix = generate_demo_matrix(n, seed, rulebook)
    names, rng = _names(n, seed, gazetteer)
    days = rng.integers(0, (LAST_DAY - FIRST_DAY).days + 1, size=n)
    writer = _AnswerWriter(rulebook, matrix)
    width = max(4, len(str(n)))
    records = []
    for i in range(n):
        answers = writer.answers(i)
        card = score_assessment(rulebook, Answers(answers=answers))
        records.append(
            PoolRecord(
                id=f"demo-{i + 1:0{width}d}",
                profile=_profile(matrix, i, names[i]),
                answers=answers,
                scores=ScoreSummary.of(card),
                source="demo",
                assessed_on=FIRST_DAY + timedelta(days=int(days[i])),
                rulebook_version=rulebook.version,
                consent_named=True,  # the names are fictional: nobody to protect
            )
        )
        if progress is not None and (i + 1) % 100 == 0:
            progress(100)
    if progress is not None and n % 100:
        progress(n % 100)
    return records


def demo_pool_names(n: int, seed: int, *, gazetteer: Gazetteer | None = None) -> list[str]:
    """The names of the cities of ``generate_demo_pool(n, seed, ...)``, in order."""
    return _names(n, seed, gazetteer)[0]


def _names(
    n: int, seed: int, gazetteer: Gazetteer | None
) -> tuple[list[str], np.random.Generator]:
    # A stream apart from the model's, so names and dates never change the answers.
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    return demo_names(n, rng, gazetteer or default_gazetteer()), rng


def _profile(matrix: DemoMatrix, i: int, name: str) -> CityProfile:
    team_size = float(matrix.team_size[i])
    return CityProfile(
        name=name,
        country=matrix.countries[matrix.country[i]],
        region=matrix.regions[matrix.region[i]],
        population=int(matrix.population[i]),
        capital=bool(matrix.capital[i]),
        eu_member=bool(matrix.eu_member[i]),
        team_size=None if team_size != team_size else team_size,  # NaN: not known
    )


class _AnswerWriter:
    """Turns a row of answer codes into the answers a city would have given."""

    def __init__(self, rulebook: Rulebook, matrix: DemoMatrix) -> None:
        index = {q.id: q for d in rulebook.dimensions for q in d.questions}
        self._questions = [index[q] for q in matrix.question_ids]
        self._matrix = matrix

    def answers(self, i: int) -> dict[str, str | int | float]:
        """The answers of city ``i``, as option values, numbers, "na" or "unknown"."""
        answers: dict[str, str | int | float] = {}
        codes = self._matrix.codes[i].tolist()
        for question, code in zip(self._questions, codes, strict=True):
            if code == SKIPPED_CODE:
                continue  # the question does not apply: validation wants no answer
            if code == NA_CODE:
                answers[question.id] = "na"
            elif code == UNKNOWN_CODE:
                answers[question.id] = "unknown"
            elif question.kind == "number":
                answers[question.id] = float(self._matrix.numbers[question.id][i])
            else:
                answers[question.id] = question.options[code].value
        return answers
