"""The latent-capacity model behind the demo pool, vectorised with numpy.

Each fictional city gets a context (:mod:`benchmark.demo_context`) and a latent capacity that
grows with log population, capital status and EU membership. Dimensions share that latent
factor plus their own noise, so a city strong in one dimension tends to be strong in others;
each question then answers an ordered-logit draw around its dimension's latent, honouring N/A,
"don't know" and skip logic.

Two choices keep a few hundred cities close to the published shares:

* **Stratified draws.** Context and latent noise come from stratified (Latin hypercube)
  uniforms, so a sample's mix of sizes and strengths matches the model closely.
* **Systematic sampling of answers.** A question's uniforms are taken from a running sum of
  the probabilities of its key threshold (the one its headline indicator tests), so the count
  of cities over that threshold is within one of its expectation, while each city's answer
  keeps its own probabilities.

Latent offsets for the questions of headline indicators are solved once per rulebook, by
bisection on a fixed large sample, so that indicator shares match the latest published
figures. Two rules of plausibility are part of the draw: only cities with an EU link (member,
EEA, candidate) have a Brussels presence, and a city with under one full-time person has no
department (:func:`_coherent`); the question ids they use are in
:mod:`benchmark.demo_questions`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmark.demo_context import (
    DemoContext,
    country_table,
    draw_context,
    logit_quantile,
    sigmoid,
    stratified_normal,
)
from benchmark.demo_questions import (
    BRUSSELS_NONE,
    BRUSSELS_QUESTION,
    DEPARTMENT,
    EU_DIMENSION,
    NETWORK_MEMBERSHIPS_QUESTION,
    OFFICE_QUESTION,
    TEAM_BANDS_UNDER_ONE_FTE,
    TEAM_SIZE_QUESTION,
)
from rules import CompiledRulebook, Rulebook
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE
from rules.conditions import IsAtLeast, IsIn, IsOption, condition_atoms

__all__ = [
    "TEAM_SIZE_QUESTION",
    "DemoMatrix",
    "calibration_offsets",
    "generate_demo_matrix",
]

Codes = NDArray[np.int8]
Floats = NDArray[np.float64]
Predicate = Callable[[Codes], NDArray[np.bool_]]

UNKNOWN_SHARE = 0.03  # "don't know", where a question allows it
OTHER_NA_SHARE = 0.15  # N/A where allowed outside the EU dimension (no regional tier, ...)
#: Latent shifts of single questions, where the middle option would be implausible: the
#: demo pool is a city network's membership, so nearly every city belongs to a network.
QUESTION_SHIFTS: Mapping[str, float] = MappingProxyType({NETWORK_MEMBERSHIPS_QUESTION: 1.5})
#: A Brussels presence grows with size more than other answers do: offices of their own are
#: mostly those of large cities (latent slope per half a power of ten of population).
BRUSSELS_SIZE_SLOPE = 1.0
EU_BONUS = 0.5  # EU members engage more with the EU
CUT_SPREAD = 1.5  # ≈ the standard deviation of a question's latent plus its noise
CALIBRATION_SIZE = 10_000
CALIBRATION_SEED = 20_240_611


@dataclass(frozen=True)
class DemoMatrix:
    """``n`` demo cities as arrays: numeric context and answer codes, no pydantic records.

    ``codes`` is ``(n, questions)`` int8 in the encoding of :class:`rules.CompiledRulebook`
    (option index, or ``NA_CODE``, ``UNKNOWN_CODE``, ``SKIPPED_CODE``), columns in
    ``question_ids`` order, ready for :meth:`rules.CompiledRulebook.score`.
    """

    countries: tuple[str, ...]  # ISO codes; ``country`` indexes this
    regions: tuple[str, ...]  # M49 sub-regions; ``region`` indexes this
    country: NDArray[np.int16]
    region: NDArray[np.int16]
    population: NDArray[np.int64]
    capital: NDArray[np.bool_]
    eu_member: NDArray[np.bool_]
    question_ids: tuple[str, ...]
    codes: Codes
    #: for each ``number`` question, the number answered (NaN where no option was chosen)
    numbers: Mapping[str, Floats]

    def __len__(self) -> int:
        return len(self.population)

    @property
    def team_size(self) -> Floats:
        """Full-time international staff per city (NaN where unknown), for profiles."""
        return self.numbers.get(TEAM_SIZE_QUESTION, np.full(len(self), np.nan))


@dataclass(frozen=True)
class _Question:
    dimension: int
    cuts: Floats  # latent thresholds between consecutive options
    key: int  # option index whose threshold is sampled systematically
    unknown: float  # probability of "don't know"
    na: str | None  # "eu", "other" or None: whether and how N/A may be drawn
    shift: float  # latent shift, from QUESTION_SHIFTS
    bonus: float  # latent bonus for EU members
    #: only cities with an EU link may answer above the lowest option (a Brussels presence)
    eu_link_only: bool = False
    size_slope: float = 0.0  # latent slope on size, beyond the city's general capacity


@dataclass(frozen=True)
class _Model:
    compiled: CompiledRulebook
    questions: tuple[_Question, ...]
    dimensions: int
    na_columns: tuple[int, ...]  # questions that may be N/A
    #: (office column, option index of a department, team column, under-one-FTE index), when
    #: the rulebook has those questions: a department needs one full-time person at least
    department_rule: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class _Draws:
    """Every random number of a sample, so its codes can be recomputed for other offsets."""

    context: DemoContext
    latent: Floats  # (n, dimensions)
    start: Floats  # (questions,): systematic-sampling starts
    na: Floats  # (n, len(na_columns)): uniforms for N/A


def generate_demo_matrix(n: int, seed: int, rulebook: Rulebook) -> DemoMatrix:
    """Draw ``n`` fictional cities for ``seed``: context arrays and answer codes.

    The vectorised path for large pools (a million cities in seconds); the same
    ``(n, seed, rulebook)`` always gives the same matrix, and :func:`benchmark.demo.
    generate_demo_pool` builds its records from exactly this matrix.
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    model = _model(rulebook)
    draws = _draw(n, np.random.default_rng(seed), model)
    offsets = calibration_offsets(rulebook, pool_size=n)
    shifts = np.array([offsets.get(q, 0.0) for q in model.compiled.question_ids])
    codes = _codes(model, draws, shifts)
    # A stream apart from the model's (child 0 names the cities in benchmark.demo).
    number_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    table = country_table()
    return DemoMatrix(
        countries=table.codes,
        regions=table.regions,
        country=draws.context.country,
        region=table.region[draws.context.country],
        population=draws.context.population,
        capital=draws.context.capital,
        eu_member=draws.context.eu_member,
        question_ids=model.compiled.question_ids,
        codes=codes,
        numbers=_numbers(rulebook, model.compiled.question_ids, codes, number_rng),
    )


def calibration_offsets(rulebook: Rulebook, *, pool_size: int | None = None) -> dict[str, float]:
    """Latent offsets per question that make the headline indicators meet published shares.

    Solved once per rulebook content and pool size (then cached) by bisection on a fixed
    sample of about ``CALIBRATION_SIZE`` cities, against each indicator's latest reference
    figure. The sample is made of pools of ``pool_size`` cities (up to ``CALIBRATION_SIZE``):
    a country has one capital at most, so a small pool holds a larger share of capitals, which
    are larger and stronger, than a large one. Questions no indicator names get no offset.
    """
    chunk = max(1, min(pool_size or CALIBRATION_SIZE, CALIBRATION_SIZE))
    key = (_key(rulebook), chunk)
    if key not in _OFFSETS:
        _OFFSETS[key] = _solve_offsets(rulebook, chunk)
    return dict(_OFFSETS[key])


_OFFSETS: dict[tuple[str, int], dict[str, float]] = {}
_MODELS: dict[str, _Model] = {}


def _solve_offsets(rulebook: Rulebook, chunk: int) -> dict[str, float]:
    model = _model(rulebook)
    rng = np.random.default_rng(CALIBRATION_SEED)
    pools = [_draw(chunk, rng, model) for _ in range(-(-CALIBRATION_SIZE // chunk))]
    draws = _Draws(
        context=DemoContext(
            **{
                f.name: np.concatenate([getattr(p.context, f.name) for p in pools])
                for f in fields(DemoContext)
            }
        ),
        latent=np.concatenate([p.latent for p in pools]),
        start=pools[0].start,
        na=np.concatenate([p.na for p in pools]),
    )
    offsets = np.zeros(len(model.questions))
    drawn = _drawn_codes(model, draws, offsets)
    column = {q: i for i, q in enumerate(model.compiled.question_ids)}
    for _ in range(2):  # a second pass settles indicators that share questions
        for target, columns, holds in _targets(rulebook, model.compiled, column):
            offsets[columns] = _bisect(model, draws, drawn, offsets, columns, holds, target)
    ids = model.compiled.question_ids
    return {ids[i]: float(offsets[i]) for i in np.flatnonzero(offsets)}


def _targets(
    rulebook: Rulebook, compiled: CompiledRulebook, column: dict[str, int]
) -> list[tuple[float, list[int], Predicate]]:
    targets = []
    for indicator, holds in zip(rulebook.indicators, compiled.indicators, strict=True):
        if indicator.references:
            latest = max(indicator.references, key=lambda r: r.year)
            columns = sorted({column[a.question] for a in condition_atoms(indicator.when)})
            targets.append((latest.share, columns, holds))
    return targets


def _bisect(
    model: _Model,
    draws: _Draws,
    drawn: Codes,
    offsets: Floats,
    columns: list[int],
    holds: Predicate,
    target: float,
) -> float:
    """The offset of ``columns`` at which ``holds`` is true for ``target`` of the sample."""

    # Skip logic can change the indicator only if one of its questions is conditional.
    conditional = any(model.compiled.applies[c] is not None for c in columns)

    def share(offset: float) -> float:
        for col in columns:  # only these columns change: redraw them alone
            drawn[:, col] = _answer_column(model, draws, col, offset)
        codes = _coherent(model, drawn)
        codes = _apply_skip_logic(model.compiled, codes) if conditional else codes
        return float(holds(codes).mean())

    lo, hi = -6.0, 6.0
    rising = share(hi) >= share(lo)
    for _ in range(20):  # 12 / 2**20: far finer than one city in the sample
        mid = (lo + hi) / 2
        if (share(mid) < target) == rising:
            lo = mid
        else:
            hi = mid
    best = (lo + hi) / 2
    share(best)  # leave ``drawn`` as drawn with the chosen offset
    return best


def _key(rulebook: Rulebook) -> str:
    # The loader sets content_hash; a rulebook built by hand may lack it.
    return rulebook.content_hash or hashlib.sha256(rulebook.model_dump_json().encode()).hexdigest()


def _model(rulebook: Rulebook) -> _Model:
    key = _key(rulebook)
    if key not in _MODELS:
        _MODELS[key] = _build_model(rulebook)
    return _MODELS[key]


def _build_model(rulebook: Rulebook) -> _Model:
    compiled = CompiledRulebook.compile(rulebook)
    keys = _key_options(rulebook)
    questions = []
    for d, dimension in enumerate(rulebook.dimensions):
        in_eu = dimension.id == EU_DIMENSION
        for q in dimension.questions:
            m = len(q.options)
            questions.append(
                _Question(
                    dimension=d,
                    cuts=CUT_SPREAD * logit_quantile(np.arange(1, m) / m),
                    key=keys.get(q.id, m // 2),
                    unknown=UNKNOWN_SHARE if q.allow_unknown else 0.0,
                    na=None if not q.allow_na else "eu" if in_eu else "other",
                    shift=QUESTION_SHIFTS.get(q.id, 0.0),
                    bonus=EU_BONUS if in_eu else 0.0,
                    eu_link_only=q.id == BRUSSELS_QUESTION and _lowest(q) == BRUSSELS_NONE,
                    size_slope=BRUSSELS_SIZE_SLOPE if q.id == BRUSSELS_QUESTION else 0.0,
                )
            )
    return _Model(
        compiled=compiled,
        questions=tuple(questions),
        dimensions=len(rulebook.dimensions),
        na_columns=tuple(i for i, q in enumerate(questions) if q.na),
        department_rule=_department_rule(rulebook, compiled.question_ids),
    )


def _lowest(question: Any) -> str:
    return str(question.options[0].value)


def _department_rule(rulebook: Rulebook, ids: tuple[str, ...]) -> tuple[int, int, int, int] | None:
    """Where the rule "a department needs one full-time person" applies, if it can."""
    options = {
        q.id: [o.value for o in q.options] for d in rulebook.dimensions for q in d.questions
    }
    office, team = options.get(OFFICE_QUESTION, []), options.get(TEAM_SIZE_QUESTION, [])
    if DEPARTMENT not in office or not set(TEAM_BANDS_UNDER_ONE_FTE) <= set(team):
        return None  # renamed in the rulebook: the plausibility test will say so
    return (
        ids.index(OFFICE_QUESTION),
        office.index(DEPARTMENT),
        ids.index(TEAM_SIZE_QUESTION),
        max(team.index(band) for band in TEAM_BANDS_UNDER_ONE_FTE),
    )


def _key_options(rulebook: Rulebook) -> dict[str, int]:
    """For each question an indicator tests, the lowest option index the indicator needs."""
    option = {q.id: [o.value for o in q.options] for d in rulebook.dimensions for q in d.questions}
    keys: dict[str, int] = {}
    for indicator in rulebook.indicators:
        for atom in condition_atoms(indicator.when):
            values = option[atom.question]
            if isinstance(atom, IsAtLeast):
                keys[atom.question] = values.index(atom.at_least)
            elif isinstance(atom, IsOption):
                keys[atom.question] = values.index(atom.is_)
            elif isinstance(atom, IsIn):
                keys[atom.question] = min(values.index(v) for v in atom.in_)
    return keys


def _draw(n: int, rng: np.random.Generator, model: _Model) -> _Draws:
    context = draw_context(n, rng)
    size = (np.log10(context.population) - 5.6) / 0.5
    general = (
        0.45 * size
        + 0.5 * context.capital
        + 0.25 * context.eu_member
        + 0.8 * stratified_normal(rng, n)
    )
    dimension_noise = np.stack([stratified_normal(rng, n) for _ in range(model.dimensions)], 1)
    return _Draws(
        context=context,
        latent=general[:, None] + 0.6 * dimension_noise,
        start=rng.random(len(model.questions)),
        na=rng.random((n, len(model.na_columns))),
    )


def _codes(model: _Model, draws: _Draws, offsets: Floats) -> Codes:
    # Answers drawn question by question can break a consistency rule of the rulebook (a
    # department with half an FTE): the office becomes a unit, and what still conflicts
    # becomes "don't know".
    codes = _coherent(model, _drawn_codes(model, draws, offsets))
    return model.compiled.without_conflicts(_apply_skip_logic(model.compiled, codes))


def _coherent(model: _Model, drawn: Codes) -> Codes:
    """Answers that fit together: a city with under one full-time person on international
    work has no department for it; its office is the option below (a unit)."""
    if model.department_rule is None:
        return drawn
    office, department, team, under_one = model.department_rule
    # bands are ordered: codes 0..under_one are the bands under one FTE (negative: N/A etc.)
    in_band = (drawn[:, team] >= 0) & (drawn[:, team] <= under_one)
    fix = in_band & (drawn[:, office] >= department)
    if not fix.any():
        return drawn
    codes = drawn.copy()
    codes[fix, office] = department - 1
    return codes


def _drawn_codes(model: _Model, draws: _Draws, offsets: Floats) -> Codes:
    """Codes as drawn, before skip logic."""
    codes = np.empty((len(draws.context.population), len(model.questions)), dtype=np.int8)
    for col in range(len(model.questions)):
        codes[:, col] = _answer_column(model, draws, col, offsets[col])
    return codes


def _answer_column(model: _Model, draws: _Draws, col: int, offset: float) -> Codes:
    """One question's codes for every city: an ordered-logit draw around the latent.

    With ``u`` uniform, option ``k`` or higher is chosen when ``u < (1 - unknown) *
    sigmoid(x - cut[k])``; inverting the sigmoid once per city finds the option with one
    ``searchsorted`` instead of one sigmoid per option.
    """
    q = model.questions[col]
    x = draws.latent[:, q.dimension] + (q.shift + offset) + q.bonus * draws.context.eu_member
    if q.size_slope:
        x = x + q.size_slope * (np.log10(draws.context.population) - 5.6) / 0.5
    if q.eu_link_only:  # no Brussels presence without an EU link: the lowest option
        x = np.where(draws.context.eu_link, x, -np.inf)
    answered = 1.0 - q.unknown
    key_share = answered * (sigmoid(x - q.cuts[q.key - 1]) if q.key > 0 else 1.0)
    u = _systematic_uniform(np.broadcast_to(key_share, x.shape), draws.start[col]) / answered
    noise = logit_quantile(np.clip(u, 1e-12, 1.0 - 1e-12))
    codes = np.searchsorted(q.cuts, x - noise).astype(np.int8)
    codes[u >= 1.0] = UNKNOWN_CODE
    if q.na is not None:
        codes[draws.na[:, model.na_columns.index(col)] < _na_share(q.na, draws)] = NA_CODE
    return codes


def _numbers(
    rulebook: Rulebook, ids: tuple[str, ...], codes: Codes, rng: np.random.Generator
) -> dict[str, Floats]:
    """A round number (in quarters, above 0) inside the chosen band of each number question."""
    numbers = {}
    for d in rulebook.dimensions:
        for q in d.questions:
            if q.kind != "number":
                continue
            lower = np.array([o.min or 0.0 for o in q.options])
            upper = np.append(lower[1:], max(2.5 * lower[-1], lower[-1] + 1.0))
            chosen = codes[:, ids.index(q.id)]
            band = np.maximum(chosen, 0)
            start = np.maximum(np.ceil(lower[band] * 4) / 4, 0.25)
            steps = np.maximum(np.ceil(upper[band] * 4) - start * 4, 1)
            value = start + 0.25 * np.floor(rng.random(len(chosen)) * steps)
            numbers[q.id] = np.where(chosen >= 0, value, np.nan)
    return numbers


def _na_share(kind: str, draws: _Draws) -> Floats:
    if kind == "eu":  # EU questions: never N/A in the EU, seldom with an EU link or in Europe
        context = draws.context
        linked = np.where(context.eu_link, 0.2, np.where(context.in_europe, 0.4, 0.9))
        return np.where(context.eu_member, 0.0, linked)
    return np.full(len(draws.context.population), OTHER_NA_SHARE)


def _apply_skip_logic(compiled: CompiledRulebook, drawn: Codes) -> Codes:
    """Mark questions whose ``applies_if`` fails as skipped (chains settle in a few rounds)."""
    codes = drawn.copy()
    conditional = [(c, p) for c, p in enumerate(compiled.applies) if p is not None]
    for _ in range(len(conditional) + 1):
        before = codes.copy()
        for col, applies in conditional:
            codes[:, col] = np.where(applies(codes), drawn[:, col], SKIPPED_CODE)
        if np.array_equal(before, codes):
            break
    return codes


def _systematic_uniform(p: Floats, start: float) -> Floats:
    """Uniforms ``u`` such that ``sum(u < p)`` is within one of ``sum(p)``.

    Systematic sampling: ``u[i] = 1 - frac(start + p[0] + … + p[i-1])``. Each ``u[i]`` is
    uniform for a uniform ``start`` and independent of ``p[i]``.
    """
    before = np.cumsum(p) - p
    return 1.0 - np.mod(start + before, 1.0)
