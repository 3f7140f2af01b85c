"""Settings: environment variables, the generated secret, start-up failures, the docs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from database import database_url
from flask import Flask
from web_helpers import make_app

from rules import DEFAULT_RULEBOOK
from web import storage
from web.errors import StartupError
from web.settings import Settings, configuration_markdown, settings_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_doc_is_current() -> None:
    assert DOCS.read_text("utf-8") == configuration_markdown(), (
        "regenerate with: python -m web.settings > docs/configuration.md"
    )


def test_every_setting_has_help() -> None:
    for name, _default, help_text in settings_table():
        assert name.startswith("CITYDIP_")
        assert len(help_text) > 10, name


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYDIP_K", "5")
    monkeypatch.setenv("CITYDIP_DEMO_POOL", "false")
    settings = Settings()
    assert settings.k == 5
    assert settings.demo_pool is False


def test_bad_setting_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="CITYDIP_K"):
        make_app(tmp_path, k=0)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = make_app(tmp_path)
    key = first.config["SECRET_KEY"]
    storage.dispose(first)
    second = make_app(tmp_path)
    assert second.config["SECRET_KEY"] == key
    assert len(key) >= 40
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
    storage.dispose(second)


def test_broken_rulebook_stops_start_up_with_full_report(tmp_path: Path) -> None:
    broken = tmp_path / "rulebook"
    shutil.copytree(DEFAULT_RULEBOOK, broken)
    strategy = broken / "dimensions" / "strategy.yaml"
    text = strategy.read_text("utf-8").replace("kind: choice", "kind: checklist", 1)
    strategy.write_text(text.replace("weight: 1.0", "weight: -1"), "utf-8")
    with pytest.raises(StartupError) as caught:
        make_app(tmp_path, rulebook_path=broken)
    message = str(caught.value)
    assert "the rulebook in" in message and "is broken" in message
    assert "strategy.yaml:" in message
    assert "2 problems" in message


def fake_serve(calls: list[dict[str, object]]) -> Callable[..., None]:
    """Stands in for ``waitress.serve``: records its options, lets the app's warm-up finish
    (the pool it loads) and closes the app's connections, as a stopped server would."""

    def serve(app: Flask, **options: object) -> None:
        calls.append(options)
        assert app.extensions["citydip.peers"].warmed_up.wait(30)
        storage.dispose(app)

    return serve


def test_serve_command_runs_waitress(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import waitress

    from web.cli import cli

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(waitress, "serve", fake_serve(calls))
    monkeypatch.setenv("CITYDIP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CITYDIP_DATABASE_URL", database_url(tmp_path))
    monkeypatch.setenv("CITYDIP_DEMO_POOL", "false")
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "--threads", "2"])
    assert result.exit_code == 0, result.output
    assert calls == [
        {
            "host": "127.0.0.1",
            "port": 8123,
            "threads": 2,
            "connection_limit": 500,
            "channel_timeout": 60,
            "ident": "citydip",
        }
    ]


def test_serve_limits_come_from_settings_unless_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import waitress

    from web.cli import cli

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(waitress, "serve", fake_serve(calls))
    monkeypatch.setenv("CITYDIP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CITYDIP_DATABASE_URL", database_url(tmp_path))
    monkeypatch.setenv("CITYDIP_DEMO_POOL", "false")
    monkeypatch.setenv("CITYDIP_THREADS", "6")
    monkeypatch.setenv("CITYDIP_CONNECTION_LIMIT", "300")
    monkeypatch.setenv("CITYDIP_CHANNEL_TIMEOUT", "20")
    result = CliRunner().invoke(cli, ["serve", "--connection-limit", "250"])
    assert result.exit_code == 0, result.output
    [call] = calls
    assert (call["threads"], call["connection_limit"], call["channel_timeout"]) == (6, 250, 20)


def test_serve_reports_a_broken_rulebook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from web.cli import cli

    monkeypatch.setenv("CITYDIP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CITYDIP_DATABASE_URL", database_url(tmp_path))
    monkeypatch.setenv("CITYDIP_RULEBOOK_PATH", str(tmp_path))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "no rulebook.yaml here" in result.output
