"""Errors raised by the benchmark package.

Exception tree::

    BenchmarkError
    ├── GazetteerError     a city is not in the gazetteer, or lacks data a profile needs
    ├── PoolFileError      a pool file has bad lines (carries every LineProblem found)
    └── SurveyImportError  a survey CSV has bad cells (carries every CellProblem found)
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.locale import phrase, plural_phrase

__all__ = [
    "BenchmarkError",
    "CellProblem",
    "GazetteerError",
    "LineProblem",
    "PoolFileError",
    "SurveyImportError",
]


class BenchmarkError(Exception):
    """Base class of the errors of the benchmark package."""


class GazetteerError(BenchmarkError):
    """A city could not be found in the gazetteer or turned into a profile."""


@dataclass(frozen=True, order=True)
class LineProblem:
    """One bad line of a pool file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PoolFileError(BenchmarkError):
    """A pool file could not be loaded; ``problems`` lists every bad line, in file order."""

    def __init__(self, problems: list[LineProblem]) -> None:
        self.problems = sorted(problems)
        count = len({p.line for p in self.problems})
        lines = "\n".join(f"  {p}" for p in self.problems)
        summary = plural_phrase(
            "the pool file has %(num)s bad line; nothing was loaded:",
            "the pool file has %(num)s bad lines; nothing was loaded:",
            count,
        )
        super().__init__(f"{summary}\n{lines}")


@dataclass(frozen=True, order=True)
class CellProblem:
    """One bad cell (or row, when ``column`` is None) of a survey CSV file."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return phrase(
                "line %(line)s, column %(column)s: %(reason)s",
                line=self.line,
                column=self.column,
                reason=self.message,
            )
        return phrase("line %(line)s: %(reason)s", line=self.line, reason=self.message)


class SurveyImportError(BenchmarkError):
    """A survey file could not be imported; ``problems`` lists every bad cell found."""

    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column or "", p.message))
        count = len({p.line for p in self.problems})
        lines = "\n".join(f"  {p}" for p in self.problems)
        summary = plural_phrase(
            "the survey file has problems on %(num)s line; nothing was imported:",
            "the survey file has problems on %(num)s lines; nothing was imported:",
            count,
        )
        super().__init__(f"{summary}\n{lines}")
