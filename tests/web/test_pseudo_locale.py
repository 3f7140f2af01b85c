"""Every page in a pseudo-locale (issue 16, part 6): no English reaches a French reader unless it
went through gettext or the rulebook's translations, or is data.

How it works (the helpers are in ``pseudo.py``):

- Before its first request, a test app's compiled French catalog is replaced by a pseudo
  catalog: every message of the code and templates "translated" as ``⟦English⟧``, placeholders
  kept outside the brackets so that what fills them (a date, a count, a rulebook text) is
  checked too. The messages are those ``make translations`` would extract now
  (``web.i18n.extracted_ids``) rather than the committed ``messages.pot``: a text routed
  through gettext since the template was last regenerated counts as translated here
  (``test_translations.py`` checks that the template is current), while a ``gettext(variable)``
  or an f-string no one can extract counts as English, as a French reader would see it.
- The app reads a copy of the rulebook in which every text (``rules.languages.TEXT_KEYS``)
  has ``fr: ⟦English⟧``. The bibliography (``sources.yaml``) and the citations' locators are
  left as published, by design, so their strings are allowed as they are.
- A tour requests every GET route in French with real data: a draft with a team, a
  disagreement and an open review query; a submitted assessment with targets, an edited plan,
  a share link and a re-assessment (so a history); the secretariat's pages signed in, with an
  import, an undone import and a deletion, and with admin pages off; the landing, the about
  pages, the API docs; error pages (404, 405, an expired form) and the pages forms answer with
  (validation errors, import results). A GET route neither visited nor in :data:`NOT_PAGES`
  fails the test, and so does a page template no request rendered.
- Visible text: text nodes outside ``<script>``/``<style>`` and outside machine text
  (``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``: paths, field names, JSON examples), the shown
  attributes (``title``, ``alt``, ``aria-label``, ``placeholder``...) and the value of button
  inputs. The bracketed stretches are removed, then data: what the tour typed (cities, people,
  roles, notes, comments, file names), the peer pool's city names and country codes, the
  bibliography, the operator's settings shown (host, licence), addresses, tokens, machine ids,
  numbers, the French names of months and days (dates are formatted from the locale's data),
  and :data:`PRODUCT_NAMES`. The language switch must hold exactly each language's own name.
  Any word left is listed, page by page, with the text node it is in.
- The downloads in French (results CSV, plan CSV and workbook): the header row is machine keys,
  the same in every language (scripts and spreadsheets read them, as the API's JSON keys), and
  so are the cells of :data:`MACHINE_COLUMNS`; every other cell is checked as page text is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request, request_started, template_rendered
from flask.testing import FlaskClient
from pseudo import (
    English,
    Leftover,
    VisiblePage,
    bibliography,
    english_runs,
    locale_words,
    pseudo,
    write_pseudo_catalog,
    write_pseudo_rulebook,
)
from web_helpers import PROFILE, csrf_token, example_answers, make_app, page_answers, start

from rules import DEFAULT_RULEBOOK
from web import state, storage
from web.i18n import NATIVE_NAMES

LANGUAGE = "fr"
ADMIN_TOKEN = "pQ7v-pseudo-only-Hs4KdN8mWr2LtY6zBc0xFj3nUa1"  # 43 characters, as token_urlsafe
#: the operator's settings shown on every page: data, as a city's name is
HOST = {"host_name": "Eurovilles Secrétariat", "host_contact": "contact@eurovilles.example"}
TOKEN = r"([A-Za-z0-9_-]{43})"

#: GET routes that serve no page: what they send is read by a program, or is not text
NOT_PAGES = {
    "static": "stylesheets, icons and scripts",
    "forget.stored_data": "the person's stored data as JSON: keys and their own values",
    "results.results_json": "the results as JSON, for programs",
    "network.aggregates_csv": "open data for programs: machine keys and figures",
    "network.aggregates_json": "open data for programs: machine keys and figures",
    "network.pool_jsonl": "the pool as JSON Lines, for re-import",
    "network.import_template": "the import template: machine column keys and option values",
    "network.import_template_xlsx": "the import template as a workbook",
    "network.members_csv": "the members table for spreadsheets: ids, dates, sources, levels",
    "network.members_xlsx": "the members table as a workbook",
    "api.get_openapi": "the OpenAPI document; its prose is shown (and checked) on /api/v1/docs",
    "api.get_rulebook": "JSON API",
    "api.get_assessment": "JSON API",
    "api.get_activity": "JSON API",
    "api.get_advice": "JSON API",
    "api.get_peers": "JSON API",
    "api.get_plan": "JSON API",
    "api.get_targets": "JSON API",
}
#: templates only ever extended, never rendered on their own
EXTENDED_ONLY = {"base.html", "network/_layout.html"}
#: names that stay as they are in every language (name → why); none so far
PRODUCT_NAMES: dict[str, str] = {
    "OpenAPI": "the name of the specification the API reference follows (OpenAPI 3.1.0)",
}
#: download columns whose cells are machine values: ids that join the file to the rulebook
#: and the API, ISO dates, versions. A word from a fixed list (yes/no, an effort, a verdict)
#: is no machine value: the file says it nowhere else, so a reader must be able to read it.
MACHINE_COLUMNS = {
    "results.csv": {"assessed_on", "rulebook_version", "dimension_id"},
    "plan.csv": {"number", "due"},
}


# --------------------------------------------------------------------------- the tour


@dataclass
class Tour:
    """What the tour saw: pages (label → HTML), downloads, routes, templates, typed data."""

    app: Flask
    pages: dict[str, str] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)
    endpoints: set[str] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    #: what people typed into free-text fields (not the options they chose)
    typed: set[str] = field(default_factory=set)
    #: label → machine values that page may show (an import's column keys, option values)
    data_on: dict[str, set[str]] = field(default_factory=dict)
    #: token → whose it is, for readable labels
    roles: dict[str, str] = field(default_factory=dict)

    def label(self, url: str) -> str:
        """``url`` with each token replaced by whose it is."""
        for token, role in self.roles.items():
            url = url.replace(token, f"<{role}>")
        return url

    def type_in(self, *texts: str) -> None:
        """Remember ``texts`` as typed by a person."""
        self.typed.update(texts)

    def started(self, _app: Flask, **_extra: Any) -> None:
        """A request began (a ``request_started`` receiver): note its GET route."""
        if request.method == "GET" and request.url_rule is not None:
            self.endpoints.add(str(request.url_rule.endpoint))

    def rendered(self, _app: Flask, template: Any, **_extra: Any) -> None:
        """A template was rendered (a ``template_rendered`` receiver)."""
        self.templates.add(str(template.name))


def in_french(url: str) -> str:
    """``url`` asking for French (before its fragment, if any)."""
    address, hash_mark, fragment = url.partition("#")
    joined = "&" if "?" in address else "?"
    return f"{address}{joined}lang={LANGUAGE}{hash_mark}{fragment}"


def see(tour: Tour, client: FlaskClient, url: str, status: int = 200, label: str = "") -> str:
    """GET ``url`` in French (following redirects) and keep the page."""
    response = client.get(in_french(url), follow_redirects=True)
    assert response.status_code == status, f"{url}: {response.status_code}"
    page = response.get_data(as_text=True)
    tour.pages[label or tour.label(url)] = page
    return page


def send(
    tour: Tour, client: FlaskClient, url: str, data: dict[str, Any], status: int, form: str = ""
) -> str:
    """POST ``data`` to ``url`` with the CSRF token of the page at ``form`` (``url`` by
    default). A page that answers is kept; a redirect is followed (and its page kept)."""
    token = csrf_token(client, form or url)
    response = client.post(url, data={"csrf_token": token, **data})
    assert response.status_code == status, f"POST {tour.label(url)}: {response.status_code}"
    if status == 303:
        return see(tour, client, response.headers["Location"])
    page = response.get_data(as_text=True)
    tour.pages[f"POST {tour.label(url)} → {status}"] = page
    return page


def state_of(tour: Tour) -> Any:
    with tour.app.app_context():
        return state.rulebook()


def example_page(tour: Tour, example: str, dimension_id: str) -> dict[str, str]:
    """The form of one dimension page, filled with an example's answers and notes."""
    data = example_answers(example)
    dimension = next(d for d in state_of(tour).dimensions if d.id == dimension_id)
    form = {}
    for question in dimension.questions:
        answer = data["answers"].get(question.id)
        if answer is not None:
            # a number typed as a French reader writes it: 0,5
            number = question.kind == "number"
            form[question.id] = str(answer).replace(".", ",") if number else str(answer)
        if question.id in data.get("notes", {}):
            form[f"{question.id}--note"] = data["notes"][question.id]
            tour.type_in(data["notes"][question.id])
    return form


def fill(tour: Tour, client: FlaskClient, token: str, example: str, name: str) -> None:
    """The profile and every dimension page, with an example's answers and notes."""
    tour.type_in(name, PROFILE["country"])
    send(tour, client, f"/a/{token}/profile", {**PROFILE, "name": name}, 303)
    for dimension in state_of(tour).dimensions:
        form = example_page(tour, example, dimension.id)
        send(tour, client, f"/a/{token}/step/{dimension.id}", form, 303)


def invite(tour: Tour, client: FlaskClient, token: str, name: str, role: str, **more: str) -> str:
    """Invite a colleague from the check page (the page showing the new link is kept)."""
    tour.type_in(name, role)
    data = {"name": name, "role": role, **more}
    page = send(tour, client, f"/a/{token}/contributors", data, 200, f"/a/{token}/check")
    found = re.search(rf'data-testid="contributor-link">[^<]*/a/{TOKEN}<', page)
    assert found, "the new link is shown on the check page"
    return found.group(1)


def verdicts(tour: Tour, queried: dict[str, str]) -> dict[str, str]:
    """Every dimension accepted but those of ``queried`` (dimension → comment)."""
    form = {f"verdict-{d.id}": "accepted" for d in state_of(tour).dimensions}
    for dimension_id, comment in queried.items():
        form |= {f"verdict-{dimension_id}": "queried", f"comment-{dimension_id}": comment}
        tour.type_in(comment)
    return form


def review(
    tour: Tour, client: FlaskClient, token: str, reviewer: str, queries: dict[str, str]
) -> None:
    """The owner asks ``reviewer``, who queries the dimensions of ``queries`` (dimension →
    comment) and accepts the others; the owner replies to the first query only."""
    check = f"/a/{token}/check"
    asked = re.search(r'name="reviewer" value="(\d+)"', client.get(check).get_data(as_text=True))
    assert asked, "the reviewer can be asked"
    send(tour, client, f"/a/{token}/review/ask", {"reviewer": asked[1]}, 303, check)
    see(tour, client, f"/a/{reviewer}/review")
    send(tour, client, f"/a/{reviewer}/review", {}, 400)  # no verdict given: the errors
    send(tour, client, f"/a/{reviewer}/review", verdicts(tour, queries), 303)
    tour.type_in("Tak: plan 2026–2028.")
    reply = {"reply": "Tak: plan 2026–2028."}
    send(tour, client, f"/a/{token}/review/{next(iter(queries))}/reply", reply, 303, check)


def draft_with_a_team(tour: Tour, client: FlaskClient) -> None:
    """A draft: every answer given, a colleague who disagrees, a review with open queries."""
    token = start(client)
    tour.roles[token] = "draft"
    check = f"/a/{token}/check"
    fill(tour, client, token, "answers-established.yaml", "Nordhaven")
    colleague = invite(tour, client, token, "Jan Nowak", "Wydział Europejski")
    reviewer = invite(tour, client, token, "Ewa Lis", "Gabinet Prezydenta", reviewer="yes")
    tour.roles |= {colleague: "colleague", reviewer: "reviewer"}
    theirs = page_answers(tour.app, "strategy", -1)
    send(tour, client, f"/a/{colleague}/step/strategy", theirs, 303)
    review(tour, client, token, reviewer, {"budget": "Czy budżet jest wieloletni?", "eu": "Skąd?"})
    send(tour, client, f"/a/{token}/submit", {}, 400, check)  # a query and a dispute are open
    for path in ("", "/check", "/activity", "/delete", "/profile"):
        see(tour, client, f"/a/{token}{path}")
    for dimension in state_of(tour).dimensions:
        see(tour, client, f"/a/{token}/step/{dimension.id}")
    for holder in (colleague, reviewer):
        for path in ("", "/check", "/activity"):
            see(tour, client, f"/a/{holder}{path}")
    tour.type_in("Zzyzx", "dużo")
    wrong = {"name": "", "country": "Zzyzx", "population": "dużo", "capital": "", "sharing": ""}
    send(tour, client, f"/a/{token}/profile", wrong, 400)
    link = {"strategy.document--link": "javascript:alert(1)", "strategy.document--checked": "x"}
    send(tour, client, f"/a/{token}/step/strategy", link, 400)


def submitted_with_a_plan(tour: Tour, client: FlaskClient) -> None:
    """Submitted, with targets, an edited plan and a share link; then re-assessed."""
    token = start(client)
    tour.roles[token] = "submitted"
    results = f"/a/{token}/results"
    fill(tour, client, token, "answers-emerging.yaml", "Valmora")
    invite(tour, client, token, "Amira Haddad", "Relations internationales")
    reviewer = invite(tour, client, token, "Marta Ruiz", "Alcaldía", reviewer="yes")
    tour.roles[reviewer] = "its reviewer"
    review(tour, client, token, reviewer, {"staff": "¿Cuántas personas?"})
    send(tour, client, f"/a/{token}/submit", {}, 303, f"/a/{token}/check")
    ahead = (date.today() + timedelta(days=365)).isoformat()
    bad = {"target-budget": "2", "target-date": "2020-01-01"}
    send(tour, client, f"/a/{token}/targets", bad, 400, results)
    good = {"target-budget": "2", "target-coordination": "3", "target-date": ahead}
    send(tour, client, f"/a/{token}/targets", good, 303, results)
    plan = client.get(f"/a/{token}/plan").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', plan))
    edits = {"a1-owner": "Amira Haddad", "a1-status": "started", "a1-due": ahead}
    send(tour, client, f"/a/{token}/plan", fields | edits, 303)
    send(tour, client, f"/a/{token}/plan", fields | {"a1-due": "31.03.2027"}, 400)
    page = send(tour, client, f"/a/{token}/share", {"expires": "30"}, 200, results)
    shared = re.search(rf'data-testid="share-link">[^<]*/a/{TOKEN}/results<', page)
    assert shared, "the share link is shown once"
    tour.roles[shared[1]] = "share link"
    for path in ("/results", "/plan", "/report", "/history", "/activity"):
        see(tour, client, f"/a/{token}{path}")
    for path in ("/results", "/plan", "/report", "/history"):
        see(tour, client, f"/a/{shared[1]}{path}")
    for name in ("results.csv", "plan.csv", "plan.xlsx"):
        response = client.get(in_french(f"/a/{token}/{name}"))
        assert response.status_code == 200, name
        tour.downloads[name] = response.get_data()
    reassessed(tour, client, token)


def reassessed(tour: Tour, client: FlaskClient, first: str) -> None:
    """A year on: a new assessment from the answers, better in two dimensions, submitted."""
    response = client.post(
        f"/a/{first}/reassess", data={"csrf_token": csrf_token(client, f"/a/{first}/results")}
    )
    assert response.status_code == 303
    found = re.search(rf"/a/{TOKEN}/", response.headers["Location"])
    assert found, response.headers["Location"]
    token = found[1]
    tour.roles[token] = "reassessed"
    for dimension_id in ("budget", "coordination"):
        better = example_page(tour, "answers-established.yaml", dimension_id)
        send(tour, client, f"/a/{token}/step/{dimension_id}", better, 303)
    see(tour, client, f"/a/{token}/check")
    send(tour, client, f"/a/{token}/submit", {}, 303, f"/a/{token}/check")
    for path in ("/plan", "/report", "/history", "/history/1", "/history/2"):
        see(tour, client, f"/a/{token}{path}")


def deleted(tour: Tour, client: FlaskClient) -> None:
    """An assessment its owner deletes: the page that says so."""
    token = start(client)
    tour.roles[token] = "deleted"
    send(tour, client, f"/a/{token}/delete", {}, 200)


def secretariat(tour: Tour, client: FlaskClient) -> None:
    """The network's pages: signing in and out, imports, the dashboard, cities, members."""
    see(tour, client, "/network/sign-in")
    send(tour, client, "/network/sign-in", {"token": "guess"}, 401)
    send(tour, client, "/network/sign-in", {"token": ADMIN_TOKEN}, 303)
    imports(tour, client)
    for url in (
        "/network/",
        "/network/?eu=yes&exclude_demo=1",
        "/network/cities",
        "/network/cities?q=Brno",
        "/network/members",
        "/network/members?stale=1",
    ):
        see(tour, client, url)
    with tour.app.app_context():
        brno = next(r.id for r in storage.load_pool() if r.profile.name == "Brno")
    see(tour, client, f"/network/cities/{brno}/delete")
    send(tour, client, f"/network/cities/{brno}/delete", {}, 303)
    send(tour, client, "/network/sign-out", {}, 303, "/network/")


def imports(tour: Tour, client: FlaskClient) -> None:
    """A dry run, a file with problems, two imports and the second one undone."""
    template = client.get("/network/import/template.csv").get_data(as_text=True)
    header, _allowed, example = list(csv.reader(io.StringIO(template)))
    row = dict(zip(header, example, strict=True))
    good = [{**row, "name": name} for name in ("Brno", "Graz", "Pécs")]
    bad = [{**row, "name": "Zły wiersz", "population": "dużo", "strategy.priorities": "xyz"}]
    tour.type_in(row["name"], "Brno", "Graz", "Pécs", "Linz", "Zły wiersz", "dużo", "xyz")
    tour.type_in("ankieta.csv", "zle.csv", "linz.csv")
    options = {o.value for d in state_of(tour).dimensions for q in d.questions for o in q.options}
    upload(tour, client, table(header, good), "ankieta.csv", 200, dry_run=True)
    upload(tour, client, table(header, bad), "zle.csv", 400)
    # a problem names the file's column and the values it takes: the file's machine keys
    tour.data_on["POST /network/import (zle.csv) → 400"] = {*header, *options}
    upload(tour, client, table(header, good), "ankieta.csv", 303)
    upload(tour, client, table(header, [{**row, "name": "Linz"}]), "linz.csv", 303)
    batches = re.findall(r'data-batch="(\d+)"', see(tour, client, "/network/import"))
    assert batches, "the import page lists the batches"
    newest = max(batches, key=int)
    send(tour, client, f"/network/import/batches/{newest}/undo", {}, 303, "/network/import")


def table(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(
    tour: Tour, client: FlaskClient, data: bytes, name: str, status: int, dry_run: bool = False
) -> None:
    """Import ``data`` as the file ``name``; the page that answers is kept."""
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/network/import"),
        "file": (io.BytesIO(data), name),
        **({"dry_run": "1"} if dry_run else {}),
    }
    response = client.post("/network/import", data=form, content_type="multipart/form-data")
    assert response.status_code == status, f"import {name}: {response.status_code}"
    if status == 303:
        see(tour, client, response.headers["Location"])
    else:
        label = f"POST /network/import ({name}) → {status}"
        tour.pages[label] = response.get_data(as_text=True)


def public_pages(tour: Tour, client: FlaskClient) -> None:
    """The pages anyone reaches, and the error pages."""
    for url in ("/", "/privacy", "/accessibility", "/how-scoring-works", "/api/v1/docs"):
        see(tour, client, url)
    see(tour, client, "/no-such-page", 404)
    see(tour, client, f"/a/{'A' * 43}/results", 404)
    see(tour, client, "/start", 405)
    expired = client.post("/start", data={})  # no CSRF token: the "form has expired" page
    assert expired.status_code == 400
    tour.pages["POST /start without a CSRF token → 400"] = expired.get_data(as_text=True)


def pseudo_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app offering French, whose French is the pseudo-locale (catalog and rulebook)."""
    rulebook = write_pseudo_rulebook(DEFAULT_RULEBOOK, tmp_path / "rulebook", LANGUAGE)
    settings = {"languages": f"en,{LANGUAGE}", "rulebook_path": rulebook, **HOST, **overrides}
    app = make_app(tmp_path, **settings)
    # create_app compiled the real catalog; no request has read it yet, so this one is used
    compiled = Path(app.instance_path) / "translations" / LANGUAGE / "LC_MESSAGES"
    write_pseudo_catalog(compiled / "messages.mo", LANGUAGE)
    return app


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    """Every page in the pseudo-locale, with real data in it."""
    app = pseudo_app(tmp_path_factory.mktemp("pseudo"), admin_token=ADMIN_TOKEN)
    closed = pseudo_app(tmp_path_factory.mktemp("closed"))  # no admin token: admin pages off
    seen = Tour(app)
    for watched in (app, closed):
        request_started.connect(seen.started, watched)
        template_rendered.connect(seen.rendered, watched)
    client = app.test_client()
    public_pages(seen, client)
    draft_with_a_team(seen, client)
    submitted_with_a_plan(seen, client)
    deleted(seen, client)
    secretariat(seen, client)
    see(seen, closed.test_client(), "/network/", 403, label="/network/ (admin pages off)")
    yield seen
    for watched in (app, closed):
        request_started.disconnect(seen.started, watched)
        template_rendered.disconnect(seen.rendered, watched)
        storage.dispose(watched)


# --------------------------------------------------------------------------- what may stay


def allowed(tour: Tour) -> English:
    """Data, not interface text: what people typed, the pool's cities (names and country
    codes), the bibliography, the operator's settings shown, the product names."""
    with tour.app.app_context():
        pool = storage.load_pool()
        licence = state.settings().open_data_licence  # the operator's, as the host's name
    cities = {r.profile.name for r in pool} | {r.profile.country for r in pool}
    texts = {*tour.typed, *cities, *bibliography(DEFAULT_RULEBOOK), *HOST.values(), licence}
    return English(texts | set(PRODUCT_NAMES), locale_words(LANGUAGE))


def leftovers(page: str, english: English) -> list[Leftover]:
    """What ``page`` shows in English outside translations and data."""
    shown = VisiblePage(page)
    runs = english_runs([shown.flow, *shown.attributes], english)
    names = set(NATIVE_NAMES.values())
    runs += [(name, "the language switch") for name in shown.switch if name not in names]
    if shown.language != LANGUAGE:
        runs.append((f'<html lang="{shown.language}">', "the page's declared language"))
    return runs


def report(found: dict[str, list[Leftover]]) -> str:
    lines = [f"{len(found)} pages or files show English that no translation went through:"]
    for where, runs in found.items():
        lines.append(f"  {where}:")
        lines.extend(f"    {run!r}    in: {context[:140]!r}" for run, context in runs)
    return "\n".join(lines)


# --------------------------------------------------------------------------- the tests


def test_the_pseudo_locale_is_in_force(tour: Tour) -> None:
    landing = VisiblePage(tour.pages["/"])
    assert "⟦Start now⟧" in landing.flow, "the pseudo catalog did not replace French"
    assert landing.switch == [NATIVE_NAMES[lang] for lang in ("en", LANGUAGE)]
    strategy = VisiblePage(tour.pages["/a/<draft>/step/strategy"])
    assert "⟦Strategy and mandate⟧" in strategy.flow, "the pseudo rulebook is not read"


def test_english_left_untranslated_is_found(tour: Tour) -> None:
    english = allowed(tour)
    assert english.runs("⟦Start now⟧ Nordhaven 12 % (15 déc. 2026) CITYDIP_K 100k") == []
    line = "⟦Reviewed by ⟧Ewa Lis⟦ on ⟧4 December 2026"
    assert english.runs(line) == [("December", line)]
    page = (
        '<html lang="fr"><p title="Open">⟦Hi <a>there⟧</a></p><script>var x = "never";</script>'
        '<p>Left <b>over</b></p><input type="submit" value="Send"><code>field_id</code>'
        '<nav data-testid="language-switch"><a>Englisch</a></nav>'
    )
    found = [run for run, _ in leftovers(page, english)]
    assert found == ["Left", "over", "Open", "Send", "Englisch"]
    assert leftovers('<html lang="en"><p>⟦Hi⟧</p>', english) == [
        ('<html lang="en">', "the page's declared language")
    ]


def test_placeholders_stay_outside_the_brackets() -> None:
    assert pseudo("Reviewed by %(name)s on %(date)s") == "⟦Reviewed by ⟧%(name)s⟦ on ⟧%(date)s"
    assert pseudo("%(num)d%% done") == "%(num)d⟦%% done⟧"
    assert pseudo("Start now") == "⟦Start now⟧"


def test_every_page_shows_only_translated_text_or_data(tour: Tour) -> None:
    english = allowed(tour)
    found = {}
    for where, page in tour.pages.items():
        runs = leftovers(page, english.also(tour.data_on.get(where, ())))
        if runs:
            found[where] = runs
    assert not found, report(found)


def test_every_page_route_and_template_is_visited(tour: Tour) -> None:
    routes = {r.endpoint for r in tour.app.url_map.iter_rules() if "GET" in (r.methods or ())}
    missed = sorted(routes - tour.endpoints - set(NOT_PAGES))
    assert not missed, f"GET routes the tour does not visit (visit them or say why not): {missed}"
    assert not set(NOT_PAGES) - routes, "NOT_PAGES names a route that no longer exists"
    root = Path(tour.app.root_path)
    folders = [root / "templates", root / "api" / "templates"]
    names = {str(p.relative_to(f)) for f in folders for p in f.rglob("*.html")}
    pages = {n for n in names if not Path(n).name.startswith("_")} - EXTENDED_ONLY
    assert not pages - tour.templates, (
        f"templates never rendered: {sorted(pages - tour.templates)}"
    )


def cells(tour: Tour, name: str) -> list[dict[str, str]]:
    """The rows of a download, by column key."""
    if not name.endswith(".xlsx"):
        return list(csv.DictReader(io.StringIO(tour.downloads[name].decode("utf-8-sig"))))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(tour.downloads[name])).active
    rows = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("name", ["results.csv", "plan.csv", "plan.xlsx"])
def test_the_downloads_translate_their_text_cells(tour: Tour, name: str) -> None:
    rows = cells(tour, name)
    assert rows, f"{name} has no rows"
    machine = MACHINE_COLUMNS[name.replace(".xlsx", ".csv")]
    english = allowed(tour)
    found = {}
    for column in rows[0]:
        runs = english_runs((row[column] for row in rows), english)
        if runs and column not in machine:
            found[f"{name}, column {column}"] = runs
    assert not found, report(found)


def test_machine_columns_hold_machine_values(tour: Tour) -> None:
    # A column is left untranslated only while it holds ids, dates, versions or numbers.
    machine = re.compile(r"[a-z0-9_.-]*")
    for name, columns in MACHINE_COLUMNS.items():
        for row in cells(tour, name):
            odd = {c: row[c] for c in columns if not machine.fullmatch(row[c])}
            assert not odd, f"{name}: not machine values: {odd}"
