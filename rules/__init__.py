"""The city-diplomacy rulebook and scoring engine.

Pure: plain data in, plain data out — no web, no database, no network.

>>> from rules import load_rulebook, score_answers
>>> book = load_rulebook()
"""

from rules.answers import Answers, ValidAnswers, validate_answers
from rules.batch import BatchScores, CompiledRulebook
from rules.cases import run_cases
from rules.engine import level_for, score_answers, score_assessment, score_valid
from rules.errors import AnswerProblem, AnswersError, Problem, RulebookError, RulesError
from rules.loader import DEFAULT_RULEBOOK, load_rulebook
from rules.model import Dimension, Question, Rulebook, text_in
from rules.scorecard import DimensionResult, NextStep, Scorecard, TraceLine

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
