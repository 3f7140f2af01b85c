"""The API reference's prose as messages of the interface catalog.

The OpenAPI document is built from the operation table and the models' docstrings and field
descriptions, so ``pybabel``'s Python extractor cannot see its texts. :func:`extract` (named
in ``babel.cfg``, used by ``web.i18n.extracted_ids``) yields them: every summary and
description the readable API page shows, taken from the English document. The page
translates each through the catalog (:mod:`web.api.docs_page`); the machine-readable
document stays English. Texts that carry a setting (the body size, the rate limits) are
ordinary gettext messages with placeholders in :mod:`web.api.openapi` instead.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

__all__ = ["document_prose", "extract"]

_SETTING_STATUSES = frozenset({"413"})  # their text names a setting: not a fixed message


def document_prose(document: Mapping[str, Any]) -> Iterator[str]:
    """Every summary and description of ``document`` that the readable page shows."""
    yield document["info"]["title"]
    yield document["info"]["summary"]
    for item in document["paths"].values():
        for spec in item.values():
            yield spec["summary"]
            yield spec.get("description", "")
            yield from (p.get("description", "") for p in spec.get("parameters", []))
            for status, reply in spec["responses"].items():
                if status not in _SETTING_STATUSES:
                    yield reply["description"]
    for schema in document["components"]["schemas"].values():
        yield schema.get("description", "")


def _english_document() -> dict[str, Any]:
    from flask import Flask
    from flask_babel import Babel

    import web.api  # noqa: F401  (registers every operation)
    from rules import load_rulebook
    from web.api.openapi import build_document
    from web.api.routes import OPERATIONS
    from web.settings import Settings

    app = Flask(__name__)
    Babel(app)  # English: no catalogs, no request
    with app.app_context():
        return build_document(OPERATIONS, book=load_rulebook(), settings=Settings())


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:
    """``pybabel``'s Python extraction of the file, then the document's prose."""
    yield from extract_python(fileobj, keywords, comment_tags, dict(options))  # type: ignore[arg-type]
    for text in sorted({t for t in document_prose(_english_document()) if t}):
        yield 0, None, text, []
