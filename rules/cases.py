"""Worked cases: example answers with the levels they must score, run by ``citydip rules test``.

A case file in ``cases/<name>.yaml``::

    description: A city with a strategy but no office
    reasoning: Why an expert gives these levels (one sentence)   # optional
    answers: {strategy.document: adopted, ...}     # as in an answers file
    expect:
      levels: {strategy: 3, eu: null}              # null: dimension not assessed (all N/A)
      overall_level: 2                             # optional
      floor: 1                                     # optional
      capped: {institutions: 3}                    # optional: dimension → capping gate level
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules.answers import Answers
from rules.engine import score_assessment
from rules.errors import AnswersError
from rules.model import Rulebook
from rules.scorecard import Scorecard

__all__ = ["Case", "CaseResult", "Expectation", "load_cases", "run_case", "run_cases"]


class Expectation(BaseModel):
    """What a case must score; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    levels: dict[str, int | None] = Field(default_factory=dict)
    overall_level: int | None = None
    floor: int | None = None
    capped: dict[str, int | None] = Field(default_factory=dict)


class Case(BaseModel):
    """A worked example: answers and the expected result."""

    model_config = ConfigDict(extra="forbid")

    description: str
    #: why an expert gives these levels; written before the points and thresholds were set
    reasoning: str | None = None
    rulebook: str | None = None
    answers: dict[str, str | int | float]
    notes: dict[str, str] = Field(default_factory=dict)
    expect: Expectation


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: ``failures`` is empty when it passed."""

    name: str
    description: str
    failures: list[str]

    @property
    def passed(self) -> bool:
        """True when the scorecard matched every expectation."""
        return not self.failures


def load_cases(folder: Path) -> dict[str, Case | str]:
    """Case name → parsed case, or the reason it could not be read."""
    cases: dict[str, Case | str] = {}
    for file in sorted(folder.glob("*.yaml")):
        try:
            cases[file.stem] = Case.model_validate(yaml.safe_load(file.read_text("utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            cases[file.stem] = f"{file.name} is not a valid case file: {exc}"
    return cases


def run_case(rulebook: Rulebook, name: str, case: Case) -> CaseResult:
    """Score ``case`` and compare with its expectations."""
    answers = Answers(rulebook=case.rulebook, answers=case.answers, notes=case.notes)
    try:
        card = score_assessment(rulebook, answers)
    except AnswersError as exc:
        return CaseResult(name, case.description, [f"answers rejected: {exc}"])
    return CaseResult(name, case.description, _compare(card, case.expect))


def run_cases(rulebook: Rulebook, folder: Path) -> list[CaseResult]:
    """Run every case in ``folder``."""
    results = []
    for name, case in load_cases(folder).items():
        if isinstance(case, str):
            results.append(CaseResult(name, "", [case]))
        else:
            results.append(run_case(rulebook, name, case))
    return results


def _compare(card: Scorecard, expect: Expectation) -> list[str]:
    failures = []
    known = {d.id: d for d in card.dimensions}
    for dim_id, level in expect.levels.items():
        if dim_id not in known:
            failures.append(f"no dimension '{dim_id}' in the rulebook")
        elif known[dim_id].level != level:
            got = known[dim_id]
            failures.append(
                f"{dim_id}: expected level {level}, got {got.level} (score {_fmt(got.score)})"
            )
    for dim_id, gate in expect.capped.items():
        got_gate = known[dim_id].capped_by if dim_id in known else None
        got_level = got_gate.level if got_gate else None
        if got_level != gate:
            failures.append(f"{dim_id}: expected capping gate {gate}, got {got_level}")
    if "overall_level" in expect.model_fields_set and card.overall_level != expect.overall_level:
        failures.append(
            f"overall: expected level {expect.overall_level}, got {card.overall_level}"
        )
    if "floor" in expect.model_fields_set and card.floor != expect.floor:
        failures.append(f"floor: expected {expect.floor}, got {card.floor}")
    return failures


def _fmt(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}"
