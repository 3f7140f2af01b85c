"""Settings of the web app, read from ``CITYDIP_*`` environment variables.

The fields of :class:`Settings` are the one table of (name, default, help) that validates the
environment, and that :func:`configuration_markdown` turns into ``docs/configuration.md``
(``python -m web.settings > docs/configuration.md``; a test keeps the two in step).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many
from limits.storage import SCHEMES as STORAGE_SCHEMES
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from benchmark.wording import N_
from rules import DEFAULT_RULEBOOK

__all__ = [
    "ADMIN_TOKEN_BITS",
    "DEFAULT_HOST_NAME",
    "ENV_PREFIX",
    "Settings",
    "configuration_markdown",
    "load_secret_key",
    "settings_table",
    "split_overrides",
    "token_weakness",
]

ENV_PREFIX = "CITYDIP_"

#: File in the instance folder that keeps the generated secret key between restarts.
SECRET_KEY_FILE = "secret_key"
#: Who hosts an instance that was not told: words, shown in the reader's language
#: (:attr:`Settings.shown_host_name`).
DEFAULT_HOST_NAME = N_("the organisation that runs this service")


class Settings(BaseSettings):
    """Everything an operator can set; each field's description is its help text."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy database URL. Default: an SQLite file `citydip.sqlite3` in the "
        "instance folder. PostgreSQL: `postgresql+psycopg://user:pass@host/db`.",
    )
    instance_path: Path | None = Field(
        default=None,
        description="Instance folder (database, generated secret key, the peer pool's arrays "
        "`peer-pool.npz` kept between restarts). Default: Flask's "
        "instance folder beside the package.",
    )
    rulebook_path: Path = Field(
        default=DEFAULT_RULEBOOK,
        description="Rulebook folder. The app refuses to start when the rulebook has problems.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs session cookies and CSRF tokens. When unset, a random key "
        "is generated once and kept in `<instance>/secret_key`.",
    )
    admin_token: SecretStr | None = Field(
        default=None,
        description="Token for the admin pages; admin pages are off while it is unset. It must "
        "carry at least 128 bits (the app refuses to start otherwise); make one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
    )
    admin_failure_limit: str = Field(
        default="10 per 15 minutes",
        description="Wrong admin tokens (sign-in form or `Authorization: Bearer`) allowed per "
        "client address, in Flask-Limiter notation; over it, every admin sign-in and bearer "
        "request from that address gets a 429 with `Retry-After` until the window has passed.",
    )
    admin_session_hours: int = Field(
        default=12,
        ge=1,
        le=24 * 30,
        description="Hours an admin sign-in lasts. Signing out ends it on the server at once: "
        "a copy of the cookie no longer works.",
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="The address people reach the app at, e.g. `https://citydip.example.org`. "
        "Absolute links (the API's `Location` and `links`, links to share) are built on it "
        "instead of the request's `Host` header. Default: the request's own address, which is "
        "fine on 127.0.0.1 and behind a proxy that sets `Host` itself.",
    )
    publish_aggregates: bool = Field(
        default=False,
        description="Serve the anonymised aggregates (`/network/export/aggregates.csv` and "
        "`.json`) to everyone, without signing in. Groups of fewer than 5 cities, and figures "
        "that could be subtracted from others to reveal fewer than 5, are always suppressed.",
    )
    public_rate_limit: str = Field(
        default="30 per minute",
        description="Downloads of the published aggregates per client address without signing "
        "in, in Flask-Limiter notation; over it, a 429 with `Retry-After`. Results are cached "
        "until the pool changes, so a request within the limit costs little.",
    )
    host_name: str = Field(
        default=DEFAULT_HOST_NAME,
        min_length=1,
        max_length=200,
        description="Who hosts this instance (for example a city network's secretariat), "
        "named on the privacy page and in every page's footer.",
    )
    host_contact: str | None = Field(
        default=None,
        max_length=200,
        description="How to reach the host about data and accessibility: an email address or "
        "a web address, shown in every page's footer and on the privacy page.",
    )
    open_data_licence: str = Field(
        default="CC BY 4.0",
        min_length=1,
        description="Licence named in the anonymised aggregate exports (open data).",
    )
    max_import_size: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Largest file, in bytes, the admin import page accepts (survey CSV or "
        "pool JSON Lines).",
    )
    demo_pool: bool = Field(
        default=True,
        description="Load fictional demo cities into an empty peer pool on first start, so "
        "that peers appear at once. They are always labelled as demo data.",
    )
    demo_pool_size: int = Field(
        default=300, ge=0, le=100_000, description="Number of demo cities to generate."
    )
    demo_seed: int = Field(default=1, description="Random seed of the demo pool generator.")
    k: int = Field(default=10, ge=1, le=100, description="Number of peers shown in each mode.")
    max_content_length: int = Field(
        default=256 * 1024,
        ge=1024,
        description="Largest request body accepted, in bytes; larger ones get a 413 page.",
    )
    resume_token_days: int = Field(
        default=365,
        ge=1,
        description="Days a resume link stays valid after the assessment was started; after "
        "that the link shows 'page not found'.",
    )
    languages: str = Field(
        default="en,fr,de,es,it,pl",
        description="The languages offered, comma-separated, from en, fr, de, es, it, pl; "
        "English is always offered. A language can be offered only when its interface "
        "catalog is complete (the app refuses to start otherwise).",
    )
    evidence_max_age_months: int = Field(
        default=18,
        ge=1,
        le=240,
        description="Evidence checked longer ago than this many months is flagged as old on "
        "the results page and in the exports.",
    )
    session_cookie_secure: bool = Field(
        default=False,
        description="Send cookies over HTTPS only. Turn on whenever the app is served over "
        "HTTPS (off by default so that http://127.0.0.1 works).",
    )
    write_rate_limit: str = Field(
        default="120 per minute",
        description="Rate limit on form submissions (POST) per client address, in "
        "Flask-Limiter notation; `0 per minute` is not allowed, use a large number instead.",
    )
    api_write_rate_limit: str = Field(
        default="60 per minute",
        description="Rate limit on each writing operation of the JSON API (creating "
        "assessments and drafts, saving answers, the team and review operations; each "
        "operation counted on its own) per client address, in Flask-Limiter notation "
        "(several limits separated by `;`). Requests over it get a 429 with `Retry-After`.",
    )
    api_score_rate_limit: str = Field(
        default="600 per minute",
        description="Rate limit on stateless scoring through the JSON API "
        "(`POST /api/v1/score`) per client address, in Flask-Limiter notation.",
    )
    threads: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Worker threads of `citydip serve` (waitress): requests served at once.",
    )
    connection_limit: int = Field(
        default=500,
        ge=1,
        le=10_000,
        description="Open connections `citydip serve` accepts at once (waitress "
        "`connection_limit`; waitress' own default, 100, lets 101 idle sockets shut everyone "
        "else out). Keep it below the process's open-file limit (`ulimit -n`). In production, "
        "a reverse proxy in front holds slow and idle clients (see the README).",
    )
    channel_timeout: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="Seconds of inactivity after which `citydip serve` closes a connection "
        "(waitress `channel_timeout`).",
    )
    ratelimit_storage_uri: str = Field(
        default="memory://",
        min_length=1,
        description="Where the rate-limit counters (forms and JSON API) are kept (a Flask-Limiter "
        "storage URI). `memory://` counts in each process on its own, so N processes allow N "
        "times the limit; set a shared store such as `redis://host:6379` to count across "
        "processes and machines.",
    )

    @field_validator("admin_token")
    @classmethod
    def _check_admin_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            problem = token_weakness(value.get_secret_value())
            if problem:
                raise ValueError(
                    f"the admin token is too weak ({problem}): it needs at least "
                    f"{ADMIN_TOKEN_BITS} bits. Make one with: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'"
                )
        return value

    @field_validator(
        "api_write_rate_limit", "api_score_rate_limit", "admin_failure_limit", "public_rate_limit"
    )
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        try:
            parsed = parse_many(value)
        except ValueError as exc:
            raise ValueError(
                f"{value!r} is not a rate limit; write it like '60 per minute'"
            ) from exc
        if not parsed or any(limit.amount < 1 for limit in parsed):
            raise ValueError("a rate limit must allow at least 1 request; use a large number")
        return value

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, value: str) -> str:
        from web.i18n import KNOWN, incomplete_messages

        chosen = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [lang for lang in chosen if lang not in KNOWN]
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r}: choose from {', '.join(KNOWN)}")
        for lang in chosen:
            if lang != "en" and incomplete_messages(lang):
                count = len(incomplete_messages(lang))
                raise ValueError(f"the {lang} catalog lacks {count} translations")
        return ",".join(["en", *[lang for lang in chosen if lang != "en"]])

    @property
    def shown_host_name(self) -> str:
        """The host's name as pages show it: a name set is shown as it is, the default's
        words in the reader's language."""
        if self.host_name != DEFAULT_HOST_NAME:
            return self.host_name
        from flask_babel import gettext  # the app's, not the CLI's: imported when shown

        return gettext(DEFAULT_HOST_NAME)

    @property
    def offered_languages(self) -> tuple[str, ...]:
        """The languages offered, English first."""
        return tuple(self.languages.split(","))

    @field_validator("ratelimit_storage_uri")
    @classmethod
    def _check_storage_uri(cls, value: str) -> str:
        schemes = sorted(s for s in STORAGE_SCHEMES if not s.startswith("async+"))
        if "://" not in value or value.split("://", 1)[0] not in schemes:
            known = ", ".join(f"{s}://" for s in schemes)
            raise ValueError(f"{value!r} is not a storage URI; use one of {known}")
        return value


#: The least strength an admin token may have, in bits (as a 128-bit key).
ADMIN_TOKEN_BITS = 128
#: A token of fewer different characters is a word or a pattern, however long.
_DISTINCT_AT_LEAST = 10
_CHARACTER_CLASSES = (
    (str.islower, 26),
    (str.isupper, 26),
    (str.isdigit, 10),
)


def token_weakness(token: str) -> str | None:
    """Why ``token`` is weaker than :data:`ADMIN_TOKEN_BITS`, or None when it is not.

    A string's entropy cannot be read off it; this is the usual upper estimate (length ×
    log2 of the alphabet its character classes span: lower case, upper case, digits, others
    counted as 33), with a floor on distinct characters, so "aaaa…" and repeated words fail
    however long they are, and a generated token (``secrets.token_urlsafe(32)``: 43
    characters, ~256 bits; ``token_hex(16)``: 32 characters, 128 bits) passes.
    """
    alphabet = sum(size for test, size in _CHARACTER_CLASSES if any(test(c) for c in token))
    if any(not (c.islower() or c.isupper() or c.isdigit()) for c in token):
        alphabet += 33
    bits = len(token) * math.log2(max(alphabet, 2))
    if len(set(token)) < _DISTINCT_AT_LEAST:
        return f"only {len(set(token))} different characters"
    if bits < ADMIN_TOKEN_BITS:
        return f"about {bits:.0f} bits"
    return None


def split_overrides(config: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a test config into (settings fields, plain Flask config keys).

    A key names a setting when it matches a field of :class:`Settings`, in any case
    (``DATABASE_URL`` or ``database_url``); every other key goes to ``app.config`` as it is.
    """
    fields: dict[str, Any] = {}
    flask_config: dict[str, Any] = {}
    for key, value in (config or {}).items():
        name = key.lower()
        if name in Settings.model_fields:
            fields[name] = value
        else:
            flask_config[key] = value
    return fields, flask_config


def load_secret_key(settings: Settings, instance_path: Path) -> str:
    """The configured secret key, or one generated once and kept in the instance folder."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.is_file():
        key = key_file.read_text("utf-8").strip()
        if key:
            return key
    key = secrets.token_urlsafe(48)
    key_file.touch(mode=0o600)
    key_file.write_text(key + "\n", "utf-8")
    return key


def settings_table() -> list[tuple[str, str, str]]:
    """Rows of (environment variable, default, help), in field order."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            shown = "the shipped rulebook" if default == DEFAULT_RULEBOOK else str(default)
        elif default is None:
            shown = "unset"
        elif isinstance(default, bool):
            shown = "true" if default else "false"
        else:
            shown = str(default)
        rows.append((ENV_PREFIX + name.upper(), shown, field.description or ""))
    return rows


def configuration_markdown() -> str:
    """The text of ``docs/configuration.md``, generated from :class:`Settings`."""
    lines = [
        "# Configuration",
        "",
        "The web app reads its settings from environment variables with the prefix "
        f"`{ENV_PREFIX}`. This file is generated from `web/settings.py` "
        "(`python -m web.settings > docs/configuration.md`); a test checks that it is current.",
        "",
        "| Variable | Default | What it does |",
        "|---|---|---|",
    ]
    for name, default, help_text in settings_table():
        lines.append(f"| `{name}` | {default} | {help_text} |")
    lines += [
        "",
        "Booleans accept `true`/`false`, `1`/`0`, `yes`/`no`. Example:",
        "",
        "```sh",
        "CITYDIP_DEMO_POOL=false CITYDIP_K=5 citydip serve --port 8080",
        "```",
        "",
        "## Database",
        "",
        "The schema is managed by Alembic (`web/migrations/`). The app upgrades the database to",
        "the latest revision every time it starts, so a fresh install needs no extra step;",
        "`citydip db upgrade` does the same by hand (for example before starting several app",
        "instances against one PostgreSQL database). SQLite runs with `journal_mode=WAL`,",
        "`busy_timeout=5000`, `synchronous=NORMAL` and `foreign_keys=ON`.",
        "",
        "## Demo pool",
        "",
        "When the peer pool is empty at start-up and `CITYDIP_DEMO_POOL` is true, the app",
        "generates `CITYDIP_DEMO_POOL_SIZE` fictional cities with seed `CITYDIP_DEMO_SEED` and",
        "stores them with source `demo`. They are never given real names and are shown as",
        "demo data. Submitted assessments whose city agreed to share join the pool as",
        "source `submitted`.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(configuration_markdown(), end="")
