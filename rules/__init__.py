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
    from rules.engine import level_for, score_answers, score_assessment, score_valid
    from rules.errors import AnswerProblem, AnswersError, Problem, RulebookError, RulesError
    from rules.loader import DEFAULT_RULEBOOK, load_rulebook
    from rules.model import Dimension, Question, Rulebook, text_in
    from rules.scorecard import DimensionResult, NextStep, Scorecard, TraceLine

#: public name → the module that defines it
_HOMES = {
    "Answers": "answers",
    "ValidAnswers": "answers",
    "validate_answers": "answers",
    "BatchScores": "batch",
    "CompiledRulebook": "batch",
    "run_cases": "cases",
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
    "Dimension": "model",
    "Question": "model",
    "Rulebook": "model",
    "text_in": "model",
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
    "CompiledRulebook",
    "Dimension",
    "DimensionResult",
    "NextStep",
    "Problem",
    "Question",
    "Rulebook",
    "RulebookError",
    "RulesError",
    "Scorecard",
    "TraceLine",
    "ValidAnswers",
    "level_for",
    "load_rulebook",
    "run_cases",
    "score_answers",
    "score_assessment",
    "score_valid",
    "text_in",
    "validate_answers",
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
