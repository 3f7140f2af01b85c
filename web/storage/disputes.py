"""Disagreements: where two people of a team answer one question differently.

A dispute opens when someone changes an answer another person gave; it holds each person's
answer until the owner chooses one (or changes the answer themselves, which is a choice too).
Resolved disputes are kept: the results say how many answers were discussed this way. A
person changing their own answer, or the owner correcting a colleague, opens none: the owner
decides anyway. Pure functions over the JSON the assessment row keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["choose", "open_disputes", "updated_disputes"]

Dispute = dict[str, Any]


def open_disputes(disputes: Mapping[str, Dispute]) -> list[str]:
    """The question ids whose disagreement the owner has not settled yet."""
    return [qid for qid, d in disputes.items() if d.get("resolved_at") is None]


def updated_disputes(
    disputes: Mapping[str, Dispute],
    before: Mapping[str, Any],
    authors: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    by: int | None,
    at: str,
) -> dict[str, Dispute]:
    """The disputes once ``by`` (None: the owner) saved ``after`` over ``before``, whose
    answers ``authors`` attributes; a question no longer answered drops its dispute."""
    result = {qid: d for qid, d in disputes.items() if qid in after}
    for qid, value in after.items():
        old = before.get(qid)
        if old is None or old == value:
            continue
        entry = result.get(qid)
        if by is None:
            if entry is not None and entry.get("resolved_at") is None:
                result[qid] = {**entry, "chosen": value, "resolved_at": at}
            continue
        prior = (authors.get(qid) or {}).get("by")
        if entry is None and prior == by:
            continue  # they changed their own answer
        given = list(entry["answers"]) if entry else [{"by": prior, "value": old, "at": at}]
        given = [a for a in given if a["by"] != by] + [{"by": by, "value": value, "at": at}]
        if len({repr(a["value"]) for a in given}) > 1:
            result[qid] = {"answers": given, "chosen": None, "resolved_at": None}
        else:
            result.pop(qid, None)  # everyone now gives the same answer
    return result


def choose(dispute: Dispute, index: int, *, at: str) -> tuple[Dispute, Any, int | None]:
    """Settle ``dispute`` with its ``index``-th answer: the new dispute entry, the chosen
    value and who gave it. Raises IndexError for an index it does not have."""
    picked = dispute["answers"][index]
    return {**dispute, "chosen": picked["value"], "resolved_at": at}, picked["value"], picked["by"]
