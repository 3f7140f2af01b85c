"""Secret links never reach a log: every log record is cleaned as it is made.

A resume link (``/a/<token>/…``) or an API assessment URL (``/api/v1/assessments/<token>``)
is all it takes to read and change a city's answers, and paths end up in log lines that many
people read: Flask's "Exception on /a/…", waitress's "Exception while serving /a/…", a
development server's request lines, a proxy's error pages. Filters on handlers would miss
handlers that others configure, so the redaction sits in the log-record factory, which every
logger of the process uses, whoever set up the handlers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["install", "redact"]

#: A token in a path: the 43-character URL-safe form that ``web.tokens.new_token`` makes
#: (any run of 20 or more such characters, so shorter or longer ones are caught too).
_TOKEN_IN_PATH = re.compile(r"(/a/|/api/v1/assessments/)[A-Za-z0-9_-]{20,}")
_MARK = "_citydip_redacts"


def redact(text: str) -> str:
    """``text`` with every token in a path replaced by ``<token>``."""
    return _TOKEN_IN_PATH.sub(r"\1<token>", text)


def install() -> None:
    """Make every log record of this process redacted (once; later calls do nothing)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    setattr(factory, _MARK, True)
    logging.setLogRecordFactory(factory)


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
