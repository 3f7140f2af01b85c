"""Small peer pools for tests, built from PoolRecord directly (no dependency on the demo pool).

Answers are random but valid (skip logic honoured) and scored with the compiled rulebook, so
records look like the real pool: answers, scores and levels agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from benchmark.profile import CityProfile
from benchmark.record import DimensionSummary, PoolRecord, ScoreSummary
from rules import CompiledRulebook, Rulebook
from rules.batch import NA_CODE, UNKNOWN_CODE

#: Six tight, distinct contexts: (region, population, EU member, capital).
PLANTED_CONTEXTS: tuple[tuple[str, int, bool, bool], ...] = (
    ("Western Europe", 600_000, True, False),
    ("Western Europe", 3_000_000, True, True),
    ("Southern Europe", 150_000, True, False),
    ("South America", 1_500_000, False, True),
    ("Northern America", 400_000, False, False),
    ("Eastern Asia", 8_000_000, False, False),
)


def answers_of(book: Rulebook, codes: np.ndarray) -> dict[str, str | int | float]:
    """Turn one row of batch codes back into an answers mapping."""
    answers: dict[str, str | int | float] = {}
    questions = [q for d in book.dimensions for q in d.questions]
    for question, code in zip(questions, codes.tolist(), strict=True):
        if code == NA_CODE:
            answers[question.id] = "na"
        elif code == UNKNOWN_CODE:
            answers[question.id] = "unknown"
        elif code >= 0:
            option = question.options[code]
            value = option.min if question.kind == "number" else option.value
            answers[question.id] = value if value is not None else option.value
    return answers


def records_for(
    book: Rulebook,
    profiles: Sequence[CityProfile],
    codes: np.ndarray,
    *,
    consent: Sequence[bool] | None = None,
    source: str = "import",
    prefix: str = "city",
) -> list[PoolRecord]:
    """Score ``codes`` (one row per profile) and wrap each city as a PoolRecord."""
    compiled = CompiledRulebook.compile(book)
    batch = compiled.score(codes)
    dims = [d.id for d in book.dimensions]
    consent = consent if consent is not None else [i % 2 == 0 for i in range(len(profiles))]
    records = []
    for i, profile in enumerate(profiles):
        summary = ScoreSummary(
            dimensions={
                d: DimensionSummary(
                    score=None if np.isnan(batch.scores[i, j]) else float(batch.scores[i, j]),
                    level=int(batch.levels[i, j]) or None,
                )
                for j, d in enumerate(dims)
            },
            overall_score=float(batch.overall_score[i]),
            overall_level=int(batch.overall_level[i]),
            floor=int(batch.floor[i]) or None,
            indicators={
                ind.id: bool(batch.indicators[i, n]) for n, ind in enumerate(book.indicators)
            },
            rulebook_hash=book.content_hash,
        )
        records.append(
            PoolRecord(
                id=f"{prefix}-{i:04d}",
                profile=profile,
                answers=answers_of(book, codes[i]),
                scores=summary,
                source=source,  # type: ignore[arg-type]
                assessed_on=date(2024, 6, 1),
                rulebook_version=book.version,
                consent_named=consent[i],
            )
        )
    return records


def planted_pool(
    book: Rulebook, *, per_group: int = 20, seed: int = 0
) -> tuple[list[PoolRecord], dict[str, int]]:
    """Cities in six tight context groups; returns the records and record id → group."""
    rng = np.random.default_rng(seed)
    profiles, groups = [], []
    for g, (region, population, eu, capital) in enumerate(PLANTED_CONTEXTS):
        for n in range(per_group):
            profiles.append(
                CityProfile(
                    name=f"Group{g} City{n}",
                    country="FR" if eu else "US",
                    region=region,
                    population=int(population * rng.uniform(0.9, 1.1)),
                    capital=capital,
                    eu_member=eu,
                    team_size=float(rng.integers(1, 10)) if n % 4 else None,
                )
            )
            groups.append(g)
    codes = CompiledRulebook.compile(book).random_codes(len(profiles), rng)
    records = records_for(book, profiles, codes, source="demo")
    return records, {r.id: g for r, g in zip(records, groups, strict=True)}


def random_pool(book: Rulebook, n: int, *, seed: int = 0, consent_share=0.5) -> list[PoolRecord]:
    """``n`` cities of random context and random valid answers."""
    rng = np.random.default_rng(seed)
    regions = sorted({c[0] for c in PLANTED_CONTEXTS})
    profiles = [
        CityProfile(
            name=f"Random City {i}",
            country="DE",
            region=regions[int(rng.integers(len(regions)))],
            population=int(10 ** rng.uniform(4.5, 7)),
            capital=bool(rng.random() < 0.1),
            eu_member=bool(rng.random() < 0.5),
            team_size=None if rng.random() < 0.2 else float(rng.integers(0, 30)),
        )
        for i in range(n)
    ]
    codes = CompiledRulebook.compile(book).random_codes(n, rng)
    consent = (rng.random(n) < consent_share).tolist()
    return records_for(book, profiles, codes, consent=consent, prefix="rnd")
