"""Answers survive the new rulebook: the migration from 1.0.0 as data, applied and checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rules import (
    DEFAULT_RULEBOOK,
    Answers,
    CompiledRulebook,
    Rulebook,
    RulebookError,
    load_rulebook,
    score_assessment,
)
from rules.answers import validate_answers
from rules.batch import NA_CODE, SKIPPED_CODE, UNKNOWN_CODE
from rules.change import split_change
from rules.loader import load_previous
from rules.migration import migrate_answers
from rules.model import NA, UNKNOWN

MIGRATION = "rulebook/migration.yaml"


@pytest.fixture(scope="module")
def old_book(book: Rulebook) -> Rulebook:
    """Rulebook 1.0.0, kept in rules/rulebook/previous/1.0.0."""
    assert book.migration is not None
    return load_previous(DEFAULT_RULEBOOK, book.migration)


def decode(compiled: CompiledRulebook, row: np.ndarray) -> dict[str, str]:
    """The answers file's mapping of one row of batch codes (skipped questions left out)."""
    index = {q.id: q for d in compiled.rulebook.dimensions for q in d.questions}
    answers = {}
    for qid, code in zip(compiled.question_ids, row.tolist(), strict=True):
        if code == SKIPPED_CODE:
            continue
        answers[qid] = (
            NA
            if code == NA_CODE
            else UNKNOWN
            if code == UNKNOWN_CODE
            else (index[qid].options[code].value)
        )
    return answers


def settled(book: Rulebook, **updates: str | float) -> dict[str, str | float]:
    """The lowest option everywhere, with ``updates`` (dots as __), skip logic applied: follow-ups
    that do not apply are left out, those that newly apply get their lowest option."""
    from rules.index import RulebookIndex

    index = RulebookIndex.of(book)
    wanted = {k.replace("__", "."): v for k, v in updates.items()}
    answers: dict[str, str | float] = {}
    for _ in range(len(index.order)):
        chosen = {}
        for qid, value in answers.items():
            options = index.option_index[qid]
            if isinstance(value, str) and value in options:
                chosen[qid] = options[value]
            elif not isinstance(value, str):
                question = index.questions[qid]
                chosen[qid] = max(
                    i for i, o in enumerate(question.options) if (o.min or 0) <= value
                )
        now = {
            qid: answers.get(qid, wanted.get(qid, index.questions[qid].options[0].value))
            for qid in index.order
            if index.applies(qid, chosen)
        }
        if now == answers:
            break
        answers = now
    return answers


def test_previous_rulebook_is_version_1(old_book: Rulebook, book: Rulebook) -> None:
    assert (old_book.version, book.version) == ("1.0.0", "2.0.0")
    assert sum(len(d.questions) for d in old_book.dimensions) == 32


def test_every_rulebook_1_answer_set_migrates_to_valid_rulebook_2_answers(
    old_book: Rulebook, book: Rulebook
) -> None:
    compiled = CompiledRulebook.compile(old_book)
    codes = compiled.random_codes(600, np.random.default_rng(2))
    for row in codes:
        old = decode(compiled, row)
        validate_answers(old_book, Answers(answers=old))  # a real rulebook-1 answer set
        migrated = migrate_answers(old, book)
        validate_answers(book, migrated.answers)  # raises if anything does not fit


def test_renamed_options_removed_questions_and_notes(old_book: Rulebook, book: Rulebook) -> None:
    old = settled(
        old_book,
        strategy__document="adopted",
        networks__memberships="two_or_more",
        networks__role="passive_member",
        networks__portfolio_review="never",
        networks__policy_influence="limited",
        eu__multilateral="regular",
        monitoring__crisis_response="not_at_all",
        staff__team_size="3_to_6_fte",
        staff__workload="stretched",
        institutions__office="unit",
        institutions__reporting_line="mayors_office",
    )
    previous = Answers(answers=old, notes={"strategy.document": "Adopted in 2016."})
    validate_answers(old_book, previous)
    migrated = migrate_answers(previous, book)
    new = migrated.answers.answers
    assert new["strategy.document"] == "adopted_dated"
    assert migrated.answers.notes == {"strategy.document": "Adopted in 2016."}
    assert (new["networks.memberships"], new["networks.role"]) == ("several", "attends")
    assert new["eu.global_processes"] == "contributes"
    assert new["crisis.emergency_plans"] == UNKNOWN
    assert new["staff.team_size"] == "3_to_10_fte"
    assert new["crisis.mutual_aid"] == UNKNOWN  # a new question: don't know until answered
    assert "staff.workload" not in new and "institutions.reporting_line" not in new
    assert migrated.removed == ["institutions.reporting_line", "staff.workload"]
    assert migrated.changes["strategy.document"] == "'adopted' became 'adopted_dated'"
    assert migrated.changes["eu.global_processes"] == (
        "carried over from eu.multilateral; 'regular' became 'contributes'"
    )
    assert migrated.changes["crisis.mutual_aid"] == "new question: recorded as unknown"


def test_numbers_carry_unchanged_and_network_influence_is_dropped_for_non_members(
    old_book: Rulebook, book: Rulebook
) -> None:
    old = settled(old_book, staff__team_size=2.5, networks__policy_influence="substantial")
    assert old["networks.memberships"] == "none"  # rulebook 1 asked non-members too
    validate_answers(old_book, Answers(answers=old))
    new = migrate_answers(old, book).answers.answers
    assert new["staff.team_size"] == 2.5
    assert "networks.policy_influence" not in new  # asked only of members in rulebook 2


def test_answers_that_cannot_both_hold_become_dont_know(
    old_book: Rulebook, book: Rulebook
) -> None:
    old = settled(old_book, institutions__office="department", staff__team_size=0.2)
    migrated = migrate_answers(old, book)
    assert migrated.answers.answers["staff.team_size"] == UNKNOWN
    assert migrated.answers.answers["institutions.office"] == "department"
    assert migrated.changes["staff.team_size"] == (
        "conflicts with other answers (department_without_staff): recorded as unknown"
    )
    validate_answers(book, migrated.answers)


def test_change_splits_into_rulebook_and_answers(old_book: Rulebook, book: Rulebook) -> None:
    """before (old answers, old book) → bridge (old answers migrated, new book) → after."""
    compiled = CompiledRulebook.compile(old_book)
    old = decode(compiled, compiled.random_codes(1, np.random.default_rng(9))[0])
    stored = score_assessment(old_book, Answers(answers=old))
    migrated = migrate_answers(old, book).answers.answers
    new = {**migrated}
    new.update({q: "none" for q in ("crisis.mutual_aid", "institutions.due_diligence")})
    new["stakeholders.public_diplomacy"] = "measured"
    split = split_change(old_book, old, book, new, previous_card=stored)
    assert (split.previous_version, split.current_version) == ("1.0.0", "2.0.0")
    assert split.before == stored
    assert split.bridge == score_assessment(book, Answers(answers=migrated))
    for part in [split.overall, *split.dimensions.values()]:
        if part.total is not None:
            assert part.total == part.from_rulebook + part.from_answers
    # Only stakeholders and institutions/crisis answers changed: nowhere else an answers part.
    for dim_id, part in split.dimensions.items():
        if dim_id not in ("stakeholders", "institutions", "crisis"):
            assert part.from_answers in (0, None), dim_id
    assert split.dimensions["stakeholders"].from_answers > 0
    crisis = split.dimensions["crisis"]
    assert crisis.before_score is None and crisis.total is None  # new in rulebook 2
    assert crisis.bridge_score is not None


def test_same_rulebook_means_no_rulebook_part(book: Rulebook) -> None:
    from rules.scale import consistent_answers

    old, new = consistent_answers(book, 1), consistent_answers(book, 2)
    split = split_change(book, old, book, new)
    assert all(p.from_rulebook == 0 for p in split.dimensions.values())
    assert split.overall.from_rulebook == 0
    assert split.overall.from_answers == split.overall.total
    assert split.overall.total is not None and split.overall.total > 0
    assert split.migrated.changes == {}


def broken_migration(tmp_path: Path, old: str, new: str) -> list[tuple[int | None, str, str]]:
    root = tmp_path / "rulebook"
    shutil.copytree(DEFAULT_RULEBOOK, root)
    file = root / "migration.yaml"
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(root)
    assert all(p.file == MIGRATION for p in caught.value.problems)
    return [(p.line, p.path, p.message) for p in caught.value.problems]


MIGRATION_CASES = [
    (
        "old-option-not-mapped",
        "    options: {adopted: adopted_dated, adopted_and_reviewed: adopted_current}\n",
        "    options: {adopted_and_reviewed: adopted_current}\n",
        [
            (
                11,
                "questions[0].options",
                "old options adopted of 'strategy.document' have no counterpart in "
                "'strategy.document'",
            )
        ],
    ),
    (
        "mapped-to-a-missing-option",
        "options: {strategic: pipeline}",
        "options: {strategic: strategic_pipeline}",
        [
            (
                46,
                "questions[14].options.strategic",
                "'strategic_pipeline' is not an option of 'budget.external_funding'",
            )
        ],
    ),
    (
        "old-question-neither-carried-nor-removed",
        "  - question: staff.workload\n",
        "  - question: staff.workloads\n",
        [
            (
                97,
                "removed",
                "question 'staff.workload' of version 1.0.0 is neither carried over nor listed "
                "as removed",
            ),
            (102, "removed[1].question", "'staff.workloads' is not a question of version 1.0.0"),
        ],
    ),
    (
        "new-question-without-entry",
        "  - {to: crisis.learning, note: new in 2.0.0}\n",
        "",
        [(8, "questions", "question 'crisis.learning' has no entry in the migration")],
    ),
    (
        "default-not-a-valid-answer",
        "  - {to: crisis.learning, note: new in 2.0.0}\n",
        "  - {to: crisis.learning, default: sometimes}\n",
        [
            (
                96,
                "questions[41].default",
                "default 'sometimes' is not a valid answer to 'crisis.learning'",
            )
        ],
    ),
    (
        "wrong-from-version",
        "from_version: 1.0.0",
        "from_version: 1.1.0",
        [(6, "from_version", "from_version is 1.1.0, but previous/1.0.0 holds version 1.0.0")],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [c[1:] for c in MIGRATION_CASES],
    ids=[c[0] for c in MIGRATION_CASES],
)
def test_broken_migration_reports_exact_problem(
    tmp_path: Path, old: str, new: str, expected: list[tuple[int | None, str, str]]
) -> None:
    assert broken_migration(tmp_path, old, new) == expected
