"""Broken rulebooks → the exact problems the loader reports, each with file:line and field path.

Every case copies the valid rulebook in ``fixtures/mini`` into a temporary folder, breaks it
with targeted text edits, and checks the complete list of problems: nothing missed, nothing
spurious. Line numbers refer to the fixture files after the edit.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from rules import RulebookError, load_rulebook
from web.cli import cli

MINI = Path(__file__).parent / "fixtures" / "mini"
MANIFEST = "rulebook.yaml"
PLAN = "dimensions/plan.yaml"
TEAM = "dimensions/team.yaml"
DELETE = object()  #: as ``old`` of an edit: delete the file


class Edit(NamedTuple):
    """Replace ``old`` (which must occur exactly once) with ``new`` in ``file``.

    ``old=None`` writes ``new`` as the whole file; ``old=DELETE`` deletes the file.
    """

    file: str
    old: str | object | None
    new: str = ""


def broken_copy(tmp_path: Path, *edits: Edit) -> Path:
    """A copy of the mini rulebook at ``tmp_path/mini`` with ``edits`` applied."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    for edit in edits:
        path = root / edit.file
        if edit.old is DELETE:
            path.unlink()
        elif edit.old is None:
            path.write_text(edit.new, encoding="utf-8")
        else:
            assert isinstance(edit.old, str)
            text = path.read_text(encoding="utf-8")
            assert text.count(edit.old) == 1, f"{edit.old!r} must occur once in {edit.file}"
            path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")
    return root


def problems_of(root: Path) -> list[tuple[str, int | None, str, str]]:
    """(file, line, field path, message) of every problem load_rulebook reports."""
    with pytest.raises(RulebookError) as caught:
        load_rulebook(root)
    for problem in caught.value.problems:
        assert problem.fix, f"{problem} has no fix"
    return [(p.file, p.line, p.path, p.message) for p in caught.value.problems]


M, P, T = "mini/rulebook.yaml", "mini/dimensions/plan.yaml", "mini/dimensions/team.yaml"
CONDITION_KEYS = (
    "a condition needs one of the keys is, at_least, in (each with question), all, any or not"
)

# id, edits, every problem expected as (file, line, field path, message), in report order
CASES: list[tuple[str, list[Edit], list[tuple[str, int | None, str, str]]]] = [
    (
        "yaml-syntax-error",
        [Edit(PLAN, "title: Planning", "title: Planning: again")],
        [(P, 3, "", "not valid YAML: mapping values are not allowed here")],
    ),
    (
        "duplicate-key",
        [Edit(PLAN, "title: Planning\n", "title: Planning\ntitle: Plans\n")],
        [(P, 4, "title", "key given twice; YAML keeps only the last")],
    ),
    (
        "missing-required-field",
        [Edit(PLAN, "    text: Is there a strategy?\n", "")],
        [(P, 7, "questions[0].text", "required field is missing")],
    ),
    (
        "misspelt-field",
        [Edit(PLAN, "    help: A written document.", "    hlep: A written document.")],
        [
            (P, 7, "questions[0].help", "required field is missing"),
            (
                P,
                9,
                "questions[0].hlep",
                "Extra inputs are not permitted (got 'A written document.')",
            ),
        ],
    ),
    (
        "extra-field-in-manifest",
        [Edit(MANIFEST, "version: 1.0.0\n", "version: 1.0.0\nauthor: Someone\n")],
        [(M, 5, "author", "Extra inputs are not permitted (got 'Someone')")],
    ),
    (
        "wrong-type-points",
        [Edit(PLAN, "        points: 5", "        points: five")],
        [
            (
                P,
                18,
                "questions[0].options[1].points",
                "Input should be a valid integer, unable to parse string as an integer "
                "(got 'five')",
            )
        ],
    ),
    (
        "wrong-type-weight",
        [Edit(PLAN, "weight: 1.0", "weight: heavy")],
        [
            (
                P,
                5,
                "weight",
                "Input should be a valid number, unable to parse string as a number (got 'heavy')",
            )
        ],
    ),
    (
        "wrong-type-label",
        [Edit(PLAN, "        label: None", "        label: [None]")],
        [
            (
                P,
                13,
                "questions[0].options[0].label",
                "Input should be a valid string (got ['None'])",
            )
        ],
    ),
    (
        "points-out-of-range",
        [Edit(TEAM, "        points: 10\n        min: 5", "        points: 120\n        min: 5")],
        [
            (
                T,
                26,
                "questions[0].options[2].points",
                "Input should be less than or equal to 100 (got 120)",
            )
        ],
    ),
    (
        "bad-question-id-pattern",
        [Edit(TEAM, "  - id: team.abroad", "  - id: Team.Abroad")],
        [
            (
                T,
                28,
                "questions[1].id",
                "String should match pattern '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' "
                "(got 'Team.Abroad')",
            )
        ],
    ),
    (
        "bad-dimension-id-pattern",
        [Edit(MANIFEST, "  - team\n", "  - Team\n")],
        [(M, 21, "dimensions[1]", "String should match pattern '^[a-z][a-z0-9_]*$' (got 'Team')")],
    ),
    (
        "bad-version",
        [Edit(MANIFEST, "version: 1.0.0", "version: one")],
        [(M, 4, "version", "String should match pattern '^\\d+\\.\\d+(\\.\\d+)?$' (got 'one')")],
    ),
    (
        "unknown-question-in-applies-if",
        [
            Edit(
                PLAN, "applies_if: {question: plan.strategy", "applies_if: {question: plan.stratgy"
            )
        ],
        [(P, 27, "questions[1].applies_if", "condition names unknown question 'plan.stratgy'")],
    ),
    (
        "unknown-question-in-gate",
        [Edit(PLAN, "requires: {question: plan.strategy", "requires: {question: plan.goals")],
        [(P, 51, "gates[0].requires", "condition names unknown question 'plan.goals'")],
    ),
    (
        "unknown-question-in-indicator",
        [Edit(MANIFEST, "when: {question: plan.strategy", "when: {question: team.strategy")],
        [(M, 25, "indicators[0].when", "condition names unknown question 'team.strategy'")],
    ),
    (
        "gate-names-missing-option",
        [Edit(PLAN, "at_least: adopted}\n    reason", "at_least: approved}\n    reason")],
        [
            (
                P,
                51,
                "gates[0].requires",
                "condition names option 'approved', which question 'plan.strategy' does not have",
            )
        ],
    ),
    (
        "condition-without-kind",
        [Edit(PLAN, "plan.strategy, at_least: adopted}\n", "plan.strategy, above: adopted}\n")],
        [
            (
                P,
                51,
                "gates[0].requires",
                f"{CONDITION_KEYS} (got {{'question': 'plan.strategy', 'above': 'adopted'}})",
            )
        ],
    ),
    (
        "duplicate-question-id",
        [Edit(PLAN, "  - id: plan.eu", "  - id: plan.review")],
        [(P, 36, "questions[2].id", f"duplicate question id 'plan.review' (also in {P})")],
    ),
    (
        "duplicate-option-value",
        [Edit(TEAM, "      - value: sometimes", "      - value: never")],
        [
            (
                T,
                39,
                "questions[1].options[1].value",
                "duplicate option value 'never' in question 'team.abroad'",
            )
        ],
    ),
    (
        "reserved-option-value-na",
        [Edit(TEAM, "      - value: sometimes", "      - value: na")],
        [
            (
                T,
                39,
                "questions[1].options[1].value",
                "option value 'na' is reserved for not applicable answers",
            )
        ],
    ),
    (
        "reserved-option-value-unknown",
        [Edit(TEAM, "      - value: sometimes", "      - value: unknown")],
        [
            (
                T,
                39,
                "questions[1].options[1].value",
                "option value 'unknown' is reserved for do not know answers",
            )
        ],
    ),
    (
        "points-not-monotone",
        [Edit(PLAN, "        points: 5", "        points: 15")],
        [
            (
                P,
                22,
                "questions[0].options[2].points",
                "points 10 are below the previous option's 15; options are ordinal",
            )
        ],
    ),
    (
        "thresholds-not-increasing",
        [Edit(MANIFEST, "    min_score: 70", "    min_score: 30")],
        [(M, 17, "levels[2].min_score", "threshold 30.0 is not above the previous level's 40.0")],
    ),
    (
        "first-level-not-at-zero",
        [Edit(MANIFEST, "    min_score: 0", "    min_score: 10")],
        [
            (
                M,
                9,
                "levels[0].min_score",
                "the first level starts at 10.0, so low scores get no level",
            )
        ],
    ),
    (
        "levels-misnumbered",
        [Edit(MANIFEST, "  - level: 2", "  - level: 3")],
        [(M, 11, "levels[1].level", "level number 3 found where 2 was expected")],
    ),
    (
        "dimension-without-questions",
        [Edit(TEAM, None, "id: team\ntitle: Team\ndescription: Nobody yet.\nquestions: []\n")],
        [(T, 4, "questions", "dimension 'team' has no questions, so it can never be scored")],
    ),
    (
        "dimension-listed-but-file-missing",
        [Edit(TEAM, DELETE)],
        [
            (
                M,
                21,
                "dimensions[1]",
                "dimension 'team' is listed but dimensions/team.yaml is missing",
            )
        ],
    ),
    (
        "dimension-listed-twice",
        [Edit(MANIFEST, "  - team\n", "  - team\n  - plan\n")],
        [(M, 22, "dimensions[2]", "dimension 'plan' is listed more than once")],
    ),
    (
        "unlisted-dimension-file",
        [Edit("dimensions/extra.yaml", None, "id: extra\n")],
        [
            (
                "mini/dimensions/extra.yaml",
                1,
                "",
                "dimension file 'extra.yaml' is not listed in rulebook.yaml",
            )
        ],
    ),
    (
        "file-id-does-not-match-file-name",
        [Edit(TEAM, "id: team\n", "id: staff\n")],
        [(T, 2, "id", "dimension id 'staff' does not match its file name 'team.yaml'")],
    ),
    (
        "file-is-not-a-mapping",
        [Edit(TEAM, None, "- id: team\n")],
        [(T, 1, "", "expected a mapping of fields at the top")],
    ),
    (
        "skip-logic-cycle",
        [
            Edit(
                PLAN,
                "    source: {ref: fixture}\n    options:\n      - value: none",
                "    source: {ref: fixture}\n"
                "    applies_if: {question: plan.review, at_least: yearly}\n"
                "    options:\n      - value: none",
            )
        ],
        [
            (
                P,
                11,
                "questions[0].applies_if",
                "skip logic forms a cycle: plan.strategy → plan.review → plan.strategy",
            )
        ],
    ),
    (
        "skip-logic-self-reference",
        [
            Edit(
                PLAN,
                "{question: plan.strategy, at_least: draft}",
                "{question: plan.review, is: yearly}",
            )
        ],
        [
            (
                P,
                27,
                "questions[1].applies_if",
                "skip logic forms a cycle: plan.review → plan.review",
            )
        ],
    ),
    (
        "missing-next-step",
        [Edit(PLAN, "        next_step: Adopt it.\n", "")],
        [
            (
                P,
                16,
                "questions[0].options[1]",
                "option 'draft' of 'plan.strategy' has no next_step advice",
            )
        ],
    ),
    (
        "eu-step-for-every-city",
        [
            Edit(
                PLAN,
                "        next_step: Adopt it.\n",
                "        next_step: Adopt it and tell Brussels.\n",
            )
        ],
        [
            (
                P,
                19,
                "questions[0].options[1].next_step",
                "the next step of option 'draft' of 'plan.strategy' speaks of 'Brussels' but "
                "would be shown to cities with no EU link",
            )
        ],
    ),
    (
        "eu-step-worded-for-the-eu-outside-it",
        [
            Edit(
                PLAN,
                "        next_step: Adopt it.\n",
                "        next_step: Adopt it and tell Brussels.\n"
                "        step_outside_eu: Adopt it and tell the EU.\n",
            )
        ],
        [
            (
                P,
                20,
                "questions[0].options[1].step_outside_eu",
                "step_outside_eu of option 'draft' of 'plan.strategy' speaks of 'EU'",
            )
        ],
    ),
    (
        "eu-stretch-step",
        [Edit(PLAN, "weight: 1.0\n", "weight: 1.0\nstretch:\n  - Lead the EU's city agenda.\n")],
        [
            (
                P,
                7,
                "stretch[0]",
                "stretch step 1 of 'plan' speaks of 'EU', but every city at the top level is "
                "shown it",
            )
        ],
    ),
    (
        "number-band-without-min",
        [Edit(TEAM, "        min: 2\n", "")],
        [
            (
                T,
                19,
                "questions[0].options[1]",
                "an option of a number question has no min (its band's lower bound)",
            )
        ],
    ),
    (
        "number-bands-decreasing",
        [Edit(TEAM, "        min: 5", "        min: 1")],
        [
            (
                T,
                27,
                "questions[0].options[2].min",
                "band minimum 1.0 is not above the previous band's 2.0",
            )
        ],
    ),
    (
        "number-first-band-not-at-zero",
        [Edit(TEAM, "        min: 0", "        min: 1")],
        [
            (
                T,
                17,
                "questions[0].options[0].min",
                "the first band starts at 1.0, so smaller numbers fit no option",
            )
        ],
    ),
    (
        "min-on-choice-question",
        [Edit(PLAN, "        points: 5\n", "        points: 5\n        min: 1\n")],
        [(P, 19, "questions[0].options[1].min", "min is only used by number questions")],
    ),
    (
        "question-id-prefix-not-its-dimension",
        [Edit(PLAN, "  - id: plan.eu", "  - id: team.eu")],
        [
            (
                P,
                36,
                "questions[2].id",
                "question 'team.eu' is in dimension 'plan' but its id starts with 'team'",
            )
        ],
    ),
    (
        "gate-level-above-number-of-levels",
        [Edit(PLAN, "  - level: 3", "  - level: 4")],
        [(P, 50, "gates[0].level", "gate for level 4, but the rulebook has 3 levels")],
    ),
    (
        "gate-level-below-two",
        [Edit(PLAN, "  - level: 3", "  - level: 1")],
        [(P, 50, "gates[0].level", "Input should be greater than or equal to 2 (got 1)")],
    ),
    (
        "duplicate-indicator-id",
        [
            Edit(
                MANIFEST,
                "    when: {question: plan.strategy, at_least: adopted}\n",
                "    when: {question: plan.strategy, at_least: adopted}\n"
                "  - id: has_strategy\n"
                "    label: Again\n"
                "    when: {question: plan.strategy, at_least: draft}\n",
            )
        ],
        [(M, 26, "indicators[1].id", "duplicate indicator id 'has_strategy'")],
    ),
]

LEVELS_CLAIMING_TOO_MUCH = """levels:
  - level: 1
    description: Nothing planned.
  - level: 2
    description: A strategy is adopted.
    requires:
      - {question: plan.strategy, at_least: adopted}
  - level: 3
    description: An adopted strategy.
    requires:
      - {question: plan.strategy, at_least: adopted}
"""
GATE_REASON = "    reason: Level 3 needs an adopted strategy.\n"
OVERALL_CLAIM = (
    "    description: Some capacity, with an adopted strategy.\n"
    "    requires:\n      - {question: plan.strategy, at_least: adopted}\n"
)
CONFLICT_OF_CONSISTENT_ANSWERS = (
    "    when: {question: plan.strategy, at_least: adopted}\n"
    "consistency:\n  - id: draft_needs_team\n    conflict:\n"
    "      - {question: plan.strategy, at_least: draft}\n"
    "      - {question: team.size, at_least: medium}\n"
    "    message: A draft strategy without a team cannot be.\n"
)

#: The checks of rulebook 2: the scale, the claims of level descriptions, rounding, sources.
CASES += [
    (
        "level-unreachable-by-consistent-answers",
        [
            Edit(
                TEAM,
                "    requires: {question: team.size, at_least: medium}",
                "    requires: {question: team.size, at_least: large}",
            )
        ],
        [
            (
                T,
                43,
                "gates[0]",
                "level 2 of 'team' cannot be reached by consistent answers: with every answer "
                "at option 2 the score reaches level 2, but the gate for level 2 fails (Level 2 "
                "needs at least two people.); consistent answers give levels 1, 1, 3",
            )
        ],
    ),
    (
        "points-leave-a-level-gap",
        [Edit(PLAN, "        points: 5", "        points: 1")],
        [
            (
                P,
                6,
                "questions",
                "points leave a level gap in 'plan': raising every answer from option 2 to "
                "option 3 moves the score from 35 (level 1) to 100 (level 3), so level 2 "
                "(from 40) is never reached",
            ),
            (
                P,
                6,
                "questions",
                "points leave a level gap in 'plan' (with N/A wherever allowed): raising every "
                "answer from option 2 to option 3 moves the score from 25 (level 1) to 100 "
                "(level 3), so level 2 (from 40) is never reached",
            ),
        ],
    ),
    (
        "level-description-claims-a-practice-no-gate-requires",
        [Edit(PLAN, GATE_REASON, GATE_REASON + LEVELS_CLAIMING_TOO_MUCH)],
        [
            (
                P,
                59,
                "levels[1].requires[0]",
                "level 2 of 'plan' claims 'plan.strategy at least adopted', but no gate at "
                "level 2 or below requires it",
            )
        ],
    ),
    (
        "overall-level-claims-without-a-floor-rule",
        [Edit(MANIFEST, "    description: Some capacity.\n", OVERALL_CLAIM)],
        [
            (
                M,
                16,
                "levels[1].requires[0]",
                "overall level 2 claims 'plan.strategy at least adopted', but the rulebook sets "
                "no floor_margin, so the overall level guarantees no gate",
            )
        ],
    ),
    (
        "overall-level-claims-more-than-the-floor-guarantees",
        [
            Edit(MANIFEST, "    description: Some capacity.\n", OVERALL_CLAIM),
            Edit(
                MANIFEST,
                "title: Mini rulebook for tests\n",
                "title: Mini rulebook for tests\nfloor_margin: 1\n",
            ),
        ],
        [
            (
                M,
                17,
                "levels[1].requires[0]",
                "overall level 2 claims 'plan.strategy at least adopted', but no gate at level 1 "
                "or below (the floor that overall level 2 guarantees) requires it",
            )
        ],
    ),
    (
        "level-description-for-some-levels-only",
        [Edit(PLAN, GATE_REASON, GATE_REASON + "levels:\n  - level: 1\n    description: None.\n")],
        [
            (
                P,
                53,
                "levels",
                "dimension 'plan' describes levels 1, but the rulebook has levels 1, 2, 3",
            )
        ],
    ),
    (
        "threshold-not-a-whole-number",
        [Edit(MANIFEST, "    min_score: 40", "    min_score: 37.5")],
        [
            (
                M,
                13,
                "levels[1].min_score",
                "threshold 37.5 is not a whole number; scores are shown as whole numbers, so a "
                "shown score could sit on a threshold it has not reached",
            )
        ],
    ),
    (
        "consistency-rule-refuses-consistent-answers",
        [
            Edit(
                MANIFEST,
                "    when: {question: plan.strategy, at_least: adopted}\n",
                CONFLICT_OF_CONSISTENT_ANSWERS,
            )
        ],
        [
            (
                M,
                26,
                "consistency",
                f"consistent answers at option {n} are refused: plan.strategy: A draft strategy "
                "without a team cannot be.",
            )
            for n in (2, 3)
        ],
    ),
    (
        "consistency-rule-names-unknown-question",
        [
            Edit(
                MANIFEST,
                "    when: {question: plan.strategy, at_least: adopted}\n",
                CONFLICT_OF_CONSISTENT_ANSWERS.replace("team.size", "team.sizes"),
            )
        ],
        [(M, 28, "consistency[0].conflict", "condition names unknown question 'team.sizes'")],
    ),
    (
        "citation-of-unknown-source",
        [
            Edit(
                TEAM,
                "    source: {ref: fixture}\n    allow_na: true\n    allow_unknown: false",
                "    source: {ref: fixtures}\n    allow_na: true\n    allow_unknown: false",
            )
        ],
        [(T, 31, "questions[1].source.ref", "citation of unknown source 'fixtures'")],
    ),
    (
        "unverified-source-without-a-note",
        [Edit("sources.yaml", "    verified: true", "    verified: false")],
        [
            (
                "mini/sources.yaml",
                3,
                "sources[0]",
                "source 'fixture' is not verified and no note says why",
            )
        ],
    ),
    (
        "sources-file-missing",
        [Edit("sources.yaml", DELETE)],
        [("mini/sources.yaml", None, "", "sources.yaml is missing")],
    ),
]

#: Problems in all three files at once: a manifest check, a schema error and a dimension check.
SEVERAL = [
    Edit(MANIFEST, "    min_score: 70", "    min_score: 30"),
    Edit(PLAN, "        points: 5", "        points: five"),
    Edit(TEAM, "        next_step: Send someone.\n", ""),
    Edit(TEAM, "        min: 5", "        min: 1"),
]
SEVERAL_PROBLEMS = [
    (
        P,
        18,
        "questions[0].options[1].points",
        "Input should be a valid integer, unable to parse string as an integer (got 'five')",
    ),
    (
        T,
        27,
        "questions[0].options[2].min",
        "band minimum 1.0 is not above the previous band's 2.0",
    ),
    (T, 35, "questions[1].options[0]", "option 'never' of 'team.abroad' has no next_step advice"),
    (M, 17, "levels[2].min_score", "threshold 30.0 is not above the previous level's 40.0"),
]


def test_fixture_is_valid() -> None:
    """The unbroken fixture loads; otherwise every case below would test nothing."""
    book = load_rulebook(MINI)
    assert [d.id for d in book.dimensions] == ["plan", "team"]


@pytest.mark.parametrize(("edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_rulebook_reports_exact_problem(
    tmp_path: Path, edits: list[Edit], expected: list[tuple[str, int | None, str, str]]
) -> None:
    assert problems_of(broken_copy(tmp_path, *edits)) == expected


def test_table_covers_enough_cases() -> None:
    assert len(CASES) >= 15
    assert len({c[0] for c in CASES}) == len(CASES)


def test_several_problems_across_files_are_all_reported(tmp_path: Path) -> None:
    assert problems_of(broken_copy(tmp_path, *SEVERAL)) == SEVERAL_PROBLEMS


def test_broken_manifest_does_not_hide_dimension_problems(tmp_path: Path) -> None:
    """Even when rulebook.yaml is not YAML, the dimension files are checked in full."""
    root = broken_copy(
        tmp_path,
        Edit(MANIFEST, "title: Mini rulebook for tests", "title: Mini: rulebook"),
        Edit(TEAM, "        next_step: Send someone.\n", ""),
    )
    assert problems_of(root) == [
        (
            T,
            35,
            "questions[1].options[0]",
            "option 'never' of 'team.abroad' has no next_step advice",
        ),
        (M, 5, "", "not valid YAML: mapping values are not allowed here"),
    ]


def test_broken_dimension_file_does_not_make_its_questions_unknown(tmp_path: Path) -> None:
    """A schema error in plan.yaml is not echoed as 'unknown question' by the indicator."""
    root = broken_copy(tmp_path, Edit(PLAN, "weight: 1.0", "weight: -1"))
    assert problems_of(root) == [(P, 5, "weight", "Input should be greater than 0 (got -1)")]


def test_problem_text_names_file_line_field_and_fix(tmp_path: Path) -> None:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(broken_copy(tmp_path, Edit(PLAN, "        points: 5", "        points: 15")))
    assert str(caught.value) == (
        "the rulebook has 1 problem:\n"
        "  mini/dimensions/plan.yaml:22: questions[0].options[2].points: points 10 are below "
        "the previous option's 15; options are ordinal. Fix: order options from least to most "
        "capacity with non-decreasing points"
    )


def test_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(tmp_path)
    [problem] = caught.value.problems
    assert problem.message == "no rulebook.yaml here"
    assert problem.file == str(tmp_path / "rulebook.yaml")


def test_cli_check_lists_every_problem_and_fails(tmp_path: Path) -> None:
    root = broken_copy(tmp_path, *SEVERAL)
    result = CliRunner().invoke(cli, ["rules", "check", str(root)])
    assert result.exit_code == 1
    assert "the rulebook has 4 problems:" in result.output
    for file, line, path, message in SEVERAL_PROBLEMS:
        assert f"  {file}:{line}: {path}: {message}. Fix: " in result.output


def test_cli_check_passes_on_shipped_rulebook() -> None:
    result = CliRunner().invoke(cli, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: city_diplomacy ")
    assert "10 dimensions, 42 questions, 5 levels" in result.output
