"""Spreadsheet-safe cells: no exported text is ever run as a formula (CSV injection).

A spreadsheet opening a CSV file treats a cell that starts with ``=``, ``+``, ``-`` or ``@``
(or with a tab or carriage return before one) as a formula, so a city named
``=HYPERLINK(...)`` would become a live link in the secretariat's copy. Following OWASP's
advice (https://owasp.org/www-community/attacks/CSV_Injection), every CSV the toolkit writes
goes through :func:`safe_cell`, which puts a single quote before such text: ``-Town`` is
written ``'-Town``. Numbers are data, not text: an ``int`` or ``float``, and text that is a
plain decimal number such as ``-3.5``, are written as they are (a spreadsheet reads them as
the number, never as a formula). :func:`unquote_cell` takes the quote off again on import, so
an exported file imports as it was.

Workbooks have typed cells: :func:`xlsx_row` keeps the text as it is and stores it as text,
with Excel's quote prefix, where openpyxl would otherwise store it as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = [
    "FORMULA_TRIGGERS",
    "SafeCsvWriter",
    "is_formula_like",
    "safe_cell",
    "unquote_cell",
    "xlsx_row",
]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number: what a spreadsheet reads as a number even with a leading minus.
# Strict on purpose: "-1+2", "-1e3" or "-inf" are not plain numbers and get the quote.
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (a plain number is not)."""
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: object) -> object:
    """``value`` as a CSV cell that no spreadsheet runs: formula-like text gets a leading
    single quote; numbers and every other value stay as they are."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def unquote_cell(text: str) -> str:
    """Take off the quote :func:`safe_cell` put before formula-like text (an import reads an
    export as it was written); any other text is returned unchanged."""
    rest = text[1:]
    return rest if text.startswith("'") and is_formula_like(rest) else text


class SafeCsvWriter:
    """A :func:`csv.writer` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, out: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, its formula-like text neutralised."""
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write every row of ``rows``, as :meth:`writerow` does."""
        for row in rows:
            self.writerow(row)


def xlsx_row(sheet: Any, values: Iterable[object]) -> list[object]:
    """``values`` ready for ``sheet.append`` (openpyxl): formula-like text becomes a cell of
    type string with Excel's quote prefix, so the workbook keeps the text and never a
    formula; other values are left to openpyxl."""
    from openpyxl.cell import WriteOnlyCell  # only workbook downloads need openpyxl

    row: list[object] = []
    for value in values:
        if isinstance(value, str) and is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl typed text starting with "=" as a formula
            cell.quotePrefix = True  # Excel shows it as text and keeps it text when edited
            value = cell
        row.append(value)
    return row
