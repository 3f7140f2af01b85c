"""Keep README.md honest: the Quick start and the command list match what exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from web.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {title}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _code_lines(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.split("#")[0].strip() for b in blocks for line in b.splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands_that_are_make_targets() -> None:
    lines = _code_lines(_section("Quick start"))
    assert lines == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for line in lines:
        assert re.search(rf"^{line.split()[1]}:", makefile, re.M)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


CITYDIP_LINES = [line for line in _code_lines(README) if line.startswith("citydip ")]


@pytest.mark.parametrize("line", CITYDIP_LINES)
def test_every_documented_command_and_option_exists(line: str) -> None:
    words = shlex.split(line)[1:]
    command: click.Command = cli
    ctx = click.Context(cli)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words.pop(0))
        assert sub is not None, f"no such command in: {line}"
        command = sub
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        flag = word.strip("[]").split("=")[0]
        if flag.startswith("-"):
            assert flag in known, f"{flag} is not an option of: {line}"
