"""The results page and its downloads (JSON, CSV)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from benchmark.profile import CityProfile
from benchmark.spreadsheet_safe import SafeCsvWriter
from benchmark.steps import next_steps
from rules import NextStep, Rulebook, Scorecard, text_in
from rules.index import RulebookIndex
from rules.rounding import shown_score
from web import state, storage
from web.assessment.access import load_for_reading
from web.assessment.chart import dimension_chart
from web.assessment.evidence import EvidenceCount
from web.assessment.flow import answer_label
from web.assessment.forms import FieldError
from web.assessment.submit import own_ids
from web.assessment.targets import target_choices, targets_of, targets_reached
from web.assessment.teamwork import teamwork
from web.assessment.views import error_map
from web.downloads import attachment, city_file_name
from web.network.progress import progress_since_previous
from web.peers import find_peers
from web.scorecards import stored_scorecard
from web.urls import external_url

__all__ = ["bp", "render_results", "submitted_result"]

bp = Blueprint("results", __name__)

#: the first five repeat on every row, so that a row pasted elsewhere still says whose it is
CSV_COLUMNS = (
    "city",
    "assessed_on",
    "rulebook_version",
    "overall_score",
    "overall_level",
    "dimension_id",
    "dimension",
    "score",
    "level",
    "level_name",
    "capped_by",
    "answered",
    "not_applicable",
    "unknown",
    "skipped",
    "answers_given",
    "answers_evidenced",
    "evidence_old",
    "review_verdict",
    "review",
)


@dataclass(frozen=True)
class TraceRow:
    """One line of "why this score"."""

    question: str
    answer: str
    points: int
    max_points: int
    note: str | None


def submitted_result(found: storage.StoredAssessment) -> tuple[Scorecard, CityProfile] | None:
    """The scorecard and profile of a submitted assessment; None for a draft."""
    if not found.submitted or found.scorecard is None or found.profile is None:
        return None
    return stored_scorecard(found.scorecard), CityProfile(**found.profile)


def _submitted(token: str) -> tuple[storage.StoredAssessment, Scorecard, CityProfile] | None:
    found = load_for_reading(token).found
    result = submitted_result(found)
    return None if result is None else (found, *result)


def _trace(book: Rulebook, card: Scorecard) -> dict[str, list[TraceRow]]:
    questions = RulebookIndex.of(book).questions
    traces: dict[str, list[TraceRow]] = {}
    for dim in card.dimensions:
        rows = []
        for line in dim.trace:
            question = questions.get(line.question)
            text = text_in(question.text) if question else line.question
            if line.status == "skipped":
                answer = _("Does not apply (scored 0)")
            elif question is not None and line.answer is not None:
                answer = answer_label(question, line.answer)
            else:
                answer = str(line.answer)
            rows.append(TraceRow(text, answer, line.points, line.max_points, line.note))
        traces[dim.id] = rows
    return traces


def _question_texts(book: Rulebook) -> dict[str, str]:
    return {qid: text_in(q.text) for qid, q in RulebookIndex.of(book).questions.items()}


@bp.get("/a/<token>/results")
def results(token: str) -> BaseResponse | tuple[str, int]:
    """Overall level and floor, chart and table, trace, next steps, peers, advice; targets
    and sharing for the owner. Read only under a share link."""
    reading = load_for_reading(token)
    if submitted_result(reading.found) is None:
        return redirect(url_for("pages.check", token=token))
    return render_results(token, reading.found, shared=reading.shared)


def render_results(
    token: str,
    found: storage.StoredAssessment,
    *,
    shared: bool = False,
    target_errors: list[FieldError] | None = None,
    new_share: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The results page of a submitted assessment; ``target_errors`` from the targets form,
    ``new_share`` a share link just made (shown once)."""
    result = submitted_result(found)
    assert result is not None
    card, profile = result
    book = state.rulebook()
    peers = find_peers(profile, card, city_id=own_ids(found))
    indicator_labels = {i.id: text_in(i.label) for i in book.indicators}
    return render_template(
        "results.html",
        token=token,
        profile=profile,
        card=card,
        chart=dimension_chart(card, book.levels),
        traces=_trace(book, card),
        question_texts=_question_texts(book),
        dimension_titles={d.id: d.title for d in card.dimensions},
        steps=split_steps(next_steps(book, card, profile)),
        indicators=[(indicator_labels.get(k, k), v) for k, v in card.indicators.items()],
        levels=book.levels,
        floor_margin=book.floor_margin,
        text_in=text_in,
        peers=peers,
        resume_url=external_url("pages.resume", token=token),
        sharing=found.sharing,
        progress=progress_since_previous(found),
        team=teamwork(book, found),
        shared=shared,
        **_targets_context(found, card, book, target_errors or []),
        share_links=[] if shared else storage.list_share_links(assessment_id=found.id),
        new_share=new_share,
        now=datetime.now(UTC).replace(tzinfo=None),
    ), status


def _targets_context(
    found: storage.StoredAssessment, card: Scorecard, book: Rulebook, errors: list[FieldError]
) -> dict[str, Any]:
    targets = targets_of(found, card, book)
    chosen = targets.levels
    if errors:  # the form again, as the user filled it
        chosen = {
            c.dimension_id: int(v)
            for c in target_choices(card, book, {})
            if (v := request.form.get(c.field, "")).isdigit()
        }
    previous = (
        None
        if found.previous_id is None
        else storage.get_assessment(assessment_id=found.previous_id)
    )
    reached, reached_by = targets_reached(previous, card)
    return {
        "targets": targets,
        "target_rows": target_choices(card, book, chosen),
        "target_date": request.form.get("target-date", "") if errors else (targets.date or ""),
        "target_errors": errors,
        "target_error": error_map(errors),
        "reached": reached,
        "reached_by": date.fromisoformat(reached_by) if reached_by else None,
    }


def split_steps(steps: list[NextStep]) -> tuple[list[NextStep], list[NextStep]]:
    """The first step of each dimension (the engine puts the most useful first), and the rest.

    A mid-level city gets up to three steps in each of nine dimensions; showing one per
    dimension first keeps the page readable, the others stay one click away.
    """
    first: list[NextStep] = []
    more: list[NextStep] = []
    seen: set[str] = set()
    for step in steps:
        (more if step.dimension in seen else first).append(step)
        seen.add(step.dimension)
    return first, more


def _verdict_word(verdict: str) -> str:
    """A reviewer's verdict as a CSV cell reads it, in the reader's language."""
    return {"accepted": _("accepted"), "queried": _("queried")}.get(verdict, verdict)


def _evidence_cells(count: EvidenceCount | None) -> tuple[int, int, int]:
    """Answers given (not "I don't know"), those with evidence, those whose evidence is old."""
    return (0, 0, 0) if count is None else (count.answers, count.evidenced, count.stale)


def _download_name(found: storage.StoredAssessment, profile: CityProfile, extension: str) -> str:
    day = (found.submitted_at or datetime.now(UTC)).date()
    return city_file_name(profile.name, "results", day, extension)


def _summary(
    found: storage.StoredAssessment, card: Scorecard, profile: CityProfile
) -> dict[str, Any]:
    """What every download starts with: whose results, from when, under which rulebook."""
    return {
        "city": profile.name,
        "assessed_on": found.submitted_at.date().isoformat() if found.submitted_at else None,
        "rulebook_version": card.rulebook_version,
        "overall_score": None if card.overall_score is None else shown_score(card.overall_score),
        "overall_level": card.overall_level,
        "overall_level_name": card.overall_level_name,
    }


@bp.get("/a/<token>/results.json")
def results_json(token: str) -> BaseResponse:
    """The scorecard and profile as JSON."""
    loaded = _submitted(token)
    if loaded is None:
        return redirect(url_for("pages.check", token=token))
    found, card, profile = loaded
    body: dict[str, Any] = {
        **_summary(found, card, profile),
        "profile": profile.model_dump(mode="json"),
        "submitted_at": found.submitted_at.isoformat() + "Z" if found.submitted_at else None,
        "language": found.language,
        "scorecard": card.model_dump(mode="json"),
        "team": teamwork(state.rulebook(), found).as_json(),
    }
    return Response(
        json.dumps(body, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers=attachment(_download_name(found, profile, "json")),
    )


@bp.get("/a/<token>/results.csv")
def results_csv(token: str) -> BaseResponse:
    """One row per dimension: score, level, the gate that capped it, answer counts."""
    loaded = _submitted(token)
    if loaded is None:
        return redirect(url_for("pages.check", token=token))
    found, card, profile = loaded
    team = teamwork(state.rulebook(), found)
    verdicts = {} if team.reviewer is None or team.review is None else team.review.verdicts
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    summary = _summary(found, card, profile)
    whose = [summary[k] if summary[k] is not None else "" for k in CSV_COLUMNS[:5]]
    for dim in card.dimensions:
        writer.writerow(
            [
                *whose,
                dim.id,
                dim.title,
                "" if dim.score is None else shown_score(dim.score),
                "" if dim.level is None else dim.level,
                dim.level_name or "",
                dim.capped_by.reason if dim.capped_by else "",
                dim.answered,
                dim.not_applicable,
                dim.unknown,
                dim.skipped,
                *_evidence_cells(team.evidence_by_dimension.get(dim.id)),
                _verdict_word((verdicts.get(dim.id) or {}).get("verdict", "")),
                team.review_line,
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers=attachment(_download_name(found, profile, "csv")),
    )
