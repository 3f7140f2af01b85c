"""Targets on the results page: a level per dimension and a date, defaults offered.

Until the city sets its own, the form offers one level up in its weakest dimensions
(:func:`benchmark.plan.default_targets`) and a date a year away. A target is a level above
the current one (keeping a level is no target); the date is a day from today on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from benchmark.plan import default_targets, target_reached
from rules import Rulebook, Scorecard, text_in
from web import storage
from web.assessment.evidence import read_checked
from web.assessment.forms import FieldError, field_id

__all__ = [
    "TargetChoice",
    "TargetOutcome",
    "Targets",
    "read_targets",
    "target_choices",
    "targets_of",
    "targets_reached",
]


@dataclass(frozen=True)
class Targets:
    """Target level per dimension id and the target date; ``offered``: defaults, not set."""

    levels: dict[str, int]
    date: str | None
    offered: bool


def targets_of(found: storage.StoredAssessment, card: Scorecard, book: Rulebook) -> Targets:
    """The targets the city set, or the defaults offered."""
    stored = found.targets or {}
    if stored.get("levels") is not None:
        return Targets(dict(stored["levels"]), stored.get("date"), offered=False)
    a_year = (date.today() + timedelta(days=365)).isoformat()
    return Targets(default_targets(card, book.levels), a_year, offered=True)


@dataclass(frozen=True)
class TargetChoice:
    """One dimension's row of the targets form."""

    dimension_id: str
    title: str
    level: int
    level_name: str
    #: (level, "3 – Established") above the current level
    options: list[tuple[int, str]]
    chosen: int | None

    @property
    def field(self) -> str:
        """The form field's name."""
        return f"target-{self.dimension_id}"


def target_choices(
    card: Scorecard, book: Rulebook, chosen: Mapping[str, int]
) -> list[TargetChoice]:
    """A row per assessed dimension below the top level."""
    names = {level.level: text_in(level.name) for level in book.levels}
    rows = []
    for result in card.dimensions:
        if result.level is None:
            continue
        above = [(n, f"{n} – {names[n]}") for n in sorted(names) if n > result.level]
        if above:
            rows.append(
                TargetChoice(
                    result.id,
                    result.title,
                    result.level,
                    result.level_name or "",
                    above,
                    chosen.get(result.id),
                )
            )
    return rows


def read_targets(
    form: MultiDict[str, str], choices: list[TargetChoice], *, today: date
) -> tuple[dict[str, int], str | None, list[FieldError]]:
    """The targets form: per dimension nothing or a level above the current one, and a date
    from today on (needed when any target is set)."""
    levels, errors = {}, []
    for choice in choices:
        raw = form.get(choice.field, "")
        if not raw:
            continue
        allowed = {str(n): n for n, _label in choice.options}
        if raw not in allowed:
            message = _("Choose a level above the current one: %(d)s", d=choice.title)
            errors.append(FieldError(choice.field, field_id(choice.field), message))
            continue
        levels[choice.dimension_id] = allowed[raw]
    text = form.get("target-date", "").strip()
    checked = read_checked(text, today=date.max) if text else None
    day = None if checked is None else checked.value
    if checked is not None and checked.error:
        errors.append(FieldError("target-date", "f-target-date", checked.error))
    elif day is not None and day < today.isoformat():
        message = _("The target date must be today or later")
        errors.append(FieldError("target-date", "f-target-date", message))
    elif levels and day is None:
        message = _("Enter the date by which you aim to reach the targets")
        errors.append(FieldError("target-date", "f-target-date", message))
    return levels, day, errors


@dataclass(frozen=True)
class TargetOutcome:
    """A target of the previous assessment, against this one's level."""

    title: str
    target: int
    level: int | None
    reached: bool


def targets_reached(
    previous: storage.StoredAssessment | None, card: Scorecard
) -> tuple[list[TargetOutcome], str | None]:
    """The previous assessment's targets and whether this scorecard reaches each, with the
    date they were set for; nothing when it set none."""
    levels = ((previous.targets or {}).get("levels") or {}) if previous else {}
    outcomes = []
    for result in card.dimensions:
        if result.id in levels:
            target = int(levels[result.id])
            reached = target_reached(card, result.id, target)
            outcomes.append(TargetOutcome(result.title, target, result.level, reached))
    when = (previous.targets or {}).get("date") if previous and outcomes else None
    return outcomes, when
