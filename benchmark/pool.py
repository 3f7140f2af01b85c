"""The peer-pool file: one :class:`~benchmark.record.PoolRecord` per line, as JSON (JSON Lines).

Loading is all-or-nothing: every line is checked (JSON, fields, unique ids and, when a
rulebook is given, that the stored scores are what the rulebook gives for the stored
answers) and any bad line stops the load with a :class:`~benchmark.errors.PoolFileError`
that lists every bad line as ``file:line: reason``. The format is described in
``docs/pool-format.md``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from benchmark.errors import LineProblem, PoolFileError
from benchmark.record import PoolRecord, ScoreSummary
from rules import Answers, AnswersError, Rulebook, score_assessment
from rules.locale import phrase, plural_phrase

__all__ = [
    "append_to_pool",
    "latest_per_city",
    "load_pool",
    "parse_pool",
    "save_pool",
    "verify_record",
]


def save_pool(records: Iterable[PoolRecord], path: str | os.PathLike[str]) -> int:
    """Write ``records`` to ``path``, one JSON object per line; return how many were written.

    The file is replaced atomically: a reader sees the old pool or the new one, never half.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for record in records:
                out.write(record.model_dump_json())
                out.write("\n")
                count += 1
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def load_pool(
    path: str | os.PathLike[str], *, rulebook: Rulebook | None = None
) -> list[PoolRecord]:
    """Read and check every line of the pool file ``path``.

    With ``rulebook``, each record's answers are also re-scored and must give its stored
    scores. Raises :class:`~benchmark.errors.PoolFileError` listing every bad line; then
    nothing is loaded. A missing file raises ``FileNotFoundError``.
    """
    target = Path(path)
    return parse_pool(target.read_bytes().split(b"\n"), str(target), rulebook=rulebook)


def parse_pool(
    lines: Iterable[bytes | str], file: str, *, rulebook: Rulebook | None = None
) -> list[PoolRecord]:
    """Check pool lines (as read from ``file``) and return their records; see :func:`load_pool`.

    Blank lines are skipped.
    """
    records: list[PoolRecord] = []
    problems: list[LineProblem] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = PoolRecord.model_validate_json(raw)
        except ValidationError as exc:
            reasons = dict.fromkeys(_reason(e) for e in exc.errors())  # once each, in order
            problems.extend(LineProblem(file, number, reason) for reason in reasons)
            continue
        if record.id in first_line:
            message = phrase(
                "duplicate id %(id)s (first on line %(line)s)",
                id=repr(record.id),
                line=first_line[record.id],
            )
            problems.append(LineProblem(file, number, message))
            continue
        first_line[record.id] = number
        if rulebook is not None and (mismatch := verify_record(record, rulebook)) is not None:
            problems.append(LineProblem(file, number, mismatch))
            continue
        records.append(record)
    if problems:
        raise PoolFileError(problems)
    return records


def verify_record(record: PoolRecord, rulebook: Rulebook) -> str | None:
    """Why ``record`` does not score as stored under ``rulebook``, or None when it does.

    The rulebook hash is not compared: a record scored by an earlier edition of the rulebook
    is fine as long as this one gives it the same scores.
    """
    name = {"rulebook": rulebook.id, "version": rulebook.version}
    try:
        card = score_assessment(rulebook, Answers(answers=record.answers))
    except AnswersError as exc:
        return phrase(
            "answers do not fit rulebook %(rulebook)s %(version)s: %(problems)s",
            problems="; ".join(str(p) for p in exc.problems),
            **name,
        )
    stored = record.scores.model_dump(exclude={"rulebook_hash"})
    rescored = ScoreSummary.of(card).model_dump(exclude={"rulebook_hash"})
    differences = _differences(stored, rescored)
    if not differences:
        return None
    shown = "; ".join(
        phrase(
            "%(path)s %(stored)s stored, %(rescored)s by the rulebook",
            path=path,
            stored=repr(a),
            rescored=repr(b),
        )
        for path, a, b in differences[:3]
    )
    if len(differences) > 3:
        more = len(differences) - 3
        shown += " " + plural_phrase("(and %(num)s more)", "(and %(num)s more)", more)
    return phrase(
        "stored scores differ from those of rulebook %(rulebook)s %(version)s: %(differences)s",
        differences=shown,
        **name,
    )


def append_to_pool(
    records: Iterable[PoolRecord],
    path: str | os.PathLike[str],
    *,
    rulebook: Rulebook | None = None,
) -> int:
    """Add ``records`` to the pool file ``path`` (created if missing); return the new size.

    The existing pool is loaded (and checked) first; raises ``ValueError`` if an id would
    appear twice, before anything is written.
    """
    target = Path(path)
    pool = load_pool(target, rulebook=rulebook) if target.exists() else []
    new = list(records)
    taken = {r.id for r in pool}
    clashes = sorted({r.id for r in new} & taken) or _repeated(r.id for r in new)
    if clashes:
        raise ValueError(f"ids already in the pool or repeated: {', '.join(clashes)}")
    return save_pool([*pool, *new], target)


def latest_per_city(records: Iterable[PoolRecord]) -> list[PoolRecord]:
    """One record per city (:attr:`PoolRecord.city_key`): its latest assessment.

    The latest is the one assessed last; on the same day, the one with the greater id. The
    records kept stay in the order given.
    """
    given = list(records)
    best: dict[str, int] = {}
    for i, record in enumerate(given):
        j = best.setdefault(record.city_key, i)
        if _later(record, given[j]):
            best[record.city_key] = i
    keep = set(best.values())
    return [r for i, r in enumerate(given) if i in keep]


def _later(a: PoolRecord, b: PoolRecord) -> bool:
    return (a.assessed_on, a.id) > (b.assessed_on, b.id)


def _repeated(ids: Iterable[str]) -> list[str]:
    return sorted(i for i, count in Counter(ids).items() if count > 1)


_ANSWER_TYPES = ("str", "int", "float")


def _reason(error: Any) -> str:
    """A pydantic error as 'field.path: message', or 'invalid JSON: ...'."""
    if error["type"] == "json_invalid":
        # Each record is one line, so the parser's "line 1" says nothing: keep the column.
        detail = error.get("ctx", {}).get("error", "not JSON")
        return phrase(
            "invalid JSON: %(error)s", error=re.sub(r"at line \d+ column", "at column", detail)
        )
    loc, message = list(error["loc"]), str(error["msg"])
    if loc and loc[-1] in _ANSWER_TYPES:  # one error per member of str | int | float: merge
        loc, message = loc[:-1], phrase("Input should be an option value (text) or a number")
    path = ".".join(str(part) for part in loc)
    return f"{path}: {message}" if path else message


def _differences(stored: Any, rescored: Any, path: str = "scores") -> list[tuple[str, Any, Any]]:
    if isinstance(stored, dict) and isinstance(rescored, dict):
        found = []
        for key in sorted(stored.keys() | rescored.keys()):
            found += _differences(stored.get(key), rescored.get(key), f"{path}.{key}")
        return found
    return [] if stored == rescored else [(path, stored, rescored)]
