"""The command line starts fast because it imports only what the command it runs needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli import COMMANDS, cli, load_command

#: Modules that cost most of the old 3.5 s start-up; no light command may import them.
HEAVY = ("sklearn", "scipy", "sqlalchemy", "alembic", "numpy", "web.app", "benchmark")

_PROBE = """
import json, sys
from web.cli import main
try:
    main()  # the console script's entry point, with this process's arguments
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _imported_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=60
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("rules", "check"), ("rules", "--help")])
def test_light_commands_import_nothing_heavy(args: tuple[str, ...]) -> None:
    imported = _imported_by(*args)
    assert "web.cli" in imported  # the probe did run the command line
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == []


def test_rules_and_score_run_without_flask_and_the_rest_with_it() -> None:
    assert "flask" not in _imported_by("rules", "check")
    assert "rules.loader" in _imported_by("rules", "check")
    assert "flask.cli" in _imported_by("--help")


def test_the_console_script_gives_the_same_results_as_the_group() -> None:
    example = str(Path(__file__).parents[2] / "examples" / "answers-established.yaml")
    for args in (["rules", "check"], ["rules", "test"], ["rules", "nope"], ["score", example]):
        script = subprocess.run(
            [sys.executable, "-c", "from web.cli import main; main()", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        grouped = CliRunner().invoke(cli, args)
        assert script.returncode == grouped.exit_code, args
        assert script.stdout == grouped.stdout, args


def test_help_lists_every_command_with_its_own_short_help() -> None:
    for name in COMMANDS:
        real = load_command(name).get_short_help_str(limit=150)
        assert COMMANDS[name].short_help == real, name
    printed = CliRunner().invoke(cli, ["--help"]).output
    for name in ("db", "peers", "pool", "rules", "score", "serve", "run", "routes", "shell"):
        assert f"\n  {name} " in printed, name


def test_a_command_runs_after_being_loaded_lazily() -> None:
    result = CliRunner().invoke(cli, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_the_schema_kinds_offered_are_the_rulebook_file_kinds() -> None:
    from rules.schema import FILE_MODELS
    from web.cli.rules import SCHEMA_KINDS

    assert list(SCHEMA_KINDS) == list(FILE_MODELS)
