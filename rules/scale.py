"""Checks of the scale: what *consistent answers* score, dimension by dimension.

Consistent answers at rung ``r`` answer every question with its option number ``r`` (counting
from 0), or with its last option when it has fewer; questions that do not apply are skipped as
skip logic says. A second set of variants answers N/A wherever a question allows it, as a city
outside the EU would. The scale means what it says when, in every dimension:

* raising every answer by one rung never jumps a level of the *score* (``check_level_gaps``:
  the points and thresholds leave no gap), and
* no gate keeps a level out of reach that the score would give (``check_reachable_levels``).

Together they make every level reachable, and rung ``r`` of a five-rung rulebook with five
levels lands exactly on level ``r + 1``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from rules.answers import Answers, validate_answers
from rules.checks import Finding, ParsedRulebook
from rules.engine import score_valid
from rules.errors import AnswersError
from rules.index import RulebookIndex
from rules.model import NA, Dimension, Rulebook, text_in
from rules.scorecard import DimensionResult, Scorecard

__all__ = ["RungResult", "consistent_answers", "run_scale_checks", "rung_results"]


def consistent_answers(rulebook: Rulebook, rung: int, *, na: bool = False) -> dict[str, str]:
    """The answers of rung ``rung`` (see the module doc); with ``na``, N/A wherever allowed."""
    index = RulebookIndex.of(rulebook)
    picks = {
        qid: NA if na and q.allow_na else q.options[min(rung, len(q.options) - 1)].value
        for qid, q in index.questions.items()
    }
    applying = set(index.order)
    for _ in range(len(index.order) + 1):  # skip logic is acyclic: it settles
        chosen = {qid: index.option_index[qid][picks[qid]] for qid in applying if picks[qid] != NA}
        now = {qid for qid in index.order if index.applies(qid, chosen)}
        if now == applying:
            break
        applying = now
    return {qid: picks[qid] for qid in index.order if qid in applying}


@dataclass(frozen=True)
class RungResult:
    """The scorecard of one rung of consistent answers, or why the answers were refused."""

    rung: int
    na: bool
    card: Scorecard | None
    refused: str | None = None


def rung_results(rulebook: Rulebook) -> list[RungResult]:
    """Every rung, answered, then (if some question allows N/A) with N/A wherever allowed."""
    rungs = max(len(q.options) for d in rulebook.dimensions for q in d.questions)
    variants = (
        [False, True]
        if any(q.allow_na for d in rulebook.dimensions for q in d.questions)
        else [False]
    )
    results = []
    for na in variants:
        for rung in range(rungs):
            answers = Answers(answers=dict(consistent_answers(rulebook, rung, na=na)))
            try:
                card = score_valid(validate_answers(rulebook, answers))
            except AnswersError as exc:
                results.append(RungResult(rung, na, None, "; ".join(map(str, exc.problems))))
                continue
            results.append(RungResult(rung, na, card))
    return results


def run_scale_checks(rulebook: Rulebook, parsed: ParsedRulebook) -> list[Finding]:
    """Every scale problem of ``rulebook`` (loaded from ``parsed``), located in its files."""
    results = rung_results(rulebook)
    return [
        *check_consistent_answers_allowed(results, parsed),
        *check_level_gaps(rulebook, results, parsed),
        *check_reachable_levels(rulebook, results, parsed),
    ]


def check_consistent_answers_allowed(
    results: list[RungResult], parsed: ParsedRulebook
) -> Iterator[Finding]:
    """Consistent answers are valid answers: no consistency rule refuses them."""
    if parsed.manifest_source is None:
        return
    for result in results:
        if result.refused is not None:
            yield Finding(
                parsed.manifest_source,
                ("consistency",),
                f"consistent answers at option {result.rung + 1}{_variant(result.na)} are "
                f"refused: {result.refused}",
                "make the consistency rule name answers that really cannot hold together",
            )


def check_level_gaps(
    rulebook: Rulebook, results: list[RungResult], parsed: ParsedRulebook
) -> Iterator[Finding]:
    """Raising every answer of a dimension by one rung never skips a level of the score."""
    thresholds = {level.level: level.min_score for level in rulebook.levels}
    for dim in parsed.dimensions:
        for na, series in _series(results, dim.model):
            for (rung, low), (_, high) in itertools.pairwise(series):
                if low.score_level is None or high.score_level is None:
                    continue
                skipped = list(range(low.score_level + 1, high.score_level))
                if not skipped:
                    continue
                names = ", ".join(f"{lv} (from {thresholds[lv]:g})" for lv in skipped)
                yield Finding(
                    dim.source,
                    ("questions",),
                    f"points leave a level gap in '{dim.model.id}'{_variant(na)}: raising every "
                    f"answer from option {rung + 1} to option {rung + 2} moves the score from "
                    f"{low.score:g} (level {low.score_level}) to {high.score:g} (level "
                    f"{high.score_level}), so level {names} is never reached",
                    "give the questions one option per level with evenly spaced points, or set "
                    "the thresholds between the scores of consecutive options",
                )


def check_reachable_levels(
    rulebook: Rulebook, results: list[RungResult], parsed: ParsedRulebook
) -> Iterator[Finding]:
    """Every level the score of consistent answers reaches survives the gates."""
    for dim in parsed.dimensions:
        gates = sorted(enumerate(dim.model.gates), key=lambda item: item[1].level)
        for na, series in _series(results, dim.model):
            reached = {r.level for _, r in series if r.level is not None}
            given = ", ".join(str(r.level) for _, r in series)
            for level in sorted({r.score_level for _, r in series if r.score_level} - reached):
                rung, capped = next((rg, r) for rg, r in series if r.score_level == level)
                gi, gate = next(
                    (i, g)
                    for i, g in gates
                    if capped.capped_by is not None and g.level == capped.capped_by.level
                )
                yield Finding(
                    dim.source,
                    ("gates", gi),
                    f"level {level} of '{dim.model.id}' cannot be reached by consistent "
                    f"answers{_variant(na)}: with every answer at option {rung + 1} the score "
                    f"reaches level {level}, but the gate for level {gate.level} fails "
                    f"({text_in(gate.reason)}); consistent answers give levels {given}",
                    f"let the gate for level {gate.level} require an option no higher than "
                    f"option {gate.level - 1} of its question",
                )


def _series(
    results: list[RungResult], dimension: Dimension
) -> Iterator[tuple[bool, list[tuple[int, DimensionResult]]]]:
    """Per variant, the dimension's results rung by rung; the N/A variant only where some
    question of the dimension allows N/A (otherwise it repeats the first)."""
    dimension_id = dimension.id
    variants = (False, True) if any(q.allow_na for q in dimension.questions) else (False,)
    for na in variants:
        series = [
            (r.rung, r.card.dimension(dimension_id))
            for r in results
            if r.na == na and r.card is not None
        ]
        series = [(rung, d) for rung, d in series if d.score is not None]
        if len(series) > 1:
            yield na, series


def _variant(na: bool) -> str:
    return " (with N/A wherever allowed)" if na else ""
