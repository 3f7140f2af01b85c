"""The city-diplomacy rulebook and scoring engine.

Pure: plain data in, plain data out — no web, no database, no network.

>>> from rules import load_rulebook, score_answers
>>> book = load_rulebook()

The names below are imported from their modules on first use, so that a command that only
checks a rulebook does not pay for the scoring engine, and batch scoring's numpy is loaded
only by those who score in bulk.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules.answers import Answers, ValidAnswers, validate_answers
    from rules.batch import BatchScores, CompiledRulebook
    from rules.cases import run_cases
    from rules.change import ChangeSplit, PartChange, split_change
    from rules.engine import level_for, score_answers, score_assessment, score_valid
    from rules.errors import AnswerProblem, AnswersError, Problem, RulebookError, RulesError
    from rules.loader import DEFAULT_RULEBOOK, load_previous, load_rulebook
    from rules.migration import MigratedAnswers, migrate_answers
    from rules.model import Citation, Dimension, Question, Rulebook, Source, text_in
    from rules.rounding import shown_score, whole_score
    from rules.scorecard import DimensionResult, NextStep, Scorecard, TraceLine

#: public name → the module that defines it
_HOMES = {
    "Answers": "answers",
    "ValidAnswers": "answers",
    "validate_answers": "answers",
    "BatchScores": "batch",
    "CompiledRulebook": "batch",
    "run_cases": "cases",
    "ChangeSplit": "change",
    "PartChange": "change",
    "split_change": "change",
    "level_for": "engine",
    "score_answers": "engine",
    "score_assessment": "engine",
    "score_valid": "engine",
    "AnswerProblem": "errors",
    "AnswersError": "errors",
    "Problem": "errors",
    "RulebookError": "errors",
    "RulesError": "errors",
    "DEFAULT_RULEBOOK": "loader",
    "load_rulebook": "loader",
    "load_previous": "loader",
    "MigratedAnswers": "migration",
    "migrate_answers": "migration",
    "Dimension": "model",
    "Question": "model",
    "Rulebook": "model",
    "text_in": "model",
    "Citation": "model",
    "Source": "model",
    "shown_score": "rounding",
    "whole_score": "rounding",
    "DimensionResult": "scorecard",
    "NextStep": "scorecard",
    "Scorecard": "scorecard",
    "TraceLine": "scorecard",
}

__all__ = [
    "DEFAULT_RULEBOOK",
    "AnswerProblem",
    "Answers",
    "AnswersError",
    "BatchScores",
    "ChangeSplit",
    "Citation",
    "CompiledRulebook",
    "Dimension",
    "DimensionResult",
    "MigratedAnswers",
    "NextStep",
    "PartChange",
    "Problem",
    "Question",
    "Rulebook",
    "RulebookError",
    "RulesError",
    "Scorecard",
    "Source",
    "TraceLine",
    "ValidAnswers",
    "level_for",
    "load_previous",
    "load_rulebook",
    "migrate_answers",
    "run_cases",
    "score_answers",
    "score_assessment",
    "score_valid",
    "shown_score",
    "split_change",
    "text_in",
    "validate_answers",
    "whole_score",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'rules' has no attribute {name!r}")
    value = getattr(import_module(f"rules.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
