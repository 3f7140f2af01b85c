"""`citydip rules check --languages` on the command line (issue 16, part 2)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from rules.loader import DEFAULT_RULEBOOK
from web.cli.rules import check_command


def test_the_command_lists_every_text_lacking_a_language_and_fails(tmp_path: Path) -> None:
    folder = tmp_path / "rulebook"
    shutil.copytree(DEFAULT_RULEBOOK, folder)
    budget = folder / "dimensions" / "budget.yaml"
    text = budget.read_text("utf-8")
    # a title in English only, whatever the shipped rulebook holds
    text = re.sub(
        r"^title:.*?(?=^\w)", "title: Budget and resources\n", text, count=1, flags=re.M | re.S
    )
    budget.write_text(text, "utf-8")
    line = text.splitlines().index("title: Budget and resources") + 1

    result = CliRunner().invoke(check_command, [str(folder), "--languages", "en,fr"])
    assert result.exit_code == 1
    assert f"rulebook/dimensions/budget.yaml:{line}: title: no fr" in result.output
    assert "lack a language of en, fr" in result.output
    ok = CliRunner().invoke(check_command, [str(folder), "--languages", "en"])
    assert ok.exit_code == 0 and ok.output.startswith("OK: ")
