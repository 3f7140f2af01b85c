"""What the API does, apart from HTTP: score, store, look up, find peers and advice.

Everything here reuses the browser flow's functions — storage, tokens, the submission step,
the peer service — so an assessment created through the API is the same as one made in the
browser: same rows, same pool entry, same results page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import ValidationError
from werkzeug.exceptions import NotFound

from benchmark.advice import Advice, advise
from benchmark.explain import PeerGroup
from benchmark.profile import CityProfile
from benchmark.steps import next_steps
from rules import Answers, AnswersError, Rulebook, Scorecard, score_assessment, text_in
from rules.index import RulebookIndex
from rules.model import NA, UNKNOWN, Question
from web import state, storage
from web.api.errors import ApiError, problems_message
from web.api.models import CreateAssessmentRequest, ErrorDetail, ProfileIn, QueryMode, ScoreRequest
from web.api.responses import (
    AssessmentLinks,
    AssessmentOut,
    CreatedAssessment,
    DimensionOut,
    IndicatorOut,
    LevelOut,
    OptionOut,
    PeersOut,
    PeerSummary,
    QuestionOut,
    RulebookOut,
    RulebookRef,
    TargetsSet,
)
from web.api.team_state import answers_out, contributor_out, review_state, utc
from web.assessment.cities import country_facts
from web.assessment.flow import prune_answers
from web.assessment.pages import load_assessment, load_for_answering
from web.assessment.results import submitted_result
from web.assessment.submit import (
    TEAM_QUESTION,
    own_ids,
    pool_id,
    record_new_submission,
    team_from_answers,
)
from web.assessment.targets import Targets, targets_of
from web.peers import PeerResults, find_peers, others_in_pool, peer_finder
from web.scorecards import for_reader, stored_scorecard
from web.tokens import hash_token, new_token
from web.urls import external_url

__all__ = [
    "advice_for",
    "answer_values",
    "as_stored",
    "assessment_out",
    "assessment_view",
    "city_profile",
    "create_assessment",
    "example_answers",
    "links",
    "owner_assessment",
    "peers_for",
    "problems",
    "rulebook_view",
    "score",
    "submitted",
    "targets_set",
    "team_assessment",
]


def _empty_pool_note() -> str:
    return _("the peer pool is empty: there are no peers to compare with yet")


# --- the rulebook ---------------------------------------------------------------------------


def rulebook_view(book: Rulebook) -> RulebookOut:
    """The rulebook as a client needs it to build its own form (texts in English)."""
    return RulebookOut(
        id=book.id,
        version=book.version,
        title=text_in(book.title),
        content_hash=book.content_hash,
        levels=[
            LevelOut(
                level=lv.level,
                name=text_in(lv.name),
                min_score=lv.min_score,
                description=text_in(lv.description),
            )
            for lv in book.levels
        ],
        dimensions=[
            DimensionOut(
                id=d.id,
                title=text_in(d.title),
                description=text_in(d.description),
                weight=d.weight,
                questions=[_question(q) for q in d.questions],
            )
            for d in book.dimensions
        ],
        indicators=[IndicatorOut(id=i.id, label=text_in(i.label)) for i in book.indicators],
    )


def answer_values(question: Question) -> list[str]:
    """Every string answer ``question`` accepts (a number question also takes a number)."""
    values = [o.value for o in question.options]
    values += [NA] if question.allow_na else []
    values += [UNKNOWN] if question.allow_unknown else []
    return values


def _question(question: Question) -> QuestionOut:
    values = answer_values(question)
    return QuestionOut(
        id=question.id,
        text=text_in(question.text),
        help=text_in(question.help),
        kind=question.kind,
        source=str(question.source),
        options=[
            OptionOut(
                value=o.value,
                label=text_in(o.label),
                points=o.points,
                min=o.min,
                next_step=text_in(o.next_step) if o.next_step is not None else None,
            )
            for o in question.options
        ],
        allow_na=question.allow_na,
        allow_unknown=question.allow_unknown,
        na_help=text_in(question.na_help) if question.na_help is not None else None,
        applies_if=question.applies_if,
        answer_values=values,
    )


# --- scoring --------------------------------------------------------------------------------


def _answer_problems(exc: AnswersError) -> list[ErrorDetail]:
    details = []
    for problem in exc.problems:
        if problem.question is None:  # the only answer-wide problem: another rulebook
            path = "rulebook"
        elif problem.kind == "unknown_note":
            path = f"notes.{problem.question}"
        else:
            path = f"answers.{problem.question}"
        details.append(ErrorDetail(path=path, message=problem.message))
    return details


def _score(book: Rulebook, body: ScoreRequest) -> tuple[Scorecard | None, list[ErrorDetail]]:
    answers = Answers(rulebook=body.rulebook, answers=dict(body.answers), notes=dict(body.notes))
    try:
        return score_assessment(book, answers), []  # English, as stored
    except AnswersError as exc:
        return None, _answer_problems(exc)


def problems(details: list[ErrorDetail]) -> ApiError:
    """A 422 listing ``details``."""
    return ApiError(422, problems_message(len(details)), details)


def score(book: Rulebook, body: ScoreRequest) -> Scorecard:
    """Score ``body`` statelessly; a 422 lists every answer that does not fit the rulebook."""
    card, details = _score(book, body)
    if card is None:
        raise problems(details)
    return for_reader(card)


# --- creating and reading assessments -------------------------------------------------------


def city_profile(given: ProfileIn) -> tuple[CityProfile | None, list[ErrorDetail]]:
    """The city's profile with region and EU membership from its country, or the problems."""
    facts = country_facts(given.country)
    if facts is None:
        message = _(
            "%(country)s is not a country code we know; use ISO 3166-1 alpha-2",
            country=given.country,
        )
        return None, [ErrorDetail(path="profile.country", message=message)]
    details = []
    if given.region is not None and given.region != facts.region:
        message = _(
            "%(country)s is in %(known)s, not %(given)s; "
            "leave region out and it is filled from the country",
            country=given.country,
            known=repr(facts.region),
            given=repr(given.region),
        )
        details.append(ErrorDetail(path="profile.region", message=message))
    if given.eu_member is not None and given.eu_member != facts.eu_member:
        if facts.eu_member:
            message = _(
                "%(country)s is an EU member; leave eu_member out and it is filled "
                "from the country",
                country=given.country,
            )
        else:
            message = _(
                "%(country)s is not an EU member; leave eu_member out and it is filled "
                "from the country",
                country=given.country,
            )
        details.append(ErrorDetail(path="profile.eu_member", message=message))
    if details:
        return None, details
    profile = CityProfile(
        name=given.name,
        country=given.country,
        region=facts.region,
        population=given.population,
        capital=given.capital,
        eu_member=facts.eu_member,
        team_size=given.team_size,
        geonameid=given.geonameid,
    )
    return profile, []


def create_assessment(book: Rulebook, body: CreateAssessmentRequest) -> CreatedAssessment:
    """Validate, score and store a complete assessment, as a browser submission would.

    Nothing is stored unless profile and answers are all valid; a 422 lists every problem
    with both. Returns the only response that carries the new resume token.
    """
    profile, details = city_profile(body.profile)
    card, answer_details = _score(book, body)
    if profile is None or card is None:
        raise problems(details + answer_details)
    asked = team_from_answers(profile, as_stored(body.answers))
    if body.profile.team_size is not None and body.profile.team_size != asked.team_size:
        raise problems(
            [
                ErrorDetail(
                    path="profile.team_size",
                    message=_(
                        "the team size is asked once, in answers.%(question)s "
                        "(%(answer)s): leave profile.team_size out or give the same number",
                        question=TEAM_QUESTION,
                        answer=asked.team_size,
                    ),
                )
            ]
        )
    profile = asked
    token = new_token()
    found = record_new_submission(
        token_hash=hash_token(token),
        profile=profile,
        sharing=body.sharing,
        answers=as_stored(body.answers),
        notes=dict(body.notes),
        card=card,
    )
    results = find_peers(profile, card, city_id=pool_id(found))
    return CreatedAssessment(
        token=token,
        links=links(token),
        profile=profile,
        sharing=body.sharing,
        scorecard=for_reader(card),
        peers=_peer_summary(results),
        advice=results.advice or _advice_without_peers(card, profile),
    )


def as_stored(answers: Mapping[str, str | int | float]) -> dict[str, str | int | float]:
    """Answers as the browser form stores them: 5.0 staff is stored as 5."""
    return {
        qid: int(v) if isinstance(v, float) and v.is_integer() else v for qid, v in answers.items()
    }


def _peer_summary(results: PeerResults) -> PeerSummary:
    return PeerSummary(
        pool_size=results.pool_size,
        comparable=results.comparable,
        same_stage=results.same_stage,
        learn_from=list(results.learn_from),
        any_demo=results.any_demo,
    )


def _advice_without_peers(card: Scorecard, profile: CityProfile) -> Advice:
    steps = next_steps(state.rulebook(), card, profile)
    return Advice(next_steps=steps, practices=[], practices_note=_empty_pool_note(), learning=[])


def links(token: str) -> AssessmentLinks:
    """Where the assessment of ``token`` is, in this API and in the browser."""
    return AssessmentLinks(
        self=external_url("api.get_assessment", token=token),
        peers=external_url("api.get_peers", token=token),
        advice=external_url("api.get_advice", token=token),
        targets=external_url("api.get_targets", token=token),
        plan=external_url("api.get_plan", token=token),
        resume=external_url("pages.resume", token=token),
        results=external_url("results.results", token=token),
    )


def _unknown_token() -> ApiError:
    # One message for every refused token (unknown, expired, revoked, or a colleague's token
    # on the owner's operation), as the pages give one "page not found": it tells no one
    # which of these a token is.
    days = state.settings().resume_token_days
    message = ngettext(
        "No assessment has this token. Check that it was copied whole; tokens stop working "
        "%(num)s day after the assessment was started, and a colleague's token when the "
        "owner revokes it (or submits: then it reads only the activity log). A colleague's "
        "token reads, saves answers, reviews when asked and reads the activity log; "
        "everything else is the owner's.",
        "No assessment has this token. Check that it was copied whole; tokens stop working "
        "%(num)s days after the assessment was started, and a colleague's token when the "
        "owner revokes it (or submits: then it reads only the activity log). A colleague's "
        "token reads, saves answers, reviews when asked and reads the activity log; "
        "everything else is the owner's.",
        days,
    )
    return ApiError(404, message)


def owner_assessment(token: str) -> storage.StoredAssessment:
    """The assessment of its owner's ``token``; a 404 for any other (a colleague's too)."""
    try:
        return load_assessment(token)
    except NotFound:
        raise _unknown_token() from None


def team_assessment(
    token: str, *, submitted_too: bool = False
) -> tuple[storage.StoredAssessment, storage.StoredContributor | None]:
    """The assessment of its owner's or an active colleague's ``token``, and the colleague
    (None for the owner); a 404 for any other, a revoked one included, and a colleague's once
    the assessment is submitted unless ``submitted_too`` (the activity log, as on the pages)."""
    try:
        return load_for_answering(token, submitted_too=submitted_too)
    except NotFound:
        raise _unknown_token() from None


def _stored_profile(profile: dict[str, Any] | None) -> CityProfile | None:
    try:
        return CityProfile.model_validate(profile) if profile else None
    except ValidationError:  # saved by an older version: the browser flow asks for it again
        return None


def assessment_view(token: str) -> AssessmentOut:
    """The assessment of ``token`` — its owner's or a colleague's — as stored (a 404 for an
    unknown, expired or revoked token)."""
    found, contributor = team_assessment(token)
    return assessment_out(found, token, contributor)


def assessment_out(
    found: storage.StoredAssessment, token: str, contributor: storage.StoredContributor | None
) -> AssessmentOut:
    """``found`` as the holder of ``token`` sees it: the colleagues only for the owner."""
    book = state.rulebook()
    created, updated = utc(found.created_at), utc(found.updated_at)
    assert created is not None and updated is not None
    state_now = answers_out(book, found)
    card = stored_scorecard(found.scorecard) if found.submitted and found.scorecard else None
    review_request, review = review_state(found.id)
    team = (
        [contributor_out(c) for c in storage.list_contributors(assessment_id=found.id)]
        if contributor is None
        else None
    )
    return AssessmentOut(
        status="submitted" if found.submitted else "draft",
        created_at=created,
        updated_at=updated,
        submitted_at=utc(found.submitted_at),
        profile=_stored_profile(found.profile),
        sharing=found.sharing if found.sharing in ("named", "anonymous", "private") else None,
        language=found.language,
        version=state_now.version,
        answers=state_now.answers,
        notes=state_now.notes,
        evidence=state_now.evidence,
        answered_by=state_now.answered_by,
        disputes=state_now.disputes,
        review_request=review_request,
        review=review,
        contributors=team,
        you=None if contributor is None else contributor_out(contributor),
        rulebook=RulebookRef(
            id=found.rulebook_id, version=found.rulebook_version, hash=found.rulebook_hash
        ),
        scorecard=card,
        targets=None if card is None else targets_set(targets_of(found, card, book)),
        links=links(token),
    )


def targets_set(targets: Targets) -> TargetsSet:
    """The targets the city set, or the defaults it is offered."""
    return TargetsSet(levels=targets.levels, date=targets.date, offered=targets.offered)


def submitted(
    token: str, *, for_plan: bool = False
) -> tuple[storage.StoredAssessment, Scorecard, CityProfile]:
    """The submitted assessment of its owner's ``token``: 404 when unknown (or a colleague's),
    409 while still a draft, saying what waits for the submission: peers or advice, or
    (``for_plan``) targets and the plan."""
    found = owner_assessment(token)
    result = submitted_result(found)
    if result is None:
        if for_plan:
            message = _(
                "This assessment is still a draft: finish and submit it on its resume link "
                "before setting targets or following the plan."
            )
        else:
            message = _(
                "This assessment is still a draft: finish and submit it on its resume link "
                "before asking for peers or advice."
            )
        raise ApiError(409, message)
    return found, *result


# --- peers and advice -----------------------------------------------------------------------


def peers_for(token: str, *, mode: QueryMode, k: int | None) -> PeersOut:
    """The peers of a submitted assessment in one mode."""
    found, card, profile = submitted(token)
    k = k or state.settings().k
    finder = peer_finder()
    if finder is None:
        return PeersOut(mode=mode, k=k, pool_size=0, groups=[])
    city_id = own_ids(found)
    groups: list[PeerGroup]
    if mode == "comparable":
        groups = [finder.comparable(profile, card, k, city_id=city_id)]
    elif mode == "same_stage":
        groups = [finder.same_stage(profile, card, k, city_id=city_id)]
    else:
        groups = finder.learn_from(profile, card, k, city_id=city_id)
    return PeersOut(
        mode=mode, k=k, pool_size=others_in_pool(finder, profile, city_id), groups=groups
    )


def advice_for(token: str, *, k: int | None) -> Advice:
    """Next steps, practices common among ``k`` comparable peers, cities to learn from."""
    found, card, profile = submitted(token)
    finder = peer_finder()
    if finder is None:
        return _advice_without_peers(card, profile)
    book = state.rulebook()
    k = k or state.settings().k
    return advise(book, card, finder, profile, k=k, city_id=own_ids(found))


def example_answers(book: Rulebook) -> dict[str, Any] | None:
    """A complete, valid set of answers (the top option everywhere), for the API document."""
    index = RulebookIndex.of(book)
    answers: dict[str, str | int | float] = {}
    for qid in index.order:
        question = index.questions[qid]
        top = question.options[-1]
        if question.kind == "number":
            answers[qid] = int(top.min) if top.min is not None else 0
        else:
            answers[qid] = top.value
    pruned = prune_answers(book, answers)
    try:
        score_assessment(book, Answers(answers=pruned))
    except AnswersError:
        return None
    return pruned
