"""The language a text is read in, and sentences the code itself writes for a person.

The rulebook's texts are maps of language → text; :func:`rules.text_in` resolves one in the
language asked for or, when none is, in the language of the context. Scoring always stores
English (the engine asks for it), so that a stored scorecard is the same whichever language
it was taken in; pages resolve it in the reader's language (:mod:`rules.localize`).

Neither this layer nor ``benchmark`` knows the web app's catalogs. An application says, once,
how to find the current language and how to translate a sentence (:func:`use_locale`; the web
app passes its request's language and Flask-Babel's gettext). Outside such an application
(the CLI, a script, a test) everything is English. :func:`phrase` is the one way code below
the web writes a sentence a person reads; ``pybabel`` extracts its first argument into the
interface's catalog.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["current_language", "phrase", "plural_phrase", "use_locale"]

Translate = Callable[[str], str]
TranslatePlural = Callable[[str, str, int], str]


def _english() -> str:
    return "en"


def _same(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_language: Callable[[], str] = _english
_translate: Translate = _same
_translate_plural: TranslatePlural = _english_plural


def use_locale(
    language: Callable[[], str],
    translate: Translate,
    translate_plural: TranslatePlural,
) -> None:
    """Take the current language and translations from an application from now on."""
    global _language, _translate, _translate_plural
    _language, _translate, _translate_plural = language, translate, translate_plural


def current_language() -> str:
    """The language of the context (English unless an application said otherwise)."""
    return _language()


def phrase(message: str, **params: object) -> str:
    """``message`` in the current language, ``%(name)s`` placeholders filled from ``params``."""
    translated = _translate(message)
    return translated % params if params else translated


def plural_phrase(singular: str, plural: str, n: int, **params: object) -> str:
    """The singular or plural (as the current language counts ``n``), filled as :func:`phrase`
    does, with ``%(num)s`` for ``n`` itself."""
    return _translate_plural(singular, plural, n) % {"num": n, **params}
