"""Answers survive a new rulebook version: the migration as data, and applying it.

A rulebook may ship ``migration.yaml``, which says for every question of this version where
its answer comes from in the previous version (kept in ``previous/<version>/``)::

    from_version: 1.0.0
    previous: previous/1.0.0
    questions:
      - {to: strategy.document, from: strategy.document,
         options: {adopted: adopted_dated, adopted_and_reviewed: adopted_current}}
      - {to: crisis.mutual_aid, default: unknown, note: new in 2.0.0}
    removed:
      - {question: staff.workload, reason: a perception, not a practice}

:func:`migrate_answers` turns answers given under the previous version into answers valid
under this one; ``rules check`` verifies the migration against both versions
(:func:`check_migration`), so that every old answer has a place to go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rules.answers import Answers
from rules.checks import Finding
from rules.errors import RulebookError
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN, CarryOver, Migration, Question, Rulebook
from rules.yamlsource import YamlSource

__all__ = ["MigratedAnswers", "check_migration", "migrate_answers"]

AnswerValue = str | int | float


@dataclass(frozen=True)
class MigratedAnswers:
    """Answers carried over to a new rulebook version, and what happened to each question.

    ``changes`` maps a question id of the new version to a sentence for the city ("carried
    over from strategy.document; 'adopted' became 'adopted_dated'", "new question: recorded as
    don't know"); questions carried over unchanged are absent. ``removed`` lists the old
    questions that had an answer and have no successor.
    """

    answers: Answers
    changes: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


def migrate_answers(
    previous: Answers | Mapping[str, AnswerValue],
    rulebook: Rulebook,
    migration: Migration | None = None,
) -> MigratedAnswers:
    """Carry ``previous`` answers (given under the previous version) over to ``rulebook``.

    ``migration`` defaults to the rulebook's own. Pure: the result only depends on the inputs.
    Old answers are renamed and their options mapped; a question with nothing to carry (new,
    or not answered before although it applies now) or whose carried answer does not fit gets
    its ``default`` (usually "unknown": it scores 0 and is flagged until the city answers);
    answers to questions that no longer apply are dropped; answers that a consistency rule
    refuses become "don't know". The result validates against ``rulebook``.
    """
    migration = migration if migration is not None else rulebook.migration
    if migration is None:
        raise ValueError(f"rulebook {rulebook.id} {rulebook.version} carries no migration")
    old = previous if isinstance(previous, Answers) else Answers(answers=dict(previous))
    index = RulebookIndex.of(rulebook)
    changes: dict[str, str] = {}
    candidates: dict[str, AnswerValue] = {}
    notes: dict[str, str] = {}
    entries = {entry.to: entry for entry in migration.questions}
    for qid in index.order:
        entry = entries.get(qid)
        if entry is None or entry.from_ is None:
            continue
        if entry.from_ in old.notes:
            notes[qid] = old.notes[entry.from_]
        if entry.from_ not in old.answers:
            continue
        value, change = _carry(entry, old.answers[entry.from_], index.questions[qid])
        candidates[qid] = value
        if change:
            changes[qid] = change
    answers = _settle(index, entries, candidates, changes)
    carried = {e.from_ for e in migration.questions if e.from_ is not None}
    removed = [r.question for r in migration.removed if r.question in old.answers]
    removed += sorted(q for q in old.answers if q not in carried and q not in removed)
    return MigratedAnswers(
        Answers(rulebook=rulebook.id, answers=answers, notes=notes), changes, removed
    )


def _carry(entry: CarryOver, raw: AnswerValue, question: Question) -> tuple[AnswerValue, str]:
    """The carried answer and, if it changed, why."""
    origin = "" if entry.from_ == entry.to else f"carried over from {entry.from_}; "
    value: AnswerValue = raw
    if isinstance(raw, str) and raw in entry.options:
        value = entry.options[raw]
    if _fits(question, value):
        change = f"'{raw}' became '{value}'" if value != raw else ""
        return value, (origin + change).rstrip("; ") if (origin or change) else ""
    return (
        entry.default,
        f"{origin}'{raw}' does not fit the new question; recorded as {entry.default}",
    )


def _fits(question: Question, value: AnswerValue) -> bool:
    if value == NA:
        return question.allow_na
    if value == UNKNOWN:
        return question.allow_unknown
    if isinstance(value, str):
        return any(o.value == value for o in question.options)
    return question.kind == "number" and value >= 0


def _settle(
    index: RulebookIndex,
    entries: Mapping[str, CarryOver],
    candidates: dict[str, AnswerValue],
    changes: dict[str, str],
) -> dict[str, AnswerValue]:
    """Apply skip logic and consistency rules until the answers stop changing."""
    answers = dict(candidates)
    for _ in range(2 * len(index.order) + 2):
        chosen = _chosen(index, answers)
        applying = [q for q in index.order if index.applies(q, chosen)]
        settled: dict[str, AnswerValue] = {}
        for qid in applying:
            if qid in answers:
                settled[qid] = answers[qid]
            else:
                entry = entries.get(qid)
                settled[qid] = entry.default if entry is not None else UNKNOWN
                changes[qid] = (
                    "new question"
                    if entry is None or entry.from_ is None
                    else "not answered before"
                ) + f": recorded as {settled[qid]}"
        for qid in set(answers) - set(settled):
            changes.pop(qid, None)
        chosen = _chosen(index, settled)
        for rule, conflicts in index.conflicts:
            if conflicts(chosen):
                first = rule.conflict[0].question
                settled[first] = UNKNOWN
                changes[first] = f"conflicts with other answers ({rule.id}): recorded as unknown"
                break
        if settled == answers:
            return {q: answers[q] for q in index.order if q in answers}
        answers = settled
    raise RuntimeError("migrated answers did not settle")  # pragma: no cover - acyclic rules


def _chosen(index: RulebookIndex, answers: Mapping[str, AnswerValue]) -> dict[str, int]:
    chosen: dict[str, int] = {}
    for qid, value in answers.items():
        question = index.questions[qid]
        if isinstance(value, str):
            option = index.option_index[qid].get(value)
        else:
            option = None
            for i, o in enumerate(question.options):
                if o.min is not None and value >= o.min:
                    option = i
        if option is not None:
            chosen[qid] = option
    return chosen


def check_migration(
    rulebook: Rulebook,
    migration: Migration,
    source: YamlSource,
    previous: Rulebook | RulebookError,
) -> list[Finding]:
    """Every problem of ``migration``: it must carry every old question somewhere and give every
    new question an answer, with options that exist on both sides.

    ``previous`` is the previous version as the loader read it, or why it did not load (the
    loader reads it: this module does not import the loader back).
    """
    if isinstance(previous, RulebookError):
        exc = previous
        return [
            Finding(
                source,
                ("previous",),
                f"the previous rulebook in {migration.previous} does not load: {exc.problems[0]}",
                "point previous to the folder of the previous version and keep it loadable",
            )
        ]
    old = previous
    findings: list[Finding] = []
    if old.version != migration.from_version:
        findings.append(
            Finding(
                source,
                ("from_version",),
                f"from_version is {migration.from_version}, but {migration.previous} holds "
                f"version {old.version}",
                f"set from_version: {old.version}",
            )
        )
    new_q = RulebookIndex.of(rulebook).questions
    old_q = RulebookIndex.of(old).questions
    seen: set[str] = set()
    for i, entry in enumerate(migration.questions):
        findings += _check_entry(i, entry, new_q, old_q, source, seen)
        seen.add(entry.to)
    for qid in new_q:
        if qid not in seen:
            findings.append(
                Finding(
                    source,
                    ("questions",),
                    f"question '{qid}' has no entry in the migration",
                    f"add '- {{to: {qid}, from: OLD_ID}}', or '- {{to: {qid}, default: "
                    "unknown}' for a new question",
                )
            )
    carried = {e.from_ for e in migration.questions if e.from_ is not None}
    for ri, removal in enumerate(migration.removed):
        if removal.question not in old_q:
            findings.append(
                Finding(
                    source,
                    ("removed", ri, "question"),
                    f"'{removal.question}' is not a question of version {old.version}",
                    "list only questions of the previous version",
                )
            )
    removed = {r.question for r in migration.removed}
    for qid in old_q:
        if qid not in carried and qid not in removed:
            findings.append(
                Finding(
                    source,
                    ("removed",),
                    f"question '{qid}' of version {old.version} is neither carried over nor "
                    "listed as removed",
                    f"carry it with 'from: {qid}' or add it under removed with a reason",
                )
            )
    return findings


def _check_entry(
    i: int,
    entry: CarryOver,
    new_q: Mapping[str, Question],
    old_q: Mapping[str, Question],
    source: YamlSource,
    seen: set[str],
) -> list[Finding]:
    path = ("questions", i)
    if entry.to not in new_q:
        return [
            Finding(
                source,
                (*path, "to"),
                f"'{entry.to}' is not a question of this rulebook",
                "use the id of a question of this version",
            )
        ]
    findings: list[Finding] = []
    if entry.to in seen:
        findings.append(
            Finding(source, (*path, "to"), f"'{entry.to}' has two entries", "keep one entry")
        )
    target = new_q[entry.to]
    if not _fits(target, entry.default):
        findings.append(
            Finding(
                source,
                (*path, "default"),
                f"default '{entry.default}' is not a valid answer to '{entry.to}'",
                "use unknown (where allowed), na (where allowed) or one of its options",
            )
        )
    if entry.from_ is None:
        return findings
    if entry.from_ not in old_q:
        return [
            *findings,
            Finding(
                source,
                (*path, "from"),
                f"'{entry.from_}' is not a question of the previous version",
                "use the id of a question of the previous version",
            ),
        ]
    old_values = [o.value for o in old_q[entry.from_].options]
    new_values = {o.value for o in target.options}
    for old_value, new_value in entry.options.items():
        if old_value not in old_values:
            findings.append(
                Finding(
                    source,
                    (*path, "options", old_value),
                    f"'{old_value}' is not an option of '{entry.from_}' in the previous version",
                    f"map one of: {', '.join(old_values)}",
                )
            )
        if new_value not in new_values and not _fits(target, new_value):
            findings.append(
                Finding(
                    source,
                    (*path, "options", old_value),
                    f"'{new_value}' is not an option of '{entry.to}'",
                    f"map to one of: {', '.join(o.value for o in target.options)}",
                )
            )
    unmapped = [v for v in old_values if v not in entry.options and v not in new_values]
    if unmapped:
        findings.append(
            Finding(
                source,
                (*path, "options"),
                f"old options {', '.join(unmapped)} of '{entry.from_}' have no counterpart in "
                f"'{entry.to}'",
                "map each of them under options",
            )
        )
    return findings
