"""The application factory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from pydantic import ValidationError

from rules import Rulebook, RulebookError, load_rulebook
from rules.locale import use_locale
from rules.rounding import shown_score
from web import i18n, log_redaction, peers, rescoring, state, storage
from web.demo_pool import seed_demo_pool
from web.errors import StartupError
from web.security import init_app as init_security
from web.settings import Settings, load_secret_key, split_overrides

__all__ = ["create_app"]

log = logging.getLogger(__name__)

#: CSRF tokens stay valid for a working day: a long question page must not expire mid-read.
CSRF_TIME_LIMIT_S = 8 * 3600
#: File in the instance folder that keeps the peer pool's arrays between restarts.
SNAPSHOT_FILE = "peer-pool.npz"


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    warm_up_in_background: bool = False,
    on_ready: Callable[[int], object] | None = None,
    prepare: bool = True,
) -> Flask:
    """Create the Flask application.

    ``test_config`` overrides settings (keys named like :class:`~web.settings.Settings` fields,
    in any case) and plain Flask config keys (``TESTING``, ``WTF_CSRF_ENABLED``...).
    With ``warm_up_in_background`` (``citydip serve``), the demo pool is loaded and the peer
    index fitted in a thread, so that the server answers at once; peer queries wait for it,
    and ``on_ready`` gets the pool's size when it is done.
    Otherwise (tests, ``gunicorn 'web:create_app()'``) the demo pool is loaded here.
    Loading the demo pool comes after re-scoring results of an older rulebook
    (:func:`prepare_data`); ``prepare=False`` leaves both to the caller (``citydip db upgrade``
    runs them with a progress bar).
    Raises :class:`StartupError` with the loader's full report when the rulebook is broken.
    """
    log_redaction.install()  # before anything can log a secret link
    overrides, flask_config = split_overrides(test_config)
    settings = _read_settings(overrides)
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(settings.instance_path.resolve()) if settings.instance_path else None,
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    book = _read_rulebook(settings.rulebook_path)
    app.config.from_mapping(
        SECRET_KEY=load_secret_key(settings, instance),
        MAX_CONTENT_LENGTH=settings.max_content_length,
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=CSRF_TIME_LIMIT_S,
        BABEL_DEFAULT_LOCALE="en",
    )
    app.config.from_mapping(flask_config)
    state.install(app, settings=settings, book=book)
    offered = settings.offered_languages
    catalogs = i18n.init_app(app, offered, instance, secure=settings.session_cookie_secure)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogs)
    Babel(app, locale_selector=lambda: i18n.chosen_language(offered))
    # rulebook texts and the sentences rules and benchmark write follow the request too
    use_locale(i18n.request_language, i18n.translate, i18n.translate_plural)
    init_security(app, write_limit=settings.write_rate_limit)
    database_url = settings.database_url or f"sqlite:///{instance / 'citydip.sqlite3'}"
    storage.init_app(app, database_url)
    peers.init_app(
        app, book=book, k=settings.k, snapshot=instance / SNAPSHOT_FILE, database_url=database_url
    )

    # One rounding rule for every figure beside a level (rules.rounding).
    app.add_template_filter(shown_score, "score")
    _register_blueprints(app)
    if not prepare:
        return app
    if warm_up_in_background:
        peers.warm_up_in_background(app, prepare_data, on_ready)
    else:
        with app.app_context():
            prepare_data()
    return app


def prepare_data(progress: Callable[[int], object] | None = None) -> rescoring.RescoreReport:
    """Re-score results of an older rulebook, then seed the demo pool if enabled (in an app
    context). Re-scoring comes first, so that the pool and peers see one yardstick."""
    book, settings = state.rulebook(), state.settings()
    report = rescoring.RescoreReport()
    if rescoring.count_outdated(book):
        report = rescoring.rescore_outdated(book, state.previous_rulebook(), progress=progress)
    if settings.demo_pool:
        seed_demo_pool(book, size=settings.demo_pool_size, seed=settings.demo_seed)
    return report


def _read_settings(overrides: Mapping[str, Any]) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"CITYDIP_{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise StartupError(f"cannot start: bad settings: {problems}") from exc


#: rulebooks already read by this process, by folder and the size and time of every file in
#: it: a second app in one process (the tests make hundreds) skips the 70 ms of loading and
#: checking, and any change to a file reads it again. Rulebooks are frozen models.
_READ: dict[tuple[str, tuple[tuple[str, int, int], ...]], Rulebook] = {}


def _read_rulebook(path: Path) -> Rulebook:
    files = sorted(p for p in path.rglob("*") if p.is_file())
    key = (
        str(path.resolve()),
        tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files),
    )
    if key not in _READ:
        try:
            _READ[key] = load_rulebook(path)
        except RulebookError as exc:
            raise StartupError(f"cannot start: the rulebook in {path} is broken: {exc}") from exc
    return _READ[key]


def _register_blueprints(app: Flask) -> None:
    from web.assessment.about import bp as about_bp
    from web.assessment.activity_views import bp as activity_bp
    from web.assessment.forget import bp as forget_bp
    from web.assessment.history_views import bp as history_bp
    from web.assessment.pages import bp as pages_bp
    from web.assessment.plan_views import bp as plan_bp
    from web.assessment.report_views import bp as report_bp
    from web.assessment.results import bp as results_bp
    from web.assessment.review_views import bp as review_bp
    from web.assessment.scoring import bp as scoring_bp
    from web.assessment.share_views import bp as share_bp
    from web.assessment.team_views import bp as team_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(scoring_bp)
    app.register_blueprint(about_bp)
    app.register_blueprint(forget_bp)
    app.register_blueprint(team_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(activity_bp)
    app.register_blueprint(plan_bp)
    app.register_blueprint(share_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(report_bp)

    @app.context_processor
    def host() -> dict[str, object]:
        # Every page's footer names the host and how to reach it.
        settings = state.settings()
        return {"host_name": settings.shown_host_name, "host_contact": settings.host_contact}

    # The network secretariat's pages (/network/) and re-assessment (see web/network/).
    from web.network import bp as network_bp
    from web.network import reassess_bp

    app.register_blueprint(network_bp)
    app.register_blueprint(reassess_bp)
    # The JSON API under /api/v1: its own rate limits, exempt from CSRF (see web/api/).
    from web.api import init_app as init_api

    init_api(app)
