"""Secret links never reach a log (issue 12, deliverable 6): every log line, whoever writes
it, shows ``/a/<token>/`` in place of a city's resume token."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from web_helpers import make_app, start

from web.log_redaction import redact


def test_flask_and_waitress_log_lines_carry_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, demo_pool=False)
    token = start(app.test_client())
    caplog.set_level(logging.INFO)
    with app.test_request_context(f"/a/{token}/results"):
        app.log_exception((ValueError, ValueError("boom"), None))  # "Exception on /a/…"
    logging.getLogger("waitress").error("Exception while serving /a/%s/profile", token)
    logging.getLogger("werkzeug").info('"GET /api/v1/assessments/%s HTTP/1.1" 200 -', token)
    assert len(caplog.records) == 3
    assert token not in caplog.text
    assert "/a/<token>/results" in caplog.text and "/a/<token>/profile" in caplog.text
    assert "/api/v1/assessments/<token>" in caplog.text


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("/a/" + "x" * 43 + "/check", "/a/<token>/check"),
        ("GET /a/" + "A1_-" * 11 + "?next=1", "GET /a/<token>?next=1"),
        ("/about/accessibility", "/about/accessibility"),  # not a token
        ("/a/short/", "/a/short/"),
    ],
)
def test_redact(line: str, shown: str) -> None:
    assert redact(line) == shown
