"""Importing a file into the instance's peer pool: a survey CSV or a pool file (JSON Lines).

Every row is checked (by :mod:`benchmark.survey_csv` or :mod:`benchmark.pool`) before anything
is stored; if any row is bad, every problem is reported with its line, column and reason and
nothing is imported. The records then go into the database in one transaction, and the peer
finder refits on its next use (it watches the pool's signature, see :mod:`web.peers`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from flask_babel import gettext as _

from benchmark.bulk_work import paused_cycle_collector
from benchmark.errors import PoolFileError, SurveyImportError
from benchmark.pool import parse_pool
from benchmark.record import PoolRecord
from benchmark.survey_csv import import_survey
from rules import Rulebook
from web import state, storage
from web.network import spreadsheet
from web.storage import batches

__all__ = ["ImportOutcome", "ImportProblem", "check_file", "import_file"]

Kind = Literal["survey", "pool"]
_POOL_SUFFIXES = (".jsonl", ".ndjson", ".json")
#: ids the app gives submitted assessments; imported ones are renamed so as not to clash
_LOCAL_ID = re.compile(r"submitted-\d+")
_RENAMED = "import-"


@dataclass(frozen=True)
class ImportProblem:
    """One bad row or cell; ``line`` is None for a problem with the whole file."""

    line: int | None
    column: str | None
    message: str
    #: the city named on that line, when the file names one
    city: str | None = None

    def __str__(self) -> str:
        reason = _cut(self.message)
        if self.line is None:
            return reason
        where = _("Line %(line)s", line=self.line)
        if self.city:
            where = _("Line %(line)s (%(city)s)", line=self.line, city=_cut(self.city, 40))
        if self.column is None:
            return _("%(where)s: %(reason)s", where=where, reason=reason)
        return _(
            "%(where)s, column %(column)s: %(reason)s",
            where=where,
            column=self.column,
            reason=reason,
        )


def _cut(text: str, limit: int = 300) -> str:
    """Long cell text (a pasted paragraph) would stretch the page: cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ImportOutcome:
    """What an import found and did."""

    kind: Kind
    records: list[PoolRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False
    #: records stored (0 on a dry run or when there are problems)
    added: int = 0
    #: new, updated and unchanged cities (what was done, or on a dry run would be)
    counts: batches.BatchCounts | None = None
    #: how a survey file was read ("semicolon-separated CSV", "Excel workbook", ...)
    read_as: str | None = None

    @property
    def bad_lines(self) -> list[int]:
        """The lines with problems, in order, each once."""
        return sorted({p.line for p in self.problems if p.line is not None})


def file_kind(filename: str, data: bytes) -> Kind:
    """A pool file by its suffix or a first ``{``; otherwise a survey (CSV or XLSX)."""
    name = filename.lower()
    if name.endswith(_POOL_SUFFIXES):
        return "pool"
    if name.endswith(".csv") or spreadsheet.is_xlsx(filename, data):
        return "survey"
    return "pool" if data.lstrip().startswith(b"{") else "survey"


def check_file(
    data: bytes, filename: str, book: Rulebook, *, taken_ids: Collection[str], today: date
) -> ImportOutcome:
    """Check and score every row of ``data``; nothing is stored."""
    kind = file_kind(filename, data)
    if not data.strip():
        return ImportOutcome(kind, problems=[ImportProblem(None, None, _("The file is empty."))])
    if kind == "survey":
        try:
            survey = spreadsheet.survey_text(data, filename)
        except spreadsheet.SpreadsheetError as exc:
            return ImportOutcome(kind, problems=[ImportProblem(None, None, str(exc))])
        checked = _check_survey(survey.text, book, taken_ids, today)
        return dataclasses.replace(checked, read_as=survey.read_as)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = _("The file is not UTF-8 text (byte %(at)s); save it as UTF-8.", at=exc.start)
        return ImportOutcome(kind, problems=[ImportProblem(None, None, reason)])
    return _check_pool(text, filename, book, taken_ids)


def _check_survey(
    text: str, book: Rulebook, taken_ids: Collection[str], today: date
) -> ImportOutcome:
    # A row's own id is checked as given, so its renamed form counts as taken under that name.
    taken = {*taken_ids, *(t.removeprefix(_RENAMED) for t in taken_ids if _is_renamed(t))}
    try:
        records = import_survey(
            text, book, assessed_on=today, taken_ids=taken, previous=state.previous_rulebook()
        )
    except SurveyImportError as exc:
        names = _names_by_line(text)
        problems = [
            ImportProblem(p.line, p.column, p.message, names.get(p.line or 0))
            for p in exc.problems
        ]
        return ImportOutcome("survey", problems=problems)
    return ImportOutcome("survey", records=[_local_id(r) for r in records])


def _names_by_line(text: str) -> dict[int, str]:
    """Line number → the city named in that row (what a secretariat looks for first)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "name" not in rows[0]:
        return {}
    column = rows[0].index("name")
    return {n: row[column] for n, row in enumerate(rows[1:], 2) if len(row) > column}


def _check_pool(
    text: str, filename: str, book: Rulebook, taken_ids: Collection[str]
) -> ImportOutcome:
    lines = text.split("\n")
    try:
        parsed = parse_pool(lines, filename, rulebook=book)
    except PoolFileError as exc:
        problems = [ImportProblem(p.line, None, p.message) for p in exc.problems]
        return ImportOutcome("pool", problems=problems)
    numbers = [number for number, raw in enumerate(lines, start=1) if raw.strip()]
    records = [_local_id(r) for r in parsed]
    # An id already in the pool is the same city again (an update, or unchanged) when its key
    # matches; another city under that id is refused.
    keys = batches.keys_of(ids=[r.id for r in records if r.id in taken_ids])
    problems = [
        ImportProblem(number, "id", _("id %(id)s is already in the pool", id=repr(r.id)))
        for number, r in zip(numbers, records, strict=True)
        if r.id in keys and keys[r.id] != r.city_key
    ]
    return ImportOutcome("pool", records=[] if problems else records, problems=problems)


def _local_id(record: PoolRecord) -> PoolRecord:
    """Rename another instance's ``submitted-N``: this instance gives those ids itself."""
    if not _LOCAL_ID.fullmatch(record.id):
        return record
    return record.model_copy(update={"id": _RENAMED + record.id})


def _is_renamed(record_id: str) -> bool:
    return record_id.startswith(_RENAMED) and bool(
        _LOCAL_ID.fullmatch(record_id.removeprefix(_RENAMED))
    )


def import_file(data: bytes, filename: str, *, dry_run: bool) -> ImportOutcome:
    """Check ``data`` against the app's rulebook and pool; store it as one batch unless a dry
    run (which still counts new, updated and unchanged cities). Runs in an app context.
    Nothing is stored when any row is bad."""
    with paused_cycle_collector():
        return _import_file(data, filename, dry_run=dry_run)


def _import_file(data: bytes, filename: str, *, dry_run: bool) -> ImportOutcome:
    checked = check_file(
        data,
        filename,
        state.rulebook(),
        taken_ids=storage.pool_ids(),
        today=datetime.now(UTC).date(),
    )
    if checked.problems:
        return dataclasses.replace(checked, dry_run=dry_run)
    counts = batches.import_batch(
        records=checked.records, filename=filename, kind=checked.kind, dry_run=dry_run
    )
    added = 0 if dry_run else counts.new + counts.updated
    return dataclasses.replace(checked, dry_run=dry_run, added=added, counts=counts)
