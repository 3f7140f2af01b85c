"""The command line starts fast because it imports only what the command it runs needs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from web.cli import COMMANDS, cli, load_command

#: Modules that cost most of the old 3.5 s start-up; no light command may import them.
HEAVY = ("sklearn", "scipy", "sqlalchemy", "alembic", "numpy", "web.app", "benchmark")

_PROBE = """
import json, sys
from web.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="citydip")
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
