"""``citydip score``: score one answers file and print the scorecard."""

from __future__ import annotations

from pathlib import Path

import click

from rules import AnswersError, Scorecard, score_assessment
from rules.rounding import shown_score
from web.cli.rules import RULEBOOK_OPTION, load_rulebook_or_exit, read_answers_file

__all__ = ["format_scorecard", "score_command"]


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
        score = "n/a" if dim.score is None else str(shown_score(dim.score))
        level = "not assessed" if dim.level is None else f"{dim.level} {dim.level_name}"
        if dim.capped_by:
            level += f"  (capped: {dim.capped_by.reason})"
        rows.append(f"{dim.title:<40} {score:>6}  {level}")
    overall = "n/a" if card.overall_score is None else str(shown_score(card.overall_score))
    rows.append("-" * 60)
    rows.append(f"{'Overall':<40} {overall:>6}  {card.overall_level} {card.overall_level_name}")
    rows.append(f"{'Floor (lowest dimension level)':<40} {'':>6}  {card.floor}")
    if card.capped_by_floor:
        rows.append(
            f"The overall score reaches level {card.overall_score_level}; the floor holds the "
            f"overall level at {card.overall_level}."
        )
    if card.overall_level_description:
        rows.append(f"Level {card.overall_level}: {card.overall_level_description}")
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
