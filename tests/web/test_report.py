"""The report for a city's leadership (/a/<token>/report): what it says, who may open it, and
that it carries no secret link. The expectations were written before looking at the page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PROFILE, csrf_token, fill_everything, make_app, post_form, start, text

from benchmark.explain import LearnTarget, Peer, PeerGroup
from rules import Scorecard
from web import storage
from web.assessment.report import gaps, learning_partners, strengths
from web.tokens import hash_token

#: example file → (city, its three strengths, its three gaps), by the rule of docs/design.md:
#: level first, then score, then rulebook order. Emerging: five dimensions tie at level 2 and
#: 25 (strategy, staff, networks come first in the rulebook), and three at level 2 and 18.
EXAMPLES = {
    "answers-emerging.yaml": (
        "Valmora",
        ["strategy", "staff", "networks"],
        ["budget", "institutions", "coordination"],
    ),
    "answers-established.yaml": (
        "Nordhaven",
        ["institutions", "strategy", "staff"],
        ["crisis", "stakeholders", "monitoring"],
    ),
    "answers-non-eu.yaml": (
        "Puerto Alba",
        ["eu", "coordination", "strategy"],
        ["budget", "stakeholders", "staff"],
    ),
}


# --------------------------------------------------------------------------- helpers


def submitted(
    client: FlaskClient,
    app: Flask,
    example: str = "answers-established.yaml",
    *,
    name: str = "Nordhaven",
    sharing: str = "private",
) -> str:
    """Fill in the pages with an example's answers as the city ``name`` and submit; the
    owner's token."""
    token = start(client)
    fill_everything(client, token, app, example)
    post_form(client, f"/a/{token}/profile", {**PROFILE, "name": name, "sharing": sharing})
    form = {"csrf_token": csrf_token(client, f"/a/{token}/check")}
    assert client.post(f"/a/{token}/submit", data=form).status_code == 303
    return token


def stored_card(app: Flask, token: str) -> Scorecard:
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None and found.scorecard is not None
    return Scorecard.model_validate(found.scorecard)


def report(client: FlaskClient, token: str) -> str:
    response = client.get(f"/a/{token}/report")
    assert response.status_code == 200, response.status_code
    return text(response)


def block(page: str, testid: str, end: str) -> str:
    """The HTML from the element with ``data-testid`` to the next ``end``."""
    assert f'data-testid="{testid}"' in page, f"no {testid} on the page"
    return page.split(f'data-testid="{testid}"', 1)[1].split(end, 1)[0]


def listed_dimensions(page: str, testid: str) -> list[str]:
    return re.findall(r'data-dimension="([a-z_]+)"', block(page, testid, "</ol>"))


def long_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def share(client: FlaskClient, token: str) -> str:
    """Make a read-only link that never expires, from the results page; its token."""
    form = {"csrf_token": csrf_token(client, f"/a/{token}/results"), "expires": ""}
    page = text(client.post(f"/a/{token}/share", data=form))
    found = re.search(r'data-testid="share-link">[^<]*/a/([A-Za-z0-9_-]{43})/results<', page)
    assert found, "the new link is shown once, on the results page"
    return found.group(1)


# --------------------------------------------------------------------------- what it says


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_the_report_says_where_the_city_stands(
    app: Flask, client: FlaskClient, example: str
) -> None:
    city, strong, weak = EXAMPLES[example]
    token = submitted(client, app, example, name=city)
    card = stored_card(app, token)
    page = report(client, token)

    assert f'data-testid="report-title">{city}</h1>' in page
    facts = block(page, "report-facts", "</p>")
    assert f"Assessed on {long_date(date.today())}" in facts
    assert f"version {card.rulebook_version}" in facts
    overall = block(page, "overall", "</div>")
    assert f"{card.overall_level} – {card.overall_level_name}" in overall
    assert card.overall_level_description and card.overall_level_description in overall

    assert listed_dimensions(page, "strengths") == strong
    assert listed_dimensions(page, "gaps") == weak
    # and they truly are the highest and lowest dimensions of the stored scorecard
    rank = {d.id: (d.level or 0, d.score or 0.0) for d in card.dimensions}
    others = set(rank) - set(strong) - set(weak)
    assert min(rank[d] for d in strong) >= max(rank[d] for d in others | set(weak))
    assert max(rank[d] for d in weak) <= min(rank[d] for d in others | set(strong))
    for dim in card.dimensions:
        if dim.id in strong + weak:
            assert f"level {dim.level} – {dim.level_name}, score\u00a0{dim.score:.0f}" in page


def plan_keys(client: FlaskClient, token: str) -> list[str]:
    page = client.get(f"/a/{token}/plan").get_data(as_text=True)
    return re.findall(r'data-testid="action" data-key="([^"]+)"', page)


def report_keys(page: str) -> list[str]:
    return re.findall(r'data-testid="action" data-key="([^"]+)"', page)


def test_targets_and_the_first_five_actions_in_plan_order(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app, "answers-emerging.yaml", name="Valmora")
    page = report(client, token)
    assert 'data-testid="targets-offered"' in page and 'data-testid="targets-set"' not in page
    assert "Suggested targets: the city has not set its own yet" in page
    # the defaults: one level up in the weakest dimensions (budget is at 1, the rest at 2)
    targets = block(page, "targets", "</ul>")
    assert "<strong>Budget and resources</strong>: from level 1 – Ad hoc to level 2" in targets
    keys = plan_keys(client, token)
    assert len(keys) > 5
    assert report_keys(page) == keys[:5]
    assert f"The plan has {len(keys) - 5} more." in page

    a_year_on = date.today() + timedelta(days=365)
    form = {"target-budget": "3", "target-coordination": "3", "target-date": str(a_year_on)}
    saved = client.post(
        f"/a/{token}/targets",
        data={"csrf_token": csrf_token(client, f"/a/{token}/results"), **form},
    )
    assert saved.status_code == 303
    keys = plan_keys(client, token)
    first = keys[0]
    plan_form = {
        "csrf_token": csrf_token(client, f"/a/{token}/plan"),
        "a1-owner": "Office of the Mayor",
        "a1-due": "2027-03-31",
        "a1-status": "started",
        "a1-shown-owner": "",
        "a1-shown-due": "",
        "a1-shown-status": "planned",
    }
    assert client.post(f"/a/{token}/plan", data=plan_form).status_code == 303

    page = report(client, token)
    assert 'data-testid="targets-set"' in page and "Suggested targets" not in page
    assert f"To reach by {long_date(a_year_on)}." in page
    targets = block(page, "targets", "</ul>")
    assert targets.count("<li>") == 2
    assert "<strong>Budget and resources</strong>: from level 1 – Ad hoc to level 3" in targets
    assert "<strong>Multilevel and internal coordination</strong>: from level 2" in targets
    assert report_keys(page) == keys[:5] and report_keys(page)[0] == first
    action = block(page, "action", "</li>")
    assert "Owner: Office of the Mayor" in action
    assert "Due: 31 March 2027" in action and "Status: Started" in action
    second = page.split('data-testid="action"')[2].split("</li>")[0]
    assert "Owner: not named yet" in second and "Due: no date yet" in second


def test_strengths_and_gaps_skip_a_dimension_not_assessed(app: Flask, client: FlaskClient) -> None:
    card = stored_card(app, submitted(client, app, "answers-established.yaml"))
    unassessed = card.model_copy(
        update={
            "dimensions": [
                d.model_copy(update={"level": None, "score": None}) if d.id == "crisis" else d
                for d in card.dimensions
            ]
        }
    )
    assert [d.id for d in gaps(unassessed)] == ["stakeholders", "monitoring", "eu"]
    assert "crisis" not in [d.id for d in strengths(unassessed)]
    few = card.model_copy(update={"dimensions": card.dimensions[:4]})
    assert [d.id for d in strengths(few)] == ["institutions", "strategy", "staff"]
    assert [d.id for d in gaps(few)] == ["budget"], "never a strength again as a gap"


# --------------------------------------------------------------------------- learning partners


def _peer(peer_id: str, *, named: bool, demo: bool = False, target: str = "budget") -> Peer:
    name = f"City {peer_id}" if named else "a city of 0.5–1M in Western Europe"
    return Peer(
        id=peer_id,
        name=f"{name} (demo data)" if demo else name,
        named=named,
        demo=demo,
        distance=1.0,
        squared_distance=1.0,
        contributions=[],
        reasons=[f"level 3 in {target} vs your 1", "same region (Western Europe)"],
        levels={target: 3},
        target=LearnTarget(dimension=target, label=target.title(), peer_level=3, city_level=1),
    )


def _group(target: str, peers: list[Peer]) -> PeerGroup:
    return PeerGroup(mode="learn_from", preset="default", target=target, peers=peers, positions=[])


def test_learning_partners_are_named_real_cities_first_each_weak_dimension_in_turn() -> None:
    budget = _group(
        "budget",
        [
            _peer("anon", named=False),
            _peer("demo1", named=True, demo=True),
            _peer("a", named=True),
            _peer("b", named=True),
        ],
    )
    staff = _group(
        "staff",
        [_peer("c", named=True, target="staff"), _peer("a", named=True, target="staff")],
    )
    partners = learning_partners([budget, staff])
    assert [p.id for p in partners] == ["c", "a", "b"]
    assert [t.dimension for t in partners[1].ahead_in] == ["budget", "staff"], "one partner"
    assert partners[0].reasons == ["same region (Western Europe)"], "the target said once"
    only_demo = learning_partners([_group("budget", [_peer("d", named=True, demo=True)])])
    assert [(p.name, p.demo) for p in only_demo] == [("City d (demo data)", True)]
    assert learning_partners([_group("budget", [_peer("x", named=False)])]) == []


def test_the_report_names_only_cities_that_agreed(tmp_path: Path) -> None:
    app = make_app(tmp_path, demo_pool=False)
    client = app.test_client()
    for name, sharing in (
        ("Harbourton", "named"),
        ("Quietville", "anonymous"),
        ("Eastfield", "named"),
        ("Hushton", "anonymous"),
    ):
        submitted(client, app, "answers-established.yaml", name=name, sharing=sharing)
    token = submitted(client, app, "answers-emerging.yaml", name="Valmora")
    page = report(client, token)
    partners = block(page, "partners", "</ul>")
    names = re.findall(r"<strong>([^<]+)</strong>", partners)
    assert sorted(names) == ["Eastfield", "Harbourton"]
    assert 'data-demo="true"' not in partners and "demo data" not in page
    assert "level 4 in Budget and resources (Valmora: 1)" in partners
    for hidden in ("Quietville", "Hushton", "a city of"):
        assert hidden not in page
    assert "2 more did not agree to be named and are not listed." in page
    storage.dispose(app)


def test_demo_partners_are_marked_demo_data(app: Flask, client: FlaskClient) -> None:
    page = report(client, submitted(client, app, "answers-emerging.yaml"))
    partners = re.findall(r'<li data-testid="partner"(.*?)</li>', page, re.S)
    assert 1 <= len(partners) <= 3
    for partner in partners:
        assert 'data-demo="true"' in partner and "(demo data)</strong>" in partner
    assert 'data-testid="demo-notice"' in page


# --------------------------------------------------------------------------- who may open it


def test_a_share_link_opens_the_report_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    owner = submitted(client, app)
    link = share(client, owner)
    reader = app.test_client()  # another browser: no session
    page = report(reader, link)
    assert 'data-testid="report-title">Nordhaven</h1>' in page
    assert 'data-testid="read-only-note"' in page
    assert "<form" not in page and "csrf_token" not in page
    assert owner not in page and link not in page
    assert reader.get(f"/a/{link}/plan").status_code == 200  # the same reading rights


def test_a_contributor_link_or_an_unknown_one_gives_404(app: Flask, client: FlaskClient) -> None:
    token = start(client)
    fill_everything(client, token, app)
    csrf = csrf_token(client, f"/a/{token}/check")
    response = client.post(
        f"/a/{token}/contributors",
        data={"csrf_token": csrf, "name": "Amira Haddad", "role": "EU affairs"},
    )
    found = re.search(
        r'data-testid="contributor-link">[^<]*/a/([A-Za-z0-9_-]{43})<', text(response)
    )
    assert found
    colleague = found.group(1)
    csrf = csrf_token(client, f"/a/{token}/check")
    assert client.post(f"/a/{token}/submit", data={"csrf_token": csrf}).status_code == 303
    assert client.get(f"/a/{colleague}/report").status_code == 404
    assert client.get(f"/a/{'A' * 43}/report").status_code == 404
    assert client.get(f"/a/{token}/report").status_code == 200


def test_a_draft_goes_to_its_check_page(client: FlaskClient) -> None:
    token = start(client)
    response = client.get(f"/a/{token}/report")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{token}/check")


# --------------------------------------------------------------------------- no secret in it


def test_the_owner_token_is_nowhere_in_the_report(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app)
    html = client.get(f"/a/{token}/report").get_data(as_text=True)
    assert token not in html
    assert not re.search(r'(?:href|src|action)="[^"]*/a/', html), "no link under a token"
    assert "resume" not in html.lower()


def test_results_and_plan_link_to_the_report(app: Flask, client: FlaskClient) -> None:
    token = submitted(client, app)
    results = client.get(f"/a/{token}/results").get_data(as_text=True)
    downloads = block(results, "downloads", "</ul>")
    assert f'href="/a/{token}/report"' in downloads
    plan = client.get(f"/a/{token}/plan").get_data(as_text=True)
    assert f'href="/a/{token}/report"' in block(plan, "plan-downloads", "</ul>")


def test_the_print_button_is_shown_by_a_script_file(app: Flask, client: FlaskClient) -> None:
    html = client.get(f"/a/{submitted(client, app)}/report").get_data(as_text=True)
    assert '<p class="no-print" id="print-report" hidden>' in html
    assert '<script src="/static/print.js" defer></script>' in html
    assert 'href="/static/report-print.css" media="print"' in html
    script = client.get("/static/print.js")
    assert script.status_code == 200 and b"window.print()" in script.data
    script.close()
    css = client.get("/static/report-print.css")
    body = css.get_data(as_text=True)
    css.close()
    assert "size: A4" in body and "break-inside: avoid" in body and "break-after: avoid" in body
