"""The assessment flow: landing, city profile, one page per dimension, check, submit.

Every page works without JavaScript. Answers are saved at every step; the secret resume link
(``/a/<token>/...``) is the only key to an assessment.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from benchmark.profile import CityProfile
from benchmark.wording import region_name
from rules import Dimension, text_in
from web import state, storage
from web.assessment.cities import city_profile, country_facts, search_cities
from web.assessment.dates import date_time, long_date, month_year, short_date
from web.assessment.flow import (
    CHECK_STEP,
    PROFILE_STEP,
    applicable_questions,
    first_open_step,
    page_questions,
    prune_answers,
    steps,
)
from web.assessment.forms import (
    FieldError,
    PageAnswers,
    ProfileForm,
    field_id,
    parse_page,
    parse_profile,
)
from web.assessment.review import review_context
from web.assessment.submit import submit
from web.assessment.team import (
    ROLE_SUGGESTIONS,
    Invitation,
    SaveConflict,
    authors_of,
    dispute_rows,
    save_conflict,
)
from web.assessment.views import error_map, question_views, stored_values, summary_sections
from web.i18n import request_language
from web.tokens import hash_token, looks_like_token, new_token
from web.urls import external_url

__all__ = ["bp", "load_assessment", "load_for_answering", "plain_id", "render_check"]

bp = Blueprint("pages", __name__)
# Dates in the reader's language on every page, the network's included (web/assessment/dates.py).
for _date_filter in (long_date, short_date, month_year, date_time):
    bp.add_app_template_filter(_date_filter)


def load_assessment(token: str) -> storage.StoredAssessment:
    """The assessment of its owner's resume token, or a 404 for a wrong, unknown or expired
    token (a contributor's link included: these pages are the owner's)."""
    if not looks_like_token(token):
        abort(404)
    found = storage.find_assessment(token_hash=hash_token(token))
    if found is None:
        abort(404)
    return _not_expired(found)


def load_for_answering(
    token: str, *, submitted_too: bool = False
) -> tuple[storage.StoredAssessment, storage.StoredContributor | None]:
    """The assessment of its owner's or a contributor's link, and the contributor (None for
    the owner); a 404 for anything else, a revoked link included, and a contributor's link
    once the assessment is submitted unless ``submitted_too`` (pages that only read)."""
    if not looks_like_token(token):
        abort(404)
    token_hash = hash_token(token)
    found = storage.find_assessment(token_hash=token_hash)
    if found is not None:
        return _not_expired(found), None
    contributor = storage.find_contributor(token_hash=token_hash, submitted_too=submitted_too)
    found = (
        None
        if contributor is None
        else storage.get_assessment(assessment_id=contributor.assessment_id)
    )
    if found is None:
        abort(404)
    return _not_expired(found), contributor


def _not_expired(found: storage.StoredAssessment) -> storage.StoredAssessment:
    age = datetime.now(UTC).replace(tzinfo=None) - found.created_at
    if age > timedelta(days=state.settings().resume_token_days):
        abort(404)
    return found


def _step_context(token: str, key: str) -> dict[str, Any]:
    all_steps = steps(state.rulebook())
    step = next(s for s in all_steps if s.key == key)
    return {
        "token": token,
        "step": step,
        "total_steps": len(all_steps),
        "resume_url": external_url("pages.resume", token=token),
    }


def _step_url(token: str, key: str) -> str:
    if key == PROFILE_STEP:
        return url_for("pages.profile", token=token)
    if key == CHECK_STEP:
        return url_for("pages.check", token=token)
    return url_for("pages.dimension", token=token, dimension_id=key)


def _next_url(token: str, key: str) -> str:
    if request.form.get("return_to") == CHECK_STEP:
        return url_for("pages.check", token=token)
    keys = [s.key for s in steps(state.rulebook())]
    return _step_url(token, keys[keys.index(key) + 1])


def _previous_url(token: str, key: str, *, owner: bool = True) -> str:
    keys = [s.key for s in steps(state.rulebook())]
    position = keys.index(key)
    if position == 0 or (not owner and keys[position - 1] == PROFILE_STEP):
        return url_for("pages.landing")  # the profile is the owner's
    return _step_url(token, keys[position - 1])


@bp.get("/")
def landing() -> str:
    """What this is, how long it takes, what is stored and who sees it."""
    book = state.rulebook()
    questions = sum(len(d.questions) for d in book.dimensions)
    return render_template(
        "landing.html",
        dimensions=book.dimensions,
        questions=questions,
        text_in=text_in,
        resume_days=state.settings().resume_token_days,
    )


@bp.post("/start")
def start() -> Response:
    """Create an assessment and send the user to its first step."""
    book = state.rulebook()
    token = new_token()
    storage.create_assessment(
        token_hash=hash_token(token),
        rulebook_id=book.id,
        rulebook_version=book.version,
        rulebook_hash=book.content_hash,
        language=request_language(),
    )
    return redirect(url_for("pages.profile", token=token), code=303)


@bp.get("/a/<token>")
def resume(token: str) -> Response:
    """Where a resume link lands: the first step still to do, or the results; a
    contributor's link, the first dimension they were asked to answer (a reviewer's, the
    review asked of them)."""
    found, contributor = load_for_answering(token)
    if found.submitted:
        return redirect(url_for("results.results", token=token))
    book = state.rulebook()
    if contributor is not None:
        review = storage.latest_review(assessment_id=found.id)
        if review and review.finished_at is None and review.reviewer_id == contributor.id:
            return redirect(url_for("review.review", token=token))
        asked = contributor.dimensions or tuple(d.id for d in book.dimensions)
        return redirect(_step_url(token, asked[0]))
    key = first_open_step(book, found.profile, found.answers)
    return redirect(_step_url(token, key))


def plain_id(text: str) -> bool:
    """True for a short string of ASCII digits: an id or a version posted by a form."""
    # ASCII digits only: "²" and "⑦" are str.isdigit() but not int(), a 500 before.
    return text.isascii() and text.isdigit() and len(text) < 12


def _profile_values(found: storage.StoredAssessment) -> dict[str, str]:
    values: dict[str, str] = {}
    chosen = request.args.get("city", "")
    picked = city_profile(int(chosen)) if plain_id(chosen) else None
    source: dict[str, Any] = dict(found.profile or {})
    if picked is not None:
        source = {**source, **picked.model_dump()}
    for key in ("name", "country", "population", "geonameid"):
        if source.get(key) is not None:
            values[key] = str(source[key])
    if "capital" in source:
        values["capital"] = "yes" if source["capital"] else "no"
    if found.sharing:
        values["sharing"] = found.sharing
    return values


def _render_profile(
    token: str, values: dict[str, str], errors: list[FieldError], status: int = 200
) -> tuple[str, int]:
    query = request.args.get("q", "").strip()[:100]
    results = search_cities(query) if query else []
    return render_template(
        "profile.html",
        values=values,
        errors=errors,
        error=error_map(errors),
        query=query,
        results=results,
        searched=bool(query),
        return_to=request.values.get("return_to", ""),
        **_step_context(token, PROFILE_STEP),
        back_url=url_for("pages.landing"),
    ), status


@bp.route("/a/<token>/profile", methods=["GET", "POST"])
def profile(token: str) -> Response | tuple[str, int]:
    """The city profile: search the gazetteer, check the details, choose what to share."""
    found = load_assessment(token)
    if found.submitted:
        return redirect(url_for("results.results", token=token))
    if request.method == "GET":
        return _render_profile(token, _profile_values(found), [])
    parsed, errors, raw = parse_profile(request.form)
    if parsed is None:
        values = {k: v for k, v in raw.items() if v is not None}
        return _render_profile(token, values, errors, status=400)
    storage.save_profile(
        assessment_id=found.id, profile=_profile_record(parsed), sharing=parsed.sharing
    )
    return redirect(_next_url(token, PROFILE_STEP), code=303)


def _profile_record(form: ProfileForm) -> dict[str, Any]:
    facts = country_facts(form.country)
    assert facts is not None  # parse_profile rejects unknown countries
    profile = CityProfile(
        name=form.name,
        country=form.country,
        region=facts.region,
        population=form.population,
        capital=form.capital == "yes",
        eu_member=facts.eu_member,
        team_size=None,  # asked once, in the staff question: filled in at submission
        geonameid=form.geonameid,
    )
    return profile.model_dump(mode="json")


def _dimension(dimension_id: str) -> Dimension:
    for dimension in state.rulebook().dimensions:
        if dimension.id == dimension_id:
            return dimension
    abort(404)


def _render_dimension(
    token: str,
    dimension: Dimension,
    values: dict[str, str],
    errors: list[FieldError],
    answers: dict[str, Any],
    status: int = 200,
    *,
    owner: bool = True,
    version: int = 0,
    conflict: SaveConflict | None = None,
) -> tuple[str, int]:
    book = state.rulebook()
    questions = page_questions(book, dimension, answers)
    return render_template(
        "dimension.html",
        dimension=dimension,
        title=text_in(dimension.title),
        description=text_in(dimension.description),
        questions=question_views(book, questions, values, errors),
        errors=errors,
        return_to=request.values.get("return_to", ""),
        back_url=_previous_url(token, dimension.id, owner=owner),
        version=version,
        conflict=conflict,
        **_step_context(token, dimension.id),
    ), status


@bp.route("/a/<token>/step/<dimension_id>", methods=["GET", "POST"])
def dimension(token: str, dimension_id: str) -> Response | tuple[str, int]:
    """One dimension's questions; skip logic decides which apply."""
    found, contributor = load_for_answering(token)
    if found.submitted:
        return redirect(url_for("results.results", token=token))
    page = _dimension(dimension_id)
    owner = contributor is None
    if request.method == "GET":
        values = stored_values(found.answers, found.notes, found.evidence)
        return _render_dimension(
            token, page, values, [], found.answers, owner=owner, version=found.version
        )
    parsed, merged = _parse_dimension(page, found)
    if parsed.errors:
        return _render_dimension(
            token,
            page,
            parsed.raw,
            parsed.errors,
            merged,
            status=400,
            owner=owner,
            version=_shown_version(found.version),
        )
    here = {q.id for q in page.questions}
    notes = {q: n for q, n in found.notes.items() if q not in here} | parsed.notes
    notes = {q: n for q, n in notes.items() if q in merged}
    evidence = {q: e for q, e in found.evidence.items() if q not in here} | parsed.evidence
    saved = storage.save_answers(
        assessment_id=found.id,
        answers=merged,
        notes=notes,
        evidence=evidence,
        by=None if contributor is None else contributor.id,
        shown_version=_shown_version(found.version),
    )
    if not saved:
        return _render_conflict(token, page, found.id, parsed.raw, merged, owner=owner)
    return redirect(_next_url(token, dimension_id), code=303)


def _shown_version(current: int) -> int:
    """The version the posted page was shown at; a form without one (a script, not a
    browser) is taken as shown at the current version."""
    posted = request.form.get("version", "")
    return int(posted) if plain_id(posted) else current


def _render_conflict(
    token: str,
    page: Dimension,
    assessment_id: int,
    raw: dict[str, str],
    yours: dict[str, Any],
    *,
    owner: bool,
) -> tuple[str, int]:
    """The page again, refused (409): what was saved meanwhile beside the user's answers,
    which stay in the form, at the new version, to be saved on purpose."""
    now = storage.get_assessment(assessment_id=assessment_id)
    assert now is not None
    team = storage.list_contributors(assessment_id=assessment_id)
    conflict = save_conflict(page, now.answers, yours, authors_of(now.answered_by, team))
    return _render_dimension(
        token,
        page,
        raw,
        [],
        yours,
        status=409,
        owner=owner,
        version=now.version,
        conflict=conflict,
    )


def _parse_dimension(
    page: Dimension, found: storage.StoredAssessment
) -> tuple[PageAnswers, dict[str, Any]]:
    """Parse a dimension page; a question is required when it applies given the new answers."""
    book = state.rulebook()
    here = {q.id for q in page.questions}
    others = {q: v for q, v in found.answers.items() if q not in here}
    shown = page_questions(book, page, found.answers)
    first = parse_page(shown, request.form, required=set())
    merged = prune_answers(book, others | first.answers)
    applies = applicable_questions(book, others | first.answers)
    parsed = parse_page(shown, request.form, required={q.id for q in shown if q.id in applies})
    return parsed, merged


@bp.get("/a/<token>/check")
def check(token: str) -> Response | tuple[str, int]:
    """Check your answers, with a Change link for each, who gave each answer, and the team."""
    found, contributor = load_for_answering(token)
    if found.submitted:
        return redirect(url_for("results.results", token=token))
    return render_check(token, found, [], contributor=contributor)


def render_check(
    token: str,
    found: storage.StoredAssessment,
    errors: list[FieldError],
    status: int = 200,
    *,
    contributor: storage.StoredContributor | None = None,
    invitation: Invitation | None = None,
    new_link: tuple[storage.StoredContributor, str] | None = None,
    reply_text: dict[str, str] | None = None,
) -> tuple[str, int]:
    """Render the check-your-answers page, with ``errors`` from a failed submission; for the
    owner, the team (an ``invitation`` with problems, or the ``new_link`` just made)."""
    book = state.rulebook()
    team = storage.list_contributors(assessment_id=found.id)
    authors = authors_of(found.answered_by, team)
    sections = summary_sections(book, found.answers, found.notes, authors, found.evidence)
    invitation = invitation or Invitation()
    errors = [*errors, *invitation.errors]
    titles = {d.id: text_in(d.title) for d in book.dimensions}
    # A re-assessment says which assessment its answers come from.
    previous = (
        None
        if found.previous_id is None
        else storage.get_assessment(assessment_id=found.previous_id)
    )
    return render_template(
        "check.html",
        profile=found.profile,
        # the region as the reader names it (the profile keeps the English name)
        profile_region=region_name(found.profile["region"]) if found.profile else None,
        sharing=found.sharing,
        sections=sections,
        missing=sum(s.missing for s in sections),
        errors=errors,
        previous_date=previous.submitted_at if previous is not None else None,
        field_id=field_id,
        back_url=_previous_url(token, CHECK_STEP, owner=contributor is None),
        owner=contributor is None,
        contributor=contributor,
        team=team,
        invitation=invitation,
        new_link=new_link,
        role_suggestions=ROLE_SUGGESTIONS,
        dimension_titles=titles,
        disputes=dispute_rows(book, found.disputes, team),
        version=found.version,
        reply_text=reply_text or {},
        error=error_map(errors),
        **review_context(found.id, team, contributor, titles),
        **_step_context(token, CHECK_STEP),
    ), status


@bp.post("/a/<token>/submit")
def submit_view(token: str) -> Response | tuple[str, int]:
    """Score the answers, store the scorecard, add the city to the pool if it agreed."""
    found = load_assessment(token)
    if found.submitted:
        return redirect(url_for("results.results", token=token), code=303)
    errors = submit(found, link=lambda key, anchor: _step_url(token, key) + anchor)
    if errors:
        return render_check(token, found, errors, status=400)
    return redirect(url_for("results.results", token=token), code=303)
