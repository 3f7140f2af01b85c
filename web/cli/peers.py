"""``citydip peers``: comparable cities, cities to learn from, and advice for one answers file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from benchmark.advice import Advice, advise
from benchmark.errors import PoolFileError
from benchmark.explain import Peer, PeerGroup
from benchmark.peers import PeerFinder
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord
from rules import AnswersError, Rulebook, Scorecard, score_assessment, text_in
from rules.rounding import shown_score
from web.cli.rules import RULEBOOK_OPTION, load_rulebook_or_exit, read_answers_file

__all__ = ["PeersReport", "peers_command", "read_profile_file"]

DEMO_SIZE = 300
DEMO_SEED = 1
MODES = ("comparable", "same-stage", "learn-from", "all")
REASONS_SHOWN = 4
PRACTICES_SHOWN = 10


class PoolInfo(BaseModel):
    """Where the peers came from."""

    model_config = ConfigDict(frozen=True)

    size: int
    source: str
    demo: bool


class PeersReport(BaseModel):
    """Everything ``citydip peers --json`` prints."""

    model_config = ConfigDict(frozen=True)

    city: CityProfile
    overall_level: int | None
    overall_level_name: str | None
    floor: int | None
    pool: PoolInfo
    preset: str
    k: int
    comparable: PeerGroup | None = None
    same_stage: PeerGroup | None = None
    learn_from: list[PeerGroup] = []
    advice: Advice | None = None


def read_profile_file(path: Path) -> CityProfile:
    """The city profile under the top-level ``profile:`` key of an answers file."""
    try:
        data: Any = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise click.ClickException(f"{path} is neither YAML nor JSON: {exc}") from None
    if not isinstance(data, dict) or "profile" not in data:
        raise click.ClickException(
            f"{path} has no profile: add a 'profile:' block with the city's name, country "
            "(two-letter code), region, population, and optionally capital, eu_member and "
            "team_size"
        )
    try:
        return CityProfile.model_validate(data["profile"])
    except ValidationError as exc:
        details = "; ".join(
            f"profile.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
        raise click.ClickException(f"{path} has an invalid profile: {details}") from None


@click.command("peers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--pool",
    "pool_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Peer-pool file (JSON Lines). Default: {DEMO_SIZE} fictional demo cities.",
)
@click.option("--mode", type=click.Choice(MODES), default="all", show_default=True)
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True, help="Peers.")
@click.option("--preset", default="default", show_default=True, help="Weight preset.")
@click.option("--city-id", help="The city's own id in the pool, to leave it out of its peers.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@RULEBOOK_OPTION
def peers_command(
    file: Path,
    pool_path: Path | None,
    mode: str,
    k: int,
    preset: str,
    city_id: str | None,
    as_json: bool,
    rulebook_path: Path,
) -> None:
    """Find peer cities for the answers in FILE, whose 'profile:' block gives the context.

    Shows comparable cities (similar context), cities at the same stage (similar scores),
    cities to learn from in the weakest dimensions, and advice.
    """
    book = load_rulebook_or_exit(rulebook_path)
    profile = read_profile_file(file)
    try:
        card = score_assessment(book, read_answers_file(file))
    except AnswersError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    pool, info = _pool(book, pool_path)
    titles = {d.id: text_in(d.title) for d in book.dimensions}
    try:
        finder = PeerFinder(preset=preset, n_neighbors=k).fit(pool, dimension_titles=titles)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    report = build_report(book, card, profile, finder, info, mode, city_id)
    click.echo(report.model_dump_json(indent=2) if as_json else format_report(report))


def build_report(
    book: Rulebook,
    card: Scorecard,
    profile: CityProfile,
    finder: PeerFinder,
    info: PoolInfo,
    mode: str,
    city_id: str | None,
) -> PeersReport:
    """Run the queries ``mode`` asks for and gather them in one report."""
    wanted = set(MODES[:3]) if mode == "all" else {mode}
    comparable = finder.comparable(profile, card, city_id=city_id)
    learning = finder.learn_from(profile, card, city_id=city_id) if "learn-from" in wanted else []
    advice = None
    if mode == "all":
        advice = advise(
            book, card, finder, profile, comparable=comparable, learning=learning, city_id=city_id
        )
    return PeersReport(
        city=profile,
        overall_level=card.overall_level,
        overall_level_name=card.overall_level_name,
        floor=card.floor,
        pool=info,
        preset=comparable.preset,
        k=finder.n_neighbors,
        comparable=comparable if "comparable" in wanted else None,
        same_stage=(
            finder.same_stage(profile, card, city_id=city_id) if "same-stage" in wanted else None
        ),
        learn_from=learning,
        advice=advice,
    )


def _pool(book: Rulebook, path: Path | None) -> tuple[list[PoolRecord], PoolInfo]:
    if path is None:
        from benchmark.demo import generate_demo_pool  # only when no pool file is given

        records = generate_demo_pool(DEMO_SIZE, DEMO_SEED, book)
        source = f"{DEMO_SIZE} fictional demo cities (seed {DEMO_SEED})"
        return records, PoolInfo(size=len(records), source=source, demo=True)
    from benchmark.pool import load_pool

    try:
        records = load_pool(path)
    except PoolFileError as exc:
        click.echo(f"{path}: {exc}", err=True)
        raise SystemExit(1) from None
    if not records:
        raise click.ClickException(f"{path} holds no cities: there is nobody to compare with")
    demo = all(r.is_demo for r in records)
    return records, PoolInfo(size=len(records), source=str(path), demo=demo)


# -- text output ---------------------------------------------------------------------------


def format_report(report: PeersReport) -> str:
    """The report as plain text for the terminal."""
    city = report.city
    lines = [
        f"Peers of {city.name} ({city.size_band}, {city.region}"
        f"{', EU member' if city.eu_member else ''}{', capital' if city.capital else ''})",
        f"Pool: {report.pool.source}; preset '{report.preset}'; k = {report.k}",
        f"Overall level {report.overall_level} {report.overall_level_name}; "
        f"lowest dimension level {report.floor}",
    ]
    if report.pool.demo:
        lines.append("Note: the demo cities are fictional; their names and answers are invented.")
    if report.comparable:
        lines += ["", "Comparable cities (similar context)", *_group_lines(report.comparable)]
    if report.same_stage:
        lines += ["", "Cities at the same stage (similar scores)"]
        lines += _group_lines(report.same_stage)
    if report.learn_from:
        lines += ["", "Cities to learn from, in your weakest dimensions"]
        for group in report.learn_from:
            lines += _learn_lines(group)
    if report.advice:
        lines += ["", *_advice_lines(report.advice)]
    return "\n".join(lines)


def _group_lines(group: PeerGroup) -> list[str]:
    lines = [line for n, peer in enumerate(group.peers, 1) for line in _peer_lines(n, peer)]
    if not group.peers:
        lines.append("  (no city found)")
    if group.positions:
        lines.append("  Where you stand against these peers (score, peer median):")
        for p in group.positions:
            you = "n/a" if p.city_score is None else str(shown_score(p.city_score))
            median = "hidden" if p.peer_median is None else str(shown_score(p.peer_median))
            lines.append(f"    {p.label:<40} you {you:>3}  peers {median:>6}  {p.position}")
    elif group.note:
        lines.append(f"  ({group.note})")
    return lines


def _peer_lines(n: int, peer: Peer, indent: str = "  ") -> list[str]:
    return [
        f"{indent}{n:>2}. {peer.name}  (distance {peer.distance:.3f})",
        f"{indent}    {'; '.join(peer.reasons[:REASONS_SHOWN])}",
    ]


def _learn_lines(group: PeerGroup) -> list[str]:
    first = group.peers[0].target if group.peers else None
    label = first.label if first else group.target
    level = f" (you: level {first.city_level})" if first and first.city_level else ""
    lines = [f"  {label}{level}"]
    if not group.peers:
        return [*lines, f"      ({group.note or 'no comparable city is ahead here'})"]
    return lines + [
        line for n, p in enumerate(group.peers, 1) for line in _peer_lines(n, p, "    ")
    ]


def _advice_lines(advice: Advice) -> list[str]:
    lines = ["Advice"]
    if advice.next_steps:
        lines.append("  Next steps from the rulebook:")
        lines += [f"    [{s.dimension}] {s.advice}" for s in advice.next_steps]
    lines.append("  Common among your comparable peers:")
    if advice.practices:
        lines += [f"    {p.text}" for p in advice.practices[:PRACTICES_SHOWN]]
        more = len(advice.practices) - PRACTICES_SHOWN
        if more > 0:
            lines.append(f"    … and {more} more (--json lists them all)")
    else:
        lines.append(
            f"    ({advice.practices_note or 'nothing most of your peers do that you lack'})"
        )
    return lines
