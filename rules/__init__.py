"""The city-diplomacy rulebook and scoring engine.

Pure: plain data in, plain data out — no web, no database, no network.

>>> from rules import load_rulebook, score_answers
>>> book = load_rulebook()
"""

from rules.answers import Answers, ValidAnswers, validate_answers
from rules.batch import BatchScores, CompiledRulebook
from rules.cases import run_cases
from rules.change import ChangeSplit, PartChange, split_change
from rules.engine import level_for, score_answers, score_assessment, score_valid
from rules.errors import AnswerProblem, AnswersError, Problem, RulebookError, RulesError
from rules.loader import DEFAULT_RULEBOOK, load_rulebook
from rules.migration import MigratedAnswers, load_previous, migrate_answers
from rules.model import Citation, Dimension, Question, Rulebook, Source, text_in
from rules.rounding import shown_score, whole_score
from rules.scorecard import DimensionResult, NextStep, Scorecard, TraceLine

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
