"""Spreadsheet-safe cells (issue 12, deliverable 4): formula-like text is neutralised, numbers
stay numbers, and an import takes the quote off again."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from benchmark.spreadsheet_safe import SafeCsvWriter, safe_cell, unquote_cell, xlsx_row


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-Town", "'-Town"),  # a name may start with a minus: it is quoted all the same
        ("-1e3", "'-1e3"),  # not a plain number
        ("+3", "'+3"),
        ("\n=1", "\n=1"),  # a line feed does not start a formula
        ("Nordhaven", "Nordhaven"),
        ("Saint-Étienne", "Saint-Étienne"),
        ("", ""),
        ("-3", "-3"),  # text that is a plain number is a number to a spreadsheet
        ("-2.5", "-2.5"),
        (-3, -3),  # numbers are never neutralised
        (-2.5, -2.5),
        (None, None),
        (True, True),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


@pytest.mark.parametrize("text", ["=1", "-Town", "\t=1", "@x", "'", "'abc", "''=1", "-3", "x"])
def test_unquote_undoes_safe_cell(text: str) -> None:
    neutralised = safe_cell(text)
    assert isinstance(neutralised, str)
    assert unquote_cell(neutralised) == text


def test_unquote_leaves_other_quoted_text_alone() -> None:
    assert unquote_cell("'abc") == "'abc"
    assert unquote_cell("'-3") == "'-3"


def test_the_csv_writer_neutralises_text_and_writes_numbers_as_numbers() -> None:
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["name", "delta"], ["=1+1", -4], ["-Town", -0.5]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "delta"],
        ["'=1+1", "-4"],
        ["'-Town", "-0.5"],
    ]


@pytest.mark.parametrize("write_only", [True, False])
def test_workbook_cells_keep_formula_like_text_as_text(write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Sheet") if write_only else book.active
    sheet.append(xlsx_row(sheet, ["=1+1", "-Town", -4, "plain", None, 2.5]))
    out = io.BytesIO()
    book.save(out)
    [row] = load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows()
    assert [c.value for c in row] == ["=1+1", "-Town", -4, "plain", None, 2.5]
    assert [c.data_type for c in row] == ["s", "s", "n", "s", "n", "n"]
    assert row[0].quotePrefix and row[1].quotePrefix and not row[3].quotePrefix
