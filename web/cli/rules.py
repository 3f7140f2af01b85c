"""Commands about the rulebook (check, test, schema) and scoring answer files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import ValidationError

from rules import (
    DEFAULT_RULEBOOK,
    Answers,
    AnswersError,
    Rulebook,
    RulebookError,
    Scorecard,
    load_rulebook,
    run_cases,
    score_assessment,
)
from rules.schema import FILE_MODELS, json_schema

__all__ = ["load_rulebook_or_exit", "read_answers_file", "rules_group", "score_command"]

RULEBOOK_OPTION = click.option(
    "--rulebook",
    "rulebook_path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_RULEBOOK,
    show_default="the shipped rulebook",
    help="Rulebook folder to use.",
)


def load_rulebook_or_exit(path: Path) -> Rulebook:
    """Load the rulebook, or print every problem and exit with status 1."""
    try:
        return load_rulebook(path)
    except RulebookError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None


def read_answers_file(path: Path) -> Answers:
    """Read a YAML or JSON answers file, or exit with status 2 and a clear message."""
    try:
        data: Any = yaml.safe_load(path.read_text("utf-8"))  # JSON is YAML too
        if isinstance(data, dict):
            data.pop("profile", None)  # the city's context, read by `citydip peers`
        return Answers.model_validate(data)
    except yaml.YAMLError as exc:
        raise click.ClickException(f"{path} is neither YAML nor JSON: {exc}") from None
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise click.ClickException(f"{path} is not an answers file: {details}") from None


@click.group("rules")
def rules_group() -> None:
    """Check, test and describe the rulebook."""


@rules_group.command("check")
@click.argument(
    "path",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_RULEBOOK,
)
def check_command(path: Path) -> None:
    """Check the rulebook in PATH (default: the shipped one); list every problem."""
    book = load_rulebook_or_exit(path)
    questions = sum(len(d.questions) for d in book.dimensions)
    click.echo(
        f"OK: {book.id} {book.version}: {len(book.dimensions)} dimensions, "
        f"{questions} questions, {len(book.levels)} levels (sha256 {book.content_hash[:12]})"
    )


@rules_group.command("test")
@click.argument(
    "path",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_RULEBOOK,
)
def test_command(path: Path) -> None:
    """Run the worked cases in PATH/cases against the rulebook in PATH."""
    book = load_rulebook_or_exit(path)
    results = run_cases(book, path / "cases")
    if not results:
        click.echo(f"no cases found in {path / 'cases'}", err=True)
        raise SystemExit(1)
    for result in results:
        mark = "PASS" if result.passed else "FAIL"
        click.echo(f"{mark} {result.name}: {result.description}")
        for failure in result.failures:
            click.echo(f"     {failure}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


@rules_group.command("schema")
@click.option(
    "--kind",
    type=click.Choice(list(FILE_MODELS)),
    default="dimension",
    show_default=True,
    help="Which file's schema to print.",
)
def schema_command(kind: str) -> None:
    """Print the JSON Schema of a rulebook file kind, for editors."""
    click.echo(json.dumps(json_schema(kind), indent=2))


@click.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@RULEBOOK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON.")
def score_command(file: Path, rulebook_path: Path, as_json: bool) -> None:
    """Score the answers in FILE (YAML or JSON) and print the scorecard."""
    book = load_rulebook_or_exit(rulebook_path)
    answers = read_answers_file(file)
    try:
        card = score_assessment(book, answers)
    except AnswersError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if as_json:
        click.echo(card.model_dump_json(indent=2))
    else:
        click.echo(format_scorecard(card))


def format_scorecard(card: Scorecard) -> str:
    """A plain-text table of a scorecard for the terminal."""
    rows = [f"{'Dimension':<40} {'Score':>6}  Level"]
    for dim in card.dimensions:
        score = "n/a" if dim.score is None else f"{dim.score:.0f}"
        level = "not assessed" if dim.level is None else f"{dim.level} {dim.level_name}"
        if dim.capped_by:
            level += f"  (capped: {dim.capped_by.reason})"
        rows.append(f"{dim.title:<40} {score:>6}  {level}")
    overall = "n/a" if card.overall_score is None else f"{card.overall_score:.0f}"
    rows.append("-" * 60)
    rows.append(f"{'Overall':<40} {overall:>6}  {card.overall_level} {card.overall_level_name}")
    rows.append(f"{'Floor (lowest dimension level)':<40} {'':>6}  {card.floor}")
    rows.append("")
    rows.append(
        "Headline indicators: "
        + ", ".join(f"{name} {'yes' if met else 'no'}" for name, met in card.indicators.items())
    )
    if card.next_steps:
        rows.append("")
        rows.append("Next steps:")
        rows.extend(f"  [{s.dimension}] {s.advice}" for s in card.next_steps)
    rows.append("")
    rows.append(f"Rulebook {card.rulebook_id} {card.rulebook_version} ({card.rulebook_hash[:12]})")
    return "\n".join(rows)
