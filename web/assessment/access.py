"""Who may read an assessment's results: its owner, or whoever holds a share link.

A share link (``web.storage.shares``) opens the results, the report, the plan and the
history, read only: the pages hide every control that changes something, and the views that
change something load the assessment with :func:`~web.assessment.pages.load_assessment`,
which knows only the owner's link, so under a share link they give the 404 page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from web import storage
from web.assessment.pages import load_assessment
from web.tokens import hash_token, looks_like_token

__all__ = ["Reading", "load_for_reading"]


@dataclass(frozen=True)
class Reading:
    """An assessment opened for reading, and whether through a share link."""

    found: storage.StoredAssessment
    #: True under a share link: nothing that edits is shown
    shared: bool


def load_for_reading(token: str) -> Reading:
    """The assessment of an owner's or an active share link; the 404 page otherwise (a
    contributor's link included: the results are the owner's)."""
    if not looks_like_token(token):
        abort(404)
    link = storage.find_share_link(token_hash=hash_token(token))
    if link is None:
        return Reading(load_assessment(token), shared=False)
    found = storage.get_assessment(assessment_id=link.assessment_id)
    if found is None:
        abort(404)
    return Reading(found, shared=True)
