"""Languages: which are offered, which one a request is answered in, the compiled catalogs.

The catalogs live in the repository as ``.po`` files (``web/translations/<lang>/
LC_MESSAGES/messages.po``, extracted to ``messages.pot``); they are compiled when the app
starts, into the instance folder, so a compiled catalog can never be out of step with its
source. A language is *offered* only when its catalog is complete and its rulebook texts
are there (``CITYDIP_LANGUAGES``; English alone until issue 16 ships the others).

The language of a request: ``?lang=`` (the API and the switch links), then the ``lang``
cookie the switch sets, then the browser's ``Accept-Language``, then English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, has_request_context, request
from flask_babel import get_locale, get_translations

__all__ = [
    "CATALOGS",
    "COOKIE",
    "KNOWN",
    "LanguageLink",
    "chosen_language",
    "compile_catalogs",
    "extracted_ids",
    "incomplete_messages",
    "language_links",
    "request_language",
    "template_ids",
    "translate",
    "translate_plural",
]

#: every language the project translates into (the order of the switch)
KNOWN = ("en", "fr", "de", "es", "it", "pl")
CATALOGS = Path(__file__).parent / "translations"
COOKIE = "lang"


ROOT = Path(__file__).parent.parent
TEMPLATE = CATALOGS / "messages.pot"
#: what is extracted: the Python code and the templates (babel.cfg says the same for
#: ``pybabel``)
METHODS = [
    ("web/api/openapi.py", "web.api.openapi_messages:extract"),
    ("rules/**.py", "python"),
    ("benchmark/**.py", "python"),
    ("web/**.py", "python"),
    ("web/templates/**.html", "jinja2"),
    ("web/api/templates/**.html", "jinja2"),
]
#: gettext's keywords, Flask-Babel's lazy ones, and the two ways ``rules`` and ``benchmark``
#: write a sentence
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "phrase": None,
    "plural_phrase": (1, 2),
}


def extracted_ids() -> set[str | tuple[str, ...]]:
    """The message ids in the code and templates now (with their plural, if any)."""
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def template_ids() -> set[str | tuple[str, ...]]:
    """The message ids of the committed template (``messages.pot``)."""
    with TEMPLATE.open("rb") as source:
        catalog = read_po(source)
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def incomplete_messages(language: str) -> list[str]:
    """The message ids of ``language``'s catalog without a translation (or marked fuzzy)."""
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    missing = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def compile_catalogs(languages: Sequence[str], into: Path) -> Path:
    """Compile the ``.po`` catalogs of ``languages`` (English needs none) into ``into``;
    returns the folder to give Flask-Babel."""
    for language in languages:
        if language == "en":
            continue
        source = CATALOGS / language / "LC_MESSAGES" / "messages.po"
        with source.open("rb") as po:
            catalog = read_po(po, locale=language)
        target = into / language / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as mo:
            write_mo(mo, catalog)
    return into


def chosen_language(offered: Sequence[str]) -> str:
    """The language of the current request among ``offered`` (English by default, and
    outside a request: the CLI, background work)."""
    if not has_request_context():
        return "en"
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate is not None and candidate in offered:
            return candidate
    best = request.accept_languages.best_match(list(offered))
    return best if best is not None and best in offered else "en"


def request_language() -> str:
    """The language Flask-Babel chose for the current request; English outside one."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


def translate(message: str) -> str:
    """``message`` from the request's catalog, unformatted (``rules.locale.phrase`` fills it)."""
    return get_translations().gettext(message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` the request's language uses for ``n``, unformatted."""
    return get_translations().ngettext(singular, plural, n)


#: each language's name in itself, for the switch
NATIVE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
}
COOKIE_DAYS = 365


@dataclass(frozen=True)
class LanguageLink:
    """One link of the language switch."""

    code: str
    name: str
    url: str
    current: bool


def language_links(offered: Sequence[str]) -> list[LanguageLink]:
    """The switch on every page: this page in each offered language (none when only one)."""
    if len(offered) < 2:
        return []
    here = chosen_language(offered)
    links = []
    for code in offered:
        args = {**request.args.to_dict(), "lang": code}
        # A query-only link: the page's path (which may hold a secret token) is not repeated.
        links.append(LanguageLink(code, NATIVE_NAMES[code], f"?{urlencode(args)}", code == here))
    return links


def init_app(app: Flask, offered: Sequence[str], instance: Path, *, secure: bool) -> Path:
    """Compile the offered languages' catalogs for ``app``, remember a language chosen with
    ``?lang=`` in a cookie, give templates the switch; returns where the catalogs went."""

    def remember(response: Response) -> Response:
        chosen = request.args.get("lang")
        if request.path.startswith("/api/"):
            return response  # a program asks per request; only the pages' switch is remembered
        if chosen is not None and chosen in offered and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(
                COOKIE,
                chosen,
                max_age=COOKIE_DAYS * 86400,
                secure=secure,
                httponly=True,
                samesite="Lax",
            )
        return response

    app.after_request(remember)
    app.jinja_env.globals["language_links"] = lambda: language_links(offered)
    app.jinja_env.globals["html_lang"] = lambda: chosen_language(offered)
    return compile_catalogs(offered, instance / "translations")
