"""`citydip peers`: comparable cities with reasons, learning partners and advice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def emerging_report() -> dict:
    result = CliRunner().invoke(cli, ["peers", str(EXAMPLES / "answers-emerging.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_text_report_has_every_section() -> None:
    result = CliRunner().invoke(cli, ["peers", str(EXAMPLES / "answers-emerging.yaml")])
    assert result.exit_code == 0, result.output
    for heading in (
        "Comparable cities (similar context)",
        "Cities at the same stage",
        "Cities to learn from, in your weakest dimensions",
        "Next steps from the rulebook:",
        "Common among your comparable peers:",
    ):
        assert heading in result.output
    assert "same region (Southern Europe)" in result.output
    assert "(demo data)" in result.output


def test_comparable_peers_carry_reasons(emerging_report: dict) -> None:
    peers = emerging_report["comparable"]["peers"]
    assert len(peers) == 10
    assert all(peer["reasons"] for peer in peers)


def test_learning_partners_are_ahead_in_their_dimension(emerging_report: dict) -> None:
    groups = emerging_report["learn_from"]
    assert groups, "the emerging example has weak dimensions, so partners are expected"
    own = {d["id"]: d for d in json.loads(_score_json())["dimensions"]}
    for group in groups:
        dimension = group["target"]
        assert group["peers"]
        for peer in group["peers"]:
            assert peer["levels"][dimension] > own[dimension]["level"]


def test_missing_profile_is_a_clear_error(tmp_path: Path) -> None:
    answers = (EXAMPLES / "answers-emerging.yaml").read_text("utf-8")
    no_profile = tmp_path / "answers.yaml"
    no_profile.write_text(answers.split("profile:")[0], "utf-8")
    result = CliRunner().invoke(cli, ["peers", str(no_profile)])
    assert result.exit_code != 0
    assert "profile" in result.output


def _score_json() -> str:
    result = CliRunner().invoke(cli, ["score", str(EXAMPLES / "answers-emerging.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    return result.output
