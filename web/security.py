"""Security headers, CSRF, rate limits and friendly error pages.

Bad input must never give a 500: every HTTP error the app or Werkzeug raises is rendered as a
plain page that says what happened and what to do next.
"""

from __future__ import annotations

from flask import Flask, Request, Response, render_template, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from limits.errors import ConfigurationError
from werkzeug.exceptions import HTTPException

from web import state
from web.errors import StartupError

__all__ = ["CONTENT_SECURITY_POLICY", "CookielessPathsSessionInterface", "init_app"]

#: No inline script or style, no other hosts: every asset is served by the app itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

#: Sent on every response that does not set them itself: (lower-case name, name, value).
_SECURITY_HEADERS = tuple(
    (name.lower(), name, value)
    for name, value in (
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        # Resume tokens are in URLs: never leak them to another site through the Referer header.
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
)

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask, *, write_limit: str, storage_uri: str | None = None) -> None:
    """Install the write rate limit, CSRF protection, security headers and error pages.

    The form limiter keeps its counters in ``storage_uri``, by default the app's
    ``ratelimit_storage_uri`` setting: the same store as the JSON API's limiter, so that a
    shared store (Redis...) counts form posts across processes too.
    """
    if storage_uri is None:
        with app.app_context():
            storage_uri = state.settings().ratelimit_storage_uri
    # The limiter goes first so that requests refused by CSRF count against the limit too.
    try:
        Limiter(
            get_remote_address,
            app=app,
            storage_uri=storage_uri,
            default_limits=[write_limit],
            default_limits_exempt_when=lambda: request.method not in _WRITE_METHODS,
            headers_enabled=False,
        )
    except ConfigurationError as exc:  # e.g. redis:// without the redis package installed
        raise StartupError(
            f"cannot start: CITYDIP_RATELIMIT_STORAGE_URI={storage_uri}: {exc}"
        ) from exc
    CSRFProtect(app)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


class CookielessPathsSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except under ``prefix``: no session there at all.

    Requests under ``prefix`` (the JSON API, which takes no cookies and no forms) get Flask's
    null session: the cookie is neither read nor verified (no signing serializer is built), and
    Flask never saves a null session, so no ``Set-Cookie`` (nor ``Vary: Cookie``) is sent.
    Writing to it raises (Flask's ``NullSession`` error, which speaks of a missing secret key),
    so code under ``prefix`` cannot come to depend on a session by mistake.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip("/")

    def is_cookieless(self, path: str) -> bool:
        """True when ``path`` is ``prefix`` or under it."""
        return path == self.prefix or path.startswith(self.prefix + "/")

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.is_cookieless(request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    # As `headers.setdefault` for each, in a third of the time (one pass over the headers).
    present = {name.lower() for name, _value in headers.items()}
    for lower, name, value in _SECURITY_HEADERS:
        if lower not in present:
            headers.add(name, value)
    if request.path.startswith("/a/"):
        # Private answers: keep them out of shared and back-forward caches.
        headers["Cache-Control"] = "no-store"
    return response


def _messages(status: int) -> tuple[str, str]:
    pages = {
        400: (
            _("Sorry, there is a problem with what was sent"),
            _("Go back, check the page and try again."),
        ),
        404: (
            _("Page not found"),
            _(
                "If you typed the web address, check it is correct. If you used a link to "
                "come back to your assessment, check that you copied all of it: links stop "
                "working some time after the assessment was started."
            ),
        ),
        405: (
            _("This page cannot be used in that way"),
            _("Go back to the start page and follow the links from there."),
        ),
        413: (
            _("What you sent is too large"),
            _("Go back, shorten your notes and try again. Nothing on that page was saved."),
        ),
        429: (
            _("Too many requests"),
            _("You have sent a lot of forms in a short time. Wait a minute and try again."),
        ),
    }
    return pages.get(
        status,
        (
            _("Sorry, there is a problem with the service"),
            _("Try again later. Your saved answers are safe."),
        ),
    )


def _render_error(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message, status=status), status


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _render_error(
        400,
        _("This form has expired"),
        _(
            "The page was open too long, or it was not sent from this site. Go back, reload "
            "the page and try again. Answers you saved before are safe."
        ),
    )


def _http_error(error: HTTPException) -> tuple[str, int, list[tuple[str, str]]]:
    status = error.code or 500
    title, message = _messages(status)
    page, status = _render_error(status, title, message)
    # The error's own headers stay: Allow on a 405 (RFC 9110 requires it), Retry-After...
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return page, status, headers
