"""Commands about peer-pool files: build a demo pool, import survey CSVs, export, summarise."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from benchmark.aggregates import GroupRow, PoolAggregates, aggregate_pool
from benchmark.demo import generate_demo_pool
from benchmark.errors import PoolFileError, SurveyImportError
from benchmark.pool import load_pool, save_pool
from benchmark.record import PoolRecord
from benchmark.spreadsheet_safe import SafeCsvWriter
from benchmark.survey_csv import export_rows, import_survey
from rules import Rulebook, RulebookError, load_previous, text_in
from web.cli.rules import RULEBOOK_OPTION, load_rulebook_or_exit

__all__ = ["pool_group"]

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
OUTPUT_FILE = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.group("pool")
def pool_group() -> None:
    """Build, import, export and summarise peer-pool files (JSON Lines)."""


@pool_group.command("demo")
@click.option("--n", "count", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same pool.")
@click.option("-o", "--output", type=OUTPUT_FILE, required=True, help="Pool file to write.")
@RULEBOOK_OPTION
def demo_command(count: int, seed: int, output: Path, rulebook_path: Path) -> None:
    """Write a pool of COUNT fictional demo cities, calibrated to the published figures."""
    book = load_rulebook_or_exit(rulebook_path)
    with click.progressbar(length=count, label="Generating demo cities", file=sys.stderr) as bar:
        records = generate_demo_pool(count, seed, book, progress=bar.update)
    save_pool(records, output)
    click.echo(f"Wrote {len(records)} demo cities (fictional data) to {output}")


@pool_group.command("import")
@click.argument("file", type=EXISTING_FILE, required=False)
@click.option("-o", "--output", "pool_path", type=OUTPUT_FILE, help="Pool file to add to.")
@click.option(
    "--database",
    "into_database",
    is_flag=True,
    help="Add to the web app's database (CITYDIP_* settings, its rulebook) instead of a pool "
    "file, as the admin import page does; FILE may also be a pool file (JSON Lines).",
)
@click.option("--dry-run", is_flag=True, help="Check and score every row; write nothing.")
@click.option(
    "--undo",
    "undo",
    type=int,
    metavar="BATCH",
    help="With --database: undo the import batch BATCH (as listed on the admin import page), "
    "all of it or nothing.",
)
@RULEBOOK_OPTION
def import_command(
    file: Path | None,
    pool_path: Path | None,
    into_database: bool,
    dry_run: bool,
    undo: int | None,
    rulebook_path: Path,
) -> None:
    """Score the survey responses in the CSV FILE and add them to the pool.

    FILE has one column per question id and the profile columns name, country, population,
    capital and consent_named (region, eu_member, team_size, id and assessed_on are optional).
    Every row is checked first: if any is bad, each problem is listed and nothing is written.
    `citydip pool template` writes a template. Give -o POOL_FILE or --database. Into the
    database, re-importing a file changes nothing (each city is matched by its stable key),
    and every import is a batch that --undo BATCH takes back.
    """
    if into_database == (pool_path is not None):
        raise click.UsageError("give either -o POOL_FILE or --database")
    if undo is not None:
        if not into_database or file is not None:
            raise click.UsageError("--undo BATCH goes with --database and no FILE")
        _undo_in_database(undo)
        return
    if file is None:
        raise click.UsageError("give the FILE to import")
    if into_database:
        _import_into_database(file, dry_run=dry_run)
        return
    assert pool_path is not None
    book = load_rulebook_or_exit(rulebook_path)
    pool = _load_or_exit(pool_path) if pool_path.exists() else []
    try:
        # as bytes: universal newlines would turn a carriage return inside a quoted cell into
        # a line feed, and the CSV reader handles line ends itself
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text: {exc.reason}") from None
    try:
        records = import_survey(
            text,
            book,
            assessed_on=date.today(),
            taken_ids={r.id for r in pool},
            previous=_previous_or_none(rulebook_path, book),
        )
    except SurveyImportError as exc:
        click.echo(f"{file}: {exc}", err=True)
        raise SystemExit(1) from None
    if dry_run:
        click.echo(f"Dry run: all {len(records)} rows of {file} are valid; nothing was written.")
        return
    save_pool([*pool, *records], pool_path)
    click.echo(f"Imported {len(records)} cities into {pool_path} ({len(pool) + len(records)} now)")


def _import_into_database(file: Path, *, dry_run: bool) -> None:
    from web import storage
    from web.cli.app import app_or_exit
    from web.network.importing import import_file

    app = app_or_exit()
    try:
        with app.app_context():
            outcome = import_file(file.read_bytes(), file.name, dry_run=dry_run)
    finally:
        storage.dispose(app)
    if outcome.problems:
        lines = "\n".join(f"  {problem}" for problem in outcome.problems)
        click.echo(f"{file}: nothing was imported:\n{lines}", err=True)
        raise SystemExit(1)
    counts = outcome.counts
    summary = (
        ""
        if counts is None
        else (f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged")
    )
    if dry_run:
        click.echo(
            f"Dry run: all {len(outcome.records)} rows of {file} are valid ({summary}); "
            "nothing added."
        )
    else:
        batch = "" if counts is None or counts.batch_id is None else f" as batch {counts.batch_id}"
        click.echo(
            f"Imported {outcome.added} cities from {file} into the app's database{batch} "
            f"({summary})"
        )


def _undo_in_database(batch_id: int) -> None:
    from web import storage
    from web.cli.app import app_or_exit
    from web.storage import batches

    app = app_or_exit()
    try:
        with app.app_context():
            done = batches.undo_batch(batch_id=batch_id)
    except batches.UndoRefused as exc:
        raise click.ClickException(f"not undone: {exc}") from None
    finally:
        storage.dispose(app)
    click.echo(
        f"Batch {batch_id} undone: {done.new} cities removed, {done.updated} restored to "
        "their earlier record"
    )


@pool_group.command("template")
@click.option("-o", "--output", type=OUTPUT_FILE, help="File to write (default: print it).")
@RULEBOOK_OPTION
def template_command(output: Path | None, rulebook_path: Path) -> None:
    """Write the survey CSV template of the rulebook: the profile columns, one column per
    question id, and one example row (replace or delete it)."""
    from web.network.survey_template import template_csv

    body = template_csv(load_rulebook_or_exit(rulebook_path), today=date.today())
    if output is None:
        click.echo(body, nl=False)
    else:
        output.write_bytes(body.encode("utf-8"))


@pool_group.command("export")
@click.argument("pool_path", metavar="POOL", type=EXISTING_FILE)
@click.option("-o", "--output", type=OUTPUT_FILE, required=True, help="File to write.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@RULEBOOK_OPTION
def export_command(pool_path: Path, output: Path, fmt: str, rulebook_path: Path) -> None:
    """Export the pool POOL as JSON Lines or as CSV (survey columns plus scores)."""
    records = _load_or_exit(pool_path)
    if fmt == "jsonl":
        save_pool(records, output)
    else:
        book = load_rulebook_or_exit(rulebook_path)
        order = [q.id for d in book.dimensions for q in d.questions]
        extra = sorted({q for r in records for q in r.answers} - set(order))
        header, rows = export_rows(records, [*order, *extra])
        with output.open("w", encoding="utf-8", newline="") as out:
            writer = SafeCsvWriter(out)
            writer.writerow(header)
            writer.writerows(rows)
    click.echo(f"Exported {len(records)} cities to {output} ({fmt})")


@pool_group.command("stats")
@click.argument("pool_path", metavar="POOL", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the aggregates as JSON.")
@click.option("--no-demo", is_flag=True, help="Leave out demo (fictional) cities.")
@RULEBOOK_OPTION
def stats_command(pool_path: Path, as_json: bool, no_demo: bool, rulebook_path: Path) -> None:
    """Print the share of cities meeting each headline indicator, beside published figures."""
    book = load_rulebook_or_exit(rulebook_path)
    records = _load_or_exit(pool_path)
    aggregates = aggregate_pool(records, [i.id for i in book.indicators], include_demo=not no_demo)
    if as_json:
        click.echo(json.dumps(_stats_json(aggregates, book), indent=2))
    else:
        click.echo(format_stats(aggregates, book, pool_path.name))


def _load_or_exit(path: Path) -> list[PoolRecord]:
    try:
        return load_pool(path)
    except PoolFileError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None


def _stats_json(aggregates: PoolAggregates, book: Rulebook) -> dict[str, object]:
    references = {
        i.id: [r.model_dump() for r in i.references] for i in book.indicators if i.references
    }
    return {"aggregates": aggregates.model_dump(), "references": references}


def format_stats(aggregates: PoolAggregates, book: Rulebook, name: str) -> str:
    """The aggregates as a plain-text report: headline table, then one row per group."""
    demo = aggregates.demo_cities
    lines = [
        f"Pool {name}: {aggregates.cities} cities"
        + (f", of which {demo} demo cities (fictional data)" if demo else "")
        + ("; demo cities left out" if not aggregates.include_demo else ""),
        f"Groups and figures over fewer than {aggregates.min_group_size} cities are suppressed, "
        "and so are those that could be subtracted from others to reveal fewer.",
        "",
        f"{'Headline indicator':<66} {'Pool':>5} {'n':>6}  Published",
    ]
    overall = aggregates.row("overall", "all cities")
    sources: dict[str, None] = {}
    for number, (indicator, cell) in enumerate(
        zip(book.indicators, overall.indicators, strict=True), 1
    ):
        label = f"[{number}] {text_in(indicator.label)}"
        published = ", ".join(f"{r.share:.0%} ({r.year})" for r in indicator.references)
        sources.update(dict.fromkeys(str(r.source) for r in indicator.references))
        pool = "supp." if cell.suppressed else f"{cell.share:.0%}"
        n = "" if cell.n is None else str(cell.n)
        lines.append(f"{label:<66} {pool:>5} {n:>6}  {published or '-'}")
    if sources:
        lines += ["", "Published figures:", *[f"  {source}" for source in sources]]
    groups = [row for row in aggregates.rows if row.grouping != "overall"]
    if groups:
        columns = "".join(f"{f'[{k}]':>7}" for k in range(1, len(book.indicators) + 1))
        lines += ["", f"{'Group':<46} {'n':>6}{columns}", *map(_group_line, groups)]
    return "\n".join(lines)


def _group_line(row: GroupRow) -> str:
    label = f"{row.grouping.replace('_', ' ')}: {row.group}"
    if row.suppressed:
        why = "too few cities" if row.reason == "too_few_cities" else "differencing"
        return f"{label:<46} {f'suppressed ({why})':>34}"
    cells = "".join(f"{'supp.' if c.suppressed else f'{c.share:.0%}':>7}" for c in row.indicators)
    return f"{label:<46} {row.n:>6}{cells}"


def _previous_or_none(rulebook_path: Path, book: Rulebook) -> Rulebook | None:
    """The version ``book`` migrates from, so that files made with its template still import."""
    if book.migration is None:
        return None
    try:
        return load_previous(rulebook_path, book.migration)
    except RulebookError:
        return None
