"""docs/api.md tells the truth: its curl examples run, as written, against a live server."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import waitress
from api_helpers import make_api_app

from web import storage

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "api.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"


def _examples() -> str:
    text = DOC.read_text("utf-8")
    section = text.split("\n## Examples\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) >= 4
    return "\n".join(blocks)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app served by waitress on a free loopback port, as `citydip serve` does."""
    app = make_api_app(tmp_path / "app")
    served = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.effective_port}"
    served.close()
    thread.join(timeout=5)
    storage.dispose(app)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_examples_work_as_written(server: str, tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", work / "examples")  # "from the repository root"
    script = _examples()
    assert DOCUMENTED_BASE in script
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace(DOCUMENTED_BASE, server)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((work / "rulebook.json").read_text())["id"] == "city_diplomacy"
    created = json.loads((work / "created.json").read_text())
    assert created["scorecard"]["overall_level"] == 4
    assert created["profile"]["region"] == "Northern Europe"
    out = result.stdout
    assert '"overall_level":4' in out  # the stateless score
    assert f'"self":"{server}/api/v1/assessments/{created["token"]}"' in out  # read back
    assert '"mode":"learn_from","k":5' in out
    assert '"practices":' in out
    assert '"offered":true' in out  # the targets offered, and the first action taken on
    assert '"owner":"Amira Haddad","due":null,"status":"started"' in out
    # The team's draft: the owner's stale save was refused, the rest saved and submitted.
    assert '"code":"version_conflict"' in out
    saved = json.loads((work / "saved.json").read_text())
    assert saved["version"] == 2
    colleague = json.loads((work / "colleague.json").read_text())["contributor"]["id"]
    assert saved["answered_by"]["eu.programmes"]["by"] == colleague
    assert saved["evidence"]["eu.programmes"]["link"] == "https://example.org/eu-projects"
    submitted = json.loads((work / "submitted.json").read_text())
    assert (submitted["status"], submitted["scorecard"]["overall_level"]) == ("submitted", 4)
    assert json.loads((work / "activity.json").read_text())["entries"][0]["kind"] == "submitted"
    assert out.rstrip().endswith(
        '"details":[{"path":"answers.staff.team_size","message":"give an option value (a '
        'string such as \\"adopted\\", \\"na\\" or \\"unknown\\") or a number, not true"}]},'
        '"status":422}'
    )
