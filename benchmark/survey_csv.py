"""Survey CSV files: import rows of survey responses as pool records; export a pool as CSV.

A survey file has a header row and one row per city: one column per question id (an option
value, a number for number questions, ``na``, ``unknown``, or empty where the question was not
answered or does not apply) and the profile columns below. Import is all-or-nothing: every
row is checked and scored, and any problem raises
:class:`~benchmark.errors.SurveyImportError` listing every bad cell as
``line N, column C: reason``. The format is described in ``docs/pool-format.md``.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np
from pydantic import ValidationError

from benchmark.bulk_work import paused_cycle_collector
from benchmark.countries import country as lookup_country
from benchmark.countries import country_code
from benchmark.errors import CellProblem, SurveyImportError
from benchmark.names import clean_name
from benchmark.profile import TEAM_QUESTION, CityProfile, team_answer
from benchmark.record import PoolRecord, ScoreSummary, batch_summaries
from benchmark.spreadsheet_safe import unquote_cell
from benchmark.wording import decimal_text
from rules import Answers, AnswersError, CompiledRulebook, Question, Rulebook, validate_answers
from rules.locale import phrase, plural_phrase
from rules.migration import migrate_answers

__all__ = [
    "IGNORED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "export_rows",
    "import_survey",
]

#: Columns every survey file must have, besides one per question.
REQUIRED_COLUMNS = ("name", "country", "population", "capital", "consent_named")
#: Columns a survey file may have; region and eu_member are derived from country when empty.
OPTIONAL_COLUMNS = ("id", "assessed_on", "region", "eu_member", "team_size", "geonameid")
#: Columns written by :func:`export_rows` that an import reads past.
IGNORED_COLUMNS = ("source", "rulebook_version")
IGNORED_PREFIX = "scores."
PROFILE_ORDER = ("name", "country", "region", "population", "capital", "eu_member", "team_size")


class _Bad(Exception):
    """A cell's value is wrong; the message says why."""


def import_survey(
    text: str,
    rulebook: Rulebook,
    *,
    assessed_on: date,
    taken_ids: Collection[str] = (),
    id_prefix: str = "import",
    previous: Rulebook | None = None,
) -> list[PoolRecord]:
    """Check, score and turn every row of the survey CSV ``text`` into a pool record.

    Parameters
    ----------
    assessed_on:
        The date of rows without an ``assessed_on`` cell.
    taken_ids:
        Ids already in the pool: a row may not reuse one; new ids continue after them.
    previous:
        The previous rulebook version (``rules.migration.load_previous``). A file made with its
        template (every question column of ``previous``, not all of ``rulebook``) is checked
        against ``previous``, and its answers are carried over by the rulebook's migration.

    Raises :class:`~benchmark.errors.SurveyImportError` listing every problem found.
    """
    with paused_cycle_collector():
        return _import(text, rulebook, assessed_on, taken_ids, id_prefix, previous)


def _import(
    text: str,
    rulebook: Rulebook,
    assessed_on: date,
    taken_ids: Collection[str],
    id_prefix: str,
    previous: Rulebook | None,
) -> list[PoolRecord]:
    rows = _read(text)
    first = next(rows, None)
    if first is None:
        empty = phrase("the file is empty: it needs a header row")
        raise SurveyImportError([CellProblem(1, None, empty)])
    header = [cell.strip() for cell in first[1]]
    current, rulebook = rulebook, _template_of(header, rulebook, previous)
    questions = {q.id: q for d in rulebook.dimensions for q in d.questions}
    problems = _check_header(header, questions, rulebook)
    answers_to = {qid: _Answers(question) for qid, question in questions.items()}
    compiled = CompiledRulebook.compile(rulebook)
    first_line: dict[str, int] = {}
    read: list[_Row] = []
    for chunk in _batched(rows, CHUNK_ROWS):
        kept = [(line, cells) for line, cells in chunk if _has_content(cells)]
        read += _read_chunk(kept, header, answers_to, compiled, assessed_on, taken_ids, first_line)
    columns = set(header)
    for row in read:
        found = [*row.problems, *row.answer_problems, *row.id_problems]
        problems += [p for p in found if p.column is None or p.column in columns]
    if problems:
        raise SurveyImportError(problems)
    parsed = [row.fields for row in read if row.fields is not None]
    del read  # the rows' fields live on in ``parsed`` until each becomes a record
    if rulebook is not current:  # an old template: carry the answers over, score them anew
        compiled = CompiledRulebook.compile(current)
        for fields in parsed:
            fields["answers"] = dict(migrate_answers(fields["answers"], current).answers.answers)
        _encode_all(compiled, parsed)
    ids = _new_ids([f.get("id") for f in parsed], [*taken_ids, *first_line], id_prefix)
    summaries = _summaries(compiled, [fields["codes"] for fields in parsed])
    parsed.reverse()  # popped from the end, in file order: a row's fields go once used
    return [
        _record(parsed.pop(), new_id, summary, current)
        for new_id, summary in zip(ids, summaries, strict=True)
    ]


#: rows read and checked together, column by column
CHUNK_ROWS = 4096


@dataclass
class _Row:
    """One row of a survey file, read; ``fields`` is None when its cells cannot be read."""

    line: int
    fields: dict[str, Any] | None
    problems: list[CellProblem]
    id_problems: list[CellProblem] = field(default_factory=list)
    answer_problems: list[CellProblem] = field(default_factory=list)


def _batched(
    rows: Iterator[tuple[int, list[str]]], n: int
) -> Iterator[list[tuple[int, list[str]]]]:
    """Lists of ``n`` rows (itertools.batched, which needs Python 3.12)."""
    while chunk := list(islice(rows, n)):
        yield chunk


def _has_content(cells: list[str]) -> bool:
    """False for blank lines (often at the end of a file) and comment rows (the template's)."""
    return bool("".join(cells).strip()) and not cells[0].lstrip().startswith("#")


def _read_chunk(
    kept: list[tuple[int, list[str]]],
    header: list[str],
    answers_to: dict[str, _Answers],
    compiled: CompiledRulebook,
    assessed_on: date,
    taken_ids: Collection[str],
    first_line: dict[str, int],
) -> list[_Row]:
    """Read and check a chunk of rows, one column at a time where that is faster: a column
    of answers repeats a few values, each worked out once (:class:`_Answers`)."""
    whole = [cells for _, cells in kept if len(cells) == len(header)]
    by_column = dict(zip(header, zip(*whole, strict=True), strict=True)) if whole else {}
    answer_columns = {
        q: memo.column(by_column[q]) for q, memo in answers_to.items() if q in by_column
    }
    profile_columns = {name: _cells(by_column[name]) for name in _PARSERS if name in by_column}
    answer_sets = _answer_sets(answer_columns, len(whole))
    rows: list[_Row] = []
    position = 0
    for line, cells in kept:
        if len(cells) != len(header):
            message = plural_phrase(
                "has %(num)s cell but the header has %(header)s",
                "has %(num)s cells but the header has %(header)s",
                len(cells),
                header=len(header),
            )
            rows.append(_Row(line, None, [CellProblem(line, None, message)]))
            continue
        profile = {name: column[position] for name, column in profile_columns.items()}
        fields, problems = _parse_row(profile, answer_sets[position], line, assessed_on)
        position += 1
        id_problems = _check_id(fields.get("id"), line, taken_ids, first_line)
        rows.append(_Row(line, fields, problems, id_problems))
    _check_answers(compiled, [row for row in rows if row.fields is not None], answer_columns)
    return rows


def _answer_sets(columns: dict[str, list[str | float | None]], n: int) -> list[dict[str, Any]]:
    """The rows' answers from the columns': each row's answered questions."""
    if not columns:
        return [{} for _ in range(n)]
    qids = list(columns)
    return [
        {q: v for q, v in zip(qids, values, strict=True) if v is not None}
        for values in zip(*columns.values(), strict=True)
    ]


def _check_answers(
    compiled: CompiledRulebook, rows: list[_Row], columns: dict[str, list[str | float | None]]
) -> None:
    """Check the rows' answers (``columns``, in the rows' order) at once and keep them
    encoded (``fields["codes"]``, to be scored together); a row's problems go to
    ``answer_problems``.

    ``encode_columns`` accepts the valid rows column by column; only the others are
    validated one by one, for the reasons (the same ones a one-by-one check gives)."""
    codes, ok = compiled.encode_columns(columns, len(rows))
    for row, row_codes, accepted in zip(rows, codes, ok.tolist(), strict=True):
        assert row.fields is not None
        if accepted:
            row.fields["codes"] = row_codes
            continue
        try:
            valid = validate_answers(compiled.rulebook, Answers(answers=row.fields["answers"]))
        except AnswersError as exc:
            row.answer_problems = [
                CellProblem(row.line, p.question, p.message) for p in exc.problems
            ]
        else:  # not expected: the fast check accepts every valid row
            row.fields["codes"] = compiled.encode(valid)


def _encode_all(compiled: CompiledRulebook, parsed: list[dict[str, Any]]) -> None:
    """Encode answers known to be valid (raises ``AnswersError`` if one is not)."""
    codes, ok = compiled.encode_answers([fields["answers"] for fields in parsed])
    for fields, row_codes, accepted in zip(parsed, codes, ok.tolist(), strict=True):
        if not accepted:
            row_codes = compiled.encode(
                validate_answers(compiled.rulebook, Answers(answers=fields["answers"]))
            )
        fields["codes"] = row_codes


def _summaries(compiled: CompiledRulebook, rows: list[Any]) -> list[ScoreSummary]:
    """Every row scored at once (``rules.batch``: the engine's results, far faster)."""
    if not rows:
        return []
    return batch_summaries(compiled.rulebook, compiled.score(np.stack(rows)))


def _template_of(header: list[str], rulebook: Rulebook, previous: Rulebook | None) -> Rulebook:
    """``previous`` when the header is that version's template, else ``rulebook``."""
    if previous is None or rulebook.migration is None:
        return rulebook
    has = set(header).issuperset
    old = [q.id for d in previous.dimensions for q in d.questions]
    new = [q.id for d in rulebook.dimensions for q in d.questions]
    return previous if has(old) and not has(new) else rulebook


def export_rows(
    records: Sequence[PoolRecord], question_ids: Sequence[str] | None = None
) -> tuple[list[str], list[list[str]]]:
    """A header and one row per record, in the survey format plus ``scores.*`` columns.

    ``question_ids`` orders the question columns (default: as first met in the records).
    An exported file imports again, as long as its ids are not in the target pool.
    """
    qids = list(question_ids or _first_seen(r.answers for r in records))
    dims = _first_seen(r.scores.dimensions for r in records)
    indicators = _first_seen(r.scores.indicators for r in records)
    header = ["id", "source", "assessed_on", "rulebook_version", *PROFILE_ORDER, "geonameid"]
    header += ["consent_named", *qids, "scores.overall_score", "scores.overall_level"]
    header += ["scores.floor", *[f"scores.{d}.{k}" for d in dims for k in ("score", "level")]]
    header += [f"scores.indicator.{i}" for i in indicators]
    rows = []
    for r in records:
        dim = r.scores.dimensions
        cells: list[Any] = [r.id, r.source, r.assessed_on.isoformat(), r.rulebook_version]
        cells += [getattr(r.profile, f) for f in (*PROFILE_ORDER, "geonameid")]
        cells += [r.consent_named, *[r.answers.get(q) for q in qids]]
        cells += [r.scores.overall_score, r.scores.overall_level, r.scores.floor]
        cells += [getattr(dim.get(d), k, None) for d in dims for k in ("score", "level")]
        cells += [r.scores.indicators.get(i) for i in indicators]
        rows.append([_cell_text(c) for c in cells])
    return header, rows


def _read(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on (a quoted cell may span lines), one at a time."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    last = 0
    try:
        for cells in reader:
            yield last + 1, cells
            last = reader.line_num
    except csv.Error as exc:
        reason = phrase("not valid CSV: %(error)s", error=exc)
        raise SurveyImportError([CellProblem(last + 1, None, reason)]) from None


def _check_header(
    header: list[str], questions: dict[str, Question], rulebook: Rulebook
) -> list[CellProblem]:
    problems = []
    known = [*questions, *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(CellProblem(1, f"#{position}", phrase("this column has no name")))
        elif header.index(name) != position - 1:
            problems.append(CellProblem(1, name, phrase("this column appears twice")))
        elif not (name in known or name in IGNORED_COLUMNS or name.startswith(IGNORED_PREFIX)):
            problems.append(CellProblem(1, name, _unknown_column(name, known, rulebook)))
    for name in [*REQUIRED_COLUMNS, *questions]:
        if name not in header:
            if name in REQUIRED_COLUMNS:
                missing = phrase("missing column: a profile column; add it to the header")
            else:
                missing = phrase(
                    "missing column: a question of the rulebook; add it to the header"
                )
            problems.append(CellProblem(1, name, missing))
    return problems


def _unknown_column(name: str, known: list[str], rulebook: Rulebook) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return phrase(
            "unknown column: neither a profile column nor a question of %(rulebook)s; "
            "did you mean %(column)s?",
            rulebook=rulebook.id,
            column=close[0],
        )
    return phrase(
        "unknown column: neither a profile column nor a question of %(rulebook)s",
        rulebook=rulebook.id,
    )


def _parse_row(
    row: dict[str, str], answers: dict[str, Any], line: int, default_date: date
) -> tuple[dict[str, Any], list[CellProblem]]:
    """Parse one row's profile cells into record fields; collect a problem for every bad
    cell. Its ``answers`` are checked later, with the other rows' (:func:`_check_answers`)."""
    fields: dict[str, Any] = {"assessed_on": default_date}
    problems: list[CellProblem] = []
    for column, parse in _PARSERS.items():
        text = row.get(column, "")
        if not text:
            if column in REQUIRED_COLUMNS:
                problems.append(CellProblem(line, column, phrase("a value is required")))
            continue
        try:
            fields[column] = parse(text)
        except _Bad as exc:
            problems.append(CellProblem(line, column, str(exc)))
    problems += _derive_from_country(fields, line)
    problems += _team_from_answer(fields, answers, line)
    profile_fields = {k: fields[k] for k in (*PROFILE_ORDER, "geonameid") if k in fields}
    if not problems:
        try:
            fields["profile"] = CityProfile(**profile_fields)
        except ValidationError as exc:
            problems += [CellProblem(line, str(e["loc"][0]), e["msg"]) for e in exc.errors()]
    fields["answers"] = answers
    return fields, problems


def _team_from_answer(
    fields: dict[str, Any], answers: dict[str, Any], line: int
) -> list[CellProblem]:
    """The team size is asked once: where :data:`TEAM_QUESTION` is answered with a number,
    the profile takes it, and a filled ``team_size`` column must say the same."""
    asked = team_answer(answers)
    if asked is None:
        return []  # answered with a band, "unknown" or not at all: the column may say more
    given = fields.get("team_size")
    if given is not None and given != asked:
        reason = phrase(
            "differs from %(question)s (%(answer)s): leave team_size empty or give the same",
            question=TEAM_QUESTION,
            answer=decimal_text(f"{asked:g}"),
        )
        return [CellProblem(line, "team_size", reason)]
    fields["team_size"] = asked
    return []


def _derive_from_country(fields: dict[str, Any], line: int) -> list[CellProblem]:
    """Region and EU membership follow from the country: an empty cell takes the country's,
    a filled one must say the same (as the API asks), else the row would join the wrong
    peer group and aggregate."""
    info = lookup_country(fields["country"]) if "country" in fields else None
    if info is None:
        return []  # an unknown country is reported on its own
    problems = []
    region = fields.get("region")
    known = info.sub_region  # empty for Antarctica: then a given region stands
    if known and region is not None and region.casefold() != known.casefold():
        reason = phrase(
            "%(country)s is in %(known)s, not %(given)s; "
            "leave region empty and it is filled from the country",
            country=info.code,
            known=repr(info.sub_region),
            given=repr(region),
        )
        problems.append(CellProblem(line, "region", reason))
    member = fields.get("eu_member")
    if member is not None and member != info.eu_member:
        if info.eu_member:
            reason = phrase(
                "%(country)s is an EU member; leave eu_member empty and it is filled "
                "from the country",
                country=info.code,
            )
        else:
            reason = phrase(
                "%(country)s is not an EU member; leave eu_member empty and it is filled "
                "from the country",
                country=info.code,
            )
        problems.append(CellProblem(line, "eu_member", reason))
    fields["region"] = known or region or ""
    fields["eu_member"] = info.eu_member
    return problems


def _cells(cells: Sequence[str]) -> list[str]:
    """The cells' values: without surrounding spaces, and without the quote an export put
    before formula-like text (:mod:`benchmark.spreadsheet_safe`)."""
    stripped = [cell.strip() for cell in cells]
    return [unquote_cell(cell) if cell[:1] == "'" else cell for cell in stripped]


class _Answers:
    """One question's answers by cell as written, each worked out once: a column of a large
    file repeats a few values on every row. None for an empty cell (not answered)."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.known: dict[str, str | float | None] = {}

    def column(self, cells: Sequence[str]) -> list[str | float | None]:
        """The answers of a column of cells."""
        try:
            return list(map(self.known.__getitem__, cells))
        except KeyError:  # values not seen before (every value, in the first chunk)
            for cell in set(cells).difference(self.known):
                text = _cells([cell])[0]
                self.known[cell] = _answer(self.question, text) if text else None
            return list(map(self.known.__getitem__, cells))


def _answer(question: Question, text: str) -> str | float:
    if question.kind == "number":
        try:
            return float(text)
        except ValueError:
            pass  # an option value, "na" or "unknown"
    return text.lower()


def _check_id(
    given: str | None, line: int, taken: Collection[str], first_line: dict[str, int]
) -> list[CellProblem]:
    if given is None:
        return []
    if len(given) > 64:
        return [CellProblem(line, "id", phrase("an id may have at most 64 characters"))]
    if given in taken:
        return [
            CellProblem(line, "id", phrase("id %(id)s is already in the pool", id=repr(given)))
        ]
    if given in first_line:
        also = phrase("id %(id)s is also on line %(line)s", id=repr(given), line=first_line[given])
        return [CellProblem(line, "id", also)]
    first_line[given] = line
    return []


def _new_ids(given: list[str | None], taken: list[str], prefix: str) -> list[str]:
    """Given ids as they are; the others numbered on after the highest ``prefix-N`` taken."""
    numbers = [int(m[1]) for t in taken if (m := re.fullmatch(rf"{re.escape(prefix)}-(\d+)", t))]
    next_number = max(numbers, default=0) + 1
    ids = []
    for value in given:
        if value is None:
            value = f"{prefix}-{next_number:04d}"
            next_number += 1
        ids.append(value)
    return ids


def _record(
    fields: dict[str, Any], record_id: str, summary: ScoreSummary, rulebook: Rulebook
) -> PoolRecord:
    # Every part is checked already (the profile by CityProfile, the answers against the
    # rulebook, the id by _check_id, the scores by the batch scorer): built without a second
    # validation, which would copy each row's answers.
    return PoolRecord.model_construct(
        id=record_id,
        profile=fields["profile"],
        answers=fields["answers"],
        scores=summary,
        source="import",
        assessed_on=fields["assessed_on"],
        rulebook_version=rulebook.version,
        consent_named=fields["consent_named"],
    )


def _text(text: str) -> str:
    return text


def _name(text: str) -> str:
    name = clean_name(text)
    if not name:
        raise _Bad(phrase("the name has no visible characters"))
    return name


@lru_cache(maxsize=4096)  # a large file names a few countries many times
def _country(text: str) -> str:
    code = country_code(text)
    info = lookup_country(code) if code else None
    if info is None:
        raise _Bad(
            phrase(
                "unknown country %(given)s: use an ISO 3166 alpha-2 code such as DE "
                "(UK and EL are understood too) or the English name",
                given=repr(text),
            )
        )
    return info.code


def _whole(text: str) -> int:
    cleaned = re.sub(r"[\s,_']", "", text)  # thousands separators: 1,234,567 or 1 234 567
    if not (cleaned.isascii() and cleaned.isdigit()):  # "²".isdigit(), but int("²") fails
        raise _Bad(phrase("%(given)s is not a whole number", given=repr(text)))
    return int(cleaned)


def _decimal(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if value != value:
        raise _Bad(phrase("%(given)s is not a number", given=repr(text)))
    return value


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _yes_no(text: str) -> bool:
    value = text.lower()
    if value not in _YES | _NO:
        raise _Bad(phrase("%(given)s is not yes or no", given=repr(text)))
    return value in _YES


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad(
            phrase("%(given)s is not a date: write it as YYYY-MM-DD", given=repr(text))
        ) from None


_PARSERS: dict[str, Callable[[str], Any]] = {
    "id": _text,
    "assessed_on": _iso_date,
    "name": _name,
    "country": _country,
    "region": _text,
    "population": _whole,
    "capital": _yes_no,
    "eu_member": _yes_no,
    "team_size": _decimal,
    "geonameid": _whole,
    "consent_named": _yes_no,
}


def _first_seen(mappings: Iterable[Iterable[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return list(seen)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
