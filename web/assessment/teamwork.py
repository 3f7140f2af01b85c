"""How the answers were made, as the results and their downloads say it: who gave them,
how many were discussed, how many carry evidence (and how old it is), who reviewed them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules import Rulebook
from web import state, storage
from web.assessment.evidence import EvidenceCount, evidence_counts
from web.assessment.review import person_of, review_line
from web.assessment.team import person

__all__ = ["Teamwork", "teamwork"]


@dataclass(frozen=True)
class Teamwork:
    """The team's part in a submitted assessment."""

    #: "Reviewed by Name (role) on date" or "Not reviewed"
    review_line: str
    review: storage.StoredReview | None
    reviewer: storage.StoredContributor | None
    #: answers two people gave differently, settled by the owner
    discussed: int
    evidence: EvidenceCount
    evidence_by_dimension: dict[str, EvidenceCount]
    max_age_months: int
    #: ("Name (role)" or the owner, how many answers they gave), most first
    authors: list[tuple[str, int]]

    def as_json(self) -> dict[str, Any]:
        """The download's ``team`` object."""
        finished = self.review
        return {
            "review": None
            if finished is None or finished.finished_at is None or self.reviewer is None
            else {
                "reviewer": {"name": self.reviewer.name, "role": self.reviewer.role},
                "finished_at": finished.finished_at.isoformat() + "Z",
                "verdicts": finished.verdicts,
            },
            "review_line": self.review_line,
            "answers_discussed": self.discussed,
            "evidence": {
                "max_age_months": self.max_age_months,
                **_count_json(self.evidence),
                "by_dimension": {d: _count_json(c) for d, c in self.evidence_by_dimension.items()},
            },
            "answers_by": [{"who": who, "answers": n} for who, n in self.authors],
        }


def _count_json(count: EvidenceCount) -> dict[str, int]:
    return {"answers": count.answers, "evidenced": count.evidenced, "old": count.stale}


def teamwork(
    book: Rulebook, found: storage.StoredAssessment, *, today: date | None = None
) -> Teamwork:
    """The team summary of ``found``, evidence judged old as of ``today``."""
    team = storage.list_contributors(assessment_id=found.id)
    review = storage.latest_review(assessment_id=found.id, finished=True)
    reviewer = None if review is None else person_of(review, team)
    max_age = state.settings().evidence_max_age_months
    overall, per_dimension = evidence_counts(
        book,
        found.answers,
        found.notes,
        found.evidence,
        today=today or date.today(),
        max_age_months=max_age,
    )
    given = Counter(
        person(meta.get("by"), team)
        for qid, meta in found.answered_by.items()
        if qid in found.answers
    )
    discussed = sum(1 for d in found.disputes.values() if d.get("resolved_at") is not None)
    return Teamwork(
        review_line=review_line(review, team),
        review=review,
        reviewer=reviewer,
        discussed=discussed,
        evidence=overall,
        evidence_by_dimension=per_dimension,
        max_age_months=max_age,
        authors=given.most_common(),
    )
