"""Errors raised by the rules package.

Exception tree::

    RulesError
    ├── RulebookError   the rulebook files are broken (carries every Problem found)
    └── AnswersError    answers do not fit the rulebook (carries every AnswerProblem found)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rules.locale import plural_phrase

__all__ = [
    "AnswerProblem",
    "AnswerProblemKind",
    "AnswersError",
    "Problem",
    "RulebookError",
    "RulesError",
]

#: What is wrong with an answer, for code to act on: the message is for people, and is in
#: their language.
AnswerProblemKind = Literal[
    "rulebook",  # the answers are for another rulebook
    "unknown_question",  # an answer to a question the rulebook does not have
    "unknown_note",  # a note on a question the rulebook does not have
    "required",  # a question that applies has no answer
    "not_applicable",  # an answer to a question that does not apply
    "na_not_allowed",  # "na" where the question does not allow it
    "unknown_not_allowed",  # "unknown" where the question does not allow it
    "invalid",  # not an option (or number) of the question
    "conflict",  # answers that cannot all hold (a consistency rule)
]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a rulebook file, located and with a way to fix it."""

    file: str
    line: int | None
    path: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}. Fix: {self.fix}"


@dataclass(frozen=True)
class AnswerProblem:
    """One thing wrong in a set of answers; ``question`` is the id at fault, if any;
    ``kind`` says what is wrong (compare it, never the message)."""

    question: str | None
    message: str
    kind: AnswerProblemKind = field(default="invalid", compare=False)

    def __str__(self) -> str:
        return f"{self.question}: {self.message}" if self.question else self.message


class RulesError(Exception):
    """Base class of the errors of the rules package."""


class RulebookError(RulesError):
    """The rulebook could not be loaded; ``problems`` lists everything found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"the rulebook has {count} problem{'s' * (count != 1)}:\n{lines}")


class AnswersError(RulesError):
    """Answers do not fit the rulebook; ``problems`` lists every mismatch found."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        summary = plural_phrase(
            "the answers have %(num)s problem:", "the answers have %(num)s problems:", count
        )
        super().__init__(f"{summary}\n{lines}")
