"""The host named on every page: the default's words in the reader's language, a name as set.

An instance that was not told who hosts it names "the organisation that runs this service" in
the footer and on the privacy page: a French reader reads those words in French. A name the
operator set ("Eurocities secretariat") is a name, shown as it is in every language.

The French catalog gets this translation when the lead has the new messages translated;
until then :func:`catalog_helpers.with_translations` adds it to the test app's catalog.
"""

from __future__ import annotations

from pathlib import Path

from catalog_helpers import with_translations
from web_helpers import make_app

from web import state
from web.settings import DEFAULT_HOST_NAME, Settings


def test_the_default_host_is_named_in_the_readers_language(tmp_path: Path) -> None:
    app = make_app(tmp_path, languages="en,fr", demo_pool=False)
    french = with_translations(
        app, "fr", {DEFAULT_HOST_NAME: "l’organisation qui gère ce service"}
    )
    with app.test_request_context("/privacy?lang=fr"):
        assert state.settings().shown_host_name == french[DEFAULT_HOST_NAME] != DEFAULT_HOST_NAME
    with app.test_request_context("/privacy", headers={"Accept-Language": "en"}):
        assert state.settings().shown_host_name == DEFAULT_HOST_NAME
    assert Settings().shown_host_name == DEFAULT_HOST_NAME, "outside a request: English"


def test_a_host_name_that_was_set_is_shown_as_set(tmp_path: Path) -> None:
    app = make_app(
        tmp_path, languages="en,fr", demo_pool=False, host_name="Eurocities secretariat"
    )
    with app.test_request_context("/privacy?lang=fr"):
        assert state.settings().shown_host_name == "Eurocities secretariat"
