"""Shared fixtures of the rules tests: the shipped rulebook and the small test rulebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import Rulebook, load_rulebook

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="session")
def book() -> Rulebook:
    """The shipped rulebook, loaded once."""
    return load_rulebook()


@pytest.fixture(scope="session")
def mini_book() -> Rulebook:
    """The small test rulebook in ``fixtures/mini`` (3 levels, 2 dimensions)."""
    return load_rulebook(MINI)
