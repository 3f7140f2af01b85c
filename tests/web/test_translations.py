"""The interface catalogs (issue 16, part 1): the template is current, every language's
catalog is complete, keeps every placeholder, and compiles; the request's language is
chosen from ?lang=, the cookie, then Accept-Language. As pypi/warehouse checks its own in CI.

To refresh after changing texts: ``make translations`` (extracts messages.pot, updates each
catalog); then translate what is new.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from web_helpers import csrf_token, make_app

from web import i18n

LANGUAGES = [lang for lang in i18n.KNOWN if lang != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_the_template_holds_exactly_the_messages_of_the_code_and_templates() -> None:
    extracted, committed = i18n.extracted_ids(), i18n.template_ids()
    assert extracted == committed, (
        "messages.pot is out of date (run `make translations`): "
        f"new {sorted(map(str, extracted - committed))[:5]}, "
        f"gone {sorted(map(str, committed - extracted))[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_message(language: str) -> None:
    with (i18n.CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(source) if m.id}
    assert ids == i18n.template_ids(), f"{language}: run `make translations`"
    missing = i18n.incomplete_messages(language)
    assert not missing, f"{language} lacks {len(missing)} translations, e.g. {missing[:3]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    with (i18n.CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for n, text in enumerate(strings):
            source_text = ids[min(n, len(ids) - 1)]
            if text and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source_text)):
                wrong.append((ids[0], text))
    assert not wrong, f"{language}: placeholders changed in {wrong[:3]}"


def test_catalogs_compile_at_start_up_and_a_language_is_chosen(tmp_path: Path) -> None:
    app = make_app(tmp_path, languages="en,fr")
    compiled = tmp_path / "instance" / "translations" / "fr" / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists(), "compiled at start-up, never committed"
    with (i18n.CATALOGS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        start_now = read_po(source, locale="fr")["Start now"].string
    client = app.test_client()
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    page = html.unescape(french.get_data(as_text=True))
    assert '<html lang="fr"' in page and start_now in page and "Start now" not in page
    english = client.get("/?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en"' in english.get_data(as_text=True)
    client.set_cookie("lang", "fr")
    assert '<html lang="fr"' in client.get("/").get_data(as_text=True)
    polish = client.get("/?lang=pl")  # not offered here: the cookie's choice stands
    assert '<html lang="fr"' in polish.get_data(as_text=True)


def test_an_unknown_language_setting_stops_the_start(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from web.settings import Settings

    with pytest.raises(ValidationError, match="unknown language 'xx'"):
        Settings(languages="en,xx")


def test_the_switch_offers_each_language_and_remembers_the_choice(tmp_path: Path) -> None:
    app = make_app(tmp_path, languages="fr")  # English is always offered too
    client = app.test_client()
    page = client.get("/privacy").get_data(as_text=True)
    switch = page[page.index('data-testid="language-switch"') :]
    switch = switch[: switch.index("</nav>")]
    assert re.findall(r'hreflang="(\w+)"', switch) == ["en", "fr"]
    assert 'href="?lang=fr"' in switch and 'aria-current="true">English' in switch
    chosen = client.get("/privacy?lang=fr")
    assert "lang=fr" in chosen.headers["Set-Cookie"] and "HttpOnly" in chosen.headers["Set-Cookie"]
    assert '<html lang="fr"' in client.get("/accessibility").get_data(as_text=True)


def test_with_english_alone_there_is_no_switch(tmp_path: Path) -> None:
    page = make_app(tmp_path, languages="en").test_client().get("/").get_data(as_text=True)
    assert '<html lang="en"' in page and "language-switch" not in page


def test_all_six_are_offered_by_default(client: Any) -> None:
    page = client.get("/?q=x").get_data(as_text=True)
    switch = page[page.index('data-testid="language-switch"') :]
    assert re.findall(r'hreflang="(\w+)"', switch[: switch.index("</nav>")]) == list(i18n.KNOWN)


def test_the_switch_never_repeats_a_secret_address(client: Any) -> None:
    started = client.post("/start", data={"csrf_token": csrf_token(client, "/")})
    profile = started.headers["Location"]
    page = client.get(profile).get_data(as_text=True)
    switch = page[page.index('data-testid="language-switch"') :]
    switch = switch[: switch.index("</nav>")]
    token = profile.split("/a/")[1].split("/")[0]
    assert token not in switch and 'href="?lang=de"' in switch


def test_the_api_follows_lang_but_sets_no_cookie(client: Any) -> None:
    response = client.get("/api/v1/rulebook?lang=fr")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
