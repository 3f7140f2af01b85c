"""Advice for one city: next steps, practices common among its peers, partners to learn from.

Three parts (DESIGN §4):

(a) the rulebook's next-level steps that fit the city (``benchmark.steps``: EU link, effort,
    stretch steps at the top level);
(b) practices most of the city's comparable peers have and the city lacks, with counts
    ("7 of your 10 peers ...") — only for a peer group of at least
    :data:`~benchmark.privacy.MIN_GROUP_SIZE` cities, never an aggregate over fewer;
(c) cities to learn from in the weakest dimensions (:meth:`PeerFinder.learn_from`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from benchmark.explain import PeerGroup
from benchmark.privacy import MIN_GROUP_SIZE, suppressed
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord
from benchmark.steps import next_steps
from rules import Answers, AnswersError, NextStep, Rulebook, Scorecard, text_in, validate_answers
from rules.index import RulebookIndex
from rules.locale import phrase, plural_phrase

if TYPE_CHECKING:  # the finder's module imports scikit-learn: only callers that query need it
    from benchmark.peers import OwnIds, PeerFinder

__all__ = ["Advice", "CommonPractice", "advise", "common_practices"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class CommonPractice(_Out):
    """A practice most peers have that the city lacks."""

    question: str
    dimension: str
    question_text: str
    option: str = Field(description="the option most peers reach")
    option_label: str
    your_option: str | None = Field(description="None when the city answered don't know")
    your_label: str
    peers_with: int = Field(description="peers at this option or better")
    group_size: int
    demo_included: bool = Field(
        default=False, description="fewer than 5 real peers: fictional demo cities counted too"
    )
    text: str


class Advice(_Out):
    """Everything the city is advised, ready to render or dump to JSON."""

    next_steps: list[NextStep]
    practices: list[CommonPractice]
    practices_note: str | None = None
    learning: list[PeerGroup]


def advise(
    rulebook: Rulebook,
    card: Scorecard,
    finder: PeerFinder,
    profile: CityProfile,
    *,
    k: int | None = None,
    city_id: OwnIds = None,
    comparable: PeerGroup | None = None,
    learning: list[PeerGroup] | None = None,
) -> Advice:
    """Advice for the city with ``profile`` and scorecard ``card``.

    ``comparable`` and ``learning`` reuse peer groups already found; otherwise they are looked
    up with ``finder`` (``k`` peers, the city's own records ``city_id`` left out).
    """
    if comparable is None:
        comparable = finder.comparable(profile, card, k, city_id=city_id)
    if learning is None:
        learning = finder.learn_from(profile, card, k, city_id=city_id)
    peers = [finder.record(p.id) for p in comparable.peers]
    practices, note = common_practices(rulebook, card, peers)
    return Advice(
        next_steps=next_steps(rulebook, card, profile),
        practices=practices,
        practices_note=note,
        learning=learning,
    )


def common_practices(
    rulebook: Rulebook, card: Scorecard, peers: Sequence[PoolRecord]
) -> tuple[list[CommonPractice], str | None]:
    """Practices a majority of ``peers`` have beyond the city's answer, most common first.

    For each question the city answered (or answered "don't know"), the best option that more
    than half of the peers reach, when it is above the city's. Peers whose answers do not fit
    ``rulebook`` (another version) are left out of the group. Only real (non-demo) peers are
    counted when there are at least :data:`MIN_GROUP_SIZE` of them, and only questions the
    rulebook marks as practices (not perceptions). Returns the practices and a note when none
    can be shown.
    """
    index = RulebookIndex.of(rulebook)
    # Real cities only, once there are enough of them: fictional demo answers are no advice.
    real = [r for r in peers if not r.is_demo]
    counted = real if len(real) >= MIN_GROUP_SIZE else list(peers)
    demo_included = len(counted) > len(real)
    chosen = [c for c in (_peer_options(rulebook, r) for r in counted) if c is not None]
    if suppressed(len(chosen)):
        return [], plural_phrase(
            "fewer than %(num)s comparable city with answers to this rulebook: "
            "no counts are shown, for their privacy",
            "fewer than %(num)s comparable cities with answers to this rulebook: "
            "no counts are shown, for their privacy",
            MIN_GROUP_SIZE,
        )
    practices = []
    for line in (t for d in card.dimensions for t in d.trace):
        if line.status in ("na", "skipped") or not index.questions[line.question].practice:
            continue  # not relevant, its parent says it all, or a perception: not a practice
        yours = -1 if line.option is None else index.option_index[line.question][line.option]
        theirs = [c.get(line.question) for c in chosen]
        practice = _practice(index, line.question, yours, theirs, demo_included)
        if practice is not None:
            practices.append(practice)
    order = {qid: n for n, qid in enumerate(index.order)}
    practices.sort(key=lambda p: (-p.peers_with, order[p.question]))
    return practices, None


def _peer_options(rulebook: Rulebook, record: PoolRecord) -> dict[str, int] | None:
    """Question → option index of a peer, or None when its answers do not fit the rulebook."""
    try:
        return validate_answers(rulebook, Answers(answers=dict(record.answers))).chosen()
    except AnswersError:
        return None


def _practice(
    index: RulebookIndex, qid: str, yours: int, theirs: list[int | None], demo_included: bool
) -> CommonPractice | None:
    question = index.questions[qid]
    group = len(theirs)
    reached = [t for t in theirs if t is not None]
    best = None
    # The lowest option means "not at all": never a practice, even for a "don't know".
    for target in range(max(yours + 1, 1), len(question.options)):
        count = sum(t >= target for t in reached)
        if 2 * count > group:  # a strict majority of the whole group, not of those who answered
            best = (target, count)
    if best is None:
        return None
    target, count = best
    option = question.options[target]
    label = text_in(option.label)
    your_label = phrase("don't know") if yours < 0 else text_in(question.options[yours].label)
    text = _practice_text(
        count,
        group,
        option=label,
        question=text_in(question.text),
        yours=your_label,
        or_better=target < len(question.options) - 1,
        demo_included=demo_included,
    )
    return CommonPractice(
        question=qid,
        dimension=index.dimension_of[qid].id,
        question_text=text_in(question.text),
        option=option.value,
        option_label=label,
        your_option=None if yours < 0 else question.options[yours].value,
        your_label=your_label,
        peers_with=count,
        group_size=group,
        demo_included=demo_included,
        text=text,
    )


def _practice_text(
    count: int,
    group: int,
    *,
    option: str,
    question: str,
    yours: str,
    or_better: bool,
    demo_included: bool,
) -> str:
    """ "7 of your 10 peer cities answer “Yes” or better to “…” (you: “No”)", each variant a
    whole sentence, so that each language words it (and places its quotation marks) itself."""
    texts = {"count": count, "option": option, "question": question, "yours": yours}
    if demo_included and or_better:
        return plural_phrase(
            "%(count)s of your %(num)s peer, demo cities included, answer “%(option)s” or "
            "better to “%(question)s” (you: “%(yours)s”)",
            "%(count)s of your %(num)s peers, demo cities included, answer “%(option)s” or "
            "better to “%(question)s” (you: “%(yours)s”)",
            group,
            **texts,
        )
    if demo_included:
        return plural_phrase(
            "%(count)s of your %(num)s peer, demo cities included, answer “%(option)s” to "
            "“%(question)s” (you: “%(yours)s”)",
            "%(count)s of your %(num)s peers, demo cities included, answer “%(option)s” to "
            "“%(question)s” (you: “%(yours)s”)",
            group,
            **texts,
        )
    if or_better:
        return plural_phrase(
            "%(count)s of your %(num)s peer city answer “%(option)s” or better to "
            "“%(question)s” (you: “%(yours)s”)",
            "%(count)s of your %(num)s peer cities answer “%(option)s” or better to "
            "“%(question)s” (you: “%(yours)s”)",
            group,
            **texts,
        )
    return plural_phrase(
        "%(count)s of your %(num)s peer city answer “%(option)s” to “%(question)s” "
        "(you: “%(yours)s”)",
        "%(count)s of your %(num)s peer cities answer “%(option)s” to “%(question)s” "
        "(you: “%(yours)s”)",
        group,
        **texts,
    )
