"""Survey files as spreadsheets save them: comma or semicolon CSV, with or without a BOM,
and ``.xlsx`` workbooks; all read into the one comma-separated form the survey parser takes.

Excel with French, German or Polish settings writes semicolons and decimal commas ("0,5");
a semicolon file's decimal commas in number-like cells become points. Rows whose first cell
starts with ``#`` are comments (the template's row of allowed values) and are read as blank
lines, so that line numbers in error messages still match the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from benchmark.wording import N_

__all__ = ["SpreadsheetError", "SurveyText", "is_xlsx", "survey_text"]

_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")
_XLSX_MAGIC = b"PK\x03\x04"
#: how a separator's file reads, in words (English, shown in the reader's language)
_READ_AS = {
    ",": N_("comma-separated CSV"),
    ";": N_("semicolon-separated CSV"),
    "\t": N_("tab-separated text"),
}
#: the sheet of the XLSX template that holds the cities
CITIES_SHEET = "Cities"


class SpreadsheetError(ValueError):
    """The file cannot be read as a survey spreadsheet; the message says why."""


@dataclass(frozen=True)
class SurveyText:
    """A survey file as comma-separated text, and what it was read as."""

    text: str
    #: "comma-separated CSV", "semicolon-separated CSV", "tab-separated text" or "Excel
    #: workbook", in the reader's language
    read_as: str


def is_xlsx(filename: str, data: bytes) -> bool:
    """True for an Excel workbook (a zip file, or named ``.xlsx``)."""
    return filename.lower().endswith(".xlsx") or data.startswith(_XLSX_MAGIC)


def survey_text(data: bytes, filename: str) -> SurveyText:
    """``data`` as comma-separated survey text; raises :class:`SpreadsheetError`."""
    if is_xlsx(filename, data):
        return SurveyText(_rows_to_csv(_xlsx_rows(data)), _("Excel workbook"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _("The file is not UTF-8 text (byte %(at)s); save it as UTF-8.", at=exc.start)
        ) from None
    delimiter = _delimiter(text)
    if delimiter == ",":  # already what the survey reader reads: no copy of a large file
        return SurveyText(text, _(_READ_AS[","]))
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if delimiter == ";":
        rows = [[_point(cell) for cell in row] for row in rows]
    return SurveyText(_rows_to_csv(rows), _(_READ_AS[delimiter]))


def _delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of comma, semicolon and tab."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _point(cell: str) -> str:
    return cell.replace(",", ".") if _DECIMAL_COMMA.fullmatch(cell.strip()) else cell


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only workbook uploads need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SpreadsheetError(
            _("The file is not an Excel workbook that can be read: %(error)s", error=exc)
        ) from None
    try:
        sheet = book[CITIES_SHEET] if CITIES_SHEET in book.sheetnames else book.worksheets[0]
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([] if row and row[0].lstrip().startswith("#") else row)
    return out.getvalue()
