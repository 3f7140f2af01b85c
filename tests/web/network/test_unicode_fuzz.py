"""No 500 for any text (issue 12, deliverable 5).

Every form the app shows is read from its pages (so a new field is fuzzed without anyone
listing it), and each field in turn gets every value of a table of Unicode categories while
the others keep their defaults; every query parameter the views read, and every path
parameter, gets the same table. Bodies are encoded by hand with ``surrogatepass``, so lone
surrogates and invalid UTF-8 reach the server as bytes, as a hostile client would send them.
The only assertion is the one that matters: no response is a 5xx.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from network_helpers import admin_app, sign_in, submit_assessment
from web_helpers import PROFILE, example_answers, fill_everything, post_form, start

from benchmark.names import clean_name
from web import state, storage
from web.tokens import hash_token

#: One value per kind of trouble: digits of other scripts, controls, bidi, surrogates, NUL,
#: invisible characters, decompositions, very long text.
FUZZ: dict[str, str] = {
    "superscript digit": "²",
    "circled digit": "⑦",
    "digit then superscript": "1²",
    "arabic-indic digits": "١٢٣٤٥٦",
    "devanagari digits": "५००००",
    "mathematical digit": "𝟙𝟘",
    "fullwidth digits": "１２３",
    "NUL": "\x00",
    "NUL inside": "ab\x00cd",
    "escape sequence": "\x1b[31mred",
    "CR LF header": "x\r\nLocation: http://evil.example",
    "bidi override": "\u202eevil\u202c",
    "bidi isolates": "\u2066\u2067x\u2069",
    "zero width": "\u200b\u200b",
    "BOM": "\ufeff",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "x\udfff",
    "combining marks": "e\u0301\u0301\u0301",
    "ideographic space": "\u3000",
    "emoji ZWJ": "👩\u200d👩\u200d👧",
    "right-to-left text": "مدينة",
    "very long": "x" * 20_000,
    "long digits": "9" * 400,
    "negative": "-1",
    "exponent": "1e309",
    "nan": "NaN",
    "path traversal": "../../etc/passwd",
    "percent": "%00%ff",
}


@dataclass
class Form:
    """A form as its page shows it: where it goes and its fields' default values."""

    method: str
    action: str
    multipart: bool
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            multipart = a.get("enctype") == "multipart/form-data"
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", ""), multipart))
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") == "file":
            self.forms[-1].files.append(a["name"])
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a or a["name"] not in self.forms[-1].fields:
                self.forms[-1].fields[a["name"]] = a.get("value", "on")
        elif tag in ("input", "textarea"):
            self.forms[-1].fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            self.forms[-1].fields.setdefault(self._select, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(html: str, page: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        form.action = form.action or page
    return parser.forms


def _body(fields: dict[str, str]) -> bytes:
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")


def _send(client: FlaskClient, form: Form, fields: dict[str, str]) -> int:
    if form.method == "get":
        query = urlencode(fields, encoding="utf-8", errors="surrogatepass")
        return client.get(form.action, query_string=query).status_code
    if form.multipart:
        data: dict[str, object] = {
            k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            for k, v in fields.items()
            if k not in form.files
        }
        for name in form.files:
            content = "name,country\n" + fields.get(name, "Graz,AT")
            data[name] = (io.BytesIO(content.encode("utf-8", "surrogatepass")), "x.csv")
        return client.post(form.action, data=data, content_type="multipart/form-data").status_code
    return client.post(
        form.action, data=_body(fields), content_type="application/x-www-form-urlencoded"
    ).status_code


def fuzz_form(client: FlaskClient, page: str) -> Iterator[tuple[str, str, str, int]]:
    """(page, field, kind, status) for every field of every form on ``page``."""
    html = client.get(page).get_data(as_text=True)
    for form in forms_of(html, page):
        if form.action.endswith("/sign-out"):
            continue  # would end the sign-in the rest of the walk needs
        for name in [*form.fields, *form.files]:
            for kind, value in FUZZ.items():
                if name == "csrf_token" and kind != "NUL":
                    continue  # one bad token is enough to see CSRF refuse it
                fresh = forms_of(client.get(page).get_data(as_text=True), page)
                current = next((f for f in fresh if f.action == form.action), form)
                status = _send(client, current, {**current.fields, name: value})
                yield page, name, kind, status


#: The query parameters the views read (request.args), per page.
QUERY = {
    "/a/{t}/profile": ["city", "q"],
    "/network/sign-in": ["next", "signed_out", "return_to"],
    "/network/": ["region", "size_band", "eu", "exclude_demo"],
    "/network/export/aggregates.json": ["region", "size_band", "eu", "exclude_demo"],
    "/network/export/aggregates.csv": ["region", "size_band", "eu", "exclude_demo"],
    "/network/members": ["source", "stale", "page"],
    "/network/import": ["imported", "q", "deleted"],
    "/network/cities": ["q", "deleted"],
    "/api/v1/assessments/{s}/peers": ["k", "mode"],
    "/api/v1/assessments/{s}/advice": ["k"],
}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = admin_app(tmp_path, write_rate_limit="100000 per minute")
    yield app
    storage.dispose(app)


def _walk_pages(client: FlaskClient, app: Flask) -> list[str]:
    token = start(client)
    fill_everything(client, token, app)
    with app.app_context():
        dimensions = [d.id for d in state.rulebook().dimensions]
    submitted = submit_assessment(client, app, sharing="anonymous")
    with app.app_context():
        pool_id = storage.load_pool()[0].id
    return [
        "/",
        f"/a/{token}/profile",
        *(f"/a/{token}/step/{d}" for d in dimensions),
        f"/a/{token}/check",
        f"/a/{submitted}/results",
        "/network/sign-in",
        "/network/",
        "/network/members",
        "/network/cities",
        "/network/import",
        f"/network/cities/{pool_id}/delete",
        f"/a/{submitted}/delete",
    ]


def test_no_form_field_gives_a_5xx(app: Flask) -> None:
    client = app.test_client()
    sign_in(client)
    failures = []
    seen = 0
    for page in _walk_pages(client, app):
        for where, name, kind, status in fuzz_form(client, page):
            seen += 1
            if status >= 500:
                failures.append(f"{where} {name} <- {kind}: {status}")
    assert seen > 1000  # the walk reached the forms (a page that lost its form shows here)
    assert failures == []


def test_no_query_or_path_parameter_gives_a_5xx(app: Flask) -> None:
    client = app.test_client()
    sign_in(client)
    token = start(client)
    submitted = submit_assessment(client, app, sharing="anonymous")
    failures = []
    for template, names in QUERY.items():
        page = template.format(t=token, s=submitted)
        for name in names:
            for kind, value in FUZZ.items():
                query = urlencode({name: value}, encoding="utf-8", errors="surrogatepass")
                status = client.get(page, query_string=query).status_code
                if status >= 500:
                    failures.append(f"{page}?{name} <- {kind}: {status}")
    for kind, value in FUZZ.items():
        part = quote(value.encode("utf-8", "surrogatepass"), safe="")
        for page in (
            f"/a/{part}/profile",
            f"/a/{token}/step/{part}",
            f"/network/cities/{part}/delete",
            f"/network/import/batches/{part}/undo",
            f"/api/v1/assessments/{part}",
        ):
            status = client.get(page).status_code
            if status >= 500:
                failures.append(f"{page[:60]} <- {kind}: {status}")
    assert failures == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Gra\u202ez", "Graz"),  # a bidi override that would show another name
        ("\u200bBrno\u200b", "Brno"),
        ("E\u0301vora", "Évora"),  # NFC
        ("  Łódź  ", "Łódź"),
        ("Mashhad\u200cabad", "Mashhad\u200cabad"),  # ZWNJ stays: Persian needs it
    ],
)
def test_names_are_cleaned(app: Flask, typed: str, stored: str) -> None:
    assert clean_name(typed) == stored
    client = app.test_client()
    token = start(client)
    response = post_form(client, f"/a/{token}/profile", {**PROFILE, "name": typed})
    assert response.status_code == 303
    with app.app_context():
        found = storage.find_assessment(token_hash=hash_token(token))
    assert found is not None and found.profile is not None
    assert found.profile["name"] == stored


@pytest.mark.parametrize("blank", ["\u200b\u200b", "\u202e\u202c", "\ufeff", " \u3000 ", "\x00"])
def test_a_name_with_nothing_visible_is_refused(app: Flask, blank: str) -> None:
    client = app.test_client()
    token = start(client)
    response = post_form(client, f"/a/{token}/profile", {**PROFILE, "name": blank})
    assert response.status_code == 400
    assert "Enter the name of your city" in response.get_data(as_text=True)


def test_the_api_cleans_and_refuses_names_the_same_way(app: Flask) -> None:
    data = example_answers()
    body = {"rulebook": data["rulebook"], "answers": data["answers"]}
    client = app.test_client()
    for name, status in (("Gra\u202ez", 201), ("\u200b", 422)):
        profile = {"name": name, "country": "DE", "population": 300000}
        response = client.post("/api/v1/assessments", json={**body, "profile": profile})
        assert response.status_code == status, response.get_json()
        if status == 201:
            assert response.get_json()["profile"]["name"] == "Graz"
