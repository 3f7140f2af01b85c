"""A city team assesses together (issue 14, part 1): the owner invites colleagues, each with a
personal link that only answers questions, can be revoked, and leaves its name on the answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import (
    PROFILE,
    csrf_token,
    fill_everything,
    page_answers,
    post_form,
    start,
    text,
)

#: the owner's pages: read, and written with a valid CSRF token
OWNER_READS = ("/profile", "/results", "/delete")
OWNER_WRITES = ("/profile", "/submit", "/delete", "/contributors")


def invite(client: FlaskClient, token: str, **fields: Any) -> Any:
    """Invite a colleague from the owner's check page (its form's CSRF token)."""
    data = {"name": "Amira Haddad", "role": "EU affairs", **fields}
    csrf = csrf_token(client, f"/a/{token}/check")
    return client.post(f"/a/{token}/contributors", data={"csrf_token": csrf, **data})


def contributor_token(response: Any) -> str:
    found = re.search(
        r'data-testid="contributor-link">[^<]*/a/([A-Za-z0-9_-]{43})<', text(response)
    )
    assert found, "the new link is shown once, on the check page"
    return found.group(1)


def test_an_invited_colleague_answers_and_the_check_page_says_who(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    post_form(client, f"/a/{token}/profile", PROFILE)
    invited = invite(client, token, dimensions=["eu"])
    assert invited.status_code == 200
    colleague = contributor_token(invited)
    assert colleague != token

    landing = client.get(f"/a/{colleague}")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/step/eu")
    form = page_answers(app, "eu", -1)
    saved = post_form(client, f"/a/{colleague}/step/eu", form)
    assert saved.status_code == 303, text(saved)
    owner_form = page_answers(app, "strategy", 0)
    assert post_form(client, f"/a/{token}/step/strategy", owner_form).status_code == 303

    page = text(client.get(f"/a/{token}/check"))
    eu = page[
        page.index('data-testid="summary-eu"') : page.index('data-testid="summary-coordination"')
    ]
    assert eu.count("Answered by Amira Haddad (EU affairs)") == len(form)
    strategy = page[
        page.index('data-testid="summary-strategy"') : page.index(
            'data-testid="summary-institutions"'
        )
    ]
    assert strategy.count("Answered by the assessment's owner") == len(owner_form)
    assert "Amira Haddad" in page[page.index('data-testid="team"') :]


def test_a_colleague_reaches_the_questions_and_nothing_of_the_owners(
    client: FlaskClient,
) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    assert client.get(f"/a/{colleague}/step/strategy").status_code == 200
    check = text(client.get(f"/a/{colleague}/check"))
    assert 'data-testid="contributor-note"' in check
    assert 'data-testid="invite-form"' not in check and 'data-testid="submit"' not in check
    assert f"/a/{colleague}/profile" not in check
    for path in OWNER_READS:
        assert client.get(f"/a/{colleague}{path}").status_code == 404, path
    csrf = csrf_token(client, f"/a/{colleague}/step/strategy")
    for path in OWNER_WRITES:
        written = client.post(f"/a/{colleague}{path}", data={"csrf_token": csrf, "name": "x"})
        assert written.status_code == 404, path


def test_a_revoked_link_gives_the_404_page(client: FlaskClient) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    page = text(client.get(f"/a/{token}/check"))
    contributor_id = re.search(r'data-testid="revoke-(\d+)"', page).group(1)  # type: ignore[union-attr]
    revoked = client.post(
        f"/a/{token}/contributors/{contributor_id}/revoke",
        data={"csrf_token": csrf_token(client, f"/a/{token}/check")},
    )
    assert revoked.status_code == 303
    for path in ("", "/check", "/step/strategy"):
        assert client.get(f"/a/{colleague}{path}").status_code == 404
    assert "Revoked" in text(client.get(f"/a/{token}/check"))


def test_only_the_owner_revokes_and_only_their_own_team(client: FlaskClient) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    other = start(client)
    page = text(client.get(f"/a/{token}/check"))
    contributor_id = re.search(r'data-testid="revoke-(\d+)"', page).group(1)  # type: ignore[union-attr]
    csrf = csrf_token(client, f"/a/{other}/check")
    assert (
        client.post(
            f"/a/{other}/contributors/{contributor_id}/revoke", data={"csrf_token": csrf}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/a/{colleague}/contributors/{contributor_id}/revoke", data={"csrf_token": csrf}
        ).status_code
        == 404
    )
    assert client.get(f"/a/{colleague}/check").status_code == 200


def test_the_invitation_needs_a_name_and_a_role(client: FlaskClient) -> None:
    token = start(client)
    refused = invite(client, token, name=" \u200b ", role="")
    assert refused.status_code == 400
    page = text(refused)
    assert "Enter the colleague's name" in page and "Enter the colleague's role" in page
    assert 'data-testid="contributor-link"' not in page


def test_only_the_links_hash_is_stored_and_it_ends_with_submission(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    database = tmp_path / "test.sqlite3"
    if database.exists():  # the SQLite run; on PostgreSQL the hash is what the query finds
        raw = database.read_bytes()
        wal = tmp_path / "test.sqlite3-wal"
        raw += wal.read_bytes() if wal.exists() else b""
        assert colleague.encode() not in raw
    fill_everything(client, token, app)
    submitted = client.post(
        f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}/check")}
    )
    assert submitted.status_code == 303
    assert client.get(f"/a/{colleague}/check").status_code == 404


@pytest.mark.parametrize("path", ["/check", "/step/strategy"])
def test_a_colleagues_pages_show_their_own_link_only(client: FlaskClient, path: str) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token))
    page = text(client.get(f"/a/{colleague}{path}"))
    assert colleague in page and token not in page


def test_the_team_is_in_the_citys_download_and_goes_with_its_deletion(
    client: FlaskClient,
) -> None:
    token = start(client)
    colleague = contributor_token(invite(client, token, role="Mayor's office"))
    stored = client.get(f"/a/{token}/data.json").get_json()
    assert [(c["name"], c["role"]) for c in stored["contributors"]] == [
        ("Amira Haddad", "Mayor's office")
    ]
    deleted = client.post(
        f"/a/{token}/delete", data={"csrf_token": csrf_token(client, f"/a/{token}/delete")}
    )
    assert deleted.status_code == 200
    assert client.get(f"/a/{colleague}/check").status_code == 404
