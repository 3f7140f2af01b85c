"""The profile's country field takes what people type (issue 11, deliverable 6): the ISO code
in any case, the EU's own codes (UK for GB, EL for GR) and the English name."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import PROFILE, make_app, post_form, start

from web import storage
from web.tokens import hash_token


@pytest.mark.parametrize(
    ("typed", "stored", "eu_member"),
    [("de", "DE", True), ("uk", "GB", False), ("el", "GR", True), ("Germany", "DE", True)],
)
def test_the_country_is_understood(
    tmp_path: Path, typed: str, stored: str, eu_member: bool
) -> None:
    app = make_app(tmp_path, demo_pool=False)
    client = app.test_client()
    token = start(client)
    response = post_form(client, f"/a/{token}/profile", {**PROFILE, "country": typed})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None and found.profile is not None
    assert (found.profile["country"], found.profile["eu_member"]) == (stored, eu_member)
