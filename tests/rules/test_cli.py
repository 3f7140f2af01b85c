"""The rules commands of the ``citydip`` CLI: score, rules test, rules schema."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from rules import DEFAULT_RULEBOOK, Rulebook, Scorecard, score_assessment
from rules.schema import FILE_MODELS
from web.cli import cli
from web.cli.rules import read_answers_file

EXAMPLES = Path(__file__).parents[2] / "examples"
MINI = Path(__file__).parent / "fixtures" / "mini"


def run(*args: str) -> Result:
    """Invoke ``citydip`` with ``args``; stdout and stderr both end up in ``result.output``."""
    return CliRunner().invoke(cli, list(args))


def test_score_prints_a_level_per_dimension_and_overall(book: Rulebook) -> None:
    result = run("score", str(EXAMPLES / "answers-established.yaml"))
    assert result.exit_code == 0, result.output
    card = score_assessment(book, read_answers_file(EXAMPLES / "answers-established.yaml"))
    lines = result.output.splitlines()
    for dim in card.dimensions:
        [row] = [line for line in lines if line.startswith(dim.title)]
        assert f" {dim.score:.0f}  {dim.level} {dim.level_name}" in row
    [overall] = [line for line in lines if line.startswith("Overall")]
    assert overall.split() == ["Overall", "64", "4", "Established"]
    assert any(
        line.startswith("Floor (lowest dimension level)") and line.endswith("3") for line in lines
    )
    assert f"Rulebook city_diplomacy 2.0.0 ({book.content_hash[:12]})" in result.output


def test_score_json_is_a_scorecard(book: Rulebook) -> None:
    file = EXAMPLES / "answers-established.yaml"
    result = run("score", str(file), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    card = Scorecard.model_validate(data)
    assert card == score_assessment(book, read_answers_file(file))
    assert [d["level"] for d in data["dimensions"]] == [4, 4, 4, 4, 4, 4, 4, 3, 3, 3]
    assert (data["overall_level"], data["floor"]) == (4, 3)


def test_score_rejects_invalid_answers_listing_every_problem() -> None:
    result = run("score", str(EXAMPLES / "answers-invalid.yaml"))
    assert result.exit_code != 0
    assert "the answers have 3 problems:" in result.output
    for line in (
        "  coordination.national_frequency: 'weekly' is not an option of this question; "
        "choose one of: never, less_than_yearly, yearly, quarterly, monthly",
        "  staff.languages: no such question in the rulebook",
        "  stakeholders.residents: an answer is required",
    ):
        assert line in result.output.splitlines()


def test_score_rejects_yes_read_as_a_boolean(tmp_path: Path) -> None:
    file = tmp_path / "answers.yaml"
    file.write_text("answers:\n  staff.training: yes\n", encoding="utf-8")
    result = run("score", str(file))
    assert result.exit_code != 0
    assert f"{file} is not an answers file: answers.staff.training" in result.output


def test_score_rejects_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    file = tmp_path / "answers.yaml"
    file.write_text("answers: [unclosed\n", encoding="utf-8")
    result = run("score", str(file))
    assert result.exit_code != 0
    assert "is neither YAML nor JSON" in result.output


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.mark.parametrize("kind", list(FILE_MODELS))
def test_schema_prints_a_json_schema_per_kind(kind: str) -> None:
    result = run("rules", "schema", "--kind", kind)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    model = FILE_MODELS[kind]
    assert set(schema["properties"]) == {
        field.alias or name for name, field in model.model_fields.items()
    }
    assert set(schema.get("required", [])) == {
        name for name, field in model.model_fields.items() if field.is_required()
    }
    for ref in _refs(schema):  # every reference resolves inside the document
        assert ref.startswith("#/$defs/") and ref.removeprefix("#/$defs/") in schema["$defs"]


def test_schema_of_an_unknown_kind_is_refused() -> None:
    result = run("rules", "schema", "--kind", "level")
    assert result.exit_code == 2
    assert "Invalid value for '--kind'" in result.output


def test_rules_test_runs_every_shipped_case() -> None:
    result = run("rules", "test")
    assert result.exit_code == 0, result.output
    names = sorted(p.stem for p in (DEFAULT_RULEBOOK / "cases").glob("*.yaml"))
    for name in names:
        assert f"PASS {name}: " in result.output
    assert result.output.splitlines()[-1] == f"{len(names)} passed, 0 failed"


def test_rules_test_fails_on_a_failing_case(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    (root / "cases").mkdir()
    (root / "cases" / "low.yaml").write_text(
        "description: Nothing yet\n"
        "answers: {plan.strategy: none, plan.eu: none, team.size: 0, team.abroad: never}\n"
        "expect: {levels: {plan: 2, team: 1}}\n",
        encoding="utf-8",
    )
    result = run("rules", "test", str(root))
    assert result.exit_code == 1
    assert "FAIL low: Nothing yet" in result.output
    assert "     plan: expected level 2, got 1 (score 0.0)" in result.output
    assert result.output.splitlines()[-1] == "0 passed, 1 failed"
