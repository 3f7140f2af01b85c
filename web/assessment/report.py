"""What the leadership report says, chosen from plain data: strengths, gaps, targets and the
cities to learn from. No Flask, no storage: :mod:`web.assessment.report_views` brings the data.

Strengths are the dimensions at the highest level, gaps those at the lowest: the level is what
the rulebook vouches for, the score only orders dimensions at the same level (higher first
for strengths, lower first for gaps), and rulebook order settles what is still tied. A
dimension that was not assessed (every question not applicable) is neither.

Learning partners are cities to learn from that agreed to be named. An anonymous peer is never
one, whatever its label says; a fictional demo city may be one, and its name carries
"(demo data)" (:func:`benchmark.privacy.display_name`) so it cannot pass for a real city.
Real cities come before demo ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from benchmark.explain import LearnTarget, PeerGroup
from rules import DimensionResult, Scorecard

__all__ = [
    "REPORT_PICKS",
    "LearningPartner",
    "TargetLine",
    "gaps",
    "learning_partners",
    "strengths",
    "target_lines",
    "unnamed_count",
]

#: How many strengths, gaps and learning partners the report names: it has two pages.
REPORT_PICKS = 3


def _assessed(card: Scorecard) -> list[tuple[int, DimensionResult]]:
    """(rulebook position, result) of each dimension that has a level and a score."""
    return [
        (position, dim)
        for position, dim in enumerate(card.dimensions)
        if dim.level is not None and dim.score is not None
    ]


def strengths(card: Scorecard, n: int = REPORT_PICKS) -> list[DimensionResult]:
    """The ``n`` dimensions at the highest levels, the higher score first within a level."""
    ranked = sorted(
        _assessed(card),
        key=lambda item: (-(item[1].level or 0), -(item[1].score or 0.0), item[0]),
    )
    return [dim for _position, dim in ranked[:n]]


def gaps(card: Scorecard, n: int = REPORT_PICKS) -> list[DimensionResult]:
    """The ``n`` dimensions at the lowest levels, the lower score first within a level; never
    one already among the :func:`strengths` (a card with fewer than 2n assessed dimensions)."""
    strong = {dim.id for dim in strengths(card, n)}
    ranked = sorted(
        (item for item in _assessed(card) if item[1].id not in strong),
        key=lambda item: (item[1].level or 0, item[1].score or 0.0, item[0]),
    )
    return [dim for _position, dim in ranked[:n]]


@dataclass(frozen=True)
class TargetLine:
    """One dimension's target: where it is and the level aimed at."""

    title: str
    level: int | None
    level_name: str
    target: int
    target_name: str


def target_lines(
    card: Scorecard, levels: Mapping[str, int], level_names: Mapping[int, str]
) -> list[TargetLine]:
    """A line per dimension with a target, in rulebook order."""
    return [
        TargetLine(
            dim.title,
            dim.level,
            dim.level_name or "",
            int(levels[dim.id]),
            level_names.get(int(levels[dim.id]), ""),
        )
        for dim in card.dimensions
        if dim.id in levels
    ]


@dataclass
class LearningPartner:
    """A named city to learn from, and the dimensions where it is ahead."""

    id: str
    #: the city's name; a demo city's ends in "(demo data)"
    name: str
    demo: bool
    ahead_in: list[LearnTarget] = field(default_factory=list)
    #: why it is comparable ("same region", "similar size 0.6M vs 0.5M"...)
    reasons: list[str] = field(default_factory=list)


def learning_partners(groups: Sequence[PeerGroup], n: int = REPORT_PICKS) -> list[LearningPartner]:
    """Up to ``n`` named cities to learn from: the nearest of each weak dimension first
    (taking the groups in turn), then the next nearest; real cities before demo ones. A city
    ahead in several weak dimensions is one partner with each of them, in the groups' order."""
    found: dict[str, LearningPartner] = {}
    depth = max((len(g.peers) for g in groups), default=0)
    for rank in range(depth):  # round robin: each weak dimension's nearest before the next
        for group in groups:
            if rank >= len(group.peers):
                continue
            peer = group.peers[rank]
            if not peer.named:
                continue
            # A learn-from peer's first reason restates its target ("level 4 in Budget vs
            # your 2"), which ``ahead_in`` holds: the rest say why it is comparable.
            context = peer.reasons[1:] if peer.target is not None else peer.reasons
            partner = found.setdefault(
                peer.id, LearningPartner(peer.id, peer.name, peer.demo, [], list(context))
            )
            if peer.target is not None and peer.target not in partner.ahead_in:
                partner.ahead_in.append(peer.target)
    order = {group.target: position for position, group in enumerate(groups)}
    for partner in found.values():  # weakest dimension first, as the groups come
        partner.ahead_in.sort(key=lambda target: order.get(target.dimension, len(order)))
    ordered = sorted(found.values(), key=lambda p: p.demo)  # stable: real cities first
    return ordered[:n]


def unnamed_count(groups: Sequence[PeerGroup]) -> int:
    """How many cities to learn from did not agree to be named (the report does not list
    them; the results page describes them)."""
    return len({p.id for g in groups for p in g.peers if not p.named})
