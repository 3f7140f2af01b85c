"""What a team writes stays with its city (issue 14): colleagues' names and roles, evidence
links, review comments and replies, and the history never reach another city or the
network's secretariat. Attacked through every page and export the secretariat and other
cities can open, after a named city with a full team record joined the pool."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from network_helpers import BEARER, admin_app, sign_in
from test_contributors import contributor_token, invite
from test_team_review import first_question, strategy_form
from web_helpers import PROFILE, csrf_token, fill_everything, post_form, start, text

SECRETS = {
    "name": "Wiesława Sekretna",
    "role": "Office of the Deputy Mayor Zbyszko",
    "link": "https://intranet.example/evidence-QX7731",
    "comment": "Reviewer comment KJ-5521",
    "reply": "Owner reply PL-9043",
}


def team_city(app: Flask, client: FlaskClient) -> str:
    """A named city whose team answered, evidenced, reviewed and replied; submitted."""
    token = start(client)
    fill_everything(client, token, app)
    post_form(client, f"/a/{token}/profile", {**PROFILE, "sharing": "named"})
    reviewer = contributor_token(
        invite(client, token, name=SECRETS["name"], role=SECRETS["role"], reviewer="yes")
    )
    form = strategy_form(app, **{f"{first_question(app)}--link": SECRETS["link"]})
    assert post_form(client, f"/a/{reviewer}/step/strategy", form).status_code == 303
    check = text(client.get(f"/a/{token}/check"))
    chosen = re.search(r'name="reviewer" value="(\d+)"', check)
    assert chosen
    csrf = csrf_token(client, f"/a/{token}/check")
    client.post(f"/a/{token}/review/ask", data={"csrf_token": csrf, "reviewer": chosen.group(1)})
    review = text(client.get(f"/a/{reviewer}/review"))
    dims = re.findall(r'name="verdict-([a-z_]+)"', review)
    verdicts = {f"verdict-{d}": "accepted" for d in dims}
    verdicts |= {f"verdict-{dims[0]}": "queried", f"comment-{dims[0]}": SECRETS["comment"]}
    assert post_form(client, f"/a/{reviewer}/review", verdicts).status_code == 303
    csrf = csrf_token(client, f"/a/{token}/check")
    replied = client.post(
        f"/a/{token}/review/{dims[0]}/reply", data={"csrf_token": csrf, "reply": SECRETS["reply"]}
    )
    assert replied.status_code == 303
    csrf = csrf_token(client, f"/a/{token}/check")
    assert client.post(f"/a/{token}/submit", data={"csrf_token": csrf}).status_code == 303
    own = text(client.get(f"/a/{token}/data.json"))
    assert all(v in own for v in SECRETS.values()), "all of it is in the city's own download"
    return token


def test_no_team_detail_reaches_other_cities_or_the_secretariat(tmp_path: Path) -> None:
    app = admin_app(tmp_path)
    client = app.test_client()
    team_city(app, client)

    other = app.test_client()  # another member city, its own assessment
    other_token = start(other)
    fill_everything(other, other_token, app)
    csrf = csrf_token(other, f"/a/{other_token}/check")
    assert other.post(f"/a/{other_token}/submit", data={"csrf_token": csrf}).status_code == 303
    seen = {"another city's results": text(other.get(f"/a/{other_token}/results"))}
    assert PROFILE["name"] in seen["another city's results"], "the named city is a peer"

    secretariat = app.test_client()
    sign_in(secretariat)
    for path in (
        "/network/",
        "/network/cities",
        "/network/members",
        "/network/members.csv",
        "/network/export/aggregates.csv",
        "/network/export/aggregates.json",
    ):
        seen[path] = text(secretariat.get(path))
    seen["pool.jsonl"] = (
        app.test_client().get("/network/export/pool.jsonl", headers=BEARER).get_data(as_text=True)
    )
    for where, shown in seen.items():
        leaked = [k for k, v in SECRETS.items() if v in shown]
        assert not leaked, f"{leaked} shown on {where}"
