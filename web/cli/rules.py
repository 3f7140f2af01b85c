"""Commands about the rulebook (check, test, schema) and scoring answer files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rules.errors import RulebookError
from rules.loader import DEFAULT_RULEBOOK, load_rulebook

if TYPE_CHECKING:
    from rules import Answers, Rulebook

__all__ = [
    "RULEBOOK_OPTION",
    "SCHEMA_KINDS",
    "load_rulebook_or_exit",
    "read_answers_file",
    "rules_group",
]

#: The file kinds of ``rules.schema.FILE_MODELS`` (a test keeps them equal): named here so
#: that ``citydip rules check`` does not import the answer and case models to build a choice.
SCHEMA_KINDS = ("rulebook", "dimension", "case", "answers")

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
    import yaml
    from pydantic import ValidationError

    from rules import Answers

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
@click.option(
    "--languages",
    default="en",
    show_default=True,
    help="Comma-separated languages every text must have, e.g. en,fr,de,es,it,pl.",
)
def check_command(path: Path, languages: str) -> None:
    """Check the rulebook in PATH (default: the shipped one); list every problem, and
    every text that lacks one of the --languages, with its file and line."""
    from rules.languages import missing_texts

    book = load_rulebook_or_exit(path)
    questions = sum(len(d.questions) for d in book.dimensions)
    wanted = [lang.strip() for lang in languages.split(",") if lang.strip()]
    missing = missing_texts(path, wanted)
    for text in missing:
        click.echo(str(text), err=True)
    if missing:
        raise click.ClickException(
            f"{len(missing)} texts lack a language of {', '.join(wanted)} (listed above)"
        )
    click.echo(
        f"OK: {book.id} {book.version}: {len(book.dimensions)} dimensions, "
        f"{questions} questions, {len(book.levels)} levels (sha256 {book.content_hash[:12]})"
        + (f"; every text in {', '.join(wanted)}" if len(wanted) > 1 else "")
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
    from rules import run_cases

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
    type=click.Choice(SCHEMA_KINDS),
    default="dimension",
    show_default=True,
    help="Which file's schema to print.",
)
def schema_command(kind: str) -> None:
    """Print the JSON Schema of a rulebook file kind, for editors."""
    from rules.schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2))
