"""A test app's catalog with messages the committed catalog does not translate yet.

New messages reach the ``.po`` catalogs only when the lead regenerates the template and has
them translated. A test that checks a text follows the request's language compiles the
committed catalog again into the app's instance folder (where :func:`web.i18n.compile_catalogs`
put it at start-up), with a translation of its own for each message the catalog still lacks;
a message the catalog translates keeps the catalog's words. The test then expects what the
catalog says, so it keeps passing, and keeps meaning something, once the catalog is complete.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from web import i18n

#: A message id: the text, or (singular, plural) for a message with plural forms.
MessageId = str | tuple[str, str]
#: Its translation: the text, or one text per plural form of the language.
Translation = str | tuple[str, ...]


def _committed(language: str) -> Catalog:
    with (i18n.CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog: Catalog = read_po(source, locale=language)
    return catalog


def plural_form(language: str, n: int) -> int:
    """Which of the catalog's plural forms ``language`` uses for ``n`` (French has three:
    1, a million, others)."""
    return int(gettext.c2py(_committed(language).plural_expr)(n))


def with_translations(
    app: Flask, language: str, wanted: Mapping[MessageId, Translation]
) -> dict[MessageId, Translation]:
    """Recompile ``app``'s catalog of ``language`` with ``wanted`` added where the committed
    catalog has no translation (a plural's last form standing for any further forms of the
    language); returns each wanted message's translation in the catalog the app now reads.
    Call it before the app's first request in ``language`` (Flask-Babel keeps a catalog
    once read)."""
    catalog = _committed(language)
    found: dict[MessageId, Translation] = {}
    for message_id, translation in wanted.items():
        key = message_id if isinstance(message_id, str) else message_id[0]
        known = catalog.get(key)
        strings = () if known is None else _strings(known.string)
        if known is not None and all(strings) and not known.fuzzy:
            found[message_id] = known.string
            continue
        if isinstance(translation, tuple):  # as many forms as the language has
            last = translation[-1]
            translation = (*translation, *[last] * catalog.num_plurals)[: catalog.num_plurals]
        catalog.add(message_id, translation)
        found[message_id] = translation
    target = Path(app.instance_path) / "translations" / language / "LC_MESSAGES" / "messages.mo"
    with target.open("wb") as compiled:
        write_mo(compiled, catalog)
    return found


def _strings(string: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if string is None:
        return ("",)
    return string if isinstance(string, tuple) else (string,)
