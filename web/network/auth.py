"""Admin access for the network's secretariat: one token, set in ``CITYDIP_ADMIN_TOKEN``.

A browser signs in once on a form (CSRF protected like every form); the token is compared in
constant time (:func:`hmac.compare_digest`), and the session then carries an HMAC of the token
rather than a plain flag, so that changing the token signs every browser out. Scripts send
``Authorization: Bearer <token>`` instead of signing in.

What a request without access gets:

* no token configured: **403**, with a page saying how to set one;
* not signed in, or a wrong token: **401** (``WWW-Authenticate: Bearer``); an HTML page
  answers with the sign-in form itself (it comes back to the page after signing in), downloads
  answer in plain text;
* too many wrong tokens from one address (sign-in form and bearer alike,
  ``CITYDIP_ADMIN_FAILURE_LIMIT``): **429** with ``Retry-After``, the right token included,
  until the window has passed, so that guessing costs time.

A sign-in is also kept on the server (``web.storage.admin_sessions``): the cookie names a
random session id, and signing out deletes it, so a copy of the cookie stops working at once.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse

from web import state, storage
from web.assessment.forms import FieldError
from web.client_limits import ClientLimit
from web.network.blueprint import bp

__all__ = ["Access", "access", "admin_required", "signed_in"]

log = logging.getLogger(__name__)

SESSION_KEY = "citydip_admin"
#: the session cookie's key for the server-side sign-in id
SESSION_ID_KEY = "citydip_admin_session"
_REALM = 'Bearer realm="citydip admin"'

#: a Flask view function
View = Callable[..., Any]


class Access(enum.Enum):
    """Whether the current request may use the admin pages."""

    GRANTED = "granted"
    #: no admin token is configured: admin pages are off
    OFF = "off"
    #: not signed in, or a wrong token
    DENIED = "denied"
    #: too many wrong tokens from this address lately
    LOCKED = "locked"


#: Wrong admin tokens per client address (``CITYDIP_ADMIN_FAILURE_LIMIT``).
_FAILURES = ClientLimit("admin-token", "admin_failure_limit")


def locked_out_for() -> int | None:
    """Seconds until this client may try a token again, or None when it may now."""
    return _FAILURES.wait()


def _note_failure() -> None:
    _FAILURES.hit()
    log.warning("admin access with a wrong token from %s", request.remote_addr)


def _lifetime() -> timedelta:
    return timedelta(hours=state.settings().admin_session_hours)


def _configured_token() -> bytes | None:
    secret = state.settings().admin_token
    value = secret.get_secret_value() if secret is not None else ""
    return value.encode("utf-8") if value else None


def _token_matches(given: str, expected: bytes) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected)


def _session_mark(token: bytes) -> str:
    key = str(current_app.secret_key).encode("utf-8")
    return hmac.new(key, b"citydip-admin:" + token, hashlib.sha256).hexdigest()


def _bearer() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def signed_in() -> bool:
    """True when this browser signed in with the current admin token, and the sign-in has
    neither ended (signed out) nor expired on the server."""
    token = _configured_token()
    mark = session.get(SESSION_KEY)
    session_id = session.get(SESSION_ID_KEY)
    return (
        token is not None
        and isinstance(mark, str)
        and hmac.compare_digest(mark, _session_mark(token))
        and isinstance(session_id, str)
        and storage.admin_session_valid(session_id, lifetime=_lifetime())
    )


def access() -> Access:
    """The current request's access: a bearer token if one is sent, else the session."""
    token = _configured_token()
    if token is None:
        return Access.OFF
    given = _bearer()
    if given is not None:
        if locked_out_for() is not None:
            return Access.LOCKED
        if _token_matches(given, token):
            return Access.GRANTED
        _note_failure()
        return Access.DENIED
    return Access.GRANTED if signed_in() else Access.DENIED


def refusal(found: Access, kind: Literal["page", "file"]) -> BaseResponse | tuple[str, int]:
    """The 403 (admin off), 401 (not signed in) or 429 (locked out) answer for a page or a
    download."""
    if found is Access.LOCKED:
        return _locked_out(locked_out_for() or 1)
    if kind == "file":
        if found is Access.OFF:
            message = _("Admin access is off: set CITYDIP_ADMIN_TOKEN and restart the app.")
            return Response(message + "\n", status=403, mimetype="text/plain")
        message = _("Sign in first, or send the header 'Authorization: Bearer <admin token>'.")
        return Response(message + "\n", 401, {"WWW-Authenticate": _REALM}, mimetype="text/plain")
    if found is Access.OFF:
        return render_template("network/admin_off.html"), 403
    # The sign-in form itself, with no link to click first; after signing in the browser comes
    # back to the page it asked for (a form that was posted cannot be replayed: the dashboard).
    asked = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
    page, status = _sign_in_page(_safe_next(asked), [], 401, needed=True)
    return Response(page, status, {"WWW-Authenticate": _REALM})


def admin_required(
    kind: Literal["page", "file"] = "page", *, public: Callable[[], bool] | None = None
) -> Callable[[View], View]:
    """Let the view run only for the secretariat (or for everyone while ``public()``).

    ``kind`` says how to refuse: an HTML page, or plain text for downloads and scripts.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if public is not None and public():
                return view(*args, **kwargs)
            found = access()
            if found is not Access.GRANTED:
                return refusal(found, kind)
            return view(*args, **kwargs)

        return guarded

    return decorate


def _locked_out(seconds: int) -> Response:
    minutes = max(1, -(-seconds // 60))
    message = ngettext(
        "Too many wrong admin tokens from your address. Try again in %(num)d minute.",
        "Too many wrong admin tokens from your address. Try again in %(num)d minutes.",
        minutes,
    )
    return Response(message + "\n", 429, {"Retry-After": str(seconds)}, mimetype="text/plain")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of this blueprint only (no open redirect)."""
    if target and target.startswith("/network/") and "//" not in target and "\\" not in target:
        return target
    return url_for("network.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> BaseResponse | tuple[str, int]:
    """The sign-in form: one field, the admin token."""
    token = _configured_token()
    if token is None:
        return render_template("network/admin_off.html"), 403
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if signed_in():
            return redirect(target)
        return _sign_in_page(target, [], signed_out=request.args.get("signed_out") == "1")
    wait = locked_out_for()
    if wait is not None:
        message = _locked_out(wait).get_data(as_text=True).strip()
        page, status = _sign_in_page(target, [_token_error(message)], 429)
        return Response(page, status, {"Retry-After": str(wait)})
    given = request.form.get("token", "").strip()
    if not given:
        return _sign_in_page(target, [_token_error(_("Enter the admin token"))], status=400)
    if not _token_matches(given, token):
        _note_failure()
        return _sign_in_page(target, [_token_error(_("The admin token is not correct"))], 401)
    session.clear()  # a fresh session at a change of privilege
    session[SESSION_KEY] = _session_mark(token)
    session[SESSION_ID_KEY] = storage.start_admin_session(lifetime=_lifetime())
    return redirect(target, code=303)


def _token_error(message: str) -> FieldError:
    return FieldError("token", "f-token", message)


def _sign_in_page(
    target: str,
    errors: list[FieldError],
    status: int = 200,
    *,
    signed_out: bool = False,
    needed: bool = False,
) -> tuple[str, int]:
    """The sign-in form; ``needed`` when it answers a page asked for without signing in."""
    page = render_template(
        "network/sign_in.html", next=target, errors=errors, signed_out=signed_out, needed=needed
    )
    return page, status


@bp.post("/sign-out")
def sign_out() -> BaseResponse:
    """End this browser's admin sign-in, on the server too (a copied cookie stops working)."""
    session_id = session.get(SESSION_ID_KEY)
    if isinstance(session_id, str):
        storage.end_admin_session(session_id)
    session.pop(SESSION_KEY, None)
    session.pop(SESSION_ID_KEY, None)
    return redirect(url_for("network.sign_in", signed_out="1"), code=303)
